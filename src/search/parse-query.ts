// FreshRSS's search grammar (its docs/en/users/filtering-articles.md) parsed into one AST used by
// the SQL translation and by the in-process evaluator. Grammar:
//   query  := or
//   or     := and ( "OR" and )*
//   and    := unary+
//   unary  := ("!" | "-") unary | "(" or ")" | term
//   term   := [operator ":" | "#"] (quoted | /regex/flags | plain)
// A space is AND; OR is case-insensitive; `\(` `\)` and quotes make literal parentheses.
// Regexes that can backtrack catastrophically, or longer than 200 characters, are refused as
// syntax errors (regex-safety.ts).
import { regexRefusal } from './regex-safety.ts';

/** Text fields: free text (title and content), intitle:, intext:, inurl:, author:, #tag. */
export type TextField = 'any' | 'title' | 'content' | 'url' | 'author' | 'tag';
export type IdField = 'feed' | 'category' | 'entry' | 'label';
/** date: reception (the entry id), pubdate:, mdate: (server modification), userdate: (user state change). */
export type DateField = 'received' | 'published' | 'modified' | 'user';

export interface Duration {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

/** A bound of a date interval: an absolute time (ms, UTC) or "now minus a duration". */
export type DateBound = { at: number } | { beforeNow: Duration };

export type SearchNode =
  | { kind: 'and'; children: SearchNode[] }
  | { kind: 'or'; children: SearchNode[] }
  | { kind: 'not'; child: SearchNode }
  | { kind: 'text'; field: TextField; value: string; quoted: boolean }
  | { kind: 'regex'; field: TextField; pattern: string; flags: string }
  | { kind: 'ids'; field: IdField; ids: number[] }
  | { kind: 'any-label' }
  | { kind: 'label-name'; names: string[] }
  /** from inclusive, to exclusive; null = unbounded (a beforeNow `from` with null `to` means "until now"). */
  | { kind: 'date'; field: DateField; from: DateBound | null; to: DateBound | null }
  | { kind: 'saved-query'; names: string[]; positions: number[] };

export class SearchSyntaxError extends Error {
  /** 0-based offset in the query; the message says column position + 1. */
  readonly position: number;
  constructor(position: number, detail: string) {
    super(`search: ${detail} at column ${position + 1}`);
    this.name = 'SearchSyntaxError';
    this.position = position;
  }
}

const TEXT_OPERATORS: Record<string, TextField> = {
  intitle: 'title',
  intext: 'content',
  inurl: 'url',
  author: 'author',
};
const ID_OPERATORS: Record<string, IdField> = { f: 'feed', c: 'category', e: 'entry', L: 'label' };
const DATE_OPERATORS: Record<string, DateField> = {
  date: 'received',
  pubdate: 'published',
  mdate: 'modified',
  userdate: 'user',
};
const OPERATOR = /^(intitle|intext|inurl|author|f|c|e|L|labels?|date|pubdate|mdate|userdate|search|S):/;

type Token =
  { type: '(' | ')' | 'or' | 'not'; pos: number } | { type: 'term'; pos: number; node: SearchNode };

/** Parses a search; throws SearchSyntaxError. An empty or blank query gives null (no filter). */
export function parseSearchQuery(query: string): SearchNode | null {
  const tokens = tokenize(query);
  if (tokens.length === 0) return null;
  const parser = new Parser(tokens, query.length);
  const node = parser.parseOr();
  parser.expectEnd();
  return node;
}

/** parseSearchQuery as a value: the AST, or the error message (for the UI). */
export function searchQueryOrError(
  query: string,
): { ok: true; node: SearchNode | null } | { ok: false; error: SearchSyntaxError } {
  try {
    return { ok: true, node: parseSearchQuery(query) };
  } catch (e) {
    if (e instanceof SearchSyntaxError) return { ok: false, error: e };
    throw e;
  }
}

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly length: number,
  ) {}

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  parseOr(): SearchNode {
    const children = [this.parseAnd()];
    while (this.peek()?.type === 'or') {
      this.i++;
      children.push(this.parseAnd());
    }
    return children.length === 1 ? children[0]! : { kind: 'or', children };
  }

  private parseAnd(): SearchNode {
    const children: SearchNode[] = [];
    for (;;) {
      const t = this.peek();
      if (!t || t.type === ')' || t.type === 'or') break;
      children.push(this.parseUnary());
    }
    if (children.length === 0) {
      const t = this.peek();
      const pos = t?.pos ?? this.length;
      if (t?.type === 'or') throw new SearchSyntaxError(pos, 'OR needs a search on each side');
      if (t?.type === ')') throw new SearchSyntaxError(pos, 'nothing to search before ")"');
      throw new SearchSyntaxError(pos, 'a search is missing after OR');
    }
    return children.length === 1 ? children[0]! : { kind: 'and', children };
  }

  private parseUnary(): SearchNode {
    const t = this.peek()!;
    if (t.type === 'not') {
      this.i++;
      const next = this.peek();
      if (!next || next.type === ')' || next.type === 'or')
        throw new SearchSyntaxError(t.pos, 'nothing to negate after "!" or "-"');
      return { kind: 'not', child: this.parseUnary() };
    }
    if (t.type === '(') {
      this.i++;
      if (this.peek()?.type === ')') throw new SearchSyntaxError(t.pos, 'empty parentheses');
      const inner = this.parseOr();
      if (this.peek()?.type !== ')') throw new SearchSyntaxError(t.pos, 'this "(" is never closed');
      this.i++;
      return inner;
    }
    if (t.type === 'term') {
      this.i++;
      return t.node;
    }
    throw new SearchSyntaxError(t.pos, 'unexpected token');
  }

  expectEnd(): void {
    const t = this.peek();
    if (t) throw new SearchSyntaxError(t.pos, t.type === ')' ? 'this ")" has no "("' : 'unexpected token');
  }
}

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = query.length;
  const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);
  while (i < n) {
    const c = query[i]!;
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')') {
      tokens.push({ type: c, pos: i });
      i++;
      continue;
    }
    // OR between spaces (or parentheses / the ends).
    if (
      /^or$/i.test(query.slice(i, i + 2)) &&
      (i + 2 >= n || isSpace(query[i + 2]) || query[i + 2] === '(')
    ) {
      tokens.push({ type: 'or', pos: i });
      i += 2;
      continue;
    }
    if ((c === '!' || c === '-') && i + 1 < n && !isSpace(query[i + 1]) && query[i + 1] !== ')') {
      tokens.push({ type: 'not', pos: i });
      i++;
      continue;
    }
    const term = readTerm(query, i);
    tokens.push({ type: 'term', pos: i, node: term.node });
    i = term.end;
  }
  return tokens;
}

