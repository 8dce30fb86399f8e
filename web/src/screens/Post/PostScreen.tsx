// Placeholder: the Post screen is built in issue 13 by its helper; until then it says so.
import type { ReactNode } from 'react';
import { Empty } from '../../components/states';

export function PostScreen(): ReactNode {
  return <Empty title="Post" hint="This screen is being built." />;
}
