// POST /feeds/:id/priority — important / main stream / category only / archived, and muted.
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { setSubscriptionPriority } from '../../storage/subscription-priority.ts';
import { backUrl } from './back-url.ts';

export async function feedPrioritySave(c: Context<AppEnv>) {
  const raw = c.req.param('id') ?? '';
  if (!/^[0-9]{1,10}$/.test(raw)) return c.notFound();
  const form = await c.req.parseBody();
  const priority =
    typeof form.priority === 'string' && /^-?[0-9]$/.test(form.priority) ? Number(form.priority) : NaN;
  const ok = await setSubscriptionPriority(c.get('deps').database.db, {
    userId: c.get('user')!.id,
    feedId: Number(raw),
    priority,
    muted: form.muted === '1',
  });
  if (!ok) return c.text('Bad request', 400);
  return c.redirect(backUrl(form.back), 303);
}
