// What one webhook attempt means for its delivery: delivered, retried later, failed for good, or the receiver is gone.
import { retryDelayMs } from '../dispatch/backoff';

export type AttemptOutcome =
  | { state: 'delivered' }
  | { state: 'pending'; dueAt: Date }
  | { state: 'failed'; disableWebhook: boolean };

export interface AttemptResult {
  /** The receiver's HTTP status, or undefined when no answer came (timeout, refused, reset). */
  statusCode: number | undefined;
  /** Attempts made so far, this one included. */
  attempts: number;
  maxAttempts: number;
  retryBaseMs: number;
  now: Date;
  random?: () => number;
}

/** Retries back off for at most a day between attempts. */
const RETRY_CAP_MS = 24 * 3600_000;

export function outcomeOfAttempt(result: AttemptResult): AttemptOutcome {
  const { statusCode, attempts, maxAttempts } = result;
  if (statusCode !== undefined && statusCode >= 200 && statusCode < 300) {
    return { state: 'delivered' };
  }
  // 410 Gone is the receiver saying the endpoint is gone for good: stop sending to it at all.
  if (statusCode === 410) {
    return { state: 'failed', disableWebhook: true };
  }
  if (attempts >= maxAttempts) {
    return { state: 'failed', disableWebhook: false };
  }
  const delay = retryDelayMs(attempts, { baseMs: result.retryBaseMs, capMs: Math.max(result.retryBaseMs, RETRY_CAP_MS) }, result.random);
  return { state: 'pending', dueAt: new Date(result.now.getTime() + delay) };
}
