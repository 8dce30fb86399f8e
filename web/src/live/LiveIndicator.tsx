// Whether this console follows the service live, in words (a status region, so screen readers hear changes).
import { Badge } from '@mantine/core';
import type { ReactNode } from 'react';
import { useLive, type LiveStatus } from './live';

const WORDS: Record<Exclude<LiveStatus, 'off'>, { label: string; color: string }> = {
  connecting: { label: 'Connecting…', color: 'gray.7' },
  live: { label: 'Live', color: 'teal.9' },
  reconnecting: { label: 'Reconnecting…', color: 'red.9' },
};

export function LiveIndicator(): ReactNode {
  const { status } = useLive();
  if (status === 'off') {
    return null;
  }
  const { label, color } = WORDS[status];
  return (
    <Badge role="status" aria-live="polite" variant="filled" color={color} data-testid="live-status" data-status={status}
      title={status === 'live' ? 'This console follows changes as they happen' : 'The live connection dropped; changes will show once it is back'}>
      {label}
    </Badge>
  );
}
