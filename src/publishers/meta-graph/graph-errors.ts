// Maps what Meta's Graph API answers (or fails to answer) onto the publisher port's failure kinds; pure, no I/O.
import { AxiosError } from 'axios';
import type { PublishFailure } from '../publisher.port';

export interface GraphErrorResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** The `error` object of a Graph error answer. */
export interface GraphError {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  is_transient?: boolean;
  error_user_msg?: string;
  fbtrace_id?: string;
}

const REASON_MAX_LENGTH = 500;
/** Throttled with no usable estimate in the usage headers: wait this long. */
const THROTTLE_FALLBACK_MS = 5 * 60_000;
/** X-App-Usage reports percentages of a rolling one-hour window, with no reset time: wait a quarter of it. */
const APP_USAGE_SATURATED_MS = 15 * 60_000;
/** Instagram's 50 published posts per rolling 24 hours: look again in an hour. */
const PUBLISHING_LIMIT_MS = 60 * 60_000;

/**
 * Throttling is an error code, not an HTTP status: 4 (app), 17 (user), 32 (page), 613 (custom rate),
 * 341 (application limit), 80001 (Pages business use case), 80002 (Instagram business use case) and
 * the other business-use-case codes 80000–80014.
 */
const THROTTLING_CODES = new Set([4, 17, 32, 341, 613]);
const isThrottling = (code: number): boolean => THROTTLING_CODES.has(code) || (code >= 80_000 && code <= 80_014);
/** Unknown error (1) and service temporarily unavailable (2). */
const TEMPORARY_CODES = new Set([1, 2]);
/** 190: the access token expired, was revoked or is invalid; 102: the session is gone. */
const AUTH_CODES = new Set([102, 190]);
const DUPLICATE_POST = 506;

/** Instagram content-publishing subcodes (they arrive as error_subcode, sometimes as the code). */
const IG_RETRY = new Set([2_207_001, 2_207_003]);
export const IG_CONTAINER_EXPIRED = 2_207_020;
const IG_PUBLISHING_LIMIT = 2_207_042;

/** Failures to resolve or connect: nothing was sent, so nothing can have been processed. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/** Reads the Graph `error` object from an answer body, if it has one. */
export function graphErrorOf(body: unknown): GraphError | undefined {
  return isRecord(body) && isRecord(body.error) ? body.error : undefined;
}

/** Classifies an HTTP error answer from the Graph API; `service` names it in reasons ("Facebook", "Instagram"). */
export function classifyGraphResponse(response: GraphErrorResponse, now: Date, service: string): PublishFailure {
  const error = graphErrorOf(response.body);
  const code = typeof error?.code === 'number' ? error.code : undefined;
  const subcode = typeof error?.error_subcode === 'number' ? error.error_subcode : undefined;
  const said = text(error?.message) ?? text(error?.error_user_msg) ?? `HTTP ${response.status}`;
  const platformCode = code === undefined ? undefined : subcode === undefined ? String(code) : `${code}/${subcode}`;
  const withCode = platformCode ? { platformCode } : {};
  const instagram = [code, subcode].find((value) => value !== undefined && value >= 2_207_000 && value < 2_208_000);

  if (code !== undefined && AUTH_CODES.has(code)) {
    return { kind: 'auth_expired', reason: clip(`${service} rejected the access token: ${said}`) };
  }
  if (instagram === IG_PUBLISHING_LIMIT) {
    return { kind: 'rate_limited', reason: clip(`${service} publishing limit reached: ${said}`), until: new Date(now.getTime() + PUBLISHING_LIMIT_MS) };
  }
  if (code !== undefined && isThrottling(code)) {
    return { kind: 'rate_limited', reason: clip(`${service} is throttling this account (code ${code}): ${said}`), until: throttledUntil(response.headers, now) };
  }
  if (instagram !== undefined && IG_RETRY.has(instagram)) {
    return { kind: 'retryable', reason: clip(`${service} asked to try again (${instagram}): ${said}`) };
  }
  if (instagram === IG_CONTAINER_EXPIRED) {
    return { kind: 'retryable', reason: clip(`${service} media container expired; a new one will be made: ${said}`) };
  }
  if (instagram !== undefined) {
    return { kind: 'permanent', reason: clip(said), ...withCode };
  }
  if (code === DUPLICATE_POST) {
    return { kind: 'duplicate', reason: clip(said) };
  }
  if (error?.is_transient === true || (code !== undefined && TEMPORARY_CODES.has(code))) {
    return { kind: 'retryable', reason: clip(`${service} answered a temporary error: ${said}`) };
  }
  if (error === undefined && (response.status >= 500 || response.status === 408)) {
    return { kind: 'retryable', reason: clip(`${service} answered ${response.status}: ${said}`) };
  }
  if (response.status === 401) {
    return { kind: 'auth_expired', reason: clip(`${service} rejected the access token: ${said}`) };
  }
  // Permissions (10, 200–299), policy blocks (368), invalid parameters (100) and anything else it decided.
  return { kind: 'permanent', reason: clip(said), ...withCode };
}

