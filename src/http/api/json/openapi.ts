// The OpenAPI 3.1 document of the JSON API, written by hand and served at /api/v1/openapi.json.
// openapi.test.ts walks it against the running server: every operation here answers as described,
// and every /api/v1 route of the server is described here.
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const nullable = (type: string, extra: Record<string, unknown> = {}) => ({ type: [type, 'null'], ...extra });
const json = (schema: unknown) => ({ 'application/json': { schema } });
const ok = (description: string, schema: unknown) => ({ description, content: json(schema) });
const errors = (...codes: ('400' | '404' | '409' | '422')[]) => ({
  ...Object.fromEntries(codes.map((code) => [code, { $ref: `#/components/responses/${code}` }])),
  '401': { $ref: '#/components/responses/401' },
  '429': { $ref: '#/components/responses/429' },
});
const noContent = { '204': { description: 'Done (no body).' } };
const idParam = (name: string) => ({ $ref: `#/components/parameters/${name}` });
const body = (schema: unknown, required = true) => ({ required, content: json(schema) });
const title = (max: number) => ({ type: 'string', minLength: 1, maxLength: max });
const dateTime = { type: 'string', format: 'date-time' };

const markRead = {
  requestBody: body(ref('MarkRead'), false),
  responses: { ...noContent, ...errors('400', '404') },
};

