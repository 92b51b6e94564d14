// An independent check of sanitized HTML, for tests: parses the output again with htmlparser2 and
// inspects every element and attribute. It keeps its own lists on purpose, so that a change to
// the sanitizer's allow-list that lets something dangerous through is caught here.

import { Parser } from 'htmlparser2';

const SAFE_TAGS: ReadonlySet<string> = new Set([
  'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'code', 'kbd', 'samp', 'var',
  'em', 'strong', 'b', 'i', 'u', 's', 'del', 'ins', 'mark', 'small', 'sub', 'sup', 'abbr', 'cite', 'q',
  'dfn', 'time', 'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'a', 'img', 'picture', 'source', 'figure',
  'figcaption', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'caption', 'colgroup', 'col',
  'details', 'summary', 'video', 'audio', 'track', 'iframe', 'span', 'div', 'section', 'article',
  'aside', 'header', 'footer', 'ruby', 'rt', 'rp', 'wbr',
]); // prettier-ignore

const SAFE_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
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

const URL_ATTRIBUTES: ReadonlySet<string> = new Set(['href', 'src', 'poster', 'cite']);
const DANGEROUS_SCHEMES = /(?:javascript|vbscript|livescript|data|blob|file):/;
const IFRAME_HOSTS: ReadonlySet<string> = new Set([
  'www.youtube.com', 'youtube.com', 'www.youtube-nocookie.com', 'youtube-nocookie.com', 'player.vimeo.com',
  'dailymotion.com', 'www.dailymotion.com', 'player.twitch.tv', 'open.spotify.com', 'w.soundcloud.com',
  'bandcamp.com', 'archive.org', 'www.archive.org',
]); // prettier-ignore

/** Everything unsafe found in `html`; empty when it is fine to show. */
export function htmlSafetyProblems(html: string): string[] {
  const problems: string[] = [];
  // Raw text first: a browser's parser is not htmlparser2, and these must not appear in any form.
  for (const raw of ['<script', '<style', '<svg', '<math', '<object', '<embed', '<base', '<meta', '<link']) {
    if (html.toLowerCase().includes(raw)) problems.push(`raw "${raw}" in output`);
  }
  const parser = new Parser(
    {
      onopentag(tag, attributes) {
        if (!SAFE_TAGS.has(tag)) problems.push(`element <${tag}>`);
        const allowed = SAFE_ATTRIBUTES[tag] ?? [];
        for (const [name, value] of Object.entries(attributes)) {
          const where = `<${tag} ${name}="${value}">`;
          if (/^on/i.test(name)) problems.push(`event handler ${where}`);
          if (!allowed.includes(name)) problems.push(`attribute not allowed ${where}`);
          // eslint-disable-next-line no-control-regex -- browsers ignore these inside a scheme
          const squeezed = value.replace(/[\u0000-\u0020\u007f-\u009f]/g, '').toLowerCase();
          if (/(?:javascript|vbscript|livescript):/.test(squeezed)) problems.push(`script URL ${where}`);
          if (URL_ATTRIBUTES.has(name) && !isSafeUrl(value, tag === 'a' && name === 'href')) {
            problems.push(`unsafe URL ${where}`);
          }
          if (name === 'srcset') {
            for (const candidate of value.split(',')) {
              const url = candidate.trim().split(/\s+/)[0] ?? '';
              if (!isSafeUrl(url, false)) problems.push(`unsafe srcset URL ${where}`);
            }
          }
        }
        if (tag === 'a' && (attributes.target !== '_blank' || !/\bnoopener\b/.test(attributes.rel ?? ''))) {
          problems.push('link without target=_blank rel=noopener');
        }
        if (tag === 'iframe') {
          if (attributes.sandbox !== 'allow-scripts allow-same-origin allow-popups allow-presentation') {
            problems.push(`iframe sandbox "${attributes.sandbox}"`);
          }
          let host: string;
          try {
            const url = new URL(attributes.src ?? '');
            host = url.protocol === 'https:' ? url.hostname : '';
          } catch {
            host = '';
          }
          if (!IFRAME_HOSTS.has(host)) problems.push(`iframe from "${attributes.src}"`);
        }
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  return problems;
}

function isSafeUrl(value: string, mailtoAllowed: boolean): boolean {
  if (DANGEROUS_SCHEMES.test(value.slice(0, 16).toLowerCase())) return false;
  return /^https?:\/\/[^/\s]/.test(value) || (mailtoAllowed && /^mailto:/.test(value));
}
