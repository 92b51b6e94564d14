// Table types for Kysely. Times are milliseconds since the Unix epoch (UTC) in BIGINT columns;
// booleans are 0/1 integers on both databases. Entry ids are reception-time microseconds
// (see docs/ARCHITECTURE.md) and fit in 53 bits, so every BIGINT is read as a JS number.
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface UsersTable {
  id: Generated<number>;
  username: string;
  password_hash: string;
  is_admin: number;
  language: string | null;
  timezone: string | null;
  created_at: number;
  last_seen_at: number | null;
  /** JSON ReadingSettings (src/model/reading-settings.ts), migration 006. */
  settings: Generated<string>;
  /** 1: cannot log in, sessions ended (migration 005). */
  disabled: Generated<number>;
  /** `oidc:<issuer> <subject>` or `proxy:<name>` of an external identity (migration 005). */
  external_id: string | null;
  /** Argon2id hash of the API password (Google Reader ClientLogin); null: apps cannot log in (migration 004). */
  api_password_hash: string | null;
  /** Fever api_key: lowercase hex md5("username:API password"); null without an API password (migration 004). */
  fever_api_key: string | null;
  api_password_set_at: number | null;
}

export interface SessionsTable {
  id: string; // sha-256 of the cookie token
  user_id: number;
  csrf_token: string;
  created_at: number;
  expires_at: number;
  user_agent: string | null;
  last_seen_at: number | null;
  ip: string | null;
  /** 1: "keep me logged in" (a lasting cookie), 0: a browser-session cookie. */
  persistent: Generated<number>;
  /** Last time the password was (re)entered in this session. */
  reauth_at: number | null;
}

export interface InstanceSettingsTable {
  key: string;
  value: string;
}

export interface CategoriesTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  position: number;
  /** JSON object: attributes of the imported OPML folder Veille does not use (migration 011). */
  import_extras: Generated<string | null>;
  /** Dynamic OPML category (migration 012): the remote OPML whose feeds it follows; null for a plain one. */
  opml_url: Generated<string | null>;
  /** When the OPML is next due for a check (ms); null when there is no OPML. */
  opml_next_check_at: Generated<number | null>;
  /** A process checking the OPML holds it until then (ms). */
  opml_lease_until: Generated<number | null>;
  opml_checked_at: Generated<number | null>;
  /** Why the last check failed ("fetch: …", "opml: …"); null when it succeeded. */
  opml_error: Generated<string | null>;
  /** JSON: what the last successful check did (see src/storage/dynamic-categories.ts). */
  opml_result: Generated<string | null>;
  opml_etag: Generated<string | null>;
  opml_last_modified: Generated<string | null>;
}

export interface FeedsTable {
  id: Generated<number>;
  url: string;
  /** '' for feeds anyone may share; otherwise a key that makes private or differently-fetched feeds distinct. */
  fetch_key: string;
  /** Set when the feed is fetched with a user's credentials, cookies or private headers: never shared. */
  owner_user_id: number | null;
  fetch_options: string | null; // JSON FetchOptions
  title: string;
  site_url: string | null;
  description: string | null;
  language: string | null;
  icon_type: string | null;
  icon_data: Uint8Array | null;
  icon_checked_at: number | null;
  etag: string | null;
  last_modified: string | null;
  body_hash: string | null;
  last_checked_at: number | null;
  last_status: string | null; // 'new' | 'not-modified' | 'unchanged' | 'error'
  last_error: string | null;
  last_error_code: string | null;
  error_count: number;
  next_check_at: number;
  created_at: number;
  /** Per-feed bounds of the interval between checks (null: the global ones). */
  min_interval_s: number | null;
  max_interval_s: number | null;
  /** Why the next check is at next_check_at (shown on the feed's page). */
  next_check_reason: string | null;
  last_new_entries: number | null;
  last_updated_entries: number | null;
  last_duration_ms: number | null;
  /** Set when the server answered 410 Gone: the feed is no longer checked. */
  gone_at: number | null;
  /** Worker that holds the feed, until lease_until (PostgreSQL scale-out). */
  lease_owner: string | null;
  lease_until: number | null;
  websub_hub: string | null;
  websub_topic: string | null;
  websub_secret: string | null;
  websub_lease_until: number | null;
  websub_last_push_at: number | null;
  /** How the last full-content retrieval went: JSON FullContentLog (migration 013). */
  full_content_log: Generated<string | null>;
}

