// The guard against search regexes that backtrack catastrophically (ReDoS). A `/pattern/flags`
// term runs as a JavaScript RegExp in the web process (evaluate-query.ts, and SQLite's
// veille_regexp in regex-sql.ts), where a match that backtracks for seconds blocks every user's
// pages. The parser (parse-query.ts) refuses these patterns with a syntax error, so that SQLite,
// PostgreSQL (whose `~` would not blow up) and the in-process check give the same answer: none.
//
// Refused, each with the index the message points at:
// - patterns longer than REGEX_MAX_LENGTH (200) characters;
// - nested quantifiers: a repeated group (`*`, `+`, `{n,}`, `{n,m}` with m ≥ 2) holding, at any
//   depth, a quantifier whose count varies (`*`, `+`, `?`, `{n,m}` with m > n): `(a+)+`, `(a*)*`,
//   `(a+){2,}`, `(?:\w+\s?)*`, `(.*a){20}`. The ways such a group can split a text grow
//   exponentially (or as a power of the text's length);
// - a repeated group holding an alternation whose alternatives may start with the same character:
//   `(a|a)*b`, `(a|ab)+`. Compared on the first character only, conservatively: letters in either
//   case, whatever the flags; an alternative that starts with a class, `.`, `\d`-like escapes, an
//   assertion, something optional, or that may be empty is taken to overlap with every other;
// - back-references, `\1`…`\9` (also their legacy octal reading) and `\k<name>`: matching with
//   them has no efficient algorithm, and PostgreSQL cannot run them either;
// - a lookahead or lookbehind holding a quantifier whose count varies: `(?=.*x)`, `(?<=a+)b`;
// - a group repeated more than REGEX_MAX_GROUP_REPEAT (100) times: `{n,m}` with n or m over 100.
//
// Accepted, in particular: a repeated group of fixed-length pieces whose alternatives start
// differently, `(?:ab)+c`, `(foo|bar)+`, `(\d{3})+`: each repetition then has one way at most to
// match from a given position. A fixed count `{n}` is the atom written n times and is not a
// varying quantifier. Quantifiers on a single character or class (`[a-z]+ing\b`, `a{1,500}`), and a
// group made optional by `?` (`(Re: )?Bug \d+`), are accepted.
//
// Not covered: polynomial backtracking, from a varying quantifier retried at each start position
// or two quantifiers over the same characters in a row (`.*x`, `\w+\w+x`): harmless on ordinary
// text, slow on a long run of the same characters (`.*x` on 100,000 characters without "x": about
// 10 s). The second layer bounds those: a regex sees the first REGEX_TEXT_LIMIT characters of a
// value only (regex-sql.ts).
//
// The pattern must already be a valid RegExp without the u flag (parse-query.ts checks it first),
// read with the web-compatibility syntax (Annex B: a `{` or `]` that ends nothing is a literal).

export const REGEX_MAX_LENGTH = 200;
export const REGEX_MAX_GROUP_REPEAT = 100;

export interface RegexRefusal {
  /** The index in the pattern the reason is about. */
  index: number;
  reason: string;
}

