// A resolved search (evaluate-query.ts's resolveSearchNode) as a SQL condition on an entries row
// aliased `e`, for SQLite (FTS5 MATCH) and PostgreSQL (tsquery), with the semantics of
// entryMatchesSearch. Regex terms run in the database (regex-sql.ts): on SQLite through the
// veille_regexp function, exactly; on PostgreSQL through `~` when the pattern translates exactly.
// A PostgreSQL regex that does not becomes "maybe": where it makes the result wider, the LIKE of
// the literals every match contains (regex-literals.ts) or true; false under an odd number of
// negations; the caller then keeps only the rows entryMatchesSearch accepts
// (searchNeedsProcessCheck says when).
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Dialect } from '../storage/database.ts';
import { entryIdAt } from '../storage/entries.ts';
import { foldText, stemVariants } from './normalize-text.ts';
import { boundTime, type SearchNode, type TextField } from './parse-query.ts';
import { requiredLiterals } from './regex-literals.ts';
import {
  ASTRAL_CLASS,
  postgresRegex,
  REGEX_TEXT_LIMIT,
  REGEX_VALUE,
  type PostgresRegex,
} from './regex-sql.ts';
import { lexemeText } from './search-index.ts';

export interface SearchSqlOptions {
  dialect: Dialect;
  /** Whose labels, categories and states the search means. */
  userId: number;
  nowMs: number;
}

const TRUE = sql<SqlBool>`(1 = 1)`;
const FALSE = sql<SqlBool>`(1 = 0)`;

/**
 * Whether some rows the SQL accepts must still be checked in process: PostgreSQL regex terms that
 * do not translate exactly (never on SQLite).
 */
export function searchNeedsProcessCheck(node: SearchNode, dialect: Dialect): boolean {
  switch (node.kind) {
    case 'and':
    case 'or':
      return node.children.some((c) => searchNeedsProcessCheck(c, dialect));
    case 'not':
      return searchNeedsProcessCheck(node.child, dialect);
    case 'regex': {
      if (dialect === 'sqlite') return false;
      const translated = postgresRegexOf(node.field, node.pattern, node.flags);
      return translated === null || translated.unitSensitive;
    }
    default:
      return false;
  }
}

/** The PostgreSQL form of a regex term, null when it stays in process (authors and tags: JSON). */
function postgresRegexOf(field: TextField, pattern: string, flags: string): PostgresRegex | null {
  return field === 'author' || field === 'tag' ? null : postgresRegex(pattern, flags);
}

/**
 * SQLite: a search whose every match must contain some words (free text, intitle:, intext: at
 * its top level) can read the FTS5 index first — `entries_fts x … where x.entries_fts match
 * :match and e.id = x.rowid order by x.rowid desc` — which hands the matching entries newest
 * first and stops at the page's limit, instead of listing every match before the first row (a
 * word in a third of a million entries costs a page, not a third of a million). `rest` is what
 * the query must still check (searchCondition of it), null when nothing.
 */
export interface FullTextDriver {
  match: string;
  rest: SearchNode | null;
  /**
   * Entry id bounds of the search's reception dates (date: at its top level, also in `rest`),
   * for `x.rowid >= from and x.rowid < to`: FTS5 then skips to them instead of reading past.
   */
  from: number | null;
  to: number | null;
}

export function fullTextDriver(node: SearchNode, nowMs: number): FullTextDriver | null {
  const conjuncts = node.kind === 'and' ? node.children : [node];
  const matches: string[] = [];
  const rest: SearchNode[] = [];
  let from: number | null = null;
  let to: number | null = null;
  for (const c of conjuncts) {
    const match =
      c.kind === 'text' && (c.field === 'any' || c.field === 'title' || c.field === 'content')
        ? ftsMatch(c.field, c.value)
        : null;
    if (match) matches.push(`(${match})`);
    else rest.push(c);
    if (c.kind === 'date' && c.field === 'received') {
      if (c.from) from = Math.max(from ?? 0, entryIdAt(boundTime(c.from, nowMs)));
      if (c.to) to = Math.min(to ?? Number.MAX_SAFE_INTEGER, entryIdAt(boundTime(c.to, nowMs)));
    }
  }
  if (matches.length === 0) return null;
  return {
    match: matches.join(' AND '),
    rest: rest.length === 0 ? null : rest.length === 1 ? rest[0]! : { kind: 'and', children: rest },
    from,
    to,
  };
}

