// OpenID Connect login (authorization code flow with PKCE, state and nonce).
//
// POST /login/oidc: reads the provider's discovery document, keeps state, nonce and the PKCE
// verifier in a short-lived cookie signed with the instance secret, and sends the browser to the
// provider. GET /login/oidc/callback: checks the cookie and the state (a state is accepted once),
// exchanges the code at the token endpoint, verifies the id_token (oidc-id-token.ts) and logs in
// the account tied to `oidc:<issuer> <sub>`.
//
// Requests to the provider do not go through the feed fetcher's private-address guard: its
// address comes from the operator's configuration (VEILLE_OIDC_ISSUER), never from a user, and
// providers often live on the private network next to Veille. They follow no redirect, time out
// after 10 s and read at most 1 MiB.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { constantTimeEqual } from '../../lib/constant-time-equal.ts';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../app-env.ts';
import { instanceSecret } from '../../storage/instance-secret.ts';
import { instanceSettings } from '../../storage/instance-settings.ts';
import { countUsers } from '../../storage/users.ts';
import { createExternalUser, oidcExternalId, userByExternalId } from '../../storage/external-users.ts';
import { deleteSession } from '../../storage/sessions.ts';
import { loginErrorPage, startSession } from './auth-pages.tsx';
import { OidcError, verifyIdToken } from './oidc-id-token.ts';

export const OIDC_COOKIE = 'veille_oidc';
const LOGIN_LIFETIME_MS = 10 * 60_000;
const DISCOVERY_CACHE_MS = 60 * 60_000;
const PROVIDER_TIMEOUT_MS = 10_000;
const PROVIDER_MAX_BYTES = 1024 * 1024;

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
}

interface PendingLogin {
  state: string;
  nonce: string;
  verifier: string;
  createdAt: number;
}

export interface OidcLogin {
  start: (c: Context<AppEnv>) => Promise<Response>;
  callback: (c: Context<AppEnv>) => Promise<Response>;
}

async function providerJson(url: string, init: RequestInit = {}): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS) });
  } catch (err) {
    throw new OidcError(`oidc: the provider did not answer at ${url} (${(err as Error).message})`);
  }
  const reader = res.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > PROVIDER_MAX_BYTES) {
      await reader.cancel();
      throw new OidcError(`oidc: the answer of ${url} is too large`);
    }
    chunks.push(value);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new OidcError(`oidc: ${url} answered HTTP ${res.status} without JSON`);
  }
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new OidcError(`oidc: ${url} answered something else than a JSON object`);
  const object = body as Record<string, unknown>;
  if (!res.ok) {
    const reason = typeof object.error === 'string' ? object.error : `HTTP ${res.status}`;
    throw new OidcError(`oidc: ${url} refused the request (${reason})`);
  }
  return object;
}

function endpoint(doc: Record<string, unknown>, name: string, issuer: string): string {
  const value = doc[name];
  let url: URL | null;
  try {
    url = typeof value === 'string' ? new URL(value) : null;
  } catch {
    url = null;
  }
  // An https issuer's endpoints are https too; an http issuer (a test or a private network) may use http.
  const allowed = issuer.startsWith('https:') ? ['https:'] : ['https:', 'http:'];
  if (!url || !allowed.includes(url.protocol))
    throw new OidcError(`oidc: the discovery document has no usable ${name}`);
  return url.href;
}

function signature(secret: Buffer, payload: string): string {
  return createHmac('sha256', secret).update(`oidc-login\0${payload}`).digest('base64url');
}

function sealPending(secret: Buffer, pending: PendingLogin): string {
  const payload = Buffer.from(JSON.stringify(pending)).toString('base64url');
  return `${payload}.${signature(secret, payload)}`;
}

function openPending(secret: Buffer, cookie: string | undefined, now: number): PendingLogin | null {
  if (!cookie) return null;
  const [payload = '', mac = ''] = cookie.split('.');
  if (!constantTimeEqual(mac, signature(secret, payload))) return null;
  try {
    const p = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as PendingLogin;
    if (typeof p.state !== 'string' || typeof p.nonce !== 'string' || typeof p.verifier !== 'string')
      return null;
    if (
      typeof p.createdAt !== 'number' ||
      now - p.createdAt > LOGIN_LIFETIME_MS ||
      p.createdAt > now + 60_000
    )
      return null;
    return p;
  } catch {
    return null;
  }
}

function redirectUri(c: Context<AppEnv>): string {
  const base = c.get('deps').config.baseUrl ?? new URL(c.req.url).origin;
  return `${base}/login/oidc/callback`;
}

