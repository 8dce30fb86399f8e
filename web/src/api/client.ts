// The console's one way to the service: a client typed by the OpenAPI document (schema.d.ts is generated, never edited),
// sending the session cookie and the CSRF token, and turning error answers into sentences a person can read.
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

let csrfToken: string | null = null;

/** Set by the session provider whenever the session changes; sent on every state-changing request. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const csrf: Middleware = {
  onRequest({ request }) {
    if (csrfToken && UNSAFE.has(request.method)) {
      request.headers.set('X-CSRF-Token', csrfToken);
    }
    return request;
  },
};

// The service answers `Referrer-Policy: same-origin`; asking for it here too keeps the console's Origin and Referer on
// its own calls (the CSRF check needs them) even behind a proxy that sets a stricter policy.
export const api = createClient<paths>({ baseUrl: '/', credentials: 'same-origin', referrerPolicy: 'same-origin' });
api.use(csrf);

/** The service's error body: `{statusCode, error, message, details?}` (see the API reference). */
interface ErrorBody {
  statusCode?: number;
  error?: string;
  message?: string;
  details?: string[];
  [extra: string]: unknown;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string,
    /** Every validation message, as the service wrote it. */
    readonly details: string[],
    /** The same messages by the field they start with ("text must be ..." → text). */
    readonly fieldErrors: Record<string, string[]>,
    readonly body: ErrorBody,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static from(status: number, body: unknown): ApiError {
    const parsed: ErrorBody = typeof body === 'object' && body !== null ? (body as ErrorBody) : {};
    const details = Array.isArray(parsed.details) ? parsed.details.filter((d): d is string => typeof d === 'string') : [];
    const fieldErrors: Record<string, string[]> = {};
    for (const detail of details) {
      const field = /^([A-Za-z][\w.[\]]*)\s/.exec(detail)?.[1];
      if (field) {
        (fieldErrors[field] ??= []).push(detail);
      }
    }
    return new ApiError(status, sentence(status, parsed), parsed.error ?? 'error', details, fieldErrors, parsed);
  }
}

function sentence(status: number, body: ErrorBody): string {
  if (typeof body.message === 'string' && body.message.length > 0) {
    return body.message;
  }
  if (status === 0) {
    return 'The service cannot be reached: check your connection and try again.';
  }
  if (status >= 500) {
    return 'The service had a problem answering. Try again in a moment.';
  }
  return `The service refused the request (HTTP ${status}).`;
}

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The answer's data, or an ApiError with the service's message. */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await call;
  } catch {
    throw ApiError.from(0, {});
  }
  if (!result.response.ok) {
    throw ApiError.from(result.response.status, result.error);
  }
  return result.data as T;
}

/** A message for any thrown value, for places that show an error as a sentence. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) {
    return error.message;
  }
  return 'Something went wrong in the console. Reload the page and try again.';
}
