// Keeps the unread counts of the sidebar and the tab title in step with what the server answers
// after a toggle: `{ unread: { [feedId]: count } }` holds every subscription of the user.
//
// DOM contract (src/http/views/sidebar.tsx, layout.tsx):
//   li[data-feed="{feedId}"] .count            one per subscribed feed
//   section.category[data-category] h3 .count sum of that section's feeds
//   .sidebar ul.streams > li:first-child .count (or .main-count) the main stream
//   .starred-count                             number of favourites
//   <title>"(n) Name · Veille"                 n = main stream unread
// A feed left out of the main stream (priority 0) may carry data-main="0" on its li.

/** The number shown in a count badge ("1 234", "1,234" and "" all parse). */
export function countFromText(text: string | null | undefined): number {
  const digits = (text ?? '').replace(/[^0-9]/g, '');
  return digits ? Number(digits) : 0;
}

/** The tab title with its "(n) " unread prefix replaced (or removed when n is 0). */
export function titleWithUnread(title: string, unread: number): string {
  const bare = title.replace(/^\([0-9\s.,\u00a0\u202f]+\)\s*/, '');
  return unread > 0 ? `(${unread}) ${bare}` : bare;
}

function setCount(badge: Element, n: number, format: Intl.NumberFormat, keepZero = false): void {
  badge.setAttribute('data-count', String(n));
  const empty = n <= 0 && !keepZero;
  badge.classList.toggle('empty', empty);
  badge.textContent = empty ? '' : format.format(Math.max(0, n));
}

function badgeCount(badge: Element): number {
  const stored = badge.getAttribute('data-count');
  return stored !== null ? Number(stored) : countFromText(badge.textContent);
}

function numberFormat(doc: Document): Intl.NumberFormat {
  try {
    return new Intl.NumberFormat(doc.documentElement.lang || undefined);
  } catch {
    return new Intl.NumberFormat();
  }
}

function isUnreadMap(x: unknown): x is Record<string, number> {
  return (
    typeof x === 'object' &&
    x !== null &&
    Object.values(x).every((n) => typeof n === 'number' && Number.isFinite(n))
  );
}

/** Applies a server's `unread` map to the sidebar, the category totals, the main count and the title. */
export function applyUnreadCounts(doc: Document, unread: unknown): void {
  if (!isUnreadMap(unread)) return;
  const format = numberFormat(doc);
  for (const [feedId, n] of Object.entries(unread)) {
    for (const badge of doc.querySelectorAll(`li[data-feed="${CSS.escape(feedId)}"] .count`))
      setCount(badge, n, format);
  }
  for (const section of doc.querySelectorAll<HTMLElement>('section.category[data-category]')) {
    const badge = section.querySelector('h3 .count');
    if (!badge) continue;
    let total = 0;
    for (const feedBadge of section.querySelectorAll('li[data-feed] .count')) total += badgeCount(feedBadge);
    setCount(badge, total, format);
  }
  let main = 0;
  for (const [feedId, n] of Object.entries(unread)) {
    const item = doc.querySelector(`li[data-feed="${CSS.escape(feedId)}"]`);
    if (item?.getAttribute('data-main') !== '0') main += n;
  }
  const mainBadge =
    doc.querySelector('.main-count') ?? doc.querySelector('.sidebar ul.streams > li:first-child .count');
  if (mainBadge) setCount(mainBadge, main, format);
  doc.title = titleWithUnread(doc.title, main);
}

/** Favourites changed by `delta` (+1 starred, -1 unstarred). */
export function adjustStarredCount(doc: Document, delta: number): void {
  const format = numberFormat(doc);
  for (const badge of doc.querySelectorAll('.starred-count'))
    setCount(badge, badgeCount(badge) + delta, format, true);
}
