import { SlidingWindowThrottlerStorage } from './sliding-window-throttler-storage';

const MINUTE = 60_000;

describe('the sliding-window throttle storage', () => {
  let now: number;
  let storage: SlidingWindowThrottlerStorage;
  beforeEach(() => {
    now = 10 * MINUTE; // the start of a window
    storage = new SlidingWindowThrottlerStorage(() => now);
  });
  afterEach(() => storage.close());

  const hits = (n: number, limit: number, key = 'client'): boolean[] => Array.from({ length: n }, () => storage.hit(key, MINUTE, limit, MINUTE).isBlocked);

  it('lets the limit through in a window, refuses the next with when to retry, and says how many are left', () => {
    expect(hits(5, 5)).toEqual([false, false, false, false, false]);
    const refused = storage.hit('client', MINUTE, 5, MINUTE);
    expect(refused).toEqual({ totalHits: 6, timeToExpire: 60, isBlocked: true, timeToBlockExpire: 60 });
    // Another client is counted apart.
    expect(storage.hit('other', MINUTE, 5, MINUTE)).toEqual({ totalHits: 1, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 });
  });

  it('counts the previous window by how much of it still overlaps the last minute', () => {
    hits(100, 100);
    now += MINUTE + MINUTE / 4; // a quarter into the next window: 75 of the previous 100 still count
    expect(hits(25, 100)).toEqual(Array(25).fill(false));
    expect(storage.hit('client', MINUTE, 100, MINUTE).isBlocked).toBe(true);
  });

  it('forgets a window two windows old, and a block when it ends', () => {
    hits(11, 10);
    expect(storage.hit('client', MINUTE, 10, MINUTE).isBlocked).toBe(true);
    now += MINUTE; // the block (one minute) has ended; the previous window is full, but fully overlapped only at its start
    now += MINUTE;
    expect(storage.hit('client', MINUTE, 10, MINUTE).isBlocked).toBe(false);
    now += 3 * MINUTE;
    storage.sweep();
    expect(storage.size).toBe(0);
  });

  it('keeps one record a client whatever its number of hits: a window of 100,000 costs what one of 10 does', () => {
    hits(10, 1_000_000, 'small');
    hits(100_000, 1_000_000, 'large');
    expect(storage.size).toBe(2);
    // The same fields, all numbers, for both: nothing grows with the hits (`npm run bench -- throttler` times it).
    const [small, large] = [...(storage as unknown as { counters: Map<string, object> }).counters.values()];
    expect(Object.keys(large)).toEqual(Object.keys(small));
    expect(Object.values(large).every((value) => typeof value === 'number')).toBe(true);
    expect(storage.hit('large', MINUTE, 1_000_000, MINUTE).totalHits).toBe(100_001);
  });
});
