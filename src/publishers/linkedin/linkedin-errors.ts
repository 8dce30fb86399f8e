// Maps what LinkedIn's REST API answers (or fails to answer) onto the publisher port's failure kinds; pure, no I/O.
import { AxiosError } from 'axios';
import type { PublishFailure } from '../publisher.port';

export interface LinkedInErrorResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

const REASON_MAX_LENGTH = 500;
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);
/** LinkedIn's words for a post whose content was already shared ("Content is a duplicate of urn:li:share:…"). */
const DUPLICATE = /duplicate/i;

/**
 * Classifies an HTTP error answer. LinkedIn's limits are daily and reset at midnight UTC, and a 429
 * carries no header saying when: it waits until then (or Retry-After, should one come).
 */
export function classifyLinkedInResponse(response: LinkedInErrorResponse, now: Date): PublishFailure {
  const { status } = response;
  const said = messageOf(response.body) ?? `HTTP ${status}`;
  const code = codeOf(response.body);
  if (status === 429) {
    return { kind: 'rate_limited', reason: clip(`LinkedIn daily limit reached: ${said}`), until: retryAfter(response.headers, now) ?? nextMidnightUtc(now) };
  }
  if (status === 401) {
    return { kind: 'auth_expired', reason: clip(`LinkedIn rejected the access token: ${said}`) };
  }
  if (status === 422 && DUPLICATE.test(said)) {
    return { kind: 'duplicate', reason: clip(said) };
  }
  if (status >= 500 || status === 408) {
    return { kind: 'retryable', reason: clip(`LinkedIn answered ${status}: ${said}`) };
  }
  // 400 (bad request), 403 (no permission for this author), 422 (invalid post), 426 (version) and the rest.
  return { kind: 'permanent', reason: clip(said), ...(code ? { platformCode: code } : {}) };
}

/** Classifies anything an axios call to LinkedIn threw. */
export function classifyLinkedInFailure(error: unknown, now: Date): PublishFailure {
  if (error instanceof AxiosError && error.response) {
    const { status, headers } = error.response;
    const body: unknown = error.response.data;
    return classifyLinkedInResponse({ status, headers: headers as LinkedInErrorResponse['headers'], body }, now);
  }
  if (error instanceof AxiosError) {
    return NOT_SENT.has(error.code ?? '')
      ? { kind: 'retryable', reason: clip(`LinkedIn could not be reached: ${error.message}`) }
      : { kind: 'unknown', reason: clip(`No answer from LinkedIn (${error.code ?? error.message}): LinkedIn may have processed the request`) };
  }
  return { kind: 'unknown', reason: clip(`LinkedIn request failed: ${error instanceof Error ? error.message : String(error)}`) };
}

/** The token endpoint's refusal (invalid_grant: the refresh token expired or was revoked) needs a person. */
export function classifyLinkedInRefreshFailure(error: unknown, now: Date): PublishFailure {
  if (error instanceof AxiosError && error.response && error.response.status < 500 && error.response.status !== 429) {
    const body: unknown = error.response.data;
    const said = (isRecord(body) && (text(body.error_description) ?? text(body.error))) || `HTTP ${error.response.status}`;
    return { kind: 'auth_expired', reason: clip(`LinkedIn refused to refresh the access token: ${said}`) };
  }
  const failure = classifyLinkedInFailure(error, now);
  // A lost answer from the token endpoint created no post.
  return failure.kind === 'unknown' ? { kind: 'retryable', reason: failure.reason } : failure;
}

export function nextMidnightUtc(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

function retryAfter(headers: LinkedInErrorResponse['headers'], now: Date): Date | undefined {
  const raw = header(headers['retry-after']);
  if (raw && /^\d{1,7}$/.test(raw)) {
    return new Date(now.getTime() + Number(raw) * 1000);
  }
  return undefined;
}

/** {status, serviceErrorCode, code, message} on REST errors; 422 validation messages list each field. */
function messageOf(body: unknown): string | undefined {
  if (typeof body === 'string') {
    return text(body);
  }
  return isRecord(body) ? (text(body.message) ?? text(body.error_description)) : undefined;
}

function codeOf(body: unknown): string | undefined {
  if (!isRecord(body)) {
    return undefined;
  }
  const code = text(body.code);
  const service = typeof body.serviceErrorCode === 'number' ? String(body.serviceErrorCode) : undefined;
  return code && service ? `${code}/${service}` : (code ?? service);
}

function header(value: string | string[] | undefined): string | undefined {
  return (Array.isArray(value) ? value[0] : value)?.trim();
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function clip(reason: string): string {
  return reason.length > REASON_MAX_LENGTH ? `${reason.slice(0, REASON_MAX_LENGTH - 1)}…` : reason;
}
