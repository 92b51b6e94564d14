// A user's categories.
import type { Kysely } from 'kysely';
import type { Category, Schema } from './schema.ts';

export async function categoriesForUser(db: Kysely<Schema>, userId: number): Promise<Category[]> {
  return db
    .selectFrom('categories')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('position')
    .orderBy('name')
    .execute();
}

export async function categoryById(
  db: Kysely<Schema>,
  userId: number,
  id: number,
): Promise<Category | undefined> {
  return db
    .selectFrom('categories')
    .selectAll()
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Returns the category with that name, creating it if needed. */
export async function ensureCategory(db: Kysely<Schema>, userId: number, name: string): Promise<Category> {
  const existing = await db
    .selectFrom('categories')
    .selectAll()
    .where('user_id', '=', userId)
    .where('name', '=', name)
    .executeTakeFirst();
  if (existing) return existing;
  const position = await db
    .selectFrom('categories')
    .select((eb) => eb.fn.max('position').as('p'))
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return db
    .insertInto('categories')
    .values({ user_id: userId, name, position: Number(position?.p ?? 0) + 1 })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function renameCategory(
  db: Kysely<Schema>,
  userId: number,
  id: number,
  name: string,
): Promise<boolean> {
  const clash = await db
    .selectFrom('categories')
    .select('id')
    .where('user_id', '=', userId)
    .where('name', '=', name)
    .where('id', '!=', id)
    .executeTakeFirst();
  if (clash) return false;
  const r = await db
    .updateTable('categories')
    .set({ name })
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Deletes a category; its feeds stay subscribed, without a category. */
export async function deleteCategory(db: Kysely<Schema>, userId: number, id: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('subscriptions')
      .set({ category_id: null, opml_managed: 0 })
      .where('user_id', '=', userId)
      .where('category_id', '=', id)
      .execute();
    await trx.deleteFrom('categories').where('user_id', '=', userId).where('id', '=', id).execute();
  });
}
