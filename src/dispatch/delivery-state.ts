// The delivery life cycle, written once: every change of state goes through assertTransition().
export const DELIVERY_STATES = [
  'pending_approval',
  'scheduled',
  'publishing',
  'published',
  'failed',
  'held',
  'missed',
  'needs_verification',
  'cancelled',
  'failed_over',
] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

const TRANSITIONS: Record<DeliveryState, readonly DeliveryState[]> = {
  pending_approval: ['scheduled', 'cancelled', 'held'],
  // failed_over: its platform was degraded and the post went to the channel's fallbacks instead.
  scheduled: ['publishing', 'pending_approval', 'cancelled', 'held', 'failed_over'],
  // Back to scheduled is a retry after a retryable failure. Cancelled or pending_approval: a cancel or a
  // rejection stopped it (before its send started, or its send in flight ended without publishing).
  // Held: claimed, never admitted, when the crisis switch closed its gate.
  publishing: ['published', 'scheduled', 'failed', 'needs_verification', 'cancelled', 'pending_approval', 'held'],
  held: ['scheduled', 'missed', 'cancelled', 'pending_approval'],
  missed: ['scheduled', 'pending_approval', 'cancelled'],
  // A person checked the platform: it was published, or it was not and may be sent again or dropped.
  needs_verification: ['published', 'scheduled', 'cancelled'],
  failed: ['scheduled', 'cancelled'],
  published: [],
  cancelled: [],
  failed_over: [],
};

/** States a delivery never leaves by itself. */
export const SETTLED_STATES: readonly DeliveryState[] = ['published', 'failed', 'cancelled', 'needs_verification', 'missed', 'failed_over'];

export function canTransition(from: DeliveryState, to: DeliveryState): boolean {
  return TRANSITIONS[from].includes(to);
}

export function assertTransition(from: DeliveryState, to: DeliveryState): void {
  if (!canTransition(from, to)) {
    throw new Error(`A delivery cannot go from ${from} to ${to}`);
  }
}

/** Sources of the transitions, for the migration's CHECK and tests. */
export const TRANSITION_TABLE = TRANSITIONS;
