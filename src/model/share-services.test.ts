import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEFAULT_SHARE_SERVICES,
  shareHref,
  shareServicesFrom,
  validShareService,
  type ShareService,
} from './share-services.ts';

const LINK = 'https://news.example/a?id=1&x=é';
const TITLE = 'Café & co ~TITLE~';

test('instance services need an http(s) address and build their share link from it', () => {
  const r = validShareService({ type: 'mastodon', url: 'https://mastodon.example/' });
  assert.ok(r.ok);
  assert.deepEqual(r.service, { type: 'mastodon', name: '', url: 'https://mastodon.example' });
  assert.equal(
    shareHref(r.service, LINK, TITLE),
    `https://mastodon.example/share?text=${encodeURIComponent(TITLE)}%20${encodeURIComponent(LINK)}`,
  );
  assert.deepEqual(validShareService({ type: 'mastodon', url: '' }), { ok: false, error: 'needsUrl' });
  assert.deepEqual(validShareService({ type: 'wallabag', url: 'ftp://w.example' }), {
    ok: false,
    error: 'url',
  });
});

test('javascript:, data: and other non-http templates are refused', () => {
  for (const url of [
    'javascript:alert(1)//~LINK~',
    'JaVaScRiPt:alert(1)',
    ' javascript:alert(document.cookie)',
    'data:text/html,<script>alert(1)</script>~LINK~',
    '~LINK~',
    '//evil.example/~LINK~',
    'vbscript:msgbox(1)',
  ]) {
    const r = validShareService({ type: 'custom', url });
    assert.equal(r.ok, false, url);
  }
  assert.deepEqual(validShareService({ type: 'custom', url: 'https://save.example/?t=~TITLE~' }), {
    ok: false,
    error: 'template',
  });
  assert.deepEqual(validShareService({ type: 'nope' }), { ok: false, error: 'type' });
});

test('custom templates fill ~LINK~ and ~TITLE~ once, URL-encoded', () => {
  const r = validShareService({
    type: 'custom',
    name: 'Later',
    url: 'https://save.example/add?u=~LINK~&t=~TITLE~',
  });
  assert.ok(r.ok);
  assert.equal(
    shareHref(r.service, LINK, TITLE),
    `https://save.example/add?u=${encodeURIComponent(LINK)}&t=${encodeURIComponent(TITLE)}`,
  );
});

test('stored lists drop what is invalid; a missing list is the default one; [] stays empty', () => {
  const stored = [
    { type: 'custom', name: 'x', url: 'javascript:alert(1)~LINK~' },
    { type: 'telegram', name: '', url: 'ignored' },
    'junk',
  ];
  assert.deepEqual(shareServicesFrom(stored), [{ type: 'telegram', name: '', url: '' }]);
  assert.deepEqual(shareServicesFrom(undefined), DEFAULT_SHARE_SERVICES);
  assert.deepEqual(shareServicesFrom([]), []);
  // Even a list that bypassed validation never yields a non-http link.
  const forged: ShareService = { type: 'custom', name: '', url: 'javascript:alert(1)' };
  assert.equal(shareHref(forged, LINK, TITLE), null);
  assert.equal(shareHref({ type: 'clipboard', name: '', url: '' }, LINK, TITLE), null);
});
