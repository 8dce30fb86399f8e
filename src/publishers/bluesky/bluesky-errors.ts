// Maps what a PDS answers (XRPC errors from @atproto/api), or fails to answer, onto the publisher port's failure kinds; pure, no I/O.
import { XRPCError } from '@atproto/api';
import type { PublishFailure } from '../publisher.port';

const RATE_LIMIT_FALLBACK_MS = 60_000;
const REASON_MAX_LENGTH = 500;
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);
/** ResponseType values the xrpc client uses for "no HTTP answer" and "an answer that did not fit the lexicon". */
const NO_ANSWER = 1;
const INVALID_RESPONSE = 2;
/** Token errors the session manager failed to cure by refreshing: a new session (login) is needed. */
const SESSION_ERRORS = new Set(['ExpiredToken', 'InvalidToken']);
/** The account cannot act until a person does something about it. */
const ACCOUNT_ERRORS = new Set(['AccountTakedown', 'AccountDeactivated', 'AccountSuspended']);

export interface BlueskyErrorResponse {
  status: number;
  /** The XRPC error name (`{"error": "RateLimitExceeded"}`). */
  error: string;
  message: string;
  headers: Record<string, string | undefined>;
}

/**
 * Classifies an XRPC error answer: 429 (RateLimitExceeded) waits for ratelimit-reset (epoch seconds)
 * or retry-after; a 401 or an expired/invalid token needs a new session, then a person (auth_expired);
 * 5xx is retried; any other 4xx (InvalidRequest, BlobTooLarge…) is permanent with the PDS's message.
 */
export function classifyBlueskyResponse(response: BlueskyErrorResponse, now: Date): PublishFailure {
  const { status, error } = response;
  const said = response.message && response.message !== error ? `${error}: ${response.message}` : error || `HTTP ${status}`;
  if (status === 429 || error === 'RateLimitExceeded') {
    return { kind: 'rate_limited', reason: clip(`Bluesky rate limit reached: ${said}`), until: rateLimitEnd(response.headers, now) };
  }
  if (status === 401 || SESSION_ERRORS.has(error) || ACCOUNT_ERRORS.has(error)) {
    return { kind: 'auth_expired', reason: clip(`Bluesky refused the channel's session: ${said}`) };
  }
  if (status >= 500 || status === 408) {
    return { kind: 'retryable', reason: clip(`Bluesky answered ${status}: ${said}`) };
  }
  if (status >= 400) {
    return { kind: 'permanent', reason: clip(said), platformCode: error || String(status) };
  }
  return { kind: 'retryable', reason: clip(`Bluesky answered an unexpected HTTP ${status}: ${said}`) };
}

/** Classifies anything an @atproto/api call threw. */
export function classifyBlueskyFailure(error: unknown, now: Date): PublishFailure {
  if (error instanceof XRPCError) {
    const status: number = error.status;
    if (status === NO_ANSWER) {
      const code = causeCode(error);
      return code !== undefined && NOT_SENT.has(code)
        ? { kind: 'retryable', reason: clip(`Bluesky could not be reached: ${causeMessage(error)}`) }
        : { kind: 'unknown', reason: clip(`No answer from Bluesky (${causeMessage(error)}): Bluesky may have processed the request`) };
    }
    if (status === INVALID_RESPONSE) {
      return { kind: 'unknown', reason: clip(`Bluesky's answer did not match the protocol (${error.message}): it may have processed the request`) };
    }
    return classifyBlueskyResponse({ status, error: error.error, message: error.message, headers: error.headers ?? {} }, now);
  }
  return { kind: 'unknown', reason: clip(`Bluesky request failed: ${error instanceof Error ? error.message : String(error)}`) };
}

/** True when the session is what failed (not the account or the content): a fresh login may cure it. */
export function isSessionError(error: unknown): boolean {
  return error instanceof XRPCError && (SESSION_ERRORS.has(error.error) || (Number(error.status) === 401 && error.error === 'AuthenticationRequired'));
}

/**
 * The end of the exhausted window: ratelimit-reset (epoch seconds) when it is in the future, else
 * retry-after (seconds or an HTTP date), else a minute from now.
 */
export function rateLimitEnd(headers: Record<string, string | undefined>, now: Date): Date {
  const reset = Number(headers['ratelimit-reset']);
  if (Number.isFinite(reset) && reset * 1000 > now.getTime()) {
    return new Date(reset * 1000);
  }
  const retryAfter = headers['retry-after'];
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    const at = Number.isFinite(seconds) ? now.getTime() + seconds * 1000 : Date.parse(retryAfter);
    if (Number.isFinite(at) && at > now.getTime()) {
      return new Date(at);
    }
  }
  return new Date(now.getTime() + RATE_LIMIT_FALLBACK_MS);
}

/** fetch() says "fetch failed"; its cause (or the cause's cause) carries the system error code. */
function causeCode(error: Error): string | undefined {
  for (let cause: unknown = error.cause; typeof cause === 'object' && cause !== null; cause = (cause as { cause?: unknown }).cause) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string') {
      return code;
    }
  }
  return undefined;
}

function causeMessage(error: Error): string {
  const messages: string[] = [];
  for (let cause: unknown = error.cause; typeof cause === 'object' && cause !== null; cause = (cause as { cause?: unknown }).cause) {
    const message = (cause as { message?: unknown }).message;
    if (typeof message === 'string' && message !== '') {
      messages.push(message);
    }
  }
  return messages.length > 0 ? messages.join(': ') : error.message;
}

function clip(reason: string): string {
  return reason.length > REASON_MAX_LENGTH ? `${reason.slice(0, REASON_MAX_LENGTH - 1)}…` : reason;
}
