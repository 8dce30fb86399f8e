// Reading the Idempotency-Key header (IETF draft "The Idempotency-Key HTTP Header Field") and fingerprinting a request.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../common/canonical-json';
import { DomainError } from '../common/domain-error';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';
const PRINTABLE_ASCII = /^[\x20-\x7e]{1,255}$/;

/**
 * The key a client sent: 1 to 255 printable ASCII characters. The draft makes it a structured-field
 * string (`"8e03978e-…"`); a bare token, as most clients send it, is taken as it is.
 */
export function parseIdempotencyKey(header: string | string[]): string {
  if (Array.isArray(header)) {
    throw DomainError.invalid('Send one Idempotency-Key header, not several');
  }
  const quoted = /^"((?:[^"\\]|\\["\\])*)"$/.exec(header);
  const key = quoted ? quoted[1].replace(/\\(["\\])/g, '$1') : header;
  if (!PRINTABLE_ASCII.test(key)) {
    throw DomainError.invalid('Idempotency-Key must be 1 to 255 printable ASCII characters');
  }
  return key;
}

/** What makes two requests "the same request" for one key: method, path with query, and the body (key order ignored). */
export function requestFingerprint(method: string, url: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method.toUpperCase()}\n${url}\n`)
    .update(canonicalJson(body ?? null))
    .digest('hex');
}
