// Pieces shared by the normal view's rows and the reading view's articles: the read and
// favourite toggles (buttons + their hidden forms), the "My labels" menu, the share menu and
// the article body with lazy images.
import { raw } from 'hono/html';
import type { Translator } from '../../i18n/i18n.ts';
import {
  DEFAULT_SHARE_SERVICES,
  SHARE_TYPES,
  shareHref,
  type ShareService,
} from '../../model/share-services.ts';
import type { LabelView } from '../../storage/labels.ts';
import type { EntryView } from '../../storage/streams.ts';
import { safeHttpUrl } from './safe-url.ts';

export interface EntryContext {
  tr: Translator;
  csrfToken: string;
  back: string;
  labels: LabelView[];
  /** Label ids on this entry. */
  entryLabels: number[];
  /** The URL of a search in the current stream (clickable authors and tags); none: plain text. */
  searchHref?: (search: string) => string;
  /** The user's sharing services (reading settings); the defaults when left out. */
  shareServices?: readonly ShareService[];
}

export function ToggleButtons(props: { entry: EntryView; tr: Translator }) {
  const { entry: e, tr } = props;
  return (
    <>
      <button
        type="submit"
        form={`read-${e.id}`}
        class="icon toggle-read"
        title={tr.t('entry.toggleRead')}
        aria-label={e.read ? tr.t('entry.markUnread') : tr.t('entry.markRead')}
        aria-pressed={e.read ? 'true' : 'false'}
      >
        {e.read ? '○' : '●'}
      </button>
      <button
        type="submit"
        form={`star-${e.id}`}
        class="icon toggle-star"
        title={tr.t('entry.toggleStar')}
        aria-label={e.starred ? tr.t('entry.unstar') : tr.t('entry.star')}
        aria-pressed={e.starred ? 'true' : 'false'}
      >
        {e.starred ? '★' : '☆'}
      </button>
    </>
  );
}

export function ToggleForms(props: { entry: EntryView; csrfToken: string; back: string }) {
  const { entry: e } = props;
  return (
    <>
      <form id={`read-${e.id}`} method="post" action={`/entries/${e.id}/read`} class="hidden-form">
        <input type="hidden" name="_csrf" value={props.csrfToken} />
        <input type="hidden" name="read" value={e.read ? '0' : '1'} />
        <input type="hidden" name="back" value={props.back} />
      </form>
      <form id={`star-${e.id}`} method="post" action={`/entries/${e.id}/star`} class="hidden-form">
        <input type="hidden" name="_csrf" value={props.csrfToken} />
        <input type="hidden" name="starred" value={e.starred ? '0' : '1'} />
        <input type="hidden" name="back" value={props.back} />
      </form>
    </>
  );
}

/** "My labels": one toggle button per label (numbered for the `l` then 1–9 shortcut). */
export function LabelsMenu(props: { entry: EntryView; ctx: EntryContext }) {
  const { entry: e, ctx } = props;
  const { tr } = ctx;
  return (
    <details class="menu labels-menu">
      <summary>{tr.t('labels.menu')}</summary>
      <div class="menu-body">
        {ctx.labels.length === 0 && (
          <p class="muted small">
            <a href="/labels">{tr.t('labels.none')}</a>
          </p>
        )}
        <ul>
          {ctx.labels.map((l, i) => {
            const on = ctx.entryLabels.includes(l.id);
            return (
              <li>
                <form method="post" action={`/entries/${e.id}/labels/${l.id}`} class="label-toggle">
                  <input type="hidden" name="_csrf" value={ctx.csrfToken} />
                  <input type="hidden" name="on" value={on ? '0' : '1'} />
                  <input type="hidden" name="back" value={ctx.back} />
                  <button
                    type="submit"
                    class="link"
                    aria-pressed={on ? 'true' : 'false'}
                    data-label={String(l.id)}
                  >
                    <span class="check" aria-hidden="true">
                      {on ? '☑' : '☐'}
                    </span>{' '}
                    {i < 9 && <kbd aria-hidden="true">{i + 1}</kbd>} {l.name}
                  </button>
                </form>
              </li>
            );
          })}
        </ul>
      </div>
    </details>
  );
}

