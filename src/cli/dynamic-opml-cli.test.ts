// `veille import` of an OPML whose folder has frss:opmlUrl makes it a dynamic category (nothing
// fetched yet), `veille export` writes the attribute back, and a `veille worker` process checks
// the category in its maintenance round: the real commands, a real SQLite file, a loopback server.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openDatabase, type Database } from '../storage/database.ts';

const dir = mkdtempSync(join(tmpdir(), 'veille-dynamic-opml-cli-'));
const env = { VEILLE_DATA_DIR: dir, VEILLE_LOG_LEVEL: 'silent', VEILLE_FETCH_ALLOW_NETWORKS: '127.0.0.0/8' };
const MAIN = new URL('../main.ts', import.meta.url).href;
const CODE = `const { main } = await import(${JSON.stringify(MAIN)}); process.exitCode = await main(process.argv.slice(1), process.env);`;
let hits = 0;
const server = createServer((req, res) => {
  if (req.url === '/list.opml') {
    hits++;
    return res
      .writeHead(200, { 'content-type': 'text/x-opml' })
      .end(
        `<?xml version="1.0"?><opml version="2.0"><body><outline text="Remote" xmlUrl="${base}/remote.xml"/></body></opml>`,
      );
  }
  res.writeHead(404).end();
});
let base = '';

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function veille(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', CODE, ...args],
      { env: { ...process.env, ...env } },
      (error, out, err) => resolve({ code: error ? Number(error.code ?? 1) : 0, out, err }),
    );
  });
}

async function withDatabase<T>(body: (database: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase(`sqlite:${join(dir, 'veille.sqlite')}`);
  try {
    return await body(database);
  } finally {
    await database.close();
  }
}

test('veille import: a frss:opmlUrl folder becomes a dynamic category; veille export writes it back', async () => {
  assert.equal((await veille('user', 'add', 'alice', '--password', 'password1')).code, 0);
  const file = join(dir, 'feeds.opml');
  writeFileSync(
    file,
    `<?xml version="1.0"?><opml version="2.0" xmlns:frss="https://freshrss.org/opml"><body>` +
      `<outline text="Planet" frss:opmlUrl="${base}/list.opml"><outline text="Old" xmlUrl="${base}/old.xml"/></outline>` +
      `</body></opml>`,
  );
  const run = await veille('import', file);
  assert.equal(run.code, 0, run.err);
  assert.equal(hits, 0, 'an import fetches nothing');
  const category = await withDatabase((d) =>
    d.db.selectFrom('categories').selectAll().where('name', '=', 'Planet').executeTakeFirstOrThrow(),
  );
  assert.equal(category.opml_url, `${base}/list.opml`);
  assert.equal(category.import_extras, null, 'not kept verbatim any more: Veille uses it');
  const exported = await veille('export');
  assert.equal(exported.code, 0, exported.err);
  assert.ok(exported.out.includes(`<outline text="Planet" title="Planet" frss:opmlUrl="${base}/list.opml">`));
});

test('veille worker checks the due dynamic category: the OPML replaces the imported list', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CODE, 'worker'], {
    env: { ...process.env, ...env },
    stdio: 'ignore',
  });
  try {
    let checkedAt: number | null = null;
    for (let i = 0; i < 300 && checkedAt === null; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      checkedAt = await withDatabase(async (d) => {
        const row = await d.db
          .selectFrom('categories')
          .select('opml_checked_at')
          .where('name', '=', 'Planet')
          .executeTakeFirstOrThrow();
        return row.opml_checked_at;
      });
    }
    assert.notEqual(checkedAt, null, 'the worker checked the category');
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  assert.equal(hits, 1);
  const urls = await withDatabase(async (d) =>
    (
      await d.db
        .selectFrom('subscriptions as s')
        .innerJoin('feeds as f', 'f.id', 's.feed_id')
        .innerJoin('categories as c', 'c.id', 's.category_id')
        .select('f.url')
        .where('c.name', '=', 'Planet')
        .execute()
    ).map((r) => r.url),
  );
  assert.deepEqual(urls, [`${base}/remote.xml`]);
});

test('veille refresh (the cron way) checks due dynamic categories first', async () => {
  await withDatabase((d) =>
    d.db.updateTable('categories').set({ opml_next_check_at: 0 }).where('name', '=', 'Planet').execute(),
  );
  const before = hits;
  const run = await veille('refresh', '--json');
  assert.equal(run.code, 0, run.err);
  assert.equal(hits, before + 1);
  assert.equal(typeof (JSON.parse(run.out) as { feeds: number }).feeds, 'number');
});
