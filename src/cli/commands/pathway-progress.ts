import { isAppError } from '../../core/errors.ts';
import { isUuid } from '../../core/ids.ts';
import { presentProgress } from '../../modules/pathways/pathways.presenter.ts';
import { CliError, defineCommand, EXIT_OK } from '../command.ts';
import { CLI_ACTOR, withServices } from '../runtime.ts';

type Progress = ReturnType<typeof presentProgress>;

const REASONS: Record<string, string> = {
  'not-held': 'not held',
  'not-yet-earned': 'not earned yet',
  revoked: 'revoked',
  suspended: 'suspended',
  expired: 'expired',
  'prerequisites-missing': 'prerequisites missing',
  'earned-before-prerequisites': 'earned before its prerequisites',
};

export function progressText(progress: Progress): string[] {
  const lines = [
    `${progress.title} (version ${progress.version}): ${progress.satisfied ? 'complete' : 'not complete'}`,
    `Credits ${progress.creditPoints}${progress.creditFramework ? ` ${progress.creditFramework}` : ''}, hours ${progress.hours}`,
    '',
  ];
  for (const node of progress.nodes) {
    // The pointer's depth (/root/children/0/children/1) gives the indentation.
    const depth = (node.pointer.match(/\/children\//g) ?? []).length;
    const mark = node.satisfied ? '[x]' : '[ ]';
    const detail =
      node.type === 'component'
        ? node.satisfied
          ? `counted (${node.countedBy?.kind ?? 'credential'})`
          : (REASONS[node.reason ?? 'not-held'] ?? node.reason ?? '')
        : `${node.type}: ${node.satisfiedChildren ?? 0}/${node.requiredChildren ?? 0} children`;
    const title = node.remaining.earn?.title ? ` ${node.remaining.earn.title}` : '';
    lines.push(`${'  '.repeat(depth)}${mark} ${node.id}${title}: ${detail}`);
  }
  if (progress.completion) {
    lines.push('', `Completed ${progress.completion.completedAt} (${progress.completion.status})`);
  } else if (!progress.satisfied) {
    const plan = (name: string, value: Progress['cheapest']) =>
      value
        ? `${name}: ${value.components.join(', ')} (cost ${value.cost}, ${value.hours} h)`
        : `${name}: none`;
    lines.push(
      '',
      progress.completable
        ? plan('Cheapest way to finish', progress.cheapest)
        : 'No offered set of components completes it',
      ...(progress.completable ? [plan('Shortest way to finish', progress.shortest)] : []),
      ...(progress.exact
        ? []
        : ['(search budget reached: the plans are the best found, not proven optimal)']),
    );
  }
  return lines;
}

export const pathwayProgressCommand = defineCommand({
  name: 'pathway progress',
  summary: 'Show a learner’s progress on a published pathway and the cheapest and shortest ways to finish.',
  options: {
    learner: {
      type: 'string',
      placeholder: 'USER',
      description: 'The learner: user id or e-mail',
      required: true,
    },
    pathway: { type: 'string', placeholder: 'ID', description: 'The pathway id', required: true },
    json: { type: 'boolean', description: 'Print the progress as JSON (as GET /me/pathways/:id/progress)' },
  },
  details: [
    'Progress counts the learner’s credentials (expiry and revocation aware) and recognitions of prior',
    'learning against the published version of the pathway.',
  ],
  examples: [
    'credstack pathway progress --learner lea@example.org --pathway 0b8c3e52-52a4-4a57-9d55-6a3d0f0f2d11',
  ],
  async run(ctx) {
    const learner = ctx.required('learner').trim();
    const pathwayId = ctx.required('pathway').trim();
    if (!isUuid(pathwayId)) throw new CliError(`--pathway must be a pathway id (a UUID), got "${pathwayId}"`);
    return withServices(ctx.io, ctx.command, async (deps) => {
      const { accounts, pathways } = deps.services;
      const user = isUuid(learner)
        ? await accounts.findUserById(learner)
        : learner.includes('@')
          ? await accounts.findUserByEmail(learner)
          : undefined;
      if (!user) throw new CliError(`No user with the id or e-mail "${learner}"`);
      const progress = await pathways
        .learnerProgress({ actor: CLI_ACTOR, id: pathwayId, userId: user.id })
        .catch((error: unknown) => {
          if (isAppError(error) && error.code === 'not_found') {
            throw new CliError(`No published pathway ${pathwayId}`);
          }
          throw error;
        });
      const presented = presentProgress(progress);
      ctx.io.out(
        ctx.flag('json')
          ? `${JSON.stringify(presented, null, 2)}\n`
          : `${progressText(presented).join('\n')}\n`,
      );
      return EXIT_OK;
    });
  },
});
