// The instance's secret key: 32 random bytes created on first use and kept in instance_settings,
// so that every web process of one database (and a restored backup) signs the same way. Used to
// sign the single sign-on login cookie and the image proxy's URLs.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Schema } from './schema.ts';

const KEY = 'instance_secret';

export async function instanceSecret(db: Kysely<Schema>): Promise<Buffer> {
  const read = async () =>
    (await db.selectFrom('instance_settings').select('value').where('key', '=', KEY).executeTakeFirst())
      ?.value;
  let value = await read();
  if (!value || !/^[0-9a-f]{64}$/.test(value)) {
    await db
      .insertInto('instance_settings')
      .values({ key: KEY, value: randomBytes(32).toString('hex') })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    value = await read();
  }
  if (!value || !/^[0-9a-f]{64}$/.test(value)) throw new Error('storage: the instance secret is unreadable');
  return Buffer.from(value, 'hex');
}
