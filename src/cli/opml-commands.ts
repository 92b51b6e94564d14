// veille import [--user NAME] FILE — OPML, FreshRSS JSON or ZIP export, Miniflux entries JSON
//   (recognised by content); subscribes without fetching (the next refresh fetches). Progress on a
//   terminal, plain lines otherwise; a broken file is reported with where it breaks, and what was
//   imported before stays. Exit code 1 when something could not be read.
// veille export [--user NAME] [--format opml|freshrss-zip|starred-json] [--output FILE] — what
//   FreshRSS itself would export, on standard output or into FILE.
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Config } from '../config/config.ts';
import { exportFileNames, freshrssZipForUser } from '../migrate-in/export-freshrss-zip.ts';
import { opmlForUser } from '../migrate-in/export-opml-for-user.ts';
import { writeStarredJson } from '../migrate-in/export-starred-json.ts';
import {
  importExportFile,
  type ImportProgressEvent,
  type ImportReport,
} from '../migrate-in/import-export-file.ts';
import { openConfiguredDatabase } from './app-context.ts';
import { CliError, userForCommand } from './user-for-command.ts';

export async function importCommand(config: Config, file: string | undefined, flags: { user?: string }) {
  if (!file)
    throw new CliError('import: give the file to import (OPML, FreshRSS JSON or ZIP, Miniflux JSON)');
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new CliError(`import: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const database = await openConfiguredDatabase(config);
  try {
    const user = await userForCommand(database.db, flags.user);
    const progress = progressPrinter(process.stderr);
    const report = await importExportFile(database.db, {
      userId: user.id,
      bytes,
      fileName: basename(file),
      now: Date.now(),
      onProgress: progress.update,
    });
    progress.end();
    for (const line of reportLines(report, user.username)) console.log(line);
    if (report.problems.length) {
      console.error(report.incomplete ? 'Not everything could be read:' : 'Notes:');
      for (const problem of report.problems) console.error(`  ${problem}`);
    }
    return report.incomplete ? 1 : 0;
  } finally {
    await database.close();
  }
}

/** The summary of an import, in English, one sentence a line. */
export function reportLines(report: ImportReport, username: string): string[] {
  const lines: string[] = [];
  const opml = report.files.some((f) => f.kind === 'opml');
  if (opml) {
    lines.push(
      `Subscriptions of ${username}: ${report.feedsAdded} feed${report.feedsAdded === 1 ? '' : 's'} added` +
        (report.feedsAlready ? `, ${report.feedsAlready} already followed` : '') +
        `, ${report.categories} categor${report.categories === 1 ? 'y' : 'ies'}.`,
    );
  }
  if (report.files.some((f) => f.kind === 'freshrss' || f.kind === 'miniflux')) {
    lines.push(
      `Articles of ${username}: ${report.articles} imported (${report.newEntries} new, ${report.starred} favourites)` +
        (report.feedsForArticles ? `, ${report.feedsForArticles} feed(s) subscribed for them` : '') +
        '.',
    );
  }
  if (lines.length === 0) lines.push(`Nothing was imported for ${username}.`);
  if (report.feedsAdded + report.feedsForArticles > 0)
    lines.push('Run `veille refresh` to fetch the new feeds.');
  return lines;
}

/** A progress line redrawn in place on a terminal; on anything else, a line per file and step. */
function progressPrinter(out: NodeJS.WriteStream): {
  update: (event: ImportProgressEvent) => void;
  end: () => void;
} {
  let last = 0;
  let drawn = false;
  let lastStep = '';
  return {
    update(event) {
      const step = `${event.file} ${event.what}`;
      if (!out.isTTY) {
        if (step !== lastStep) out.write(`${event.file}: importing ${event.total} ${event.what}\n`);
        lastStep = step;
        return;
      }
      const now = Date.now();
      if (event.done !== event.total && step === lastStep && now - last < 100) return;
      last = now;
      lastStep = step;
      const percent = event.total ? Math.floor((event.done * 100) / event.total) : 100;
      out.write(`\r\x1b[K${event.file}: ${event.what} ${event.done}/${event.total} (${percent} %)`);
      drawn = true;
    },
    end() {
      if (drawn) out.write('\n');
    },
  };
}

const FORMATS = ['opml', 'freshrss-zip', 'starred-json'] as const;
type ExportFormat = (typeof FORMATS)[number];

export async function exportCommand(
  config: Config,
  flags: { user?: string; format?: string; output?: string },
) {
  const format = (flags.format ?? 'opml') as ExportFormat;
  if (!FORMATS.includes(format)) throw new CliError(`export: --format is one of ${FORMATS.join(', ')}`);
  if (format === 'freshrss-zip' && !flags.output && process.stdout.isTTY)
    throw new CliError('export: a ZIP is not for a terminal: redirect standard output or give --output FILE');
  const database = await openConfiguredDatabase(config);
  try {
    const user = await userForCommand(database.db, flags.user);
    const now = new Date();
    if (format === 'freshrss-zip') {
      const { fileName, bytes } = await freshrssZipForUser(database.db, user, now);
      await output(flags.output, bytes);
      if (flags.output) console.error(`Wrote ${flags.output} (as FreshRSS names it: ${fileName}).`);
    } else if (format === 'opml') {
      await output(flags.output, await opmlForUser(database.db, user, now));
    } else {
      const chunks: string[] = [];
      const count = await writeStarredJson(database.db, user, (chunk) => {
        if (flags.output) chunks.push(chunk);
        else if (!process.stdout.write(chunk))
          return new Promise((resolve) => process.stdout.once('drain', resolve));
      });
      if (flags.output) await writeFile(flags.output, chunks.join(''));
      if (flags.output)
        console.error(
          `Wrote ${count} articles to ${flags.output} (FreshRSS names it ${exportFileNames(user.username, now).starred}).`,
        );
    }
    return 0;
  } finally {
    await database.close();
  }
}

async function output(file: string | undefined, data: string | Buffer): Promise<void> {
  if (file) await writeFile(file, data);
  else
    await new Promise<void>((resolve, reject) =>
      process.stdout.write(data, (err) => (err ? reject(err) : resolve())),
    );
}
