import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { freshrssStarredJson, freshrssZip } from '../../migrate-in/export-fixtures.ts';
import { listZip } from '../../reader/migration/zip-archive.ts';
import { createClient, createTestApp } from '../test-app.ts';

const BASE = 'https://feeds.example';
let t: Awaited<ReturnType<typeof createTestApp>>;
let browser: ReturnType<typeof createClient>;

before(async () => {
  t = await createTestApp();
  browser = createClient(t.app);
  await browser.get('/setup');
  const setup = await browser.post('/setup', {
    username: 'alice',
    password: 'password1',
    password2: 'password1',
    code: 'test-setup-code',
  });
  assert.equal(setup.res.status, 303);
});

after(async () => {
  await t?.close();
});

async function upload(name: string, bytes: Uint8Array | string, csrf = browser.csrf) {
  const form = new FormData();
  form.set('_csrf', csrf);
  form.set('file', new File([typeof bytes === 'string' ? bytes : new Uint8Array(bytes)], name));
  const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const res = await t.app.request('http://localhost/subscriptions/import', {
    method: 'POST',
    body: form,
    headers: { cookie, origin: 'http://localhost' },
  });
  return { res, text: await res.text() };
}

test('the subscriptions page imports a FreshRSS ZIP and says what it did', async () => {
  const page = await browser.get('/subscriptions');
  assert.match(
    page.text,
    /<form method="post" action="\/subscriptions\/import" enctype="multipart\/form-data"/,
  );
  const { res, text } = await upload('freshrss_alice_2026-11-20_export.zip', freshrssZip(BASE));
  assert.equal(res.status, 200);
  assert.match(
    text,
    /4 feeds added, 0 already followed, 4 categories\. 4 articles imported \(4 new, 3 favourites\), 1 feeds added for them\./,
  );
  assert.match(
    text,
    /<li>feeds_2026-11-20\.opml\.xml: settings Veille does not use, kept for export: type HTML\+XPath \(1\)<\/li>/,
  );
  for (const title of ['Alpha &amp; Co', 'Beta', 'Scraped', 'Secret', 'Gamma'])
    assert.ok(text.includes(title), title);

  const labels = await browser.get('/labels');
  assert.match(labels.text, /Later/);
  assert.match(labels.text, /Work/);
});

test('a broken file is reported with its line, and the form refuses what it cannot take', async () => {
  const full = freshrssStarredJson(BASE);
  const broken = full.slice(0, full.indexOf('"Gamma one"') + 3);
  const { res, text } = await upload('starred_2026-11-20.json', broken);
  assert.equal(res.status, 400);
  assert.match(text, /role="alert">[^<]*Not everything could be read; what could was imported:/);
  assert.match(
    text,
    new RegExp(
      `<li>starred_2026-11-20\\.json: line ${broken.split('\n').length}, column \\d+: a string starts here and never ends \\(truncated\\?\\); the 3 items before it were read, item 4 and the rest of the file were not</li>`,
    ),
  );
  const empty = await upload('nothing.opml', '');
  assert.equal(empty.res.status, 400);
  assert.match(empty.text, /Choose a file to import\./);
  const forged = await upload('x.opml', '<opml/>', 'not-the-token');
  assert.equal(forged.res.status, 403);
});

test('the exports download under FreshRSS names, and the ZIP holds what FreshRSS exports', async () => {
  const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const get = (format: string) =>
    t.app.request(`http://localhost/subscriptions/export?format=${format}`, { headers: { cookie } });
  const day = new Date().toISOString().slice(0, 10);

  const zip = await get('freshrss-zip');
  assert.equal(zip.status, 200);
  assert.equal(zip.headers.get('content-type'), 'application/zip');
  assert.equal(
    zip.headers.get('content-disposition'),
    `attachment; filename="freshrss_alice_${day}_export.zip"`,
  );
  const files = listZip(new Uint8Array(await zip.arrayBuffer())).files;
  assert.deepEqual(
    files.map((f) => f.name),
    [`feeds_${day}.opml.xml`, `starred_${day}.json`],
  );
  assert.match(files[0]!.read().toString(), /xmlns:frss="https:\/\/freshrss\.org\/opml"/);
  const starred = JSON.parse(files[1]!.read().toString()) as { items: { title: string }[] };
  assert.deepEqual(starred.items.map((i) => i.title).sort(), [
    'Alpha &lt;two&gt;',
    'Alpha one',
    'Beta &amp; one',
    'Gamma one',
  ]);

  const opml = await get('opml');
  assert.equal(opml.headers.get('content-disposition'), `attachment; filename="feeds_${day}.opml.xml"`);
  assert.match(await opml.text(), /<outline text="Tech" title="Tech">/);
  const json = await get('starred-json');
  assert.equal(json.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.equal((JSON.parse(await json.text()) as { items: unknown[] }).items.length, 4);
  assert.equal((await get('tar')).status, 404);
  const anonymous = await t.app.request('http://localhost/subscriptions/export?format=opml');
  assert.notEqual(anonymous.status, 200);
});
