// The switch's answers, kept outside the dialogs that asked: activation turns the crisis screen into the room and the
// end turns it back, unmounting the dialog, so the Shell (through CrisisBanner) shows the answer until it is read.
import { useSyncExternalStore } from 'react';
import type { components } from '../../api/schema';

export type Activation = components['schemas']['ActivationView'];
export type Deactivation = components['schemas']['DeactivationView'];
export type SwitchAnswer = { kind: 'activation'; activation: Activation } | { kind: 'deactivation'; deactivation: Deactivation };

let current: SwitchAnswer | null = null;
const listeners = new Set<() => void>();

export function showSwitchAnswer(answer: SwitchAnswer | null): void {
  current = answer;
  listeners.forEach((listener) => listener());
}

export function useSwitchAnswer(): SwitchAnswer | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => current,
  );
}
