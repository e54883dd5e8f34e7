import { AppError } from '../../core/errors.ts';
import { type CommandSpec, defineCommand, EXIT_OK, UsageError } from '../command.ts';
import { CLI_ACTOR, withServices } from '../runtime.ts';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

const ACTIONS = {
  revoke: {
    summary: 'Revoke a credential for good. Its status list is re-signed and the holder is told by mail.',
    past: 'revoked',
  },
  suspend: {
    summary: 'Suspend a credential until it is reinstated. The holder is told by mail.',
    past: 'suspended',
  },
  reinstate: {
    summary: 'Lift the suspension of a credential (a revoked one cannot be reinstated).',
    past: 'reinstated',
  },
} as const;

function statusCommand(action: keyof typeof ACTIONS): CommandSpec {
  const spec: CommandSpec = defineCommand({
    name: `credential ${action}`,
    summary: ACTIONS[action].summary,
    positionals: [
      {
        name: 'ID',
        description: 'The credential’s id, or its page URL (…/credentials/<id>)',
        required: true,
      },
    ],
    options: {
      reason: {
        type: 'string',
        placeholder: 'TEXT',
        description: 'Why; kept in the audit log and told to the holder',
        required: true,
      },
      json: { type: 'boolean', description: 'Print the credential’s id, status and reason as JSON' },
    },
    examples: [
      `credstack credential ${action} 0b7c4e36-2f57-4a43-9b5e-8f2f0f1f4a11 --reason "Issued in error"`,
    ],
    async run(ctx) {
      const given = ctx.arg('ID')!;
      const id = UUID.exec(given)?.[0]?.toLowerCase();
      if (!id)
        throw new UsageError(`ID must be a credential id (a UUID) or its page URL, got "${given}"`, spec);
      const reason = ctx.required('reason');
      return withServices(ctx.io, ctx.command, async (deps) => {
        const { credentials } = deps.services;
        const found = await credentials.getPublicCredential({ id });
        if (!found) throw new AppError('not_found', `Credential ${id} not found`);
        const details = await credentials.changeStatus({
          actor: CLI_ACTOR,
          slug: found.organisation.slug,
          id,
          action,
          reason,
        });
        const { record } = details;
        if (ctx.flag('json')) {
          ctx.io.out(
            `${JSON.stringify(
              {
                id: record.id,
                organisation: found.organisation.slug,
                status: record.status,
                reason: record.status_reason,
                statusChangedAt: record.status_changed_at?.toISOString() ?? null,
              },
              null,
              2,
            )}\n`,
          );
        } else {
          ctx.io.out(`Credential ${record.id} ${ACTIONS[action].past}; it is now ${record.status}.\n`);
        }
        return EXIT_OK;
      });
    },
  });
  return spec;
}

export const credentialRevokeCommand = statusCommand('revoke');
export const credentialSuspendCommand = statusCommand('suspend');
export const credentialReinstateCommand = statusCommand('reinstate');
