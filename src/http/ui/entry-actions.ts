// POST /entries/:id/read and /entries/:id/star — toggles from a row. JSON for the client
// bundle (Accept: application/json), a redirect back for plain forms.
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { setEntryRead, setEntryStarred } from '../../storage/entry-states.ts';
import { unreadCountsForUser } from '../../storage/subscriptions.ts';
import { backUrl } from './back-url.ts';

function entryIdParam(c: Context<AppEnv>): number | null {
  const raw = c.req.param('id') ?? '';
  return /^[0-9]{1,16}$/.test(raw) ? Number(raw) : null;
}

async function respond(c: Context<AppEnv>, ok: boolean, body: Record<string, unknown>, back: unknown) {
  const wantsJson = (c.req.header('accept') ?? '').includes('application/json');
  if (!ok) return wantsJson ? c.json({ error: 'not found' }, 404) : c.notFound();
  if (!wantsJson) return c.redirect(backUrl(back), 303);
  const counts = await unreadCountsForUser(c.get('deps').database.db, c.get('user')!.id);
  return c.json({ ...body, unread: Object.fromEntries(counts) });
}

export async function entryToggleRead(c: Context<AppEnv>) {
  const id = entryIdParam(c);
  const form = await c.req.parseBody();
  const read = form.read !== '0';
  const deps = c.get('deps');
  const ok =
    id !== null &&
    (await setEntryRead(deps.database.db, { userId: c.get('user')!.id, entryId: id, read, now: deps.now() }));
  return respond(c, ok, { id, read }, form.back);
}

export async function entryToggleStar(c: Context<AppEnv>) {
  const id = entryIdParam(c);
  const form = await c.req.parseBody();
  const starred = form.starred !== '0';
  const deps = c.get('deps');
  const ok =
    id !== null &&
    (await setEntryStarred(deps.database.db, {
      userId: c.get('user')!.id,
      entryId: id,
      starred,
      now: deps.now(),
    }));
  return respond(c, ok, { id, starred }, form.back);
}
