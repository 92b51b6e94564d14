// A user's login sessions: the active session behind a cookie (with the details the session
// middleware needs), the list a user sees on the account page, revocation, activity and
// re-authentication times. The cookie token itself is never stored (see sessions.ts).
import type { Kysely } from 'kysely';
import type { Schema, User } from './schema.ts';
import { hashSessionToken } from './sessions.ts';

export interface ActiveSession {
  sessionId: string;
  csrfToken: string;
  expiresAt: number;
  lastSeenAt: number | null;
  reauthAt: number | null;
  persistent: boolean;
  user: User;
}

/** The live session of a cookie token, or undefined when unknown, expired or its user is disabled. */
export async function activeSessionByToken(
  db: Kysely<Schema>,
  token: string,
  now: number,
): Promise<ActiveSession | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('users')
    .select([
      'sessions.id as session_id',
      'sessions.csrf_token',
      'sessions.expires_at',
      'sessions.last_seen_at as session_seen_at',
      'sessions.reauth_at',
      'sessions.persistent',
    ])
    .where('sessions.id', '=', hashSessionToken(token))
    .executeTakeFirst();
  if (!row || row.expires_at <= now || row.disabled) return undefined;
  const { session_id, csrf_token, expires_at, session_seen_at, reauth_at, persistent, ...user } = row;
  return {
    sessionId: session_id,
    csrfToken: csrf_token,
    expiresAt: expires_at,
    lastSeenAt: session_seen_at,
    reauthAt: reauth_at,
    persistent: persistent === 1,
    user,
  };
}

export interface SessionListItem {
  id: string;
  createdAt: number;
  expiresAt: number;
  lastSeenAt: number | null;
  userAgent: string | null;
  ip: string | null;
  persistent: boolean;
}

export async function sessionsOfUser(
  db: Kysely<Schema>,
  userId: number,
  now: number,
): Promise<SessionListItem[]> {
  const rows = await db
    .selectFrom('sessions')
    .select(['id', 'created_at', 'expires_at', 'last_seen_at', 'user_agent', 'ip', 'persistent'])
    .where('user_id', '=', userId)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    lastSeenAt: r.last_seen_at,
    userAgent: r.user_agent,
    ip: r.ip,
    persistent: r.persistent === 1,
  }));
}

/** Ends one of the user's sessions; false when the id is not one of theirs. */
export async function revokeUserSession(
  db: Kysely<Schema>,
  userId: number,
  sessionId: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('sessions')
    .where('id', '=', sessionId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Ends every session of the user except `keepSessionId` (null: all of them). */
export async function revokeUserSessions(
  db: Kysely<Schema>,
  userId: number,
  keepSessionId: string | null,
): Promise<number> {
  let q = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (keepSessionId) q = q.where('id', '!=', keepSessionId);
  const result = await q.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Records activity on a session and its user (callers throttle this to about once a minute). */
export async function touchSession(
  db: Kysely<Schema>,
  input: { sessionId: string; userId: number; now: number; ip: string | null },
): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ last_seen_at: input.now, ip: input.ip })
    .where('id', '=', input.sessionId)
    .execute();
  await db.updateTable('users').set({ last_seen_at: input.now }).where('id', '=', input.userId).execute();
}

/** The password was entered again in this session (login, or the re-authentication form). */
export async function markSessionReauthenticated(
  db: Kysely<Schema>,
  sessionId: string,
  now: number,
): Promise<void> {
  await db.updateTable('sessions').set({ reauth_at: now }).where('id', '=', sessionId).execute();
}

/** Sets the details createSession does not know about. */
export async function describeSession(
  db: Kysely<Schema>,
  sessionId: string,
  details: { userId: number; ip: string | null; persistent: boolean; now: number },
): Promise<void> {
  await db.updateTable('users').set({ last_seen_at: details.now }).where('id', '=', details.userId).execute();
  await db
    .updateTable('sessions')
    .set({
      ip: details.ip,
      persistent: details.persistent ? 1 : 0,
      last_seen_at: details.now,
      reauth_at: details.now,
    })
    .where('id', '=', sessionId)
    .execute();
}