/**
 * Classifies anything an axios call to the Graph API threw: answers by their body; a connection never
 * made as retryable; any other transport failure as unknown (Meta may have processed the request).
 */
export function classifyGraphFailure(error: unknown, now: Date, service: string): PublishFailure {
  if (error instanceof AxiosError && error.response) {
    const { status, headers } = error.response;
    const body: unknown = error.response.data;
    return classifyGraphResponse({ status, headers: headers as GraphErrorResponse['headers'], body }, now, service);
  }
  if (error instanceof AxiosError) {
    return NOT_SENT.has(error.code ?? '')
      ? { kind: 'retryable', reason: clip(`${service} could not be reached: ${error.message}`) }
      : { kind: 'unknown', reason: clip(`No answer from ${service} (${error.code ?? error.message}): ${service} may have processed the request`) };
  }
  return { kind: 'unknown', reason: clip(`${service} request failed: ${error instanceof Error ? error.message : String(error)}`) };
}

/**
 * When a throttled account may call again: the longest estimated_time_to_regain_access (minutes) in
 * X-Business-Use-Case-Usage or X-Page-Usage; a quarter hour when X-App-Usage is at 100 %; otherwise
 * five minutes.
 */
export function throttledUntil(headers: GraphErrorResponse['headers'], now: Date): Date {
  const minutes = [
    ...businessUseCaseEstimates(header(headers['x-business-use-case-usage'])),
    ...usageEstimates(header(headers['x-page-usage'])),
    ...usageEstimates(header(headers['x-ad-account-usage'])),
  ];
  const longest = Math.max(0, ...minutes);
  if (longest > 0) {
    return new Date(now.getTime() + longest * 60_000);
  }
  const appUsage = parseJson(header(headers['x-app-usage']));
  const saturated =
    isRecord(appUsage) && ['call_count', 'total_time', 'total_cputime'].some((key) => Number(appUsage[key]) >= 100);
  return new Date(now.getTime() + (saturated ? APP_USAGE_SATURATED_MS : THROTTLE_FALLBACK_MS));
}

/** X-Business-Use-Case-Usage: {"<business id>": [{type, call_count, …, estimated_time_to_regain_access}]}. */
function businessUseCaseEstimates(raw: string | undefined): number[] {
  const parsed = parseJson(raw);
  if (!isRecord(parsed)) {
    return [];
  }
  return Object.values(parsed)
    .flatMap((entries): unknown[] => (Array.isArray(entries) ? (entries as unknown[]) : [entries]))
    .map((entry) => (isRecord(entry) ? Number(entry.estimated_time_to_regain_access) : NaN))
    .filter((value) => Number.isFinite(value) && value > 0);
}

/** X-Page-Usage and X-Ad-Account-Usage: one object, the estimate as estimated_time_to_regain_access. */
function usageEstimates(raw: string | undefined): number[] {
  const parsed = parseJson(raw);
  const value = isRecord(parsed) ? Number(parsed.estimated_time_to_regain_access) : NaN;
  return Number.isFinite(value) && value > 0 ? [value] : [];
}

function parseJson(raw: string | undefined): unknown {
  if (raw === undefined) {
    return undefined;
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
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

export function clip(reason: string): string {
  return reason.length > REASON_MAX_LENGTH ? `${reason.slice(0, REASON_MAX_LENGTH - 1)}…` : reason;
}
