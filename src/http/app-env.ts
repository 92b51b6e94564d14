// What every request handler can reach: dependencies, and per-request values set by middleware.
import type { Config } from '../config/config.ts';
import type { Logger } from '../lib/logger.ts';
import type { Fetcher } from '../reader/fetch/create-fetcher.ts';
import type { RefreshSummary } from '../refresh/refresh-feeds.ts';
import type { Database } from '../storage/database.ts';
import type { User } from '../storage/schema.ts';
import type { Translator } from '../i18n/i18n.ts';
import type { HttpSecurity } from './middleware/http-security.ts';

export interface AppDeps {
  database: Database;
  config: Config;
  fetcher: Fetcher;
  log: Logger;
  now: () => number;
  /** One-time code that lets a non-loopback client create the first account; null once used. */
  setupCode: { value: string | null };
  /** Refreshes the given feeds now (used after adding a feed and by the refresh button). */
  refreshFeedIds: (feedIds: number[]) => Promise<RefreshSummary>;
}

export interface AppEnv {
  Variables: {
    deps: AppDeps;
    user: User | null;
    sessionId: string | null;
    csrfToken: string;
    tr: Translator;
    secureCookies: boolean;
    /** Per-app security state: login rate limiter, trusted proxies (see http-security.ts). */
    security: HttpSecurity;
    /** The client's address (socket, or X-Forwarded-For from a trusted proxy). */
    clientIp: string | null;
    /** When the password was last entered in this session (login or re-authentication). */
    sessionReauthAt: number | null;
  };
}
