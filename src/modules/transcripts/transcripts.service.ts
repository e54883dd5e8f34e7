import type { Actor } from '../../core/actor.ts';
import type { Clock } from '../../core/clock.ts';
import { AppError } from '../../core/errors.ts';
import type { IdGenerator } from '../../core/ids.ts';
import { type AssociationInput, achievementOf, buildClrCredential } from '../../core/vc/clr.ts';
import { createDocumentLoader } from '../../core/vc/contexts.ts';
import { signCredential } from '../../core/vc/proofs.ts';
import type { Db } from '../../db/database.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { CredentialsService, HeldCredential } from '../credentials/credentials.service.ts';
import type { KeysService } from '../keys/keys.service.ts';
import type { OrganisationsService } from '../organisations/organisations.service.ts';
import type { PathwaysService } from '../pathways/pathways.service.ts';

type JsonObject = Record<string, unknown>;

export interface TranscriptsServiceDeps {
  db: Db;
  clock: Clock;
  ids: IdGenerator;
  audit: AuditService;
  organisations: Pick<OrganisationsService, 'findOrganisationById'>;
  keys: Pick<KeysService, 'issuerFor'>;
  credentials: Pick<CredentialsService, 'getMyCredential'>;
  pathways: Pick<PathwaysService, 'myCompletion'>;
}

/** More credentials than this in one transcript are refused (the verifier checks at most 50 too). */
export const MAX_TRANSCRIPT_CREDENTIALS = 50;

export interface IssuedTranscript {
  /** The signed ClrCredential. */
  clr: JsonObject;
  fileName: string;
}

/**
 * CLR 2.0 transcripts (1EdTech Comprehensive Learner Record): a signed ClrCredential that embeds a
 * learner's credentials unchanged, made on the learner's request.
 *
 * A transcript is issued — and signed with its key — by one organisation, which vouches for what it
 * contains: the credentials it issued that the learner chose, or, for a completed pathway of its own, the
 * pathway credential and the component credentials that counted (which may come from other issuers on this
 * server; each keeps its own proof and status). Credstack never signs as itself. Nothing is stored apart from
 * the audit event: the transcript adds no claim that is not in the embedded credentials and associations.
 */
