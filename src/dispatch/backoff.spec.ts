import { retryDelayMs } from './backoff';

describe('retry backoff', () => {
  const policy = { baseMs: 1000, capMs: 60_000 };

  it('doubles each attempt, between half and all of the ceiling', () => {
    expect(retryDelayMs(1, policy, () => 0)).toBe(500);
    expect(retryDelayMs(1, policy, () => 1)).toBe(1000);
    expect(retryDelayMs(3, policy, () => 0)).toBe(2000);
    expect(retryDelayMs(3, policy, () => 1)).toBe(4000);
  });

  it('never exceeds the cap', () => {
    expect(retryDelayMs(30, policy, () => 1)).toBe(60_000);
  });

  it('spreads retries that failed together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelayMs(4, policy)));
    expect(delays.size).toBeGreaterThan(10);
  });
});
