// CONTRACT STUB (issue 14): the `audit-webhooks` helper builds this screen.
import { Title } from '@mantine/core';
import type { ReactNode } from 'react';

export function AuditScreen(): ReactNode {
  return <Title order={2}>Audit trail</Title>;
}
