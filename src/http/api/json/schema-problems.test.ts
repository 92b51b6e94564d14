// The schema checker the OpenAPI test relies on finds what it must find (so that a passing
// OpenAPI walk means something).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { schemaProblems } from './schema-problems.ts';

const doc = {
  components: {
    schemas: {
      Thing: {
        type: 'object',
        required: ['id', 'name', 'at'],
        properties: {
          id: { type: 'integer', minimum: 1 },
          name: { type: ['string', 'null'], maxLength: 5 },
          at: { type: 'string', format: 'date-time' },
          kind: { type: 'string', enum: ['a', 'b'] },
          tags: { type: 'array', items: { type: 'string' }, maxItems: 2 },
        },
      },
      Map: { type: 'object', additionalProperties: { type: 'integer' } },
    },
  },
};
const thing = { $ref: '#/components/schemas/Thing' };

test('a valid value has no problem, nullable fields accept null', () => {
  assert.deepEqual(schemaProblems(doc, thing, { id: 1, name: null, at: '2025-01-01T00:00:00.000Z' }), []);
  assert.deepEqual(
    schemaProblems(doc, thing, { id: 2, name: 'abc', at: '2025-01-01T00:00:00Z', kind: 'b', tags: ['x'] }),
    [],
  );
  assert.deepEqual(schemaProblems(doc, { $ref: '#/components/schemas/Map' }, { '12': 3 }), []);
});

test('each kind of difference is reported with its path', () => {
  const problems = schemaProblems(
    doc,
    thing,
    { id: 0.5, name: 'too long', at: 'yesterday', kind: 'c', tags: ['x', 1, 'z'], extra: true },
    { closed: true },
  );
  assert.deepEqual(problems, [
    '$.id: expected integer, got number',
    '$.name: longer than 5',
    '$.at: "yesterday" is not a date-time',
    '$.kind: "c" is not one of ["a","b"]',
    '$.tags: more than 2 items',
    '$.tags[1]: expected string, got integer',
    '$: unexpected property extra',
  ]);
  assert.deepEqual(schemaProblems(doc, thing, { id: 1 }), [
    '$: missing required name',
    '$: missing required at',
  ]);
  assert.deepEqual(schemaProblems(doc, thing, [1]), ['$: expected object, got array']);
  assert.deepEqual(schemaProblems(doc, thing, { id: 0, name: null, at: '2025-01-01T00:00:00Z' }), [
    '$.id: 0 < minimum 1',
  ]);
  assert.deepEqual(schemaProblems(doc, { $ref: '#/components/schemas/Map' }, { a: 'x' }), [
    '$.a: expected integer, got string',
  ]);
  assert.throws(() => schemaProblems(doc, { $ref: '#/components/schemas/Nope' }, 1), /points nowhere/);
});
