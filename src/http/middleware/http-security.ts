// Per-app security state, created once by createServer and reached through the context: the
// login rate limiter and the trusted-proxy list. Nothing here is module-level.
import type { BlockList } from 'node:net';
import type { MiddlewareHandler } from 'hono';
import type { Config } from '../../config/config.ts';
import type { AppEnv } from '../app-env.ts';
import { clientIp, trustedProxyList } from './client-address.ts';
import { createLoginRateLimiter, type LoginRateLimiter } from './login-rate-limit.ts';

export interface HttpSecurity {
  loginLimiter: LoginRateLimiter;
  trustedProxies: BlockList;
}

export function createHttpSecurity(config: Config): HttpSecurity {
  return {
    loginLimiter: createLoginRateLimiter({ maxFailures: config.loginMaxFailures, windowMs: 60_000 }),
    trustedProxies: trustedProxyList(config.trustedProxies),
  };
}

/** Sets `security` and `clientIp` for the request. */
export function httpSecurityMiddleware(security: HttpSecurity): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('security', security);
    c.set('clientIp', clientIp(c, security.trustedProxies));
    await next();
  };
}
