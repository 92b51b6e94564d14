// Authentication of the JSON API: the user's API password (the one apps use), always with the
// user name, so that a credential is checked against one account and never against every user
// (with thousands of accounts, a bare password would cost one Argon2 check per account):
// `Authorization: Bearer <username>:<API password>`, `X-Auth-Token: <username>:<API password>`
// (Miniflux's header), HTTP Basic `username:API password`, or the API token `<username>/<64 hex>`
// that the Google Reader ClientLogin returns (an HMAC: checked without Argon2) as Bearer or
// X-Auth-Token. Never the session cookie. Argon2 runs once per credential and process:
// a verified credential is remembered under an HMAC with a per-process key (never the password
// itself), together with the hash it matched, so that changing or revoking the API password, or
// disabling the user, refuses it at the next request. Failed checks are counted by the login rate
// limiter (per address and per account); past the limit, credentials not already verified are
// refused with 429 before any Argon2 work.
import { createHmac, randomBytes } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { verifyPassword } from '../../../lib/passwords.ts';
import type { User } from '../../../storage/schema.ts';
import { userById, userByName } from '../../../storage/users.ts';
import { userByAuthToken } from '../api-tokens.ts';
import type { AppEnv } from '../../app-env.ts';
import { JsonApiError } from './json-api-error.ts';

export interface JsonEnv {
  Variables: AppEnv['Variables'] & { apiUser: User };
}

type Credential = { kind: 'password'; username: string; secret: string } | { kind: 'token'; token: string };

const TOKEN = /^[A-Za-z0-9._-]{1,64}\/[0-9a-f]{64}$/;

/** A Bearer or X-Auth-Token value: an API token, or `username:API password`. */
function fromTokenValue(value: string): Credential {
  if (TOKEN.test(value)) return { kind: 'token', token: value };
  const colon = value.indexOf(':');
  if (colon < 1)
    throw new JsonApiError(
      401,
      'send `username:API password` (or the API token `username/…`) as the Bearer token or X-Auth-Token',
    );
  return { kind: 'password', username: value.slice(0, colon), secret: value.slice(colon + 1) };
}

const MAX_REMEMBERED = 1_000;

/** The credential a request carries, null when none; throws on a malformed Authorization header. */
export function credentialOf(c: Context): Credential | null {
  const header = c.req.header('authorization')?.trim();
  if (header) {
    const m = /^(\S+)\s+(.+)$/.exec(header);
    const scheme = m?.[1]?.toLowerCase();
    if (scheme === 'bearer') return fromTokenValue(m![2]!.trim());
    if (scheme === 'basic') {
      const decoded = Buffer.from(m![2]!.trim(), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 1) throw new JsonApiError(401, 'malformed Basic credentials');
      return { kind: 'password', username: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
    }
    throw new JsonApiError(401, 'unsupported Authorization scheme (use Bearer or Basic)');
  }
  const token = c.req.header('x-auth-token')?.trim();
  return token ? fromTokenValue(token) : null;
}

export function createJsonAuth(): MiddlewareHandler<JsonEnv> {
  const key = randomBytes(32);
  // HMAC of the credential → the user and the API password hash it was verified against.
  const verified = new Map<string, { userId: number; hash: string }>();

  return async (c, next) => {
    const credential = credentialOf(c);
    if (!credential || (credential.kind === 'password' && !credential.secret))
      throw new JsonApiError(
        401,
        'authentication required: send `username:API password` as the Bearer token',
      );
    const deps = c.get('deps');
    const db = deps.database.db;
    const limiter = c.get('security').loginLimiter;
    const ip = c.get('clientIp');
    const now = deps.now();

    if (credential.kind === 'token') {
      // An HMAC of the API password's hash: cheap to check, nothing to remember.
      const user = await userByAuthToken(db, credential.token);
      const keys = { ip, account: credential.token.slice(0, credential.token.indexOf('/')) };
      if (!user) {
        const wait = limiter.retryAfterSeconds(keys, now);
        if (wait > 0) {
          c.header('Retry-After', String(wait));
          throw new JsonApiError(429, `too many failed attempts: retry in ${wait} s`);
        }
        limiter.recordFailure(keys, now);
        throw new JsonApiError(401, 'wrong or revoked API token');
      }
      c.set('apiUser', user);
      return next();
    }

    const mark = createHmac('sha256', key)
      .update(`${credential.username}\0${credential.secret}`)
      .digest('base64url');
    const known = verified.get(mark);
    if (known) {
      const user = await userById(db, known.userId);
      if (user && !user.disabled && user.api_password_hash === known.hash) {
        c.set('apiUser', user);
        return next();
      }
      verified.delete(mark);
    }

    const keys = { ip, account: credential.username };
    const wait = limiter.retryAfterSeconds(keys, now);
    if (wait > 0) {
      c.header('Retry-After', String(wait));
      throw new JsonApiError(429, `too many failed attempts: retry in ${wait} s`);
    }
    const candidate = await userByName(db, credential.username);
    const hash = candidate && !candidate.disabled ? candidate.api_password_hash : null;
    // Unknown users cost the same Argon2 check as known ones (verifyPassword with no hash).
    const found = (await verifyPassword(hash, credential.secret)) ? candidate : undefined;
    if (!found?.api_password_hash) {
      limiter.recordFailure(keys, now);
      deps.log.info('json-api: authentication failed', { username: credential.username, ip });
      throw new JsonApiError(401, 'wrong or revoked API password');
    }
    limiter.recordSuccess(keys);
    if (verified.size >= MAX_REMEMBERED) verified.delete(verified.keys().next().value!);
    verified.set(mark, { userId: found.id, hash: found.api_password_hash });
    c.set('apiUser', found);
    return next();
  };
}
