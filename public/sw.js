/* global self, caches, fetch, Response */
// Veille's service worker: the last stream pages a user loaded stay readable offline.
// Pages are fetched from the network first; a copy of each successful stream page is kept (the
// newest PAGE_LIMIT), and when the network is gone the copy, or the newest copy, or /offline
// is shown. Static files are cached at install. Only GET requests of this origin are handled.
const VERSION = 'veille-v1';
const STATIC_CACHE = VERSION + '-static';
const PAGE_CACHE = VERSION + '-pages';
const PAGE_LIMIT = 20;
const STATIC_FILES = ['/static/style.css', '/static/app.js', '/static/icon.svg', '/offline'];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(STATIC_CACHE)
      .then((cache) => cache.addAll(STATIC_FILES))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => !k.startsWith(VERSION)).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

async function trimPages(cache) {
  const keys = await cache.keys();
  for (const key of keys.slice(0, Math.max(0, keys.length - PAGE_LIMIT))) await cache.delete(key);
}

async function pageFromNetwork(request) {
  const cache = await caches.open(PAGE_CACHE);
  try {
    const response = await fetch(request);
    const type = response.headers.get('content-type') || '';
    const url = new URL(request.url);
    if (response.ok && type.includes('text/html') && url.pathname === '/') {
      await cache.delete(request);
      await cache.put(request, response.clone());
      await trimPages(cache);
    }
    return response;
  } catch (err) {
    const same = await cache.match(request);
    if (same) return same;
    const keys = await cache.keys();
    const newest = keys[keys.length - 1];
    if (newest) {
      const copy = await cache.match(newest);
      if (copy) return copy;
    }
    const offline = await caches.match('/offline');
    if (offline) return offline;
    throw err;
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    event.respondWith(pageFromNetwork(request));
    return;
  }
  if (url.pathname.startsWith('/static/')) {
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone();
            caches.open(STATIC_CACHE).then((cache) => cache.put(request, copy));
          }
          return response;
        })
        .catch(() => caches.match(request).then((hit) => hit || Response.error())),
    );
  }
});
