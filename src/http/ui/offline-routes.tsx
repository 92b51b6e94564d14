// Install and offline reading: GET /manifest.webmanifest (the web app manifest), GET /sw.js (the
// service worker, served from the root so that its scope is the whole site) and GET /offline
// (what the service worker shows for a page it never saw, when the network is gone).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { Layout } from '../views/layout.tsx';

// public/ seen from the sources (src/http/ui/) or from the bundle (dist/).
const PUBLIC_DIR =
  ['../public/', '../../public/', '../../../public/']
    .map((rel) => fileURLToPath(new URL(rel, import.meta.url)))
    .find((dir) => existsSync(join(dir, 'sw.js'))) ??
  fileURLToPath(new URL('../../../public/', import.meta.url));

export async function serviceWorkerRoute(c: Context<AppEnv>) {
  try {
    const body = await readFile(join(PUBLIC_DIR, 'sw.js'));
    return c.body(body, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'no-cache',
      'service-worker-allowed': '/',
    });
  } catch {
    return c.notFound();
  }
}

export function manifestRoute(c: Context<AppEnv>) {
  const tr = c.get('tr');
  return c.json(
    {
      name: 'Veille',
      short_name: 'Veille',
      description: tr.t('pwa.description'),
      lang: tr.lang,
      start_url: '/',
      scope: '/',
      display: 'standalone',
      background_color: '#ffffff',
      theme_color: '#0b5cad',
      icons: [{ src: '/static/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
    },
    200,
    { 'content-type': 'application/manifest+json; charset=utf-8' },
  );
}

export function offlinePage(c: Context<AppEnv>) {
  const tr = c.get('tr');
  return c.html(
    <Layout tr={tr} title={tr.t('offline.title')} csrfToken="" user={null}>
      <h1>{tr.t('offline.title')}</h1>
      <p class="offline-text">{tr.t('offline.text')}</p>
      <p>
        <a href="/">{tr.t('offline.retry')}</a>
      </p>
    </Layout>,
  );
}
