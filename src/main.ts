// Reads argv and env once and hands over to the command. Each command's module is loaded when it
// runs (dynamic import: a chunk of the bundle), so `veille refresh` does not load the web server.
import { parseArgs } from 'node:util';
import { ConfigError, configFromEnv, configMarkdownTable } from './config/config.ts';
import { CliError } from './cli/user-for-command.ts';

const USAGE = `Usage: veille COMMAND [options]

Commands:
  serve [--no-refresh]                       run the web server (and refresh due feeds, unless --no-refresh)
  worker [--concurrency N]                   refresh due feeds without the web server (any number, sharing the database)
  refresh [--user NAME] [--force] [--json]   refresh due feeds now (--force: every feed), print a summary
  user add NAME [--password P] [--admin]     create a user (password read from stdin when not given)
  user link-oidc USER ISSUER SUBJECT         tie an account to an OpenID Connect identity (provider URL, sub claim)
  user unlink-oidc USER                      untie an account from its single sign-on identity
  import [--user NAME] FILE                  import an OPML file, a FreshRSS export (JSON or ZIP) or Miniflux entries JSON
  export [--user NAME] [--format F] [--output FILE]
                                             export as FreshRSS does: F is opml (default), freshrss-zip or starred-json
  purge [--json]                             delete old entries now, as the retention policies say
  parse --json FILE_OR_URL...                print what Veille reads in feeds, one JSON line per input
  backup FILE                                write a consistent copy of the SQLite database (while running)
  restore FILE                               replace the SQLite database with a backup (stop the server first)
  migrate-to-postgres URL                    copy the SQLite database into an empty PostgreSQL database
  config                                     print the configuration options (environment variables)

Configuration comes from environment variables: see \`veille config\` and the README.`;

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (!command || command === 'help' || command === '--help' || command === '-h') {
      console.log(USAGE);
      return command ? 0 : 2;
    }
    if (command === 'config') {
      console.log(configMarkdownTable());
      return 0;
    }
    const config = configFromEnv(env);
    switch (command) {
      case 'serve': {
        const { values } = parseArgs({
          args: rest,
          options: { 'no-refresh': { type: 'boolean', default: false } },
        });
        return await (
          await import('./cli/serve.ts')
        ).serveCommand(config, { refresh: !values['no-refresh'] });
      }
      case 'worker': {
        const { values } = parseArgs({ args: rest, options: { concurrency: { type: 'string' } } });
        const raw = values.concurrency;
        const concurrency = raw === undefined ? undefined : Number(raw);
        if (
          concurrency !== undefined &&
          (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1000)
        )
          throw new CliError(`worker: --concurrency must be a whole number from 1 to 1000, got "${raw}"`);
        return await (await import('./cli/worker.ts')).workerCommand(config, { concurrency });
      }
      case 'refresh': {
        const { values } = parseArgs({
          args: rest,
          options: {
            user: { type: 'string' },
            force: { type: 'boolean', default: false },
            json: { type: 'boolean', default: false },
          },
        });
        return await (
          await import('./cli/refresh.ts')
        ).refreshCommand(config, { user: values.user, force: values.force!, json: values.json! });
      }
      case 'user': {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: { password: { type: 'string' }, admin: { type: 'boolean', default: false } },
        });
        if (positionals[0] === 'link-oidc')
          return await (await import('./cli/user-oidc.ts')).userLinkOidcCommand(config, positionals.slice(1));
        if (positionals[0] === 'unlink-oidc')
          return await (
            await import('./cli/user-oidc.ts')
          ).userUnlinkOidcCommand(config, positionals.slice(1));
        if (positionals[0] !== 'add')
          throw new CliError(
            'user: the sub-commands are `add NAME`, `link-oidc USER ISSUER SUBJECT`, `unlink-oidc USER`',
          );
        return await (
          await import('./cli/user-add.ts')
        ).userAddCommand(config, positionals[1], {
          password: values.password,
          admin: values.admin!,
        });
      }
      case 'import': {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: { user: { type: 'string' } },
        });
        return await (
          await import('./cli/opml-commands.ts')
        ).importCommand(config, positionals[0], { user: values.user });
      }
      case 'purge': {
        const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean', default: false } } });
        return await (await import('./cli/purge.ts')).purgeCommand(config, { json: values.json! });
      }
      case 'export': {
        const { values } = parseArgs({
          args: rest,
          options: { user: { type: 'string' }, format: { type: 'string' }, output: { type: 'string' } },
        });
        return await (
          await import('./cli/opml-commands.ts')
        ).exportCommand(config, { user: values.user, format: values.format, output: values.output });
      }
      case 'parse': {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: { json: { type: 'boolean', default: false } },
        });
        return await (
          await import('./cli/parse.ts')
        ).parseCommand(config, positionals, { json: values.json! });
      }
      case 'backup':
        return await (await import('./cli/backup.ts')).backupCommand(config, rest[0]);
      case 'restore':
        return await (await import('./cli/backup.ts')).restoreCommand(config, rest[0]);
      case 'migrate-to-postgres':
        return await (await import('./cli/backup.ts')).migrateToPostgresCommand(config, rest[0]);
      default:
        console.error(`veille: unknown command "${command}"\n\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof CliError || err instanceof ConfigError) {
      console.error(`veille: ${err.message}`);
      return 2;
    }
    const code = (err as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      console.error(`veille: ${(err as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (err instanceof Error && /^(opml|zip|storage|fetch|parse): /.test(err.message)) {
      console.error(`veille: ${err.message}`);
      return 1;
    }
    throw err;
  }
}
