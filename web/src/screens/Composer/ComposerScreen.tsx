// Placeholder: the Composer screen is built in issue 13 by its helper; until then it says so.
import type { ReactNode } from 'react';
import { Empty } from '../../components/states';

export function ComposerScreen(): ReactNode {
  return <Empty title="Composer" hint="This screen is being built." />;
}
