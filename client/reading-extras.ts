// Small things of the stream page: the confirmation before "mark all as read" (when the user
// asked for it), the sort form that applies on change, menus (labels, share, mark-as-read
// options) that close on a click elsewhere, labels toggled in place, the share actions (copy,
// print, the Web Share API), swipe to mark read on touch screens, and the service worker.
import type { ClientContext } from './client-context.ts';
import { entryIsRead, entryToggleForm, submitEntryToggle } from './entry-toggles.ts';
import { formFields, postForm } from './post-form.ts';

const COPIED = { en: 'Link copied.', fr: 'Lien copié.' };

export function installReadingExtras(ctx: ClientContext, doc: Document, win: Window): void {
  doc.addEventListener('submit', (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    const question = form.getAttribute('data-confirm');
    if (question && !win.confirm(question)) event.preventDefault();
  });

  doc.addEventListener('change', (event) => {
    const select = event.target;
    if (select instanceof HTMLSelectElement && select.form?.classList.contains('sort-form'))
      select.form.requestSubmit();
  });

  doc.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target : null;
    for (const menu of doc.querySelectorAll<HTMLDetailsElement>('details.menu[open]'))
      if (!target || !menu.contains(target)) menu.open = false;
  });

  // Labels: toggled with fetch, the row stays as it is.
  doc.addEventListener('submit', async (event) => {
    const form = event.target;
    if (
      !(form instanceof HTMLFormElement) ||
      !form.classList.contains('label-toggle') ||
      event.defaultPrevented
    )
      return;
    event.preventDefault();
    const result = await postForm(form.action, formFields(form), ctx.csrfToken);
    if (result.kind === 'error') {
      ctx.notify(ctx.messages[result.reason]);
      return;
    }
    const body = (result.body ?? {}) as { on?: unknown; labels?: unknown };
    const on = body.on === true;
    const button = form.querySelector('button');
    button?.setAttribute('aria-pressed', on ? 'true' : 'false');
    const check = form.querySelector('.check');
    if (check) check.textContent = on ? '☑' : '☐';
    const next = form.querySelector<HTMLInputElement>('input[name="on"]');
    if (next) next.value = on ? '0' : '1';
    if (typeof body.labels === 'object' && body.labels !== null) {
      for (const [id, n] of Object.entries(body.labels as Record<string, unknown>)) {
        const badge = doc.querySelector(`.sidebar li[data-label="${CSS.escape(id)}"] .count`);
        if (badge && typeof n === 'number') {
          badge.classList.toggle('empty', n <= 0);
          badge.textContent = n > 0 ? String(n) : '';
        }
      }
    }
  });

  // Share.
  const nav = win.navigator as Navigator & { share?: (data: ShareData) => Promise<void> };
  if (typeof nav.share === 'function')
    for (const item of doc.querySelectorAll<HTMLElement>('.share-native-item')) item.hidden = false;
  doc.addEventListener('click', (event) => {
    const button =
      event.target instanceof Element
        ? event.target.closest<HTMLElement>('.share-copy, .share-print, .share-native')
        : null;
    if (!button) return;
    const url = button.getAttribute('data-url') ?? '';
    if (button.classList.contains('share-copy')) {
      void nav.clipboard?.writeText(url).then(
        () => ctx.notify(COPIED[ctx.lang]),
        () => ctx.notify(url),
      );
    } else if (button.classList.contains('share-print')) {
      const entry = button.closest('.entry');
      entry?.classList.add('printing');
      win.print();
      entry?.classList.remove('printing');
    } else if (typeof nav.share === 'function') {
      void nav.share({ url, title: button.getAttribute('data-title') ?? undefined }).catch(() => undefined);
    }
  });

  // Swipe a row or an article sideways (touch) to toggle its read state.
  let start: { x: number; y: number; entry: HTMLElement } | null = null;
  doc.addEventListener(
    'touchstart',
    (event) => {
      const t = event.touches[0];
      const entry =
        event.target instanceof Element ? event.target.closest<HTMLElement>('#stream .entry[data-id]') : null;
      start = t && entry && event.touches.length === 1 ? { x: t.clientX, y: t.clientY, entry } : null;
    },
    { passive: true },
  );
  doc.addEventListener(
    'touchend',
    (event) => {
      const t = event.changedTouches[0];
      if (!start || !t) return;
      const dx = t.clientX - start.x;
      const dy = t.clientY - start.y;
      const entry = start.entry;
      start = null;
      if (Math.abs(dx) < 80 || Math.abs(dy) > Math.abs(dx) / 2) return;
      const form = entryToggleForm(entry, 'read');
      if (form) void submitEntryToggle(ctx, form, !entryIsRead(entry));
    },
    { passive: true },
  );

  if ('serviceWorker' in win.navigator && win.location.protocol !== 'file:') {
    void win.navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
  }
}
