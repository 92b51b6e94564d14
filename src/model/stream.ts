// Which entries a page shows: the stream (what), the state filter (which of them) and the sort.
export type Stream =
  | { kind: 'main' }
  | { kind: 'important' }
  | { kind: 'starred' }
  | { kind: 'category'; id: number }
  | { kind: 'feed'; id: number }
  | { kind: 'label'; id: number };

/**
 * FreshRSS's state bitmask: 1 read, 2 unread, 4 favourite, 8 not favourite. Within each pair,
 * both bits or neither mean "either". 'unread' and 'all' are kept as names for the common cases.
 */
export type StateFilter = 'unread' | 'all' | number;

export const STATE_READ = 1;
export const STATE_UNREAD = 2;
export const STATE_STARRED = 4;
export const STATE_NOT_STARRED = 8;
/** FreshRSS's "unread or favourite" default (its state 96): not a combination of the four bits. */
export const STATE_UNREAD_OR_STARRED = 16;

/** The state as a bitmask (0 = everything). */
export function stateMask(state: StateFilter): number {
  if (state === 'unread') return STATE_UNREAD;
  if (state === 'all') return 0;
  return state & 31;
}

/** What the read bits ask for: 'read', 'unread' or null (either). */
export function readWanted(mask: number): 'read' | 'unread' | null {
  const r = (mask & STATE_READ) !== 0;
  const u = (mask & STATE_UNREAD) !== 0;
  return r === u ? null : r ? 'read' : 'unread';
}

export function starWanted(mask: number): 'starred' | 'not-starred' | null {
  const s = (mask & STATE_STARRED) !== 0;
  const n = (mask & STATE_NOT_STARRED) !== 0;
  return s === n ? null : s ? 'starred' : 'not-starred';
}

/** `state` query parameter: "all", "unread", or a bitmask 0–15. Unknown → null (use the default). */
export function stateFromParam(param: string | undefined): StateFilter | null {
  if (param === 'all') return 'all';
  if (param === 'unread') return 'unread';
  if (param && /^[0-9]{1,2}$/.test(param)) {
    // 1–15: the four bits; 16: unread or favourite.
    const n = Number(param);
    if (n <= 16) return n === 0 ? 'all' : n === STATE_UNREAD ? 'unread' : n;
  }
  return null;
}

export function stateParam(state: StateFilter): string {
  const mask = stateMask(state);
  return mask === 0 ? 'all' : mask === STATE_UNREAD ? 'unread' : String(mask);
}

/** Sort keys: reception (entry id, FreshRSS's default), publication date, title, feed, random. */
export type SortKey = 'received' | 'published' | 'title' | 'feed' | 'random';
export type SortOrder = 'desc' | 'asc';
export const SORT_KEYS: readonly SortKey[] = ['received', 'published', 'title', 'feed', 'random'];

export function isSortKey(x: unknown): x is SortKey {
  return typeof x === 'string' && (SORT_KEYS as readonly string[]).includes(x);
}

/**
 * The keyset cursor of "load more": the last row's sort value and id. Rows come strictly after
 * it in the sort order, so pages never repeat or skip rows, without OFFSET.
 */
export interface StreamCursor {
  key: number | string | null;
  id: number;
}

export function cursorParam(c: StreamCursor): string {
  return Buffer.from(JSON.stringify([c.key, c.id])).toString('base64url');
}

export function cursorFromParam(param: string | undefined): StreamCursor | null {
  if (!param || param.length > 20_000) return null;
  // A bare id is the reception cursor of older links.
  if (/^[0-9]{1,16}$/.test(param)) return { key: Number(param), id: Number(param) };
  try {
    const v = JSON.parse(Buffer.from(param, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(v) || v.length !== 2) return null;
    const [key, id] = v as unknown[];
    if (typeof id !== 'number' || !Number.isSafeInteger(id)) return null;
    if (key !== null && typeof key !== 'string' && typeof key !== 'number') return null;
    return { key, id };
  } catch {
    return null;
  }
}

/** Parses the `s` query parameter: "main", "important", "starred", "c123", "f45", "t6". Unknown → null. */
export function streamFromParam(param: string | undefined): Stream | null {
  if (!param || param === 'main') return { kind: 'main' };
  if (param === 'starred') return { kind: 'starred' };
  if (param === 'important') return { kind: 'important' };
  const m = /^([cft])([1-9][0-9]{0,9})$/.exec(param);
  if (!m) return null;
  const id = Number(m[2]);
  return m[1] === 'c'
    ? { kind: 'category', id }
    : m[1] === 'f'
      ? { kind: 'feed', id }
      : { kind: 'label', id };
}

export function streamParam(stream: Stream): string {
  switch (stream.kind) {
    case 'main':
      return 'main';
    case 'important':
      return 'important';
    case 'starred':
      return 'starred';
    case 'category':
      return `c${stream.id}`;
    case 'feed':
      return `f${stream.id}`;
    case 'label':
      return `t${stream.id}`;
  }
}
