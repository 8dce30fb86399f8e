// CONTRACT STUB (issue 14): the `room` helper builds this screen.
import { Title } from '@mantine/core';
import type { ReactNode } from 'react';

export function CrisisScreen(): ReactNode {
  return <Title order={2}>Crisis</Title>;
}
