import { defineCommand, EXIT_OK } from '../command.ts';
import { withServices } from '../runtime.ts';

export const dbMigrateCommand = defineCommand({
  name: 'db migrate',
  summary: 'Apply pending database migrations (the server also does this at start-up).',
  options: {},
  async run(ctx) {
    return withServices(
      ctx.io,
      ctx.command,
      async (deps) => {
        const result = await deps.database.migrate();
        const applied = (result.results ?? []).filter((r) => r.status === 'Success');
        if (applied.length === 0) {
          ctx.io.out(`The database (${deps.database.location}) is up to date; no migrations to apply.\n`);
        } else {
          ctx.io.out(
            `Applied ${applied.length} migration${applied.length > 1 ? 's' : ''} to ${deps.database.location}:\n`,
          );
          for (const migration of applied) ctx.io.out(`  ${migration.migrationName}\n`);
        }
        return EXIT_OK;
      },
      { migrate: false },
    );
  },
});
