import { generatePassword } from '../../modules/demo/demo.service.ts';
import { defineCommand, EXIT_OK } from '../command.ts';
import { CLI_ACTOR, readPassword, withServices } from '../runtime.ts';

export const userSetPasswordCommand = defineCommand({
  name: 'user set-password',
  summary: "Set a user's password and end all of their sessions. Without --password-stdin, one is generated.",
  options: {
    email: { type: 'string', placeholder: 'EMAIL', description: "The user's e-mail address", required: true },
    'password-stdin': { type: 'boolean', description: 'Read the new password from standard input' },
  },
  examples: ['credstack user set-password --email ada@example.org --password-stdin'],
  async run(ctx) {
    const email = ctx.required('email');
    const fromStdin = ctx.flag('password-stdin');
    const password = fromStdin ? await readPassword(ctx.io, 'New password: ') : generatePassword();
    return withServices(ctx.io, ctx.command, async (deps) => {
      await deps.services.accounts.setPassword({ actor: CLI_ACTOR, email, password });
      ctx.io.out(`Password set for ${email.trim().toLowerCase()}; their sessions were ended.\n`);
      if (!fromStdin) ctx.io.out(`New password: ${password}\n(shown once: pass it on securely)\n`);
      return EXIT_OK;
    });
  },
});
