// FreshRSS's "mark as read on scroll": an unread article whose bottom went above the top of the
// window has been read past; it is marked read (batched per animation frame). Articles of
// important feeds (.keep_unread) are never marked this way. Only when #stream[data-mark-scroll="1"].
import type { ClientContext } from './client-context.ts';
import { markRule } from './entry-accordion.ts';
import { entryIsRead, entryToggleForm, submitEntryToggle } from './entry-toggles.ts';

export function installMarkReadOnScroll(ctx: ClientContext, doc: Document, win: Window): void {
  if (!markRule(doc, 'scroll') || !('IntersectionObserver' in win)) return;
  const observer = new IntersectionObserver((records) => {
    for (const r of records) {
      const entry = r.target as HTMLElement;
      // Left the viewport through its top edge.
      if (r.isIntersecting || r.boundingClientRect.bottom > 0) continue;
      observer.unobserve(entry);
      if (entryIsRead(entry) || entry.classList.contains('keep_unread')) continue;
      const form = entryToggleForm(entry, 'read');
      if (form) void submitEntryToggle(ctx, form, true);
    }
  });
  const watch = () => {
    for (const entry of doc.querySelectorAll<HTMLElement>(
      '#stream .entry.not_read:not([data-scroll-watched])',
    )) {
      entry.setAttribute('data-scroll-watched', '');
      observer.observe(entry);
    }
  };
  watch();
  // Rows appended by "load more" are watched too.
  const entries = doc.querySelector('#stream .entries');
  if (entries) new MutationObserver(watch).observe(entries, { childList: true });
}
