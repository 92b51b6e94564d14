// Google Reader tokens, derived from the API password's hash (HMAC-SHA256): deterministic, no
// table, valid until the API password changes or is revoked. Auth token `<username>/<64 hex>`
// (no `=`, no space: clients split on both); edit token (`T`) 40 hex padded with Z to 57, as
// Google's.
import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../../lib/constant-time-equal.ts';
import type { Kysely } from 'kysely';
import type { Schema, User } from '../../storage/schema.ts';
import { userByName } from '../../storage/users.ts';

function mac(apiPasswordHash: string, purpose: string, username: string): string {
  return createHmac('sha256', apiPasswordHash).update(`veille:${purpose}:${username}`).digest('hex');
}

export function authTokenFor(user: User): string | null {
  if (!user.api_password_hash) return null;
  return `${user.username}/${mac(user.api_password_hash, 'greader-auth', user.username)}`;
}

export function editTokenFor(user: User): string | null {
  if (!user.api_password_hash) return null;
  return mac(user.api_password_hash, 'greader-edit', user.username).slice(0, 40).padEnd(57, 'Z');
}

/** The user an auth token belongs to, if it is still valid. */
export async function userByAuthToken(db: Kysely<Schema>, token: string): Promise<User | undefined> {
  const m = /^([A-Za-z0-9._-]{1,64})\/([0-9a-f]{64})$/.exec(token.trim());
  if (!m) return undefined;
  const user = await userByName(db, m[1]!);
  if (!user || user.disabled) return undefined;
  const expected = authTokenFor(user);
  return expected && constantTimeEqual(expected, token.trim()) ? user : undefined;
}

/** The token of an `Authorization: GoogleLogin auth=<token>` header (lenient spacing and case). */
export function tokenFromAuthorization(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^\s*GoogleLogin\s+auth\s*=\s*(\S+)\s*$/i.exec(header);
  return m ? m[1]! : null;
}
