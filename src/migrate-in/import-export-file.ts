// `veille import FILE` and the import form: any export file Veille reads (OPML, FreshRSS JSON or
// ZIP, Miniflux entries JSON) into a user's account. Subscriptions first, then articles, one file of
// a bundle at a time; each batch is committed as it goes, so when a file turns out broken what
// was imported before the fault stays, and the report says where the fault is.
import type { Kysely } from 'kysely';
import { readExportFile, type ExportFile } from '../reader/migration/read-export-file.ts';
import { ZipError } from '../reader/migration/zip-archive.ts';
import type { Schema } from '../storage/schema.ts';
import { importArticles } from './import-articles.ts';
import { importOpmlDocument } from './import-opml-document.ts';

export interface ImportReport {
  /** The files read, with what each was. */
  files: { name: string; kind: 'opml' | 'freshrss' | 'miniflux' | 'unknown' }[];
  feedsAdded: number;
  feedsAlready: number;
  categories: number;
  articles: number;
  newEntries: number;
  starred: number;
  /** Feeds subscribed to because imported articles came from them. */
  feedsForArticles: number;
  /** What could not be read or used, each saying where and what. */
  problems: string[];
  /** True when something could not be read (a broken or unknown file, an entry of a ZIP left out). */
  incomplete: boolean;
}

export interface ImportProgressEvent {
  file: string;
  what: 'feeds' | 'articles';
  done: number;
  total: number;
}

export async function importExportFile(
  db: Kysely<Schema>,
  input: {
    userId: number;
    bytes: Uint8Array;
    fileName: string;
    now: number;
    onProgress?: (event: ImportProgressEvent) => void;
  },
): Promise<ImportReport> {
  const report: ImportReport = {
    files: [],
    feedsAdded: 0,
    feedsAlready: 0,
    categories: 0,
    articles: 0,
    newEntries: 0,
    starred: 0,
    feedsForArticles: 0,
    problems: [],
    incomplete: false,
  };
  let file: ExportFile;
  try {
    file = readExportFile(input.bytes, input.fileName);
  } catch (err) {
    if (!(err instanceof ZipError)) throw err;
    report.problems.push(`${input.fileName}: ${err.message}`);
    report.incomplete = true;
    return report;
  }
  report.problems.push(...file.problems.map((p) => `${input.fileName}: ${p}`));
  if (file.problems.length) report.incomplete = true;
  for (const part of file.parts) {
    let content;
    try {
      content = part.load();
    } catch (err) {
      if (!(err instanceof ZipError)) throw err;
      report.files.push({ name: part.name, kind: 'unknown' });
      report.problems.push(`${input.fileName}: ${err.message}`);
      report.incomplete = true;
      continue;
    }
    if (content.kind === 'unknown') {
      report.files.push({ name: part.name, kind: 'unknown' });
      report.problems.push(content.problem);
      report.incomplete = true;
      continue;
    }
    if (content.kind === 'opml') {
      report.files.push({ name: part.name, kind: 'opml' });
      report.problems.push(...content.warnings);
      const r = await importOpmlDocument(db, {
        userId: input.userId,
        doc: content.doc,
        fileName: part.name,
        now: input.now,
        onProgress: (done, total) => input.onProgress?.({ file: part.name, what: 'feeds', done, total }),
      });
      report.feedsAdded += r.added;
      report.feedsAlready += r.already;
      report.categories += r.categories;
      report.problems.push(...r.problems);
      continue;
    }
    report.files.push({ name: part.name, kind: content.format === 'miniflux' ? 'miniflux' : 'freshrss' });
    report.problems.push(...content.articles.problems);
    if (content.articles.broken) report.incomplete = true;
    const r = await importArticles(db, {
      userId: input.userId,
      articles: content.articles.articles,
      fileName: part.name,
      now: input.now,
      onProgress: (done, total) => input.onProgress?.({ file: part.name, what: 'articles', done, total }),
    });
    report.articles += r.articles;
    report.newEntries += r.newEntries;
    report.starred += r.starred;
    report.feedsForArticles += r.subscribed;
    report.problems.push(...r.problems);
  }
  return report;
}
