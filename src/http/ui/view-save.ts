// POST /view — the toolbar's view switch (normal / global / reading, keys 1 2 3) and sort form:
// what the user picks becomes their default, then back to the stream.
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { isViewMode, type ReadingSettings } from '../../model/reading-settings.ts';
import { isSortKey } from '../../model/stream.ts';
import { saveReadingSettings } from '../../storage/reading-settings.ts';
import { backUrl } from './back-url.ts';

export async function viewSave(c: Context<AppEnv>) {
  const form = await c.req.parseBody();
  const changes: Partial<ReadingSettings> = {};
  if (isViewMode(form.view)) changes.view = form.view;
  if (isSortKey(form.sort)) changes.sort = form.sort;
  if (form.order === 'asc' || form.order === 'desc') changes.order = form.order;
  await saveReadingSettings(c.get('deps').database.db, c.get('user')!.id, changes);
  // The stream without the view / sort of the old URL, so the new default shows.
  const back = backUrl(form.back).replace(/[?&](view|sort|order|after|max)=[^&]*/g, (m) =>
    m[0] === '?' ? '?' : '',
  );
  return c.redirect(back.replace(/\?&/, '?').replace(/\?$/, ''), 303);
}