/** The FTS5 query of a text term, null when it has no word (it then matches everything). */
function ftsMatch(field: 'any' | 'title' | 'content', value: string): string | null {
  const variants = stemVariants(value);
  if (variants.length === 0) return null;
  const phrases = variants.map((tokens) => `"${tokens.map((t) => t.replace(/"/g, '""')).join(' ')}"`);
  // Title and body are the only indexed columns: free text needs no column filter (which
  // would make FTS5 read every position list).
  const filter = field === 'title' ? '{title} : ' : field === 'content' ? '{body} : ' : '';
  return `${filter}(${phrases.join(' OR ')})`;
}

/** The condition, on `e` = entries. Without regex terms it is exact; with them, a superset. */
export function searchCondition(node: SearchNode, options: SearchSqlOptions): RawBuilder<SqlBool> {
  return condition(node, options, true);
}

/** Entry ids a full-text subquery may stop at: [from, to). */
interface IdRange {
  from: number | null;
  to: number | null;
}

/**
 * The entry ids that the reception dates among an AND's terms allow: every row of the AND is in
 * them, so its full-text terms may look only there (the index then skips the rest).
 */
function receivedRange(
  children: readonly SearchNode[],
  o: SearchSqlOptions,
  outer?: IdRange,
): IdRange | undefined {
  let from = outer?.from ?? null;
  let to = outer?.to ?? null;
  for (const c of children) {
    if (c.kind !== 'date' || c.field !== 'received') continue;
    if (c.from) from = Math.max(from ?? 0, entryIdAt(boundTime(c.from, o.nowMs)));
    if (c.to) to = Math.min(to ?? Number.MAX_SAFE_INTEGER, entryIdAt(boundTime(c.to, o.nowMs)));
  }
  return from === null && to === null ? undefined : { from, to };
}

function condition(
  node: SearchNode,
  o: SearchSqlOptions,
  positive: boolean,
  ids?: IdRange,
): RawBuilder<SqlBool> {
  switch (node.kind) {
    case 'and': {
      const inner = receivedRange(node.children, o, ids);
      return node.children.length
        ? sql<SqlBool>`(${sql.join(
            node.children.map((c) => condition(c, o, positive, inner)),
            sql` and `,
          )})`
        : TRUE;
    }
    case 'or':
      return node.children.length
        ? sql<SqlBool>`(${sql.join(
            node.children.map((c) => condition(c, o, positive)),
            sql` or `,
          )})`
        : FALSE;
    case 'not':
      return sql<SqlBool>`(not ${condition(node.child, o, !positive)})`;
    case 'regex':
      return regexCondition(node.field, node.pattern, node.flags, o, positive);
    case 'text':
      return textCondition(node.field, node.value, o, ids);
    case 'ids':
      if (node.field === 'feed') return sql<SqlBool>`e.feed_id in (${sql.join(node.ids)})`;
      if (node.field === 'entry') return sql<SqlBool>`e.id in (${sql.join(node.ids)})`;
      if (node.field === 'category')
        return sql<SqlBool>`exists (select 1 from subscriptions sc where sc.user_id = ${o.userId}
          and sc.feed_id = e.feed_id and sc.category_id in (${sql.join(node.ids)}))`;
      return sql<SqlBool>`exists (select 1 from entry_labels el where el.entry_id = e.id
        and el.user_id = ${o.userId} and el.label_id in (${sql.join(node.ids)}))`;
    case 'any-label':
      return sql<SqlBool>`exists (select 1 from entry_labels el where el.entry_id = e.id and el.user_id = ${o.userId})`;
    case 'date': {
      const from = node.from ? boundTime(node.from, o.nowMs) : null;
      const to = node.to ? boundTime(node.to, o.nowMs) : null;
      if (node.field === 'received') return range(sql`e.id`, from, to, entryIdAt);
      if (node.field === 'published') return range(sql`e.date_at`, from, to, (ms) => ms);
      if (node.field === 'modified')
        return sql<SqlBool>`(e.updated_at is not null and ${range(sql`e.updated_at`, from, to, (ms) => ms)})`;
      return sql<SqlBool>`exists (select 1 from entry_states es where es.entry_id = e.id
        and es.user_id = ${o.userId} and ${range(sql`es.changed_at`, from, to, (ms) => ms)})`;
    }
    case 'label-name':
    case 'saved-query':
      throw new Error('search: resolve label names and saved queries first (resolveSearchNode)');
  }
}

