import { AppError } from '../../core/errors.ts';
import { defineCommand, EXIT_OK } from '../command.ts';
import { CLI_ACTOR, withServices } from '../runtime.ts';

export const orgCreateCommand = defineCommand({
  name: 'org create',
  summary: 'Create an organisation (an issuer), optionally with an existing user as its owner.',
  options: {
    slug: {
      type: 'string',
      placeholder: 'SLUG',
      description: 'Permanent short name used in links: lower-case letters, digits and hyphens',
      required: true,
    },
    name: { type: 'string', placeholder: 'NAME', description: 'Display name', required: true },
    owner: {
      type: 'string',
      placeholder: 'EMAIL',
      description: 'E-mail address of the user who will own it',
    },
    url: { type: 'string', placeholder: 'URL', description: "The organisation's website" },
    description: { type: 'string', placeholder: 'TEXT', description: 'A short description' },
  },
  examples: ['credstack org create --slug acme --name "Acme Training" --owner ada@example.org'],
  async run(ctx) {
    const ownerEmail = ctx.text('owner');
    return withServices(ctx.io, ctx.command, async (deps) => {
      const { accounts, organisations } = deps.services;
      let ownerUserId: string | undefined;
      if (ownerEmail !== undefined) {
        const owner = await accounts.findUserByEmail(ownerEmail);
        if (!owner) {
          throw new AppError('not_found', 'User not found', {
            detail: `No user has the e-mail address ${ownerEmail}; create one first with \`credstack user create\``,
          });
        }
        ownerUserId = owner.id;
      }
      const organisation = await organisations.createOrganisation({
        actor: CLI_ACTOR,
        slug: ctx.required('slug'),
        name: ctx.required('name'),
        url: ctx.text('url') ?? null,
        description: ctx.text('description') ?? null,
        ...(ownerUserId ? { ownerUserId } : {}),
      });
      ctx.io.out(
        `Created organisation ${organisation.slug} (${organisation.name}), id ${organisation.id}` +
          (ownerEmail ? `, owned by ${ownerEmail.trim().toLowerCase()}.\n` : ', without members.\n'),
      );
      return EXIT_OK;
    });
  },
});
