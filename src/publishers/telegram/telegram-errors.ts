// Maps what the Telegram Bot API answers (or fails to answer) onto the publisher port's failure kinds; pure, no I/O.
import { isAxiosError } from 'axios';
import type { PublishFailure } from '../publisher.port';

/** The Bot API's error answer: `{ok: false, error_code, description, parameters?}`. */
export interface TelegramErrorBody {
  ok?: boolean;
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

export interface TelegramErrorResponse {
  status: number;
  body: unknown;
}

/** A 429 without retry_after (never seen, but possible behind a proxy): Telegram's per-chat limits are per minute. */
const RATE_LIMIT_FALLBACK_S = 60;
const REASON_MAX_LENGTH = 500;
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/**
 * Classifies an error answer of the Bot API: 429 waits `retry_after` seconds; 401 (revoked token) and
 * 404 (a token the API does not know at all) need the bot reconnected; 403 (bot blocked, kicked or
 * not allowed to post) and other 400s are permanent with Telegram's description; 5xx are retried.
 * A 400 carrying migrate_to_chat_id (a group upgraded to a supergroup) is handled by the adapter,
 * which repeats the send to the new chat; here it is permanent, naming the new id.
 */
export function classifyTelegramResponse(response: TelegramErrorResponse, now: Date): PublishFailure {
  const body = readBody(response.body);
  const status = body.error_code ?? response.status;
  const said = body.description ?? `HTTP ${response.status}`;
  const retryAfter = body.parameters?.retry_after;
  if (status === 429 || retryAfter !== undefined) {
    const seconds = retryAfter !== undefined && retryAfter > 0 ? retryAfter : RATE_LIMIT_FALLBACK_S;
    return { kind: 'rate_limited', reason: clip(`Telegram rate limit reached: ${said}`), until: new Date(now.getTime() + seconds * 1000) };
  }
  if (status === 401 || status === 404) {
    return { kind: 'auth_expired', reason: clip(`Telegram does not accept the bot token: ${said}`) };
  }
  if (status >= 500 || status === 408) {
    return { kind: 'retryable', reason: clip(`Telegram answered ${status}: ${said}`) };
  }
  const migratedTo = body.parameters?.migrate_to_chat_id;
  if (migratedTo !== undefined) {
    return { kind: 'permanent', reason: clip(`${said}: the chat is now ${migratedTo}`), platformCode: String(status) };
  }
  if (status >= 400) {
    return { kind: 'permanent', reason: clip(said), platformCode: String(status) };
  }
  return { kind: 'retryable', reason: `Telegram answered an unexpected HTTP ${response.status}` };
}

/**
 * Classifies anything an axios call to the Bot API threw. Its messages never carry the request URL
 * (where the token is); reasons are built from the status and Telegram's description only.
 */
export function classifyTelegramFailure(error: unknown, now: Date): PublishFailure {
  if (isAxiosError(error)) {
    if (error.response) {
      const body: unknown = error.response.data;
      return classifyTelegramResponse({ status: error.response.status, body }, now);
    }
    return NOT_SENT.has(error.code ?? '')
      ? { kind: 'retryable', reason: clip(`Telegram could not be reached: ${error.message}`) }
      : { kind: 'unknown', reason: clip(`No answer from Telegram (${error.message}): Telegram may have processed the request`) };
  }
  return { kind: 'unknown', reason: 'Telegram request failed' };
}

/** The chat a group moved to, when Telegram says so (400 with parameters.migrate_to_chat_id). */
export function migratedChatId(error: unknown): string | undefined {
  if (!isAxiosError(error) || !error.response) {
    return undefined;
  }
  const id = readBody(error.response.data).parameters?.migrate_to_chat_id;
  return typeof id === 'number' && Number.isInteger(id) ? String(id) : undefined;
}

function readBody(body: unknown): TelegramErrorBody {
  if (typeof body !== 'object' || body === null) {
    return {};
  }
  const { error_code: code, description, parameters } = body as Record<string, unknown>;
  const params = typeof parameters === 'object' && parameters !== null ? (parameters as Record<string, unknown>) : {};
  return {
    error_code: typeof code === 'number' ? code : undefined,
    description: typeof description === 'string' && description.trim() !== '' ? description.trim() : undefined,
    parameters: {
      retry_after: typeof params.retry_after === 'number' ? params.retry_after : undefined,
      migrate_to_chat_id: typeof params.migrate_to_chat_id === 'number' ? params.migrate_to_chat_id : undefined,
    },
  };
}

function clip(reason: string): string {
  return reason.length > REASON_MAX_LENGTH ? `${reason.slice(0, REASON_MAX_LENGTH - 1)}…` : reason;
}
