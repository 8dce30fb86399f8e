// Invited, active or disabled, in colours that keep AA contrast.
import { Badge } from '@mantine/core';
import type { ReactNode } from 'react';
import { STATUS_LABEL, statusOf, type MemberStatus, type MemberView } from './people';

const COLOR: Record<MemberStatus, string> = { invited: 'yellow.4', active: 'teal.9', disabled: 'gray.7' };

export function StatusBadge({ member }: { member: MemberView }): ReactNode {
  const status = statusOf(member);
  return (
    <Badge color={COLOR[status]} variant="filled" autoContrast data-status={status}>
      {STATUS_LABEL[status]}
    </Badge>
  );
}
