import { defineCommand, EXIT_FAILURE, EXIT_OK } from '../command.ts';
import { withServices } from '../runtime.ts';

export const auditVerifyCommand = defineCommand({
  name: 'audit verify',
  summary: "Check the audit log's hash chain and report the first altered, removed or reordered event.",
  options: { json: { type: 'boolean', description: 'Print the result as JSON' } },
  details: ['Exit code 0 when the chain is intact, 1 when it is broken.'],
  async run(ctx) {
    return withServices(ctx.io, ctx.command, async (deps) => {
      const check = await deps.services.audit.verifyChain();
      if (ctx.flag('json')) {
        ctx.io.out(`${JSON.stringify(check, null, 2)}\n`);
      } else if (check.ok) {
        ctx.io.out(
          `ok: the audit chain is intact (${check.events} event${check.events === 1 ? '' : 's'} verified).\n`,
        );
      } else {
        const { seq, id, reason } = check.brokenAt;
        ctx.io.out(
          `BROKEN: the audit chain breaks at event seq ${seq} (id ${id}): ${reason}.\n` +
            `${check.events} event${check.events === 1 ? '' : 's'} before it verified.\n`,
        );
      }
      return check.ok ? EXIT_OK : EXIT_FAILURE;
    });
  },
});
