// What a send's result means for its delivery: the retry policy, written once as a pure function.
import type { PublishFailure, PublishResult } from '../publishers/publisher.port';
import { BackoffPolicy, DEFAULT_BACKOFF, retryDelayMs } from './backoff';
import type { DeliveryState } from './delivery-state';

export interface SendContext {
  /** Attempts including this one. */
  attempts: number;
  maxAttempts: number;
  now: Date;
  /** Whether the publisher's sends are idempotent (a repeat cannot create a second post). */
  idempotent: boolean;
  backoff?: BackoffPolicy;
  random?: () => number;
}

export interface Outcome {
  state: Extract<DeliveryState, 'published' | 'scheduled' | 'failed' | 'needs_verification'>;
  /** For a retry: when to try again. */
  dueAt?: Date;
  /** Attempts to record (a rate-limit wait does not spend the retry budget). */
  attempts: number;
  lastError: string | null;
  published?: PublishResult;
  /** No send to this channel before this instant (the platform's rate-limit reset). */
  channelNotBefore?: Date;
  /** The platform wants the channel reconnected: the delivery waits for it (still due, not sent meanwhile). */
  reauthRequired?: boolean;
}

export function outcomeOfSuccess(result: PublishResult, context: SendContext): Outcome {
  return { state: 'published', attempts: context.attempts, lastError: null, published: result };
}

export function outcomeOfFailure(failure: PublishFailure, context: SendContext): Outcome {
  const { attempts, maxAttempts, now } = context;
  switch (failure.kind) {
    case 'rate_limited': {
      const until = failure.until.getTime() > now.getTime() ? failure.until : new Date(now.getTime() + 1000);
      return {
        state: 'scheduled',
        dueAt: until,
        attempts: attempts - 1,
        lastError: `rate limited until ${until.toISOString()}: ${failure.reason}`,
        channelNotBefore: until,
      };
    }
    case 'retryable': {
      if (attempts >= maxAttempts) {
        return { state: 'failed', attempts, lastError: `gave up after ${attempts} attempts: ${failure.reason}` };
      }
      const backoff = now.getTime() + retryDelayMs(attempts, context.backoff ?? DEFAULT_BACKOFF, context.random);
      const dueAt = new Date(Math.max(backoff, failure.retryAt?.getTime() ?? 0));
      return { state: 'scheduled', dueAt, attempts, lastError: failure.reason };
    }
    case 'unknown':
      if (context.idempotent) {
        return outcomeOfFailure({ kind: 'retryable', reason: failure.reason }, context);
      }
      return { state: 'needs_verification', attempts, lastError: `the outcome of the send is unknown (${failure.reason}): check the platform` };
    case 'permanent':
      return { state: 'failed', attempts, lastError: failure.reason };
    case 'duplicate':
      // After an attempt whose outcome we never learned, "duplicate" most likely means that attempt
      // published it: a person checks rather than us calling it failed or sending again.
      return attempts > 1
        ? { state: 'needs_verification', attempts, lastError: `the platform reports duplicate content after an earlier attempt: ${failure.reason}` }
        : { state: 'failed', attempts, lastError: failure.reason };
    case 'auth_expired':
      // Not a failure of the post: it waits, at its planned time, for the channel to be reconnected (then it
      // goes out, or is missed past the grace window: channels/reconnect.ts). The attempt is not spent.
      return {
        state: 'scheduled',
        attempts: attempts - 1,
        lastError: `waiting for the channel to be reconnected: ${failure.reason}`,
        reauthRequired: true,
      };
  }
}
