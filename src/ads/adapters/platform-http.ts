// What every ad adapter's HTTP needs: an axios client on the configured base URL with keep-alive, and failure mapping.
import axios, { AxiosError, type AxiosInstance, type AxiosResponse } from 'axios';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { AdPlatformError, type AdPlatformFailure } from '../ad-platform.port';

const TIMEOUT_MS = 30_000;
const REASON_MAX_LENGTH = 500;
/** When a platform says "too many" without saying until when. */
export const RATE_LIMIT_FALLBACK_MS = 60_000;
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/** Answers are always returned (validateStatus accepts every status): each adapter reads its platform's error bodies. */
export function platformClient(baseURL: string): AxiosInstance {
  return axios.create({
    baseURL,
    timeout: TIMEOUT_MS,
    validateStatus: () => true,
    maxRedirects: 0,
    httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 64 }),
    httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: 64 }),
  });
}

/** Runs a request; transport failures (no answer) become retryable AdPlatformErrors. */
export async function call<T>(platform: string, request: () => Promise<AxiosResponse<T>>): Promise<AxiosResponse<T>> {
  try {
    return await request();
  } catch (error) {
    const code = error instanceof AxiosError ? error.code : undefined;
    const message = error instanceof Error ? error.message : String(error);
    const reason = NOT_SENT.has(code ?? '') ? `${platform} could not be reached (${code})` : `No answer from ${platform} (${message})`;
    throw new AdPlatformError({ kind: 'retryable', reason: clip(reason) });
  }
}

/** The generic reading of an HTTP error status; adapters refine it with their platform's codes first. */
export function failureOfStatus(platform: string, status: number, said: string, until?: Date): AdPlatformFailure {
  const reason = clip(`${platform} answered ${status}: ${said}`);
  if (status === 429) {
    return { kind: 'rate_limited', reason, until: until ?? new Date(Date.now() + RATE_LIMIT_FALLBACK_MS) };
  }
  if (status === 401) {
    return { kind: 'auth_expired', reason };
  }
  if (status >= 500 || status === 408) {
    return { kind: 'retryable', reason };
  }
  return { kind: 'permanent', reason };
}

export function fail(failure: AdPlatformFailure): never {
  throw new AdPlatformError({ ...failure, reason: clip(failure.reason) });
}

/** A successful answer whose body is not what the platform documents: retry later rather than act on it. */
export function unexpected(platform: string, what: string): never {
  throw new AdPlatformError({ kind: 'retryable', reason: clip(`${platform} answered an unexpected body: ${what}`) });
}

/** Epoch seconds in a header to a Date, if usable. */
export function epochSecondsHeader(value: unknown): Date | undefined {
  const raw = Array.isArray(value) ? (value[0] as unknown) : value;
  return typeof raw === 'string' && /^\d{1,12}$/.test(raw.trim()) ? new Date(Number(raw.trim()) * 1000) : undefined;
}

/** Retry-After in seconds (the only form these platforms send). */
export function retryAfterHeader(value: unknown, now = Date.now()): Date | undefined {
  const raw = Array.isArray(value) ? (value[0] as unknown) : value;
  return typeof raw === 'string' && /^\d{1,6}$/.test(raw.trim()) ? new Date(now + Number(raw.trim()) * 1000) : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export function clip(reason: string): string {
  return reason.length > REASON_MAX_LENGTH ? `${reason.slice(0, REASON_MAX_LENGTH - 1)}…` : reason;
}

/** Today's date (UTC) as YYYY-MM-DD. */
export function isoDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}
