// Stripe-style signatures: HMAC-SHA256 over "<unix seconds>.<raw body>", keyed with the webhook's secret.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const EVENT_ID_HEADER = 'Holdfast-Event-Id';
export const TIMESTAMP_HEADER = 'Holdfast-Timestamp';
export const SIGNATURE_HEADER = 'Holdfast-Signature';
/** How far a receiver should accept a timestamp from its own clock, against replays. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** A new secret when the admin gives none: 32 random bytes, prefixed so it is recognisable in a vault. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** The Holdfast-Signature header value: `v1=<hex>`. */
export function signPayload(secret: string, timestamp: number, rawBody: string | Buffer): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
  return `v1=${mac}`;
}

export interface SignedRequest {
  secret: string;
  rawBody: string | Buffer;
  /** The Holdfast-Timestamp header. */
  timestamp: string | undefined;
  /** The Holdfast-Signature header; may list several comma-separated `v1=` values. */
  signature: string | undefined;
  /** The receiver's clock, in unix seconds. */
  nowSeconds: number;
  toleranceSeconds?: number;
}

/** What a receiver does: recompute the HMAC, compare in constant time, refuse stale timestamps. */
export function verifySignature(request: SignedRequest): boolean {
  const { secret, rawBody, timestamp, signature, nowSeconds } = request;
  if (timestamp === undefined || signature === undefined || !/^\d{1,12}$/.test(timestamp)) {
    return false;
  }
  if (Math.abs(nowSeconds - Number(timestamp)) > (request.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) {
    return false;
  }
  const expected = Buffer.from(signPayload(secret, Number(timestamp), rawBody));
  return signature
    .split(',')
    .map((part) => Buffer.from(part.trim()))
    .some((candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected));
}
