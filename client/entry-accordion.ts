// The normal view's accordion: one article open at a time, opening an unread article marks it
// read, and an opened row whose top went above the viewport is scrolled back to the top
// (FreshRSS "sticky post"). Also tracks the "current" entry used by the keyboard shortcuts.
//
// DOM contract: #stream details.entry rows (see entry-toggles.ts), summary.row first child.
import type { ClientContext } from './client-context.ts';
import { entryIsRead, entryToggleForm, submitEntryToggle } from './entry-toggles.ts';

export interface EntryNavigator {
  /** The entry the shortcuts act on: the open one, else the last one opened or focused. */
  current(): HTMLElement | null;
  entries(): HTMLElement[];
  /** Opens one entry (closing the others) and scrolls its row to the top. */
  open(entry: HTMLElement, options?: { scroll?: 'top' | 'if-above' }): void;
  /** Makes an entry the current one without opening it (n / p). */
  focus(entry: HTMLElement): void;
  close(entry: HTMLElement): void;
}

const CURRENT = 'current';

function entryOf(target: EventTarget | null): HTMLDetailsElement | null {
  const el = target instanceof Element ? target.closest('details.entry') : null;
  return el instanceof HTMLDetailsElement ? el : null;
}

function summaryOf(entry: HTMLDetailsElement): HTMLElement {
  return entry.querySelector<HTMLElement>(':scope > summary') ?? entry;
}

/** Scrolls the row to the top of the window when `scroll` is 'top', or only when it went above it. */
function scrollRowIntoView(entry: HTMLDetailsElement, scroll: 'top' | 'if-above'): void {
  const summary = summaryOf(entry);
  const top = summary.getBoundingClientRect().top;
  if (scroll === 'top' || top < 0) summary.scrollIntoView({ block: 'start' });
}

/** Whether the page asks for this mark-as-read rule (#stream[data-mark-*="1"]). */
export function markRule(doc: Document, rule: 'open' | 'site' | 'scroll' | 'focus'): boolean {
  const value = doc.getElementById('stream')?.getAttribute(`data-mark-${rule}`);
  return rule === 'open' || rule === 'site' ? value !== '0' : value === '1';
}

export function installEntryAccordion(ctx: ClientContext, doc: Document): EntryNavigator {
  const entries = () => Array.from(doc.querySelectorAll<HTMLElement>('.entry[data-id]'));

  const markCurrent = (entry: HTMLElement) => {
    for (const other of doc.querySelectorAll(`.entry.${CURRENT}`))
      if (other !== entry) other.classList.remove(CURRENT);
    entry.classList.add(CURRENT);
  };

  const closeOthers = (entry: HTMLDetailsElement) => {
    for (const other of doc.querySelectorAll<HTMLDetailsElement>('details.entry[open]'))
      if (other !== entry) other.open = false;
  };

  const onOpened = (entry: HTMLDetailsElement) => {
    markCurrent(entry);
    closeOthers(entry);
    if (!entryIsRead(entry) && markRule(doc, 'open')) {
      const form = entryToggleForm(entry, 'read');
      if (form) void submitEntryToggle(ctx, form, true);
    }
  };

  // A click on a closed row's summary: close the others before the browser opens it, so the
  // page does not jump after a frame. The toggle event below does the rest.
  doc.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (!target || target.closest('button, a, input, select, textarea')) return;
    const summary = target.closest('summary');
    const entry = summary ? entryOf(summary) : null;
    if (!entry || summary !== summaryOf(entry) || entry.open) return;
    markCurrent(entry);
    closeOthers(entry);
  });

  // `toggle` does not bubble: listen in the capture phase. It also fires when the browser opens a
  // row by itself (find in page, #entry-N), or when a script sets `open`.
  doc.addEventListener(
    'toggle',
    (event) => {
      const entry =
        event.target instanceof HTMLDetailsElement && event.target.matches('details.entry')
          ? event.target
          : null;
      if (!entry || !entry.open) return;
      onOpened(entry);
      scrollRowIntoView(entry, 'if-above');
    },
    true,
  );

  doc.addEventListener('focusin', (event) => {
    const target =
      event.target instanceof Element ? event.target.closest<HTMLElement>('.entry[data-id]') : null;
    if (target) markCurrent(target);
  });

  return {
    entries,
    current() {
      return (
        doc.querySelector<HTMLElement>(`.entry.${CURRENT}`) ??
        doc.querySelector<HTMLDetailsElement>('details.entry[open]')
      );
    },
    open(entry, options) {
      markCurrent(entry);
      if (entry instanceof HTMLDetailsElement) {
        closeOthers(entry);
        entry.open = true;
        scrollRowIntoView(entry, options?.scroll ?? 'top');
      } else {
        // The reading view: every article is open already; bring this one to the top.
        entry.scrollIntoView({ block: 'start' });
        entry.focus({ preventScroll: true });
      }
    },
    focus(entry) {
      markCurrent(entry);
      if (entry instanceof HTMLDetailsElement) closeOthers(entry);
      const target = entry instanceof HTMLDetailsElement ? summaryOf(entry) : entry;
      target.scrollIntoView({ block: 'nearest' });
      target.focus({ preventScroll: true });
    },
    close(entry) {
      if (entry instanceof HTMLDetailsElement) entry.open = false;
    },
  };
}
