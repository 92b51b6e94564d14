// FreshRSS keyboard shortcuts for the normal view: j / k next / previous article (opened),
// r toggle read, f toggle favourite, c close, o or Enter open the original in a new tab.
// Never while typing, never with Ctrl, Meta or Alt. Enter keeps its own meaning on links,
// buttons and row summaries (opening / closing a row); it opens the original elsewhere.
import type { ClientContext } from './client-context.ts';
import type { EntryNavigator } from './entry-accordion.ts';
import { entryIsRead, entryIsStarred, entryToggleForm, submitEntryToggle } from './entry-toggles.ts';
import type { StreamLoader } from './stream-load-more.ts';

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

export function installKeyboardShortcuts(
  ctx: ClientContext,
  doc: Document,
  win: Window,
  nav: EntryNavigator,
  loader: StreamLoader,
): void {
  const focusRow = (entry: HTMLDetailsElement) =>
    entry.querySelector<HTMLElement>(':scope > summary')?.focus({ preventScroll: true });

  const go = async (step: 1 | -1) => {
    const list = nav.entries();
    const current = nav.current();
    let index = current ? list.indexOf(current) + step : step === 1 ? 0 : -1;
    if (index >= list.length && step === 1 && loader.hasMore()) {
      if (await loader.loadMore()) return go(step);
      return;
    }
    index = Math.min(Math.max(index, 0), list.length - 1);
    const next = list[index];
    if (!next) return;
    nav.open(next, { scroll: 'top' });
    focusRow(next);
  };

  doc.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    if (isTyping(event.target)) return;
    const current = nav.current();
    switch (event.key) {
      case 'j':
        event.preventDefault();
        void go(1);
        return;
      case 'k':
        event.preventDefault();
        void go(-1);
        return;
      case 'r':
      case 'f': {
        if (!current) return;
        const form = entryToggleForm(current, event.key === 'r' ? 'read' : 'star');
        if (!form) return;
        event.preventDefault();
        const now = event.key === 'r' ? entryIsRead(current) : entryIsStarred(current);
        void submitEntryToggle(ctx, form, !now);
        return;
      }
      case 'c':
        if (!current?.open) return;
        event.preventDefault();
        nav.close(current);
        return;
      case 'Enter':
      case 'o': {
        if (event.key === 'Enter' && isInteractive(event.target)) return;
        const url = current ? originalUrl(current) : null;
        if (!url) return;
        event.preventDefault();
        win.open(url, '_blank', 'noopener,noreferrer');
        return;
      }
    }
  });
}
