import { defineCommand, EXIT_OK } from '../command.ts';
import { CLI_ACTOR, withServices } from '../runtime.ts';

export const orgShowCommand = defineCommand({
  name: 'org show',
  summary:
    "Show an organisation's issuer identity: its did:web and did:key, and every verification method it signs or signed with.",
  positionals: [{ name: 'SLUG', description: "The organisation's slug", required: true }],
  options: {
    json: {
      type: 'boolean',
      description: 'Print JSON: slug, name, dids, verificationMethods and didDocumentUrl',
    },
  },
  details: [
    'Retired keys stay in the DID document, so credentials signed before a rotation keep verifying.',
    'Only public keys are shown; private keys never leave the server.',
  ],
  examples: ['credstack org show acme', 'credstack org show acme --json'],
  async run(ctx) {
    const slug = ctx.arg('SLUG') as string;
    return withServices(ctx.io, ctx.command, async (deps) => {
      const identity = await deps.services.keys.describeOrganisation({ actor: CLI_ACTOR, slug });
      const didDocumentUrl = `${deps.config.publicUrl.href.replace(/\/$/, '')}/orgs/${identity.slug}/did.json`;
      if (ctx.flag('json')) {
        ctx.io.out(`${JSON.stringify({ ...identity, didDocumentUrl }, null, 2)}\n`);
        return EXIT_OK;
      }
      const lines = [
        `${identity.name} (${identity.slug})`,
        '',
        `did:web  ${identity.dids.web}`,
        `         published at ${didDocumentUrl}`,
        `did:key  ${identity.dids.key}`,
        '',
        'Verification methods (Multikey, Ed25519):',
      ];
      for (const method of identity.verificationMethods) {
        const dates =
          method.retiredAt === null
            ? `created ${method.createdAt}`
            : `created ${method.createdAt}, retired ${method.retiredAt}`;
        lines.push(
          `  ${method.id}`,
          `    ${method.status.padEnd(7)}  ${dates}`,
          `    publicKeyMultibase ${method.publicKeyMultibase}`,
        );
      }
      ctx.io.out(`${lines.join('\n')}\n`);
      return EXIT_OK;
    });
  },
});
