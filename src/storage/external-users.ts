// Accounts tied to an external identity (single sign-on): `users.external_id` holds
// `oidc:<issuer> <subject>`.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { hashPassword, USERNAME_PATTERN } from '../lib/passwords.ts';
import type { Schema, User } from './schema.ts';
import { createUser, userByName } from './users.ts';

export function oidcExternalId(issuer: string, subject: string): string {
  return `oidc:${issuer} ${subject}`;
}

export async function userByExternalId(db: Kysely<Schema>, externalId: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('external_id', '=', externalId).executeTakeFirst();
}

/** Ties an existing account to an external identity (what an administrator does before a first SSO login). */
export async function linkExternalId(
  db: Kysely<Schema>,
  userId: number,
  externalId: string | null,
): Promise<void> {
  await db.updateTable('users').set({ external_id: externalId }).where('id', '=', userId).execute();
}

/** A free user name from the provider's suggestion: `alice`, else `alice-2`, `alice-3`… */
async function freeUsername(db: Kysely<Schema>, wish: string): Promise<string> {
  const base =
    wish
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 56) || 'user';
  for (let i = 1; i < 1000; i++) {
    const name = i === 1 ? base : `${base}-${i}`;
    if (USERNAME_PATTERN.test(name) && !(await userByName(db, name))) return name;
  }
  return `user-${randomBytes(6).toString('hex')}`;
}

/**
 * Creates the account of an external identity on its first login. Its password is random and
 * never shown: the account logs in through the provider (and may set an API password).
 */
export async function createExternalUser(
  db: Kysely<Schema>,
  input: { externalId: string; usernameWish: string; language: string | null; now: number },
): Promise<User> {
  const user = await createUser(db, {
    username: await freeUsername(db, input.usernameWish),
    passwordHash: await hashPassword(randomBytes(32).toString('base64url')),
    isAdmin: false,
    language: input.language,
    now: input.now,
  });
  await linkExternalId(db, user.id, input.externalId);
  return { ...user, external_id: input.externalId };
}
