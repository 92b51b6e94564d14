// Makes the HTML of an entry, written by whoever publishes the feed, safe to show inside Veille's
// pages: an explicit allow-list of tags and attributes on top of sanitize-html (itself on
// htmlparser2). Every URL that survives is absolute, canonical and http(s) (plus mailto for links);
// links open in a new tab without opener or referrer; images load lazily without referrer; iframes
// stay only for known video/audio players, sandboxed.

import sanitizeHtml from 'sanitize-html';
import type { Attributes, IOptions, Tag } from 'sanitize-html';
import { embedIframeSrc } from './embed-iframe-src.ts';
import { LINK_SCHEMES, MEDIA_SCHEMES, httpBaseUrl, safeAbsoluteUrl, safeSrcset } from './safe-url.ts';

export interface SanitizeEntryHtmlOptions {
  /** URL relative links and images are resolved against (the entry's or the feed's URL). */
  baseUrl: string | null;
}

const ALLOWED_TAGS: readonly string[] = [
  'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'code', 'kbd', 'samp', 'var',
  'em', 'strong', 'b', 'i', 'u', 's', 'del', 'ins', 'mark', 'small', 'sub', 'sup', 'abbr', 'cite', 'q',
  'dfn', 'time', 'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'a', 'img', 'picture', 'source', 'figure',
  'figcaption', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'caption', 'colgroup', 'col',
  'details', 'summary', 'video', 'audio', 'track', 'iframe', 'span', 'div', 'section', 'article',
  'aside', 'header', 'footer', 'ruby', 'rt', 'rp', 'wbr',
]; // prettier-ignore

/** Attributes kept per tag, including those the transform adds itself (rel, target, loading…). */
const ALLOWED_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  a: ['href', 'title', 'rel', 'target'],
  img: ['src', 'srcset', 'alt', 'title', 'width', 'height', 'loading', 'decoding', 'referrerpolicy'],
  source: ['src', 'srcset', 'type', 'media'],
  video: ['src', 'poster', 'controls', 'width', 'height', 'preload', 'referrerpolicy'],
  audio: ['src', 'controls', 'referrerpolicy'],
  track: ['src', 'kind', 'srclang', 'label'],
  td: ['colspan', 'rowspan', 'headers', 'scope'],
  th: ['colspan', 'rowspan', 'headers', 'scope'],
  ol: ['start', 'reversed', 'type'],
  li: ['value'],
  time: ['datetime'],
  abbr: ['title'],
  blockquote: ['cite'],
  q: ['cite'],
  iframe: ['src', 'width', 'height', 'allowfullscreen', 'title', 'sandbox', 'loading', 'referrerpolicy'],
};

/** Containers whose whole content goes with them: code, styles, foreign markup, raw text. */
const DROPPED_WITH_CONTENT: readonly string[] = [
  'script', 'style', 'svg', 'math', 'template', 'noscript', 'noembed', 'noframes',
  'textarea', 'option', 'select', 'datalist', 'xmp', 'plaintext', 'title',
]; // prettier-ignore

const IFRAME_SANDBOX = 'allow-scripts allow-same-origin allow-popups allow-presentation';
const MEDIA_PARENTS: ReadonlySet<string> = new Set(['picture', 'video', 'audio']);
const TRACK_PARENTS: ReadonlySet<string> = new Set(['video', 'audio']);

const BASE_OPTIONS: Readonly<IOptions> = Object.freeze({
  allowedTags: [...ALLOWED_TAGS],
  allowedAttributes: Object.fromEntries(Object.entries(ALLOWED_ATTRIBUTES).map(([k, v]) => [k, [...v]])),
  allowedEmptyAttributes: ['alt', 'allowfullscreen', 'controls', 'reversed'],
  selfClosing: ['img', 'br', 'hr', 'wbr', 'source', 'track', 'col'],
  allowedSchemes: ['http', 'https'],
  allowedSchemesByTag: { a: ['http', 'https', 'mailto'] },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite', 'poster', 'action', 'formaction', 'data'],
  allowProtocolRelative: false,
  allowIframeRelativeUrls: false,
  disallowedTagsMode: 'discard',
  nonTextTags: [...DROPPED_WITH_CONTENT],
  parseStyleAttributes: false,
  enforceHtmlBoundary: false,
});

export function sanitizeEntryHtml(html: string, options: SanitizeEntryHtmlOptions): string {
  const base = httpBaseUrl(options.baseUrl);
  // State of this call only. `openElements`: names of the elements open in the source document
  // (the transform needs the parent of <source>/<track>, and whether it is inside an <iframe>).
  // `removals`: the attribute objects the transform gave to elements it removes; sanitize-html
  // keeps that object on its frame, so the exclusive filter recognises them when they close.
  const openElements: string[] = [];
  const removals = new WeakMap<Attributes, Removal>();
  const transform = (tagName: string, attribs: Attributes): Tag => {
    const tag = transformElement(tagName, attribs, openElements, base);
    if (tag === 'remove-tag' || tag === 'remove-with-content') {
      const marker: Attributes = {};
      removals.set(marker, tag);
      return { tagName, attribs: marker };
    }
    return tag;
  };
  return sanitizeHtml(html, {
    ...BASE_OPTIONS,
    onOpenTag: (name) => {
      openElements.push(name);
    },
    onCloseTag: () => {
      openElements.pop();
    },
    // One transform per allowed tag (not '*': sanitize-html only honours `text` there).
    transformTags: Object.fromEntries(ALLOWED_TAGS.map((name) => [name, transform])),
    exclusiveFilter: (frame) => {
      const removal = removals.get(frame.attribs);
      if (removal === 'remove-tag') return 'excludeTag';
      return removal === 'remove-with-content';
    },
  });
}

