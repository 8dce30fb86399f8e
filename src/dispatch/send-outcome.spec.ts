import { outcomeOfFailure, outcomeOfSuccess } from './send-outcome';

const now = new Date('2026-11-22T10:00:00Z');
const context = { attempts: 1, maxAttempts: 5, now, random: () => 0.5, idempotent: false };

describe('send outcome', () => {
  it('records a success as published', () => {
    expect(outcomeOfSuccess({ platformPostId: '1', url: 'https://x.com/b/status/1' }, context)).toMatchObject({ state: 'published', lastError: null });
  });

  it('waits for the rate-limit reset without spending the retry budget', () => {
    const until = new Date('2026-11-22T10:15:00Z');
    expect(outcomeOfFailure({ kind: 'rate_limited', reason: '429', until }, { ...context, attempts: 3 })).toMatchObject({
      state: 'scheduled',
      dueAt: until,
      attempts: 2,
      channelNotBefore: until,
    });
  });

  it('backs off retryable errors, honouring Retry-After when later', () => {
    const soon = outcomeOfFailure({ kind: 'retryable', reason: '503' }, context);
    expect(soon.state).toBe('scheduled');
    expect(soon.dueAt!.getTime() - now.getTime()).toBe(1500);
    const later = new Date('2026-11-22T10:05:00Z');
    expect(outcomeOfFailure({ kind: 'retryable', reason: '503', retryAt: later }, context).dueAt).toEqual(later);
  });

  it('fails once the retry budget is spent', () => {
    expect(outcomeOfFailure({ kind: 'retryable', reason: 'timeout' }, { ...context, attempts: 5 })).toMatchObject({
      state: 'failed',
      lastError: 'gave up after 5 attempts: timeout',
    });
  });

  it("fails permanent errors at once with the platform's reason", () => {
    expect(outcomeOfFailure({ kind: 'permanent', reason: 'Text too long' }, context)).toMatchObject({ state: 'failed', lastError: 'Text too long' });
  });

  it('treats duplicate content after an unknown earlier attempt as needing verification', () => {
    expect(outcomeOfFailure({ kind: 'duplicate', reason: 'dup' }, context).state).toBe('failed');
    expect(outcomeOfFailure({ kind: 'duplicate', reason: 'dup' }, { ...context, attempts: 2 }).state).toBe('needs_verification');
  });

  it('never repeats a send whose outcome is unknown unless the platform dedupes by idempotency key', () => {
    expect(outcomeOfFailure({ kind: 'unknown', reason: 'timeout' }, context)).toMatchObject({ state: 'needs_verification' });
    expect(outcomeOfFailure({ kind: 'unknown', reason: 'timeout' }, { ...context, idempotent: true })).toMatchObject({ state: 'scheduled' });
  });

  it('keeps a delivery whose auth expired due, at its time, waiting for the reconnect, without spending an attempt', () => {
    const outcome = outcomeOfFailure({ kind: 'auth_expired', reason: 'revoked' }, { ...context, attempts: 3 });
    expect(outcome).toMatchObject({ state: 'scheduled', reauthRequired: true, attempts: 2 });
    expect(outcome.dueAt).toBeUndefined();
    expect(outcome.lastError).toBe('waiting for the channel to be reconnected: revoked');
  });
});
