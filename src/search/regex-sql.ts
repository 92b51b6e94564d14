// Search regexes (`/pattern/flags`, flags i and m) run inside the database, so that a regex search
// reads only the rows it matches instead of reading every candidate out to test it in process:
// - SQLite: a deterministic user function veille_regexp(pattern, flags, value, kind) registered on
//   every connection (sqlite-connection.ts), running the very JavaScript RegExp the in-process
//   evaluator runs (evaluate-query.ts), on the same values: exact by construction;
// - PostgreSQL: `~` with the pattern translated from JavaScript syntax to PostgreSQL's ARE
//   (postgresRegex below), only for what translates exactly; anything else stays with the LIKE
//   pre-selection and the in-process check (query-to-sql.ts).
// This file is loaded with every SQLite connection: it imports nothing.

/**
 * A regex sees the first REGEX_TEXT_LIMIT characters of a value only, here, in the in-process
 * evaluator (evaluate-query.ts) and in PostgreSQL (`left(value, REGEX_TEXT_LIMIT) ~ …`,
 * query-to-sql.ts): the second layer after the parser's guard (regex-safety.ts), which refuses the
 * patterns whose backtracking explodes but not those that cost the square of the text's length
 * (`.*x`); a feed may send megabytes. Counted in characters, as PostgreSQL's left() counts them (a
 * character outside the BMP is one, not two UTF-16 units), so every path sees the same text. A
 * match past the limit is not found, and `$` also matches where the text is cut.
 */
export const REGEX_TEXT_LIMIT = 100_000;

/** `text` cut to its first REGEX_TEXT_LIMIT characters. */
export function regexText(text: string): string {
  if (text.length <= REGEX_TEXT_LIMIT) return text;
  let end = 0;
  for (let n = 0; n < REGEX_TEXT_LIMIT && end < text.length; n++) {
    const unit = text.charCodeAt(end);
    const pair = unit >= 0xd800 && unit <= 0xdbff && (text.charCodeAt(end + 1) & 0xfc00) === 0xdc00;
    end += pair ? 2 : 1;
  }
  return text.slice(0, end);
}

/** What veille_regexp's last argument says the value is. */
export const REGEX_VALUE = { text: 0, authorsJson: 1, tagsJson: 2 } as const;

const compiled = new Map<string, RegExp>();

/**
 * The SQLite function veille_regexp: 1 when the regex matches the value as the in-process
 * evaluator sees it (null: ''; authors and tags: the JSON column, one name or tag per line; the
 * first REGEX_TEXT_LIMIT characters).
 */
export function sqliteRegexp(pattern: unknown, flags: unknown, value: unknown, kind: unknown): number {
  const key = `${String(flags)}/${String(pattern)}`;
  let re = compiled.get(key);
  if (re === undefined) {
    re = new RegExp(String(pattern), String(flags));
    if (compiled.size >= 64) compiled.clear();
    compiled.set(key, re);
  }
  // Flags are only i and m (parse-query.ts): test() keeps no state between rows.
  re.lastIndex = 0;
  let text: string;
  if (value === null || value === undefined) text = '';
  else if (kind === REGEX_VALUE.authorsJson) text = jsonLines(String(value), true);
  else if (kind === REGEX_VALUE.tagsJson) text = jsonLines(String(value), false);
  else text = String(value);
  return re.test(regexText(text)) ? 1 : 0;
}

/**
 * The authors' names (people: [{name}], empty names left out) or the tags of a JSON column, one a
 * line: what the stream rows give the in-process evaluator (streams.ts, stream-search.ts).
 */
function jsonLines(json: string, people: boolean): string {
  let list: unknown;
  try {
    list = JSON.parse(json);
  } catch {
    return '';
  }
  if (!Array.isArray(list)) return '';
  if (!people) return list.join('\n');
  const names: string[] = [];
  for (const p of list as { name?: unknown }[]) {
    const name = p?.name;
    if (name !== undefined && name !== null && name !== '') names.push(String(name));
  }
  return names.join('\n');
}

