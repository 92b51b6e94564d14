// Live unread counts: every #stream[data-poll] seconds (FreshRSS: 120 s) the page asks
// /unread-counts, updates the sidebar, the labels and the "(n)" of the tab title, and when
// articles arrived since the page was shown (a higher newest id than #stream[data-max]) shows
// "new articles — click to show them"; with #stream[data-notify="1"] a desktop notification too.
import type { ClientContext } from './client-context.ts';
import { applyUnreadCounts } from './unread-counts.ts';

const TEXT = {
  en: {
    banner: 'There are new articles available, click to refresh the page.',
    title: 'Veille: new articles!',
  },
  fr: {
    banner: 'Il y a de nouveaux articles disponibles, cliquez pour rafraîchir la page.',
    title: 'Veille : nouveaux articles !',
  },
};

function applyLabelCounts(doc: Document, labels: unknown): void {
  if (typeof labels !== 'object' || labels === null) return;
  for (const [id, n] of Object.entries(labels as Record<string, unknown>)) {
    if (typeof n !== 'number') continue;
    const badge = doc.querySelector(`.sidebar li[data-label="${CSS.escape(id)}"] .count`);
    if (!badge) continue;
    badge.classList.toggle('empty', n <= 0);
    badge.textContent = n > 0 ? new Intl.NumberFormat(doc.documentElement.lang || undefined).format(n) : '';
  }
}

export function showNewArticlesBanner(doc: Document, win: Window, lang: 'en' | 'fr'): HTMLElement {
  let banner = doc.getElementById('new-articles');
  if (banner) return banner;
  banner = doc.createElement('button');
  banner.id = 'new-articles';
  banner.className = 'new-articles';
  banner.setAttribute('type', 'button');
  banner.textContent = TEXT[lang].banner;
  banner.addEventListener('click', () => {
    const url = new URL(win.location.href);
    for (const p of ['after', 'max', 'marked', 'undone']) url.searchParams.delete(p);
    win.location.assign(url.href);
  });
  doc.getElementById('stream')?.before(banner);
  return banner;
}

export function installStreamLive(ctx: ClientContext, doc: Document, win: Window): void {
  const stream = doc.getElementById('stream');
  const seconds = Number(stream?.getAttribute('data-poll') ?? '120');
  if (!stream || !(seconds > 0)) return;
  const shownMax = Number(stream.getAttribute('data-max') ?? '0');
  let notified = false;
  const poll = async () => {
    if (doc.visibilityState === 'hidden' && !notified) {
      // Still poll in the background (the title count), but not more often.
    }
    try {
      const response = await fetch('/unread-counts', {
        credentials: 'same-origin',
        headers: { Accept: 'application/json' },
      });
      if (!response.ok) return;
      const body = (await response.json()) as { unread?: unknown; labels?: unknown; maxId?: unknown };
      applyUnreadCounts(doc, body.unread);
      applyLabelCounts(doc, body.labels);
      if (typeof body.maxId === 'number' && body.maxId > shownMax) {
        showNewArticlesBanner(doc, win, ctx.lang);
        if (!notified && stream.getAttribute('data-notify') === '1' && 'Notification' in win) {
          notified = true;
          if (Notification.permission === 'granted') new Notification(TEXT[ctx.lang].title);
        }
      }
    } catch {
      // Offline for now: the next poll tries again.
    }
  };
  if (
    stream.getAttribute('data-notify') === '1' &&
    'Notification' in win &&
    Notification.permission === 'default'
  ) {
    // Asked on the first click, as browsers require a user gesture.
    doc.addEventListener('click', () => void Notification.requestPermission(), { once: true });
  }
  win.setInterval(() => void poll(), seconds * 1000);
}
