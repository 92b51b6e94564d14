// Password hashing with Argon2id (@node-rs/argon2, OWASP-recommended parameters).
import { hash, verify, type Algorithm } from '@node-rs/argon2';

// Algorithm.Argon2id is a const enum (2), which isolated modules cannot import.
const ARGON2ID = 2 as Algorithm;
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 };
let dummyHash: Promise<string> | null = null;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

/**
 * Checks a password. With no stored hash (unknown user) it still verifies against a dummy hash,
 * so that the answer takes the same time whether or not the user exists.
 */
export async function verifyPassword(
  storedHash: string | null | undefined,
  password: string,
): Promise<boolean> {
  if (!storedHash) {
    dummyHash ??= hashPassword('veille-dummy-password');
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

export const USERNAME_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
export const MIN_PASSWORD_LENGTH = 8;
