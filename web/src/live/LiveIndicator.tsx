// Whether this console follows the service live. CONTRACT STUB (issue 14): the `live` helper completes it.
import type { ReactNode } from 'react';
import { useLive } from './live';

export function LiveIndicator(): ReactNode {
  const { status } = useLive();
  return status === 'off' ? null : <span data-testid="live-status" data-status={status} />;
}
