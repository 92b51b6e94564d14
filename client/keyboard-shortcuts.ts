// FreshRSS's keyboard map (config-user.default.php), editable per user on /settings/reading:
//   j / k next / previous article (Shift: feed, Alt: category), h next unread, n / p move
//   without opening, Home / End first / last, r toggle read (Shift: mark all read, Alt: mark
//   the articles above read), f favourite, Space open the original, c close, l labels then
//   1–9, s share then 1–9, v media, q refresh, m load more, a search, u user queries,
//   t sidebar, 1 / 2 / 3 normal / global / reading view, ? help, Escape closes menus.
// Never while typing, never with Ctrl or Meta. Enter and o also open the original (Veille).
import type { ClientContext } from './client-context.ts';
import { foldOf, markRule, type EntryNavigator } from './entry-accordion.ts';
import { entryIsRead, entryIsStarred, entryToggleForm, submitEntryToggle } from './entry-toggles.ts';
import type { StreamLoader } from './stream-load-more.ts';
import { SHORTCUT_DEFAULTS } from '../src/model/reading-settings.ts';

/** FreshRSS's default map: one table, shared with the settings page (src/model/reading-settings.ts). */
export const DEFAULT_KEYS = SHORTCUT_DEFAULTS;

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.closest('input, textarea, select, [contenteditable]') !== null;
}

function isInteractive(target: EventTarget | null): boolean {
  return (
    target instanceof Element &&
    target.closest('a[href], button, summary, input, select, textarea, [tabindex]') !== null
  );
}

