// Invite and session tokens: 32 random bytes, base64url, stored only as their SHA-256 hash.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function generateSecretToken(): string {
  return randomBytes(32).toString('base64url');
}

// 256 random bits: a fast hash is safe, and the lookup by hash stays one index probe.
export function hashSecretToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Compares two secrets without telling, by its timing, how much of them matched. */
export function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) {
    return false;
  }
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}
