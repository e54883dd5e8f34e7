import type { Db } from '../../db/database.ts';

const MAX_PUBLISHED = 200;

/** An organisation's published own definitions, for its public issuer page (newest first, capped). */
export function createPublishedListing(deps: { db: Db; definitionUrl: (id: string) => string }) {
  async function listPublishedOf(options: { organisationId: string; trx?: Db }) {
    const rows = await (options.trx ?? deps.db)
      .selectFrom('credential_definitions')
      .select(['id', 'title', 'version', 'published_at', 'level_framework', 'level_value', 'hours'])
      .where('organisation_id', '=', options.organisationId)
      .where('source', '=', 'own')
      .where('status', '=', 'published')
      .orderBy('published_at', 'desc')
      .orderBy('id')
      .limit(MAX_PUBLISHED)
      .execute();
    return rows.map((row) => ({
      id: row.id,
      title: row.title,
      version: row.version,
      publishedAt: row.published_at,
      level: row.level_value ? { framework: row.level_framework, value: row.level_value } : null,
      hours: row.hours,
      url: deps.definitionUrl(row.id),
    }));
  }
  return { listPublishedOf };
}
