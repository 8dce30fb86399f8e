// CONTRACT STUB (issue 14): the `playbooks` helper builds this screen.
import { Title } from '@mantine/core';
import type { ReactNode } from 'react';

export function PlaybooksScreen(): ReactNode {
  return <Title order={2}>Playbooks</Title>;
}
