// "Load more" without leaving the page, and infinite scroll: the next page's rows are fetched,
// parsed and appended to ours.
//
// DOM contract (src/http/ui/stream-page.tsx):
//   #stream > .entries > (h2.day[data-day] | .entry[data-id])*
//   #stream > a.load-more[href]          the next page, or
//   #stream > .stream-footer             end of the stream (replaces the link when reached)
import type { ClientContext } from './client-context.ts';

export interface StreamLoader {
  /** Loads the next page; resolves to true when rows were appended. */
  loadMore(): Promise<boolean>;
  hasMore(): boolean;
}

function lastDayKey(entries: Element): string | null {
  const days = entries.querySelectorAll('h2.day[data-day]');
  return days[days.length - 1]?.getAttribute('data-day') ?? null;
}

/**
 * Moves the next page's rows into ours. A leading day header equal to our last one is dropped
 * (the day continues); the load-more link is replaced by theirs, their footer, or nothing.
 */
export function appendStreamPage(doc: Document, page: Document): number {
  const ours = doc.querySelector('#stream .entries');
  const theirs = page.querySelector('#stream .entries');
  const link = doc.querySelector('#stream a.load-more');
  if (!ours) return 0;
  const nodes = theirs ? Array.from(theirs.children) : [];
  const first = nodes[0];
  if (first?.matches('h2.day') && first.getAttribute('data-day') === lastDayKey(ours)) nodes.shift();
  const fragment = doc.createDocumentFragment();
  for (const node of nodes) fragment.append(doc.adoptNode(node));
  ours.append(fragment);
  const next = page.querySelector('#stream a.load-more') ?? page.querySelector('#stream .stream-footer');
  if (link) {
    if (next) link.replaceWith(doc.adoptNode(next));
    else link.remove();
  }
  return nodes.filter((n) => n.matches('.entry[data-id]')).length;
}

export function installStreamLoader(ctx: ClientContext, doc: Document, win: Window): StreamLoader {
  let loading: Promise<boolean> | null = null;
  const observer =
    'IntersectionObserver' in win
      ? new IntersectionObserver(
          (records) => {
            if (records.some((r) => r.isIntersecting)) void loadMore();
          },
          { rootMargin: '0px 0px 300px 0px' },
        )
      : null;

  const watchLink = () => {
    observer?.disconnect();
    const link = doc.querySelector('#stream a.load-more');
    // #stream[data-auto-load="0"]: the user wants the button, not infinite scroll.
    if (link && doc.getElementById('stream')?.getAttribute('data-auto-load') !== '0') observer?.observe(link);
  };

  const fetchAndAppend = async (link: HTMLAnchorElement): Promise<boolean> => {
    link.setAttribute('aria-busy', 'true');
    link.classList.add('loading');
    let html: string;
    try {
      const response = await fetch(link.href, {
        credentials: 'same-origin',
        headers: { Accept: 'text/html' },
      });
      if (!response.ok) throw new Error(`load-more: HTTP ${response.status}`);
      html = await response.text();
    } catch {
      link.removeAttribute('aria-busy');
      link.classList.remove('loading');
      ctx.notify(ctx.messages.network);
      // Stop the automatic retries; a click on the link tries again.
      observer?.disconnect();
      return false;
    }
    const page = new DOMParser().parseFromString(html, 'text/html');
    if (!page.querySelector('#stream')) {
      // Not a stream page (the session ended and we got the login page): follow the link.
      win.location.assign(link.href);
      return false;
    }
    const added = appendStreamPage(doc, page);
    watchLink();
    return added > 0;
  };

  const loadMore = (): Promise<boolean> => {
    if (loading) return loading;
    const link = doc.querySelector<HTMLAnchorElement>('#stream a.load-more');
    if (!link) return Promise.resolve(false);
    loading = fetchAndAppend(link).finally(() => {
      loading = null;
    });
    return loading;
  };

  doc.addEventListener('click', (event) => {
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    const link = event.target instanceof Element ? event.target.closest('#stream a.load-more') : null;
    if (!link) return;
    event.preventDefault();
    void loadMore();
  });

  watchLink();
  return { loadMore, hasMore: () => doc.querySelector('#stream a.load-more') !== null };
}