function range(
  column: RawBuilder<unknown>,
  from: number | null,
  to: number | null,
  scale: (ms: number) => number,
): RawBuilder<SqlBool> {
  const parts: RawBuilder<SqlBool>[] = [];
  if (from !== null) parts.push(sql<SqlBool>`${column} >= ${scale(from)}`);
  if (to !== null) parts.push(sql<SqlBool>`${column} < ${scale(to)}`);
  return parts.length ? sql<SqlBool>`(${sql.join(parts, sql` and `)})` : TRUE;
}

function textCondition(
  field: string,
  value: string,
  o: SearchSqlOptions,
  ids?: IdRange,
): RawBuilder<SqlBool> {
  if (field === 'url' || field === 'author' || field === 'tag') {
    const folded = foldText(value);
    const pattern = field === 'tag' ? `%\n${likeEscaped(folded)}\n%` : `%${likeEscaped(folded)}%`;
    const column = sql.raw(field === 'url' ? 'url' : field === 'author' ? 'author' : 'tags');
    return o.dialect === 'sqlite'
      ? sql<SqlBool>`exists (select 1 from entries_fts x where x.rowid = e.id and x.${column} like ${pattern} escape '\\')`
      : sql<SqlBool>`exists (select 1 from entry_search x where x.entry_id = e.id and x.${column} like ${pattern} escape '\\')`;
  }
  const variants = stemVariants(value);
  if (variants.length === 0) return TRUE;
  if (o.dialect === 'sqlite') {
    const match = ftsMatch(field === 'title' || field === 'content' ? field : 'any', value)!;
    return sql<SqlBool>`e.id in (select rowid from entries_fts where entries_fts match ${match}${idRangeSql('rowid', ids)})`;
  }
  // Every position is weighted A (title) or B (body): free text needs no weight, and without one
  // a single-word search is answered by the GIN index alone (no recheck of each row). Titles
  // have their own GIN index on the A positions (migration 010), with their own statistics.
  const weights = field === 'content' ? ':B' : '';
  const query = variants
    .map((tokens) => `(${tokens.map((t) => `${lexemeText(t)}${weights}`).join(' <-> ')})`)
    .join(' | ');
  const vector = field === 'title' ? sql`ts_filter(tsv, '{a}')` : sql`tsv`;
  return sql<SqlBool>`e.id in (select entry_id from entry_search where ${vector} @@ ${query}::tsquery${idRangeSql('entry_id', ids)})`;
}

function idRangeSql(column: string, range: IdRange | undefined): RawBuilder<unknown> {
  if (!range) return sql``;
  const parts: RawBuilder<unknown>[] = [];
  if (range.from !== null) parts.push(sql` and ${sql.raw(column)} >= ${range.from}`);
  if (range.to !== null) parts.push(sql` and ${sql.raw(column)} < ${range.to}`);
  return sql.join(parts, sql``);
}

