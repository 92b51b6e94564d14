// Google Reader mark-all-as-read of the reading list when it spans several folders (a feed
// outside the main stream makes it go folder by folder): every folder is marked in one batch, so
// the web UI's single "undo" restores all of it, and counts stay exact. SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fetcherFor } from '../../../cli/app-context.ts';
import { configFromEnv } from '../../../config/config.ts';
import { createLogger } from '../../../lib/logger.ts';
import { hashPassword } from '../../../lib/passwords.ts';
import type { NewEntry } from '../../../model/new-entry.ts';
import { testNewEntry } from '../../../storage/test-entries.ts';
import { setApiPassword } from '../../../storage/api-passwords.ts';
import { ensureCategory } from '../../../storage/categories.ts';
import { computeUnread, ingestEntries } from '../../../storage/entries.ts';
import { setEntryRead, undoLastMarkRead } from '../../../storage/entry-states.ts';
import { findOrCreateFeed } from '../../../storage/feeds.ts';
import { entriesForStream } from '../../../storage/streams.ts';
import { setSubscriptionPriority } from '../../../storage/subscription-priority.ts';
import { subscribe } from '../../../storage/subscriptions.ts';
import { testDatabaseKinds } from '../../../storage/test-databases.ts';
import { createUser } from '../../../storage/users.ts';
import type { AppDeps } from '../../app-env.ts';
import { createServer } from '../../server.tsx';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const READING_LIST = 'user/-/state/com.google/reading-list';

function entry(key: string): NewEntry {
  return testNewEntry(key, { dateAt: NOW, language: 'en' });
}

for (const kind of testDatabaseKinds()) {
  describe(`Google Reader mark-all-as-read over several folders on ${kind.name}`, { skip: kind.skip }, () => {
    let database: Awaited<ReturnType<typeof kind.open>>;
    let deps: AppDeps;
    let dir: string;
    before(async () => {
      database = await kind.open();
      dir = mkdtempSync(join(tmpdir(), 'veille-greader-mark-'));
      const config = configFromEnv({ VEILLE_DATA_DIR: dir, VEILLE_LOG_LEVEL: 'silent' });
      deps = {
        database,
        config,
        fetcher: fetcherFor(config),
        log: createLogger('silent'),
        now: () => NOW + 60_000,
        setupCode: { value: null },
        refreshFeedIds: async () => ({}) as never,
      };
    });
    after(async () => {
      await deps?.fetcher.close();
      await database?.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    /** Unread entry ids of every subscription, checking maintained counts against recounts. */
    async function unreadState(userId: number): Promise<Record<number, number[]>> {
      const db = database.db;
      const subs = await db
        .selectFrom('subscriptions')
        .select(['feed_id', 'read_horizon', 'unread_count'])
        .where('user_id', '=', userId)
        .orderBy('feed_id')
        .execute();
      const out: Record<number, number[]> = {};
      for (const s of subs) {
        const unread = await entriesForStream(db, {
          userId,
          stream: { kind: 'feed', id: s.feed_id },
          state: 'unread',
          limit: 1000,
        });
        out[s.feed_id] = unread.map((e) => e.id).sort((a, b) => a - b);
        assert.equal(s.unread_count, unread.length, `maintained count of feed ${s.feed_id}`);
        assert.equal(await computeUnread(db, userId, s.feed_id, s.read_horizon), unread.length);
      }
      return out;
    }

    test('one undo restores every folder of the reading list', async () => {
      const db = database.db;
      const user = await createUser(db, {
        username: 'reeder',
        passwordHash: 'x',
        isAdmin: false,
        now: NOW,
      });
      await setApiPassword(db, {
        userId: user.id,
        passwordHash: await hashPassword('api-password-1'),
        feverApiKey: 'f'.repeat(32),
        now: NOW,
      });
      const news = await ensureCategory(db, user.id, 'News');
      const tech = await ensureCategory(db, user.id, 'Tech');
      const layout: [string, number | null, number][] = [
        ['news1', news.id, 1],
        ['news2', news.id, 1],
        ['tech1', tech.id, 0], // category only: the reading list goes folder by folder
        ['tech2', tech.id, 1],
        ['loose', null, 1],
      ];
      const feedIds: number[] = [];
      for (const [name, categoryId, priority] of layout) {
        const feed = await findOrCreateFeed(db, {
          url: `https://${name}.example/feed`,
          options: {},
          userId: user.id,
          title: name,
          now: NOW,
        });
        feedIds.push(feed.id);
        await subscribe(db, { userId: user.id, feedId: feed.id, categoryId, now: NOW });
        await setSubscriptionPriority(db, { userId: user.id, feedId: feed.id, priority, muted: false });
        const r = await ingestEntries(db, {
          feedId: feed.id,
          entries: [1, 2, 3, 4].map((k) => entry(`${name}-${k}`)),
          now: NOW,
        });
        await setEntryRead(db, { userId: user.id, entryId: r.insertedIds[0]!, read: true, now: NOW });
      }
      const before = await unreadState(user.id);
      for (const id of feedIds) assert.equal(before[id]!.length, 3);

      const app = createServer(deps);
      const login = await app.request('http://localhost/accounts/ClientLogin', {
        method: 'POST',
        body: new URLSearchParams({ Email: 'reeder', Passwd: 'api-password-1' }),
      });
      assert.equal(login.status, 200);
      const auth = /Auth=(\S+)/.exec(await login.text())![1]!;
      const res = await app.request('http://localhost/reader/api/0/mark-all-as-read', {
        method: 'POST',
        headers: {
          authorization: `GoogleLogin auth=${auth}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ s: READING_LIST }),
      });
      assert.equal(res.status, 200);
      assert.equal(await res.text(), 'OK');
      const marked = await unreadState(user.id);
      for (const id of feedIds) assert.deepEqual(marked[id], [], `feed ${id} is read`);

      const undo = await undoLastMarkRead(db, { userId: user.id, now: NOW + 120_000 });
      assert.equal(undo.undone, feedIds.length, 'every folder is in the one batch');
      assert.deepEqual(await unreadState(user.id), before);
    });
  });
}
