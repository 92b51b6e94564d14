// OPML subscription list → the feeds it lists, with their folder. Tolerant of what real exports
// contain: bare '&', raw HTML (quotes included) in attributes, unclosed outlines, missing titles,
// any letter case in attribute names. The caller decodes bytes to a string first.

import { decodeHTML, decodeHTMLAttribute } from 'entities';
import { Parser } from 'htmlparser2';
import { OpmlError } from './opml-error.ts';
import { repairedOutlineTags } from './repaired-outline-tags.ts';
import { withoutNulCharacters } from '../parse/without-nul-characters.ts';

export { OpmlError } from './opml-error.ts';

export interface OpmlFeed {
  /** The outline's title, else its text, else null. */
  title: string | null;
  xmlUrl: string;
  htmlUrl: string | null;
  /** Labels of the enclosing folders (outlines without xmlUrl), outermost first, joined with " / ". */
  category: string | null;
  /** Every attribute of the outline as written (names in their original case), entities decoded. */
  attributes: Record<string, string>;
}

/** A folder outline (one without xmlUrl), empty ones included. */
export interface OpmlFolder {
  /** Its path, as `OpmlFeed.category` writes it. */
  name: string;
  /** Every attribute of the outline as written, entities decoded. */
  attributes: Record<string, string>;
}

export interface OpmlDocument {
  title: string | null;
  outlines: OpmlFeed[];
  /** The folders in document order, each path once (the first outline's attributes). */
  folders: OpmlFolder[];
}

/** Separator between nested folder names in `OpmlFeed.category`. */
export const OPML_CATEGORY_SEPARATOR = ' / ';

interface OpenElement {
  name: string;
  /** For an outline that is a folder: its label (null when it has none). */
  folder: string | null;
  isFolder: boolean;
}

export function parseOpml(text: string): OpmlDocument {
  // NUL characters as in feeds (parse-feed.ts): PostgreSQL refuses them in titles.
  const source = withoutNulCharacters(text.replace(/^\uFEFF/, '').trimStart());
  if (source === '') throw new OpmlError('empty document');

  const feeds: OpmlFeed[] = [];
  const folders = new Map<string, OpmlFolder>();
  const open: OpenElement[] = [];
  let rootName: string | null = null;
  let sawOpml = false;
  let title: string | null = null;
  let titleText: string | null = null;
  let inCdata = false;

  const parser = new Parser(
    {
      onopentag(rawName, rawAttributes) {
        const name = localName(rawName);
        rootName ??= name;
        if (name === 'opml') sawOpml = true;
        const parent = open[open.length - 1];
        if (name === 'title' && parent?.name === 'head' && title === null) titleText = '';

        let element: OpenElement = { name, folder: null, isFolder: false };
        if (name === 'outline') {
          const attributes = Object.fromEntries(
            Object.entries(rawAttributes).map(([key, value]) => [key, decodeHTMLAttribute(value)]),
          );
          const read = (key: string): string | null => attributeIgnoringCase(attributes, key);
          const label = cleanLabel(read('title')) ?? cleanLabel(read('text'));
          const xmlUrl = feedUrl(read('xmlUrl'), read('type'), read('url'));
          const path = open.filter((e) => e.isFolder && e.folder !== null).map((e) => e.folder);
          if (xmlUrl !== null) {
            feeds.push({
              title: label,
              xmlUrl,
              htmlUrl: nonEmpty(read('htmlUrl')),
              category: path.length > 0 ? path.join(OPML_CATEGORY_SEPARATOR) : null,
              attributes,
            });
          } else {
            element = { name, folder: label, isFolder: true };
            if (label !== null) {
              const folderPath = [...path, label].join(OPML_CATEGORY_SEPARATOR);
              if (!folders.has(folderPath)) folders.set(folderPath, { name: folderPath, attributes });
            }
          }
        }
        open.push(element);
      },
      onclosetag(rawName) {
        open.pop();
        if (titleText !== null && localName(rawName) === 'title') {
          title = cleanLabel(titleText);
          titleText = null;
        }
      },
      ontext(piece) {
        if (titleText !== null) titleText += inCdata ? piece : decodeHTML(piece);
      },
      oncdatastart() {
        inCdata = true;
      },
      oncdataend() {
        inCdata = false;
      },
    },
    { xmlMode: true, decodeEntities: false },
  );
  parser.end(repairedOutlineTags(source));

  if (!sawOpml && feeds.length === 0) {
    throw new OpmlError(
      rootName === null ? 'not an OPML document' : `not an OPML document (root element <${rootName}>)`,
    );
  }
  return { title, outlines: feeds, folders: [...folders.values()] };
}

/** The element name without namespace prefix, lower case. */
function localName(name: string): string {
  const colon = name.lastIndexOf(':');
  return (colon >= 0 ? name.slice(colon + 1) : name).toLowerCase();
}

function attributeIgnoringCase(attributes: Record<string, string>, key: string): string | null {
  const direct = attributes[key];
  if (direct !== undefined) return direct;
  const lower = key.toLowerCase();
  for (const [name, value] of Object.entries(attributes)) {
    if (name.toLowerCase() === lower) return value;
  }
  return null;
}

function nonEmpty(value: string | null): string | null {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

function cleanLabel(value: string | null): string | null {
  const collapsed = value?.replace(/\s+/g, ' ').trim() ?? '';
  return collapsed === '' ? null : collapsed;
}

/** xmlUrl, or `url` on an outline of type rss/atom (some exporters write it so). */
function feedUrl(xmlUrl: string | null, type: string | null, url: string | null): string | null {
  const direct = nonEmpty(xmlUrl);
  if (direct !== null) return direct;
  const kind = type?.trim().toLowerCase();
  return kind === 'rss' || kind === 'atom' ? nonEmpty(url) : null;
}
