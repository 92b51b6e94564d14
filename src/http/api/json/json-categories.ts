// /api/v1/categories: list (with feed and unread counts), create, rename, delete (its feeds stay
// subscribed, without a category) and mark all as read (as the web UI: important feeds, priority
// 2, keep their unread entries).
import type { Context } from 'hono';
import {
  categoriesForUser,
  categoryById,
  deleteCategory,
  ensureCategory,
  renameCategory,
} from '../../../storage/categories.ts';
import { markStreamRead } from '../../../storage/entry-states.ts';
import { subscriptionsForUser } from '../../../storage/subscriptions.ts';
import { JsonApiError, notFound } from './json-api-error.ts';
import type { JsonEnv } from './json-auth.ts';
import { upToEntryId } from './json-feeds.ts';
import { jsonBody, onlyKeys, pathId, titleField } from './json-input.ts';
import { categoryJson } from './json-views.ts';

type C = Context<JsonEnv>;

const MAX_TITLE = 200;

async function categoryResponse(c: C, id: number, status: 200 | 201 = 200): Promise<Response> {
  const db = c.get('deps').database.db;
  const userId = c.get('apiUser').id;
  const [category, subs] = await Promise.all([
    categoryById(db, userId, id),
    subscriptionsForUser(db, userId),
  ]);
  if (!category) throw notFound('category', id);
  return c.json(categoryJson(category, subs), status);
}

async function existingCategoryId(c: C): Promise<number> {
  const id = pathId(c, 'category_id');
  if (!(await categoryById(c.get('deps').database.db, c.get('apiUser').id, id)))
    throw notFound('category', id);
  return id;
}

export async function listCategories(c: C): Promise<Response> {
  const db = c.get('deps').database.db;
  const userId = c.get('apiUser').id;
  const [categories, subs] = await Promise.all([
    categoriesForUser(db, userId),
    subscriptionsForUser(db, userId),
  ]);
  return c.json(categories.map((cat) => categoryJson(cat, subs)));
}

export async function createCategory(c: C): Promise<Response> {
  const body = await jsonBody(c);
  onlyKeys(body, ['title']);
  const title = titleField(body, 'title', MAX_TITLE);
  const db = c.get('deps').database.db;
  const userId = c.get('apiUser').id;
  if ((await categoriesForUser(db, userId)).some((x) => x.name === title))
    throw new JsonApiError(409, `a category named "${title}" already exists`);
  const category = await ensureCategory(db, userId, title);
  return categoryResponse(c, category.id, 201);
}

export async function updateCategory(c: C): Promise<Response> {
  const id = await existingCategoryId(c);
  const body = await jsonBody(c);
  onlyKeys(body, ['title']);
  const title = titleField(body, 'title', MAX_TITLE);
  if (!(await renameCategory(c.get('deps').database.db, c.get('apiUser').id, id, title)))
    throw new JsonApiError(409, `a category named "${title}" already exists`);
  return categoryResponse(c, id);
}

export async function deleteCategoryRoute(c: C): Promise<Response> {
  const id = await existingCategoryId(c);
  await deleteCategory(c.get('deps').database.db, c.get('apiUser').id, id);
  return c.body(null, 204);
}

export async function markCategoryRead(c: C): Promise<Response> {
  const id = await existingCategoryId(c);
  const upToId = await upToEntryId(c);
  const deps = c.get('deps');
  await markStreamRead(deps.database, {
    userId: c.get('apiUser').id,
    stream: { kind: 'category', id },
    upToId,
    now: deps.now(),
  });
  return c.body(null, 204);
}