/** The OIDC login routes, with their per-app state: the discovery cache and the states already used. */
export function createOidcLogin(): OidcLogin {
  let discovery: { doc: Discovery; at: number } | null = null;
  /** state → time it was used; kept for the lifetime of a login so that a replay is refused. */
  const usedStates = new Map<string, number>();

  async function discover(c: Context<AppEnv>): Promise<Discovery> {
    const now = c.get('deps').now();
    if (discovery && now - discovery.at < DISCOVERY_CACHE_MS) return discovery.doc;
    const issuer = c.get('deps').config.oidcIssuer!;
    const doc = await providerJson(`${issuer}/.well-known/openid-configuration`);
    const advertised = typeof doc.issuer === 'string' ? doc.issuer : '';
    if (advertised.replace(/\/$/, '') !== issuer)
      throw new OidcError(`oidc: the provider calls itself ${advertised || '(nothing)'}, not ${issuer}`);
    const result: Discovery = {
      issuer: advertised,
      authorization_endpoint: endpoint(doc, 'authorization_endpoint', issuer),
      token_endpoint: endpoint(doc, 'token_endpoint', issuer),
      jwks_uri: endpoint(doc, 'jwks_uri', issuer),
    };
    discovery = { doc: result, at: now };
    return result;
  }

  function configured(c: Context<AppEnv>): boolean {
    const config = c.get('deps').config;
    return Boolean(config.oidcIssuer && config.oidcClientId);
  }

  function fail(c: Context<AppEnv>, reason: string, status: 400 | 403 | 502 = 400) {
    c.get('deps').log.info('http: single sign-on failed', { reason });
    return loginErrorPage(c, c.get('tr').t('login.oidcFailed', { reason }), status);
  }

  async function start(c: Context<AppEnv>): Promise<Response> {
    if (!configured(c)) return c.notFound();
    const deps = c.get('deps');
    let doc: Discovery;
    try {
      doc = await discover(c);
    } catch (err) {
      if (err instanceof OidcError) return fail(c, err.message, 502);
      throw err;
    }
    const pending: PendingLogin = {
      state: randomBytes(24).toString('base64url'),
      nonce: randomBytes(24).toString('base64url'),
      verifier: randomBytes(48).toString('base64url'),
      createdAt: deps.now(),
    };
    setCookie(c, OIDC_COOKIE, sealPending(await instanceSecret(deps.database.db), pending), {
      httpOnly: true,
      // Lax: the provider's redirect back is a top-level GET navigation, which carries it.
      sameSite: 'Lax',
      secure: c.get('secureCookies'),
      path: '/login/oidc',
      maxAge: LOGIN_LIFETIME_MS / 1000,
    });
    const url = new URL(doc.authorization_endpoint);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', deps.config.oidcClientId!);
    url.searchParams.set('redirect_uri', redirectUri(c));
    url.searchParams.set('scope', 'openid profile email');
    url.searchParams.set('state', pending.state);
    url.searchParams.set('nonce', pending.nonce);
    url.searchParams.set('code_challenge', createHash('sha256').update(pending.verifier).digest('base64url'));
    url.searchParams.set('code_challenge_method', 'S256');
    return c.redirect(url.href, 303);
  }

  async function callback(c: Context<AppEnv>): Promise<Response> {
    if (!configured(c)) return c.notFound();
    const deps = c.get('deps');
    const config = deps.config;
    const db = deps.database.db;
    const now = deps.now();
    for (const [state, at] of usedStates) if (now - at > LOGIN_LIFETIME_MS) usedStates.delete(state);

    const pending = openPending(await instanceSecret(db), getCookie(c, OIDC_COOKIE), now);
    deleteCookie(c, OIDC_COOKIE, { path: '/login/oidc' });
    const providerError = c.req.query('error');
    if (providerError) {
      const description = c.req.query('error_description');
      return fail(
        c,
        `oidc: the provider answered ${providerError}${description ? ` (${description})` : ''}`,
        403,
      );
    }
    const state = c.req.query('state') ?? '';
    const code = c.req.query('code') ?? '';
    if (!pending) return fail(c, 'oidc: this login has expired or was already used; start again');
    if (!state || !constantTimeEqual(state, pending.state))
      return fail(c, 'oidc: the login state does not match this browser; start again');
    if (usedStates.has(pending.state)) return fail(c, 'oidc: this login was already used; start again');
    usedStates.set(pending.state, now);
    if (!code) return fail(c, 'oidc: the provider sent no authorization code');

    let claims;
    try {
      const doc = await discover(c);
      const form = new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri(c),
        code_verifier: pending.verifier,
        client_id: config.oidcClientId!,
      });
      const headers: Record<string, string> = {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      };
      if (config.oidcClientSecret) {
        // client_secret_basic: both parts form-encoded first (RFC 6749 §2.3.1).
        const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
        headers.authorization = `Basic ${Buffer.from(`${enc(config.oidcClientId!)}:${enc(config.oidcClientSecret)}`).toString('base64')}`;
      }
      const tokens = await providerJson(doc.token_endpoint, {
        method: 'POST',
        headers,
        body: form.toString(),
      });
      if (typeof tokens.id_token !== 'string')
        throw new OidcError('oidc: the token endpoint sent no id_token');
      const jwks = await providerJson(doc.jwks_uri);
      const keys = Array.isArray(jwks.keys) ? (jwks.keys as Parameters<typeof verifyIdToken>[1]) : [];
      claims = verifyIdToken(tokens.id_token, keys, {
        issuer: doc.issuer,
        clientId: config.oidcClientId!,
        nonce: pending.nonce,
        now,
      });
    } catch (err) {
      if (err instanceof OidcError) return fail(c, err.message, 403);
      throw err;
    }

    const externalId = oidcExternalId(claims.iss, claims.sub);
    let user = await userByExternalId(db, externalId);
    if (!user) {
      // A first login creates the account only where anyone could create one (open registration,
      // under the account limit); otherwise an administrator ties an account to this identity first.
      const settings = await instanceSettings(db);
      const full = settings.maxAccounts !== null && (await countUsers(db)) >= settings.maxAccounts;
      if (!settings.registrationOpen || full)
        return fail(c, 'oidc: no account is tied to this identity and registration is closed', 403);
      user = await createExternalUser(db, {
        externalId,
        usernameWish: claims.preferred_username ?? claims.email?.split('@')[0] ?? claims.name ?? 'user',
        language: c.get('tr').lang,
        now,
      });
      deps.log.info('http: account created by single sign-on', { userId: user.id });
    }
    if (user.disabled) return loginErrorPage(c, c.get('tr').t('login.disabled'), 403);
    const previous = c.get('sessionId');
    if (previous) await deleteSession(db, previous);
    await startSession(c, user.id);
    return c.redirect('/', 303);
  }

  return { start, callback };
}
