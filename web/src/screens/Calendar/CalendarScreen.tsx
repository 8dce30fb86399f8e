// Placeholder: the Calendar screen is built in issue 13 by its helper; until then it says so.
import type { ReactNode } from 'react';
import { Empty } from '../../components/states';

export function CalendarScreen(): ReactNode {
  return <Empty title="Calendar" hint="This screen is being built." />;
}
