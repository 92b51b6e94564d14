import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { saveInstanceSettings } from '../../storage/instance-settings.ts';
import { createClient } from '../test-app.ts';
import {
  createSecurityFixture,
  userSnapshot,
  type SecurityFixture,
} from '../../../test/e2e/security-fixture.ts';

describe('anonymous read-only access', () => {
  let f: SecurityFixture;
  before(async () => {
    f = await createSecurityFixture();
  });
  after(async () => {
    await f.close();
  });

  test('off by default: a visitor is sent to the login page', async () => {
    const visitor = createClient(f.t.app);
    const r = await visitor.get('/');
    assert.equal(r.res.status, 302);
    assert.equal(r.res.headers.get('location'), '/login');
  });

  test("when the administrator chose a user, a visitor reads that user's streams and nothing else", async () => {
    await saveInstanceSettings(f.t.deps.database.db, { anonymousUserId: f.alice.id });
    const visitor = createClient(f.t.app);
    const home = await visitor.get('/');
    assert.equal(home.res.status, 200);
    assert.match(home.text, /Read-only: the streams of alice\./);
    assert.match(home.text, /alice item 3/);
    assert.match(home.text, /alice body 2/, 'the articles are readable');
    assert.doesNotMatch(home.text, /bob item/);
    // Read-only: no form, no toggle, no state-changing control.
    assert.doesNotMatch(home.text, /<form/);
    assert.doesNotMatch(home.text, /method="post"/i);
    assert.doesNotMatch(home.text, /data-toggle|class="toggle/);
    const feed = await visitor.get(`/?s=f${f.alice.feedId}`);
    assert.equal(feed.res.status, 200);
    assert.match(feed.text, /alice item 1/);
    const category = await visitor.get(`/?s=c${f.alice.categoryId}`);
    assert.equal(category.res.status, 200);
    assert.equal((await visitor.get(`/?s=f${f.bob.feedId}`)).res.status, 404, "bob's feed stays private");
    assert.equal((await visitor.get(`/?s=t${f.alice.labelId}`)).res.status, 404, 'labels are personal');
    assert.equal((await visitor.get('/?s=starred')).res.status, 404, 'favourites are personal');
    // Pages that need an account still ask for one.
    for (const path of ['/subscriptions', '/settings', `/feeds/${f.alice.feedId}`, '/labels', '/account']) {
      const r = await visitor.get(path);
      assert.equal(r.res.status, 302, path);
      assert.equal(r.res.headers.get('location'), '/login', path);
    }
  });

  test("a visitor's POSTs are refused, even with the visitor's own CSRF token", async () => {
    await saveInstanceSettings(f.t.deps.database.db, { anonymousUserId: f.alice.id });
    const before = await userSnapshot(f.t, f.alice.id);
    const visitor = createClient(f.t.app);
    await visitor.get('/');
    assert.ok(visitor.csrf, 'the visitor has an anonymous CSRF token');
    const posts: [string, Record<string, string>][] = [
      [`/entries/${f.alice.entryIds[1]}/read`, {}],
      [`/entries/${f.alice.entryIds[1]}/star`, {}],
      ['/mark-read', { s: 'main' }],
      ['/categories', { name: 'visitor' }],
      [`/feeds/${f.alice.feedId}/unsubscribe`, {}],
      [`/labels/${f.alice.labelId}/delete`, {}],
      ['/settings/reading', { theme: 'dark' }],
      ['/admin/settings', { anonymous_user: '' }],
    ];
    for (const [path, fields] of posts) {
      const r = await visitor.post(path, fields);
      assert.equal(r.res.status, 303, path);
      assert.equal(r.res.headers.get('location'), '/login', path);
      const json = await visitor.post(path, fields, { headers: { accept: 'application/json' } });
      assert.equal(json.res.status, 401, path);
    }
    assert.equal(await userSnapshot(f.t, f.alice.id), before, "alice's data is unchanged");
  });

  test('a logged-in user still sees their own streams, and a disabled reader ends anonymous access', async () => {
    await saveInstanceSettings(f.t.deps.database.db, { anonymousUserId: f.alice.id });
    const bobHome = await f.bob.client.get('/');
    assert.match(bobHome.text, /bob item 1/);
    assert.doesNotMatch(bobHome.text, /Read-only/);
    await f.t.deps.database.db
      .updateTable('users')
      .set({ disabled: 1 })
      .where('id', '=', f.alice.id)
      .execute();
    const visitor = createClient(f.t.app);
    const r = await visitor.get('/');
    assert.equal(r.res.status, 302);
    await f.t.deps.database.db
      .updateTable('users')
      .set({ disabled: 0 })
      .where('id', '=', f.alice.id)
      .execute();
    await saveInstanceSettings(f.t.deps.database.db, { anonymousUserId: null });
    assert.equal((await createClient(f.t.app).get('/')).res.status, 302);
  });
});
