// The "Import and export" section of the subscriptions page: POST /subscriptions/import (a file)
// and POST /subscriptions/import-url (a file at an address) take the files `veille import` takes
// (OPML, FreshRSS JSON or ZIP, Miniflux entries JSON) and show what was imported and what could
// not be read; GET /subscriptions/export?format=… downloads what
// FreshRSS itself would export, under the names FreshRSS gives its files.
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import type { Translator } from '../../i18n/i18n.ts';
import { exportFileNames, freshrssZipForUser } from '../../migrate-in/export-freshrss-zip.ts';
import { opmlForUser } from '../../migrate-in/export-opml-for-user.ts';
import { writeStarredJson } from '../../migrate-in/export-starred-json.ts';
import { importExportFile, type ImportReport } from '../../migrate-in/import-export-file.ts';
import { CsrfField } from '../views/layout.tsx';
import { opmlUrlFromForm } from './category-opml.tsx';
import { subscriptionsPage } from './subscriptions-page.tsx';

/** Largest file the form accepts. */
export const IMPORT_MAX_BYTES = 64 * 1024 * 1024;

export function ImportExportSection(props: { tr: Translator; csrf: string }) {
  const { tr } = props;
  return (
    <section id="import-export">
      <h2>{tr.t('transfer.title')}</h2>
      <form method="post" action="/subscriptions/import" enctype="multipart/form-data" class="stack">
        <CsrfField token={props.csrf} />
        <label>
          {tr.t('transfer.file')}
          <input type="file" name="file" required accept=".opml,.xml,.json,.zip,.txt" />
        </label>
        <button type="submit">{tr.t('transfer.import')}</button>
      </form>
      <form method="post" action="/subscriptions/import-url" class="stack">
        <CsrfField token={props.csrf} />
        <label>
          {tr.t('transfer.url')}
          <input
            type="text"
            name="url"
            required
            inputmode="url"
            autocomplete="off"
            maxlength={2000}
            placeholder="https://example.org/subscriptions.opml"
          />
        </label>
        <button type="submit">{tr.t('transfer.importUrl')}</button>
      </form>
      <p>{tr.t('transfer.export')}:</p>
      <ul>
        <li>
          <a href="/subscriptions/export?format=opml" download>
            {tr.t('transfer.exportOpml')}
          </a>
        </li>
        <li>
          <a href="/subscriptions/export?format=freshrss-zip" download>
            {tr.t('transfer.exportZip')}
          </a>
        </li>
        <li>
          <a href="/subscriptions/export?format=starred-json" download>
            {tr.t('transfer.exportStarred')}
          </a>
        </li>
      </ul>
    </section>
  );
}

export async function subscriptionsImportAction(c: Context<AppEnv>) {
  const tr = c.get('tr');
  const form = await c.req.parseBody();
  const file = form.file;
  if (!(file instanceof File) || file.size === 0)
    return subscriptionsPage(c, { kind: 'error', text: tr.t('transfer.noFile') }, 400);
  if (file.size > IMPORT_MAX_BYTES) {
    const max = String(IMPORT_MAX_BYTES / 1024 / 1024);
    return subscriptionsPage(c, { kind: 'error', text: tr.t('transfer.tooLarge', { max }) }, 400);
  }
  const deps = c.get('deps');
  const report = await importExportFile(deps.database.db, {
    userId: c.get('user')!.id,
    bytes: new Uint8Array(await file.arrayBuffer()),
    fileName: file.name || 'upload',
    now: deps.now(),
  });
  return importReportPage(c, report);
}

/**
 * POST /subscriptions/import-url: the same import, of a file fetched from an address through the
 * feed fetcher (SSRF guard on every redirect hop, timeouts, at most IMPORT_MAX_BYTES).
 */
export async function subscriptionsImportUrlAction(c: Context<AppEnv>) {
  const tr = c.get('tr');
  const form = await c.req.parseBody();
  const url = opmlUrlFromForm(typeof form.url === 'string' ? form.url : '');
  if (!url) return subscriptionsPage(c, { kind: 'error', text: tr.t('transfer.invalidUrl') }, 400);
  const deps = c.get('deps');
  const fetched = await deps.fetcher.fetch({
    url,
    accept: 'text/x-opml, application/xml;q=0.9, text/xml;q=0.9, application/zip;q=0.8, */*;q=0.5',
    maxBodyBytes: IMPORT_MAX_BYTES,
  });
  if (fetched.kind !== 'ok') {
    const reason = fetched.kind === 'error' ? fetched.message : 'fetch: unexpected 304 Not Modified';
    return subscriptionsPage(c, { kind: 'error', text: tr.t('transfer.fetchFailed', { reason }) }, 400);
  }
  const path = new URL(fetched.finalUrl).pathname;
  const report = await importExportFile(deps.database.db, {
    userId: c.get('user')!.id,
    bytes: fetched.body,
    fileName: decodeURIComponent(path.slice(path.lastIndexOf('/') + 1)) || new URL(fetched.finalUrl).hostname,
    now: deps.now(),
  });
  return importReportPage(c, report);
}

function importReportPage(c: Context<AppEnv>, report: ImportReport) {
  const tr = c.get('tr');
  const lines: string[] = [];
  if (report.files.some((f) => f.kind === 'opml')) {
    lines.push(
      tr.t('transfer.feeds', {
        added: report.feedsAdded,
        already: report.feedsAlready,
        categories: report.categories,
      }),
    );
  }
  if (report.files.some((f) => f.kind === 'freshrss' || f.kind === 'miniflux')) {
    lines.push(
      tr.t('transfer.articles', {
        articles: report.articles,
        fresh: report.newEntries,
        starred: report.starred,
        feeds: report.feedsForArticles,
      }),
    );
  }
  if (lines.length === 0) lines.push(tr.t('transfer.nothing'));
  if (report.problems.length)
    lines.push(report.incomplete ? tr.t('transfer.incomplete') : tr.t('transfer.notes'));
  return subscriptionsPage(
    c,
    { kind: report.incomplete ? 'error' : 'ok', text: lines.join(' '), details: report.problems },
    report.incomplete ? 400 : 200,
  );
}

export async function subscriptionsExportRoute(c: Context<AppEnv>) {
  const deps = c.get('deps');
  const user = c.get('user')!;
  const now = new Date(deps.now());
  const names = exportFileNames(user.username, now);
  const attachment = (name: string) => `attachment; filename="${name}"`;
  const headers = { 'cache-control': 'no-store' };
  switch (c.req.query('format') ?? 'opml') {
    case 'opml':
      return c.body(await opmlForUser(deps.database.db, user, now), 200, {
        ...headers,
        'content-type': 'application/xml; charset=utf-8',
        'content-disposition': attachment(names.opml),
      });
    case 'freshrss-zip': {
      const { fileName, bytes } = await freshrssZipForUser(deps.database.db, user, now);
      return c.body(new Uint8Array(bytes), 200, {
        ...headers,
        'content-type': 'application/zip',
        'content-disposition': attachment(fileName),
      });
    }
    case 'starred-json': {
      const chunks: string[] = [];
      await writeStarredJson(deps.database.db, user, (chunk) => {
        chunks.push(chunk);
      });
      return c.body(chunks.join(''), 200, {
        ...headers,
        'content-type': 'application/json; charset=utf-8',
        'content-disposition': attachment(names.starred),
      });
    }
    default:
      return c.notFound();
  }
}
