// Walks the OpenAPI document against a listening Veille, on SQLite and PostgreSQL: every
// operation answers a valid request with its documented success status and a body its schema
// accepts (no undocumented field), answers the documented errors (401 without credentials, 400 for
// malformed ids, bodies and query parameters, 404 for unknown ids) with the Error schema, and
// every /api/v1 route of the server is in the document.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabaseKinds } from '../../../storage/test-databases.ts';
import { createJsonApiFixture, type JsonApiFixture } from './json-api-fixture.ts';
import { JSON_API_BASE } from './json-api.ts';
import { OPENAPI_DOCUMENT } from './openapi.ts';
import { resolveRef, schemaProblems } from './schema-problems.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- the document and answers are walked as JSON */

type Obj = Record<string, any>;
const METHODS = ['get', 'post', 'put', 'delete'] as const;
const doc = OPENAPI_DOCUMENT as Obj;

function deref(node: Obj): Obj {
  return typeof node.$ref === 'string' ? resolveRef(doc, node.$ref) : node;
}

/** "GET /feeds/{feed_id}" → its operation, parameters (path-level and own) included. */
function operations(): Map<string, { path: string; method: string; op: Obj; params: Obj[] }> {
  const out = new Map();
  for (const [path, item] of Object.entries(doc.paths as Obj)) {
    for (const method of METHODS) {
      const op = (item as Obj)[method];
      if (!op) continue;
      const params = [...((item as Obj).parameters ?? []), ...(op.parameters ?? [])].map(deref);
      out.set(`${method.toUpperCase()} ${path}`, { path, method, op, params });
    }
  }
  return out;
}

/** Every $ref anywhere in the document. */
function refsOf(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refsOf(n, out));
  else if (node && typeof node === 'object')
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refsOf(v, out);
    }
  return out;
}

interface Sent {
  path: string;
  body?: unknown;
}

