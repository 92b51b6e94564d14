// A resolved search (evaluate-query.ts's resolveSearchNode) as a SQL condition on an entries row
// aliased `e`, for SQLite (FTS5 MATCH) and PostgreSQL (tsquery), with the semantics of
// entryMatchesSearch. Regex terms cannot run in SQL on SQLite, so they become "maybe": true where
// they make the result wider, false under an odd number of negations; the caller then keeps
// only the rows entryMatchesSearch accepts (searchNeedsProcessCheck says when).
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Dialect } from '../storage/database.ts';
import { entryIdAt } from '../storage/entries.ts';
import { foldText, stemVariants } from './normalize-text.ts';
import { boundTime, type SearchNode } from './parse-query.ts';
import { lexemeText } from './search-index.ts';

export interface SearchSqlOptions {
  dialect: Dialect;
  /** Whose labels, categories and states the search means. */
  userId: number;
  nowMs: number;
}

const TRUE = sql<SqlBool>`(1 = 1)`;
const FALSE = sql<SqlBool>`(1 = 0)`;

/** Whether some rows the SQL accepts must still be checked in process (regex terms). */
export function searchNeedsProcessCheck(node: SearchNode): boolean {
  switch (node.kind) {
    case 'and':
    case 'or':
      return node.children.some(searchNeedsProcessCheck);
    case 'not':
      return searchNeedsProcessCheck(node.child);
    case 'regex':
      return true;
    default:
      return false;
  }
}

/** The condition, on `e` = entries. Without regex terms it is exact; with them, a superset. */
export function searchCondition(node: SearchNode, options: SearchSqlOptions): RawBuilder<SqlBool> {
  return condition(node, options, true);
}

function condition(node: SearchNode, o: SearchSqlOptions, positive: boolean): RawBuilder<SqlBool> {
  switch (node.kind) {
    case 'and':
      return node.children.length
        ? sql<SqlBool>`(${sql.join(
            node.children.map((c) => condition(c, o, positive)),
            sql` and `,
          )})`
        : TRUE;
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
      return positive ? TRUE : FALSE;
    case 'text':
      return textCondition(node.field, node.value, o);
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

function textCondition(field: string, value: string, o: SearchSqlOptions): RawBuilder<SqlBool> {
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
    const columns = field === 'title' ? 'title' : field === 'content' ? 'body' : 'title body';
    const phrases = variants.map((tokens) => `"${tokens.map((t) => t.replace(/"/g, '""')).join(' ')}"`);
    const match = `{${columns}} : (${phrases.join(' OR ')})`;
    return sql<SqlBool>`e.id in (select rowid from entries_fts where entries_fts match ${match})`;
  }
  const weights = field === 'title' ? 'A' : field === 'content' ? 'B' : 'AB';
  const query = variants
    .map((tokens) => `(${tokens.map((t) => `${lexemeText(t)}:${weights}`).join(' <-> ')})`)
    .join(' | ');
  return sql<SqlBool>`e.id in (select entry_id from entry_search where tsv @@ ${query}::tsquery)`;
}

function likeEscaped(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
