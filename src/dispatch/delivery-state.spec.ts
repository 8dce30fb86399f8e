import { assertTransition, canTransition, DELIVERY_STATES } from './delivery-state';

describe('delivery state machine', () => {
  it('never leaves published or cancelled', () => {
    for (const to of DELIVERY_STATES) {
      expect(canTransition('published', to)).toBe(false);
      expect(canTransition('cancelled', to)).toBe(false);
    }
  });

  it('publishes only from publishing', () => {
    const into = DELIVERY_STATES.filter((from) => canTransition(from, 'published'));
    expect(into.sort()).toEqual(['needs_verification', 'publishing']);
  });

  it('never sends a missed or held delivery without passing through scheduled', () => {
    expect(canTransition('missed', 'publishing')).toBe(false);
    expect(canTransition('held', 'publishing')).toBe(false);
    expect(canTransition('needs_verification', 'publishing')).toBe(false);
  });

  it('names both states when refusing', () => {
    expect(() => assertTransition('published', 'scheduled')).toThrow('A delivery cannot go from published to scheduled');
  });

  it('sends only what is scheduled: nothing reaches publishing from a waiting, stopped or settled state', () => {
    expect(DELIVERY_STATES.filter((from) => canTransition(from, 'publishing'))).toEqual(['scheduled']);
    for (const from of ['pending_approval', 'held', 'missed', 'failed', 'needs_verification', 'failed_over'] as const) {
      expect(() => assertTransition(from, 'publishing')).toThrow(`A delivery cannot go from ${from} to publishing`);
    }
  });

  it('ends a delivery that failed over to its fallbacks for good', () => {
    expect(DELIVERY_STATES.filter((to) => canTransition('failed_over', to))).toEqual([]);
    expect(DELIVERY_STATES.filter((from) => canTransition(from, 'failed_over'))).toEqual(['scheduled']);
  });

  it('never marks a failed or missed delivery published without a send or a person checking', () => {
    expect(canTransition('failed', 'published')).toBe(false);
    expect(canTransition('missed', 'published')).toBe(false);
    expect(canTransition('held', 'published')).toBe(false);
    expect(canTransition('scheduled', 'published')).toBe(false);
  });

  it('lets the crisis hold only what has not started sending', () => {
    // publishing -> held: claimed but never admitted when the switch closed its gate (send_started_at null).
    expect(DELIVERY_STATES.filter((from) => canTransition(from, 'held')).sort()).toEqual(['pending_approval', 'publishing', 'scheduled']);
  });
});
