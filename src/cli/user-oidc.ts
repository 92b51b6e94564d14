// veille user link-oidc USER ISSUER SUBJECT: ties an existing account to an OpenID Connect
// identity (the provider's issuer URL and the person's `sub` claim), so that single sign-on with
// that identity logs in to the account. veille user unlink-oidc USER removes the tie (the
// account keeps its password and its data; single sign-on no longer reaches it).
import type { Config } from '../config/config.ts';
import { openConfiguredDatabase } from './app-context.ts';
import {
  linkOidcIdentity,
  OidcLinkError,
  oidcIdentityOf,
  unlinkExternalId,
} from '../storage/external-users.ts';
import { userByName } from '../storage/users.ts';
import { CliError } from './user-for-command.ts';

export async function userLinkOidcCommand(config: Config, args: string[]): Promise<number> {
  const [name, issuer, subject, ...extra] = args;
  if (!name || !issuer || subject === undefined || extra.length > 0)
    throw new CliError('user link-oidc: give USER ISSUER SUBJECT (the provider URL and the `sub` claim)');
  const database = await openConfiguredDatabase(config);
  try {
    const user = await userByName(database.db, name);
    if (!user) throw new CliError(`user link-oidc: no user named "${name}"`);
    let externalId: string;
    try {
      externalId = await linkOidcIdentity(database.db, user.id, issuer, subject);
    } catch (err) {
      if (err instanceof OidcLinkError) throw new CliError(`user link-oidc: ${err.message}`);
      throw err;
    }
    const identity = oidcIdentityOf(externalId);
    console.log(
      `User ${name} is now tied to the identity ${identity?.subject ?? subject} at ${identity?.issuer ?? issuer}.`,
    );
    return 0;
  } finally {
    await database.close();
  }
}

export async function userUnlinkOidcCommand(config: Config, args: string[]): Promise<number> {
  const [name, ...extra] = args;
  if (!name || extra.length > 0) throw new CliError('user unlink-oidc: give USER');
  const database = await openConfiguredDatabase(config);
  try {
    const user = await userByName(database.db, name);
    if (!user) throw new CliError(`user unlink-oidc: no user named "${name}"`);
    const removed = await unlinkExternalId(database.db, user.id);
    console.log(
      removed ? `User ${name} is no longer tied to a single sign-on identity.` : `User ${name} had no tie.`,
    );
    return 0;
  } finally {
    await database.close();
  }
}
