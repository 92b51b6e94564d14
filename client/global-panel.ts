// The global view ("Vue globale"): a click on a category or a feed of a tile opens its stream
// in a panel over the tiles (fetched, its #stream taken), as FreshRSS's slide-in panel does.
// Without JavaScript the links lead to the stream's own page.
import type { ClientContext } from './client-context.ts';

export function installGlobalPanel(ctx: ClientContext, doc: Document, onLoaded: () => void): void {
  const panel = doc.getElementById('global-panel');
  const body = panel?.querySelector<HTMLElement>('.panel-body');
  if (!panel || !body) return;
  panel.querySelector('.close-panel')?.addEventListener('click', () => {
    panel.hidden = true;
  });
  doc.addEventListener('click', async (event) => {
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    const link =
      event.target instanceof Element ? event.target.closest<HTMLAnchorElement>('a.global-link') : null;
    if (!link) return;
    event.preventDefault();
    try {
      const response = await fetch(link.href, {
        credentials: 'same-origin',
        headers: { Accept: 'text/html' },
      });
      if (!response.ok) throw new Error(`global: HTTP ${response.status}`);
      const page = new DOMParser().parseFromString(await response.text(), 'text/html');
      const stream = page.getElementById('stream');
      if (!stream) throw new Error('global: no stream');
      doc.getElementById('stream')?.remove();
      const heading = doc.createElement('h2');
      heading.className = 'panel-title';
      heading.textContent = link.textContent?.replace(/\s+/g, ' ').trim() ?? '';
      body.replaceChildren(heading, doc.adoptNode(stream));
      panel.hidden = false;
      onLoaded();
    } catch {
      ctx.notify(ctx.messages.network);
    }
  });
}
