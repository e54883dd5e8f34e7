import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { isAppError } from '../../core/errors.ts';
import {
  IMPORT_FORMATS,
  type ImportFormat,
  type ImportReport,
} from '../../modules/catalogue/catalogue.service.ts';
import { CliError, defineCommand, EXIT_FAILURE, EXIT_OK, UsageError } from '../command.ts';
import { CLI_ACTOR, withServices } from '../runtime.ts';

/** The format a file's extension suggests; `--format` overrides it. */
const EXTENSION_FORMATS: Record<string, ImportFormat> = {
  '.csv': 'csv',
  '.jsonld': 'ctdl',
  '.json-ld': 'ctdl',
  '.ctdl': 'ctdl',
  '.json': 'ob3',
};

/** At most this many problems are printed one per line; the rest are counted (use --json for all). */
const PRINTED_PROBLEMS = 50;

function summary(report: ImportReport): string {
  const verb = report.dryRun ? 'would be ' : '';
  return [
    `${report.created} ${verb}created`,
    `${report.updated} ${verb}updated`,
    `${report.unchanged} unchanged`,
    ...(report.skipped > 0 ? [`${report.skipped} skipped`] : []),
  ].join(', ');
}

export const catalogueImportCommand = defineCommand({
  name: 'catalogue import',
  summary:
    'Import external credentials (CTDL JSON-LD, OB 3.0 Achievement JSON or CSV) into an organisation’s catalogue and print the report.',
  positionals: [{ name: 'FILE', description: 'The catalogue file', required: true }],
  options: {
    org: { type: 'string', placeholder: 'SLUG', description: 'The importing organisation', required: true },
    format: {
      type: 'string',
      placeholder: 'FORMAT',
      description: 'ctdl, ob3 or csv (default: from the extension: .csv, .jsonld → ctdl, .json → ob3)',
    },
    'skip-invalid': { type: 'boolean', description: 'Import the valid entries and report the others' },
    'dry-run': { type: 'boolean', description: 'Report what would change without writing anything' },
    json: { type: 'boolean', description: 'Print the report as JSON' },
  },
  details: [
    'All or nothing: when any entry has a problem, nothing is imported and every problem is listed (exit 1),',
    'unless --skip-invalid. Importing the same file again changes nothing; a changed entry (same id) is',
    'updated in place. Imported entries are published in the public catalogue with their quality reports.',
  ],
  examples: [
    'credstack catalogue import providers.csv --org acme',
    'credstack catalogue import registry.jsonld --org acme --dry-run',
    'credstack catalogue import badges.json --org acme --format ob3 --skip-invalid --json',
  ],
  async run(ctx) {
    const file = ctx.arg('FILE')!;
    const given = ctx.text('format');
    if (given !== undefined && !IMPORT_FORMATS.includes(given as ImportFormat)) {
      throw new UsageError(`--format must be one of ${IMPORT_FORMATS.join(', ')}`, catalogueImportCommand);
    }
    const format = (given as ImportFormat | undefined) ?? EXTENSION_FORMATS[extname(file).toLowerCase()];
    if (!format) {
      throw new UsageError(
        `cannot tell the format of ${file} from its extension; pass --format ${IMPORT_FORMATS.join('|')}`,
        catalogueImportCommand,
      );
    }
    let content: string;
    try {
      content = await readFile(file, 'utf8');
    } catch (error) {
      throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
    }
    if (content.trim() === '') throw new CliError(`${file} is empty`);

    return withServices(ctx.io, ctx.command, async (deps) => {
      let report: ImportReport;
      try {
        report = await deps.services.catalogue.importCatalogue({
          actor: CLI_ACTOR,
          slug: ctx.required('org'),
          format,
          content,
          skipInvalid: ctx.flag('skip-invalid'),
          dryRun: ctx.flag('dry-run'),
        });
      } catch (error) {
        // A refused file: every problem, one per line, where it is and what is wrong.
        if (!isAppError(error) || error.code !== 'validation_failed' || !error.fields?.length) throw error;
        if (ctx.flag('json')) {
          ctx.io.out(
            `${JSON.stringify({ imported: false, problems: error.fields.map((f) => ({ location: f.pointer, message: f.message })) }, null, 2)}\n`,
          );
        }
        ctx.io.err(
          `error: ${file}: ${error.fields.length} problem${error.fields.length === 1 ? '' : 's'}; nothing was imported\n`,
        );
        for (const field of error.fields.slice(0, PRINTED_PROBLEMS)) {
          ctx.io.err(`  ${field.pointer || '(file)'}: ${field.message}\n`);
        }
        if (error.fields.length > PRINTED_PROBLEMS) {
          ctx.io.err(`  … and ${error.fields.length - PRINTED_PROBLEMS} more (--json lists them all)\n`);
        }
        ctx.io.err('Fix the file, or pass --skip-invalid to import only the valid entries.\n');
        return EXIT_FAILURE;
      }
      if (ctx.flag('json')) {
        ctx.io.out(`${JSON.stringify({ imported: !report.dryRun, ...report }, null, 2)}\n`);
        return EXIT_OK;
      }
      ctx.io.out(`${report.dryRun ? 'Dry run: ' : ''}${format} file ${file}: ${summary(report)}\n`);
      for (const problem of report.problems.slice(0, PRINTED_PROBLEMS)) {
        ctx.io.out(`  skipped ${problem.location || '(file)'}: ${problem.message}\n`);
      }
      if (report.problems.length > PRINTED_PROBLEMS) {
        ctx.io.out(
          `  … and ${report.problems.length - PRINTED_PROBLEMS} more problems (--json lists them all)\n`,
        );
      }
      return EXIT_OK;
    });
  },
});
