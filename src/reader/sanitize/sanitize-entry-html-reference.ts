// The entry sanitizer as it was first written, on sanitize-html: kept for the tests only (the
// differential test compares it with sanitize-entry-html.ts over real HTML). Same rules
// (entry-html-rules.ts); sanitize-html walks the document and writes the output. Not imported by
// production code.

import sanitizeHtml from 'sanitize-html';
import type { Attributes, IOptions, Tag } from 'sanitize-html';
import {
  ALLOWED_ATTRIBUTES,
  ALLOWED_EMPTY_ATTRIBUTES,
  ALLOWED_TAGS,
  DROPPED_WITH_CONTENT,
  SELF_CLOSING_TAGS,
  entryElementRule,
  type ElementRemoval,
} from './entry-html-rules.ts';
import { httpBaseUrl } from './safe-url.ts';

const BASE_OPTIONS: Readonly<IOptions> = Object.freeze({
  allowedTags: [...ALLOWED_TAGS],
  allowedAttributes: Object.fromEntries(Object.entries(ALLOWED_ATTRIBUTES).map(([k, v]) => [k, [...v]])),
  allowedEmptyAttributes: [...ALLOWED_EMPTY_ATTRIBUTES],
  selfClosing: [...SELF_CLOSING_TAGS],
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

export function sanitizeEntryHtmlReference(html: string, options: { baseUrl: string | null }): string {
  const base = httpBaseUrl(options.baseUrl);
  // `openElements`: names of the elements open in the source document (the rules need the parent
  // of <source>/<track>, and whether it is inside an <iframe>). `removals`: the attribute objects
  // given to elements the rules remove; sanitize-html keeps that object on its frame, so the
  // exclusive filter recognises them when they close.
  const openElements: string[] = [];
  const removals = new WeakMap<Attributes, ElementRemoval>();
  const transform = (tagName: string, attribs: Attributes): Tag => {
    const tag = entryElementRule(tagName, attribs, {
      parent: openElements.length >= 2 ? openElements[openElements.length - 2] : undefined,
      insideIframe: openElements.slice(0, -1).includes('iframe'),
      base,
    });
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
