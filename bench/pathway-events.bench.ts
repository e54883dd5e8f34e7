import { argv } from 'node:process';
import { systemActor } from '../src/core/actor.ts';
import { buildTestApp } from '../test/helpers/app.ts';
import { createOrganisation } from '../test/helpers/credentials.ts';
import { insertDefinition } from '../test/helpers/definitions.ts';
import { type Session, signedInUser } from '../test/helpers/factories.ts';

/**
 * What automatic pathway completion adds to an issuance (docs/pathways.md, "Automatic completion"):
 *
 *   npm run bench:pathways                                    on PGlite
 *   TEST_DB=postgres TEST_DATABASE_URL=… npm run bench:pathways   on PostgreSQL
 *   npm run bench:pathways -- --pathways 50                   more pathways
 *
 * N published pathways (default 20) each ask for the same three components; 20 learners are issued, in turn,
 * a credential no pathway uses, then the three components. Reported: the mean time per issuance, listener
 * included (the last component completes every pathway and issues N pathway credentials per learner).
 */
const pathwaysArg = argv.indexOf('--pathways');
const pathwayCount = pathwaysArg >= 0 ? Number(argv[pathwaysArg + 1]) : 20;
const learnerCount = 20;
const system = systemActor('bench');

const ctx = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: '100000' } });
try {
  const { owner, slug, id: organisationId } = await createOrganisation(ctx, { prefix: 'bench-pathways' });
  const definitions = [];
  for (let i = 0; i < 4; i++) definitions.push(await insertDefinition(ctx, { organisationId }));
  const target = await insertDefinition(ctx, { organisationId });
  const components = definitions.slice(0, 3);
  for (let p = 0; p < pathwayCount; p++) {
    const created = await owner.request({
      method: 'POST',
      url: `/api/v1/orgs/${slug}/pathways`,
      payload: {
        content: {
          title: `Pathway ${p}`,
          target: { kind: 'definition', seriesId: target.seriesId },
          mustBeValidAtCompletion: true,
          root: {
            id: 'root',
            type: 'all',
            children: components.map((definition, index) => ({
              id: `c${index}`,
              type: 'component',
              seriesId: definition.seriesId,
            })),
          },
        },
      },
    });
    const id = (JSON.parse(created.body) as { pathway: { id: string } }).pathway.id;
    await owner.request({ method: 'POST', url: `/api/v1/orgs/${slug}/pathways/${id}/publish` });
  }
  const learners: Session[] = [];
  for (let u = 0; u < learnerCount; u++) learners.push(await signedInUser(ctx));
  const credentials = ctx.deps.services.credentials;
  const issueToAll = async (label: string, definitionId: string) => {
    const start = performance.now();
    for (const learner of learners) {
      await credentials.issueForDefinition({
        actor: system,
        definitionId,
        recipient: { email: learner.email },
        via: 'bulk',
        notifyRecipient: false,
      });
    }
    await credentials.whenEventsSettled();
    console.log(`${label}: ${((performance.now() - start) / learnerCount).toFixed(1)} ms per issuance`);
  };
  const unused = definitions[3]?.id ?? '';
  await issueToAll('warm-up', unused);
  await issueToAll('no pathway uses it', unused);
  await issueToAll(`first component of ${pathwayCount} pathways`, components[0]?.id ?? '');
  await issueToAll(`second component of ${pathwayCount} pathways`, components[1]?.id ?? '');
  await issueToAll(`last component: completes ${pathwayCount} pathways`, components[2]?.id ?? '');
} finally {
  await ctx.close();
}
