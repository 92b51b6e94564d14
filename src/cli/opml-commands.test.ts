import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { freshrssStarredJson, freshrssZip } from '../migrate-in/export-fixtures.ts';
import { listZip } from '../reader/migration/zip-archive.ts';

const dir = mkdtempSync(join(tmpdir(), 'veille-import-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const env = { VEILLE_DATA_DIR: dir, VEILLE_LOG_LEVEL: 'silent' };
const BASE = 'https://feeds.example';
const MAIN = new URL('../main.ts', import.meta.url).href;

/** Runs `veille ARGS` in a child process (sources through tsx); its exit code and output. */
function veille(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const code = `const { main } = await import(${JSON.stringify(MAIN)}); process.exitCode = await main(process.argv.slice(1), process.env);`;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', code, ...args],
      { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, out, err) => resolve({ code: error ? Number(error.code ?? 1) : 0, out, err }),
    );
  });
}

test('veille import reads a FreshRSS ZIP, shows progress lines and a summary', async () => {
  assert.equal((await veille('user', 'add', 'alice', '--password', 'password1', '--admin')).code, 0);
  const zip = join(dir, 'freshrss_alice_2026-11-20_export.zip');
  writeFileSync(zip, freshrssZip(BASE));
  const run = await veille('import', zip);
  assert.equal(run.code, 0, run.err);
  assert.equal(
    run.out,
    [
      'Subscriptions of alice: 4 feeds added, 4 categories.',
      'Articles of alice: 4 imported (4 new, 3 favourites), 1 feed(s) subscribed for them.',
      'Run `veille refresh` to fetch the new feeds.',
      '',
    ].join('\n'),
  );
  // Not a terminal: plain lines, one per file and step.
  assert.match(
    run.err,
    /^feeds_2026-11-20\.opml\.xml: importing 4 feeds\nstarred_2026-11-20\.json: importing 4 articles\n/,
  );
  assert.match(
    run.err,
    /Notes:\n {2}feeds_2026-11-20\.opml\.xml: settings Veille does not use, kept for export: type HTML\+XPath \(1\)\n$/,
  );
});

test('veille import of a truncated file: what was read stays, the line is named, exit code 1', async () => {
  const full = freshrssStarredJson(BASE);
  const cut = full.slice(0, full.indexOf('"Beta &amp; one"') + 4);
  const file = join(dir, 'starred_2026-11-20.json');
  writeFileSync(file, cut);
  const run = await veille('import', '--user', 'alice', file);
  assert.equal(run.code, 1);
  assert.match(run.out, /^Articles of alice: 2 imported \(0 new, 1 favourites\)\.\n$/);
  assert.match(
    run.err,
    new RegExp(
      `Not everything could be read:\n {2}starred_2026-11-20\\.json: line ${cut.split('\n').length}, column \\d+: `,
    ),
  );
  const missing = await veille('import', join(dir, 'nope.zip'));
  assert.equal(missing.code, 2);
  assert.match(missing.err, /cannot read .*nope\.zip: ENOENT/);
});

test('veille export writes what FreshRSS exports, in each format', async () => {
  const zipFile = join(dir, 'out.zip');
  const zip = await veille('export', '--format', 'freshrss-zip', '--output', zipFile);
  assert.equal(zip.code, 0, zip.err);
  assert.match(zip.err, /as FreshRSS names it: freshrss_alice_\d{4}-\d\d-\d\d_export\.zip/);
  const { files } = listZip(readFileSync(zipFile));
  assert.deepEqual(
    files.map((f) => f.name.replace(/\d{4}-\d\d-\d\d/, 'DATE')),
    ['feeds_DATE.opml.xml', 'starred_DATE.json'],
  );
  const json = await veille('export', '--format', 'starred-json');
  assert.equal(json.code, 0);
  const starred = JSON.parse(json.out) as { id: string; items: unknown[] };
  assert.equal(starred.id, 'user/alice/state/org.freshrss/starred');
  assert.equal(starred.items.length, 4);
  const opml = await veille('export');
  assert.match(
    opml.out,
    /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<opml version="2\.0" xmlns:frss="https:\/\/freshrss\.org\/opml">/,
  );
  const bad = await veille('export', '--format', 'csv');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--format is one of opml, freshrss-zip, starred-json/);
});
