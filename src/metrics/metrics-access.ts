// Who may scrape /metrics: anyone, unless METRICS_TOKEN is set; then only `Authorization: Bearer <token>`.
import { createHash, timingSafeEqual } from 'node:crypto';

/** True when the Authorization header carries the token (or no token is configured). Constant time in the token. */
export function mayScrape(authorization: string | undefined, token: string | undefined): boolean {
  if (token === undefined) {
    return true;
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  // Hashing first gives equal lengths, so neither the length nor a prefix of the token can be timed.
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(match?.[1] ?? ''), digest(token)) && match !== null;
}

export const METRICS_CHALLENGE = 'Bearer realm="metrics"';
export const METRICS_REFUSAL = 'Metrics require Authorization: Bearer <METRICS_TOKEN>';
