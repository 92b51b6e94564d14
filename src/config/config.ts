// The one table of options. Every option is read from the environment once (in main.ts) and
// passed down as plain values. The README's configuration table is generated from this list
// (`veille config --markdown`), so the two cannot drift apart.
import { resolve } from 'node:path';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string;
  baseUrl: string | null;
  testDatabaseUrl: string | null;
  fetchAllowNetworks: string[];
  refreshIntervalMinutes: number;
  fetchConcurrency: number;
  fetchPerHost: number;
  fetchTimeoutSeconds: number;
  fetchMaxBytes: number;
  userAgent: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
}

interface OptionSpec<K extends keyof Config> {
  key: K;
  env: string;
  default: string;
  doc: string;
  parse: (raw: string, env: NodeJS.ProcessEnv) => Config[K];
}

function integer(name: string, min: number, max: number) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new ConfigError(`config: ${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
    }
    return n;
  };
}

export class ConfigError extends Error {}

function spec<K extends keyof Config>(s: OptionSpec<K>): OptionSpec<K> {
  return s;
}

export const OPTIONS = [
  spec({
    key: 'port',
    env: 'PORT',
    default: '8080',
    doc: 'TCP port of the web server.',
    parse: integer('PORT', 0, 65535),
  }),
  spec({
    key: 'host',
    env: 'HOST',
    default: '127.0.0.1',
    doc: 'Address to listen on. `127.0.0.1` serves this machine only; `0.0.0.0` (or `::`) serves the network.',
    parse: (raw) => raw,
  }),
  spec({
    key: 'dataDir',
    env: 'VEILLE_DATA_DIR',
    default: './data',
    doc: 'Directory for the SQLite database and other files Veille writes.',
    parse: (raw) => resolve(raw),
  }),
  spec({
    key: 'databaseUrl',
    env: 'VEILLE_DATABASE_URL',
    default: '',
    doc: 'Database. Empty: the SQLite file `veille.sqlite` in the data directory. `sqlite:/path/file.sqlite` for another file, `postgres://user:pass@host:5432/db` for PostgreSQL.',
    parse: (raw) => raw,
  }),
  spec({
    key: 'baseUrl',
    env: 'VEILLE_BASE_URL',
    default: '',
    doc: 'Public URL of this instance (e.g. `https://veille.example.org`). Used for absolute links; when it starts with https, session cookies are marked Secure.',
    parse: (raw) => {
      if (!raw) return null;
      try {
        const u = new URL(raw);
        if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
        return u.href.replace(/\/$/, '');
      } catch {
        throw new ConfigError(`config: VEILLE_BASE_URL must be an http(s) URL, got "${raw}"`);
      }
    },
  }),
  spec({
    key: 'testDatabaseUrl',
    env: 'VEILLE_TEST_DATABASE_URL',
    default: '',
    doc: 'PostgreSQL database used by the tests (`npm test`). Unset: PostgreSQL tests are skipped with a message. CI sets `postgres://postgres@127.0.0.1:5432/test`.',
    parse: (raw) => raw || null,
  }),
  spec({
    key: 'fetchAllowNetworks',
    env: 'VEILLE_FETCH_ALLOW_NETWORKS',
    default: '',
    doc: 'Comma-separated CIDRs that feeds may reach although they are private (e.g. `192.168.1.0/24,127.0.0.0/8`). Empty: loopback, private, link-local and similar addresses are refused.',
    parse: (raw) =>
      raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
  }),
  spec({
    key: 'refreshIntervalMinutes',
    env: 'VEILLE_REFRESH_INTERVAL',
    default: '60',
    doc: 'Minutes between two checks of a feed by the scheduler inside `veille serve`.',
    parse: integer('VEILLE_REFRESH_INTERVAL', 1, 7 * 24 * 60),
  }),
  spec({
    key: 'fetchConcurrency',
    env: 'VEILLE_FETCH_CONCURRENCY',
    default: '32',
    doc: 'Feeds fetched at the same time.',
    parse: integer('VEILLE_FETCH_CONCURRENCY', 1, 1000),
  }),
  spec({
    key: 'fetchPerHost',
    env: 'VEILLE_FETCH_PER_HOST',
    default: '2',
    doc: 'Requests at the same time to one host name.',
    parse: integer('VEILLE_FETCH_PER_HOST', 1, 100),
  }),
  spec({
    key: 'fetchTimeoutSeconds',
    env: 'VEILLE_FETCH_TIMEOUT',
    default: '30',
    doc: 'Seconds a whole feed download may take (connecting takes at most a third of it).',
    parse: integer('VEILLE_FETCH_TIMEOUT', 1, 600),
  }),
  spec({
    key: 'fetchMaxBytes',
    env: 'VEILLE_FETCH_MAX_BYTES',
    default: String(20 * 1024 * 1024),
    doc: 'Largest feed body accepted, in bytes, after decompression.',
    parse: integer('VEILLE_FETCH_MAX_BYTES', 1024, 1024 * 1024 * 1024),
  }),
  spec({
    key: 'userAgent',
    env: 'VEILLE_USER_AGENT',
    default: 'Veille/0.1 (feed reader; +https://github.com/veille-reader/veille)',
    doc: 'User-Agent sent to feed servers (a feed can override it).',
    parse: (raw) => raw,
  }),
  spec({
    key: 'logLevel',
    env: 'VEILLE_LOG_LEVEL',
    default: 'info',
    doc: 'Log level: `debug`, `info`, `warn`, `error` or `silent`. Logs are JSON lines on stderr.',
    parse: (raw) => {
      if (['debug', 'info', 'warn', 'error', 'silent'].includes(raw)) return raw as Config['logLevel'];
      throw new ConfigError(
        `config: VEILLE_LOG_LEVEL must be debug, info, warn, error or silent, got "${raw}"`,
      );
    },
  }),
] as const;

/** Reads every option from the environment; throws ConfigError with a clear message on bad values. */
export function configFromEnv(env: NodeJS.ProcessEnv): Config {
  const out: Record<string, unknown> = {};
  for (const option of OPTIONS) {
    const raw = env[option.env];
    const value = raw === undefined || raw === '' ? option.default : raw;
    out[option.key] = (option.parse as (raw: string, env: NodeJS.ProcessEnv) => unknown)(value, env);
  }
  const config = out as unknown as Config;
  if (!config.databaseUrl) config.databaseUrl = `sqlite:${resolve(config.dataDir, 'veille.sqlite')}`;
  return config;
}

/** The configuration table of the README. */
export function configMarkdownTable(): string {
  const rows = OPTIONS.map(
    (o) => `| \`${o.env}\` | ${o.default === '' ? '(empty)' : `\`${o.default}\``} | ${o.doc} |`,
  );
  return ['| Variable | Default | Meaning |', '| --- | --- | --- |', ...rows].join('\n');
}
