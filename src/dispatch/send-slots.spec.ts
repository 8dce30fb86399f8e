import { SendSlots, type SlotLimits } from './send-slots';

function slots(limits: SlotLimits = { concurrency: 10, platformConcurrency: 8, maxBatches: 2, firstClaim: 100 }): { slots: SendSlots; gauge: { value: number } } {
  const gauge = { value: 0 };
  return { slots: new SendSlots(limits, { inc: (by) => (gauge.value += by), dec: () => gauge.value-- }), gauge };
}

describe('SendSlots', () => {
  it('offers the smaller of the free slots overall and for the platform', () => {
    const { slots: s } = slots();
    expect(s.claimable('x')).toBe(8);
    s.startBatch('x', ['a', 'b', 'c', 'd', 'e', 'f']);
    expect(s.claimable('mastodon')).toBe(4);
    expect(s.claimable('x')).toBe(2);
  });

  it('offers nothing for a batch too small to be worth its gate pass while others send, but fills an idle engine', () => {
    const { slots: s } = slots({ concurrency: 100, platformConcurrency: 100, maxBatches: 8, firstClaim: 100 });
    s.startBatch('x', Array.from({ length: 70 }, (_, i) => `d${i}`));
    expect(s.claimable('x')).toBe(30);
    s.startBatch('x', ['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8', 'e9', 'e10']);
    expect(s.claimable('x')).toBe(0); // 20 free < a quarter of the platform's 100
    const { slots: idle } = slots({ concurrency: 1, platformConcurrency: 100, maxBatches: 8, firstClaim: 100 });
    expect(idle.claimable('x')).toBe(1);
  });

  it("caps an idle engine's first claim, so its sends start while the next claim runs", () => {
    const { slots: s } = slots({ concurrency: 1000, platformConcurrency: 1000, maxBatches: 8, firstClaim: 200 });
    expect(s.claimable('x')).toBe(200);
    s.startBatch('x', Array.from({ length: 200 }, (_, i) => `d${i}`));
    expect(s.claimable('x')).toBe(800);
  });

  it('offers nothing once every batch slot is taken, until a batch ends', () => {
    const { slots: s } = slots();
    s.startBatch('x', ['a']);
    s.startBatch('telegram', ['b']);
    expect(s.claimable('bluesky')).toBe(0);
    s.endBatch();
    expect(s.claimable('bluesky')).toBe(8);
  });

  it('frees a slot once however often it is freed, and keeps the gauge in step', () => {
    const { slots: s, gauge } = slots();
    s.startBatch('x', ['a', 'b']);
    expect(gauge.value).toBe(2);
    expect(s.free('x', 'a')).toBe(true);
    expect(s.free('x', 'a')).toBe(false);
    expect(s.sending).toBe(1);
    expect(gauge.value).toBe(1);
    expect(s.claimable('x')).toBe(7);
  });
});
