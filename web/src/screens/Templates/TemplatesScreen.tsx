// CONTRACT STUB (issue 14): the `playbooks` helper builds this screen.
import { Title } from '@mantine/core';
import type { ReactNode } from 'react';

export function TemplatesScreen(): ReactNode {
  return <Title order={2}>Templates</Title>;
}
