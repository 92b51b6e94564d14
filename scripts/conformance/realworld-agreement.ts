// One real-world feed: Veille's neutral shape against feedparser's oracle output, field by field.

import { normalizedHtml } from './html-norm.ts';

export const COMPARED_FIELDS = [
  'feed.title',
  'feed.link',
  'entries.count',
  'title',
  'link',
  'id',
  'published',
  'updated',
  'authors',
  'enclosures',
  'categories',
  'summary',
  'content',
] as const;
export type ComparedField = (typeof COMPARED_FIELDS)[number];

export interface FieldComparison {
  field: ComparedField;
  /** 'feed' or the entry index. */
  where: string;
  agree: boolean;
  veille: unknown;
  feedparser: unknown;
}

type Obj = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);
const ws = (s: string): string => s.replace(/[ \t\n\r\f\v]+/g, ' ').trim();

/** Text of a feedparser text construct, whatever its type, as the plain text Veille keeps. */
function plainOf(value: unknown, meta: unknown): string | null {
  const s = str(value);
  if (s === null) return null;
  const type = typeof meta === 'object' && meta !== null ? (meta as Obj).type : null;
  if (type === 'text/html' || type === 'application/xhtml+xml') return ws(htmlText(s)) || null;
  return ws(s) || null;
}

function htmlText(html: string): string {
  return normalizedHtml(html)
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function htmlSame(a: unknown, b: unknown): boolean {
  const x = str(a);
  const y = str(b);
  if (x === null || y === null) return x === y;
  return ws(htmlText(x)) === ws(htmlText(y));
}

function people(v: unknown): string {
  const list = Array.isArray(v) ? (v as Obj[]) : [];
  // The same person listed twice (itunes:author and author, say) is still one author.
  const keys = list.map((p) =>
    JSON.stringify([str(p.name) !== null ? ws(str(p.name) ?? '') : null, str(p.email)?.trim() ?? null]),
  );
  return JSON.stringify([...new Set(keys)]);
}

function enclosures(v: unknown): string {
  const list = Array.isArray(v) ? (v as Obj[]) : [];
  return JSON.stringify(
    list.map((e) => {
      const length = str(e.length) !== null ? Number(e.length) : null;
      return [str(e.url)?.trim() ?? null, str(e.type)?.trim().toLowerCase() ?? null, length || null];
    }),
  );
}

function categories(v: unknown): string {
  const list = Array.isArray(v) ? (v as Obj[]) : [];
  return JSON.stringify(list.map((c) => ws(String(c.term ?? ''))).filter((t) => t !== ''));
}

export function compareWithOracle(veille: Obj, oracle: Obj): FieldComparison[] {
  const out: FieldComparison[] = [];
  const vf = (veille.feed ?? {}) as Obj;
  const of = (oracle.feed ?? {}) as Obj;
  const push = (field: ComparedField, where: string, a: unknown, b: unknown, agree: boolean): void => {
    out.push({ field, where, agree, veille: a, feedparser: b });
  };
  const ot = plainOf(of.title, of.title_meta);
  push('feed.title', 'feed', vf.title, ot, (str(vf.title) === null ? null : ws(String(vf.title))) === ot);
  push('feed.link', 'feed', vf.link, of.link, str(vf.link) === str(of.link));
  const ve = (veille.entries ?? []) as Obj[];
  const oe = (oracle.entries ?? []) as Obj[];
  push('entries.count', 'feed', ve.length, oe.length, ve.length === oe.length);
  const n = Math.max(ve.length, oe.length);
  for (let i = 0; i < n; i++) {
    const v = ve[i] ?? {};
    const o = oe[i] ?? {};
    const where = String(i);
    const vt = str(v.title) === null ? null : ws(String(v.title));
    const ot2 = plainOf(o.title, o.title_meta);
    push('title', where, v.title, o.title, vt === ot2);
    push('link', where, v.link, o.link, str(v.link) === str(o.link));
    push('id', where, v.id, o.id, str(v.id)?.trim() === str(o.id)?.trim());
    push('published', where, v.published, o.published, (v.published ?? null) === (o.published ?? null));
    push('updated', where, v.updated, o.updated, (v.updated ?? null) === (o.updated ?? null));
    push('authors', where, v.authors, o.authors, people(v.authors) === people(o.authors));
    push(
      'enclosures',
      where,
      v.enclosures,
      o.enclosures,
      enclosures(v.enclosures) === enclosures(o.enclosures),
    );
    push(
      'categories',
      where,
      v.categories,
      o.categories,
      categories(v.categories) === categories(o.categories),
    );
    push('summary', where, v.summary, o.summary, htmlSame(v.summary, o.summary));
    const vc = Array.isArray(v.content) ? ((v.content as Obj[])[0]?.value ?? null) : null;
    const oc = Array.isArray(o.content) ? ((o.content as Obj[])[0]?.value ?? null) : null;
    push('content', where, vc, oc, htmlSame(vc, oc));
  }
  return out;
}
