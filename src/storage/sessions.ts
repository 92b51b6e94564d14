// Login sessions. The cookie holds a random token; the table holds its SHA-256, so a leaked
// database does not give working cookies.
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Schema, User } from './schema.ts';

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function createSession(
  db: Kysely<Schema>,
  input: { userId: number; now: number; lifetimeMs: number; userAgent: string | null },
): Promise<{ token: string; csrfToken: string }> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  await db
    .insertInto('sessions')
    .values({
      id: hashSessionToken(token),
      user_id: input.userId,
      csrf_token: csrfToken,
      created_at: input.now,
      expires_at: input.now + input.lifetimeMs,
      user_agent: input.userAgent,
    })
    .execute();
  return { token, csrfToken };
}

export interface SessionWithUser {
  sessionId: string;
  csrfToken: string;
  expiresAt: number;
  user: User;
}

export async function sessionByToken(
  db: Kysely<Schema>,
  token: string,
  now: number,
): Promise<SessionWithUser | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('users')
    .select(['sessions.id as session_id', 'sessions.csrf_token', 'sessions.expires_at'])
    .where('sessions.id', '=', hashSessionToken(token))
    .executeTakeFirst();
  if (!row || row.expires_at <= now) return undefined;
  const { session_id, csrf_token, expires_at, ...user } = row;
  return { sessionId: session_id, csrfToken: csrf_token, expiresAt: expires_at, user };
}

export async function deleteSession(db: Kysely<Schema>, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

export async function deleteExpiredSessions(db: Kysely<Schema>, now: number): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
}
