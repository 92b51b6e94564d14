import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readJsonLenient } from './read-json-lenient.ts';

describe('readJsonLenient', () => {
  it('reads well-formed JSON as JSON.parse does', () => {
    const text = '{"a": [1, {"b": "c\\n\\u00e9"}], "d": null, "e": true, "f": -1.5e3}';
    assert.deepEqual(readJsonLenient(text), { value: JSON.parse(text), fault: null });
  });

  it('keeps the complete items before a truncation and says where it stops', () => {
    const lines = [
      '{',
      '    "id": "user/alice/state/org.freshrss/starred",',
      '    "items": [',
      '{"title": "one"},',
      '{"title": "two"},',
      '{"title": "thr',
    ];
    const { value, fault } = readJsonLenient(lines.join('\n'));
    assert.deepEqual(value, {
      id: 'user/alice/state/org.freshrss/starred',
      items: [{ title: 'one' }, { title: 'two' }],
    });
    assert.equal(fault?.line, 6);
    assert.equal(fault?.column, 11);
    assert.match(fault?.message ?? '', /never ends \(truncated\?\)/);
    assert.equal(fault?.inArray, 'items');
    assert.equal(fault?.completeElements, 2);
  });

  it('reports a stray character with its line and column, and a top-level array', () => {
    const { value, fault } = readJsonLenient('[\n  {"a": 1},\n  {"a": 2 "b": 3}\n]');
    assert.deepEqual(value, [{ a: 1 }]);
    assert.deepEqual(
      { line: fault?.line, column: fault?.column, inArray: fault?.inArray, n: fault?.completeElements },
      { line: 3, column: 11, inArray: '', n: 1 },
    );
    assert.match(fault?.message ?? '', /expected "," or "}", found "\\""/);
  });

  it('says when the text ends early outside a string', () => {
    const { fault } = readJsonLenient('{"entries": [{"id": 1}, {"id": 2},');
    assert.match(fault?.message ?? '', /the text ends where a value was expected \(truncated\?\)/);
    assert.equal(fault?.completeElements, 2);
  });
});
