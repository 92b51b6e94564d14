import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { userLinkOidcCommand, userUnlinkOidcCommand } from '../cli/user-oidc.ts';
import { configFromEnv } from '../config/config.ts';
import {
  externalIdsByUser,
  linkOidcIdentity,
  normalizedIssuer,
  oidcExternalId,
  oidcIdentityOf,
  OidcLinkError,
  unlinkExternalId,
  userByExternalId,
} from './external-users.ts';
import { testDatabaseKinds } from './test-databases.ts';
import { createUser } from './users.ts';

test('oidcIdentityOf reads back issuer and subject; normalizedIssuer keeps http(s) URLs only', () => {
  assert.deepEqual(oidcIdentityOf(oidcExternalId('https://id.example/realm', 'a b c')), {
    issuer: 'https://id.example/realm',
    subject: 'a b c',
  });
  assert.equal(oidcIdentityOf('ldap:someone'), null);
  assert.equal(oidcIdentityOf(null), null);
  assert.equal(normalizedIssuer(' https://id.example/ '), 'https://id.example');
  assert.equal(normalizedIssuer('http://127.0.0.1:9000'), 'http://127.0.0.1:9000');
  for (const bad of ['', 'id.example', 'javascript:alert(1)', 'ftp://id.example', 'https://id .example'])
    assert.equal(normalizedIssuer(bad), null, bad);
});

for (const kind of testDatabaseKinds()) {
  describe(`single sign-on identities on ${kind.name}`, { skip: kind.skip }, () => {
    test('link, look up under either issuer spelling, refuse a taken identity, unlink', async () => {
      const database = await kind.open();
      try {
        const db = database.db;
        const ann = await createUser(db, { username: 'ann', passwordHash: 'x', isAdmin: false, now: 1 });
        const ben = await createUser(db, { username: 'ben', passwordHash: 'x', isAdmin: false, now: 1 });

        const stored = await linkOidcIdentity(db, ann.id, 'https://id.example/', 'ann-sub');
        assert.equal(stored, 'oidc:https://id.example ann-sub');
        // The id_token's iss may carry the final '/' or not.
        assert.equal(
          (await userByExternalId(db, oidcExternalId('https://id.example', 'ann-sub')))?.id,
          ann.id,
        );
        assert.equal(
          (await userByExternalId(db, oidcExternalId('https://id.example/', 'ann-sub')))?.id,
          ann.id,
        );
        assert.equal(
          await userByExternalId(db, oidcExternalId('https://other.example', 'ann-sub')),
          undefined,
        );
        assert.deepEqual([...(await externalIdsByUser(db))], [[ann.id, stored]]);

        await assert.rejects(
          () => linkOidcIdentity(db, ben.id, 'https://id.example', 'ann-sub'),
          (err: unknown) => err instanceof OidcLinkError && err.problem === 'taken' && err.takenBy === 'ann',
        );
        await assert.rejects(
          () => linkOidcIdentity(db, ben.id, 'https://id.example', 'bad\nsubject'),
          (err: unknown) => err instanceof OidcLinkError && err.problem === 'invalid_subject',
        );
        // Linking again replaces the account's identity.
        await linkOidcIdentity(db, ann.id, 'https://id.example', 'ann-new');
        assert.equal(await userByExternalId(db, oidcExternalId('https://id.example', 'ann-sub')), undefined);

        assert.equal(await unlinkExternalId(db, ann.id), true);
        assert.equal(await unlinkExternalId(db, ann.id), false);
        assert.equal(await userByExternalId(db, oidcExternalId('https://id.example', 'ann-new')), undefined);
        assert.equal((await externalIdsByUser(db)).size, 0);
      } finally {
        await database.dispose();
      }
    });

    test('veille user link-oidc and unlink-oidc act on the configured database', async () => {
      const database = await kind.open();
      const log = console.log;
      const printed: string[] = [];
      console.log = (line: string) => printed.push(line);
      try {
        await createUser(database.db, { username: 'cat', passwordHash: 'x', isAdmin: false, now: 1 });
        const config = configFromEnv({
          VEILLE_DATA_DIR: '/nonexistent-veille-test',
          VEILLE_DATABASE_URL: database.url,
          ...(database.schema ? { VEILLE_DATABASE_SCHEMA: database.schema } : {}),
        });
        assert.equal(await userLinkOidcCommand(config, ['cat', 'https://sso.example/', 'cat-42']), 0);
        assert.match(
          printed.at(-1) ?? '',
          /User cat is now tied to the identity cat-42 at https:\/\/sso\.example\./,
        );
        const cat = await userByExternalId(database.db, oidcExternalId('https://sso.example', 'cat-42'));
        assert.equal(cat?.username, 'cat');
        await assert.rejects(
          () => userLinkOidcCommand(config, ['cat', 'sso.example', 'x']),
          /issuer must be/,
        );
        assert.equal(await userUnlinkOidcCommand(config, ['cat']), 0);
        assert.match(printed.at(-1) ?? '', /no longer tied/);
        assert.equal(
          await userByExternalId(database.db, oidcExternalId('https://sso.example', 'cat-42')),
          undefined,
        );
      } finally {
        console.log = log;
        await database.dispose();
      }
    });
  });
}
