import { generatePassword } from '../../modules/demo/demo.service.ts';
import { defineCommand, EXIT_OK, UsageError } from '../command.ts';
import { CLI_ACTOR, readPassword, withServices } from '../runtime.ts';

export const userCreateCommand = defineCommand({
  name: 'user create',
  summary: 'Create a user account. Without a password option, one is generated and printed once.',
  options: {
    email: {
      type: 'string',
      placeholder: 'EMAIL',
      description: 'E-mail address (the login)',
      required: true,
    },
    name: { type: 'string', placeholder: 'NAME', description: 'Display name', required: true },
    password: {
      type: 'string',
      placeholder: 'PASSWORD',
      description: 'Password (visible in the process list and shell history: prefer --password-stdin)',
    },
    'password-stdin': { type: 'boolean', description: 'Read the password from standard input' },
    'platform-admin': { type: 'boolean', description: 'Make the user a platform administrator' },
    unverified: {
      type: 'boolean',
      description: 'Leave the e-mail address unverified and send a verification mail (default: verified)',
    },
  },
  examples: [
    'credstack user create --email ada@example.org --name "Ada Lovelace" --platform-admin',
    'printf %s "$PASSWORD" | credstack user create --email ada@example.org --name Ada --password-stdin',
  ],
  async run(ctx) {
    const email = ctx.required('email');
    const name = ctx.required('name');
    const given = ctx.text('password');
    if (given !== undefined && ctx.flag('password-stdin')) {
      throw new UsageError('give either --password or --password-stdin, not both', userCreateCommand);
    }
    const password = ctx.flag('password-stdin') ? await readPassword(ctx.io) : (given ?? generatePassword());
    const generated = given === undefined && !ctx.flag('password-stdin');
    return withServices(ctx.io, ctx.command, async (deps) => {
      const user = await deps.services.accounts.createUser({
        actor: CLI_ACTOR,
        email,
        name,
        password,
        emailVerified: !ctx.flag('unverified'),
        isPlatformAdmin: ctx.flag('platform-admin'),
        via: 'cli',
      });
      const traits = [
        user.is_platform_admin ? 'platform administrator' : null,
        user.email_verified_at ? null : 'unverified: a verification mail was sent',
      ].filter(Boolean);
      ctx.io.out(
        `Created user ${user.email} (id ${user.id})${traits.length ? `, ${traits.join(', ')}` : ''}.\n`,
      );
      if (generated) ctx.io.out(`Password: ${password}\n(shown once: pass it on securely)\n`);
      return EXIT_OK;
    });
  },
});