export function createTranscriptsService(deps: TranscriptsServiceDeps) {
  const { clock, ids, audit, organisations, keys, credentials, pathways } = deps;
  const documentLoader = createDocumentLoader();

  /** A Data Integrity credential held by the actor, or a 422 saying why it cannot go into a transcript. */
  function embeddable(held: HeldCredential): JsonObject {
    if (typeof held.verifiableCredential === 'string') {
      throw AppError.validation(
        'A transcript embeds Data Integrity credentials; this one is secured as a JWT (vc+jwt)',
        [{ in: 'body', pointer: '/credentialIds', message: `${held.record.id} is a vc+jwt credential` }],
      );
    }
    return held.verifiableCredential;
  }

  async function sign(options: {
    actor: Actor & { kind: 'user' };
    organisationId: string;
    name: string;
    description: string;
    credentials: JsonObject[];
    credentialIds: string[];
    associations?: AssociationInput[];
    achievements?: JsonObject[];
    pathwayId: string | null;
  }): Promise<JsonObject> {
    return deps.db.transaction().execute(async (trx) => {
      const organisation = await organisations.findOrganisationById(options.organisationId, trx);
      if (!organisation) throw AppError.notFound('Organisation');
      const identity = await keys.issuerFor({ organisationId: organisation.id, trx });
      const id = ids();
      const unsigned = buildClrCredential({
        id: `urn:uuid:${id}`,
        name: options.name,
        description: options.description,
        issuer: {
          id: identity.issuer,
          name: organisation.name,
          ...(organisation.url ? { url: organisation.url } : {}),
        },
        validFrom: clock.now(),
        // The learner as this server knows them: a stable id per account, the same in every transcript.
        subjectId: `urn:uuid:${options.actor.userId}`,
        credentials: options.credentials,
        ...(options.achievements ? { achievements: options.achievements } : {}),
        ...(options.associations ? { associations: options.associations } : {}),
      });
      const signed = await signCredential({
        credential: unsigned,
        signer: identity.signer,
        cryptosuite: 'eddsa-rdfc-2022',
        created: clock.now(),
        documentLoader,
      });
      await audit.record(trx, {
        type: 'transcript.issued',
        actor: options.actor,
        organisationId: organisation.id,
        subject: { type: 'transcript', id },
        data: {
          userId: options.actor.userId,
          credentialIds: options.credentialIds,
          pathwayId: options.pathwayId,
          verificationMethod: identity.verificationMethod,
        },
      });
      return signed;
    });
  }

  function userActor(actor: Actor): Actor & { kind: 'user' } {
    if (actor.kind !== 'user') throw new AppError('unauthenticated', 'Sign in to make a transcript');
    return actor;
  }

  /**
   * A transcript of credentials the signed-in learner chose, all issued by one organisation (which signs it).
   * Unknown ids, and credentials the learner does not hold, are 404 like everywhere else.
   */
  async function issueTranscript(options: {
    actor: Actor;
    credentialIds: string[];
    name?: string;
  }): Promise<IssuedTranscript> {
    const actor = userActor(options.actor);
    const credentialIds = [...new Set(options.credentialIds)];
    if (credentialIds.length === 0) {
      throw AppError.validation('Choose at least one credential', [
        { in: 'body', pointer: '/credentialIds', message: 'is empty' },
      ]);
    }
    if (credentialIds.length > MAX_TRANSCRIPT_CREDENTIALS) {
      throw AppError.validation(`A transcript holds at most ${MAX_TRANSCRIPT_CREDENTIALS} credentials`);
    }
    const held: HeldCredential[] = [];
    for (const id of credentialIds) held.push(await credentials.getMyCredential({ actor, id }));
    const issuers = new Map(held.map((item) => [item.record.organisation_id, item.organisation.name]));
    if (issuers.size > 1) {
      throw AppError.validation(
        `A transcript is signed by the one organisation that issued its credentials; these come from ${issuers.size}: ${[...issuers.values()].join(', ')}. Make one transcript per issuer.`,
        [{ in: 'body', pointer: '/credentialIds', message: 'mixes issuers' }],
      );
    }
    const [organisationId, organisationName] = [...issuers.entries()][0] as [string, string];
    const embedded = held.map(embeddable);
    const name = options.name?.trim() || `Transcript from ${organisationName}`;
    const clr = await sign({
      actor,
      organisationId,
      name,
      description: `${embedded.length} credential${embedded.length === 1 ? '' : 's'} issued by ${organisationName}, chosen by the learner.`,
      credentials: embedded,
      credentialIds,
      pathwayId: null,
    });
    return { clr, fileName: 'transcript-clr.json' };
  }

  /**
   * The CLR view of the signed-in learner's completed pathway, signed by the pathway's organisation: the
   * pathway credential, then the component credentials that counted; each component achievement `isPartOf`
   * the pathway's, and a component that had to be earned first `precedes` the one that required it.
   * Components met by recognition of prior learning carry no credential of ours and appear only in the
   * pathway credential's evidence.
   */
  async function issuePathwayTranscript(options: {
    actor: Actor;
    pathwayId: string;
  }): Promise<IssuedTranscript> {
    const actor = userActor(options.actor);
    const { pathway, completion, prerequisites } = await pathways.myCompletion({
      actor,
      id: options.pathwayId,
    });
    if (completion?.status !== 'complete' || !completion.credential_id) {
      throw new AppError('invalid_state', 'The pathway is not completed', {
        detail: !completion
          ? 'A pathway transcript shows a completion: finish the pathway first (see …/progress)'
          : completion.status !== 'complete'
            ? 'This pathway completion is under review, so no transcript is made for it now'
            : 'This pathway issues no credential of its own, so there is no record to sign',
      });
    }
    const target = embeddable(await credentials.getMyCredential({ actor, id: completion.credential_id }));
    const targetAchievement = achievementOf(target);
    const embedded: JsonObject[] = [target];
    const credentialIds = [completion.credential_id];
    const achievementByNode = new Map<string, string>();
    for (const component of completion.components) {
      if (component.kind !== 'credential') continue;
      let held: HeldCredential;
      try {
        held = await credentials.getMyCredential({ actor, id: component.id });
      } catch (error) {
        // A component the learner no longer holds (e.g. the address it went to was removed) is left out.
        if (error instanceof AppError && error.code === 'not_found') continue;
        throw error;
      }
      if (typeof held.verifiableCredential === 'string') continue;
      embedded.push(held.verifiableCredential);
      credentialIds.push(component.id);
      const achievement = achievementOf(held.verifiableCredential);
      if (typeof achievement?.id === 'string') achievementByNode.set(component.componentId, achievement.id);
    }
    const associations: AssociationInput[] = [];
    if (typeof targetAchievement?.id === 'string') {
      for (const achievementId of new Set(achievementByNode.values())) {
        if (achievementId === targetAchievement.id) continue;
        associations.push({
          associationType: 'isPartOf',
          sourceId: achievementId,
          targetId: targetAchievement.id,
        });
      }
    }
    for (const { before, after } of prerequisites) {
      const earlier = achievementByNode.get(before);
      const later = achievementByNode.get(after);
      if (earlier && later && earlier !== later) {
        associations.push({ associationType: 'precedes', sourceId: earlier, targetId: later });
      }
    }
    const clr = await sign({
      actor,
      organisationId: pathway.organisation_id,
      name: `${pathway.title}: pathway record`,
      description: `The credentials that completed the pathway "${pathway.title}" (version ${pathway.version}) at ${pathway.organisation_name}.`,
      credentials: embedded,
      credentialIds,
      associations,
      pathwayId: pathway.pathway_id,
    });
    return { clr, fileName: 'pathway-clr.json' };
  }

  return { issueTranscript, issuePathwayTranscript };
}

export type TranscriptsService = ReturnType<typeof createTranscriptsService>;
