import { createDemoService, formatDemoLogins, writeDemoLogins } from '../../modules/demo/demo.service.ts';
import { defineCommand, EXIT_OK } from '../command.ts';
import { CLI_ACTOR, withServices } from '../runtime.ts';

export const demoSeedCommand = defineCommand({
  name: 'demo seed',
  summary: 'Create the demo organisation "Demo Academy" and demo users with freshly generated passwords.',
  options: {},
  details: [
    'Refuses (exit 1, nothing changed) when the demo organisation or a demo user already exists.',
    'The logins are printed once and saved in DATA_DIR/demo-logins.txt (mode 0600).',
  ],
  async run(ctx) {
    return withServices(ctx.io, ctx.command, async (deps) => {
      const { services } = deps;
      const demo = createDemoService({
        db: deps.database.db,
        accounts: services.accounts,
        organisations: services.organisations,
        audit: services.audit,
        catalogue: services,
      });
      const result = await demo.seed({ actor: CLI_ACTOR });
      // Generated passwords are printed on purpose (stdout, never the logger): this is how they are handed over.
      ctx.io.out(`Created ${result.organisation.name} (${result.organisation.slug}) and these logins:\n`);
      for (const line of formatDemoLogins(result.logins)) ctx.io.out(`${line}\n`);
      try {
        const file = writeDemoLogins(deps.config.dataDir, result, deps.clock.now());
        ctx.io.out(`Also saved in ${file} (readable only by you).\n`);
      } catch (error) {
        ctx.io.err(`warning: could not save the logins in DATA_DIR: ${(error as Error).message}\n`);
      }
      return EXIT_OK;
    });
  },
});
