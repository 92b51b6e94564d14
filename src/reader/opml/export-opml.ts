// Subscriptions → an OPML 2.0 document: one folder outline per category, feeds without a
// category at the top level after them. Every value is XML-escaped; characters XML 1.0 cannot
// carry (most control characters, lone surrogates) are left out. Extra attributes (FreshRSS's
// frss:* settings…) follow the standard ones; the frss namespace is declared on <opml> when used,
// and an attribute whose prefix is declared nowhere is left out so that the output stays XML.

export interface OpmlExportFeed {
  title: string;
  xmlUrl: string;
  htmlUrl: string | null;
  /** More attributes, written in this order after type/text/title/xmlUrl/htmlUrl (a `type` here replaces "rss"). */
  attributes?: Record<string, string>;
}

export interface OpmlExportCategory {
  name: string;
  feeds: OpmlExportFeed[];
  /** More attributes of the folder outline (e.g. frss:opmlUrl). */
  attributes?: Record<string, string>;
}

/** The FreshRSS OPML extension namespace (https://freshrss.org/opml). */
export const FRESHRSS_OPML_NAMESPACE = 'https://freshrss.org/opml';

export interface OpmlExportInput {
  title: string;
  categories: OpmlExportCategory[];
  uncategorized: OpmlExportFeed[];
  /** Written as <dateCreated> (RFC 822) when given; left out otherwise, so output is reproducible. */
  dateCreated?: Date;
}

export function exportOpml(input: OpmlExportInput): string {
  const usesFrss = [
    ...input.categories,
    ...input.categories.flatMap((c) => c.feeds),
    ...input.uncategorized,
  ].some((x) => Object.keys(x.attributes ?? {}).some((name) => name.startsWith('frss:')));
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    usesFrss ? `<opml version="2.0" xmlns:frss="${FRESHRSS_OPML_NAMESPACE}">` : '<opml version="2.0">',
    '  <head>',
    `    <title>${escapedText(input.title)}</title>`,
  ];
  if (input.dateCreated !== undefined && !Number.isNaN(input.dateCreated.getTime())) {
    lines.push(`    <dateCreated>${input.dateCreated.toUTCString()}</dateCreated>`);
  }
  lines.push('  </head>', '  <body>');
  for (const category of input.categories) {
    const name = escapedAttribute(category.name);
    const more = extraAttributes(category.attributes, usesFrss);
    if (category.feeds.length === 0) {
      lines.push(`    <outline text="${name}" title="${name}"${more}/>`);
      continue;
    }
    lines.push(`    <outline text="${name}" title="${name}"${more}>`);
    for (const feed of category.feeds) lines.push(`      ${feedOutline(feed, usesFrss)}`);
    lines.push('    </outline>');
  }
  for (const feed of input.uncategorized) lines.push(`    ${feedOutline(feed, usesFrss)}`);
  lines.push('  </body>', '</opml>', '');
  return lines.join('\n');
}

function feedOutline(feed: OpmlExportFeed, frssDeclared: boolean): string {
  const title = escapedAttribute(feed.title);
  const { type, ...others } = feed.attributes ?? {};
  const kind = escapedAttribute(type?.trim() || 'rss');
  let out = `<outline type="${kind}" text="${title}" title="${title}" xmlUrl="${escapedAttribute(feed.xmlUrl)}"`;
  if (feed.htmlUrl !== null && feed.htmlUrl !== '') out += ` htmlUrl="${escapedAttribute(feed.htmlUrl)}"`;
  return out + extraAttributes(others, frssDeclared) + '/>';
}

const STANDARD = new Set(['text', 'title', 'xmlurl', 'htmlurl']);

/** ` name="value"…` for the attributes that can be written: XML names, declared prefixes, no duplicates. */
function extraAttributes(attributes: Record<string, string> | undefined, frssDeclared: boolean): string {
  if (!attributes) return '';
  const declared = new Set(['xml', ...(frssDeclared ? ['frss'] : [])]);
  for (const name of Object.keys(attributes)) {
    if (name.startsWith('xmlns:')) declared.add(name.slice('xmlns:'.length));
  }
  let out = '';
  for (const [name, value] of Object.entries(attributes)) {
    if (!XML_NAME.test(name) || STANDARD.has(name.toLowerCase()) || name === 'xmlns') continue;
    if (name === 'xmlns:frss' && frssDeclared) continue;
    const colon = name.indexOf(':');
    if (colon > 0 && name.slice(0, colon) !== 'xmlns' && !declared.has(name.slice(0, colon))) continue;
    out += ` ${name}="${escapedAttribute(value)}"`;
  }
  return out;
}

const XML_NAME = /^[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?$/;

// Control characters other than tab, newline and carriage return, U+FFFE/U+FFFF, lone surrogates.
const NOT_XML =
  // eslint-disable-next-line no-control-regex -- control characters are what this removes
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function escapedText(value: string): string {
  return value.replace(NOT_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapedAttribute(value: string): string {
  // Tab, newline and carriage return as references: a parser would turn them into spaces otherwise.
  return escapedText(value)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}