/** How an element is removed: its tags only (what is inside stays), or with everything inside. */
type Removal = 'remove-tag' | 'remove-with-content';

function transformElement(
  tagName: string,
  attribs: Attributes,
  openElements: readonly string[],
  base: URL | null,
): Tag | Removal {
  // openElements ends with this element itself.
  const parent = openElements.length >= 2 ? openElements[openElements.length - 2] : undefined;
  if (openElements.slice(0, -1).includes('iframe')) return dropped(true);

  const media = (name: string): string | null => {
    const value = attribs[name];
    return value === undefined ? null : safeAbsoluteUrl(value, base, MEDIA_SCHEMES);
  };
  const srcset = (): string | null => {
    const value = attribs.srcset;
    return value === undefined ? null : safeSrcset(value, base, MEDIA_SCHEMES);
  };

  switch (tagName) {
    case 'a': {
      const href = attribs.href === undefined ? null : safeAbsoluteUrl(attribs.href, base, LINK_SCHEMES);
      return kept('a', {
        href,
        title: attribs.title,
        rel: 'noopener noreferrer',
        target: '_blank',
      });
    }
    case 'img': {
      const src = media('src');
      const set = srcset();
      if (src === null && set === null) return dropped(false);
      if (isTrackingPixel(attribs)) return dropped(false);
      return kept('img', {
        src,
        srcset: set,
        alt: attribs.alt,
        title: attribs.title,
        width: attribs.width,
        height: attribs.height,
        loading: 'lazy',
        decoding: 'async',
        referrerpolicy: 'no-referrer',
      });
    }
    case 'source': {
      if (parent === undefined || !MEDIA_PARENTS.has(parent)) return dropped(false);
      const src = media('src');
      const set = srcset();
      if (src === null && set === null) return dropped(false);
      return kept('source', { src, srcset: set, type: attribs.type, media: attribs.media });
    }
    case 'track': {
      if (parent === undefined || !TRACK_PARENTS.has(parent)) return dropped(false);
      const src = media('src');
      if (src === null) return dropped(false);
      return kept('track', { src, kind: attribs.kind, srclang: attribs.srclang, label: attribs.label });
    }
    case 'video':
      return kept('video', {
        src: media('src'),
        poster: media('poster'),
        controls: '',
        width: attribs.width,
        height: attribs.height,
        preload: attribs.preload,
        referrerpolicy: 'no-referrer',
      });
    case 'audio':
      return kept('audio', { src: media('src'), controls: '', referrerpolicy: 'no-referrer' });
    case 'blockquote':
    case 'q':
      return kept(tagName, { cite: media('cite') });
    case 'iframe': {
      const src = media('src');
      const player = src === null ? null : embedIframeSrc(src);
      if (player !== null) {
        return kept(
          'iframe',
          {
            src: player,
            width: attribs.width,
            height: attribs.height,
            allowfullscreen: attribs.allowfullscreen === undefined ? undefined : '',
            title: attribs.title,
            sandbox: IFRAME_SANDBOX,
            loading: 'lazy',
            referrerpolicy: 'strict-origin-when-cross-origin',
          },
          '',
        );
      }
      // An unknown frame becomes a plain link to what it showed, when that is a web page.
      if (src !== null) {
        return {
          tagName: 'a',
          attribs: { href: src, rel: 'noopener noreferrer', target: '_blank' },
          text: src,
        };
      }
      return dropped(true);
    }
    default: {
      const allowed = ALLOWED_ATTRIBUTES[tagName];
      if (allowed === undefined) return { tagName, attribs: {} };
      const kept: Attributes = {};
      for (const name of allowed) {
        const value = attribs[name];
        if (value !== undefined) kept[name] = value;
      }
      return { tagName, attribs: kept };
    }
  }
}

/** `text`, when given, replaces the text directly inside the element. */
function kept(tagName: string, attribs: Record<string, string | null | undefined>, text?: string): Tag {
  const clean: Attributes = {};
  for (const [name, value] of Object.entries(attribs)) {
    if (value !== null && value !== undefined) clean[name] = value;
  }
  return text === undefined ? { tagName, attribs: clean } : { tagName, attribs: clean, text };
}

function dropped(withContent: boolean): Removal {
  return withContent ? 'remove-with-content' : 'remove-tag';
}

function pixelSize(value: string | undefined): number | null {
  if (value === undefined) return null;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:px)?\s*$/i.exec(value);
  return match ? Number(match[1]) : null;
}

/** A 1×1 (or 0×0) image: a tracking pixel, invisible to the reader. */
function isTrackingPixel(attribs: Attributes): boolean {
  const width = pixelSize(attribs.width);
  const height = pixelSize(attribs.height);
  return width !== null && height !== null && width <= 1 && height <= 1;
}

export { htmlToText } from './html-to-text.ts';
