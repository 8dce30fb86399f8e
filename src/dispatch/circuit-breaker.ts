// The circuit breaker of one scope (a platform, or one channel), written once as pure functions of a snapshot and the time.
import type { PublishFailure } from '../publishers/publisher.port';

export const BREAKER_STATES = ['closed', 'open', 'half_open'] as const;
/** closed: sends go out. open: sends wait until `retryAt`. half_open: one probe may go out, the rest wait for its answer. */
export type BreakerState = (typeof BREAKER_STATES)[number];

export interface BreakerPolicy {
  /** Opens after this many retryable failures in a row. */
  failureThreshold: number;
  /** ...or when at least this share (0..1) of the window's sends failed... */
  errorRate: number;
  /** ...over a window of this length... */
  windowMs: number;
  /** ...once the window holds at least this many sends. */
  minRequests: number;
  /** How long an open breaker waits before its first probe. */
  coolDownMs: number;
  /** Each failed probe doubles the wait, up to this. */
  maxCoolDownMs: number;
}

export interface BreakerSnapshot {
  state: BreakerState;
  consecutiveFailures: number;
  /** The current error-rate window: when it began, and its sends and failures. */
  windowStartedAt: Date | null;
  windowRequests: number;
  windowFailures: number;
  /** When this episode of trouble began (the first opening); null while closed. */
  openedAt: Date | null;
  /** Open: no probe before this instant. */
  retryAt: Date | null;
  /** Openings in this episode: the first waits coolDownMs, each failed probe doubles it. */
  trips: number;
  /** Half-open: the dispatcher instance sending the probe, and when its claim on the probe lapses. */
  probeOwner: string | null;
  probeExpiresAt: Date | null;
}

/** What a send's answer says about the health of the platform or channel it went to. */
export type HealthSignal = 'success' | 'failure' | 'neutral';

export interface Observation {
  signal: HealthSignal;
  /** The send was this scope's half-open probe. */
  probe: boolean;
  at: Date;
}

/** A change worth announcing: opened (it degraded), closed (it recovered), reopened (a probe failed; still degraded). */
export type BreakerTransition = 'opened' | 'reopened' | 'closed';

export const CLOSED_BREAKER: BreakerSnapshot = {
  state: 'closed',
  consecutiveFailures: 0,
  windowStartedAt: null,
  windowRequests: 0,
  windowFailures: 0,
  openedAt: null,
  retryAt: null,
  trips: 0,
  probeOwner: null,
  probeExpiresAt: null,
};

/**
 * Retryable and unknown outcomes (5xx, refused or lost connections, timeouts) are the platform failing.
 * A published post, a refusal of the content, a duplicate or a refused token all mean the platform
 * answered: healthy. A rate limit says nothing about health (the channel's own wait handles it).
 */
export function healthSignalOf(kind: PublishFailure['kind'] | 'published'): HealthSignal {
  switch (kind) {
    case 'retryable':
    case 'unknown':
      return 'failure';
    case 'rate_limited':
      return 'neutral';
    case 'published':
    case 'permanent':
    case 'duplicate':
    case 'auth_expired':
      return 'success';
  }
}

/** The wait before the next probe after the `trips`-th opening: coolDown, doubled per failed probe, capped. */
export function coolDownMs(trips: number, policy: BreakerPolicy): number {
  return Math.min(policy.maxCoolDownMs, policy.coolDownMs * 2 ** Math.max(0, trips - 1));
}

