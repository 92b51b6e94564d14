// The attributes of imported OPML outlines that Veille keeps without using them (FreshRSS's
// frss:* settings…): a JSON object on the subscription or the category, written back on export.
import type { Kysely } from 'kysely';
import type { Schema } from './schema.ts';

export type ImportExtras = Record<string, string>;

export function parseImportExtras(json: string | null): ImportExtras {
  if (!json) return {};
  try {
    const value = JSON.parse(json) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
    return Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === 'string')) as ImportExtras;
  } catch {
    return {};
  }
}

function serialized(extras: ImportExtras): string | null {
  return Object.keys(extras).length ? JSON.stringify(extras) : null;
}

export async function setSubscriptionImportExtras(
  db: Kysely<Schema>,
  input: { userId: number; feedId: number; extras: ImportExtras },
): Promise<void> {
  await db
    .updateTable('subscriptions')
    .set({ import_extras: serialized(input.extras) })
    .where('user_id', '=', input.userId)
    .where('feed_id', '=', input.feedId)
    .execute();
}

export async function setCategoryImportExtras(
  db: Kysely<Schema>,
  input: { userId: number; categoryId: number; extras: ImportExtras },
): Promise<void> {
  await db
    .updateTable('categories')
    .set({ import_extras: serialized(input.extras) })
    .where('user_id', '=', input.userId)
    .where('id', '=', input.categoryId)
    .execute();
}
