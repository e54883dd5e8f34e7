import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { TimeBucket } from '../credentials/credentials.statistics.ts';

/** SQL for the verification counter (the analytics module's own table). */
export function createAnalyticsRepository() {
  return {
    insertVerification: (
      db: Db,
      row: { credential_id: string; organisation_id: string; verdict: string; verified_at: Date },
    ) => db.insertInto('credential_verification_events').values(row).execute(),

    verificationsPerBucket: async (
      db: Db,
      filter: { organisationId: string; from: Date; to: Date; bucket: TimeBucket },
    ) => {
      const result = await sql<{ bucket: Date; n: string; valid: string }>`
        select date_trunc(${filter.bucket}, verified_at at time zone 'UTC') at time zone 'UTC' as bucket,
               count(*) as n, count(*) filter (where verdict = 'valid') as valid
        from credential_verification_events
        where organisation_id = ${filter.organisationId}
          and verified_at >= ${filter.from} and verified_at < ${filter.to}
        group by 1 order by 1`.execute(db);
      return result.rows.map((row) => ({
        bucket: new Date(row.bucket),
        count: Number(row.n),
        valid: Number(row.valid),
      }));
    },
  };
}
