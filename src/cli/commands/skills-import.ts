import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ESCO_ATTRIBUTION } from '../../modules/skills/esco-import.ts';
import type { ImportPhase, ImportProgress } from '../../modules/skills/framework-import.ts';
import { ONET_ATTRIBUTION } from '../../modules/skills/onet-import.ts';
import type { ImportSummary } from '../../modules/skills/skills.service.ts';
import { CliError, type CliIo, defineCommand, EXIT_OK, UsageError } from '../command.ts';
import { CLI_ACTOR, withServices } from '../runtime.ts';

const SOURCES = ['esco', 'onet'] as const;
type Source = (typeof SOURCES)[number];

const PHASE_NAMES: Record<ImportPhase, string> = {
  reading: 'reading',
  skills: 'skills',
  hierarchy: 'hierarchy',
  occupations: 'occupations',
  'occupation-skills': 'occupation skills',
};

const number = (value: number) => value.toLocaleString('en-GB');

/**
 * Progress as lines on standard error: each file's record count once read, and each write phase at
 * roughly every quarter and at its end. Lines, not a redrawn bar, so logs and pipes stay readable.
 */
function progressPrinter(io: CliIo): (progress: ImportProgress) => void {
  let lastKey = '';
  let lastQuarter = -1;
  let reading: { file: string; done: number } | undefined;
  const flushReading = () => {
    if (reading) io.err(`  read ${reading.file}: ${number(reading.done)} records\n`);
    reading = undefined;
  };
  return (progress) => {
    if (progress.phase === 'reading' && progress.file) {
      if (reading && reading.file !== progress.file) flushReading();
      reading = { file: progress.file, done: progress.done };
      return;
    }
    flushReading();
    const total = progress.total ?? 0;
    const quarter = total === 0 ? 4 : Math.floor((progress.done / total) * 4);
    const key = progress.phase;
    if (key !== lastKey) lastQuarter = -1;
    lastKey = key;
    if (quarter === lastQuarter) return;
    lastQuarter = quarter;
    io.err(`  ${PHASE_NAMES[progress.phase]}: ${number(progress.done)} / ${number(total)}\n`);
  };
}

function summaryText(source: Source, summary: ImportSummary, seconds: number): string {
  const groupName = source === 'esco' ? 'skill groups' : 'technology classes';
  const rows: Array<[string, number]> = [
    [source === 'esco' ? 'skills' : 'technology skills', summary.skills],
    [groupName, summary.skillGroups],
    ['hierarchy links', summary.hierarchy],
    ['occupations', summary.occupations],
    ['occupation skills', summary.occupationSkills],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  const lines = [
    `Imported ${source === 'esco' ? 'ESCO' : 'O*NET'}${summary.version ? ` ${summary.version}` : ''} into the framework "${summary.framework}" in ${seconds.toFixed(1)} s:`,
    ...rows.map(([name, value]) => `  ${name.padEnd(width)}  ${number(value).padStart(9)}`),
  ];
  const skipped = summary.skipped.hierarchy + summary.skipped.occupationSkills;
  if (skipped > 0) {
    lines.push(
      `  ${'skipped'.padEnd(width)}  ${number(skipped).padStart(9)}  (relations naming concepts that are not in the files)`,
    );
  }
  if (summary.missingFiles.length > 0)
    lines.push(`Not found, so not imported: ${summary.missingFiles.join(', ')}`);
  lines.push('', source === 'esco' ? ESCO_ATTRIBUTION : ONET_ATTRIBUTION, '');
  return lines.join('\n');
}

export const skillsImportCommand = defineCommand({
  name: 'skills import',
  summary: 'Import a skills framework: ESCO (its CSV distribution) or O*NET Technology Skills.',
  positionals: [
    { name: 'SOURCE', description: 'esco or onet', required: true },
    {
      name: 'FOLDER',
      description:
        'esco: the folder holding the ESCO CSV zip files (or their unzipped CSVs); onet: the O*NET text files',
      required: true,
    },
  ],
  options: {
    release: {
      type: 'string',
      placeholder: 'VERSION',
      description: 'The release, e.g. v1.1.1 or 29.3 (default: read from the file or folder name)',
    },
    json: { type: 'boolean', description: 'Print the summary as JSON' },
    quiet: { type: 'boolean', description: 'No progress lines on standard error' },
  },
  details: [
    'Every file is read and checked before anything is written, and the write is one transaction: a',
    'malformed file (named with its line) changes nothing. Importing again updates skills and occupations',
    'in place (same URIs, same ids) and replaces the hierarchy and occupation–skill relations.',
    'ESCO: skills_en.csv, skillGroups_en.csv, broaderRelationsSkillPillar.csv, occupations_en.csv and',
    'occupationSkillRelations.csv, read straight from the two published zip files. O*NET: Technology',
    'Skills.txt and Occupation Data.txt. See docs/skills.md for the data model and attribution.',
  ],
  examples: [
    'credstack skills import esco ../shared/data/esco-v1.1.1',
    'credstack skills import onet ../shared/data/onet-29.3 --json',
  ],
  async run(ctx) {
    const source = ctx.arg('SOURCE') as Source;
    if (!SOURCES.includes(source)) {
      throw new UsageError(`SOURCE must be esco or onet, got "${source}"`, skillsImportCommand);
    }
    const folder = resolve(ctx.arg('FOLDER') ?? '');
    // Checked before the database is opened, so a typo answers at once.
    const info = await stat(folder).catch(() => undefined);
    if (!info) throw new CliError(`The folder ${folder} does not exist`);
    if (!info.isDirectory()) throw new CliError(`${folder} is not a folder`);
    const json = ctx.flag('json');
    const onProgress = ctx.flag('quiet') ? undefined : progressPrinter(ctx.io);
    const release = ctx.text('release');
    return withServices(ctx.io, ctx.command, async (deps) => {
      const started = performance.now();
      const options = { actor: CLI_ACTOR, folder, version: release, onProgress };
      const summary =
        source === 'esco'
          ? await deps.services.skills.importEsco(options)
          : await deps.services.skills.importOnet(options);
      const seconds = (performance.now() - started) / 1000;
      ctx.io.out(json ? `${JSON.stringify(summary, null, 2)}\n` : summaryText(source, summary, seconds));
      return EXIT_OK;
    });
  },
});
