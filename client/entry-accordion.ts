// The normal view's accordion: one article open at a time, opening an unread article marks it
// read, and an opened row whose top went above the viewport is scrolled back to the top
// (FreshRSS "sticky post"). Also tracks the "current" entry used by the keyboard shortcuts.
//
// DOM contract: #stream .entry[data-id] rows (see entry-toggles.ts); in the normal view each holds
// its toggles (.row-toggles) and then details.fold > summary.row + the article.
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

const FOLD = 'details.fold';

/** The normal view's <details> of an entry; null in the reading view (always open). */
export function foldOf(entry: HTMLElement): HTMLDetailsElement | null {
  const fold = entry.querySelector(`:scope > ${FOLD}`);
  return fold instanceof HTMLDetailsElement ? fold : null;
}

function summaryOf(fold: HTMLDetailsElement): HTMLElement {
  return fold.querySelector<HTMLElement>(':scope > summary') ?? fold;
}

/** The entry of a normal view's <details class="fold">, or null for any other element. */
function entryOfFold(el: EventTarget | null): HTMLElement | null {
  return el instanceof HTMLDetailsElement && el.matches(`.entry[data-id] > ${FOLD}`)
    ? el.parentElement
    : null;
}

/** Scrolls the row to the top of the window when `scroll` is 'top', or only when it went above it. */
function scrollRowIntoView(fold: HTMLDetailsElement, scroll: 'top' | 'if-above'): void {
  const summary = summaryOf(fold);
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

  const closeOthers = (fold: HTMLDetailsElement | null) => {
    for (const other of doc.querySelectorAll<HTMLDetailsElement>(`.entry > ${FOLD}[open]`))
      if (other !== fold) other.open = false;
  };

  const onOpened = (entry: HTMLElement, fold: HTMLDetailsElement) => {
    markCurrent(entry);
    closeOthers(fold);
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
    const fold = target.closest('summary')?.parentElement ?? null;
    const entry = entryOfFold(fold);
    if (!entry || !(fold instanceof HTMLDetailsElement) || fold.open) return;
    markCurrent(entry);
    closeOthers(fold);
  });

  // `toggle` does not bubble: listen in the capture phase. It also fires when the browser opens a
  // row by itself (find in page, #entry-N), or when a script sets `open`.
  doc.addEventListener(
    'toggle',
    (event) => {
      const fold = event.target;
      const entry = entryOfFold(fold);
      if (!entry || !(fold instanceof HTMLDetailsElement) || !fold.open) return;
      onOpened(entry, fold);
      scrollRowIntoView(fold, 'if-above');
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
        doc.querySelector(`.entry > ${FOLD}[open]`)?.parentElement ??
        null
      );
    },
    open(entry, options) {
      markCurrent(entry);
      const fold = foldOf(entry);
      if (fold) {
        closeOthers(fold);
        fold.open = true;
        scrollRowIntoView(fold, options?.scroll ?? 'top');
      } else {
        // The reading view: every article is open already; bring this one to the top.
        entry.scrollIntoView({ block: 'start' });
        entry.focus({ preventScroll: true });
      }
    },
    focus(entry) {
      markCurrent(entry);
      const fold = foldOf(entry);
      if (fold) closeOthers(fold);
      const target = fold ? summaryOf(fold) : entry;
      target.scrollIntoView({ block: 'nearest' });
      target.focus({ preventScroll: true });
    },
    close(entry) {
      const fold = foldOf(entry);
      if (fold) fold.open = false;
    },
  };
}
