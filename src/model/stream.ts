// Which entries a page shows: the stream (what) and the state filter (which of them).
export type Stream =
  { kind: 'main' } | { kind: 'starred' } | { kind: 'category'; id: number } | { kind: 'feed'; id: number };

export type StateFilter = 'unread' | 'all';

/** Parses the `s` query parameter: "main", "starred", "c123", "f45". Unknown → null. */
export function streamFromParam(param: string | undefined): Stream | null {
  if (!param || param === 'main') return { kind: 'main' };
  if (param === 'starred') return { kind: 'starred' };
  const m = /^([cf])([1-9][0-9]{0,9})$/.exec(param);
  if (!m) return null;
  const id = Number(m[2]);
  return m[1] === 'c' ? { kind: 'category', id } : { kind: 'feed', id };
}

export function streamParam(stream: Stream): string {
  switch (stream.kind) {
    case 'main':
      return 'main';
    case 'starred':
      return 'starred';
    case 'category':
      return `c${stream.id}`;
    case 'feed':
      return `f${stream.id}`;
  }
}