/** The article's own link (h1.title a) as a safe http(s) URL, or null. */
export function originalUrl(entry: HTMLElement): string | null {
  const href = entry.querySelector<HTMLAnchorElement>('.flux_content h1.title a[href]')?.href;
  if (!href) return null;
  try {
    const url = new URL(href);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** Key → action, from the defaults and the user's changes (#stream[data-shortcuts]). */
export function keyMap(doc: Document): Map<string, string> {
  let custom: Record<string, unknown>;
  try {
    custom = JSON.parse(doc.getElementById('stream')?.getAttribute('data-shortcuts') ?? '{}') as Record<
      string,
      unknown
    >;
  } catch {
    custom = {};
  }
  const map = new Map<string, string>();
  for (const [action, key] of Object.entries(DEFAULT_KEYS)) {
    const k = typeof custom[action] === 'string' ? (custom[action] as string) : key;
    map.set(k.length === 1 ? k.toLowerCase() : k, action);
  }
  return map;
}

/** The key of an event, lower-cased; with Alt, the physical letter or digit (Alt+J is "∆" on a Mac). */
export function eventKey(event: KeyboardEvent): string {
  if (event.altKey) {
    const m = /^(?:Key([A-Z])|Digit([0-9]))$/.exec(event.code);
    if (m) return (m[1] ?? m[2] ?? '').toLowerCase();
  }
  return event.key.length === 1 ? event.key.toLowerCase() : event.key;
}

/** Goes to the next (step 1) or previous (-1) link of the sidebar's feeds or categories. */
function goSibling(doc: Document, win: Window, what: 'feed' | 'category', step: 1 | -1 | 'first' | 'last') {
  const selector = what === 'feed' ? '.sidebar li[data-feed] > a' : '.sidebar section.category h3 > a';
  const links = Array.from(doc.querySelectorAll<HTMLAnchorElement>(selector));
  if (links.length === 0) return;
  const current = links.findIndex((a) => a.parentElement?.classList.contains('current'));
  let index: number;
  if (step === 'first') index = 0;
  else if (step === 'last') index = links.length - 1;
  else
    index =
      current < 0 ? (step === 1 ? 0 : links.length - 1) : (current + step + links.length) % links.length;
  const link = links[index];
  if (link) win.location.assign(link.href);
}

/** Opens a menu of the current entry and waits for a digit (labels, share). */
function openMenu(entry: HTMLElement, cls: string): HTMLDetailsElement | null {
  const menu = entry.querySelector<HTMLDetailsElement>(`details.${cls}`);
  if (!menu) return null;
  const fold = foldOf(entry);
  if (fold && !fold.open) fold.open = true;
  menu.open = true;
  menu.querySelector<HTMLElement>('summary')?.focus({ preventScroll: true });
  return menu;
}

export function installKeyboardShortcuts(
  ctx: ClientContext,
  doc: Document,
  win: Window,
  nav: EntryNavigator,
  loader: StreamLoader,
): void {
  const keys = keyMap(doc);
  /** The menu waiting for a digit after l or s. */
  let pendingMenu: HTMLDetailsElement | null = null;

  const markReadIfWanted = (entry: HTMLElement, rule: 'focus' | 'site') => {
    if (entry.classList.contains('keep_unread') && rule === 'focus') return;
    if (!markRule(doc, rule) || entryIsRead(entry)) return;
    const form = entryToggleForm(entry, 'read');
    if (form) void submitEntryToggle(ctx, form, true);
  };

  const move = async (step: 1 | -1, how: 'open' | 'focus', onlyUnread = false) => {
    const list = nav.entries();
    const current = nav.current();
    let index = current ? list.indexOf(current) : -1;
    for (;;) {
      index += step;
      if (index < 0) index = 0;
      if (index >= list.length) {
        if (step === 1 && loader.hasMore() && (await loader.loadMore())) return move(step, how, onlyUnread);
        return;
      }
      const candidate = list[index]!;
      if (!onlyUnread || !entryIsRead(candidate)) break;
      if (index === 0 && step === -1) return;
    }
    const next = list[index];
    if (!next) return;
    if (how === 'open') nav.open(next, { scroll: 'top' });
    else {
      nav.focus(next);
      markReadIfWanted(next, 'focus');
    }
    if (how === 'open')
      foldOf(next)?.querySelector<HTMLElement>(':scope > summary')?.focus({ preventScroll: true });
  };

  const jumpTo = (where: 'first' | 'last') => {
    const list = nav.entries();
    const target = where === 'first' ? list[0] : list[list.length - 1];
    if (target) nav.open(target, { scroll: 'top' });
  };

  const markAbove = () => {
    const current = nav.current();
    if (!current) return;
    for (const entry of nav.entries()) {
      if (entry === current) break;
      if (entryIsRead(entry) || entry.classList.contains('keep_unread')) continue;
      const form = entryToggleForm(entry, 'read');
      if (form) void submitEntryToggle(ctx, form, true);
    }
  };

  const clickIn = (selector: string) => {
    const el = doc.querySelector<HTMLElement>(selector);
    if (el) el.click();
    return el !== null;
  };

  const run = (action: string, event: KeyboardEvent): boolean => {
    const current = nav.current();
    switch (action) {
      case 'next':
        if (event.shiftKey) goSibling(doc, win, 'feed', 1);
        else if (event.altKey) goSibling(doc, win, 'category', 1);
        else void move(1, 'open');
        return true;
      case 'prev':
        if (event.shiftKey) goSibling(doc, win, 'feed', -1);
        else if (event.altKey) goSibling(doc, win, 'category', -1);
        else void move(-1, 'open');
        return true;
      case 'nextUnread':
        if (event.shiftKey) goSibling(doc, win, 'feed', 1);
        else if (event.altKey) goSibling(doc, win, 'category', 1);
        else void move(1, 'open', true);
        return true;
      case 'skipNext':
        void move(1, 'focus');
        return true;
      case 'skipPrev':
        void move(-1, 'focus');
        return true;
      case 'first':
      case 'last':
        if (event.shiftKey) goSibling(doc, win, 'feed', action);
        else if (event.altKey) goSibling(doc, win, 'category', action);
        else jumpTo(action);
        return true;
      case 'toggleRead': {
        if (event.shiftKey) return clickIn('.toolbar form.mark-all.inline button[type="submit"]');
        if (event.altKey) {
          markAbove();
          return true;
        }
        if (!current) return false;
        const form = entryToggleForm(current, 'read');
        if (!form) return false;
        void submitEntryToggle(ctx, form, !entryIsRead(current));
        return true;
      }
      case 'toggleStar': {
        if (!current) return false;
        const form = entryToggleForm(current, 'star');
        if (!form) return false;
        void submitEntryToggle(ctx, form, !entryIsStarred(current));
        return true;
      }
      case 'openOriginal': {
        const url = current ? originalUrl(current) : null;
        if (!url || !current) return false;
        win.open(url, '_blank', 'noopener,noreferrer');
        markReadIfWanted(current, 'site');
        return true;
      }
      case 'close':
        if (!current) return false;
        nav.close(current);
        return true;
      case 'labels':
      case 'share':
        if (!current) return false;
        pendingMenu = openMenu(current, action === 'labels' ? 'labels-menu' : 'share-menu');
        return pendingMenu !== null;
      case 'media': {
        const media = current?.querySelector<HTMLMediaElement>('audio, video');
        if (!media) return false;
        if (media.paused) void media.play().catch(() => undefined);
        else media.pause();
        return true;
      }
      case 'refresh':
        return clickIn('.toolbar button.refresh');
      case 'loadMore':
        void loader.loadMore();
        return true;
      case 'search': {
        const input = doc.querySelector<HTMLInputElement>('input[type="search"], input[name="search"]');
        input?.focus();
        return input !== null;
      }
      case 'queries': {
        // u opens the user queries menu; a digit then opens the n-th query (below).
        const menu = doc.querySelector<HTMLDetailsElement>('details.queries-menu');
        if (!menu) return false;
        menu.open = true;
        menu.querySelector<HTMLElement>('summary')?.focus({ preventScroll: true });
        pendingMenu = menu;
        return true;
      }
      case 'sidebar': {
        const toggle = doc.querySelector<HTMLElement>('.sidebar-toggle');
        if (toggle && toggle.offsetParent !== null) toggle.click();
        else doc.body.classList.toggle('sidebar-hidden');
        return true;
      }
      case 'normalView':
        return clickIn('.view-switch button.view-normal');
      case 'globalView':
        return clickIn('.view-switch button.view-global');
      case 'readerView':
        return clickIn('.view-switch button.view-reader');
      case 'help': {
        const dialog = doc.getElementById('shortcut-help');
        if (dialog instanceof HTMLDialogElement && !dialog.open) dialog.showModal();
        return true;
      }
    }
    return false;
  };

  doc.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.isComposing) return;
    if (event.key === 'Escape') {
      pendingMenu = null;
      let closed = false;
      for (const menu of doc.querySelectorAll<HTMLDetailsElement>('details.menu[open]')) {
        menu.open = false;
        closed = true;
      }
      const panel = doc.getElementById('global-panel');
      if (panel && !panel.hidden) {
        panel.hidden = true;
        closed = true;
      }
      if (closed) event.preventDefault();
      return;
    }
    if (isTyping(event.target)) return;
    if (event.altKey && event.shiftKey) return;
    const key = eventKey(event);
    // A digit after l or s picks the n-th label or sharing method (after u: the n-th user query).
    if (pendingMenu && /^[0-9]$/.test(key)) {
      const items = pendingMenu.querySelectorAll<HTMLElement>('.menu-body li:not([hidden]) :is(button, a)');
      const item = items[Number(key) - 1];
      pendingMenu = null;
      if (item) {
        event.preventDefault();
        item.click();
      }
      return;
    }
    pendingMenu = null;
    if ((event.key === 'Enter' || event.key === 'o') && !event.altKey && !event.shiftKey) {
      if (event.key === 'Enter' && isInteractive(event.target)) return;
      const current = nav.current();
      const url = current ? originalUrl(current) : null;
      if (!url || !current) return;
      event.preventDefault();
      win.open(url, '_blank', 'noopener,noreferrer');
      markReadIfWanted(current, 'site');
      return;
    }
    const action = keys.get(key) ?? (event.key === '?' ? keys.get('?') : undefined);
    if (!action) return;
    if (event.altKey && !['next', 'prev', 'nextUnread', 'first', 'last', 'toggleRead'].includes(action))
      return;
    // Space on a focused button or link keeps its meaning.
    if (
      action === 'openOriginal' &&
      isInteractive(event.target) &&
      !(event.target instanceof HTMLElement && event.target.matches('summary.row'))
    )
      return;
    if (run(action, event)) event.preventDefault();
  });
}
