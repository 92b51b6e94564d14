// The allow-list of the entry sanitizer and what it does to each kept element: which tags and
// attributes stay, which containers go with their content, how URLs are resolved and checked, how
// links, images, media and iframes are rewritten. Shared by the sanitizer
// (sanitize-entry-html.ts) and by the sanitize-html reference the tests compare it with, so
// that both apply exactly the same rules.

import { embedIframeSrc } from './embed-iframe-src.ts';
import { LINK_SCHEMES, MEDIA_SCHEMES, safeAbsoluteUrl, safeSrcset } from './safe-url.ts';

export const ALLOWED_TAGS: readonly string[] = [
  'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'code', 'kbd', 'samp', 'var',
  'em', 'strong', 'b', 'i', 'u', 's', 'del', 'ins', 'mark', 'small', 'sub', 'sup', 'abbr', 'cite', 'q',
  'dfn', 'time', 'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'a', 'img', 'picture', 'source', 'figure',
  'figcaption', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'caption', 'colgroup', 'col',
  'details', 'summary', 'video', 'audio', 'track', 'iframe', 'span', 'div', 'section', 'article',
  'aside', 'header', 'footer', 'ruby', 'rt', 'rp', 'wbr',
]; // prettier-ignore

/** Attributes kept per tag, including those the rules add themselves (rel, target, loading…). */
export const ALLOWED_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
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

/** Attributes written as `name=""` when empty; every other empty attribute is left out. */
export const ALLOWED_EMPTY_ATTRIBUTES: readonly string[] = ['alt', 'allowfullscreen', 'controls', 'reversed'];

/** Void elements, written `<img … />` and never closed. */
export const SELF_CLOSING_TAGS: readonly string[] = ['img', 'br', 'hr', 'wbr', 'source', 'track', 'col'];

/** Containers whose whole content goes with them: code, styles, foreign markup, raw text. */
export const DROPPED_WITH_CONTENT: readonly string[] = [
  'script', 'style', 'svg', 'math', 'template', 'noscript', 'noembed', 'noframes',
  'textarea', 'option', 'select', 'datalist', 'xmp', 'plaintext', 'title',
]; // prettier-ignore

const IFRAME_SANDBOX = 'allow-scripts allow-same-origin allow-popups allow-presentation';
const MEDIA_PARENTS: ReadonlySet<string> = new Set(['picture', 'video', 'audio']);
const TRACK_PARENTS: ReadonlySet<string> = new Set(['video', 'audio']);

export type ElementAttributes = Record<string, string>;

/** A kept element: its (possibly new) name, its attributes, and the text that replaces its content. */
export interface KeptElement {
  tagName: string;
  attribs: ElementAttributes;
  /** When given, replaces the text directly inside the element. */
  text?: string;
}

/** How an element is removed: its tags only (what is inside stays), or with everything inside. */
export type ElementRemoval = 'remove-tag' | 'remove-with-content';

/** Where an element sits: the element it is in, and whether an <iframe> encloses it. */
export interface ElementContext {
  parent: string | undefined;
  insideIframe: boolean;
  base: URL | null;
}

/** What becomes of an allowed element `tagName` with the source attributes `attribs`. */
export function entryElementRule(
  tagName: string,
  attribs: Readonly<ElementAttributes>,
  context: ElementContext,
): KeptElement | ElementRemoval {
  const { parent, base } = context;
  if (context.insideIframe) return dropped(true);

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
      const kept: ElementAttributes = {};
      for (const name of allowed) {
        const value = attribs[name];
        if (value !== undefined) kept[name] = value;
      }
      return { tagName, attribs: kept };
    }
  }
}

function kept(
  tagName: string,
  attribs: Record<string, string | null | undefined>,
  text?: string,
): KeptElement {
  const clean: ElementAttributes = {};
  for (const [name, value] of Object.entries(attribs)) {
    if (value !== null && value !== undefined) clean[name] = value;
  }
  return text === undefined ? { tagName, attribs: clean } : { tagName, attribs: clean, text };
}

function dropped(withContent: boolean): ElementRemoval {
  return withContent ? 'remove-with-content' : 'remove-tag';
}

function pixelSize(value: string | undefined): number | null {
  if (value === undefined) return null;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:px)?\s*$/i.exec(value);
  return match ? Number(match[1]) : null;
}

/** A 1×1 (or 0×0) image: a tracking pixel, invisible to the reader. */
function isTrackingPixel(attribs: Readonly<ElementAttributes>): boolean {
  const width = pixelSize(attribs.width);
  const height = pixelSize(attribs.height);
  return width !== null && height !== null && width <= 1 && height <= 1;
}
