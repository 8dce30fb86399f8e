// Maps what a Mastodon instance answers (or fails to answer) onto the publisher port's failure kinds; pure, no I/O.
import { isAxiosError } from 'axios';
import type { PublishFailure } from '../publisher.port';

export interface MastodonErrorResponse {
  status: number;
  headers: Record<string, unknown>;
  body: unknown;
}

/** When a 429 carries no usable X-RateLimit-Reset: Mastodon's windows are 5 minutes, so wait one. */
const RATE_LIMIT_FALLBACK_MS = 5 * 60_000;
const REASON_MAX_LENGTH = 500;
/** Failures to resolve or connect: nothing was sent, so nothing can have been processed. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/**
 * Classifies an HTTP error answer from a Mastodon instance (`{error, error_description?}` JSON, or
 * whatever page a proxy in front of it sent). 401 is a revoked or wrong token; 404, 410 and 422 refuse
 * the request for good; 429 waits for X-RateLimit-Reset (an ISO 8601 instant); 5xx and 408 are retried.
 */
export function classifyMastodonResponse(response: MastodonErrorResponse, now: Date): PublishFailure {
  const { status } = response;
  const said = mastodonMessage(response.body) ?? `HTTP ${status}`;
  if (status === 429) {
    return { kind: 'rate_limited', reason: clip(`Mastodon rate limit reached: ${said}`), until: rateLimitEnd(response.headers, now) };
  }
  if (status === 401) {
    return { kind: 'auth_expired', reason: clip(`Mastodon rejected the channel's access token: ${said}`) };
  }
  if (status === 403 && /suspended|disabled|not approved|confirm/i.test(said)) {
    // The account, not the post, is what is wrong: a person must sort it out and reconnect.
    return { kind: 'auth_expired', reason: clip(`Mastodon refused the account: ${said}`) };
  }
  if (status >= 500 || status === 408) {
    return { kind: 'retryable', reason: clip(`Mastodon answered ${status}: ${said}`) };
  }
  if (status >= 400) {
    return { kind: 'permanent', reason: clip(said), platformCode: String(status) };
  }
  return { kind: 'retryable', reason: `Mastodon answered an unexpected HTTP ${status}` };
}

/**
 * Classifies anything an axios call to the instance threw: answers by their status; a connection that
 * was never made as retryable; any other transport failure as unknown (the instance may have acted).
 */
export function classifyMastodonFailure(error: unknown, now: Date): PublishFailure {
  if (isAxiosError(error)) {
    if (error.response) {
      const { status, headers } = error.response;
      const body: unknown = error.response.data;
      return classifyMastodonResponse({ status, headers: { ...headers }, body }, now);
    }
    const code = error.code ?? '';
    if (NOT_SENT.has(code)) {
      return { kind: 'retryable', reason: clip(`The Mastodon instance could not be reached: ${error.message}`) };
    }
    return { kind: 'unknown', reason: clip(`No answer from the Mastodon instance (${error.message}): it may have processed the request`) };
  }
  const message = typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : String(error);
  return { kind: 'unknown', reason: clip(`Mastodon request failed: ${message}`) };
}

/** `error` (and `error_description` when it adds something) from Mastodon's Error entity; a short text body otherwise. */
export function mastodonMessage(body: unknown): string | undefined {
  if (typeof body === 'string') {
    const text = body.trim();
    // An HTML error page from a proxy says nothing useful beyond its status.
    return text !== '' && !text.startsWith('<') ? text : undefined;
  }
  if (typeof body !== 'object' || body === null) {
    return undefined;
  }
  const { error, error_description: description } = body as { error?: unknown; error_description?: unknown };
  const main = typeof error === 'string' && error.trim() !== '' ? error.trim() : undefined;
  const more = typeof description === 'string' && description.trim() !== '' ? description.trim() : undefined;
  return main && more ? `${main} (${more})` : (main ?? more);
}

/** X-RateLimit-Reset is an ISO 8601 instant on Mastodon; a window's length from now when it is absent or past. */
export function rateLimitEnd(headers: Record<string, unknown>, now: Date): Date {
  const raw = headers['x-ratelimit-reset'];
  const value: unknown = Array.isArray(raw) ? raw[0] : raw;
  const reset = typeof value === 'string' ? Date.parse(value) : NaN;
  return new Date(Number.isFinite(reset) && reset > now.getTime() ? reset : now.getTime() + RATE_LIMIT_FALLBACK_MS);
}

function clip(reason: string): string {
  return reason.length > REASON_MAX_LENGTH ? `${reason.slice(0, REASON_MAX_LENGTH - 1)}…` : reason;
}
