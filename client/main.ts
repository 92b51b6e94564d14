// Browser client bundle (built to public/app.js). Every page works without it; on the stream
// page it adds: one open article at a time, mark-as-read on open, on scroll and on keyboard
// focus, in-place read / favourite / label toggles with live unread counts, a foldable sidebar
// on phones, "load more" and infinite scroll, FreshRSS's keyboard shortcuts, the global view's
// panel, live unread counts with a "new articles" banner, swipe to mark read, offline reading.
import { clientContextFromPage } from './client-context.ts';
import { installEntryAccordion } from './entry-accordion.ts';
import { installEntryToggles } from './entry-toggles.ts';
import { installFullContent } from './full-content.ts';
import { installGlobalPanel } from './global-panel.ts';
import { installKeyboardShortcuts } from './keyboard-shortcuts.ts';
import { installMarkReadOnScroll } from './mark-read-on-scroll.ts';
import { installReadingExtras } from './reading-extras.ts';
import { installSidebarToggle } from './sidebar-toggle.ts';
import { installStreamLive } from './stream-live.ts';
import { installStreamLoader } from './stream-load-more.ts';
import './search-tools.ts';
import { installSubscriptionsDrag } from './subscriptions-drag.ts';

function start(doc: Document, win: Window): void {
  const ctx = clientContextFromPage(doc);
  doc.documentElement.classList.add('js');
  installEntryToggles(ctx, doc);
  installFullContent(ctx, doc);
  installSidebarToggle(doc);
  installReadingExtras(ctx, doc, win);
  installSubscriptionsDrag(ctx, doc);
  const nav = installEntryAccordion(ctx, doc);
  if (doc.getElementById('global')) {
    let loaded = false;
    installGlobalPanel(ctx, doc, () => {
      installMarkReadOnScroll(ctx, doc, win);
      if (!loaded) installStreamLoader(ctx, doc, win);
      loaded = true;
    });
  }
  const loader = installStreamLoader(ctx, doc, win);
  installKeyboardShortcuts(ctx, doc, win, nav, loader);
  if (!doc.getElementById('stream')) return;
  installMarkReadOnScroll(ctx, doc, win);
  installStreamLive(ctx, doc, win);
}

if (document.readyState === 'loading')
  document.addEventListener('DOMContentLoaded', () => start(document, window), { once: true });
else start(document, window);
