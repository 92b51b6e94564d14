import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_WORD_LENGTH,
  foldText,
  searchTokens,
  segmentedWordsOf,
  stemLanguageOf,
  stemVariants,
  wordsOf,
} from './normalize-text.ts';

test('folding: lowercase, accents and compatibility forms, kana voicing kept', () => {
  assert.equal(foldText('Crème Brûlée ÉCOLE'), 'creme brulee ecole');
  assert.equal(foldText('ﬁne ＡＢＣ'), 'fine abc');
  assert.equal(foldText('が'), 'が');
});

test('French stemming: plurals, feminines, adverbs, participles', () => {
  assert.deepEqual(searchTokens('développeurs', 'fr'), searchTokens('développeur', 'fr-FR'));
  assert.deepEqual(searchTokens('développeuse', 'fr'), ['developpeur']);
  assert.deepEqual(searchTokens('journaux chevaux rapidement actives naturelles anciennes', 'fr'), [
    'journal',
    'cheval',
    'rapid',
    'actif',
    'naturel',
    'ancien',
  ]);
  assert.deepEqual(searchTokens('développer développé développées', 'fr'), [
    'developp',
    'developp',
    'developp',
  ]);
});

test('English stemming: plurals, -ing, -ed', () => {
  assert.deepEqual(searchTokens('running developers studies developed makes making', 'en-US'), [
    'run',
    'developer',
    'study',
    'develop',
    'mak',
    'mak',
  ]);
  assert.deepEqual(searchTokens('class glass', 'en'), ['class', 'glass']);
});

test('other languages are not stemmed', () => {
  assert.equal(stemLanguageOf('de'), 'none');
  assert.equal(stemLanguageOf(null), 'none');
  assert.equal(stemLanguageOf('French'), 'none');
  assert.deepEqual(searchTokens('developers', 'de'), ['developers']);
});

test('CJK text is cut into words', () => {
  assert.deepEqual(searchTokens('我爱北京天安门', 'zh'), ['我', '爱', '北京', '天安门']);
  assert.ok(searchTokens('東京都に住んでいる', 'ja').includes('東京'));
});

test('punctuation splits words as the SQLite unicode61 tokenizer would', () => {
  assert.deepEqual(searchTokens('l’homme e.g. foo-bar', null), ['l', 'homme', 'e', 'g', 'foo', 'bar']);
});

test('query words are stemmed under every language', () => {
  assert.deepEqual(stemVariants('développeurs'), [['developpeurs'], ['developpeur']]);
  assert.deepEqual(stemVariants('running dogs'), [
    ['running', 'dogs'],
    ['running', 'dog'],
    ['run', 'dog'],
  ]);
  assert.deepEqual(stemVariants('& !'), []);
});

test('a word longer than MAX_WORD_LENGTH is cut to it, never inside a surrogate pair', () => {
  assert.deepEqual(wordsOf(`a ${'b'.repeat(MAX_WORD_LENGTH + 10)} c`), [
    'a',
    'b'.repeat(MAX_WORD_LENGTH),
    'c',
  ]);
  // A Gothic letter takes two code units: cutting at 500 would leave half of it.
  const astral = `${'b'.repeat(MAX_WORD_LENGTH - 1)}𐌰𐌰 c`;
  assert.deepEqual(wordsOf(astral), ['b'.repeat(MAX_WORD_LENGTH - 1), 'c']);
});

test('long text that Intl.Segmenter must read gives the same words when read in pieces', () => {
  const parts = ['東京の天気', 'hello', 'café', '😀', 'Привет', 'мир', '中文分词测试', 'x1', 'naïve'];
  let text = '';
  for (let i = 0; text.length < 9000; i++) text += parts[i % parts.length] + (i % 7 === 0 ? '\n' : ' ');
  assert.ok(text.length > 4000);
  assert.deepEqual(wordsOf(text), segmentedWordsOf(text));
});
