// CONTRACT STUB (issue 14): the `switch` helper builds this screen.
import { Title } from '@mantine/core';
import type { ReactNode } from 'react';

export function MissedScreen(): ReactNode {
  return <Title order={2}>Missed deliveries</Title>;
}
