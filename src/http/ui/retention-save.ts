// POST /retention — saves the retention policy of one of the user's feeds, categories, or all
// of the user's feeds. A scope the user does not own is not found.
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import type { PartialPolicy } from '../../model/retention.ts';
import { categoryById } from '../../storage/categories.ts';
import { setRetentionPolicy } from '../../storage/retention.ts';
import { subscriptionForFeed } from '../../storage/subscriptions.ts';
import { backUrl } from './back-url.ts';

function count(value: unknown): number | null | 'invalid' {
  if (typeof value !== 'string' || value.trim() === '') return null;
  return /^[0-9]{1,7}$/.test(value.trim()) ? Number(value.trim()) : 'invalid';
}

export async function retentionSave(c: Context<AppEnv>) {
  const form = await c.req.parseBody();
  const db = c.get('deps').database.db;
  const user = c.get('user')!;
  const scope = form.scope;
  const scopeId =
    typeof form.scopeId === 'string' && /^[0-9]{1,10}$/.test(form.scopeId) ? Number(form.scopeId) : null;
  if (scope === 'feed') {
    if (scopeId === null || !(await subscriptionForFeed(db, user.id, scopeId))) return c.notFound();
  } else if (scope === 'category') {
    if (scopeId === null || !(await categoryById(db, user.id, scopeId))) return c.notFound();
  } else if (scope !== 'user') {
    return c.text('Bad request', 400);
  }
  const keepMax = count(form.keepMax);
  const keepMin = count(form.keepMin);
  const keepDays = count(form.keepDays);
  const back = backUrl(form.back);
  if (keepMax === 'invalid' || keepMin === 'invalid' || keepDays === 'invalid') {
    return c.redirect(`${back}${back.includes('?') ? '&' : '?'}retention=invalid`, 303);
  }
  const policy: PartialPolicy = {
    keepMax,
    keepMin,
    keepDays,
    keepUnread: form.keepUnread === '1' ? true : form.keepUnread === '0' ? false : null,
  };
  await setRetentionPolicy(db, {
    scope,
    userId: user.id,
    scopeId: scope === 'user' ? null : scopeId,
    policy,
  });
  return c.redirect(`${back}${back.includes('?') ? '&' : '?'}retention=saved`, 303);
}
