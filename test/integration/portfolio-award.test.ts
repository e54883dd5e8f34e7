import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { systemActor } from '../../src/core/actor.ts';
import { AppError } from '../../src/core/errors.ts';
import { checkOpenBadgeShape } from '../../src/core/vc/open-badges.ts';
import type { AppDeps } from '../../src/deps.ts';
import { createCredentialsService } from '../../src/modules/credentials/credentials.service.ts';
import { buildTestApp, type TestContext } from '../helpers/app.ts';
import { createOrganisation, type LooseJson, memberWithRole } from '../helpers/credentials.ts';
import { signedInUser } from '../helpers/factories.ts';
import {
  body,
  buildPortfolioTestApp,
  publishedDefinitionWithRubric,
  submittedWork,
} from '../helpers/portfolio.ts';

/**
 * A pass through the real credentials module: the signed Open Badge carries the rubric results and the
 * submission as evidence, and is awarded once. The first test gives the credentials service a catalogue
 * adapter of its own (what src/deps.ts will do); the second uses src/deps.ts as wired.
 */

const contexts: TestContext[] = [];

after(async () => {
  for (const context of contexts) await context.close();
});

/** The credentials service of `deps`, rebuilt with a minimal catalogue adapter: the achievement from the row. */
function credentialsWithCatalogue(deps: AppDeps) {
  const services = deps.services;
  return createCredentialsService({
    db: deps.database.db,
    clock: deps.clock,
    ids: deps.ids,
    config: deps.config,
    audit: services.audit,
    mail: services.mail,
    organisations: services.organisations,
    keys: services.keys,
    accounts: services.accounts,
    definitions: {
      definitionForIssuing: async ({ definitionId, trx }) => {
        const record = await services.catalogue.getDefinitionRecord({ definitionId, trx });
        if (!record) return null;
        return {
          organisationId: record.organisationId,
          status: record.status,
          source: record.source,
          title: record.title,
          achievement: {
            id: record.uri,
            name: record.title,
            description: record.content.description ?? record.title,
            criteria: { narrative: record.content.criteria?.narrative ?? 'Pass the rubric.' },
          },
          validityMonths: record.content.validity?.months ?? null,
        };
      },
    },
  });
}

async function passAndCheck(context: TestContext): Promise<void> {
  const { owner, slug, id: organisationId } = await createOrganisation(context, { prefix: 'award' });
  const assessor = await memberWithRole(context, slug, 'assessor');
  const definitionId = await publishedDefinitionWithRubric(context, owner, slug, organisationId);
  const learner = await signedInUser(context, { name: 'Real Learner' });
  const id = await submittedWork(learner, definitionId);
  const marked = await assessor.request({
    method: 'POST',
    url: `/api/v1/orgs/${slug}/portfolio/submissions/${id}/marks`,
    payload: {
      levels: [
        { criterionId: 'retrieval', levelId: 'excellent' },
        { criterionId: 'evaluation', levelId: 'competent' },
      ],
      feedback: 'Well done.',
    },
  });
  assert.equal(marked.statusCode, 200, marked.body);
  const submission = body(marked).submission;
  assert.equal(submission.status, 'passed');
  const rows = await context.deps.database.db
    .selectFrom('credentials')
    .selectAll()
    .where('award_key', '=', `submission:${id}`)
    .execute();
  assert.equal(rows.length, 1);
  const row = rows[0]!;
  assert.equal(row.id, submission.credentialId);
  assert.equal(row.definition_id, definitionId);
  assert.equal(row.recipient_email, learner.email.toLowerCase());
  const vc = JSON.parse(row.document) as LooseJson;
  assert.deepEqual(checkOpenBadgeShape(vc), []);
  const results = vc.credentialSubject.result as LooseJson[];
  assert.equal(results.length, 3);
  assert.equal(results[0]?.value, '5');
  assert.equal(results[0]?.status, 'Completed');
  assert.match(results[1]?.achievedLevel, /#criterion-retrieval-level-excellent$/);
  assert.match(JSON.stringify(vc.evidence), new RegExp(`/api/v1/me/portfolio/submissions/${id}`));
}

test('through the real credentials module, with a catalogue adapter of the test’s own', async () => {
  const context = await buildPortfolioTestApp((deps) => credentialsWithCatalogue(deps));
  contexts.push(context);
  await passAndCheck(context);
});

let wired = false;
let wiredContext: TestContext;
before(async () => {
  wiredContext = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: '100000' } });
  contexts.push(wiredContext);
  try {
    await wiredContext.deps.services.credentials.issueForDefinition({
      actor: systemActor('probe'),
      definitionId: randomUUID(),
      recipient: { email: 'probe@example.test' },
      via: 'assessment',
    });
  } catch (error) {
    // Without the catalogue port the credentials service throws a plain Error; wired, it answers not_found.
    wired = error instanceof AppError;
  }
});

test('through the wiring in src/deps.ts', async (t) => {
  if (!wired) {
    t.skip('credentials.issueForDefinition is not wired to the catalogue in src/deps.ts yet');
    return;
  }
  await passAndCheck(wiredContext);
});
