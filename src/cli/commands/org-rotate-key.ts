import { presentIssuerKey } from '../../modules/keys/keys.presenter.ts';
import { defineCommand, EXIT_OK } from '../command.ts';
import { CLI_ACTOR, withServices } from '../runtime.ts';

export const orgRotateKeyCommand = defineCommand({
  name: 'org rotate-key',
  summary:
    "Rotate an organisation's signing key: a new key signs from now on, the old one is retired but stays in the DID document.",
  positionals: [{ name: 'SLUG', description: "The organisation's slug", required: true }],
  options: { json: { type: 'boolean', description: 'Print JSON: the new key and the retired one' } },
  details: [
    'Credentials signed with the retired key keep verifying. Verifiers that cached the DID document see',
    'the new key within its cache lifetime (5 minutes).',
  ],
  examples: ['credstack org rotate-key acme'],
  async run(ctx) {
    const slug = ctx.arg('SLUG') as string;
    return withServices(ctx.io, ctx.command, async (deps) => {
      const { active, retired } = await deps.services.keys.rotateKey({ actor: CLI_ACTOR, slug });
      if (ctx.flag('json')) {
        const result = { key: presentIssuerKey(active), retiredKey: presentIssuerKey(retired) };
        ctx.io.out(`${JSON.stringify(result, null, 2)}\n`);
        return EXIT_OK;
      }
      ctx.io.out(
        [
          `Rotated the signing key of ${slug}.`,
          `  active   ${active.verificationMethod}`,
          `           publicKeyMultibase ${active.publicKeyMultibase}`,
          `  retired  ${retired.verificationMethod}`,
          '           (stays in the DID document: credentials signed with it still verify)',
          '',
        ].join('\n'),
      );
      return EXIT_OK;
    });
  },
});
