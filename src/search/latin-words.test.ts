import assert from 'node:assert/strict';
import { test } from 'node:test';
import { latinWordsOf } from './latin-words.ts';
import { foldText, segmentedWordsOf, wordsOf } from './normalize-text.ts';

/** Every code unit the fast path accepts. */
function acceptedChars(): string[] {
  const out: string[] = [];
  for (const [first, last] of [
    [0x0000, 0x024f],
    [0x2000, 0x206f],
    [0x20a0, 0x20cf],
  ] as const)
    for (let c: number = first; c <= last; c++) if (c !== 0x200d) out.push(String.fromCharCode(c));
  return out;
}

test('Latin text: the same words as Intl.Segmenter for every accepted character in every context', () => {
  const contexts = [
    (c: string) => c,
    (c: string) => `a${c}b`,
    (c: string) => ` ${c} `,
    (c: string) => `1${c}2`,
    (c: string) => `${c}${c}x`,
    (c: string) => `É${c}ß`,
    (c: string) => `don${c}t 3${c}14 _${c}_`,
    (c: string) => `x.${c}.y`,
  ];
  let compared = 0;
  for (const c of acceptedChars()) {
    for (const context of contexts) {
      const text = context(c);
      assert.deepEqual(latinWordsOf(text, foldText), segmentedWordsOf(text), JSON.stringify(text));
      compared++;
    }
  }
  assert.ok(compared > 5000);
});

test('Latin text: the same words as Intl.Segmenter on random texts', () => {
  const all = acceptedChars();
  const common = [
    ...'abcdefghijklmnopqrstuvwxyzABCXYZ0123456789',
    ...'       \n\t.,;:!?\'"-_()/&@#%+=*<>',
    ...'éèàùçœæÉßñøåüöäÿ’‘“”—–…«»€£©®°×·\u00ad\u00a0\u200b\u200c\u2011',
  ];
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let n = 0; n < 3000; n++) {
    const length = 1 + Math.floor(random() * 40);
    let text = '';
    for (let i = 0; i < length; i++) {
      const pool = random() < 0.9 ? common : all;
      text += pool[Math.floor(random() * pool.length)];
    }
    assert.deepEqual(latinWordsOf(text, foldText), segmentedWordsOf(text), JSON.stringify(text));
  }
});

test('text with other scripts is left to Intl.Segmenter', () => {
  assert.equal(latinWordsOf('東京の天気', foldText), null);
  assert.equal(latinWordsOf('Привет мир', foldText), null);
  assert.equal(latinWordsOf('café ™', foldText), null);
  assert.equal(latinWordsOf('s\u200d©', foldText), null);
  assert.deepEqual(wordsOf('東京の天気'), segmentedWordsOf('東京の天気'));
  assert.deepEqual(wordsOf('Crème brûlée — l’été… 1½ µm'), ['creme', 'brulee', 'l', 'ete', '11', '2', 'μm']);
});