/** Feeds one send's answer to the breaker: the next snapshot and the transition it made, if any. */
export function observe(
  snapshot: BreakerSnapshot,
  observation: Observation,
  policy: BreakerPolicy,
): { next: BreakerSnapshot; transition: BreakerTransition | null } {
  const { signal, probe, at } = observation;
  if (signal === 'neutral') {
    // A probe that learned nothing (rate limited) frees the probe for a later send.
    return { next: probe && snapshot.state === 'half_open' ? releaseProbe(snapshot) : snapshot, transition: null };
  }
  switch (snapshot.state) {
    case 'closed':
      return observeClosed(snapshot, signal, at, policy);
    case 'half_open':
      if (signal === 'failure') {
        return { next: open(snapshot, at, policy), transition: 'reopened' };
      }
      // Only the probe's success closes it: a success from a send started before the breaker opened proves less.
      return probe ? { next: { ...CLOSED_BREAKER, windowStartedAt: at, windowRequests: 1 }, transition: 'closed' } : { next: snapshot, transition: null };
    case 'open':
      // Answers of sends that were already in flight when it opened: it stays open until its probe.
      return { next: snapshot, transition: null };
  }
}

function observeClosed(
  snapshot: BreakerSnapshot,
  signal: 'success' | 'failure',
  at: Date,
  policy: BreakerPolicy,
): { next: BreakerSnapshot; transition: BreakerTransition | null } {
  const fresh = snapshot.windowStartedAt === null || at.getTime() - snapshot.windowStartedAt.getTime() >= policy.windowMs;
  const failed = signal === 'failure' ? 1 : 0;
  const next: BreakerSnapshot = {
    ...snapshot,
    consecutiveFailures: failed ? snapshot.consecutiveFailures + 1 : 0,
    windowStartedAt: fresh ? at : snapshot.windowStartedAt,
    windowRequests: (fresh ? 0 : snapshot.windowRequests) + 1,
    windowFailures: (fresh ? 0 : snapshot.windowFailures) + failed,
  };
  const tooManyInARow = next.consecutiveFailures >= policy.failureThreshold;
  const errorRateTooHigh = next.windowRequests >= policy.minRequests && next.windowFailures / next.windowRequests >= policy.errorRate;
  if (failed && (tooManyInARow || errorRateTooHigh)) {
    return { next: open({ ...next, trips: 0, openedAt: at }, at, policy), transition: 'opened' };
  }
  return { next, transition: null };
}

function open(snapshot: BreakerSnapshot, at: Date, policy: BreakerPolicy): BreakerSnapshot {
  const trips = snapshot.trips + 1;
  return {
    ...snapshot,
    state: 'open',
    trips,
    openedAt: snapshot.openedAt ?? at,
    retryAt: new Date(at.getTime() + coolDownMs(trips, policy)),
    probeOwner: null,
    probeExpiresAt: null,
  };
}

/** Whether a probe may be sent now: the cool-down is over and nobody holds a live probe. */
export function canProbe(snapshot: BreakerSnapshot, now: Date): boolean {
  switch (snapshot.state) {
    case 'closed':
      return false;
    case 'open':
      return snapshot.retryAt !== null && snapshot.retryAt.getTime() <= now.getTime();
    case 'half_open':
      return snapshot.probeExpiresAt === null || snapshot.probeExpiresAt.getTime() <= now.getTime();
  }
}

/** Gives the probe to `owner` until `now + leaseMs` (a probe whose sender died is given again after that). */
export function grantProbe(snapshot: BreakerSnapshot, owner: string, now: Date, leaseMs: number): BreakerSnapshot {
  if (!canProbe(snapshot, now)) {
    throw new Error(`No probe can be granted to a ${snapshot.state} breaker now`);
  }
  return { ...snapshot, state: 'half_open', probeOwner: owner, probeExpiresAt: new Date(now.getTime() + leaseMs) };
}

/** The probe was not sent after all (nothing was due, or it learned nothing): another send may probe. */
export function releaseProbe(snapshot: BreakerSnapshot): BreakerSnapshot {
  return snapshot.state === 'half_open' ? { ...snapshot, probeOwner: null, probeExpiresAt: null } : snapshot;
}

/** What the dispatcher may do for this scope now: send freely, send one probe, or wait. */
export function admission(snapshot: BreakerSnapshot, now: Date): 'send' | 'probe' | 'wait' {
  if (snapshot.state === 'closed') {
    return 'send';
  }
  return canProbe(snapshot, now) ? 'probe' : 'wait';
}
