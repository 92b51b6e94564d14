// Routes of the app APIs. Mounted before the session and CSRF middleware: apps authenticate with
// their own tokens (API password), and no handler here ever reads the session cookie, so no
// cookie-authenticated change is reachable through these paths.
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { compress } from 'hono/compress';
import type { AppEnv } from '../app-env.ts';
import { feverApi } from './fever/fever-api.ts';
import { greaderApi } from './greader/greader-api.ts';
import { createJsonApi, JSON_API_BASE } from './json/json-api.ts';

const MAX_BODY = 16 * 1024 * 1024;

export const APP_API_PATHS = [
  '/api/greader.php',
  '/accounts/ClientLogin',
  '/reader/api/0',
  '/api/fever.php',
  '/fever',
];

export function mountAppApis(app: Hono<AppEnv>): void {
  const limits = bodyLimit({ maxSize: MAX_BODY, onError: (c) => c.text('api: body too large', 413) });
  for (const base of [
    '/api/greader.php',
    '/accounts/ClientLogin',
    '/reader/api/0',
    '/api/fever.php',
    '/fever',
  ]) {
    app.use(base, limits, compress());
    app.use(`${base}/*`, limits, compress());
  }
  app.all('/api/greader.php', greaderApi);
  app.all('/api/greader.php/*', greaderApi);
  app.all('/accounts/ClientLogin', greaderApi);
  app.all('/reader/api/0/*', greaderApi);
  app.all('/api/fever.php', feverApi);
  app.all('/fever', feverApi);
  app.all('/fever/', feverApi);
  // Veille's own JSON API (API password, JSON errors, OpenAPI document at /api/v1/openapi.json).
  const jsonLimit = bodyLimit({
    maxSize: 1024 * 1024,
    onError: (c) => c.json({ error: 'the body is larger than 1 MB' }, 413),
  });
  app.use(`${JSON_API_BASE}/*`, jsonLimit, compress());
  app.route(JSON_API_BASE, createJsonApi());
}
