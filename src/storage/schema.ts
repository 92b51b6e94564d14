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
}

export type User = Selectable<UsersTable>;
export type Feed = Selectable<FeedsTable>;
export type Subscription = Selectable<SubscriptionsTable>;
export type Entry = Selectable<EntriesTable>;
export type Category = Selectable<CategoriesTable>;
export type NewEntryRow = Insertable<EntriesTable>;
export type FeedUpdate = Updateable<FeedsTable>;
