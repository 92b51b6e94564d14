// Verification of an OpenID Connect id_token (a JWS in compact form) with node:crypto: the
// signature against the provider's JWKS (RS256 or ES256 only; "none" and HMAC are refused), then
// the claims iss, aud (and azp), exp, iat and nonce.
import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import { constantTimeEqual } from '../../lib/constant-time-equal.ts';

export class OidcError extends Error {}

export interface IdTokenClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  nonce?: string;
  azp?: string;
  preferred_username?: string;
  email?: string;
  name?: string;
}

export interface IdTokenExpectations {
  issuer: string;
  clientId: string;
  nonce: string;
  /** Milliseconds since the epoch. */
  now: number;
  /** Accepted clock difference with the provider, in seconds. */
  skewSeconds?: number;
}

type Jwk = JsonWebKey & { kid?: string; use?: string; alg?: string; kty?: string };

function decodeJson(part: string, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new OidcError(`oidc: the id_token ${what} is not a JSON object`);
}

/** The key of the JWKS that signed the token: by `kid`, or the only key of the right type. */
function signingKey(jwks: readonly Jwk[], kid: string | undefined, kty: 'RSA' | 'EC'): Jwk {
  const usable = jwks.filter((k) => k.kty === kty && (k.use === undefined || k.use === 'sig'));
  const key =
    kid !== undefined ? usable.find((k) => k.kid === kid) : usable.length === 1 ? usable[0] : undefined;
  if (!key) throw new OidcError(`oidc: no key of the provider matches the id_token (kid ${kid ?? 'none'})`);
  return key;
}

/** Checks the id_token and returns its claims; throws OidcError ("oidc: …") when anything is wrong. */
export function verifyIdToken(
  token: string,
  jwks: readonly Jwk[],
  expect: IdTokenExpectations,
): IdTokenClaims {
  const parts = token.split('.');
  if (parts.length !== 3) throw new OidcError('oidc: the id_token is not a signed JWT');
  const [headerPart = '', payloadPart = '', signaturePart = ''] = parts;
  const header = decodeJson(headerPart, 'header');
  const alg = header.alg;
  if (alg !== 'RS256' && alg !== 'ES256')
    throw new OidcError(`oidc: id_token algorithm ${String(alg)} is not accepted (RS256 or ES256)`);
  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  const jwk = signingKey(jwks, kid, alg === 'RS256' ? 'RSA' : 'EC');
  let publicKey;
  try {
    publicKey = createPublicKey({ key: jwk, format: 'jwk' });
  } catch {
    throw new OidcError('oidc: the provider published an unusable key');
  }
  const signed = Buffer.from(`${headerPart}.${payloadPart}`);
  const signature = Buffer.from(signaturePart, 'base64url');
  const valid =
    alg === 'RS256'
      ? verify('sha256', signed, publicKey, signature)
      : verify('sha256', signed, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature);
  if (!valid) throw new OidcError('oidc: the id_token signature is invalid');

  const claims = decodeJson(payloadPart, 'payload');
  const skew = expect.skewSeconds ?? 60;
  const nowSeconds = expect.now / 1000;
  if (claims.iss !== expect.issuer)
    throw new OidcError(`oidc: the id_token comes from ${String(claims.iss)}, not ${expect.issuer}`);
  const aud = claims.aud;
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  if (!audiences.includes(expect.clientId))
    throw new OidcError('oidc: the id_token was issued for another client (aud)');
  if (audiences.length > 1 && claims.azp !== expect.clientId)
    throw new OidcError('oidc: the id_token was issued for another client (azp)');
  if (typeof claims.exp !== 'number' || claims.exp + skew < nowSeconds)
    throw new OidcError('oidc: the id_token has expired');
  if (typeof claims.iat !== 'number' || claims.iat - skew > nowSeconds)
    throw new OidcError('oidc: the id_token is issued in the future');
  if (typeof claims.nonce !== 'string' || !constantTimeEqual(claims.nonce, expect.nonce))
    throw new OidcError('oidc: the id_token nonce does not match this login');
  if (typeof claims.sub !== 'string' || !claims.sub || claims.sub.length > 255)
    throw new OidcError('oidc: the id_token has no subject');
  return claims as unknown as IdTokenClaims;
}
