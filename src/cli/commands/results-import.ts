import { isAppError } from '../../core/errors.ts';
import { defineCommand, EXIT_FAILURE, EXIT_OK } from '../command.ts';
import { CLI_ACTOR, withServices } from '../runtime.ts';
import { readCsv } from './issue-bulk.ts';

export const resultsImportCommand = defineCommand({
  name: 'results import',
  summary:
    'Record external assessment results (passes and fails) from a CSV file; passes award the credential.',
  positionals: [
    {
      name: 'FILE',
      description: 'The CSV file (header line first), or - for standard input',
      required: true,
    },
  ],
  options: {
    org: { type: 'string', placeholder: 'SLUG', description: 'The issuing organisation', required: true },
    definition: {
      type: 'string',
      placeholder: 'ID',
      description: 'The published definition version (its assessment type must be external)',
      required: true,
    },
    json: { type: 'boolean', description: 'Print the report as JSON' },
  },
  details: [
    'Columns: email and passed (required), name, did, narrative, evidence_url, grade, score, date,',
    'supervision, external_ref; up to 2,000 rows (bulk-issue larger files of passes with `issue bulk`).',
    'Every row is checked first: with a bad or duplicate row nothing is recorded (exit 1, one line per problem).',
    'Running the same file again records nothing twice and awards nothing twice.',
  ],
  examples: ['credstack results import exam-results.csv --org acme --definition 0b6f…'],
  async run(ctx) {
    const csv = await readCsv(ctx.io, ctx.arg('FILE') ?? '');
    return withServices(ctx.io, ctx.command, async (deps) => {
      let report: Awaited<ReturnType<typeof deps.services.issuance.importResults>>;
      try {
        report = await deps.services.issuance.importResults({
          actor: CLI_ACTOR,
          slug: ctx.required('org'),
          definitionId: ctx.required('definition'),
          csv,
        });
      } catch (error) {
        if (isAppError(error) && error.code === 'validation_failed' && error.fields?.length) {
          ctx.io.err(`error: ${error.message}\n`);
          for (const field of error.fields) ctx.io.err(`  ${field.message}\n`);
          return EXIT_FAILURE;
        }
        throw error;
      }
      if (ctx.flag('json')) {
        ctx.io.out(`${JSON.stringify(report, null, 2)}\n`);
      } else {
        ctx.io.out(
          `Recorded ${report.recorded} of ${report.total} results (${report.unchanged} recorded before): ` +
            `${report.passed} passed, ${report.failed} failed; ${report.issued} credentials issued.\n`,
        );
      }
      return EXIT_OK;
    });
  },
});