/** A JavaScript search regex in PostgreSQL's syntax (ARE), for `~`. */
export interface PostgresRegex {
  pattern: string;
  /**
   * True when the pattern has a construct that matches one UTF-16 code unit whatever it is (`.`,
   * a negated class, \D \W \S): JavaScript (without the u flag) may match half of a character
   * outside the Basic Multilingual Plane (an emoji) there, PostgreSQL sees the whole character.
   * The translation is then exact only on text without such characters.
   */
  unitSensitive: boolean;
}

/** Characters outside the BMP, as an ARE bracket expression. */
export const ASTRAL_CLASS = '[\u{10000}-\u{10ffff}]';

const LINE_TERMINATORS = [0x0a, 0x0d, 0x2028, 0x2029];
/** JavaScript's \s: WhiteSpace and LineTerminator. */
const SPACES = [
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006,
  0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff,
];
const WORD_ARE = '[A-Za-z0-9_]';

class Untranslatable extends Error {}

/** A set of UTF-16 code units. */
type UnitSet = Uint8Array;

function unitSet(): UnitSet {
  return new Uint8Array(0x10000);
}

function addRange(set: UnitSet, from: number, to: number): void {
  set.fill(1, from, to + 1);
}

function addClassEscape(set: UnitSet, letter: string): void {
  const lower = letter.toLowerCase();
  const part = unitSet();
  if (lower === 'd') addRange(part, 0x30, 0x39);
  else if (lower === 'w') {
    addRange(part, 0x30, 0x39);
    addRange(part, 0x41, 0x5a);
    addRange(part, 0x61, 0x7a);
    part[0x5f] = 1;
  } else for (const c of SPACES) part[c] = 1;
  const negate = letter !== lower;
  for (let c = 0; c < 0x10000; c++) if (part[c] !== (negate ? 1 : 0)) set[c] = 1;
}

/** Canonicalize (ECMAScript, ignoreCase without u): the simple uppercase, never non-ASCII → ASCII. */
function canonicalize(unit: number): number {
  const upper = String.fromCharCode(unit).toUpperCase();
  if (upper.length !== 1) return unit;
  const u = upper.charCodeAt(0);
  return unit >= 128 && u < 128 ? unit : u;
}

/** For each code unit, the units with the same canonical form under /i (built on first use). */
let caseGroups: { canon: Uint16Array; members: Map<number, number[]> } | null = null;

function groupsUnderIgnoreCase(): { canon: Uint16Array; members: Map<number, number[]> } {
  if (caseGroups) return caseGroups;
  const canon = new Uint16Array(0x10000);
  const members = new Map<number, number[]>();
  for (let c = 0; c < 0x10000; c++) {
    const k = canonicalize(c);
    canon[c] = k;
    if (k !== c || members.has(k)) {
      const list = members.get(k) ?? [k];
      if (!list.includes(c)) list.push(c);
      members.set(k, list);
    }
  }
  caseGroups = { canon, members };
  return caseGroups;
}

/** The code units a RegExp with /i (no u) takes for `unit`, `unit` included. */
export function caseVariants(unit: number): number[] {
  const { canon, members } = groupsUnderIgnoreCase();
  return members.get(canon[unit]!) ?? [unit];
}

/** The units a class matches under /i: every unit whose canonical form is some member's. */
function ignoreCaseClosure(set: UnitSet): UnitSet {
  const { canon, members } = groupsUnderIgnoreCase();
  const out = unitSet();
  for (let c = 0; c < 0x10000; c++) {
    if (set[c] !== 1) continue;
    out[c] = 1;
    const group = members.get(canon[c]!);
    if (group) for (const m of group) out[m] = 1;
  }
  return out;
}

function isSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdfff;
}

/** A character written inside an ARE bracket expression. */
function bracketChar(unit: number): string {
  const c = String.fromCharCode(unit);
  return '\\]^-['.includes(c) ? `\\${c}` : c;
}

/** A character written outside brackets. */
function literalChar(c: string): string {
  return /^[\x20-\x7e]$/.test(c) && !/[A-Za-z0-9]/.test(c) ? `\\${c}` : c;
}

/** The members of a set (NUL and surrogates left out: PostgreSQL text holds neither) as bracket ranges. */
function bracketRanges(set: UnitSet): string {
  let out = '';
  for (let c = 1; c < 0x10000; c++) {
    if (set[c] !== 1 || isSurrogate(c)) continue;
    let end = c;
    while (end + 1 < 0x10000 && set[end + 1] === 1 && !isSurrogate(end + 1)) end++;
    out +=
      end === c
        ? bracketChar(c)
        : end === c + 1
          ? bracketChar(c) + bracketChar(end)
          : `${bracketChar(c)}-${bracketChar(end)}`;
    c = end;
  }
  return out;
}

