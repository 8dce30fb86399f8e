// The crisis switch. CONTRACT STUB (issue 14): the `switch` helper builds it (preview, typed confirmation, the answer).
import type { ReactNode } from 'react';

/** Rendered by the crisis screen when no crisis is on, for crisis leads only. */
export function ActivateCrisis(): ReactNode {
  return null;
}
