// WebSub (W3C): subscribe to the hubs feeds advertise, verify the hub's intent, ingest pushed
// content at once, renew leases before they end. The hub reaches Veille at
// {VEILLE_BASE_URL}/websub/{feedId}/{token}; the token and the HMAC secret are per feed.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { constantTimeEqual } from '../lib/constant-time-equal.ts';
import type { Kysely } from 'kysely';
import type { Config } from '../config/config.ts';
import type { Logger } from '../lib/logger.ts';
import type { Fetcher } from '../reader/fetch/create-fetcher.ts';
import { hostToIpLiteral, isBlockedAddress } from '../reader/fetch/is-blocked-address.ts';
import { parseFeedBytes } from '../reader/parse/parse-feed.ts';
import { entriesFromParsed } from '../reader/process/entries-from-parsed.ts';
import { ingestEntries } from '../storage/entries.ts';
import { hasContentRules } from './full-content.ts';
import { feedById, updateFeed } from '../storage/feeds.ts';
import type { Feed, Schema } from '../storage/schema.ts';

export const WEBSUB_LEASE_SECONDS = 10 * 24 * 3600;
/** Renew a subscription when less than this is left of its lease. */
const RENEW_BEFORE_MS = 24 * 3600_000;
/** Largest push body accepted. */
export const MAX_PUSH_BYTES = 5 * 1024 * 1024;

export interface WebSubDeps {
  db: Kysely<Schema>;
  fetcher: Fetcher;
  log: Logger;
  now: () => number;
  config: Pick<Config, 'baseUrl' | 'websub'>;
}

/** WebSub is used when forced on, or in auto mode when the base URL is a public address. */
export function isWebSubEnabled(config: Pick<Config, 'baseUrl' | 'websub'>): boolean {
  if (config.websub === 'off' || !config.baseUrl) return false;
  if (config.websub === 'on') return true;
  const host = new URL(config.baseUrl).hostname;
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || !host.includes('.'))
    return false;
  const literal = hostToIpLiteral(host);
  return !(literal && isBlockedAddress(literal, []));
}

/** The callback token of a feed: derived from its secret, so only the hub we told knows it. */
export function callbackToken(feedId: number, secret: string): string {
  return createHash('sha256').update(`${feedId}:${secret}`).digest('base64url').slice(0, 32);
}

function topicOf(feed: Pick<Feed, 'websub_topic' | 'url'>): string {
  return feed.websub_topic ?? feed.url;
}

/** Asks the feed's hub to push to us. The hub then verifies with a GET (verifyIntent). */
export async function subscribeToHub(
  deps: WebSubDeps,
  feed: Feed,
  mode: 'subscribe' | 'unsubscribe' = 'subscribe',
) {
  if (!feed.websub_hub || !deps.config.baseUrl) return 'skipped' as const;
  const secret = feed.websub_secret ?? randomBytes(24).toString('base64url');
  if (!feed.websub_secret) await updateFeed(deps.db, feed.id, { websub_secret: secret });
  const result = await deps.fetcher.fetch({
    url: feed.websub_hub,
    accept: '*/*',
    form: {
      'hub.mode': mode,
      'hub.topic': topicOf(feed),
      'hub.callback': `${deps.config.baseUrl}/websub/${feed.id}/${callbackToken(feed.id, secret)}`,
      'hub.secret': secret,
      'hub.lease_seconds': String(WEBSUB_LEASE_SECONDS),
    },
  });
  if (result.kind === 'ok') return 'requested' as const;
  deps.log.info('websub: hub refused the subscription', {
    feedId: feed.id,
    hub: feed.websub_hub,
    error: result.kind === 'error' ? result.message : 'not modified',
  });
  return 'failed' as const;
}

