import {
  admission,
  BreakerPolicy,
  BreakerSnapshot,
  canProbe,
  CLOSED_BREAKER,
  coolDownMs,
  grantProbe,
  healthSignalOf,
  HealthSignal,
  observe,
  releaseProbe,
} from './circuit-breaker';

const POLICY: BreakerPolicy = { failureThreshold: 3, errorRate: 0.5, windowMs: 60_000, minRequests: 10, coolDownMs: 30_000, maxCoolDownMs: 120_000 };
const T0 = new Date('2026-10-04T15:39:00Z');
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

/** Feeds answers in order, one second apart from `start`; returns the last snapshot and every transition. */
function feed(signals: HealthSignal[], from: BreakerSnapshot = CLOSED_BREAKER, start = 0): { snapshot: BreakerSnapshot; transitions: string[] } {
  let snapshot = from;
  const transitions: string[] = [];
  signals.forEach((signal, i) => {
    const result = observe(snapshot, { signal, probe: false, at: at(start + i) }, POLICY);
    snapshot = result.next;
    if (result.transition) {
      transitions.push(result.transition);
    }
  });
  return { snapshot, transitions };
}

describe('circuit breaker', () => {
  it('opens on the Nth retryable failure in a row, and waits the cool-down before a probe', () => {
    const { snapshot, transitions } = feed(['failure', 'failure', 'failure']);
    expect(transitions).toEqual(['opened']);
    expect(snapshot).toMatchObject({ state: 'open', openedAt: at(2), retryAt: at(32), trips: 1 });
    expect(admission(snapshot, at(31))).toBe('wait');
    expect(admission(snapshot, at(32))).toBe('probe');
  });

  it('does not open when successes break the run of failures', () => {
    const { snapshot, transitions } = feed(['failure', 'failure', 'success', 'failure', 'failure']);
    expect(transitions).toEqual([]);
    expect(snapshot).toMatchObject({ state: 'closed', consecutiveFailures: 2 });
  });

  it('opens on the error rate over the window once it holds enough sends', () => {
    // Alternating failures never reach 3 in a row, but half of 10 sends failed.
    const signals: HealthSignal[] = ['success', 'failure', 'success', 'failure', 'success', 'failure', 'success', 'failure', 'success', 'failure'];
    const { snapshot, transitions } = feed(signals);
    expect(transitions).toEqual(['opened']);
    expect(snapshot).toMatchObject({ state: 'open', windowRequests: 10, windowFailures: 5 });
  });

  it('starts a new window when the old one is over, so old failures stop counting', () => {
    const first = feed(['success', 'failure', 'success', 'failure', 'success', 'failure', 'success', 'failure', 'success']);
    expect(first.snapshot.windowRequests).toBe(9);
    // The tenth send comes after the window: it is the first of a new one.
    const later = observe(first.snapshot, { signal: 'failure', probe: false, at: at(70) }, POLICY);
    expect(later.transition).toBeNull();
    expect(later.next).toMatchObject({ state: 'closed', windowStartedAt: at(70), windowRequests: 1, windowFailures: 1 });
  });

  it('ignores rate limits: neither a failure nor a success', () => {
    const { snapshot, transitions } = feed(['failure', 'failure', 'neutral', 'neutral', 'failure']);
    expect(transitions).toEqual(['opened']);
    expect(snapshot.state).toBe('open');
  });

  it('classifies send outcomes: only retryable and unknown count against the platform', () => {
    expect(healthSignalOf('retryable')).toBe('failure');
    expect(healthSignalOf('unknown')).toBe('failure');
    expect(healthSignalOf('rate_limited')).toBe('neutral');
    for (const kind of ['published', 'permanent', 'duplicate', 'auth_expired'] as const) {
      expect(healthSignalOf(kind)).toBe('success');
    }
  });

  it('lets one probe out at a time when half-open; a lapsed probe may be given again', () => {
    const opened = feed(['failure', 'failure', 'failure']).snapshot;
    expect(() => grantProbe(opened, 'a', at(10), 5_000)).toThrow('No probe can be granted');
    const probing = grantProbe(opened, 'a', at(32), 5_000);
    expect(probing).toMatchObject({ state: 'half_open', probeOwner: 'a' });
    expect(canProbe(probing, at(33))).toBe(false);
    expect(admission(probing, at(33))).toBe('wait');
    expect(canProbe(probing, at(37))).toBe(true);
    expect(grantProbe(probing, 'b', at(37), 5_000).probeOwner).toBe('b');
    expect(canProbe(releaseProbe(probing), at(33))).toBe(true);
  });

  it("closes on the probe's success and announces the recovery once", () => {
    const probing = grantProbe(feed(['failure', 'failure', 'failure']).snapshot, 'a', at(32), 5_000);
    const result = observe(probing, { signal: 'success', probe: true, at: at(33) }, POLICY);
    expect(result.transition).toBe('closed');
    expect(result.next).toMatchObject({ state: 'closed', consecutiveFailures: 0, openedAt: null, retryAt: null, trips: 0, probeOwner: null });
  });

  it('reopens on a failed probe, doubling the cool-down up to the cap', () => {
    let snapshot = feed(['failure', 'failure', 'failure']).snapshot;
    const waits: number[] = [];
    for (let probeAt = 32; waits.length < 4; ) {
      snapshot = grantProbe(snapshot, 'a', at(probeAt), 5_000);
      const result = observe(snapshot, { signal: 'failure', probe: true, at: at(probeAt + 1) }, POLICY);
      expect(result.transition).toBe('reopened');
      snapshot = result.next;
      waits.push((snapshot.retryAt!.getTime() - at(probeAt + 1).getTime()) / 1000);
      probeAt = (snapshot.retryAt!.getTime() - T0.getTime()) / 1000;
    }
    expect(waits).toEqual([60, 120, 120, 120]);
    // The episode keeps the instant it began.
    expect(snapshot.openedAt).toEqual(at(2));
    expect(coolDownMs(1, POLICY)).toBe(30_000);
  });

  it('stays open on answers of sends already in flight when it opened, and a straggler success does not close a half-open one', () => {
    const opened = feed(['failure', 'failure', 'failure']).snapshot;
    expect(observe(opened, { signal: 'success', probe: false, at: at(4) }, POLICY)).toEqual({ next: opened, transition: null });
    expect(observe(opened, { signal: 'failure', probe: false, at: at(4) }, POLICY)).toEqual({ next: opened, transition: null });
    const probing = grantProbe(opened, 'a', at(32), 5_000);
    expect(observe(probing, { signal: 'success', probe: false, at: at(33) }, POLICY).next.state).toBe('half_open');
  });

  it('frees the probe when it was rate limited, without opening or closing', () => {
    const probing = grantProbe(feed(['failure', 'failure', 'failure']).snapshot, 'a', at(32), 5_000);
    const result = observe(probing, { signal: 'neutral', probe: true, at: at(33) }, POLICY);
    expect(result.transition).toBeNull();
    expect(result.next).toMatchObject({ state: 'half_open', probeOwner: null, probeExpiresAt: null });
  });
});
