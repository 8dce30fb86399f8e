import { outcomeOfAttempt } from './attempt-outcome';

describe('webhook attempt outcome', () => {
  const now = new Date('2026-11-23T10:00:00Z');
  const base = { maxAttempts: 5, retryBaseMs: 1000, now, random: () => 0.5 };

  it('is delivered on any 2xx', () => {
    for (const statusCode of [200, 201, 202, 204, 299]) {
      expect(outcomeOfAttempt({ ...base, statusCode, attempts: 1 })).toEqual({ state: 'delivered' });
    }
  });

  it('retries anything else, with exponential backoff and jitter', () => {
    const after = (attempts: number, random: number): number => {
      const outcome = outcomeOfAttempt({ ...base, statusCode: 500, attempts, random: () => random });
      if (outcome.state !== 'pending') {
        throw new Error(`expected a retry, got ${outcome.state}`);
      }
      return outcome.dueAt.getTime() - now.getTime();
    };
    expect(after(1, 0)).toBe(500);
    expect(after(1, 1)).toBe(1000);
    expect(after(2, 0)).toBe(1000);
    expect(after(3, 1)).toBe(4000);
    expect(after(4, 0.5)).toBe(6000);
    for (const statusCode of [undefined, 301, 400, 404, 429, 503]) {
      expect(outcomeOfAttempt({ ...base, statusCode, attempts: 1 }).state).toBe('pending');
    }
  });

  it('fails after the last attempt', () => {
    expect(outcomeOfAttempt({ ...base, statusCode: 500, attempts: 5 })).toEqual({ state: 'failed', disableWebhook: false });
    expect(outcomeOfAttempt({ ...base, statusCode: undefined, attempts: 5 })).toEqual({ state: 'failed', disableWebhook: false });
  });

  it('fails at once and disables the webhook on 410 Gone', () => {
    expect(outcomeOfAttempt({ ...base, statusCode: 410, attempts: 1 })).toEqual({ state: 'failed', disableWebhook: true });
  });
});
