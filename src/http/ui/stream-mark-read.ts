// POST /mark-read — "Mark all as read" up to what the page showed; POST /mark-read/undo.
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { streamFromParam, streamParam } from '../../model/stream.ts';
import { markStreamRead, undoLastMarkRead } from '../../storage/entry-states.ts';
import { backUrl } from './back-url.ts';

export async function streamMarkRead(c: Context<AppEnv>) {
  const deps = c.get('deps');
  const form = await c.req.parseBody();
  const stream = streamFromParam(typeof form.s === 'string' ? form.s : undefined);
  const upTo = typeof form.upTo === 'string' && /^[0-9]{1,16}$/.test(form.upTo) ? Number(form.upTo) : null;
  if (!stream || upTo === null) return c.text('Bad request', 400);
  await markStreamRead(deps.database, { userId: c.get('user')!.id, stream, upToId: upTo, now: deps.now() });
  const state = form.state === 'all' ? '&state=all' : '';
  return c.redirect(`/?s=${streamParam(stream)}${state}&marked=1`, 303);
}

export async function streamUndoMarkRead(c: Context<AppEnv>) {
  const deps = c.get('deps');
  const form = await c.req.parseBody();
  await undoLastMarkRead(deps.database.db, { userId: c.get('user')!.id, now: deps.now() });
  const back = backUrl(form.back);
  return c.redirect(`${back}${back.includes('?') ? '&' : '?'}undone=1`, 303);
}
