import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestApp } from '../test-app.ts';

test('/metrics is off by default', async () => {
  const t = await createTestApp();
  try {
    const res = await t.app.request('http://localhost/metrics');
    assert.notEqual(res.status, 200);
    assert.doesNotMatch(await res.text(), /veille_/);
  } finally {
    await t.close();
  }
});

test('/metrics with VEILLE_METRICS=on: Prometheus text, bearer token when configured', async () => {
  const t = await createTestApp({ VEILLE_METRICS: 'on', VEILLE_METRICS_TOKEN: 's3cret' });
  try {
    await t.app.request('http://localhost/login');
    assert.equal((await t.app.request('http://localhost/metrics')).status, 401);
    const wrong = await t.app.request('http://localhost/metrics', {
      headers: { authorization: 'Bearer nope' },
    });
    assert.equal(wrong.status, 401);
    const res = await t.app.request('http://localhost/metrics', {
      headers: { authorization: 'Bearer s3cret' },
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/plain; version=0\.0\.4/);
    const body = await res.text();
    assert.match(body, /^veille_refresh_queue_depth 0$/m);
    assert.match(body, /^veille_feeds_failing 0$/m);
    assert.match(body, /^veille_http_requests_total\{method="GET",status="302"\} 1$/m);
    assert.match(body, /^veille_http_request_duration_seconds_count \d+$/m);
  } finally {
    await t.close();
  }
});
