// Maps what X answers (or fails to answer) onto the publisher port's failure kinds; pure, no I/O.
import { ApiPartialResponseError, ApiRequestError, ApiResponseError } from 'twitter-api-v2';
import type { PublishFailure } from '../publisher.port';

export interface XErrorResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** X sends no Retry-After: when a 429 carries no usable reset, wait this long. */
const RATE_LIMIT_FALLBACK_MS = 60_000;
const REASON_MAX_LENGTH = 500;
/** Failures to resolve or connect: nothing was sent, so nothing can have been processed. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);
/** X's wording since v1.1 ("You are not allowed to create a Tweet with duplicate content."). */
const DUPLICATE_CONTENT = /duplicate content/i;

/** Classifies an HTTP error answer from the X API v2 (problem+json, or the older `errors` array). */
export function classifyXResponse(response: XErrorResponse, now: Date): PublishFailure {
  const { status } = response;
  const problem = readProblem(response.body);
  const said = problem.reason ?? `HTTP ${status}`;
  if (status === 429) {
    return { kind: 'rate_limited', reason: clip(`X rate limit reached: ${said}`), until: rateLimitEnd(response.headers, now) };
  }
  if (status === 401) {
    return { kind: 'auth_expired', reason: clip(`X rejected the channel's credentials: ${said}`) };
  }
  if (status === 403 && DUPLICATE_CONTENT.test(problem.reason ?? '')) {
    return { kind: 'duplicate', reason: clip(said) };
  }
  // X answered, so X decided; should a 5xx hide a post that went through, X's duplicate-content check
  // turns the repeat into `duplicate`.
  if (status >= 500 || status === 408) {
    return { kind: 'retryable', reason: clip(`X answered ${status}: ${said}`) };
  }
  if (status >= 400) {
    return { kind: 'permanent', reason: clip(said), ...(problem.type ? { platformCode: problem.type } : {}) };
  }
  return { kind: 'retryable', reason: `X answered an unexpected HTTP ${status}` };
}

/**
 * Classifies anything a twitter-api-v2 call threw: answers by their status; a connection that was never
 * made as retryable; any other transport failure as unknown, since X may have processed the request
 * before its answer was lost.
 */
export function classifyXFailure(error: unknown, now: Date): PublishFailure {
  if (error instanceof ApiResponseError) {
    return classifyXResponse({ status: error.code, headers: error.headers, body: error.data }, now);
  }
  if (error instanceof ApiPartialResponseError) {
    return { kind: 'unknown', reason: clip(`X's answer was cut off (${messageOf(error.responseError) ?? 'no detail'}): X may have processed the request`) };
  }
  if (error instanceof ApiRequestError) {
    const cause = transportCause(error);
    return NOT_SENT.has(cause.code ?? '')
      ? { kind: 'retryable', reason: clip(`X could not be reached: ${cause.message}`) }
      : { kind: 'unknown', reason: clip(`No answer from X (${cause.message}): X may have processed the request`) };
  }
  return { kind: 'unknown', reason: clip(`X request failed: ${messageOf(error) ?? String(error)}`) };
}

/**
 * Classifies a failed OAuth 2.0 refresh. X answers 400 `invalid_request` for a revoked or already
 * rotated refresh token and 401 for a wrong client: only a person can fix those. An unreachable or
 * overloaded token endpoint says nothing about the token: that is classified like any other call.
 */
export function classifyXRefreshFailure(error: unknown, now: Date): PublishFailure {
  if (error instanceof ApiResponseError && (error.code === 400 || error.code === 401)) {
    const body = isRecord(error.data) ? error.data : {};
    const said = text(body.error_description) ?? text(body.error) ?? readProblem(body).reason ?? `HTTP ${error.code}`;
    return { kind: 'auth_expired', reason: clip(`X refused to refresh the access token: ${said}`) };
  }
  return classifyXFailure(error, now);
}

export function isXUnauthorized(error: unknown): boolean {
  return error instanceof ApiResponseError && error.code === 401;
}

/** Redaction is shared by every publisher (send.ts); re-exported where x-errors.spec has always tested it. */
export { withoutSecrets } from '../send';

/**
 * The end of the exhausted window: x-rate-limit-reset, or a 24-hour cap's reset when that cap is the
 * one at zero (a 429 may come from either), whichever is latest; a minute from now if none is usable.
 */
export function rateLimitEnd(headers: XErrorResponse['headers'], now: Date): Date {
  const resets = [epochSeconds(headers['x-rate-limit-reset'])];
  for (const scope of ['x-user-limit-24hour', 'x-app-limit-24hour']) {
    if (header(headers[`${scope}-remaining`]) === '0') {
      resets.push(epochSeconds(headers[`${scope}-reset`]));
    }
  }
  const future = resets.filter((reset): reset is number => reset !== undefined && reset > now.getTime());
  return new Date(future.length > 0 ? Math.max(...future) : now.getTime() + RATE_LIMIT_FALLBACK_MS);
}

/** twitter-api-v2 1.29 stores the cause as `error` while its `requestError` getter reads `requestError`. */
function transportCause(error: ApiRequestError): { message: string; code?: string } {
  const options = (error as unknown as { _options?: { error?: unknown; requestError?: unknown } })._options;
  const cause = options?.requestError ?? options?.error;
  const code = isRecord(cause) && typeof cause.code === 'string' ? cause.code : undefined;
  return { message: messageOf(cause) ?? 'no detail', code };
}

interface Problem {
  /** X's detail (or title), with the per-field messages of an invalid request appended. */
  reason?: string;
  type?: string;
}

function readProblem(body: unknown): Problem {
  if (typeof body === 'string') {
    return { reason: text(body) };
  }
  if (!isRecord(body)) {
    return {};
  }
  const messages = Array.isArray(body.errors)
    ? body.errors.map((error) => (isRecord(error) ? text(error.message) : undefined)).filter((m) => m !== undefined)
    : [];
  const summary = text(body.detail) ?? text(body.title);
  const reason = summary && messages.length > 0 ? `${summary} (${messages.join('; ')})` : (summary ?? messages.join('; '));
  return { reason: reason || undefined, type: text(body.type) };
}

function epochSeconds(value: string | string[] | undefined): number | undefined {
  const raw = header(value);
  return raw !== undefined && /^\d{1,12}$/.test(raw) ? Number(raw) * 1000 : undefined;
}

function header(value: string | string[] | undefined): string | undefined {
  return (Array.isArray(value) ? value[0] : value)?.trim();
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Duck-typed: errors from node's internals may come from another realm, where instanceof Error fails. */
function messageOf(value: unknown): string | undefined {
  return isRecord(value) && typeof value.message === 'string' ? value.message : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function clip(reason: string): string {
  return reason.length > REASON_MAX_LENGTH ? `${reason.slice(0, REASON_MAX_LENGTH - 1)}…` : reason;
}
