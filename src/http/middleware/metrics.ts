// Prometheus metrics (text exposition format 0.0.4) at /metrics, off unless VEILLE_METRICS=on.
// HTTP request counts and durations are counted in this process; the refresh state (feeds,
// failing feeds, due feeds = the refresh queue's depth, feeds being refreshed, last refresh
// durations) is read from the database, so it covers every worker process sharing it.
import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { sql } from 'kysely';
import type { AppEnv } from '../app-env.ts';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface HttpMetrics {
  middleware: MiddlewareHandler<AppEnv>;
  handler: (c: Context<AppEnv>) => Promise<Response>;
}

export function createHttpMetrics(): HttpMetrics {
  const requests = new Map<string, number>(); // `method status` → count
  const bucketCounts = BUCKETS.map(() => 0);
  let durationSum = 0;
  let durationCount = 0;

  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const seconds = (performance.now() - started) / 1000;
      const key = `${c.req.method} ${c.res.status}`;
      requests.set(key, (requests.get(key) ?? 0) + 1);
      durationSum += seconds;
      durationCount++;
      BUCKETS.forEach((b, i) => {
        if (seconds <= b) bucketCounts[i]!++;
      });
    }
  };

  const handler = async (c: Context<AppEnv>) => {
    const deps = c.get('deps');
    const token = deps.config.metricsToken;
    if (token) {
      const sent = Buffer.from(c.req.header('authorization') ?? '');
      const expected = Buffer.from(`Bearer ${token}`);
      if (sent.length !== expected.length || !timingSafeEqual(sent, expected))
        return c.text('metrics: bearer token required\n', 401, { 'www-authenticate': 'Bearer' });
    }
    const now = deps.now();
    const db = deps.database.db;
    const feeds = await db
      .selectFrom('feeds')
      .select([
        (e) => e.fn.countAll<number>().as('total'),
        sql<number>`sum(case when error_count > 0 then 1 else 0 end)`.as('failing'),
        sql<number>`sum(case when next_check_at <= ${now} and gone_at is null then 1 else 0 end)`.as('due'),
        sql<number>`sum(case when lease_until > ${now} then 1 else 0 end)`.as('leased'),
        sql<number>`sum(coalesce(last_duration_ms, 0))`.as('duration_ms'),
        sql<number>`sum(case when last_duration_ms is not null then 1 else 0 end)`.as('timed'),
        sql<number>`max(last_duration_ms)`.as('max_duration_ms'),
      ])
      .executeTakeFirstOrThrow();
    const users = await db
      .selectFrom('users')
      .select((e) => e.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const lines: string[] = [];
    const gauge = (name: string, help: string, value: number) =>
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name} ${value}`);
    gauge('veille_users', 'Accounts.', Number(users.n));
    gauge('veille_feeds', 'Feeds (shared rows).', Number(feeds.total));
    gauge('veille_feeds_failing', 'Feeds whose last check failed.', Number(feeds.failing ?? 0));
    gauge('veille_refresh_queue_depth', 'Feeds due for a check now.', Number(feeds.due ?? 0));
    gauge('veille_refresh_in_progress', 'Feeds claimed by a refresh process now.', Number(feeds.leased ?? 0));
    gauge(
      'veille_refresh_last_duration_seconds_sum',
      'Sum over feeds of the duration of their last refresh.',
      Number(feeds.duration_ms ?? 0) / 1000,
    );
    gauge(
      'veille_refresh_last_duration_seconds_count',
      'Feeds with a timed last refresh.',
      Number(feeds.timed ?? 0),
    );
    gauge(
      'veille_refresh_last_duration_seconds_max',
      'Longest last refresh.',
      Number(feeds.max_duration_ms ?? 0) / 1000,
    );
    lines.push('# HELP veille_http_requests_total HTTP requests answered by this process.');
    lines.push('# TYPE veille_http_requests_total counter');
    for (const [key, n] of [...requests].sort()) {
      const [method, status] = key.split(' ');
      lines.push(`veille_http_requests_total{method="${method}",status="${status}"} ${n}`);
    }
    lines.push('# HELP veille_http_request_duration_seconds Time to answer HTTP requests.');
    lines.push('# TYPE veille_http_request_duration_seconds histogram');
    BUCKETS.forEach((b, i) =>
      lines.push(`veille_http_request_duration_seconds_bucket{le="${b}"} ${bucketCounts[i]}`),
    );
    lines.push(`veille_http_request_duration_seconds_bucket{le="+Inf"} ${durationCount}`);
    lines.push(`veille_http_request_duration_seconds_sum ${durationSum}`);
    lines.push(`veille_http_request_duration_seconds_count ${durationCount}`);
    return c.body(lines.join('\n') + '\n', 200, {
      'content-type': 'text/plain; version=0.0.4; charset=utf-8',
    });
  };
  return { middleware, handler };
}
