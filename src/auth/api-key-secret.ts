// API key material: random, recognisable by prefix, stored only as a SHA-256 hash.
import { createHash, randomBytes } from 'node:crypto';

const KEY_PREFIX = 'hf_';
const SHOWN_PREFIX_LENGTH = 11;

export interface NewApiKeySecret {
  key: string;
  prefix: string;
  hash: string;
}

export function generateApiKeySecret(): NewApiKeySecret {
  return describeApiKeySecret(KEY_PREFIX + randomBytes(32).toString('base64url'));
}

/** For a key supplied by the operator (HOLDFAST_ADMIN_KEY). */
export function describeApiKeySecret(key: string): NewApiKeySecret {
  return { key, prefix: key.slice(0, SHOWN_PREFIX_LENGTH), hash: hashApiKey(key) };
}

// Keys carry 256 bits of entropy, so a fast hash is safe; a slow KDF would only slow every request.
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S{1,256})\s*$/i.exec(header ?? '');
  return match?.[1];
}
