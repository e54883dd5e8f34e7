import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { isAppError } from '../../core/errors.ts';
import { isUuid } from '../../core/ids.ts';
import {
  type LearningPath,
  type PathObjective,
  UNCOVERED_REASON_TEXT,
} from '../../modules/learning-path/path.model.ts';
import { presentGap, presentPath } from '../../modules/skill-profile/skill-profile.presenter.ts';
import type { GapAnalysis, GapTarget } from '../../modules/skill-profile/skill-profile.service.ts';
import { CliError, defineCommand, EXIT_OK, UsageError } from '../command.ts';
import { CLI_ACTOR, withServices } from '../runtime.ts';

const OBJECTIVES: readonly PathObjective[] = ['cost', 'hours', 'count'];
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/\S+$/;

function numberOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0) {
    throw new UsageError(`--${name} must be a number of at least 0, got "${value}"`, pathCommand);
  }
  return number;
}

const COVERAGE = { covered: 'covered', partly: 'partly covered', missing: 'missing' } as const;

function gapText(gap: GapAnalysis): string[] {
  const lines = [
    `Gap to ${gap.target.label}: ${gap.coveragePercent}% covered (essential skills count double)`,
  ];
  for (const coverage of ['missing', 'partly', 'covered'] as const) {
    const skills = gap.skills.filter((skill) => skill.coverage === coverage);
    if (skills.length === 0) continue;
    lines.push(`  ${COVERAGE[coverage]} (${skills.length}):`);
    for (const skill of skills) {
      const why = skill.reasons
        .map((reason) =>
          reason.kind === 'verified'
            ? `verified by ${reason.credentials.map((c) => c.title).join(', ')}`
            : reason.kind === 'expired'
              ? `expired: ${reason.credentials.map((c) => c.title).join(', ')}`
              : reason.kind === 'declared'
                ? 'declared only'
                : `related: ${reason.relatedLabel} (${reason.relation})`,
        )
        .join('; ');
      lines.push(`    - ${skill.label} [${skill.importance}]${why ? ` — ${why}` : ''}`);
    }
  }
  return lines;
}

function pathText(path: LearningPath): string[] {
  const lines = ['', `Learning path (${path.status}, minimising ${path.objective}):`];
  if (path.steps.length === 0) lines.push('  no steps');
  for (const step of path.steps) {
    const c = step.candidate;
    const facts = [
      c.providerName,
      c.cost !== null ? `${c.cost}${c.currency ? ` ${c.currency}` : ''}` : null,
      c.hours !== null ? `${c.hours} h` : null,
    ].filter((part): part is string => part !== null);
    lines.push(`  ${step.order}. ${c.title} (${facts.join(', ')})`, `     ${step.reason}`, `     ${c.url}`);
  }
  const totals = path.totals;
  if (totals.count > 0) {
    lines.push(
      `Totals: ${totals.count} credential${totals.count === 1 ? '' : 's'}, cost ${totals.cost}${totals.currency ? ` ${totals.currency}` : ''}, ${totals.hours} h`,
    );
  }
  if (path.uncovered.length > 0) {
    lines.push(`Not covered (${path.uncovered.length}):`);
    for (const skill of path.uncovered)
      lines.push(`    - ${skill.label}: ${UNCOVERED_REASON_TEXT[skill.reason]}`);
  }
  lines.push(
    `Solver: ${path.solver.method}${path.solver.optimal ? ', optimal' : ''}${path.solver.timedOut ? ', time limit reached' : ''}, ${path.solver.candidatesConsidered} candidates, ${Math.round(path.solver.timeMs)} ms`,
  );
  return lines;
}

