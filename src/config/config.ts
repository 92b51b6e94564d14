// The one table of options. Every option is read from the environment once (in main.ts) and
// passed down as plain values. The README's configuration table is generated from this list
// (`veille config --markdown`), so the two cannot drift apart.
import { resolve } from 'node:path';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string;
  databaseSchema: string | null;
  baseUrl: string | null;
  websub: 'auto' | 'on' | 'off';
  testDatabaseUrl: string | null;
  fetchAllowNetworks: string[];
  refreshIntervalMinutes: number;
  refreshMaxIntervalMinutes: number;
  fetchConcurrency: number;
  fetchPerHost: number;
  fetchTimeoutSeconds: number;
  refreshLeaseSeconds: number;
  refreshPollSeconds: number;
  fetchMaxBytes: number;
  userAgent: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  loginMaxFailures: number;
  sessionDays: number;
  trustedProxies: string[];
  authProxyHeader: string | null;
  metrics: boolean;
  metricsToken: string | null;
  oidcIssuer: string | null;
  oidcClientId: string | null;
  oidcClientSecret: string | null;
  imageProxy: boolean;
  imageProxyMaxBytes: number;
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

/** A number of seconds, fractions allowed (`0.5`). */
function seconds(name: string, min: number, max: number) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!/^\d+(\.\d+)?$/.test(raw.trim()) || !Number.isFinite(n) || n < min || n > max) {
      throw new ConfigError(
        `config: ${name} must be a number of seconds from ${min} to ${max}, got "${raw}"`,
      );
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
    key: 'databaseSchema',
    env: 'VEILLE_DATABASE_SCHEMA',
    default: '',
    doc: "PostgreSQL only: the schema Veille's tables live in (created if missing; lower-case letters, digits and `_`). Empty: the database's default search path (usually `public`). Lets several instances, or tests, share one database.",
    parse: (raw) => {
      if (!raw) return null;
      if (!/^[a-z_][a-z0-9_]*$/.test(raw))
        throw new ConfigError(
          `config: VEILLE_DATABASE_SCHEMA must be lower-case letters, digits and _, got "${raw}"`,
        );
      return raw;
    },
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
    key: 'websub',
    env: 'VEILLE_WEBSUB',
    default: 'auto',
    doc: 'WebSub push: `auto` subscribes to the hubs feeds advertise when `VEILLE_BASE_URL` is a public address (hubs must reach it); `on` always (with any `VEILLE_BASE_URL`); `off` never.',
    parse: (raw) => {
      if (raw === 'auto' || raw === 'on' || raw === 'off') return raw;
      throw new ConfigError(`config: VEILLE_WEBSUB must be auto, on or off, got "${raw}"`);
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
    doc: 'Shortest time between two checks of a feed, in minutes. Each feed is checked about as often as it publishes, within this and `VEILLE_REFRESH_MAX_INTERVAL` (a feed can narrow both).',
    parse: integer('VEILLE_REFRESH_INTERVAL', 1, 7 * 24 * 60),
  }),
  spec({
    key: 'refreshMaxIntervalMinutes',
    env: 'VEILLE_REFRESH_MAX_INTERVAL',
    default: '1440',
    doc: 'Longest time between two checks of a feed, in minutes (quiet feeds, or a server asking for a long cache lifetime).',
    parse: integer('VEILLE_REFRESH_MAX_INTERVAL', 1, 30 * 24 * 60),
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
    key: 'refreshLeaseSeconds',
    env: 'VEILLE_REFRESH_LEASE',
    default: '',
    doc: "Seconds a refresh process (`veille worker`, or `veille serve` without `--no-refresh`) holds a feed it claimed; it renews the lease every third of that while the refresh runs, and a crashed process's feeds are taken over when it runs out. Must be longer than `VEILLE_FETCH_TIMEOUT`. Empty: `VEILLE_FETCH_TIMEOUT` + 60.",
    parse: (raw) => (raw ? seconds('VEILLE_REFRESH_LEASE', 1, 24 * 60 * 60)(raw) : 0),
  }),
  spec({
    key: 'refreshPollSeconds',
    env: 'VEILLE_REFRESH_POLL',
    default: '30',
    doc: 'Seconds a refresh process waits (± 25 % jitter) before looking again for due feeds when none is due. Fractions allowed.',
    parse: seconds('VEILLE_REFRESH_POLL', 0.05, 60 * 60),
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
  spec({
    key: 'loginMaxFailures',
    env: 'VEILLE_LOGIN_MAX_FAILURES',
    default: '10',
    doc: 'Wrong passwords accepted per minute from one client address and for one account; the next attempts are refused (HTTP 429) without checking the password until the minute has passed. Counted in the memory of each web process.',
    parse: integer('VEILLE_LOGIN_MAX_FAILURES', 1, 1000),
  }),
  spec({
    key: 'sessionDays',
    env: 'VEILLE_SESSION_DAYS',
    default: '30',
    doc: 'Lifetime in days of a "keep me logged in" session (never extended). Without that box, a session ends with the browser, and after 12 hours at most.',
    parse: integer('VEILLE_SESSION_DAYS', 1, 365),
  }),
  spec({
    key: 'trustedProxies',
    env: 'VEILLE_TRUSTED_PROXIES',
    default: '',
    doc: 'Comma-separated addresses or CIDRs of reverse proxies in front of Veille (e.g. `127.0.0.1/32,10.0.0.5`). Only requests whose socket comes from one of them have their `X-Forwarded-For` and `VEILLE_AUTH_PROXY_HEADER` honoured.',
    parse: (raw) =>
      raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
  }),
  spec({
    key: 'authProxyHeader',
    env: 'VEILLE_AUTH_PROXY_HEADER',
    default: '',
    doc: 'Header carrying the user name authenticated by a trusted reverse proxy (e.g. `Remote-User`). Honoured only from `VEILLE_TRUSTED_PROXIES`; the account must exist and be enabled. Empty: off.',
    parse: (raw) => {
      if (!raw) return null;
      if (!/^[A-Za-z0-9-]{1,64}$/.test(raw))
        throw new ConfigError(`config: VEILLE_AUTH_PROXY_HEADER must be a header name, got "${raw}"`);
      return raw.toLowerCase();
    },
  }),
  spec({
    key: 'metrics',
    env: 'VEILLE_METRICS',
    default: 'off',
    doc: 'Prometheus metrics at `/metrics`: `on` or `off`.',
    parse: (raw) => {
      if (raw === 'on' || raw === 'off') return raw === 'on';
      throw new ConfigError(`config: VEILLE_METRICS must be on or off, got "${raw}"`);
    },
  }),
  spec({
    key: 'metricsToken',
    env: 'VEILLE_METRICS_TOKEN',
    default: '',
    doc: 'When set, `/metrics` requires `Authorization: Bearer <this token>`.',
    parse: (raw) => raw || null,
  }),
  spec({
    key: 'oidcIssuer',
    env: 'VEILLE_OIDC_ISSUER',
    default: '',
    doc: 'OpenID Connect issuer URL (its `/.well-known/openid-configuration` is read). With `VEILLE_OIDC_CLIENT_ID`, the login page offers "Log in with single sign-on"; the redirect URI to register is `VEILLE_BASE_URL/login/oidc/callback`.',
    parse: (raw) => raw.replace(/\/$/, '') || null,
  }),
  spec({
    key: 'oidcClientId',
    env: 'VEILLE_OIDC_CLIENT_ID',
    default: '',
    doc: 'OpenID Connect client id.',
    parse: (raw) => raw || null,
  }),
  spec({
    key: 'oidcClientSecret',
    env: 'VEILLE_OIDC_CLIENT_SECRET',
    default: '',
    doc: 'OpenID Connect client secret (empty for a public client: PKCE alone).',
    parse: (raw) => raw || null,
  }),
  spec({
    key: 'imageProxy',
    env: 'VEILLE_IMAGE_PROXY',
    default: 'off',
    doc: "`on`: images, videos and audio of articles are loaded through Veille (`/proxy/img`, signed URLs, same private-address guard as feeds), so that feed sites and trackers never see readers' addresses; the Content-Security-Policy then allows images and media from Veille only. `off`: browsers load them directly.",
    parse: (raw) => {
      if (raw === 'on' || raw === 'off') return raw === 'on';
      throw new ConfigError(`config: VEILLE_IMAGE_PROXY must be on or off, got "${raw}"`);
    },
  }),
  spec({
    key: 'imageProxyMaxBytes',
    env: 'VEILLE_IMAGE_PROXY_MAX_BYTES',
    default: String(10 * 1024 * 1024),
    doc: 'Largest image or media file the image proxy serves, in bytes.',
    parse: integer('VEILLE_IMAGE_PROXY_MAX_BYTES', 1024, 1024 * 1024 * 1024),
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
  if (!config.refreshLeaseSeconds) config.refreshLeaseSeconds = config.fetchTimeoutSeconds + 60;
  if (config.refreshLeaseSeconds <= config.fetchTimeoutSeconds) {
    throw new ConfigError(
      `config: VEILLE_REFRESH_LEASE (${config.refreshLeaseSeconds}) must be longer than VEILLE_FETCH_TIMEOUT (${config.fetchTimeoutSeconds})`,
    );
  }
  return config;
}

/** The configuration table of the README. */
export function configMarkdownTable(): string {
  const rows = OPTIONS.map(
    (o) => `| \`${o.env}\` | ${o.default === '' ? '(empty)' : `\`${o.default}\``} | ${o.doc} |`,
  );
  return ['| Variable | Default | Meaning |', '| --- | --- | --- |', ...rows].join('\n');
}
