import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lexemeText, tsvectorText } from './search-index-values.ts';

const doc = (titleTokens: string[], bodyTokens: string[]) => ({
  titleTokens,
  bodyTokens,
  authorText: '\n\n',
  urlText: '',
  tagText: '\n\n',
});

test('tsvector text: positions in order of first use, title A, body B one position apart, quoted lexemes', () => {
  assert.equal(tsvectorText(doc(['a', "o'k"], ['a', 'x\\y', 'a'])), "'a':1A,4B,6B 'o''k':2A 'x\\\\y':5B");
  assert.equal(lexemeText('plain'), "'plain'");
});

test('tsvector text: past the last position, a new token keeps the last one and known ones stop growing', () => {
  const body = [...new Array<string>(16_385).fill('t'), 'z', 't'];
  const text = tsvectorText(doc([], body));
  const [t, z] = text.split(' ');
  assert.equal(t!.split(',').length, 16_382); // positions 2…16383
  assert.ok(t!.endsWith(',16383B'));
  assert.equal(z, "'z':16383B");
});
