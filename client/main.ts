// Browser client bundle (built to public/app.js). Every page works without it; on the stream
// page it adds: one open article at a time, mark-as-read on open, in-place read / favourite
// toggles with live unread counts, a foldable sidebar on phones, "load more" and infinite scroll, and keyboard shortcuts.
import { clientContextFromPage } from './client-context.ts';
import { installEntryAccordion } from './entry-accordion.ts';
import { installEntryToggles } from './entry-toggles.ts';
import { installKeyboardShortcuts } from './keyboard-shortcuts.ts';
import { installSidebarToggle } from './sidebar-toggle.ts';
import { installStreamLoader } from './stream-load-more.ts';

function start(doc: Document, win: Window): void {
  const ctx = clientContextFromPage(doc);
  doc.documentElement.classList.add('js');
  installEntryToggles(ctx, doc);
  installSidebarToggle(doc);
  if (!doc.getElementById('stream')) return;
  const nav = installEntryAccordion(ctx, doc);
  const loader = installStreamLoader(ctx, doc, win);
  installKeyboardShortcuts(ctx, doc, win, nav, loader);
}

if (document.readyState === 'loading')
  document.addEventListener('DOMContentLoaded', () => start(document, window), { once: true });
else start(document, window);
