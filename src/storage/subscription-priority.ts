// A subscription's place in the streams: priority (2 important, 1 main stream, 0 category only,
// -1 archived) and muted.
import type { Kysely } from 'kysely';
import type { Schema } from './schema.ts';

export const PRIORITIES = [2, 1, 0, -1] as const;

export function isPriority(x: number): boolean {
  return (PRIORITIES as readonly number[]).includes(x);
}

/** False when the user does not subscribe to that feed. */
export async function setSubscriptionPriority(
  db: Kysely<Schema>,
  input: { userId: number; feedId: number; priority: number; muted: boolean },
): Promise<boolean> {
  if (!isPriority(input.priority)) return false;
  const r = await db
    .updateTable('subscriptions')
    .set({ priority: input.priority, muted: input.muted ? 1 : 0 })
    .where('user_id', '=', input.userId)
    .where('feed_id', '=', input.feedId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