export interface SubscriptionsTable {
  id: Generated<number>;
  user_id: number;
  feed_id: number;
  category_id: number | null;
  title: string | null;
  /** 2 important, 1 main stream, 0 category only, -1 archived (FreshRSS's priorities). */
  priority: number;
  /** Every entry of the feed with id <= read_horizon is read, unless an entry_states row says otherwise. */
  read_horizon: number;
  /** Maintained count of unread entries (horizon + exceptions); see docs/ARCHITECTURE.md. */
  unread_count: number;
  created_at: number;
  /** 1: muted (FreshRSS's disabled feeds): shown greyed, left out of the main stream (migration 006). */
  muted: Generated<number>;
  /** JSON object: attributes of the imported OPML outline Veille does not use (frss:*…), migration 011. */
  import_extras: Generated<string | null>;
  /** 1: subscribed by its category's OPML; 2: left that OPML, kept muted for its saved articles (migration 012). */
  opml_managed: Generated<number>;
}

export interface EntriesTable {
  id: number; // reception-time microseconds, assigned in a serialized step
  feed_id: number;
  guid_key: string;
  guid: string | null;
  url: string | null;
  title: string;
  authors: string; // JSON [{name,email,uri}]
  content: string; // sanitized HTML
  summary: string; // plain text excerpt
  published_at: number | null;
  updated_at: number | null;
  /** The date shown and used for "publication date" sorting: published ?? updated ?? reception, never in the future. */
  date_at: number;
  content_hash: string;
  language: string | null;
  enclosures: string; // JSON [{url,type,length}]
  categories: string; // JSON string[]
  thumbnail: string | null;
}

export interface EntryTombstonesTable {
  feed_id: number;
  guid_key: string;
  deleted_at: number;
}

export interface EntryStatesTable {
  user_id: number;
  entry_id: number;
  feed_id: number;
  /** null: the horizon decides; 1 read; 0 unread. Stored only where it differs from the horizon. */
  read_override: number | null;
  starred: number;
  changed_at: number;
}

export interface LabelsTable {
  id: Generated<number>;
  user_id: number;
  name: string;
}

export interface EntryLabelsTable {
  label_id: number;
  entry_id: number;
  user_id: number;
}

export interface ReadHorizonLogTable {
  id: Generated<number>;
  user_id: number;
  subscription_id: number;
  batch_id: string;
  old_horizon: number;
  new_horizon: number;
  /** JSON array of entry ids whose "unread" exception was cleared by this move (restored by undo). */
  cleared_unread: string;
  undone: number;
  created_at: number;
}

export interface RetentionPoliciesTable {
  id: Generated<number>;
  user_id: number | null;
  scope: 'global' | 'user' | 'category' | 'feed';
  scope_id: number | null;
  keep_max: number | null;
  keep_min: number | null;
  keep_days: number | null;
  keep_unread: number | null;
}

/** A list of searches bound to an action at a scope (migration 009, src/storage/filter-actions.ts). */
export interface FilterActionsTable {
  id: Generated<number>;
  user_id: number;
  /** 'user' (all of the user's feeds), 'category' or 'feed'. */
  scope: 'user' | 'category' | 'feed';
  /** The category or feed id; null for 'user'. */
  scope_id: number | null;
  action: 'read' | 'star' | 'label';
  label_id: number | null;
  /** One search per line. */
  searches: string;
  position: number;
  updated_at: number;
}

/** A saved search (migration 008); stream/state/sort as in URLs, null state/sort: the user's defaults. */
export interface UserQueriesTable {
  id: Generated<number>;
  user_id: number;
  position: number;
  name: string;
  stream: string;
  search: Generated<string>;
  state: string | null;
  sort: string | null;
  sort_order: string | null;
  /** Secret of the read-only shared URL /shared/query/:token; null: not shared. */
  share_token: string | null;
  created_at: number;
}

export interface EntryIdClockTable {
  id: number;
  last_id: number;
}

export interface Schema {
  users: UsersTable;
  sessions: SessionsTable;
  categories: CategoriesTable;
  feeds: FeedsTable;
  subscriptions: SubscriptionsTable;
  entries: EntriesTable;
  entry_tombstones: EntryTombstonesTable;
  entry_states: EntryStatesTable;
  labels: LabelsTable;
  entry_labels: EntryLabelsTable;
  read_horizon_log: ReadHorizonLogTable;
  entry_id_clock: EntryIdClockTable;
  retention_policies: RetentionPoliciesTable;
  instance_settings: InstanceSettingsTable;
  filter_actions: FilterActionsTable;
  user_queries: UserQueriesTable;
}

export type User = Selectable<UsersTable>;
export type Feed = Selectable<FeedsTable>;
export type Subscription = Selectable<SubscriptionsTable>;
export type Entry = Selectable<EntriesTable>;
export type Category = Selectable<CategoriesTable>;
export type NewEntryRow = Insertable<EntriesTable>;
export type FeedUpdate = Updateable<FeedsTable>;
