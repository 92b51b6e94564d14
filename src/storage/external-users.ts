// Accounts tied to an external identity (single sign-on): `users.external_id` holds
// `oidc:<issuer> <subject>`. An issuer is an URL, so the first space ends it. Providers write
// their issuer with or without a final '/' (the `iss` claim of Auth0 has one, the configured
// VEILLE_OIDC_ISSUER never does): a lookup accepts either spelling, a link made by an
// administrator stores it without the '/'.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { hashPassword, USERNAME_PATTERN } from '../lib/passwords.ts';
import type { Schema, User } from './schema.ts';
import { createUser, userByName } from './users.ts';

const OIDC_PREFIX = 'oidc:';
const MAX_ISSUER_LENGTH = 2000;
/** OpenID Connect Core 1.0 §2: a subject is at most 255 ASCII characters. */
const MAX_SUBJECT_LENGTH = 255;

export function oidcExternalId(issuer: string, subject: string): string {
  return `${OIDC_PREFIX}${issuer} ${subject}`;
}

/** The issuer and subject of an `oidc:` external id; null for any other kind of id. */
export function oidcIdentityOf(externalId: string | null): { issuer: string; subject: string } | null {
  if (externalId === null || !externalId.startsWith(OIDC_PREFIX)) return null;
  const space = externalId.indexOf(' ', OIDC_PREFIX.length);
  if (space < 0) return null;
  return { issuer: externalId.slice(OIDC_PREFIX.length, space), subject: externalId.slice(space + 1) };
}

/** The same identity with the issuer's final '/' added or removed; null for other kinds of id. */
function otherIssuerSpelling(externalId: string): string | null {
  const identity = oidcIdentityOf(externalId);
  if (!identity) return null;
  const issuer = identity.issuer.endsWith('/') ? identity.issuer.slice(0, -1) : `${identity.issuer}/`;
  return oidcExternalId(issuer, identity.subject);
}

export async function userByExternalId(db: Kysely<Schema>, externalId: string): Promise<User | undefined> {
  const exact = await db
    .selectFrom('users')
    .selectAll()
    .where('external_id', '=', externalId)
    .executeTakeFirst();
  if (exact) return exact;
  const other = otherIssuerSpelling(externalId);
  if (other === null) return undefined;
  return db.selectFrom('users').selectAll().where('external_id', '=', other).executeTakeFirst();
}

export type OidcLinkProblem = 'invalid_issuer' | 'invalid_subject' | 'taken';

/** Why an administrator cannot tie an account to an identity (`taken` names the account that has it). */
export class OidcLinkError extends Error {
  constructor(
    readonly problem: OidcLinkProblem,
    readonly takenBy: string | null = null,
  ) {
    super(
      problem === 'invalid_issuer'
        ? 'the issuer must be the http(s) URL of the OpenID provider'
        : problem === 'invalid_subject'
          ? `the subject must be 1 to ${MAX_SUBJECT_LENGTH} characters, without control characters`
          : `this identity is already tied to the account "${takenBy ?? ''}"`,
    );
  }
}

/** The issuer as a link stores it (trimmed, without a final '/'), or null when it is not an http(s) URL. */
export function normalizedIssuer(issuer: string): string | null {
  const value = issuer.trim().replace(/\/+$/, '');
  if (value === '' || value.length > MAX_ISSUER_LENGTH || /\s/.test(value)) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.hostname === '') return null;
  return value;
}

function validSubject(subject: string): boolean {
  if (subject.length < 1 || subject.length > MAX_SUBJECT_LENGTH) return false;
  for (let i = 0; i < subject.length; i++) {
    const c = subject.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return false;
  }
  return true;
}

/**
 * Ties an existing account to the OpenID Connect identity (issuer, subject), replacing the
 * identity it had: the next single sign-on of that identity logs in to this account. Throws an
 * OidcLinkError when the issuer or subject is not valid or another account has the identity.
 */
export async function linkOidcIdentity(
  db: Kysely<Schema>,
  userId: number,
  issuer: string,
  subject: string,
): Promise<string> {
  const normalized = normalizedIssuer(issuer);
  if (normalized === null) throw new OidcLinkError('invalid_issuer');
  if (!validSubject(subject)) throw new OidcLinkError('invalid_subject');
  const externalId = oidcExternalId(normalized, subject);
  const holder = await userByExternalId(db, externalId);
  if (holder && holder.id !== userId) throw new OidcLinkError('taken', holder.username);
  await linkExternalId(db, userId, externalId);
  return externalId;
}

/** Unties the account from its external identity; false when it had none. */
export async function unlinkExternalId(db: Kysely<Schema>, userId: number): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ external_id: null })
    .where('id', '=', userId)
    .where('external_id', 'is not', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Every account tied to an external identity: user id → external id. */
export async function externalIdsByUser(db: Kysely<Schema>): Promise<Map<number, string>> {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'external_id'])
    .where('external_id', 'is not', null)
    .execute();
  return new Map(rows.map((r) => [r.id, r.external_id ?? '']));
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
