// veille user add NAME [--password P] [--admin]. Without --password, the password is read from
// the first line of standard input.
import { createInterface } from 'node:readline';
import type { Config } from '../config/config.ts';
import { hashPassword, MIN_PASSWORD_LENGTH, USERNAME_PATTERN } from '../lib/passwords.ts';
import { openConfiguredDatabase } from './app-context.ts';
import { createUser, userByName } from '../storage/users.ts';
import { CliError } from './user-for-command.ts';

async function readPasswordLine(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Password: ');
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  return '';
}

export async function userAddCommand(
  config: Config,
  name: string | undefined,
  flags: { password?: string; admin: boolean },
) {
  if (!name || !USERNAME_PATTERN.test(name)) {
    throw new CliError('user add: give a user name of 1 to 64 letters, digits, dots, dashes or underscores');
  }
  const password = flags.password ?? (await readPasswordLine());
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new CliError(`user add: the password must be at least ${MIN_PASSWORD_LENGTH} characters long`);
  }
  const database = await openConfiguredDatabase(config);
  try {
    if (await userByName(database.db, name))
      throw new CliError(`user add: a user named "${name}" already exists`);
    await createUser(database.db, {
      username: name,
      passwordHash: await hashPassword(password),
      isAdmin: flags.admin,
      now: Date.now(),
    });
    console.log(`User ${name} created${flags.admin ? ' (administrator)' : ''}.`);
    return 0;
  } finally {
    await database.close();
  }
}
