// Which user a command acts for: --user NAME, or the only user when there is just one.
import type { Kysely } from 'kysely';
import type { Schema, User } from '../storage/schema.ts';
import { userByName, usernames } from '../storage/users.ts';

export class CliError extends Error {}

export async function userForCommand(db: Kysely<Schema>, name: string | undefined): Promise<User> {
  if (name) {
    const user = await userByName(db, name);
    if (!user) throw new CliError(`no user named "${name}"`);
    return user;
  }
  const names = await usernames(db);
  if (names.length === 1) return (await userByName(db, names[0]!))!;
  if (names.length === 0)
    throw new CliError('there is no user yet: create one with `veille user add NAME --admin`');
  throw new CliError(`several users exist (${names.join(', ')}): choose one with --user NAME`);
}
