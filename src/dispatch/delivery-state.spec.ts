import { assertTransition, canTransition, DELIVERY_STATES, TRANSITION_TABLE } from './delivery-state';

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

  it('lists only known states', () => {
    for (const [from, targets] of Object.entries(TRANSITION_TABLE)) {
      expect(DELIVERY_STATES).toContain(from);
      for (const to of targets) {
        expect(DELIVERY_STATES).toContain(to);
      }
    }
  });
});