/** One term starting at `start`: returns its node and the offset after it. */
function readTerm(query: string, start: number): { node: SearchNode; end: number } {
  let i = start;
  let operator: string | null = null;
  const op = OPERATOR.exec(query.slice(i));
  if (op) {
    operator = op[1]!;
    i += op[0].length;
  } else if (query[i] === '#') {
    operator = '#';
    i++;
  }
  const textField: TextField | null =
    operator === null ? 'any' : operator === '#' ? 'tag' : (TEXT_OPERATORS[operator] ?? null);
  const valueStart = i;

  // /regex/flags on text operators.
  if (textField && query[i] === '/') {
    const r = readRegex(query, i);
    return { node: { kind: 'regex', field: textField, pattern: r.pattern, flags: r.flags }, end: r.end };
  }
  let value: string;
  let quoted = false;
  if (query[i] === '"' || query[i] === "'") {
    const q = readQuoted(query, i);
    value = q.value;
    quoted = true;
    i = q.end;
  } else {
    const p = readPlain(query, i);
    value = p.value;
    i = p.end;
  }
  if (operator !== null && value === '')
    throw new SearchSyntaxError(
      valueStart,
      `a value is missing after "${operator === '#' ? '#' : `${operator}:`}"`,
    );
  return { node: termNode(operator, textField, value, quoted, valueStart, start), end: i };
}

