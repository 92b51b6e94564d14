// Test support: a tiny OpenID Connect provider on a loopback port (discovery, /authorize that
// redirects straight back, /token, /jwks), whose next id_token a test can tweak.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const CLIENT_ID = 'veille-test';
export const CLIENT_SECRET = 's3cret value';

/** What the provider puts in (or does to) the next id_token. */
export interface TokenTweaks {
  claims?: Record<string, unknown>;
  badSignature?: boolean;
  alg?: 'RS256' | 'ES256' | 'none';
}

export interface Provider {
  issuer: string;
  subject: string;
  username: string;
  tweaks: TokenTweaks;
  tokenRequests: number;
  close(): Promise<void>;
}

export function jwt(
  header: object,
  payload: object,
  key: KeyObject,
  alg: 'RS256' | 'ES256' | 'none',
): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const data = `${b64(header)}.${b64(payload)}`;
  if (alg === 'none') return `${data}.`;
  const sig =
    alg === 'RS256'
      ? sign('sha256', Buffer.from(data), key)
      : sign('sha256', Buffer.from(data), { key, dsaEncoding: 'ieee-p1363' });
  return `${data}.${sig.toString('base64url')}`;
}

/** A tiny OpenID provider: discovery, /authorize (redirects straight back), /token, /jwks. */
export async function startProvider(): Promise<Provider> {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const codes = new Map<string, { nonce: string; challenge: string; redirectUri: string }>();
  const provider = { subject: 'sub-123', username: 'alice.sso', tweaks: {} as TokenTweaks, tokenRequests: 0 };
  let issuer = '';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
      });
    }
    if (url.pathname === '/jwks') {
      return json(200, {
        keys: [
          { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa1', use: 'sig', alg: 'RS256' },
          { ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec1', use: 'sig', alg: 'ES256' },
        ],
      });
    }
    if (url.pathname === '/authorize') {
      const p = url.searchParams;
      assert.equal(p.get('client_id'), CLIENT_ID);
      assert.equal(p.get('response_type'), 'code');
      assert.equal(p.get('code_challenge_method'), 'S256');
      const code = randomBytes(12).toString('hex');
      codes.set(code, {
        nonce: p.get('nonce')!,
        challenge: p.get('code_challenge')!,
        redirectUri: p.get('redirect_uri')!,
      });
      const back = new URL(p.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', p.get('state')!);
      res.writeHead(302, { location: back.href });
      return res.end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        provider.tokenRequests++;
        const form = new URLSearchParams(body);
        const auth = req.headers.authorization ?? '';
        const expected = `Basic ${Buffer.from(`${CLIENT_ID}:${encodeURIComponent(CLIENT_SECRET).replace(/%20/g, '+')}`).toString('base64')}`;
        if (auth !== expected) return json(401, { error: 'invalid_client' });
        const grant = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        if (!grant || grant.redirectUri !== form.get('redirect_uri'))
          return json(400, { error: 'invalid_grant' });
        const verifier = form.get('code_verifier') ?? '';
        if (createHash('sha256').update(verifier).digest('base64url') !== grant.challenge)
          return json(400, { error: 'invalid_grant' });
        const now = Math.floor(Date.now() / 1000);
        const t = provider.tweaks;
        const alg = t.alg ?? 'RS256';
        const key = t.badSignature ? stranger.privateKey : alg === 'ES256' ? ec.privateKey : rsa.privateKey;
        const claims = {
          iss: issuer,
          sub: provider.subject,
          aud: CLIENT_ID,
          iat: now,
          exp: now + 300,
          nonce: grant.nonce,
          preferred_username: provider.username,
          ...t.claims,
        };
        const header = { alg, typ: 'JWT', kid: alg === 'ES256' ? 'ec1' : 'rsa1' };
        json(200, { access_token: 'at', token_type: 'Bearer', id_token: jwt(header, claims, key, alg) });
      });
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(provider, {
    issuer,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

/** A client of the app under test, as createClient (test-app.ts) makes them. */
interface TestClient {
  cookies: Map<string, string>;
  get(path: string): Promise<{ res: Response; text: string }>;
  post(path: string, fields: Record<string, string>): Promise<{ res: Response; text: string }>;
}

/** Clicks "single sign-on" on the login page and follows the provider back to the callback. */
export async function ssoLogin(
  client: TestClient,
  provider: Provider,
): Promise<{ res: Response; text: string }> {
  await client.get('/login');
  const start = await client.post('/login/oidc', {});
  assert.equal(start.res.status, 303, 'the login starts at the provider');
  const atProvider = await fetch(start.res.headers.get('location')!, { redirect: 'manual' });
  const back = new URL(atProvider.headers.get('location')!);
  assert.equal(back.pathname, '/login/oidc/callback', `${provider.issuer} sends the browser back`);
  return client.get(back.pathname + back.search);
}
