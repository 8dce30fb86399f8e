// Resolves the 32-byte key that seals channel credentials: HOLDFAST_SECRET_KEY, or one generated once into the data dir.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SECRET_KEY = Symbol('SECRET_KEY');

export interface SecretKeySource {
  configured?: string;
  dataDir: string;
  warn: (message: string) => void;
}

export function decodeSecretKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) {
    throw new Error('The secret key must be 32 bytes (64 hex characters or 44 base64 characters)');
  }
  return key;
}

export function resolveSecretKey({ configured, dataDir, warn }: SecretKeySource): Buffer {
  if (configured) {
    return decodeSecretKey(configured);
  }
  const file = join(dataDir, 'secret.key');
  try {
    return decodeSecretKey(readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(`Cannot read the secret key in ${file}: ${(error as Error).message}`, { cause: error });
    }
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  const key = randomBytes(32);
  // 'wx' fails if another instance created the file meanwhile; then we use theirs.
  try {
    writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return decodeSecretKey(readFileSync(file, 'utf8'));
    }
    throw error;
  }
  warn(
    `HOLDFAST_SECRET_KEY is not set: generated a key into ${file}. Back it up, and set HOLDFAST_SECRET_KEY ` +
      'to the same value on every instance that shares this database, or credentials cannot be read.',
  );
  return key;
}