/** The name a sharing service goes by in the Share menu and on the settings page. */
export function shareServiceLabel(service: ShareService, tr: Translator): string {
  if (service.name) return service.name;
  switch (service.type) {
    case 'clipboard':
      return tr.t('share.copy');
    case 'email':
      return tr.t('share.email');
    case 'print':
      return tr.t('share.print');
    case 'native':
      return tr.t('share.native');
    case 'custom':
      try {
        return new URL(service.url).hostname;
      } catch {
        return tr.t('share.type.custom');
      }
    default:
      return SHARE_TYPES[service.type].label;
  }
}

/**
 * Share: the user's services in their order (`s` then 1–9 picks the n-th visible one). Copy,
 * print and the Web Share API are buttons the client handles; every web service is an http(s)
 * link built by shareHref (anything else is left out), opened without referrer or opener.
 */
export function ShareMenu(props: { entry: EntryView; tr: Translator; services?: readonly ShareService[] }) {
  const { entry: e, tr } = props;
  const link = safeHttpUrl(e.url);
  const services = props.services ?? DEFAULT_SHARE_SERVICES;
  if (!link || services.length === 0) return null;
  const title = e.title || link;
  const enc = encodeURIComponent;
  const item = (s: ShareService) => {
    const label = shareServiceLabel(s, tr);
    switch (s.type) {
      case 'clipboard':
        return (
          <li>
            <button type="button" class="link share-copy" data-url={link}>
              {label}
            </button>
          </li>
        );
      case 'email':
        return (
          <li>
            <a href={`mailto:?subject=${enc(title)}&body=${enc(link)}`}>{label}</a>
          </li>
        );
      case 'print':
        return (
          <li>
            <button type="button" class="link share-print">
              {label}
            </button>
          </li>
        );
      case 'native':
        return (
          <li class="share-native-item" hidden>
            <button type="button" class="link share-native" data-url={link} data-title={title}>
              {label}
            </button>
          </li>
        );
      default: {
        const href = shareHref(s, link, title);
        return href ? (
          <li>
            <a
              href={href}
              target="_blank"
              rel="noopener noreferrer"
              class="share-service"
              data-share={s.type}
            >
              {label}
            </a>
          </li>
        ) : null;
      }
    }
  };
  return (
    <details class="menu share-menu">
      <summary>{tr.t('share.menu')}</summary>
      <div class="menu-body">
        <ul>{services.map(item)}</ul>
      </div>
    </details>
  );
}

/** The sanitized article HTML, images lazy-loaded (the sanitizer escapes every '<' of text). */
export function EntryText(props: { entry: EntryView }) {
  const html = props.entry.content.replace(/<img\b/gi, '<img loading="lazy" decoding="async"');
  return <div class="text">{raw(html)}</div>;
}

export function Enclosures(props: { entry: EntryView; tr: Translator }) {
  return (
    <>
      {props.entry.enclosures.map((x) => {
        const href = safeHttpUrl(x.url);
        return href ? (
          <p class="enclosure">
            <a href={href} target="_blank" rel="noopener noreferrer">
              {props.tr.t('entry.enclosure')}
              {x.type ? ` (${x.type})` : ''}
            </a>
          </p>
        ) : null;
      })}
    </>
  );
}

export function entryTitle(e: EntryView, tr: Translator): string {
  return e.title || e.summary.slice(0, 120) || tr.t('entry.untitled');
}

/** The article's title as a heading, linked to the original when the entry has an http(s) link. */
/**
 * An entry's title, linked to the original article when its URL is a safe http(s) one, opening
 * in a new tab without a referrer; plain text otherwise. `linkTitle`: the link's tooltip.
 */
export function EntryTitleLink(props: { entry: EntryView; tr: Translator; linkTitle?: string }) {
  const { entry, tr } = props;
  const link = safeHttpUrl(entry.url);
  const title = entryTitle(entry, tr);
  return link ? (
    <a href={link} target="_blank" rel="noopener noreferrer" title={props.linkTitle}>
      {title}
    </a>
  ) : (
    <>{title}</>
  );
}

export function EntryHeading(props: { entry: EntryView; tr: Translator }) {
  return (
    <h1 class="title">
      <EntryTitleLink entry={props.entry} tr={props.tr} linkTitle={props.tr.t('entry.openOriginal')} />
    </h1>
  );
}