function termNode(
  operator: string | null,
  textField: TextField | null,
  value: string,
  quoted: boolean,
  valueStart: number,
  start: number,
): SearchNode {
  if (operator === null) return { kind: 'text', field: 'any', value, quoted };
  if (operator === '#') {
    // #tag+with+whitespace
    return { kind: 'text', field: 'tag', value: quoted ? value : value.replace(/\+/g, ' '), quoted };
  }
  if (textField) return { kind: 'text', field: textField, value, quoted };
  const idField = ID_OPERATORS[operator];
  if (idField) {
    if (idField === 'label' && value === '*') return { kind: 'any-label' };
    return { kind: 'ids', field: idField, ids: idList(value, valueStart, operator) };
  }
  if (operator === 'label' || operator === 'labels') {
    const names = (operator === 'labels' ? value.split(',') : [value]).map((s) => s.trim()).filter(Boolean);
    if (names.length === 0)
      throw new SearchSyntaxError(valueStart, `a label name is missing after "${operator}:"`);
    return { kind: 'label-name', names };
  }
  const dateField = DATE_OPERATORS[operator];
  if (dateField) return { kind: 'date', field: dateField, ...parseDateInterval(value, valueStart) };
  if (operator === 'search') return { kind: 'saved-query', names: [value], positions: [] };
  if (operator === 'S') return { kind: 'saved-query', names: [], positions: idList(value, valueStart, 'S') };
  throw new SearchSyntaxError(start, `unknown operator "${operator}:"`);
}

function idList(value: string, pos: number, operator: string): number[] {
  if (!/^[0-9]+(,[0-9]+)*$/.test(value))
    throw new SearchSyntaxError(pos, `"${operator}:" takes numbers separated by commas, not "${value}"`);
  return value.split(',').map(Number);
}

function readQuoted(query: string, start: number): { value: string; end: number } {
  const quote = query[start]!;
  let value = '';
  let i = start + 1;
  while (i < query.length && query[i] !== quote) {
    if (query[i] === '\\' && i + 1 < query.length && query[i + 1] === quote) i++;
    value += query[i];
    i++;
  }
  if (i >= query.length) throw new SearchSyntaxError(start, `the quote ${quote} is never closed`);
  return { value, end: i + 1 };
}

/** A bare value: up to a space or an unescaped parenthesis; `\x` is a literal x. */
function readPlain(query: string, start: number): { value: string; end: number } {
  let value = '';
  let i = start;
  while (i < query.length) {
    const c = query[i]!;
    if (/\s/.test(c) || c === '(' || c === ')') break;
    if (c === '\\' && i + 1 < query.length) {
      value += query[i + 1];
      i += 2;
      continue;
    }
    value += c;
    i++;
  }
  return { value, end: i };
}

function readRegex(query: string, start: number): { pattern: string; flags: string; end: number } {
  let i = start + 1;
  let pattern = '';
  /** Where each character of the pattern is in the query (for the error's column). */
  const at: number[] = [];
  while (i < query.length && query[i] !== '/') {
    if (query[i] === '\\' && i + 1 < query.length) {
      // \/ is a literal slash; other escapes are the regex's own.
      if (query[i + 1] === '/') {
        pattern += '/';
        at.push(i);
      } else {
        pattern += query.slice(i, i + 2);
        at.push(i, i + 1);
      }
      i += 2;
      continue;
    }
    pattern += query[i];
    at.push(i);
    i++;
  }
  if (i >= query.length)
    throw new SearchSyntaxError(start, 'the regular expression is never closed with "/"');
  i++;
  let flags = '';
  while (i < query.length && /[a-z]/i.test(query[i]!)) {
    if (!'im'.includes(query[i]!) || flags.includes(query[i]!))
      throw new SearchSyntaxError(i, `unknown regular expression flag "${query[i]}" (only i and m)`);
    flags += query[i];
    i++;
  }
  try {
    new RegExp(pattern, flags);
  } catch {
    throw new SearchSyntaxError(start, `invalid regular expression /${pattern}/`);
  }
  // Patterns that can backtrack catastrophically are refused (regex-safety.ts).
  const refusal = regexRefusal(pattern);
  if (refusal) throw new SearchSyntaxError(at[refusal.index] ?? start, refusal.reason);
  return { pattern, flags, end: i };
}

