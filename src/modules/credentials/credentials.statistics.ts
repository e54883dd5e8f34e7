import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';

/** Calendar buckets for time series; weeks start on Monday (ISO), all in UTC. */
export type TimeBucket = 'day' | 'week' | 'month';

export interface BucketCount {
  /** Start of the bucket (UTC). */
  bucket: Date;
  count: number;
}

export interface IssuingStatistics {
  issued: BucketCount[];
  revoked: BucketCount[];
  /** Credentials issued in the range per catalogue definition version (inline achievements left out). */
  byDefinition: Array<{ definitionId: string; count: number }>;
}

function toCounts(rows: Array<{ bucket: Date | string; n: string | number }>): BucketCount[] {
  return rows.map((row) => ({ bucket: new Date(row.bucket), count: Number(row.n) }));
}

/**
 * Read-only aggregates over an organisation's credentials for the analytics module: grouped in the
 * database, so the work is one index range scan however many credentials there are.
 */
export function createCredentialStatistics(deps: { db: Db }) {
  async function issuingStatistics(options: {
    organisationId: string;
    from: Date;
    to: Date;
    bucket: TimeBucket;
    trx?: Db;
  }): Promise<IssuingStatistics> {
    const db = options.trx ?? deps.db;
    const { organisationId, from, to, bucket } = options;
    const issued = await sql<{ bucket: Date; n: string }>`
      select date_trunc(${bucket}, issued_at at time zone 'UTC') at time zone 'UTC' as bucket, count(*) as n
      from credentials
      where organisation_id = ${organisationId} and issued_at >= ${from} and issued_at < ${to}
      group by 1 order by 1`.execute(db);
    // A revocation is final, so the credential's status change is the revocation.
    const revoked = await sql<{ bucket: Date; n: string }>`
      select date_trunc(${bucket}, status_changed_at at time zone 'UTC') at time zone 'UTC' as bucket,
             count(*) as n
      from credentials
      where organisation_id = ${organisationId} and status = 'revoked'
        and status_changed_at >= ${from} and status_changed_at < ${to}
      group by 1 order by 1`.execute(db);
    const byDefinition = await db
      .selectFrom('credentials')
      .select((eb) => ['definition_id', eb.fn.countAll<string>().as('n')])
      .where('organisation_id', '=', organisationId)
      .where('issued_at', '>=', from)
      .where('issued_at', '<', to)
      .where('definition_id', 'is not', null)
      .groupBy('definition_id')
      .execute();
    return {
      issued: toCounts(issued.rows),
      revoked: toCounts(revoked.rows),
      byDefinition: byDefinition.map((row) => ({
        definitionId: row.definition_id as string,
        count: Number(row.n),
      })),
    };
  }

  /** All-time totals for the issuer's public page: issued, and active now (not revoked, suspended or expired). */
  async function issuedCounts(options: { organisationId: string; now: Date; trx?: Db }) {
    const row = await sql<{ issued: string; active: string }>`
      select count(*) as issued,
             count(*) filter (where status = 'active' and (valid_until is null or valid_until > ${options.now}))
               as active
      from credentials where organisation_id = ${options.organisationId}`.execute(options.trx ?? deps.db);
    return { issued: Number(row.rows[0]?.issued ?? 0), active: Number(row.rows[0]?.active ?? 0) };
  }

  /** Which of our credentials has this `id` as signed (for counting verifications); null for others. */
  async function findByCredentialUri(options: { credentialUri: string; trx?: Db }) {
    if (options.credentialUri.length > 2000) return null;
    const row = await (options.trx ?? deps.db)
      .selectFrom('credentials')
      .select(['id', 'organisation_id'])
      .where('credential_uri', '=', options.credentialUri)
      .limit(1)
      .executeTakeFirst();
    return row ? { id: row.id, organisationId: row.organisation_id } : null;
  }

  return { issuingStatistics, issuedCounts, findByCredentialUri };
}
