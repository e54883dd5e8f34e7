import type { Db } from '../../db/database.ts';

/** Final decisions on an organisation's submissions in a time range, per definition version (analytics). */
export function createDecisionOutcomes(deps: { db: Db }) {
  async function decisionOutcomesByDefinition(options: {
    organisationId: string;
    from: Date;
    to: Date;
    trx?: Db;
  }): Promise<Array<{ definitionId: string; decided: number; passed: number }>> {
    const rows = await (options.trx ?? deps.db)
      .selectFrom('portfolio_submissions')
      .select((eb) => [
        'definition_id',
        eb.fn.countAll<string>().as('decided'),
        eb.fn.count<string>('id').filterWhere('status', '=', 'passed').as('passed'),
      ])
      .where('organisation_id', '=', options.organisationId)
      .where('status', 'in', ['passed', 'failed'])
      .where('decided_at', '>=', options.from)
      .where('decided_at', '<', options.to)
      .groupBy('definition_id')
      .execute();
    return rows.map((row) => ({
      definitionId: row.definition_id,
      decided: Number(row.decided),
      passed: Number(row.passed),
    }));
  }
  return { decisionOutcomesByDefinition };
}
