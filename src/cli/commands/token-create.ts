import { parseDuration } from '../../core/clock.ts';
import { ALL_TOKEN_SCOPES, unknownScopes } from '../../core/scopes.ts';
import { defineCommand, EXIT_OK, UsageError } from '../command.ts';
import { CLI_ACTOR, withServices } from '../runtime.ts';

export const tokenCreateCommand = defineCommand({
  name: 'token create',
  summary:
    'Create an API token for an organisation. Prints only the token, so it can be captured: T=$(credstack token create …).',
  options: {
    org: { type: 'string', placeholder: 'SLUG', description: "The organisation's slug", required: true },
    scopes: {
      type: 'string',
      placeholder: 'a,b',
      description: `Comma-separated scopes: ${ALL_TOKEN_SCOPES.join(', ')}`,
      required: true,
    },
    expires: {
      type: 'string',
      placeholder: 'DURATION',
      description: 'Lifetime such as 90d, 12h, 2w (default: does not expire)',
    },
    name: {
      type: 'string',
      placeholder: 'NAME',
      description: 'A label to recognise it by (default "CLI token")',
    },
    json: { type: 'boolean', description: 'Print JSON details (id, prefix, scopes, expiresAt, token)' },
  },
  details: ['The token is shown once and stored only as a hash. Keep it in a secret store.'],
  examples: [
    'credstack token create --org acme --scopes credentials:issue,credentials:read --expires 90d',
    'credstack token create --org acme --scopes org:read --json',
  ],
  async run(ctx) {
    const slug = ctx.required('org');
    const scopes = ctx
      .required('scopes')
      .split(',')
      .map((scope) => scope.trim())
      .filter(Boolean);
    if (scopes.length === 0) throw new UsageError('--scopes needs at least one scope', tokenCreateCommand);
    const unknown = unknownScopes(scopes);
    if (unknown.length > 0) {
      throw new UsageError(
        `unknown scope${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; known scopes: ${ALL_TOKEN_SCOPES.join(', ')}`,
        tokenCreateCommand,
      );
    }
    const expiresText = ctx.text('expires');
    let lifetimeMs: number | null = null;
    if (expiresText !== undefined) {
      lifetimeMs = parseDuration(expiresText);
      if (lifetimeMs === null) {
        throw new UsageError(
          `--expires must be a number and a unit s, m, h, d or w, such as 30d (got "${expiresText}")`,
          tokenCreateCommand,
        );
      }
    }
    return withServices(ctx.io, ctx.command, async (deps) => {
      const expiresAt = lifetimeMs === null ? null : new Date(deps.clock.now().getTime() + lifetimeMs);
      const { token, record } = await deps.services.tokens.createToken({
        actor: CLI_ACTOR,
        slug,
        name: ctx.text('name') ?? 'CLI token',
        scopes,
        expiresAt,
      });
      if (ctx.flag('json')) {
        const details = {
          id: record.id,
          organisation: slug,
          name: record.name,
          prefix: record.prefix,
          scopes: record.scopes,
          createdAt: record.created_at.toISOString(),
          expiresAt: record.expires_at ? record.expires_at.toISOString() : null,
          token,
        };
        ctx.io.out(`${JSON.stringify(details, null, 2)}\n`);
      } else {
        ctx.io.out(`${token}\n`);
      }
      return EXIT_OK;
    });
  },
});
