import assert from 'node:assert/strict';
import { systemActor } from '../../src/core/actor.ts';
import type { TestContext } from './app.ts';
import { insertDefinition, sampleDefinitionContent } from './definitions.ts';

/** A published, externally assessed definition of `organisationId`. */
export function insertExternalDefinition(
  ctx: TestContext,
  organisationId: string,
  options: { status?: 'draft' | 'published' | 'retired'; title?: string } = {},
) {
  return insertDefinition(ctx, {
    organisationId,
    status: options.status ?? 'published',
    content: sampleDefinitionContent({
      ...(options.title ? { title: options.title } : {}),
      assessment: { type: 'external', supervision: 'supervised-onsite-id', gradingScheme: 'A–F' },
    }),
  });
}

/**
 * Issues a credential for `definitionId` to `email` as the system, the way a bulk award does, without
 * mailing the recipient: what a learner holds before a test looks at pathways, transcripts or skills.
 */
export function awardCredential(
  ctx: TestContext,
  definitionId: string,
  email: string,
  options: { validFrom?: Date } = {},
) {
  return ctx.deps.services.credentials.issueForDefinition({
    actor: systemActor('test'),
    definitionId,
    recipient: { email },
    via: 'bulk',
    notifyRecipient: false,
    ...(options.validFrom ? { validFrom: options.validFrom } : {}),
  });
}

/**
 * `awardCredential` a day after whatever came before (the clock moves first): pathways' `requires` is
 * about the order of earning, so each award in a test is a distinct, later moment.
 */
export function awardADayLater(ctx: TestContext, definitionId: string, email: string) {
  ctx.clock.advance(86_400_000);
  return awardCredential(ctx, definitionId, email);
}

/**
 * Revokes, as the system and as "issued in error", the credential of the organisation `slug` that the
 * learner `userId` holds for `definitionId`: how a test takes back a component a pathway counted.
 */
export async function revokeHeldCredential(
  ctx: TestContext,
  options: { slug: string; userId: string; definitionId: string },
): Promise<void> {
  const held = await ctx.deps.services.credentials.listHeldCredentialsOf({ userId: options.userId });
  const credential = held.find((item) => item.record.definition_id === options.definitionId);
  assert.ok(credential, `the learner holds no credential for ${options.definitionId}`);
  await ctx.deps.services.credentials.revokeCredential({
    actor: systemActor('test'),
    slug: options.slug,
    id: credential.record.id,
    reason: 'issued in error',
  });
}
