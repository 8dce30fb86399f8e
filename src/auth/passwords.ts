// Members' passwords: argon2id hashes, and the rules a new password must meet.
import { hash, verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import { COMMON_PASSWORDS } from './common-passwords';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

// OWASP's argon2id setting (19 MiB, 2 passes, 1 lane). Algorithm is a const enum upstream: 2 is Argon2id.
const ARGON2ID = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2ID);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Verifies against a hash of nothing anyone knows: a sign-in for an unknown e-mail costs as long
 * as one for a known e-mail, so the time of the answer does not tell whether the e-mail exists.
 */
export async function verifyDummyPassword(password: string): Promise<false> {
  dummyHash ??= hashPassword(randomBytes(32).toString('base64url'));
  await verifyPassword(await dummyHash, password);
  return false;
}

export interface PasswordOwner {
  name: string;
  email: string | null;
}

/** The rules a new password breaks, each a sentence naming the field; empty when it is acceptable. */
export function passwordProblems(password: string, owner: PasswordOwner): string[] {
  const problems: string[] = [];
  if (password.length < PASSWORD_MIN_LENGTH) {
    problems.push(`password must be at least ${PASSWORD_MIN_LENGTH} characters`);
  }
  if (password.length > PASSWORD_MAX_LENGTH) {
    problems.push(`password must be at most ${PASSWORD_MAX_LENGTH} characters`);
  }
  const lowered = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lowered)) {
    problems.push('password is too common');
  }
  const localPart = owner.email?.split('@')[0]?.toLowerCase() ?? '';
  if (localPart.length >= 3 && lowered.includes(localPart)) {
    problems.push('password must not contain your e-mail address');
  }
  const name = owner.name.toLowerCase();
  const nameParts = [name, name.replace(/\s+/g, ''), ...name.split(/\s+/)].filter((part) => part.length >= 4);
  if (nameParts.some((part) => lowered.includes(part))) {
    problems.push('password must not contain your name');
  }
  return problems;
}
