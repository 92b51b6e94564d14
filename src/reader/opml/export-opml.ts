// Subscriptions → an OPML 2.0 document: one folder outline per category, feeds without a
// category at the top level after them. Every value is XML-escaped; characters XML 1.0 cannot
// carry (most control characters, lone surrogates) are left out.

export interface OpmlExportFeed {
  title: string;
  xmlUrl: string;
  htmlUrl: string | null;
}

export interface OpmlExportInput {
  title: string;
  categories: { name: string; feeds: OpmlExportFeed[] }[];
  uncategorized: OpmlExportFeed[];
  /** Written as <dateCreated> (RFC 822) when given; left out otherwise, so output is reproducible. */
  dateCreated?: Date;
}

export function exportOpml(input: OpmlExportInput): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<opml version="2.0">',
    '  <head>',
    `    <title>${escapedText(input.title)}</title>`,
  ];
  if (input.dateCreated !== undefined && !Number.isNaN(input.dateCreated.getTime())) {
    lines.push(`    <dateCreated>${input.dateCreated.toUTCString()}</dateCreated>`);
  }
  lines.push('  </head>', '  <body>');
  for (const category of input.categories) {
    const name = escapedAttribute(category.name);
    if (category.feeds.length === 0) {
      lines.push(`    <outline text="${name}" title="${name}"/>`);
      continue;
    }
    lines.push(`    <outline text="${name}" title="${name}">`);
    for (const feed of category.feeds) lines.push(`      ${feedOutline(feed)}`);
    lines.push('    </outline>');
  }
  for (const feed of input.uncategorized) lines.push(`    ${feedOutline(feed)}`);
  lines.push('  </body>', '</opml>', '');
  return lines.join('\n');
}

function feedOutline(feed: OpmlExportFeed): string {
  const title = escapedAttribute(feed.title);
  let out = `<outline type="rss" text="${title}" title="${title}" xmlUrl="${escapedAttribute(feed.xmlUrl)}"`;
  if (feed.htmlUrl !== null && feed.htmlUrl !== '') out += ` htmlUrl="${escapedAttribute(feed.htmlUrl)}"`;
  return out + '/>';
}

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
