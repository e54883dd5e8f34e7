import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { SkillExtraction } from '../../modules/skill-extraction/extraction.model.ts';
import { MAX_DOCUMENT_BYTES } from '../../modules/skill-extraction/text-input.ts';
import { CliError, defineCommand, EXIT_OK, UsageError } from '../command.ts';
import { CLI_ACTOR, withServices } from '../runtime.ts';

const FRAMEWORKS = ['esco', 'onet'] as const;

function oneLine(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}

/** A readable table: rank, confidence, framework, label and the best supporting text. */
function tableText(file: string, extraction: SkillExtraction): string {
  const lines = [
    `${extraction.skills.length} skills in ${file} (${extraction.sentenceCount} sentences, ${extraction.characterCount} characters${extraction.truncated ? ', truncated' : ''}):`,
    '',
  ];
  if (extraction.skills.length === 0) return `${lines[0]}\n  (no skill found)\n`;
  const labelWidth = Math.min(48, Math.max(5, ...extraction.skills.map((skill) => skill.label.length)));
  lines.push(
    `  ${'#'.padStart(3)}  conf  ${'framework'.padEnd(9)}  ${'skill'.padEnd(labelWidth)}  supporting text`,
  );
  extraction.skills.forEach((skill, i) => {
    lines.push(
      `  ${String(i + 1).padStart(3)}  ${skill.confidence.toFixed(2)}  ${skill.framework.padEnd(9)}  ${oneLine(skill.label, labelWidth).padEnd(labelWidth)}  ${oneLine(skill.spans[0]?.text ?? '', 60)}`,
    );
  });
  return `${lines.join('\n')}\n`;
}

export const skillsExtractCommand = defineCommand({
  name: 'skills extract',
  summary: 'Extract framework skills from a job posting, RFP or brief (.txt, .md, .pdf or .docx).',
  positionals: [{ name: 'FILE', description: 'The document to read', required: true }],
  options: {
    limit: { type: 'string', placeholder: 'N', description: 'How many skills to list (1–100, default 20)' },
    framework: { type: 'string', placeholder: 'esco|onet', description: 'Only this framework' },
    json: { type: 'boolean', description: 'Print the extraction as JSON' },
  },
  details: [
    'Offline: matches the imported ESCO and O*NET skills (credstack skills import) by lemmatised phrase,',
    'BM25 and fuzzy matching. Each skill comes with a 0..1 confidence and the text that supports it.',
    'See docs/skill-extraction.md for the method and its measured quality.',
  ],
  examples: [
    'credstack skills extract job-posting.pdf',
    'credstack skills extract rfp.docx --framework esco --json',
  ],
  async run(ctx) {
    const file = resolve(ctx.arg('FILE') ?? '');
    const limitText = ctx.text('limit');
    const limit = limitText === undefined ? undefined : Number(limitText);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 100)) {
      throw new UsageError(
        `--limit must be a whole number from 1 to 100, got "${limitText}"`,
        skillsExtractCommand,
      );
    }
    const framework = ctx.text('framework');
    if (framework !== undefined && !(FRAMEWORKS as readonly string[]).includes(framework)) {
      throw new UsageError(`--framework must be esco or onet, got "${framework}"`, skillsExtractCommand);
    }
    // Checked before the database is opened, so a typo answers at once.
    const info = await stat(file).catch(() => undefined);
    if (!info) throw new CliError(`The file ${file} does not exist`);
    if (!info.isFile()) throw new CliError(`${file} is not a file`);
    if (info.size > MAX_DOCUMENT_BYTES) {
      throw new CliError(`${file} is larger than ${MAX_DOCUMENT_BYTES / (1024 * 1024)} MB`);
    }
    const content = await readFile(file);
    const json = ctx.flag('json');
    return withServices(ctx.io, ctx.command, async (deps) => {
      const extraction = await deps.services.skillExtraction.extractSkillsFromDocument({
        actor: CLI_ACTOR,
        filename: basename(file),
        content,
        ...(framework ? { frameworks: [framework] } : {}),
        ...(limit ? { limit } : {}),
      });
      ctx.io.out(json ? `${JSON.stringify(extraction, null, 2)}\n` : tableText(basename(file), extraction));
      return EXIT_OK;
    });
  },
});
