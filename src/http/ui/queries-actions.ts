// POST /queries (save: from the toolbar's menu or the queries page), /queries/:id (name and
// search), /queries/:id/move, /queries/:id/delete, /queries/:id/share and /unshare. Every id is
// looked up with the user's id: another user's query answers 404. A search that does not parse
// is refused with the parser's message, so a saved query always parses.
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { isSortKey, stateFromParam, streamFromParam } from '../../model/stream.ts';
import { searchQueryOrError } from '../../search/parse-query.ts';
import {
  cleanQueryName,
  createUserQuery,
  deleteUserQuery,
  moveUserQuery,
  setUserQueryShared,
  updateUserQuery,
  userQueryById,
} from '../../storage/user-queries.ts';
import { queriesPage } from './queries-page.tsx';
import { SEARCH_MAX_LENGTH } from './search-query.ts';

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function idParam(c: Context<AppEnv>): number | null {
  const raw = c.req.param('id');
  return raw && /^[0-9]{1,9}$/.test(raw) ? Number(raw) : null;
}

/** The name and search of a form, or the message that refuses them. */
function checked(
  c: Context<AppEnv>,
  form: Record<string, unknown>,
): { name: string; search: string } | string {
  const tr = c.get('tr');
  const name = cleanQueryName(text(form.name));
  if (!name) return tr.t('queries.nameEmpty');
  const search = text(form.search).trim();
  if (search.length > SEARCH_MAX_LENGTH)
    return tr.t('queries.badSearch', { error: `longer than ${SEARCH_MAX_LENGTH} characters` });
  const parsed = searchQueryOrError(search);
  if (!parsed.ok) return tr.t('queries.badSearch', { error: parsed.error.message.replace(/^search: /, '') });
  return { name, search };
}

async function refused(c: Context<AppEnv>, message: string) {
  c.status(400);
  return queriesPage(c, { text: message, error: true });
}

export async function queryCreateAction(c: Context<AppEnv>) {
  const form = await c.req.parseBody();
  const ok = checked(c, form);
  if (typeof ok === 'string') return refused(c, ok);
  const stream = streamFromParam(text(form.s) || undefined);
  if (!stream) return c.text('Bad request', 400);
  const sort = text(form.sort);
  const order = text(form.order);
  const id = await createUserQuery(c.get('deps').database.db, {
    userId: c.get('user')!.id,
    name: ok.name,
    stream,
    search: ok.search,
    state: stateFromParam(text(form.state) || undefined),
    sort: isSortKey(sort) ? sort : null,
    order: order === 'asc' || order === 'desc' ? order : null,
    now: c.get('deps').now(),
  });
  return c.redirect(`/queries?saved=${id}`, 303);
}

export async function queryUpdateAction(c: Context<AppEnv>) {
  const id = idParam(c);
  if (id === null) return c.notFound();
  const form = await c.req.parseBody();
  const ok = checked(c, form);
  const db = c.get('deps').database.db;
  const userId = c.get('user')!.id;
  if (typeof ok === 'string') {
    // Another user's id is "not found" before any message about the form.
    if (!(await userQueryById(db, userId, id))) return c.notFound();
    return refused(c, ok);
  }
  if (!(await updateUserQuery(db, { userId, id, ...ok }))) return c.notFound();
  return c.redirect('/queries?done=updated', 303);
}

export async function queryMoveAction(c: Context<AppEnv>) {
  const id = idParam(c);
  if (id === null) return c.notFound();
  const form = await c.req.parseBody();
  const direction = form.direction === 'up' ? 'up' : form.direction === 'down' ? 'down' : null;
  if (!direction) return c.text('Bad request', 400);
  const moved = await moveUserQuery(c.get('deps').database.db, { userId: c.get('user')!.id, id, direction });
  if (!moved) return c.notFound();
  return c.redirect('/queries', 303);
}

export async function queryDeleteAction(c: Context<AppEnv>) {
  const id = idParam(c);
  if (id === null) return c.notFound();
  if (!(await deleteUserQuery(c.get('deps').database.db, c.get('user')!.id, id))) return c.notFound();
  return c.redirect('/queries?done=deleted', 303);
}

async function setShared(c: Context<AppEnv>, shared: boolean) {
  const id = idParam(c);
  if (id === null) return c.notFound();
  const token = await setUserQueryShared(c.get('deps').database.db, {
    userId: c.get('user')!.id,
    id,
    shared,
  });
  if (token === undefined) return c.notFound();
  return c.redirect(`/queries?done=${shared ? 'shared' : 'unshared'}#query-${id}`, 303);
}

export const queryShareAction = (c: Context<AppEnv>) => setShared(c, true);
export const queryUnshareAction = (c: Context<AppEnv>) => setShared(c, false);
