// Sharing services (FreshRSS's app/shares.php): the user's ordered list of ways to share an
// article, stored with the reading settings. A service is a built-in type (some need the address
// of the user's instance) or a custom URL template where ~LINK~ and ~TITLE~ stand for the
// article's link and title (FreshRSS's syntax). Only http(s) addresses are ever accepted, when
// saved and again when a link is built: a `javascript:` template is refused and never rendered.

/** Types that the browser handles (buttons or mailto:), not a web address. */
export type LocalShareType = 'clipboard' | 'email' | 'print' | 'native';
/** Types with a fixed public address. */
export type PublicShareType = 'archiveorg' | 'bluesky' | 'pinboard' | 'instapaper' | 'telegram' | 'whatsapp';
/** Types that need the address of the user's own instance. */
export type InstanceShareType = 'mastodon' | 'shaarli' | 'wallabag' | 'linkding' | 'diaspora';
export type ShareType = LocalShareType | PublicShareType | InstanceShareType | 'custom';

export interface ShareService {
  type: ShareType;
  /** Shown in the menu; empty: the type's name. */
  name: string;
  /** Instance base address (instance types) or the URL template (custom); '' otherwise. */
  url: string;
}

interface ShareTypeInfo {
  label: string;
  /** `~URL~` is the instance address; `~LINK~`, `~TITLE~` are URL-encoded. */
  template?: string;
  needsUrl?: boolean;
}

export const SHARE_TYPES: Record<ShareType, ShareTypeInfo> = {
  clipboard: { label: 'clipboard' },
  email: { label: 'email' },
  print: { label: 'print' },
  native: { label: 'native' },
  mastodon: { label: 'Mastodon', template: '~URL~/share?text=~TITLE~%20~LINK~', needsUrl: true },
  shaarli: { label: 'Shaarli', template: '~URL~/?post=~LINK~&title=~TITLE~&source=Veille', needsUrl: true },
  wallabag: { label: 'wallabag', template: '~URL~/bookmarklet?url=~LINK~', needsUrl: true },
  linkding: { label: 'Linkding', template: '~URL~/bookmarks/new?url=~LINK~&auto_close', needsUrl: true },
  diaspora: { label: 'Diaspora*', template: '~URL~/bookmarklet?url=~LINK~&title=~TITLE~', needsUrl: true },
  archiveorg: { label: 'archive.org', template: 'https://web.archive.org/save/~LINK~' },
  bluesky: { label: 'Bluesky', template: 'https://bsky.app/intent/compose?text=~TITLE~%20~LINK~' },
  pinboard: { label: 'Pinboard', template: 'https://pinboard.in/add?next=same&url=~LINK~&title=~TITLE~' },
  instapaper: { label: 'Instapaper', template: 'https://www.instapaper.com/hello2?url=~LINK~&title=~TITLE~' },
  telegram: { label: 'Telegram', template: 'https://t.me/share/url?url=~LINK~&text=~TITLE~' },
  whatsapp: { label: 'WhatsApp', template: 'https://wa.me/?text=~TITLE~%20~LINK~' },
  custom: { label: 'custom' },
};

export const SHARE_TYPE_KEYS = Object.keys(SHARE_TYPES) as ShareType[];
export const MAX_SHARE_SERVICES = 30;
const MAX_NAME = 60;
const MAX_URL = 1000;

/** What a new account's Share menu holds (the menu Veille had before it was configurable). */
export const DEFAULT_SHARE_SERVICES: readonly ShareService[] = [
  { type: 'clipboard', name: '', url: '' },
  { type: 'email', name: '', url: '' },
  { type: 'print', name: '', url: '' },
  { type: 'native', name: '', url: '' },
  { type: 'archiveorg', name: '', url: '' },
];

export function isShareType(x: unknown): x is ShareType {
  return typeof x === 'string' && Object.hasOwn(SHARE_TYPES, x);
}

export function isLocalShareType(t: ShareType): t is LocalShareType {
  return t === 'clipboard' || t === 'email' || t === 'print' || t === 'native';
}

/** Why a service cannot be saved. */
export type ShareServiceError = 'url' | 'needsUrl' | 'template' | 'type';

function isHttpUrl(text: string): boolean {
  if (!/^https?:\/\//i.test(text)) return false;
  try {
    const u = new URL(text);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

/** Checks and normalises a service typed into the settings form. */
export function validShareService(input: {
  type?: unknown;
  name?: unknown;
  url?: unknown;
}): { ok: true; service: ShareService } | { ok: false; error: ShareServiceError } {
  if (!isShareType(input.type)) return { ok: false, error: 'type' };
  const type = input.type;
  const name = (typeof input.name === 'string' ? input.name : '').trim().slice(0, MAX_NAME);
  let url = (typeof input.url === 'string' ? input.url : '').trim();
  if (url.length > MAX_URL) return { ok: false, error: 'url' };
  const info = SHARE_TYPES[type];
  if (type === 'custom') {
    if (!url) return { ok: false, error: 'template' };
    // The template itself, and the template filled in, must both be http(s) addresses.
    if (!isHttpUrl(url) || !isHttpUrl(fillTemplate(url, 'https://example.org/a', 'a'))) {
      return { ok: false, error: 'url' };
    }
    if (!url.includes('~LINK~')) return { ok: false, error: 'template' };
  } else if (info.needsUrl) {
    if (!url) return { ok: false, error: 'needsUrl' };
    if (!isHttpUrl(url) || /[~\s]/.test(url)) return { ok: false, error: 'url' };
    url = url.replace(/\/+$/, '');
  } else {
    url = '';
  }
  return { ok: true, service: { type, name, url } };
}

/** The stored list, from anything (settings JSON): invalid services are dropped. */
export function shareServicesFrom(input: unknown): ShareService[] {
  if (!Array.isArray(input)) return DEFAULT_SHARE_SERVICES.map((s) => ({ ...s }));
  const out: ShareService[] = [];
  for (const item of input.slice(0, MAX_SHARE_SERVICES)) {
    if (typeof item !== 'object' || item === null) continue;
    const r = validShareService(item as Record<string, unknown>);
    if (r.ok) out.push(r.service);
  }
  return out;
}

/** One pass, so that a `~` in the link or the title is never taken for a placeholder. */
function fillTemplate(template: string, link: string, title: string): string {
  return template.replace(/~(LINK|TITLE)~/g, (_, key: string) =>
    encodeURIComponent(key === 'LINK' ? link : title),
  );
}

/**
 * The address that shares `link` (already a checked http(s) URL) through a web service, or null
 * for the browser-side types and for anything that does not come out as an http(s) address.
 */
export function shareHref(service: ShareService, link: string, title: string): string | null {
  if (isLocalShareType(service.type)) return null;
  let href: string;
  if (service.type === 'custom') href = fillTemplate(service.url, link, title);
  else if (service.type === 'archiveorg') href = `https://web.archive.org/save/${link}`;
  else {
    const template = SHARE_TYPES[service.type].template ?? '';
    if (SHARE_TYPES[service.type].needsUrl && !service.url) return null;
    href = fillTemplate(
      template.replace('~URL~', () => service.url),
      link,
      title,
    );
  }
  return isHttpUrl(href) ? href : null;
}
