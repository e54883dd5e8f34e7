import { readFile } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import { isAppError } from '../../core/errors.ts';
import type { IssueJobRow } from '../../db/tables/issuance.ts';
import type { DryRunReport } from '../../modules/issuance/issuance.service.ts';
import { CliError, type CliIo, defineCommand, EXIT_FAILURE, EXIT_OK } from '../command.ts';
import { CLI_ACTOR, withServices } from '../runtime.ts';

/** Plain progress lines (no terminal) at most this often, plus the last one. */
const PLAIN_PROGRESS_INTERVAL_MS = 2000;

export async function readCsv(io: CliIo, path: string): Promise<string> {
  if (path === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read the CSV file ${path}: ${(error as Error).message}`);
  }
}

function jobSummary(job: IssueJobRow) {
  return {
    id: job.id,
    definitionId: job.definition_id,
    status: job.status,
    total: job.total_rows,
    valid: job.total_rows - job.invalid_rows,
    invalid: job.invalid_rows,
    processed: job.processed_rows,
    issued: job.issued_rows,
    alreadyIssued: job.already_issued_rows,
    failed: job.failed_rows,
    createdAt: job.created_at.toISOString(),
    finishedAt: job.finished_at?.toISOString() ?? null,
  };
}

/**
 * Shows progress on standard error: a bar when it is a terminal, otherwise a plain line now and then, so a
 * log file or CI output stays readable. Standard output carries only the summary.
 */
function progressReporter(io: CliIo, enabled: boolean) {
  const tty = enabled && process.stderr.isTTY === true;
  let bar: cliProgress.SingleBar | undefined;
  let lastLine = 0;
  return {
    update(job: IssueJobRow) {
      if (!enabled) return;
      const valid = job.total_rows - job.invalid_rows;
      const counts = {
        issued: job.issued_rows,
        already: job.already_issued_rows,
        failed: job.failed_rows,
      };
      if (tty) {
        if (!bar) {
          bar = new cliProgress.SingleBar(
            {
              format:
                'Issuing |{bar}| {value}/{total} rows · {issued} issued, {already} already issued, {failed} failed · ETA {eta_formatted}',
              stream: process.stderr,
              hideCursor: true,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(valid, job.processed_rows, counts);
        }
        bar.update(job.processed_rows, counts);
        return;
      }
      const now = Date.now();
      const done = job.status === 'completed';
      if (!done && now - lastLine < PLAIN_PROGRESS_INTERVAL_MS) return;
      lastLine = now;
      io.err(
        `progress: ${job.processed_rows}/${valid} rows (${counts.issued} issued, ${counts.already} already issued, ${counts.failed} failed)\n`,
      );
    },
    stop() {
      bar?.stop();
    },
  };
}

function printDryRun(io: CliIo, report: DryRunReport, json: boolean): number {
  if (json) {
    io.out(`${JSON.stringify({ dryRun: report }, null, 2)}\n`);
  } else {
    io.out(
      `Dry run: ${report.total} rows, ${report.valid} valid, ${report.invalid} invalid. Nothing was issued.\n`,
    );
    for (const row of report.invalidRows) {
      for (const problem of row.errors) {
        io.out(`  row ${row.rowNumber}: ${problem.column ? `${problem.column} ` : ''}${problem.message}\n`);
      }
    }
    if (report.invalid > report.invalidRows.length) {
      io.out(`  … and ${report.invalid - report.invalidRows.length} more invalid rows\n`);
    }
  }
  return report.invalid === 0 ? EXIT_OK : EXIT_FAILURE;
}

export const issueBulkCommand = defineCommand({
  name: 'issue bulk',
  summary:
    'Issue the credential of an externally assessed definition to every row of a CSV file, with a progress bar and a summary.',
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
    'skip-invalid': {
      type: 'boolean',
      description: 'Issue the valid rows even if some rows are invalid (they are reported)',
    },
    'dry-run': { type: 'boolean', description: 'Check the file and report; issue nothing' },
    json: { type: 'boolean', description: 'Print the summary (or the dry-run report) as JSON' },
  },
  details: [
    'Columns: email (required), name, did, narrative, evidence_url, grade, score, passed, date, external_ref.',
    'The whole file is checked first: with an invalid or duplicate row nothing is issued unless --skip-invalid.',
    'Running the same file again issues nothing twice (rows already awarded are reported as already issued).',
    'Progress goes to standard error (a bar on a terminal, plain lines otherwise); the summary to standard output.',
    'Exit code 1 when rows are invalid (nothing issued) or failed, or when a dry run finds invalid rows.',
  ],
  examples: [
    'credstack issue bulk cohort-7.csv --org acme --definition 0b6f…',
    'credstack issue bulk cohort-7.csv --org acme --definition 0b6f… --dry-run',
    'credstack issue bulk cohort-7.csv --org acme --definition 0b6f… --skip-invalid --json > summary.json',
  ],
  async run(ctx) {
    const csv = await readCsv(ctx.io, ctx.arg('FILE') ?? '');
    const json = ctx.flag('json');
    const dryRun = ctx.flag('dry-run');
    return withServices(ctx.io, ctx.command, async (deps) => {
      const progress = progressReporter(ctx.io, !dryRun);
      let submitted: Awaited<ReturnType<typeof deps.services.issuance.submitIssueJob>>;
      try {
        submitted = await deps.services.issuance.submitIssueJob({
          actor: CLI_ACTOR,
          slug: ctx.required('org'),
          definitionId: ctx.required('definition'),
          csv,
          skipInvalid: ctx.flag('skip-invalid'),
          dryRun,
          wait: true,
          onProgress: (job) => progress.update(job),
        });
      } catch (error) {
        progress.stop();
        if (
          isAppError(error) &&
          error.code === 'validation_failed' &&
          error.fields &&
          error.fields.length > 0
        ) {
          // One line per bad row, as the service words it ("row 7: email is not a valid e-mail address").
          ctx.io.err(`error: ${error.message}\n`);
          for (const field of error.fields) ctx.io.err(`  ${field.message}\n`);
          return EXIT_FAILURE;
        }
        throw error;
      }
      progress.stop();
      if (submitted.dryRun) return printDryRun(ctx.io, submitted.dryRun, json);
      const job = submitted.job;
      if (!job) throw new CliError('the job was not created');
      const summary = jobSummary(job);
      if (json) {
        ctx.io.out(`${JSON.stringify({ job: summary }, null, 2)}\n`);
      } else {
        ctx.io.out(
          [
            `Job ${summary.id}: ${summary.status}`,
            `  rows:           ${summary.total} (${summary.valid} valid, ${summary.invalid} invalid${summary.invalid > 0 ? ', skipped' : ''})`,
            `  issued:         ${summary.issued}`,
            `  already issued: ${summary.alreadyIssued}`,
            `  failed:         ${summary.failed}`,
            '',
          ].join('\n'),
        );
      }
      // Name the rows that were skipped or failed, so they can be fixed and sent again.
      for (const status of ['invalid', 'failed'] as const) {
        if ((status === 'invalid' ? summary.invalid : summary.failed) === 0) continue;
        const page = await deps.services.issuance.listIssueJobRows({
          actor: CLI_ACTOR,
          slug: ctx.required('org'),
          definitionId: job.definition_id,
          jobId: job.id,
          status,
          limit: 100,
          offset: 0,
        });
        for (const row of page.rows) {
          for (const problem of row.errors) {
            ctx.io.err(
              `${status === 'invalid' ? 'skipped' : 'failed'} row ${row.rowNumber}: ${problem.column ? `${problem.column} ` : ''}${problem.message}\n`,
            );
          }
        }
        if (page.total > page.rows.length)
          ctx.io.err(`… and ${page.total - page.rows.length} more ${status} rows\n`);
      }
      return summary.failed > 0 || summary.status !== 'completed' ? EXIT_FAILURE : EXIT_OK;
    });
  },
});