// ---- Dates (ISO 8601 intervals, UTC) ----

const ZERO: Duration = { years: 0, months: 0, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 };

/** date: values. Exported for tests. */
export function parseDateInterval(
  value: string,
  pos: number,
): { from: DateBound | null; to: DateBound | null } {
  const bad = (why: string) => new SearchSyntaxError(pos, `${why} in the date "${value}"`);
  let left: string;
  let right: string | null;
  const slash = value.indexOf('/');
  const dashes = value.indexOf('--');
  if (slash >= 0) {
    left = value.slice(0, slash);
    right = value.slice(slash + 1);
  } else if (dashes >= 0) {
    left = value.slice(0, dashes);
    right = value.slice(dashes + 2);
  } else {
    left = value;
    right = null;
  }
  const leftDuration = left ? durationOf(left) : null;
  const rightDuration = right ? durationOf(right) : null;
  if (leftDuration && rightDuration) throw bad('two durations');
  // P1W, P1W/ : from now - duration until now.
  if (leftDuration && !right) return { from: { beforeNow: leftDuration }, to: null };
  if (!left && rightDuration) throw bad('"/P…" (older than) is not supported, use !date:P…');
  if (!left && !right) throw bad('an empty interval');
  const leftParts = left && !leftDuration ? dateParts(left) : null;
  if (left && !leftDuration && !leftParts) throw bad('an unknown date form');
  if (right === null) {
    const p = leftParts!;
    return { from: { at: startOf(p) }, to: { at: endOf(p) } };
  }
  let rightParts: number[] | null = null;
  if (right && !rightDuration) {
    rightParts = dateParts(right, leftParts ?? undefined);
    if (!rightParts) throw bad('an unknown date form');
  }
  if (leftDuration)
    return {
      from: { at: addDuration(endOf(rightParts!), leftDuration, -1) },
      to: { at: endOf(rightParts!) },
    };
  if (rightDuration)
    return {
      from: { at: startOf(leftParts!) },
      to: { at: addDuration(startOf(leftParts!), rightDuration, 1) },
    };
  return {
    from: leftParts ? { at: startOf(leftParts) } : null,
    to: rightParts ? { at: endOf(rightParts) } : null,
  };
}

function durationOf(text: string): Duration | null {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i.exec(
    text,
  );
  if (!m || text.length < 3 || /T$/i.test(text)) return null;
  const [, y, mo, w, d, h, mi, s] = m;
  return {
    ...ZERO,
    years: Number(y ?? 0),
    months: Number(mo ?? 0),
    weeks: Number(w ?? 0),
    days: Number(d ?? 0),
    hours: Number(h ?? 0),
    minutes: Number(mi ?? 0),
    seconds: Number(s ?? 0),
  };
}

/**
 * A date's components [year, month, day, hour, minute, second] as far as given. A right-hand
 * side without a year takes its leading components from the left one: 2014-02/04, 22:00/15.
 */