export const pathCommand = defineCommand({
  name: 'path',
  summary: 'Analyse a learner’s skill gap to a job text or occupation and recommend the learning path.',
  options: {
    learner: {
      type: 'string',
      placeholder: 'USER',
      description: 'The learner: user id or e-mail',
      required: true,
    },
    target: {
      type: 'string',
      placeholder: 'FILE|URI|ID',
      description:
        'A job post or RFP (.txt, .md, .pdf, .docx), an ESCO/O*NET occupation URI, or a role profile id',
      required: true,
    },
    objective: {
      type: 'string',
      placeholder: 'cost|hours|count',
      description: 'What to minimise (default cost)',
    },
    'max-cost': { type: 'string', placeholder: 'N', description: 'Budget: most cost (needs --currency)' },
    currency: { type: 'string', placeholder: 'EUR', description: 'Currency of --max-cost (ISO 4217)' },
    'max-hours': { type: 'string', placeholder: 'N', description: 'Budget: most hours' },
    'min-quality': {
      type: 'string',
      placeholder: 'N',
      description: 'Minimum catalogue quality score, 0 to 100',
    },
    json: { type: 'boolean', description: 'Print { gap, path } as JSON' },
  },
  details: [
    'The learner’s skills come from their credentials (expired ones count as partly covered) and the',
    'skills they declared. A file is read as text and its skills extracted; a URI names an occupation; a',
    'role profile id names the learner’s own role profile or a public one.',
    'Missing and partly covered skills go to the optimiser (essential skills weigh 2, optional 1).',
  ],
  examples: [
    'credstack path --learner lea@example.org --target job-post.pdf',
    'credstack path --learner lea@example.org --target http://data.europa.eu/esco/occupation/258e46f9-0075-4a2e-adae-1ff0477e0f30 --objective hours --json',
  ],
  async run(ctx) {
    const learner = ctx.required('learner').trim();
    const targetArg = ctx.required('target').trim();
    const objective = (ctx.text('objective') ?? 'cost') as PathObjective;
    if (!OBJECTIVES.includes(objective)) {
      throw new UsageError(`--objective must be cost, hours or count, got "${objective}"`, pathCommand);
    }
    const maxCost = numberOption(ctx.text('max-cost'), 'max-cost');
    const currency = ctx.text('currency')?.trim().toUpperCase();
    if (currency !== undefined && !/^[A-Z]{3}$/.test(currency)) {
      throw new UsageError(`--currency must be an ISO 4217 code such as EUR, got "${currency}"`, pathCommand);
    }
    if (maxCost !== undefined && currency === undefined) {
      throw new UsageError('--max-cost needs --currency', pathCommand);
    }
    const maxHours = numberOption(ctx.text('max-hours'), 'max-hours');
    const minQuality = numberOption(ctx.text('min-quality'), 'min-quality');
    if (minQuality !== undefined && minQuality > 100) {
      throw new UsageError('--min-quality must be 0 to 100', pathCommand);
    }

    // A file is read before the database is opened, so a typo answers at once.
    let file: { name: string; content: Buffer } | undefined;
    const path = resolve(targetArg);
    const info = await stat(path).catch(() => undefined);
    if (info) {
      if (!info.isFile()) throw new CliError(`${path} is not a file`);
      const content = await readFile(path).catch((error: Error) => {
        throw new CliError(`Cannot read ${path}: ${error.message}`);
      });
      file = { name: basename(path), content };
    } else if (!URI.test(targetArg) && !isUuid(targetArg)) {
      throw new CliError(`${targetArg} is neither a readable file, an occupation URI nor a role profile id`);
    }

    return withServices(ctx.io, ctx.command, async (deps) => {
      const { accounts, skillProfile } = deps.services;
      const user = isUuid(learner)
        ? await accounts.findUserById(learner)
        : learner.includes('@')
          ? await accounts.findUserByEmail(learner)
          : undefined;
      if (!user) throw new CliError(`No user with the id or e-mail "${learner}"`);
      const target: GapTarget = file
        ? {
            kind: 'text',
            text: await skillProfile.readDocumentText({ filename: file.name, content: file.content }),
          }
        : isUuid(targetArg)
          ? { kind: 'role-profile', id: targetArg }
          : { kind: 'occupation', uri: targetArg };
      const result = await skillProfile
        .recommendPath({
          actor: CLI_ACTOR,
          userId: user.id,
          target,
          objective,
          ...(minQuality !== undefined ? { filters: { minQuality } } : {}),
          budget: {
            ...(maxCost !== undefined ? { maxCost } : {}),
            ...(currency !== undefined ? { currency } : {}),
            ...(maxHours !== undefined ? { maxHours } : {}),
          },
        })
        .catch((error: unknown) => {
          if (!file && isAppError(error) && error.code === 'not_found') {
            throw new CliError(
              target.kind === 'role-profile'
                ? `No role profile ${targetArg} that this learner may use (their own or a public one)`
                : `No occupation with the URI ${targetArg}: check it, or import ESCO / O*NET first (credstack skills import)`,
            );
          }
          throw error;
        });
      if (ctx.flag('json')) {
        ctx.io.out(
          `${JSON.stringify({ gap: presentGap(result.gap), path: presentPath(result.path) }, null, 2)}\n`,
        );
      } else {
        ctx.io.out(`${[...gapText(result.gap), ...pathText(result.path)].join('\n')}\n`);
      }
      return EXIT_OK;
    });
  },
});
