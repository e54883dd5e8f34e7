import { AppError } from '../../core/errors.ts';
import type { MembershipRole } from '../../db/schema.ts';
import { ROLES } from '../../modules/organisations/organisations.policy.ts';
import { defineCommand, EXIT_OK, UsageError } from '../command.ts';
import { CLI_ACTOR, withServices } from '../runtime.ts';

export const orgAddMemberCommand = defineCommand({
  name: 'org add-member',
  summary: 'Add an existing user to an organisation with a role (no invitation is sent).',
  options: {
    org: { type: 'string', placeholder: 'SLUG', description: "The organisation's slug", required: true },
    email: { type: 'string', placeholder: 'EMAIL', description: "The user's e-mail address", required: true },
    role: { type: 'string', placeholder: 'ROLE', description: `One of ${ROLES.join(', ')}`, required: true },
  },
  examples: ['credstack org add-member --org acme --email ivan@example.org --role issuer'],
  async run(ctx) {
    const role = ctx.required('role');
    if (!(ROLES as readonly string[]).includes(role)) {
      throw new UsageError(`--role must be one of ${ROLES.join(', ')} (got "${role}")`, orgAddMemberCommand);
    }
    const email = ctx.required('email');
    const slug = ctx.required('org');
    return withServices(ctx.io, ctx.command, async (deps) => {
      const user = await deps.services.accounts.findUserByEmail(email);
      if (!user) {
        throw new AppError('not_found', 'User not found', {
          detail: `No user has the e-mail address ${email}; create one first with \`credstack user create\``,
        });
      }
      await deps.services.organisations.addMember({
        actor: CLI_ACTOR,
        slug,
        userId: user.id,
        role: role as MembershipRole,
      });
      ctx.io.out(`Added ${user.email} to ${slug} as ${role}.\n`);
      return EXIT_OK;
    });
  },
});
