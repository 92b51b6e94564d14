// A user's reading and display preferences (FreshRSS's Reading and Display settings), stored as
// JSON in users.settings. Unknown or invalid values fall back to the defaults, key by key.
import { DEFAULT_SHARE_SERVICES, shareServicesFrom, type ShareService } from './share-services.ts';
import { isSortKey, type SortKey, type SortOrder } from './stream.ts';

export type ViewMode = 'normal' | 'reader' | 'global';
export type DefaultState = 'adaptive' | 'unread' | 'all' | 'unread_or_starred';
export type ContentWidth = 'thin' | 'medium' | 'large' | 'none';
export type Theme = 'auto' | 'light' | 'dark';

export interface ReadingSettings {
  view: ViewMode;
  sort: SortKey;
  order: SortOrder;
  defaultState: DefaultState;
  /** Mark an article read when it is opened in the normal view. */
  markOnOpen: boolean;
  /** … when opened on the original site. */
  markOnSite: boolean;
  /** … when scrolled past (reading view, normal view with articles unfolded). */
  markOnScroll: boolean;
  /** … when focused by keyboard navigation (n/p). */
  markOnFocus: boolean;
  confirmMarkAll: boolean;
  /** After "mark all as read", go to the next category or feed with unread articles. */
  jumpNext: boolean;
  perPage: number;
  /** Infinite scroll (true) or a "load more" button. */
  autoLoadMore: boolean;
  contentWidth: ContentWidth;
  theme: Theme;
  showSummary: boolean;
  showFeedName: boolean;
  showThumbnail: boolean;
  /** Desktop notifications when new articles arrive. */
  notify: boolean;
  /** Seconds between unread-count polls. */
  pollSeconds: number;
  /** Keyboard shortcuts the user changed: action → key. */
  shortcuts: Record<string, string>;
  /** The Share menu's services, in order (src/model/share-services.ts). */
  share: ShareService[];
}

export const DEFAULT_READING_SETTINGS: ReadingSettings = {
  view: 'normal',
  sort: 'received',
  order: 'desc',
  defaultState: 'adaptive',
  markOnOpen: true,
  markOnSite: true,
  markOnScroll: false,
  markOnFocus: false,
  confirmMarkAll: false,
  jumpNext: true,
  perPage: 30,
  autoLoadMore: true,
  contentWidth: 'thin',
  theme: 'auto',
  showSummary: true,
  showFeedName: true,
  showThumbnail: false,
  notify: false,
  pollSeconds: 120,
  shortcuts: {},
  share: [...DEFAULT_SHARE_SERVICES],
};

const VIEWS: readonly ViewMode[] = ['normal', 'reader', 'global'];
const STATES: readonly DefaultState[] = ['adaptive', 'unread', 'all', 'unread_or_starred'];
const WIDTHS: readonly ContentWidth[] = ['thin', 'medium', 'large', 'none'];
const THEMES: readonly Theme[] = ['auto', 'light', 'dark'];

function oneOf<T extends string>(list: readonly T[], v: unknown, fallback: T): T {
  return typeof v === 'string' && (list as readonly string[]).includes(v) ? (v as T) : fallback;
}

function bool(v: unknown, fallback: boolean): boolean {
  return typeof v === 'boolean' ? v : fallback;
}

function intIn(v: unknown, min: number, max: number, fallback: number): number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : fallback;
}

export function isViewMode(x: unknown): x is ViewMode {
  return typeof x === 'string' && (VIEWS as readonly string[]).includes(x);
}

/** Settings from anything (parsed JSON, a form turned into an object); defaults fill the gaps. */
export function readingSettingsFrom(input: unknown): ReadingSettings {
  const o = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const d = DEFAULT_READING_SETTINGS;
  const shortcuts: Record<string, string> = {};
  if (typeof o.shortcuts === 'object' && o.shortcuts !== null) {
    for (const [k, v] of Object.entries(o.shortcuts as Record<string, unknown>))
      if (/^[a-zA-Z]{1,32}$/.test(k) && typeof v === 'string' && v.length > 0 && v.length <= 16)
        shortcuts[k] = v;
  }
  return {
    view: oneOf(VIEWS, o.view, d.view),
    sort: isSortKey(o.sort) ? o.sort : d.sort,
    order: o.order === 'asc' ? 'asc' : 'desc',
    defaultState: oneOf(STATES, o.defaultState, d.defaultState),
    markOnOpen: bool(o.markOnOpen, d.markOnOpen),
    markOnSite: bool(o.markOnSite, d.markOnSite),
    markOnScroll: bool(o.markOnScroll, d.markOnScroll),
    markOnFocus: bool(o.markOnFocus, d.markOnFocus),
    confirmMarkAll: bool(o.confirmMarkAll, d.confirmMarkAll),
    jumpNext: bool(o.jumpNext, d.jumpNext),
    perPage: intIn(o.perPage, 1, 200, d.perPage),
    autoLoadMore: bool(o.autoLoadMore, d.autoLoadMore),
    contentWidth: oneOf(WIDTHS, o.contentWidth, d.contentWidth),
    theme: oneOf(THEMES, o.theme, d.theme),
    showSummary: bool(o.showSummary, d.showSummary),
    showFeedName: bool(o.showFeedName, d.showFeedName),
    showThumbnail: bool(o.showThumbnail, d.showThumbnail),
    notify: bool(o.notify, d.notify),
    pollSeconds: intIn(o.pollSeconds, 15, 3600, d.pollSeconds),
    shortcuts,
    share: shareServicesFrom(o.share),
  };
}

export function readingSettingsFromJson(text: string | null | undefined): ReadingSettings {
  if (!text) return readingSettingsFrom({});
  try {
    return readingSettingsFrom(JSON.parse(text));
  } catch {
    return readingSettingsFrom({});
  }
}

/** Actions whose key the user may change, with FreshRSS's default keys (the client bundle imports this map). */
export const SHORTCUT_DEFAULTS: Record<string, string> = {
  next: 'j',
  prev: 'k',
  nextUnread: 'h',
  skipNext: 'n',
  skipPrev: 'p',
  first: 'Home',
  last: 'End',
  toggleRead: 'r',
  toggleStar: 'f',
  openOriginal: ' ',
  close: 'c',
  labels: 'l',
  share: 's',
  media: 'v',
  refresh: 'q',
  loadMore: 'm',
  search: 'a',
  queries: 'u',
  sidebar: 't',
  normalView: '1',
  globalView: '2',
  readerView: '3',
  help: '?',
};