export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'Veille JSON API',
    version: '1.0.0',
    description:
      'Feeds, categories, entries, reading states and labels of one Veille user, for scripts and clients. Authenticate with the user name and the user\'s API password (Settings → API password, the one the Google Reader and Fever apps use): `Authorization: Bearer <username>:<API password>`, `X-Auth-Token: <username>:<API password>`, or HTTP Basic `username:API password`; or with the API token `<username>/<64 hex>` that Google Reader ClientLogin returns, as the Bearer token or X-Auth-Token. Errors are `{"error": "…"}` with a 4xx status. Repeated failed authentications from one address are refused with 429 for a minute. Ids of feeds, categories, labels or entries the user cannot see answer 404 (or an empty list), never another user\'s data.',
  },
  servers: [{ url: '/api/v1' }],
  security: [{ bearer: [] }, { basic: [] }, { authToken: [] }],
  paths: {
    '/openapi.json': {
      get: {
        operationId: 'getOpenApi',
        summary: 'This document (no authentication).',
        security: [],
        responses: { '200': ok('The OpenAPI document.', { type: 'object', required: ['openapi', 'paths'] }) },
      },
    },
    '/me': {
      get: {
        operationId: 'getMe',
        summary: 'The authenticated user.',
        responses: { '200': ok('The user.', ref('Me')), ...errors() },
      },
    },
    '/feeds': {
      get: {
        operationId: 'listFeeds',
        summary: "The user's subscriptions, by title, with unread counts.",
        responses: { '200': ok('Feeds.', { type: 'array', items: ref('Feed') }), ...errors() },
      },
      post: {
        operationId: 'createFeed',
        summary:
          'Subscribe to a feed URL, or to the feed a web page names (autodiscovery), as the web UI does. Private and loopback addresses are refused unless VEILLE_FETCH_ALLOW_NETWORKS allows them.',
        requestBody: body(ref('FeedCreate')),
        responses: {
          '201': ok('Subscribed; the feed has been fetched once.', ref('Feed')),
          ...errors('400', '404', '409', '422'),
        },
      },
    },
    '/feeds/{feed_id}': {
      parameters: [idParam('FeedId')],
      get: {
        operationId: 'getFeed',
        summary: 'One subscription.',
        responses: { '200': ok('The feed.', ref('Feed')), ...errors('400', '404') },
      },
      put: {
        operationId: 'updateFeed',
        summary: 'Change the title, category, priority or muting of a subscription.',
        requestBody: body(ref('FeedUpdate')),
        responses: { '200': ok('The changed feed.', ref('Feed')), ...errors('400', '404') },
      },
      delete: {
        operationId: 'deleteFeed',
        summary: "Unsubscribe (the user's states and labels on its entries go).",
        responses: { ...noContent, ...errors('400', '404') },
      },
    },
    '/feeds/{feed_id}/mark-all-as-read': {
      parameters: [idParam('FeedId')],
      post: { operationId: 'markFeedRead', summary: "Mark a feed's entries read.", ...markRead },
    },
    '/categories': {
      get: {
        operationId: 'listCategories',
        summary: 'Categories in their order.',
        responses: { '200': ok('Categories.', { type: 'array', items: ref('Category') }), ...errors() },
      },
      post: {
        operationId: 'createCategory',
        summary: 'Create a category.',
        requestBody: body(ref('TitleInput')),
        responses: { '201': ok('The new category.', ref('Category')), ...errors('400', '409') },
      },
    },
    '/categories/{category_id}': {
      parameters: [idParam('CategoryId')],
      put: {
        operationId: 'updateCategory',
        summary: 'Rename a category.',
        requestBody: body(ref('TitleInput')),
        responses: { '200': ok('The category.', ref('Category')), ...errors('400', '404', '409') },
      },
      delete: {
        operationId: 'deleteCategory',
        summary: 'Delete a category; its feeds stay subscribed, without a category.',
        responses: { ...noContent, ...errors('400', '404') },
      },
    },
    '/categories/{category_id}/mark-all-as-read': {
      parameters: [idParam('CategoryId')],
      post: {
        operationId: 'markCategoryRead',
        summary: "Mark a category's entries read (as in the web UI, important feeds keep theirs).",
        ...markRead,
      },
    },
    '/entries': {
      get: {
        operationId: 'listEntries',
        summary:
          'A page of entries. Without feed_id, category_id, label_id or starred=true: the main stream of the web UI (feeds of priority 1 and 2, not muted). Pages follow with `cursor` = the previous `next_cursor`, absent on the last page; pages never repeat or skip an entry, even while new ones arrive.',
        parameters: [
          { name: 'feed_id', in: 'query', schema: { type: 'integer', minimum: 1 } },
          { name: 'category_id', in: 'query', schema: { type: 'integer', minimum: 1 } },
          { name: 'label_id', in: 'query', schema: { type: 'integer', minimum: 1 } },
          {
            name: 'starred',
            in: 'query',
            description: 'true: favourites only (alone, every favourite); false: no favourite.',
            schema: { type: 'boolean' },
          },
          {
            name: 'status',
            in: 'query',
            schema: { type: 'string', enum: ['all', 'unread', 'read'], default: 'all' },
          },
          {
            name: 'search',
            in: 'query',
            description:
              'A search in the FreshRSS grammar (`intitle:`, `author:`, `#tag`, `date:`, `L:`, `OR`, `-`, quotes, /regex/…). A syntax error answers 400 with its `position`.',
            schema: { type: 'string', maxLength: 1000 },
          },
          {
            name: 'order',
            in: 'query',
            description:
              'received: reception (entry id); published: publication date; title; feed: feed title.',
            schema: { type: 'string', enum: ['received', 'published', 'title', 'feed'], default: 'received' },
          },
          {
            name: 'direction',
            in: 'query',
            schema: { type: 'string', enum: ['desc', 'asc'], default: 'desc' },
          },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
          {
            name: 'cursor',
            in: 'query',
            description: 'The `next_cursor` of the previous page, with the same order and direction.',
            schema: { type: 'string' },
          },
        ],
        responses: { '200': ok('A page of entries.', ref('EntryPage')), ...errors('400') },
      },
      put: {
        operationId: 'updateEntries',
        summary:
          'Mark entries read or unread and/or star or unstar them. Ids of entries the user cannot see are skipped.',
        requestBody: body(ref('EntriesUpdate')),
        responses: { ...noContent, ...errors('400') },
      },
    },
    '/entries/{entry_id}': {
      parameters: [idParam('EntryId')],
      get: {
        operationId: 'getEntry',
        summary: 'One entry.',
        responses: { '200': ok('The entry.', ref('Entry')), ...errors('400', '404') },
      },
    },
    '/entries/{entry_id}/labels/{label_id}': {
      parameters: [idParam('EntryId'), idParam('LabelId')],
      put: {
        operationId: 'addEntryLabel',
        summary: 'Put a label on an entry.',
        responses: { ...noContent, ...errors('400', '404') },
      },
      delete: {
        operationId: 'removeEntryLabel',
        summary: 'Take a label off an entry.',
        responses: { ...noContent, ...errors('400', '404') },
      },
    },
    '/labels': {
      get: {
        operationId: 'listLabels',
        summary: 'Labels by name, with unread counts.',
        responses: { '200': ok('Labels.', { type: 'array', items: ref('Label') }), ...errors() },
      },
      post: {
        operationId: 'createLabel',
        summary: 'Create a label.',
        requestBody: body(ref('LabelInput')),
        responses: { '201': ok('The new label.', ref('Label')), ...errors('400', '409') },
      },
    },
    '/labels/{label_id}': {
      parameters: [idParam('LabelId')],
      put: {
        operationId: 'updateLabel',
        summary: 'Rename a label.',
        requestBody: body(ref('LabelInput')),
        responses: { '200': ok('The label.', ref('Label')), ...errors('400', '404', '409') },
      },
      delete: {
        operationId: 'deleteLabel',
        summary: 'Delete a label (entries keep everything else).',
        responses: { ...noContent, ...errors('400', '404') },
      },
    },
    '/counters': {
      get: {
        operationId: 'getCounters',
        summary: 'Unread entries per feed.',
        responses: { '200': ok('Counts.', ref('Counters')), ...errors() },
      },
    },
  },
  components: {
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', description: 'The API password as the token.' },
      basic: { type: 'http', scheme: 'basic', description: 'User name and API password.' },
      authToken: {
        type: 'apiKey',
        in: 'header',
        name: 'X-Auth-Token',
        description: '`username:API password`, or the API token `username/…`.',
      },
    },
    parameters: {
      FeedId: { name: 'feed_id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } },
      CategoryId: {
        name: 'category_id',
        in: 'path',
        required: true,
        schema: { type: 'integer', minimum: 1 },
      },
      LabelId: { name: 'label_id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } },
      EntryId: { name: 'entry_id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } },
    },
    responses: {
      '400': {
        description: 'Malformed request: bad id, parameter, JSON body or search.',
        content: json(ref('Error')),
      },
      '401': {
        description: 'Missing, wrong or revoked API password.',
        headers: { 'WWW-Authenticate': { schema: { type: 'string' } } },
        content: json(ref('Error')),
      },
      '404': {
        description: 'No such feed, category, label or entry for this user.',
        content: json(ref('Error')),
      },
      '409': {
        description: 'Already exists (same name, or already subscribed).',
        content: json(ref('Error')),
      },
      '422': { description: 'No feed could be read at that URL.', content: json(ref('Error')) },
      '429': {
        description: 'Too many failed authentications from this address (or for this user name).',
        headers: { 'Retry-After': { schema: { type: 'integer' } } },
        content: json(ref('Error')),
      },
    },
    schemas: {
      Error: {
        type: 'object',
        required: ['error'],
        properties: {
          error: { type: 'string' },
          position: { type: 'integer', description: 'Search syntax errors: 0-based offset in `search`.' },
        },
      },
      Me: {
        type: 'object',
        required: ['id', 'username', 'is_admin', 'language', 'timezone', 'created_at'],
        properties: {
          id: { type: 'integer' },
          username: { type: 'string' },
          is_admin: { type: 'boolean' },
          language: nullable('string'),
          timezone: nullable('string'),
          created_at: dateTime,
        },
      },
      Feed: {
        type: 'object',
        required: [
          'id',
          'title',
          'feed_url',
          'site_url',
          'category_id',
          'priority',
          'muted',
          'unread_count',
          'checked_at',
          'next_check_at',
          'error',
        ],
        properties: {
          id: { type: 'integer' },
          title: { type: 'string' },
          feed_url: { type: 'string' },
          site_url: nullable('string'),
          category_id: nullable('integer'),
          priority: {
            type: 'integer',
            enum: [2, 1, 0, -1],
            description: '2 important, 1 main stream, 0 in its category only, -1 archived.',
          },
          muted: { type: 'boolean', description: 'Left out of the main stream, greyed in the sidebar.' },
          unread_count: { type: 'integer', minimum: 0 },
          checked_at: nullable('string', { format: 'date-time' }),
          next_check_at: dateTime,
          error: nullable('string', { description: 'The last refresh error, if it failed.' }),
        },
      },
      FeedCreate: {
        type: 'object',
        required: ['feed_url'],
        additionalProperties: false,
        properties: {
          feed_url: { type: 'string', description: 'A feed URL, or a web page that names its feed.' },
          category_id: nullable('integer'),
          title: nullable('string', { maxLength: 300 }),
        },
      },
      FeedUpdate: {
        type: 'object',
        additionalProperties: false,
        properties: {
          title: nullable('string', { maxLength: 300, description: 'Empty or null: the feed’s own title.' }),
          category_id: nullable('integer'),
          priority: { type: 'integer', enum: [2, 1, 0, -1] },
          muted: { type: 'boolean' },
        },
      },
      Category: {
        type: 'object',
        required: ['id', 'title', 'position', 'feed_count', 'unread_count'],
        properties: {
          id: { type: 'integer' },
          title: { type: 'string' },
          position: { type: 'integer' },
          feed_count: { type: 'integer', minimum: 0 },
          unread_count: { type: 'integer', minimum: 0 },
        },
      },
      TitleInput: {
        type: 'object',
        required: ['title'],
        additionalProperties: false,
        properties: { title: title(200) },
      },
      LabelInput: {
        type: 'object',
        required: ['title'],
        additionalProperties: false,
        properties: { title: title(128) },
      },
      Label: {
        type: 'object',
        required: ['id', 'title', 'unread_count'],
        properties: {
          id: { type: 'integer' },
          title: { type: 'string' },
          unread_count: { type: 'integer', minimum: 0 },
        },
      },
      Enclosure: {
        type: 'object',
        required: ['url', 'mime_type', 'size'],
        properties: { url: { type: 'string' }, mime_type: nullable('string'), size: nullable('integer') },
      },
      Entry: {
        type: 'object',
        required: [
          'id',
          'feed_id',
          'feed_title',
          'title',
          'url',
          'author',
          'content',
          'summary',
          'status',
          'starred',
          'published_at',
          'received_at',
          'language',
          'thumbnail',
          'tags',
          'label_ids',
          'enclosures',
        ],
        properties: {
          id: {
            type: 'integer',
            description:
              'Grows with reception time (microseconds); also the Google Reader and Fever item id.',
          },
          feed_id: { type: 'integer' },
          feed_title: { type: 'string' },
          title: { type: 'string' },
          url: nullable('string'),
          author: nullable('string'),
          content: { type: 'string', description: 'Sanitized HTML, as the web UI shows it.' },
          summary: { type: 'string', description: 'A plain-text excerpt.' },
          status: { type: 'string', enum: ['read', 'unread'] },
          starred: { type: 'boolean' },
          published_at: dateTime,
          received_at: dateTime,
          language: nullable('string'),
          thumbnail: nullable('string'),
          tags: {
            type: 'array',
            items: { type: 'string' },
            description: "The feed's categories of the entry.",
          },
          label_ids: { type: 'array', items: { type: 'integer' } },
          enclosures: { type: 'array', items: ref('Enclosure') },
        },
      },
      EntryPage: {
        type: 'object',
        required: ['entries'],
        properties: {
          entries: { type: 'array', items: ref('Entry') },
          next_cursor: { type: 'string', description: 'Absent on the last page.' },
        },
      },
      EntriesUpdate: {
        type: 'object',
        required: ['entry_ids'],
        additionalProperties: false,
        description: 'At least one of status and starred.',
        properties: {
          entry_ids: { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 1, maxItems: 1000 },
          status: { type: 'string', enum: ['read', 'unread'] },
          starred: { type: 'boolean' },
        },
      },
      MarkRead: {
        type: 'object',
        additionalProperties: false,
        description: 'Optional body. Without it, everything received so far is marked.',
        properties: {
          up_to_entry_id: {
            type: 'integer',
            minimum: 1,
            description: 'Mark entries up to this id only (the newest one the client has seen).',
          },
        },
      },
      Counters: {
        type: 'object',
        required: ['unreads'],
        properties: {
          unreads: {
            type: 'object',
            description: 'Feed id → unread entries, for every subscribed feed.',
            additionalProperties: { type: 'integer', minimum: 0 },
          },
        },
      },
    },
  },
};
