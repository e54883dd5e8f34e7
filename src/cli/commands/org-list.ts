import { defineCommand, EXIT_OK } from '../command.ts';
import { CLI_ACTOR, withServices } from '../runtime.ts';

const PAGE = 200;

export const orgListCommand = defineCommand({
  name: 'org list',
  summary: 'List every organisation with its member count.',
  options: { json: { type: 'boolean', description: 'Print a JSON array instead of a table' } },
  async run(ctx) {
    return withServices(ctx.io, ctx.command, async (deps) => {
      const rows: Array<{ slug: string; name: string; id: string; members: number; createdAt: string }> = [];
      for (let offset = 0; ; offset += PAGE) {
        const page = await deps.services.organisations.listAllOrganisations({
          actor: CLI_ACTOR,
          limit: PAGE,
          offset,
        });
        for (const { organisation, memberCount } of page.organisations) {
          rows.push({
            slug: organisation.slug,
            name: organisation.name,
            id: organisation.id,
            members: memberCount,
            createdAt: organisation.created_at.toISOString(),
          });
        }
        if (page.organisations.length < PAGE) break;
      }
      if (ctx.flag('json')) {
        ctx.io.out(`${JSON.stringify(rows, null, 2)}\n`);
        return EXIT_OK;
      }
      if (rows.length === 0) {
        ctx.io.out('No organisations yet. Create one with `credstack org create`.\n');
        return EXIT_OK;
      }
      const table = [
        ['SLUG', 'NAME', 'MEMBERS', 'CREATED'],
        ...rows.map((r) => [r.slug, r.name, String(r.members), r.createdAt.slice(0, 10)]),
      ];
      const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
      for (const row of table) {
        ctx.io.out(
          `${row
            .map((cell, column) => cell.padEnd(widths[column]!))
            .join('  ')
            .trimEnd()}\n`,
        );
      }
      return EXIT_OK;
    });
  },
});
