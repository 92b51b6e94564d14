// Bytes that declare no encoding and are not UTF-8 → the most likely legacy encoding, by which
// candidate decodes them into the common letters of its language (a small chardet). Bounded:
// only the first 64 KB are looked at.

interface Candidate {
  /** TextDecoder label. */
  label: string;
  /** Multi-byte encodings reject most foreign bytes, so a clean decoding is strong evidence. */
  multiByte: boolean;
  /** The name reported to users (as Python's chardet names it). */
  name: string;
  common: (code: number) => boolean;
}

const inRange = (code: number, from: number, to: number): boolean => code >= from && code <= to;
const setOf = (chars: string): Set<number> => new Set([...chars].map((c) => c.codePointAt(0) ?? 0));

const KANA_OR_PUNCT = (c: number): boolean =>
  inRange(c, 0x3000, 0x30ff) || inRange(c, 0xff01, 0xff5e) || COMMON_KANJI.has(c);
const COMMON_KANJI = setOf('日本人年大中会事時出自分生行見上下今新気手方全前後合同者地動作学');
const COMMON_HANZI = setOf(
  '的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心本前开但因只从想实日者意无力与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应系列新闻网站',
);
const COMMON_HANZI_TRADITIONAL = setOf(
  '的一是不了在人有我他這個們中來上大為和國地到以說時要就出會可也你對生能而子那得於著下自之年過發後作裡用道行所然家種事成方多經麼去法學如都同現當沒動面起看定天分還進好小部其些主樣理心本前開但因只從想實日者意無力與長把機十民第公此已工使情明性知全三又關點正業外將兩高間由問很最重並物手應新聞網站',
);
const COMMON_HANGUL = setOf(
  '이다는에의하고로을를가한서지기들도있사니그수어게것나대요면리해시자인으부만정적보일전아주우라되',
);
// The most frequent letters of each language: a wrong single-byte table spreads text over other ones.
const COMMON_RUSSIAN = setOf('оеаинтсрвлкмОЕАИНТСРВЛКМ');
const COMMON_HEBREW = setOf('יוהלארמבנשת');
const COMMON_THAI = setOf('านรอกเมงยิ่ดวัลทส้ีบคหป');
const COMMON_LATIN = setOf('éèàçüöäßñáíóúâêîôûëïÉÀÇÜÖÄÑ«»’“”–—…€£°ø');

const CANDIDATES: Candidate[] = [
  { multiByte: true, label: 'shift_jis', name: 'shift_jis', common: KANA_OR_PUNCT },
  { multiByte: true, label: 'euc-jp', name: 'euc-jp', common: KANA_OR_PUNCT },
  { multiByte: true, label: 'euc-kr', name: 'euc-kr', common: (c) => COMMON_HANGUL.has(c) },
  {
    multiByte: true,
    label: 'gb18030',
    name: 'gb2312',
    common: (c) => COMMON_HANZI.has(c) || inRange(c, 0xff01, 0xff5e) || inRange(c, 0x3000, 0x3011),
  },
  {
    multiByte: true,
    label: 'big5',
    name: 'big5',
    common: (c) =>
      COMMON_HANZI_TRADITIONAL.has(c) || inRange(c, 0xff01, 0xff5e) || inRange(c, 0x3000, 0x3011),
  },
  // First of the single-byte tables: the usual mislabelling wins ties. Node 20 decodes 0x80–0x9F as C1 controls.
  {
    multiByte: false,
    label: 'windows-1252',
    name: 'windows-1252',
    common: (c) => COMMON_LATIN.has(c) || inRange(c, 0x80, 0x9f),
  },
  { multiByte: false, label: 'koi8-r', name: 'koi8-r', common: (c) => COMMON_RUSSIAN.has(c) },
  { multiByte: false, label: 'windows-1251', name: 'windows-1251', common: (c) => COMMON_RUSSIAN.has(c) },
  { multiByte: false, label: 'windows-1255', name: 'windows-1255', common: (c) => COMMON_HEBREW.has(c) },
  { multiByte: false, label: 'windows-874', name: 'tis-620', common: (c) => COMMON_THAI.has(c) },
];

const SAMPLE_BYTES = 64 * 1024;

/** The best candidate, or null when none reads the bytes into mostly common letters. */
export function guessedEncoding(bytes: Uint8Array): { label: string; name: string } | null {
  const sample = bytes.subarray(0, SAMPLE_BYTES);
  let best: Candidate | null = null;
  let bestScore = 0.3;
  for (const candidate of CANDIDATES) {
    let text: string;
    try {
      text = new TextDecoder(candidate.label, { fatal: candidate.label !== 'windows-1252' }).decode(sample);
    } catch {
      // A multi-byte sequence cut by the sample's end is not a reason to rule a candidate out.
      if (sample.length === bytes.length) continue;
      text = new TextDecoder(candidate.label).decode(sample);
    }
    let nonAscii = 0;
    let common = 0;
    for (const char of text) {
      const code = char.codePointAt(0) ?? 0;
      if (code < 0x80) continue;
      nonAscii++;
      if (candidate.common(code)) common++;
    }
    if (nonAscii === 0) return null;
    const score = common / nonAscii;
    // Any clean multi-byte reading beats the single-byte tables, which read anything.
    if (best?.multiByte && !candidate.multiByte) break;
    if (score > bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best ? { label: best.label, name: best.name } : null;
}