/** Answer to the hub's verification GET: the challenge when the request is for a feed we asked. */
export async function verifyIntent(
  deps: Pick<WebSubDeps, 'db' | 'now'>,
  input: { feedId: number; token: string; query: Record<string, string | undefined> },
): Promise<{ status: number; body: string }> {
  const feed = await feedById(deps.db, input.feedId);
  if (!feed?.websub_secret || !constantTimeEqual(input.token, callbackToken(feed.id, feed.websub_secret))) {
    return { status: 404, body: 'unknown subscription' };
  }
  const mode = input.query['hub.mode'];
  const challenge = input.query['hub.challenge'];
  if (mode === 'denied') {
    await updateFeed(deps.db, feed.id, { websub_lease_until: null });
    return { status: 200, body: '' };
  }
  if (
    (mode !== 'subscribe' && mode !== 'unsubscribe') ||
    !challenge ||
    input.query['hub.topic'] !== topicOf(feed)
  ) {
    return { status: 404, body: 'not a subscription of ours' };
  }
  if (mode === 'subscribe') {
    // Whole seconds between a minute and a year, whatever the hub wrote ("0.5", "-1", "1e400").
    const seconds = Math.floor(
      Math.min(
        Math.max(Number(input.query['hub.lease_seconds']) || WEBSUB_LEASE_SECONDS, 60),
        365 * 24 * 3600,
      ),
    );
    await updateFeed(deps.db, feed.id, { websub_lease_until: deps.now() + seconds * 1000 });
  } else {
    await updateFeed(deps.db, feed.id, { websub_lease_until: null });
  }
  return { status: 200, body: challenge };
}

/** Checks X-Hub-Signature ("sha256=…", also sha1/sha384/sha512) against the body. */
export function isValidSignature(secret: string, body: Uint8Array, header: string | undefined): boolean {
  const m = /^(sha1|sha256|sha384|sha512)=([0-9a-f]+)$/i.exec(header?.trim() ?? '');
  if (!m) return false;
  const expected = createHmac(m[1]!.toLowerCase(), secret).update(body).digest('hex');
  return constantTimeEqual(expected, m[2]!.toLowerCase());
}

/**
 * Content pushed by the hub: verified with the feed's secret, then stored like a refresh.
 * A bad signature is ignored, with a 2xx as the spec asks (the hub must not retry forever).
 */
export async function receivePush(
  deps: Pick<WebSubDeps, 'db' | 'log' | 'now'>,
  input: {
    feedId: number;
    token: string;
    body: Uint8Array;
    contentType: string | null;
    signature: string | undefined;
  },
): Promise<{ status: number; inserted: number }> {
  const feed = await feedById(deps.db, input.feedId);
  if (!feed?.websub_secret || !constantTimeEqual(input.token, callbackToken(feed.id, feed.websub_secret))) {
    return { status: 404, inserted: 0 };
  }
  if (!isValidSignature(feed.websub_secret, input.body, input.signature)) {
    deps.log.warn('websub: push with a bad signature ignored', { feedId: feed.id });
    return { status: 202, inserted: 0 };
  }
  const now = deps.now();
  if (hasContentRules(feed)) {
    // Full content or a remove selector (src/refresh/full-content.ts) needs the refresh's path,
    // with the fetcher: the push makes the feed due now instead of being stored as it came.
    await updateFeed(deps.db, feed.id, { websub_last_push_at: now, next_check_at: now });
    return { status: 200, inserted: 0 };
  }
  try {
    const parsed = parseFeedBytes(input.body, { url: feed.url, contentType: input.contentType });
    const entries = entriesFromParsed(parsed, { feedUrl: feed.url, now });
    const stored = await ingestEntries(deps.db, { feedId: feed.id, entries, now });
    await updateFeed(deps.db, feed.id, { websub_last_push_at: now });
    deps.log.info('websub: push stored', {
      feedId: feed.id,
      inserted: stored.inserted,
      updated: stored.updated,
    });
    return { status: 200, inserted: stored.inserted };
  } catch (err) {
    deps.log.info('websub: push not stored', {
      feedId: feed.id,
      error: err instanceof Error ? err.message : String(err),
    });
    return { status: 202, inserted: 0 };
  }
}

/** Subscribes feeds whose hub is known and whose lease is missing or ends within a day. */
export async function renewWebSubSubscriptions(deps: WebSubDeps): Promise<number> {
  if (!isWebSubEnabled(deps.config)) return 0;
  const now = deps.now();
  const feeds = await deps.db
    .selectFrom('feeds')
    .selectAll()
    .where('websub_hub', 'is not', null)
    .where('gone_at', 'is', null)
    .where((eb) =>
      eb.or([eb('websub_lease_until', 'is', null), eb('websub_lease_until', '<', now + RENEW_BEFORE_MS)]),
    )
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('subscriptions')
          .select('subscriptions.id')
          .whereRef('subscriptions.feed_id', '=', 'feeds.id'),
      ),
    )
    .limit(200)
    .execute();
  let requested = 0;
  for (const feed of feeds) if ((await subscribeToHub(deps, feed)) === 'requested') requested++;
  return requested;
}