class Refused extends Error {
  constructor(
    readonly index: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

const NESTED = 'a repeated group holding a quantifier (nested quantifiers) can make the search run forever';
const OVERLAP =
  'a repeated group whose alternatives can start with the same character can make the search run forever';
const BACK_REFERENCE = 'back-references (\\1, \\k<name>) are not accepted in a search';
const LOOKAROUND = 'a lookahead or lookbehind holding a quantifier can make the search run forever';
const COUNT = `a group repeated more than ${REGEX_MAX_GROUP_REPEAT} times is not accepted in a search`;

/**
 * The characters a piece can start with (literal code units, with their case variants), or null
 * when it may start with anything (a class, `.`, an assertion, something optional, nothing).
 */
type First = Set<string> | null;

/** What a disjunction (a group's content, or the whole pattern) holds. */
interface Summary {
  /** Whether it holds a quantifier whose count varies, at any depth. */
  varying: boolean;
  /** Whether it holds an alternation whose alternatives may start with the same character. */
  overlap: boolean;
  first: First;
}

/** Why `pattern` may backtrack catastrophically, or null when it is accepted. */
export function regexRefusal(pattern: string): RegexRefusal | null {
  if (pattern.length > REGEX_MAX_LENGTH)
    return {
      index: REGEX_MAX_LENGTH,
      reason: `the regular expression is longer than ${REGEX_MAX_LENGTH} characters`,
    };
  try {
    new Walker(pattern).check();
    return null;
  } catch (e) {
    if (e instanceof Refused) return { index: e.index, reason: e.reason };
    throw e;
  }
}

/** A literal character's set: the unit and its case mappings (a superset of what /i folds together). */
function literal(c: string): Set<string> {
  const set = new Set([c]);
  for (const v of [c.toLowerCase(), c.toUpperCase()]) if (v.length === 1) set.add(v);
  return set;
}

function union(a: First, b: First): First {
  if (a === null || b === null) return null;
  return new Set([...a, ...b]);
}

function intersects(a: Set<string>, b: Set<string>): boolean {
  for (const c of a) if (b.has(c)) return true;
  return false;
}

const SIMPLE_ESCAPES: Record<string, string> = { t: '\t', n: '\n', v: '\v', f: '\f', r: '\r' };

class Walker {
  private i = 0;
  constructor(private readonly pattern: string) {}

  check(): void {
    this.disjunction();
    // A valid pattern is read to its end; anything else is not understood, hence refused.
    if (this.i < this.pattern.length) throw new Refused(this.i, 'this regular expression cannot be checked');
  }

  private disjunction(): Summary {
    const alternatives = [this.alternative()];
    while (this.pattern[this.i] === '|') {
      this.i++;
      alternatives.push(this.alternative());
    }
    let varying = false;
    let overlap = false;
    let first: First = new Set();
    for (const a of alternatives) {
      varying ||= a.varying;
      overlap ||= a.overlap;
      first = union(first, a.first);
    }
    if (alternatives.length > 1) {
      const firsts = alternatives.map((a) => a.first);
      for (let x = 0; x < firsts.length && !overlap; x++)
        for (let y = x + 1; y < firsts.length && !overlap; y++) {
          const a = firsts[x]!;
          const b = firsts[y]!;
          overlap = a === null || b === null || intersects(a, b);
        }
    }
    return { varying, overlap, first };
  }

  private alternative(): Summary {
    const p = this.pattern;
    let varying = false;
    let overlap = false;
    let first: First = null;
    let terms = 0;
    while (this.i < p.length && p[this.i] !== '|' && p[this.i] !== ')') {
      const start = this.i;
      const atom = this.atom();
      const q = this.quantifier();
      if (atom.group) {
        const body = atom.group;
        if (atom.lookaround && body.varying) throw new Refused(start, LOOKAROUND);
        if (q && (q.min > REGEX_MAX_GROUP_REPEAT || (q.max !== Infinity && q.max > REGEX_MAX_GROUP_REPEAT)))
          throw new Refused(q.index, COUNT);
        if (q && q.max >= 2) {
          if (body.varying) throw new Refused(start, NESTED);
          if (body.overlap) throw new Refused(start, OVERLAP);
        }
        varying ||= body.varying;
        overlap ||= body.overlap;
      }
      if (q && q.max > q.min) varying = true;
      if (terms === 0) first = atom.zeroWidth || (q !== null && q.min === 0) ? null : atom.first;
      terms++;
    }
    return { varying, overlap, first };
  }

  /** One atom at i (past it on return). */
  private atom(): { first: First; zeroWidth: boolean; group?: Summary; lookaround?: boolean } {
    const p = this.pattern;
    const c = p[this.i]!;
    if (c === '^' || c === '$') {
      this.i++;
      return { first: null, zeroWidth: true };
    }
    if (c === '.') {
      this.i++;
      return { first: null, zeroWidth: false };
    }
    if (c === '[') {
      this.skipClass();
      return { first: null, zeroWidth: false };
    }
    if (c === '\\') return this.escape();
    if (c === '(') {
      this.i++;
      let lookaround = false;
      if (p[this.i] === '?') {
        const kind = p.slice(this.i, this.i + 3);
        if (kind.startsWith('?=') || kind.startsWith('?!')) {
          lookaround = true;
          this.i += 2;
        } else if (kind === '?<=' || kind === '?<!') {
          lookaround = true;
          this.i += 3;
        } else if (kind.startsWith('?<')) {
          // A named group: (?<name>
          const close = p.indexOf('>', this.i);
          if (close < 0) throw new Refused(this.i, 'this regular expression cannot be checked');
          this.i = close + 1;
        } else {
          // (?: and modifier groups such as (?i:
          const colon = p.indexOf(':', this.i);
          if (colon < 0) throw new Refused(this.i, 'this regular expression cannot be checked');
          this.i = colon + 1;
        }
      }
      const body = this.disjunction();
      if (p[this.i] !== ')') throw new Refused(this.i, 'this regular expression cannot be checked');
      this.i++;
      return { first: lookaround ? null : body.first, zeroWidth: lookaround, group: body, lookaround };
    }
    // Any other character, `]`, `{` and `}` included, stands for itself.
    this.i++;
    return { first: literal(c), zeroWidth: false };
  }

  /** An escape at i ("\"). */
  private escape(): { first: First; zeroWidth: boolean } {
    const p = this.pattern;
    const start = this.i;
    const c = p[this.i + 1];
    this.i += 2;
    if (c === undefined) throw new Refused(start, 'this regular expression cannot be checked');
    if (c >= '1' && c <= '9') throw new Refused(start, BACK_REFERENCE);
    if (c === 'k' && p[this.i] === '<') throw new Refused(start, BACK_REFERENCE);
    if (c === 'b' || c === 'B') return { first: null, zeroWidth: true };
    if (c in SIMPLE_ESCAPES) return { first: literal(SIMPLE_ESCAPES[c]!), zeroWidth: false };
    if (c === 'x' || c === 'u') {
      const digits = p.slice(this.i, this.i + (c === 'x' ? 2 : 4));
      if (digits.length === (c === 'x' ? 2 : 4) && /^[0-9a-fA-F]+$/.test(digits)) {
        this.i += digits.length;
        return { first: literal(String.fromCharCode(parseInt(digits, 16))), zeroWidth: false };
      }
      return { first: literal(c), zeroWidth: false };
    }
    if (/[0-9A-Za-z]/.test(c)) {
      // \d \w \s and their negations, \0, \cX: may be many characters (\cX: skip the letter).
      if (c === 'c' && /[A-Za-z]/.test(p[this.i] ?? '')) this.i++;
      return { first: null, zeroWidth: false };
    }
    // An identity escape: \( \. \/ …
    return { first: literal(c), zeroWidth: false };
  }

  /** Skips a class `[…]` (i at "["): in JavaScript `[]` is empty and `[^]` any character. */
  private skipClass(): void {
    const p = this.pattern;
    this.i++;
    if (p[this.i] === '^') this.i++;
    while (this.i < p.length && p[this.i] !== ']') this.i += p[this.i] === '\\' ? 2 : 1;
    if (this.i >= p.length) throw new Refused(this.i, 'this regular expression cannot be checked');
    this.i++;
  }

  /** A quantifier at i (past it and its lazy "?" on return), or null. */
  private quantifier(): { min: number; max: number; index: number } | null {
    const p = this.pattern;
    const index = this.i;
    const c = p[index];
    let min: number;
    let max: number;
    if (c === '*' || c === '+' || c === '?') {
      min = c === '+' ? 1 : 0;
      max = c === '?' ? 1 : Infinity;
      this.i++;
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(index));
      if (!m) return null;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      this.i += m[0].length;
    } else return null;
    if (p[this.i] === '?') this.i++;
    return { min, max, index };
  }
}