/** The raw columns a regex term reads (evaluate-query.ts's regexMatches). */
const REGEX_COLUMNS: Record<TextField, { column: string; kind: number }[]> = {
  any: [
    { column: 'title', kind: REGEX_VALUE.text },
    { column: 'content', kind: REGEX_VALUE.text },
  ],
  title: [{ column: 'title', kind: REGEX_VALUE.text }],
  content: [{ column: 'content', kind: REGEX_VALUE.text }],
  url: [{ column: 'url', kind: REGEX_VALUE.text }],
  author: [{ column: 'authors', kind: REGEX_VALUE.authorsJson }],
  tag: [{ column: 'categories', kind: REGEX_VALUE.tagsJson }],
};

function anyOf(parts: RawBuilder<SqlBool>[]): RawBuilder<SqlBool> {
  return parts.length === 1 ? parts[0]! : sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
}

/**
 * A regex term: the LIKE pre-selection first (cheap, it spares most rows the regex), then the
 * regex itself. Exact, except for a PostgreSQL pattern that does not translate exactly: then a
 * superset where `positive`, a subset under an odd number of negations, and the rows are checked
 * again in process (searchNeedsProcessCheck).
 */
function regexCondition(
  field: TextField,
  pattern: string,
  flags: string,
  o: SearchSqlOptions,
  positive: boolean,
): RawBuilder<SqlBool> {
  const preselection = regexPreselection(field, pattern, flags, o);
  const columns = REGEX_COLUMNS[field];
  if (o.dialect === 'sqlite') {
    const regex = anyOf(
      columns.map(
        ({ column, kind }) =>
          sql<SqlBool>`veille_regexp(${pattern}, ${flags}, e.${sql.raw(column)}, ${kind})`,
      ),
    );
    return sql<SqlBool>`(${preselection} and ${regex})`;
  }
  const translated = postgresRegexOf(field, pattern, flags);
  if (translated === null) return positive ? preselection : FALSE;
  // The first REGEX_TEXT_LIMIT characters, as veille_regexp and the in-process evaluator see them.
  const value = (column: string) =>
    sql`left(${column === 'url' ? sql`coalesce(e.url, '')` : sql`e.${sql.raw(column)}`}, ${sql.lit(REGEX_TEXT_LIMIT)})`;
  if (!translated.unitSensitive)
    return sql<SqlBool>`(${preselection} and ${anyOf(
      columns.map(({ column }) => sql<SqlBool>`${value(column)} ~ ${translated.pattern}`),
    )})`;
  // Exact on text without characters outside the BMP; text with some is left to the process.
  const exactPart = columns.map(
    ({ column }) =>
      sql<SqlBool>`(${value(column)} ~ ${translated.pattern} and ${value(column)} !~ ${ASTRAL_CLASS})`,
  );
  const astral = columns.map(({ column }) => sql<SqlBool>`${value(column)} ~ ${ASTRAL_CLASS}`);
  return sql<SqlBool>`(${preselection} and ${anyOf(positive ? [...exactPart, ...astral] : exactPart)})`;
}

/**
 * A superset of the rows a regex matches: its required literals with LIKE on the raw columns the
 * regex reads (SQLite's LIKE ignores ASCII case; PostgreSQL gets ILIKE for /i), or true.
 */
function regexPreselection(
  field: TextField,
  pattern: string,
  flags: string,
  o: SearchSqlOptions,
): RawBuilder<SqlBool> {
  const literals = requiredLiterals(pattern);
  if (literals.length === 0) return TRUE;
  const like = sql.raw(o.dialect === 'postgres' && flags.includes('i') ? 'ilike' : 'like');
  const columns: Record<TextField, string[]> = {
    any: ['title', 'content'],
    title: ['title'],
    content: ['content'],
    url: ['url'],
    author: ['authors'],
    tag: ['categories'],
  };
  const perColumn = columns[field].map(
    (column) =>
      sql<SqlBool>`(${sql.join(
        literals.map((l) => sql`e.${sql.raw(column)} ${like} ${`%${likeEscaped(l)}%`} escape '\\'`),
        sql` and `,
      )})`,
  );
  return perColumn.length === 1 ? perColumn[0]! : sql<SqlBool>`(${sql.join(perColumn, sql` or `)})`;
}

function likeEscaped(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
