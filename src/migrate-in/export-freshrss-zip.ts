// The export bundle FreshRSS makes and imports: freshrss_USER_DATE_export.zip holding
// feeds_DATE.opml.xml (subscriptions) and starred_DATE.json (favourite and labelled articles).
import type { Kysely } from 'kysely';
import { writeZip } from '../reader/migration/zip-archive.ts';
import type { Schema } from '../storage/schema.ts';
import { opmlForUser } from './export-opml-for-user.ts';
import { starredJsonForUser } from './export-starred-json.ts';

/** The names FreshRSS gives its export files, for a user and a day (YYYY-MM-DD, UTC). */
export function exportFileNames(username: string, now: Date) {
  const day = now.toISOString().slice(0, 10);
  const safe = username.replace(/[^\w.@-]/g, '_');
  return {
    zip: `freshrss_${safe}_${day}_export.zip`,
    opml: `feeds_${day}.opml.xml`,
    starred: `starred_${day}.json`,
  };
}

export async function freshrssZipForUser(
  db: Kysely<Schema>,
  user: { id: number; username: string },
  now: Date,
): Promise<{ fileName: string; bytes: Buffer }> {
  const names = exportFileNames(user.username, now);
  const [opml, starred] = await Promise.all([opmlForUser(db, user, now), starredJsonForUser(db, user)]);
  const bytes = writeZip(
    [
      { name: names.opml, data: Buffer.from(opml, 'utf8') },
      { name: names.starred, data: Buffer.from(starred, 'utf8') },
    ],
    now,
  );
  return { fileName: names.zip, bytes };
}
