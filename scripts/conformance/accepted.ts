// Reviewed disagreements with feedparser where Veille's answer is the intended one. Each is
// reported as "accepted" by `npm run conformance`, never hidden. `file` is a path under
// feedparser-tests/ (checks) or a file name under realworld/feeds/ (oracle), '*' for any; `path`
// is the check's path or the real-world field; `applies`, when given, narrows a rule to the
// values it is about.

export interface AcceptedDisagreement {
  scope: 'check' | 'realworld';
  file: string;
  path: string;
  reason: string;
  applies?: (veille: unknown, feedparser: unknown) => boolean;
}

const GZIP =
  'the body is gzip data sent without Content-Encoding: Veille unwraps it, feedparser reads nothing';
const MOJIBAKE =
  'feedparser keeps the mojibake of a wrong encoding declaration; Veille decodes the bytes correctly';
const UTF16 =
  'UTF-16 without BOM or declaration: Veille sniffs it from the first bytes, feedparser reads nothing';
const JSON_ORACLE =
  "JSON Feed: the oracle is fp_oracle.py's own mapper, not feedparser; Veille gives items the feed's authors " +
  '(JSON Feed 1.1 §authors) and reads a mailto: url as an email';

export const acceptedDisagreements: AcceptedDisagreement[] = [
  {
    scope: 'check',
    file: 'entities/lang.xml',
    path: 'feed.title',
    reason: 'HTML5 defines &lang; as U+27E8; feedparser uses the HTML 4 table (U+3008)',
  },
  {
    scope: 'check',
    file: 'entities/rang.xml',
    path: 'feed.title',
    reason: 'HTML5 defines &rang; as U+27E9; feedparser uses the HTML 4 table (U+3009)',
  },
  {
    scope: 'realworld',
    file: '*',
    path: 'feed.link',
    reason: 'feedparser copies a non-URL id (urn:uuid:…, tag:…) into link; Veille leaves the link null',
    applies: (v, fp) => v === null && typeof fp === 'string' && !/^https?:/i.test(fp),
  },
  {
    scope: 'realworld',
    file: '*',
    path: 'link',
    reason: 'feedparser copies a non-URL id (urn:uuid:…, tag:…) into link; Veille leaves the link null',
    applies: (v, fp) => v === null && typeof fp === 'string' && !/^https?:/i.test(fp),
  },
  ...['node-feedparser__invalid-characters-gzipped.xml', 'node-feedparser__compressed.xml'].map(
    (file): AcceptedDisagreement => ({ scope: 'realworld', file, path: '*', reason: GZIP }),
  ),
  ...['simplepie__feed-utf16be.xml', 'simplepie__feed-utf16le.xml'].map((file): AcceptedDisagreement => ({
    scope: 'realworld',
    file,
    path: '*',
    reason: UTF16,
  })),
  ...['miniflux__windows-1252-incorrect-prolog.xml', 'simplepie__feed_rss-2.0_for_file_mock.xml'].map(
    (file): AcceptedDisagreement => ({
      scope: 'realworld',
      file,
      path: '*',
      reason: MOJIBAKE,
      applies: (v, fp) => typeof fp === 'string' && /[ÃÂâ][\u0080-\u00bf€™œ]/.test(fp) && v !== fp,
    }),
  ),
  ...[
    'feedjira__json_feed.json',
    'nnw__inessential.json',
    'nnw__3960.json',
    'extractus__json-feed-standard-realworld.json',
  ].map((file): AcceptedDisagreement => ({ scope: 'realworld', file, path: 'authors', reason: JSON_ORACLE })),
  {
    scope: 'realworld',
    file: 'rome__lr.xml',
    path: 'authors',
    reason: 'feedparser leaves "&amp;" undecoded in this author name; Veille gives the text "&"',
  },
  {
    scope: 'realworld',
    file: '*',
    path: 'title',
    reason:
      'feedparser keeps markup or character references in a title it types as HTML; Veille gives plain text',
    applies: (v, fp) => typeof v === 'string' && typeof fp === 'string' && /<[a-z]|&#?\w+;/i.test(fp),
  },
  ...['rss-parser__uolNoticias.rss', 'feed-rs__rss_2.0_ilmessaggero.xml', 'prof18__feed-test-xsl.xml'].map(
    (file): AcceptedDisagreement => ({
      scope: 'realworld',
      file,
      path: 'published',
      reason:
        'dates in Portuguese/Italian (Seg, Set; mer, nov) or with BST (UTC+1): Veille reads them, feedparser gives null or ignores the zone',
    }),
  ),
];

export function acceptedReason(
  scope: AcceptedDisagreement['scope'],
  file: string,
  path: string,
  veille?: unknown,
  feedparser?: unknown,
): string | null {
  for (const a of acceptedDisagreements) {
    if (a.scope !== scope) continue;
    if (!(a.file === '*' || a.file === file) || !(a.path === '*' || a.path === path)) continue;
    if (a.applies && !a.applies(veille, feedparser)) continue;
    return a.reason;
  }
  return null;
}
