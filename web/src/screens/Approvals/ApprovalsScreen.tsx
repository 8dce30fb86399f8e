// Placeholder: the Approvals screen is built in issue 13 by its helper; until then it says so.
import type { ReactNode } from 'react';
import { Empty } from '../../components/states';

export function ApprovalsScreen(): ReactNode {
  return <Empty title="Approvals" hint="This screen is being built." />;
}