for (const kind of testDatabaseKinds()) {
  describe(`OpenAPI document against the server (${kind.name})`, { skip: kind.skip }, () => {
    let f: JsonApiFixture;
    const ids = { feed: 0, category: 0, label: 0, entry: 0 };
    let serial = 0;

    async function made(path: string, body: unknown): Promise<number> {
      const r = await f.call(f.alice, 'POST', path, body);
      assert.equal(r.status, 201, `${path}: ${JSON.stringify(r.json)}`);
      return (r.json as Obj).id;
    }
    /** A fresh feed with 3 entries, subscribed by alice. */
    async function newFeed(): Promise<number> {
      const path = `/walk${++serial}.xml`;
      f.setFeed(path, `Walk ${serial}`, 3);
      return made('/feeds', { feed_url: f.feedBase + path });
    }

    // A valid request for every operation, in the order they run (deletions act on fresh things).
    const VALID: Record<string, () => Promise<Sent>> = {
      'GET /openapi.json': async () => ({ path: '/openapi.json' }),
      'GET /me': async () => ({ path: '/me' }),
      'GET /feeds': async () => ({ path: '/feeds' }),
      'POST /feeds': async () => {
        f.setFeed('/created.xml', 'Created', 2);
        return {
          path: '/feeds',
          body: { feed_url: `${f.feedBase}/created.xml`, category_id: ids.category, title: 'Made here' },
        };
      },
      'GET /feeds/{feed_id}': async () => ({ path: `/feeds/${ids.feed}` }),
      'PUT /feeds/{feed_id}': async () => ({
        path: `/feeds/${ids.feed}`,
        body: { title: 'Renamed', category_id: ids.category, priority: 2, muted: false },
      }),
      'POST /feeds/{feed_id}/mark-all-as-read': async () => ({
        path: `/feeds/${ids.feed}/mark-all-as-read`,
        body: { up_to_entry_id: ids.entry },
      }),
      'DELETE /feeds/{feed_id}': async () => ({ path: `/feeds/${await newFeed()}` }),
      'GET /categories': async () => ({ path: '/categories' }),
      'POST /categories': async () => ({ path: '/categories', body: { title: 'Another' } }),
      'PUT /categories/{category_id}': async () => ({
        path: `/categories/${ids.category}`,
        body: { title: 'Renamed category' },
      }),
      'POST /categories/{category_id}/mark-all-as-read': async () => ({
        path: `/categories/${ids.category}/mark-all-as-read`,
      }),
      'DELETE /categories/{category_id}': async () => ({
        path: `/categories/${await made('/categories', { title: `Gone ${++serial}` })}`,
      }),
      'GET /entries': async () => ({
        path: `/entries?feed_id=${ids.feed}&status=all&starred=false&search=item&order=published&direction=asc&limit=2`,
      }),
      'PUT /entries': async () => ({
        path: '/entries',
        body: { entry_ids: [ids.entry], status: 'unread', starred: true },
      }),
      'GET /entries/{entry_id}': async () => ({ path: `/entries/${ids.entry}` }),
      'PUT /entries/{entry_id}/labels/{label_id}': async () => ({
        path: `/entries/${ids.entry}/labels/${ids.label}`,
      }),
      'DELETE /entries/{entry_id}/labels/{label_id}': async () => ({
        path: `/entries/${ids.entry}/labels/${ids.label}`,
      }),
      'GET /labels': async () => ({ path: '/labels' }),
      'POST /labels': async () => ({ path: '/labels', body: { title: 'New label' } }),
      'PUT /labels/{label_id}': async () => ({
        path: `/labels/${ids.label}`,
        body: { title: 'Renamed label' },
      }),
      'DELETE /labels/{label_id}': async () => ({
        path: `/labels/${await made('/labels', { title: `Gone ${++serial}` })}`,
      }),
      'GET /counters': async () => ({ path: '/counters' }),
    };

    before(async () => {
      f = await createJsonApiFixture(kind);
      ids.category = await made('/categories', { title: 'Walk' });
      ids.label = await made('/labels', { title: 'Walk' });
      ids.feed = await newFeed();
      const page = await f.call(f.alice, 'GET', `/entries?feed_id=${ids.feed}`);
      assert.equal((page.json as Obj).entries.length, 3, JSON.stringify(page.json));
      ids.entry = (page.json as Obj).entries[1].id;
    });
    after(() => f.close());

    test('the document is OpenAPI 3.1, its $refs resolve, operation ids are unique; it is what is served', async () => {
      assert.equal(doc.openapi, '3.1.0');
      for (const ref of refsOf(doc)) assert.doesNotThrow(() => resolveRef(doc, ref), ref);
      const opIds = [...operations().values()].map((o) => o.op.operationId);
      assert.equal(new Set(opIds).size, opIds.length);
      assert.ok(opIds.every((id) => typeof id === 'string'));
      const served = await f.call(null, 'GET', '/openapi.json');
      assert.deepEqual(served.json, JSON.parse(JSON.stringify(OPENAPI_DOCUMENT)));
    });

    test('every /api/v1 route of the server is in the document, and every operation is on the server', () => {
      const onServer = new Set(
        f.app.routes
          .filter(
            (r) => r.path.startsWith(`${JSON_API_BASE}/`) && r.method !== 'ALL' && r.method !== 'OPTIONS',
          )
          .map((r) => `${r.method} ${r.path.slice(JSON_API_BASE.length).replace(/:([a-z_]+)/g, '{$1}')}`),
      );
      assert.deepEqual([...onServer].sort(), [...operations().keys()].sort());
      assert.deepEqual(
        Object.keys(VALID).sort(),
        [...operations().keys()].sort(),
        'the walk covers every operation',
      );
    });

    test('every operation answers a valid request as documented', async () => {
      const ops = operations();
      for (const [key, build] of Object.entries(VALID)) {
        const { op } = ops.get(key)!;
        const sent = await build();
        if (sent.body !== undefined) {
          const schema = op.requestBody.content['application/json'].schema;
          assert.deepEqual(
            schemaProblems(doc, schema, sent.body),
            [],
            `${key}: the request body fits its schema`,
          );
        }
        const r = await f.call(
          op.security?.length === 0 ? null : f.alice,
          key.split(' ')[0]!,
          sent.path,
          sent.body,
        );
        const success = Object.keys(op.responses).filter((s) => s.startsWith('2'));
        assert.equal(success.length, 1, key);
        assert.equal(String(r.status), success[0], `${key}: ${JSON.stringify(r.json)}`);
        const response = deref(op.responses[success[0]!]);
        if (response.content) {
          assert.match(r.res.headers.get('content-type') ?? '', /^application\/json/, key);
          const problems = schemaProblems(doc, response.content['application/json'].schema, r.json, {
            closed: true,
          });
          assert.deepEqual(problems, [], key);
        } else {
          assert.equal(r.json, null, `${key}: no body`);
        }
        if (key === 'GET /entries') assert.ok((r.json as Obj).next_cursor, 'a first page of 2 has a cursor');
      }
    });

    async function documentedError(key: string, status: string, path: string, body?: unknown, auth = true) {
      const { op } = operations().get(key)!;
      assert.ok(op.responses[status], `${key} documents ${status}`);
      const r = await f.call(auth ? f.alice : null, key.split(' ')[0]!, path, body);
      assert.equal(String(r.status), status, `${key} ${path}: ${JSON.stringify(r.json)}`);
      const schema = deref(op.responses[status]).content['application/json'].schema;
      assert.deepEqual(schemaProblems(doc, schema, r.json, { closed: true }), [], `${key} ${status}`);
    }

    test('documented errors: 401 without credentials, 400 for malformed ids, bodies and parameters, 404 for unknown ids', async () => {
      for (const [key, { path, op, params }] of operations()) {
        const fill = (value: string) => path.replace(/\{[a-z_]+\}/g, value);
        if (op.security?.length !== 0) await documentedError(key, '401', fill('1'), undefined, false);
        if (params.some((p) => p.in === 'path')) {
          await documentedError(key, '400', fill('abc'));
          await documentedError(key, '404', fill('987654321'));
        }
        if (op.requestBody) await documentedError(key, '400', fill(String(ids.feed)), '{"not json');
        for (const p of params.filter((x) => x.in === 'query')) {
          const s = p.schema;
          const bad =
            s.type === 'integer'
              ? 'abc'
              : s.type === 'boolean'
                ? 'maybe'
                : s.enum
                  ? 'nonsense'
                  : s.maxLength
                    ? 'a'.repeat(s.maxLength + 1)
                    : 'not-a-cursor';
          await documentedError(key, '400', `${path}?${p.name}=${bad}`);
        }
      }
    });
  });
}
