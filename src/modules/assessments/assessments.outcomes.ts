import type { Db } from '../../db/database.ts';

/** Closed attempts of an organisation's tests in a time range, per definition version (analytics). */
export function createAttemptOutcomes(deps: { db: Db }) {
  async function attemptOutcomesByDefinition(options: {
    organisationId: string;
    from: Date;
    to: Date;
    trx?: Db;
  }): Promise<Array<{ definitionId: string; attempts: number; passed: number }>> {
    const rows = await (options.trx ?? deps.db)
      .selectFrom('assessment_attempts')
      .select((eb) => [
        'definition_id',
        eb.fn.countAll<string>().as('attempts'),
        eb.fn.count<string>('id').filterWhere('passed', '=', true).as('passed'),
      ])
      .where('organisation_id', '=', options.organisationId)
      .where('passed', 'is not', null)
      .where('closed_at', '>=', options.from)
      .where('closed_at', '<', options.to)
      .groupBy('definition_id')
      .execute();
    return rows.map((row) => ({
      definitionId: row.definition_id,
      attempts: Number(row.attempts),
      passed: Number(row.passed),
    }));
  }
  return { attemptOutcomesByDefinition };
}