/**
 * `pattern` (with `flags`, a subset of "im") in PostgreSQL's ARE syntax, matching exactly the
 * strings the JavaScript RegExp matches (see PostgresRegex.unitSensitive), or null when the
 * pattern uses something this translation does not cover (back-references, lookarounds, named
 * groups, octal escapes, classes of surrogates, bounds over 255…).
 */
export function postgresRegex(pattern: string, flags: string): PostgresRegex | null {
  if (/[^im]/.test(flags)) return null;
  const ignoreCase = flags.includes('i');
  const multiline = flags.includes('m');
  let i = 0;
  let unitSensitive = false;
  const fail = (): never => {
    throw new Untranslatable();
  };

  /** A set of units as an ARE atom. */
  const setAtom = (members: UnitSet, negated: boolean): string => {
    const set = ignoreCase ? ignoreCaseClosure(members) : members;
    if (negated) {
      unitSensitive = true;
      const ranges = bracketRanges(set);
      // [^] (nothing excluded) is any character: ARE's "." outside newline-sensitive mode.
      return ranges ? `[^${ranges}]` : '.';
    }
    for (let c = 0xd800; c <= 0xdfff; c++) if (set[c] === 1) fail();
    const ranges = bracketRanges(set);
    if (!ranges) fail(); // [] matches nothing: rare, left to the in-process check
    return `[${ranges}]`;
  };

  const literal = (unit: number): string => {
    if (unit === 0 || isSurrogate(unit)) fail();
    if (ignoreCase) {
      const { canon, members } = groupsUnderIgnoreCase();
      const group = members.get(canon[unit]!);
      if (group && group.length > 1) {
        const set = unitSet();
        for (const m of group) set[m] = 1;
        return `[${bracketRanges(set)}]`;
      }
    }
    return literalChar(String.fromCharCode(unit));
  };

  const hex = (length: number): number | null => {
    const digits = pattern.slice(i, i + length);
    if (digits.length !== length || !/^[0-9a-fA-F]+$/.test(digits)) return null;
    i += length;
    return parseInt(digits, 16);
  };

  /**
   * An escape after "\" (i is past the backslash): a unit, or a class escape letter, or an
   * assertion ("b", "B", outside classes only).
   */
  const escape = (inClass: boolean): { unit: number } | { classEscape: string } | { assertion: string } => {
    const c = pattern[i++];
    if (c === undefined) return fail();
    if ('dDwWsS'.includes(c)) return { classEscape: c };
    if (c === 'b') return inClass ? { unit: 8 } : { assertion: 'b' };
    if (c === 'B') return inClass ? { unit: 0x42 } : { assertion: 'B' };
    const simple: Record<string, number> = { t: 9, n: 10, v: 11, f: 12, r: 13 };
    if (c in simple) return { unit: simple[c]! };
    if (/[0-9]/.test(c)) return fail(); // \0 (NUL), back-references and octal escapes
    if (c === 'x' || c === 'u') {
      const unit = hex(c === 'x' ? 2 : 4);
      return unit === null ? fail() : { unit };
    }
    if (c === 'c') {
      const letter = pattern[i];
      if (letter === undefined || !/[A-Za-z]/.test(letter)) return fail();
      i++;
      return { unit: letter.charCodeAt(0) % 32 };
    }
    if (c === 'k') return fail();
    // Any other character stands for itself (identity escape, without the u flag).
    return { unit: c.charCodeAt(0) };
  };

  const bracketClass = (): string => {
    // i is past "[".
    const negated = pattern[i] === '^';
    if (negated) i++;
    const set = unitSet();
    const item = (): { unit: number } | { classEscape: string } => {
      const c = pattern[i];
      if (c === undefined) return fail();
      if (c === '\\') {
        i++;
        const e = escape(true);
        if ('assertion' in e) return fail();
        return e;
      }
      i++;
      return { unit: c.charCodeAt(0) };
    };
    while (pattern[i] !== ']') {
      const first = item();
      if (pattern[i] === '-' && pattern[i + 1] !== ']' && pattern[i + 1] !== undefined) {
        i++;
        const last = item();
        if ('classEscape' in first || 'classEscape' in last) fail(); // [\d-z]: Annex B oddity
        const from = (first as { unit: number }).unit;
        const to = (last as { unit: number }).unit;
        if (from > to) fail();
        addRange(set, from, to);
      } else if ('classEscape' in first) addClassEscape(set, first.classEscape);
      else set[first.unit] = 1;
    }
    i++;
    return setAtom(set, negated);
  };

  const lineStart = `(?<![^${LINE_TERMINATORS.map(bracketChar).join('')}])`;
  const lineEnd = `(?![^${LINE_TERMINATORS.map(bracketChar).join('')}])`;
  const boundary = `(?:(?<=${WORD_ARE})(?!${WORD_ARE})|(?<!${WORD_ARE})(?=${WORD_ARE}))`;
  const notBoundary = `(?:(?<=${WORD_ARE})(?=${WORD_ARE})|(?<!${WORD_ARE})(?!${WORD_ARE}))`;

  /** A quantifier at i, or "" (lazy ones become greedy: only whether a match exists counts). */
  const quantifier = (): string => {
    const c = pattern[i];
    let q: string;
    if (c === '*' || c === '+' || c === '?') {
      q = c;
      i++;
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
      if (!m) return '';
      if (Number(m[1]) > 255 || (m[3] !== undefined && m[3] !== '' && Number(m[3]) > 255)) fail();
      q = m[0];
      i += m[0].length;
    } else return '';
    if (pattern[i] === '?') i++;
    return q;
  };

  const disjunction = (): string => {
    const alternatives = [alternative()];
    while (pattern[i] === '|') {
      i++;
      alternatives.push(alternative());
    }
    return alternatives.join('|');
  };

  const alternative = (): string => {
    let out = '';
    while (i < pattern.length && pattern[i] !== '|' && pattern[i] !== ')') {
      const c = pattern[i]!;
      let atom: string;
      let quantifiable = true;
      if (c === '^' || c === '$') {
        i++;
        atom = c === '^' ? (multiline ? lineStart : '^') : multiline ? lineEnd : '$';
        quantifiable = false;
      } else if (c === '.') {
        i++;
        const set = unitSet();
        for (const t of LINE_TERMINATORS) set[t] = 1;
        atom = setAtom(set, true);
      } else if (c === '(') {
        i++;
        if (pattern[i] === '?') {
          if (pattern[i + 1] !== ':') fail(); // lookarounds and named groups
          i += 2;
        }
        atom = `(?:${disjunction()})`;
        if (pattern[i] !== ')') fail();
        i++;
      } else if (c === '[') {
        i++;
        atom = bracketClass();
      } else if (c === '\\') {
        i++;
        const e = escape(false);
        if ('assertion' in e) {
          atom = e.assertion === 'b' ? boundary : notBoundary;
          quantifiable = false;
        } else if ('classEscape' in e) {
          const lower = e.classEscape.toLowerCase();
          const set = unitSet();
          addClassEscape(set, lower);
          atom = setAtom(set, lower !== e.classEscape);
        } else atom = literal(e.unit);
      } else if (c === '*' || c === '+' || c === '?' || c === ')') {
        return fail();
      } else if (c === '{' && /^\{\d+(,\d*)?\}/.test(pattern.slice(i))) {
        return fail();
      } else {
        const unit = c.charCodeAt(0);
        i++;
        if (unit >= 0xd800 && unit <= 0xdbff && /[\udc00-\udfff]/.test(pattern[i] ?? '')) {
          // A character outside the BMP: its two units in a row are that character, unless a
          // quantifier repeats the second one alone.
          const pair = c + pattern[i]!;
          i++;
          if (quantifier() !== '') fail();
          out += pair;
          continue;
        }
        atom = literal(unit);
      }
      const q = quantifier();
      if (q && !quantifiable) fail();
      out += atom + q;
    }
    return out;
  };

  try {
    const translated = disjunction();
    if (i !== pattern.length) return null;
    return { pattern: translated, unitSensitive };
  } catch (err) {
    if (err instanceof Untranslatable) return null;
    throw err;
  }
}