function dateParts(text: string, base?: number[]): number[] | null {
  let parts: number[];
  const compact = /^(\d{4})(\d{2})(\d{2})?$/.exec(text);
  if (compact)
    parts = compact
      .slice(1)
      .filter((x) => x !== undefined)
      .map(Number);
  else {
    const m = /^(\d{1,4})((?:[-:T]\d{1,2})*)$/.exec(text);
    if (!m) return null;
    const pieces = text.split(/[-:T]/);
    if (pieces.some((p) => p === '')) return null;
    parts = pieces.map(Number);
    if (m[1]!.length !== 4) {
      if (!base || parts.length > base.length) return null;
      parts = [...base.slice(0, base.length - parts.length), ...parts];
    }
  }
  if (parts.length > 6) return null;
  const limits = [
    [0, 9999],
    [1, 12],
    [1, 31],
    [0, 23],
    [0, 59],
    [0, 59],
  ];
  for (let k = 0; k < parts.length; k++)
    if (parts[k]! < limits[k]![0]! || parts[k]! > limits[k]![1]!) return null;
  return parts;
}

function startOf(p: number[]): number {
  return Date.UTC(p[0]!, (p[1] ?? 1) - 1, p[2] ?? 1, p[3] ?? 0, p[4] ?? 0, p[5] ?? 0);
}

/** The end (exclusive) of a date given to the precision of its last component. */
function endOf(p: number[]): number {
  const q = [...p];
  q[q.length - 1]!++;
  return Date.UTC(q[0]!, (q[1] ?? 1) - 1, q[2] ?? 1, q[3] ?? 0, q[4] ?? 0, q[5] ?? 0);
}

/** `time` plus (sign 1) or minus (sign -1) a duration, calendar months and years in UTC. */
export function addDuration(time: number, d: Duration, sign: 1 | -1): number {
  const t = new Date(time);
  t.setUTCFullYear(t.getUTCFullYear() + sign * d.years, t.getUTCMonth() + sign * d.months);
  const ms = ((((d.weeks * 7 + d.days) * 24 + d.hours) * 60 + d.minutes) * 60 + d.seconds) * 1000;
  return t.getTime() + sign * ms;
}

/** A bound in ms given the current time. */
export function boundTime(bound: DateBound, nowMs: number): number {
  return 'at' in bound ? bound.at : addDuration(nowMs, bound.beforeNow, -1);
}

/** A compact, stable printed form of an AST (tests, logs). */
export function printSearchNode(node: SearchNode): string {
  switch (node.kind) {
    case 'and':
      return `(and ${node.children.map(printSearchNode).join(' ')})`;
    case 'or':
      return `(or ${node.children.map(printSearchNode).join(' ')})`;
    case 'not':
      return `(not ${printSearchNode(node.child)})`;
    case 'text':
      return `${node.field}:${JSON.stringify(node.value)}${node.quoted ? 'q' : ''}`;
    case 'regex':
      return `${node.field}:/${node.pattern}/${node.flags}`;
    case 'ids':
      return `${node.field}=${node.ids.join(',')}`;
    case 'any-label':
      return 'label=*';
    case 'label-name':
      return `label-name=${node.names.map((s) => JSON.stringify(s)).join(',')}`;
    case 'date':
      return `${node.field}[${printBound(node.from)},${printBound(node.to)})`;
    case 'saved-query':
      return `saved(${[...node.names.map((s) => JSON.stringify(s)), ...node.positions.map(String)].join(',')})`;
  }
}

function printBound(b: DateBound | null): string {
  if (b === null) return '';
  if ('at' in b) return new Date(b.at).toISOString().replace('.000Z', 'Z');
  const d = b.beforeNow;
  const date = `${d.years ? `${d.years}Y` : ''}${d.months ? `${d.months}M` : ''}${d.weeks ? `${d.weeks}W` : ''}${d.days ? `${d.days}D` : ''}`;
  const time = `${d.hours ? `${d.hours}H` : ''}${d.minutes ? `${d.minutes}M` : ''}${d.seconds ? `${d.seconds}S` : ''}`;
  return `now-P${date}${time ? `T${time}` : ''}`;
}
