// Placeholder: the Members screen is built in issue 13 by its helper; until then it says so.
import type { ReactNode } from 'react';
import { Empty } from '../../components/states';

export function MembersScreen(): ReactNode {
  return <Empty title="Members" hint="This screen is being built." />;
}
