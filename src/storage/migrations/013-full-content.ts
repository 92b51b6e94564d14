// Full-content retrieval (FreshRSS's "Retrieve full content", Miniflux's "Fetch original
// content"): the settings live in the feed's fetch options (they change what is stored, so they
// are part of the feed's identity, see docs/DECISIONS.md); this column records how the last
// retrieval went, shown on the feed's page: JSON {at, fetched, failed, error, url}.
import type { Kysely, Migration } from 'kysely';

export const migration013FullContent: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('feeds').addColumn('full_content_log', 'text').execute();
  },
};
