// Ending the crisis. CONTRACT STUB (issue 14): the `switch` helper builds it (note, resume choice, preview, confirm).
import type { ReactNode } from 'react';

/** Rendered by the crisis room for crisis leads while a crisis is on. */
export function DeactivateCrisis(_props: { crisisId: string }): ReactNode {
  return null;
}
