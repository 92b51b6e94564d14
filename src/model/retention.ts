// Which entries of a feed may be deleted: FreshRSS's archiving policy (keep at most N, at least
// M, for at most D days, optionally every unread one), combined over every subscriber of a shared
// feed so that it keeps what the most generous of them keeps, and never starred or labelled ones.

export interface RetentionPolicy {
  /** Keep at most this many entries (null: no limit). */
  keepMax: number | null;
  /** Always keep at least this many of the newest (null: 0). */
  keepMin: number | null;
  /** Delete entries received more than this many days ago (null: no limit). */
  keepDays: number | null;
  /** Never delete this subscriber's unread entries. */
  keepUnread: boolean;
}

export type PartialPolicy = { [K in keyof RetentionPolicy]?: RetentionPolicy[K] | null };

export const DEFAULT_RETENTION: RetentionPolicy = {
  keepMax: 200,
  keepMin: 50,
  keepDays: 90,
  keepUnread: false,
};

/** The most specific setting wins, field by field: feed, then category, then user, then instance. */
export function effectivePolicy(
  layers: (PartialPolicy | null | undefined)[],
  base: RetentionPolicy,
): RetentionPolicy {
  const out: RetentionPolicy = { ...base };
  for (const key of Object.keys(base) as (keyof RetentionPolicy)[]) {
    for (const layer of layers) {
      const value = layer?.[key];
      if (value !== undefined && value !== null) {
        (out as unknown as Record<string, unknown>)[key] = value;
        break;
      }
    }
  }
  return out;
}

export interface RetentionEntry {
  id: number;
  receivedAt: number;
  /** Starred or labelled by any user: never deleted. */
  protected: boolean;
}

export interface SubscriberView {
  policy: RetentionPolicy;
  /** Is this entry unread for this subscriber? */
  isUnread(entryId: number): boolean;
}

/** Ids of the entries no subscriber's policy keeps. `entries` must be newest first. */
export function entriesToPurge(
  entries: RetentionEntry[],
  subscribers: SubscriberView[],
  now: number,
): number[] {
  if (subscribers.length === 0) return [];
  const out: number[] = [];
  entries.forEach((entry, index) => {
    if (entry.protected) return;
    const rank = index + 1;
    const keptBySomeone = subscribers.some(({ policy, isUnread }) => {
      if (rank <= (policy.keepMin ?? 0)) return true;
      if (policy.keepUnread && isUnread(entry.id)) return true;
      const withinCount = policy.keepMax === null || rank <= policy.keepMax;
      const withinAge = policy.keepDays === null || entry.receivedAt >= now - policy.keepDays * 86_400_000;
      return withinCount && withinAge;
    });
    if (!keptBySomeone) out.push(entry.id);
  });
  return out;
}
