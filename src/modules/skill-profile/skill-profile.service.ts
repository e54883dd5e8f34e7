import type { Actor } from '../../core/actor.ts';
import type { Clock } from '../../core/clock.ts';
import { AppError, type FieldProblem } from '../../core/errors.ts';
import { type IdGenerator, isUuid } from '../../core/ids.ts';
import { optionalBodyText } from '../../core/text-fields.ts';
import type { Db } from '../../db/database.ts';
import {
  type RoleProfileRow,
  type RoleProfileSkill,
  SKILL_IMPORTANCES,
  type SkillImportance,
} from '../../db/tables/skill-profiles.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { CatalogueService } from '../catalogue/catalogue.service.ts';
import type { DefinitionContent } from '../catalogue/definition.model.ts';
import type { CredentialsService } from '../credentials/credentials.service.ts';
import {
  type LearningPath,
  PATH_OBJECTIVES,
  type PathBudget,
  type PathFilters,
  type PathObjective,
} from '../learning-path/path.model.ts';
import type { OrganisationsService } from '../organisations/organisations.service.ts';
import type { ResolvedSkill, SkillsService } from '../skills/skills.service.ts';
import {
  alignmentsOf,
  analyse,
  credentialPayload,
  credentialState,
  dedupeTarget,
  type GapResult,
  gapSkillsForPath,
  type ProfileSkill,
  type SkillSource,
  statusOf,
  type TargetSkill,
} from './gap.ts';
import type { LearningPathPort, PathwaySkillsPort, SkillExtractionPort } from './skill-profile.ports.ts';
import { createSkillProfileRepository, type RoleProfileOwner } from './skill-profile.repository.ts';

export interface SkillProfileServiceDeps {
  db: Db;
  clock: Clock;
  ids: IdGenerator;
  audit: AuditService;
  organisations: Pick<OrganisationsService, 'requireAccess' | 'findOrganisationById'>;
  accounts: { findUserById(userId: string, trx?: Db): Promise<{ id: string } | undefined> };
  credentials: Pick<CredentialsService, 'listHeldCredentialsOf'>;
  catalogue: Pick<CatalogueService, 'getDefinitionRecords'>;
  skills: Pick<SkillsService, 'resolveSkills' | 'getOccupation' | 'relatedSkills'>;
  extraction: SkillExtractionPort;
  learningPath: LearningPathPort;
  /** Pathway gap targets; without it (some tests) they answer 422. */
  pathways?: PathwaySkillsPort;
}

export interface SkillProfile {
  userId: string;
  /** Verified first, then expired, then declared; alphabetical within each. */
  skills: ProfileSkill[];
  /** Series ids of catalogue definitions the learner holds an active credential for. */
  heldSeriesIds: string[];
  /** Credentials that count (active or expired); revoked and suspended ones are left out. */
  credentialCount: number;
}

export type GapTarget =
  | { kind: 'text'; text: string }
  | { kind: 'occupation'; uri: string }
  | { kind: 'role-profile'; id: string }
  | { kind: 'skills'; uris: string[] }
  | { kind: 'pathway'; id: string };

export interface GapAnalysis extends GapResult {
  userId: string;
  target: { kind: GapTarget['kind']; label: string; uri: string | null };
  /** For text targets: how the extractor read the text. */
  extraction: { method: string; truncated: boolean; sentenceCount: number } | null;
}

export interface RoleProfileView {
  row: RoleProfileRow;
  organisationSlug: string | null;
  skills: Array<RoleProfileSkill & { label: string; framework: string | null }>;
}

export interface RoleProfileInput {
  name: string;
  description?: string | null;
  public?: boolean;
  skills: RoleProfileSkill[];
}

export type RoleProfileScope = { kind: 'user' } | { kind: 'organisation'; slug: string };

const MAX_DECLARED = 500;
const MAX_ROLE_PROFILES = 500;
const MAX_PROFILE_SKILLS = 200;
const MAX_TARGET_URIS = 200;
const MAX_NAME = 200;
const MAX_DESCRIPTION = 2000;
const MAX_TEXT = 200_000;
/** Extracted skills handed to the gap: more would dilute coverage with weak matches. */
const EXTRACT_LIMIT = 25;
/** An extracted skill this sure (its label said nearly whole, or asked for repeatedly) is essential; below, optional. */
const ESSENTIAL_CONFIDENCE = 0.9;

function badTarget(detail: string, pointer: string, message: string): AppError {
  return AppError.validation(detail, [{ in: 'body', pointer: `/target${pointer}`, message }]);
}

function skillRefsOf(content: DefinitionContent): Array<{ uri: string; label: string | null }> {
  const refs = new Map<string, string | null>();
  for (const skill of [
    ...(content.skills ?? []),
    ...(content.learningOutcomes ?? []).flatMap((outcome) => outcome.skills ?? []),
  ]) {
    if (!refs.has(skill.uri) || refs.get(skill.uri) === null) refs.set(skill.uri, skill.label ?? null);
  }
  return [...refs].map(([uri, label]) => ({ uri, label }));
}

const STATUS_ORDER = { verified: 0, expired: 1, declared: 2 } as const;

/**
 * A learner's skills from their credentials (expiry-aware) and their own declarations, saved role
 * profiles, gap analysis against a target, and the learning path that closes the gap (through the
 * learning-path port). Reads other modules only through their services and the two ports.
 */
export function createSkillProfileService(deps: SkillProfileServiceDeps) {
  const repo = createSkillProfileRepository();
  const { clock, ids, audit, organisations, skills } = deps;

  function transaction<T>(work: (trx: Db) => Promise<T>): Promise<T> {
    return deps.db.transaction().execute(work);
  }

  /** Whose profile: the signed-in user's own; another user's only for the system (CLI) and platform admins. */
  async function learnerOf(actor: Actor, userId: string | undefined, db: Db): Promise<string> {
    if (actor.kind === 'anonymous') throw new AppError('unauthenticated', 'Sign in to see your skills');
    if (actor.kind === 'token') throw AppError.notFound('Learner');
    const wanted = userId ?? (actor.kind === 'user' ? actor.userId : undefined);
    if (wanted === undefined) {
      throw AppError.validation('Name the learner', [
        { in: 'body', pointer: '/userId', message: 'is required' },
      ]);
    }
    const mayNameOthers = actor.kind === 'system' || actor.isPlatformAdmin;
    if (actor.kind === 'user' && wanted !== actor.userId && !mayNameOthers)
      throw AppError.notFound('Learner');
    if (!isUuid(wanted) || !(await deps.accounts.findUserById(wanted, db)))
      throw AppError.notFound('Learner');
    return wanted;
  }

  async function buildProfile(db: Db, userId: string): Promise<SkillProfile> {
    const now = clock.now();
    const held = (await deps.credentials.listHeldCredentialsOf({ userId, trx: db }))
      .map((credential) => ({ credential, state: credentialState(credential.record, now) }))
      .filter(
        (entry): entry is typeof entry & { state: NonNullable<typeof entry.state> } => entry.state !== null,
      );
    // Every definition version in one read (re-awards and renewals share one).
    const definitions = await deps.catalogue.getDefinitionRecords({
      definitionIds: held.flatMap(({ credential }) => credential.record.definition_id ?? []),
      trx: db,
    });
    const alignments = new Map(
      held.map(({ credential }) => [
        credential.record.id,
        alignmentsOf(credentialPayload(credential.verifiableCredential)),
      ]),
    );
    const declared = await repo.listDeclared(db, userId);
    // One lookup for every URI that may name a skill: an alignment's targetCode is taken over its
    // targetUrl only when the registry knows the code and not the URL.
    const resolved = await skills.resolveSkills({
      uris: [
        ...new Set([
          ...[...definitions.values()].flatMap((definition) =>
            skillRefsOf(definition.content).map((r) => r.uri),
          ),
          ...[...alignments.values()].flat().flatMap((alignment) => alignment.uris),
          ...declared.map((row) => row.skill_uri),
        ]),
      ],
      trx: db,
    });
    const sources = new Map<string, SkillSource[]>();
    const fallbackLabels = new Map<string, string>();
    const heldSeries = new Set<string>();
    const add = (uri: string, label: string | null, source: SkillSource) => {
      const list = sources.get(uri) ?? [];
      list.push(source);
      sources.set(uri, list);
      if (label && !fallbackLabels.has(uri)) fallbackLabels.set(uri, label);
    };
    for (const { credential, state } of held) {
      const base = {
        kind: 'credential' as const,
        credentialId: credential.record.id,
        title: credential.record.achievement_name ?? credential.record.name ?? 'Credential',
        issuer: credential.organisation.name,
        state,
        validUntil: credential.record.valid_until,
      };
      const seen = new Set<string>();
      const definitionId = credential.record.definition_id;
      const definition = definitionId ? definitions.get(definitionId) : undefined;
      if (definition) {
        if (state === 'active') heldSeries.add(definition.seriesId);
        for (const ref of skillRefsOf(definition.content)) {
          seen.add(ref.uri);
          add(ref.uri, ref.label, { ...base, via: 'definition' });
        }
      }
      // The signed document's own alignments (the achievement's, its result descriptions' and the
      // results') count too: the only source for credentials issued without a definition, and a complement
      // for those with one.
      for (const alignment of alignments.get(credential.record.id) ?? []) {
        const uri = alignment.uris.find((candidate) => resolved.has(candidate)) ?? alignment.uris[0]!;
        if (seen.has(uri)) continue;
        seen.add(uri);
        add(uri, alignment.label, { ...base, via: 'alignment' });
      }
    }
    for (const row of declared) {
      add(row.skill_uri, null, { kind: 'declared', declaredAt: row.created_at });
    }
    const profileSkills: ProfileSkill[] = [...sources].map(([uri, list]) => ({
      uri,
      label: resolved.get(uri)?.label ?? fallbackLabels.get(uri) ?? uri,
      framework: resolved.get(uri)?.framework ?? null,
      status: statusOf(list),
      sources: list,
    }));
    profileSkills.sort(
      (a, b) =>
        STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
        a.label.localeCompare(b.label, 'en') ||
        a.uri.localeCompare(b.uri),
    );
    return {
      userId,
      skills: profileSkills,
      heldSeriesIds: [...heldSeries].sort(),
      credentialCount: held.length,
    };
  }

  /** The learner's skills: verified by credentials (active or expired) and self-declared (unverified). */
  async function getProfile(options: { actor: Actor; userId?: string }): Promise<SkillProfile> {
    const userId = await learnerOf(options.actor, options.userId, deps.db);
    return buildProfile(deps.db, userId);
  }

  // Declared skills -------------------------------------------------------------------------------------

  function requireSelf(actor: Actor): string {
    if (actor.kind !== 'user') throw new AppError('unauthenticated', 'Sign in to use your skill profile');
    return actor.userId;
  }

  /** Declares a skill the store knows. Declaring it again changes nothing and records nothing. */
  async function declareSkill(options: { actor: Actor; skillUri: string }): Promise<SkillProfile> {
    const userId = requireSelf(options.actor);
    const uri = options.skillUri.trim();
    return transaction(async (trx) => {
      const known = await skills.resolveSkills({ uris: [uri], trx });
      if (!known.has(uri)) {
        throw AppError.validation('This skill is not in any imported framework or organisation', [
          { in: 'body', pointer: '/skillUri', message: 'is not a known skill' },
        ]);
      }
      if ((await repo.countDeclared(trx, userId)) >= MAX_DECLARED) {
        throw AppError.validation(`At most ${MAX_DECLARED} declared skills; remove some first`, [
          { in: 'body', pointer: '/skillUri', message: `at most ${MAX_DECLARED} declared skills` },
        ]);
      }
      const added = await repo.insertDeclared(trx, {
        user_id: userId,
        skill_uri: uri,
        created_at: clock.now(),
      });
      if (added) {
        await audit.record(trx, {
          type: 'declared_skill.added',
          actor: options.actor,
          organisationId: null,
          subject: { type: 'user', id: userId },
          data: { skillUri: uri },
        });
      }
      return buildProfile(trx, userId);
    });
  }

  /** Removes a declared skill; 404 when it was not declared. */
  async function removeDeclaredSkill(options: { actor: Actor; skillUri: string }): Promise<void> {
    const userId = requireSelf(options.actor);
    await transaction(async (trx) => {
      if (!(await repo.deleteDeclared(trx, userId, options.skillUri)))
        throw AppError.notFound('Declared skill');
      await audit.record(trx, {
        type: 'declared_skill.removed',
        actor: options.actor,
        organisationId: null,
        subject: { type: 'user', id: userId },
        data: { skillUri: options.skillUri },
      });
    });
  }

  // Role profiles ---------------------------------------------------------------------------------------

  async function labelled(
    db: Db,
    row: RoleProfileRow,
    organisationSlug: string | null,
  ): Promise<RoleProfileView> {
    const resolved = await skills.resolveSkills({ uris: row.skills.map((skill) => skill.uri), trx: db });
    return {
      row,
      organisationSlug,
      skills: row.skills.map((skill) => ({
        ...skill,
        label: resolved.get(skill.uri)?.label ?? skill.uri,
        framework: resolved.get(skill.uri)?.framework ?? null,
      })),
    };
  }

  /** The owner a scope stands for, after the permission check (`write`: skills:manage, else definitions:read). */
  async function ownerOf(
    actor: Actor,
    scope: RoleProfileScope,
    write: boolean,
    trx: Db,
  ): Promise<{ owner: RoleProfileOwner; organisationId: string | null; slug: string | null }> {
    if (scope.kind === 'user') {
      if (actor.kind !== 'user') throw new AppError('unauthenticated', 'Sign in to use your role profiles');
      return { owner: { userId: actor.userId }, organisationId: null, slug: null };
    }
    const { organisation } = await organisations.requireAccess({
      actor,
      slug: scope.slug,
      permission: write ? 'skills:manage' : 'definitions:read',
      trx,
      lock: write,
    });
    return {
      owner: { organisationId: organisation.id },
      organisationId: organisation.id,
      slug: organisation.slug,
    };
  }

  function ownedBy(row: RoleProfileRow, owner: RoleProfileOwner): boolean {
    return 'userId' in owner
      ? row.owner_user_id === owner.userId
      : row.organisation_id === owner.organisationId;
  }

  function checkText(value: string, pointer: string, max: number): string {
    const text = typeof value === 'string' ? value.trim() : '';
    if (text.length === 0 || text.length > max) {
      throw AppError.validation(`${pointer.slice(1)} must be 1 to ${max} characters`, [
        { in: 'body', pointer, message: `must be 1 to ${max} characters` },
      ]);
    }
    return text;
  }

  function checkDescription(value: string | null | undefined): string | null {
    return optionalBodyText(value, { name: 'description', pointer: '/description', max: MAX_DESCRIPTION });
  }

  /** Each skill named once, with a known URI and importance; 1 to MAX_PROFILE_SKILLS of them. */
  async function checkSkills(trx: Db, list: readonly RoleProfileSkill[]): Promise<RoleProfileSkill[]> {
    if (list.length === 0 || list.length > MAX_PROFILE_SKILLS) {
      throw AppError.validation(`A role profile names 1 to ${MAX_PROFILE_SKILLS} skills`, [
        { in: 'body', pointer: '/skills', message: `must have 1 to ${MAX_PROFILE_SKILLS} items` },
      ]);
    }
    const known = await skills.resolveSkills({ uris: list.map((skill) => skill.uri), trx });
    const problems: FieldProblem[] = [];
    const seen = new Set<string>();
    list.forEach((skill, index) => {
      if (!SKILL_IMPORTANCES.includes(skill.importance)) {
        problems.push({
          in: 'body',
          pointer: `/skills/${index}/importance`,
          message: 'must be essential or optional',
        });
      }
      if (seen.has(skill.uri))
        problems.push({ in: 'body', pointer: `/skills/${index}/uri`, message: 'is named twice' });
      else if (!known.has(skill.uri)) {
        problems.push({ in: 'body', pointer: `/skills/${index}/uri`, message: 'is not a known skill' });
      }
      seen.add(skill.uri);
    });
    if (problems.length > 0) {
      throw AppError.validation(
        `skills${problems[0]?.pointer.slice('/skills'.length).replaceAll('/', '.')} ${problems[0]?.message}`,
        problems,
      );
    }
    return list.map((skill) => ({ uri: skill.uri, importance: skill.importance }));
  }

  function checkPublic(scope: RoleProfileScope, value: boolean | undefined): boolean {
    if (value === true && scope.kind === 'user') {
      throw AppError.validation('Only organisation role profiles can be public', [
        { in: 'body', pointer: '/public', message: 'only organisation role profiles can be public' },
      ]);
    }
    return value === true;
  }

  async function listRoleProfiles(options: {
    actor: Actor;
    scope: RoleProfileScope;
  }): Promise<RoleProfileView[]> {
    return transaction(async (trx) => {
      const { owner, slug } = await ownerOf(options.actor, options.scope, false, trx);
      const rows = await repo.listRoleProfiles(trx, owner, MAX_ROLE_PROFILES);
      const views: RoleProfileView[] = [];
      for (const row of rows) views.push(await labelled(trx, row, slug));
      return views;
    });
  }

  /** What a learner can pick as a target: their own role profiles and the public ones, by name. */
  async function listTargetRoleProfiles(options: {
    actor: Actor;
  }): Promise<Array<{ id: string; name: string; mine: boolean }>> {
    const userId = requireSelf(options.actor);
    const rows = await repo.listTargetRoleProfiles(deps.db, userId, MAX_ROLE_PROFILES);
    return rows.map((row) => ({ id: row.id, name: row.name, mine: row.owner_user_id === userId }));
  }

  async function getRoleProfile(options: {
    actor: Actor;
    scope: RoleProfileScope;
    id: string;
  }): Promise<RoleProfileView> {
    return transaction(async (trx) => {
      const { owner, slug } = await ownerOf(options.actor, options.scope, false, trx);
      const row = isUuid(options.id) ? await repo.findRoleProfile(trx, options.id) : undefined;
      if (!row || !ownedBy(row, owner)) throw AppError.notFound('Role profile');
      return labelled(trx, row, slug);
    });
  }

  async function createRoleProfile(options: {
    actor: Actor;
    scope: RoleProfileScope;
    input: RoleProfileInput;
  }): Promise<RoleProfileView> {
    const { input } = options;
    const name = checkText(input.name, '/name', MAX_NAME);
    const description = checkDescription(input.description);
    const isPublic = checkPublic(options.scope, input.public);
    return transaction(async (trx) => {
      const { owner, organisationId, slug } = await ownerOf(options.actor, options.scope, true, trx);
      const profileSkills = await checkSkills(trx, input.skills);
      if ((await repo.countRoleProfiles(trx, owner)) >= MAX_ROLE_PROFILES) {
        throw AppError.validation(`At most ${MAX_ROLE_PROFILES} role profiles; delete some first`);
      }
      const now = clock.now();
      const actor = options.actor;
      const row = await repo.insertRoleProfile(trx, {
        id: ids(),
        owner_user_id: 'userId' in owner ? owner.userId : null,
        organisation_id: organisationId,
        name,
        description,
        is_public: isPublic,
        skills: profileSkills,
        created_by_type: actor.kind,
        created_by_id:
          actor.kind === 'user'
            ? actor.userId
            : actor.kind === 'token'
              ? actor.tokenId
              : actor.kind === 'system'
                ? actor.reason
                : null,
        created_at: now,
        updated_at: now,
      });
      await audit.record(trx, {
        type: 'role_profile.created',
        actor,
        organisationId,
        subject: { type: 'role_profile', id: row.id },
        data: {
          name,
          owner: organisationId ? 'organisation' : 'user',
          skills: profileSkills.length,
          public: isPublic,
        },
      });
      return labelled(trx, row, slug);
    });
  }

  /** Changes the given fields; `skills` replaces the list. Changing nothing records nothing. */
  async function updateRoleProfile(options: {
    actor: Actor;
    scope: RoleProfileScope;
    id: string;
    changes: Partial<RoleProfileInput>;
  }): Promise<RoleProfileView> {
    const { changes } = options;
    return transaction(async (trx) => {
      const { owner, organisationId, slug } = await ownerOf(options.actor, options.scope, true, trx);
      const row = isUuid(options.id) ? await repo.lockRoleProfile(trx, options.id) : undefined;
      if (!row || !ownedBy(row, owner)) throw AppError.notFound('Role profile');
      const next: {
        name?: string;
        description?: string | null;
        is_public?: boolean;
        skills?: RoleProfileSkill[];
      } = {};
      if (changes.name !== undefined) next.name = checkText(changes.name, '/name', MAX_NAME);
      if (changes.description !== undefined) next.description = checkDescription(changes.description);
      if (changes.public !== undefined) next.is_public = checkPublic(options.scope, changes.public);
      if (changes.skills !== undefined) next.skills = await checkSkills(trx, changes.skills);
      const fields = Object.entries(next)
        .filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(row[key as keyof RoleProfileRow]))
        .map(([key]) => (key === 'is_public' ? 'public' : key))
        .sort();
      if (fields.length === 0) return labelled(trx, row, slug);
      const updated = await repo.updateRoleProfile(trx, row.id, { ...next, updated_at: clock.now() });
      await audit.record(trx, {
        type: 'role_profile.updated',
        actor: options.actor,
        organisationId,
        subject: { type: 'role_profile', id: row.id },
        data: { fields, skills: updated.skills.length },
      });
      return labelled(trx, updated, slug);
    });
  }

  async function deleteRoleProfile(options: {
    actor: Actor;
    scope: RoleProfileScope;
    id: string;
  }): Promise<void> {
    await transaction(async (trx) => {
      const { owner, organisationId } = await ownerOf(options.actor, options.scope, true, trx);
      const row = isUuid(options.id) ? await repo.lockRoleProfile(trx, options.id) : undefined;
      if (!row || !ownedBy(row, owner)) throw AppError.notFound('Role profile');
      await repo.deleteRoleProfile(trx, row.id);
      await audit.record(trx, {
        type: 'role_profile.deleted',
        actor: options.actor,
        organisationId,
        subject: { type: 'role_profile', id: row.id },
        data: { name: row.name },
      });
    });
  }

  /**
   * A role profile the actor may analyse against: the learner's own, a public one, or one of an
   * organisation where the actor may read definitions. Anything else is 404.
   */
  async function visibleRoleProfile(actor: Actor, learnerId: string, id: string): Promise<RoleProfileRow> {
    const row = isUuid(id) ? await repo.findRoleProfile(deps.db, id) : undefined;
    if (!row) throw AppError.notFound('Role profile');
    if (row.owner_user_id !== null) {
      if (row.owner_user_id === learnerId || actor.kind === 'system') return row;
      throw AppError.notFound('Role profile');
    }
    if (row.is_public || row.organisation_id === null) return row;
    const organisation = await organisations.findOrganisationById(row.organisation_id, deps.db);
    if (!organisation) throw AppError.notFound('Role profile');
    try {
      await organisations.requireAccess({ actor, slug: organisation.slug, permission: 'definitions:read' });
    } catch (error) {
      if (error instanceof AppError && (error.code === 'not_found' || error.code === 'forbidden')) {
        throw AppError.notFound('Role profile');
      }
      throw error;
    }
    return row;
  }

  // Gap analysis ----------------------------------------------------------------------------------------

  async function targetSkillsOf(
    actor: Actor,
    learnerId: string,
    target: GapTarget,
  ): Promise<{
    skills: TargetSkill[];
    label: string;
    uri: string | null;
    extraction: GapAnalysis['extraction'];
  }> {
    switch (target.kind) {
      case 'text': {
        const text = typeof target.text === 'string' ? target.text.trim() : '';
        if (text.length === 0) throw badTarget('The job text is empty', '/text', 'is empty');
        if (text.length > MAX_TEXT) {
          throw badTarget(
            `The job text must be at most ${MAX_TEXT} characters`,
            '/text',
            `must be at most ${MAX_TEXT} characters`,
          );
        }
        const extraction = await deps.extraction.extractSkills({ actor, text, limit: EXTRACT_LIMIT });
        return {
          skills: extraction.skills.map((skill) => ({
            uri: skill.uri,
            label: skill.label,
            importance: skill.confidence >= ESSENTIAL_CONFIDENCE ? 'essential' : 'optional',
          })),
          label: 'Job text',
          uri: null,
          extraction: {
            method: extraction.method,
            truncated: extraction.truncated,
            sentenceCount: extraction.sentenceCount,
          },
        };
      }
      case 'occupation': {
        const detail = await skills.getOccupation({ uri: target.uri });
        return {
          skills: detail.skills
            .filter((skill) => skill.type !== 'skill-group' && skill.type !== 'technology-class')
            .map((skill) => ({
              uri: skill.uri,
              label: skill.preferred_label,
              // O*NET names technologies without a relation; Hot Technology / In Demand ones matter most.
              importance:
                skill.relation === 'essential' ||
                (skill.relation === 'technology' && (skill.relation_hot || skill.relation_in_demand))
                  ? 'essential'
                  : 'optional',
            })),
          label: detail.occupation.preferred_label,
          uri: detail.occupation.uri,
          extraction: null,
        };
      }
      case 'role-profile': {
        const row = await visibleRoleProfile(actor, learnerId, target.id);
        const view = await labelled(deps.db, row, null);
        return {
          skills: view.skills.map((skill) => ({
            uri: skill.uri,
            label: skill.label,
            importance: skill.importance,
          })),
          label: row.name,
          uri: null,
          extraction: null,
        };
      }
      case 'skills': {
        const uris = [...new Set(target.uris.map((uri) => uri.trim()))];
        if (uris.length > MAX_TARGET_URIS) {
          throw badTarget(
            `At most ${MAX_TARGET_URIS} skills`,
            '/uris',
            `must have at most ${MAX_TARGET_URIS} items`,
          );
        }
        const resolved = await skills.resolveSkills({ uris });
        const unknown = uris.filter((uri) => !resolved.has(uri));
        if (unknown.length > 0 && unknown.length < uris.length) {
          throw AppError.validation(
            `Unknown skill${unknown.length === 1 ? '' : 's'}: ${unknown.slice(0, 5).join(', ')}`,
            unknown.map((uri) => ({
              in: 'body',
              pointer: `/target/uris/${target.uris.findIndex((given) => given.trim() === uri)}`,
              message: 'is not a known skill',
            })),
          );
        }
        return {
          skills: uris
            .map((uri) => resolved.get(uri))
            .filter((skill): skill is ResolvedSkill => skill !== undefined)
            .map((skill) => ({
              uri: skill.uri,
              label: skill.label,
              importance: 'essential' as SkillImportance,
            })),
          label: 'Skills',
          uri: null,
          extraction: null,
        };
      }
      case 'pathway': {
        if (deps.pathways) {
          // The skills of the components still to earn: what the learner has counted is not a gap.
          const remaining = await deps.pathways.remainingSkillsOf({ userId: learnerId, id: target.id });
          const resolved = await skills.resolveSkills({ uris: remaining.skillUris });
          return {
            skills: remaining.skillUris
              .map((uri) => resolved.get(uri))
              .filter((skill): skill is ResolvedSkill => skill !== undefined)
              .map((skill) => ({
                uri: skill.uri,
                label: skill.label,
                importance: 'essential' as SkillImportance,
              })),
            label: remaining.label,
            uri: remaining.uri,
            extraction: null,
          };
        }
        throw new AppError('validation_failed', 'Pathway targets are not available yet', {
          detail:
            'Gap analysis against a pathway arrives with pathways (issue 6). Use a job text, an occupation, a role profile or a list of skills.',
          fields: [{ in: 'body', pointer: '/target/kind', message: 'pathway targets are not available yet' }],
        });
      }
      default:
        throw badTarget('Unknown target kind', '/kind', 'must be text, occupation, role-profile or skills');
    }
  }

  /** The fields the target's kind needs, present and of the right type (the HTTP schema allows them all). */
  function checkTarget(target: GapTarget): void {
    const given = target as Partial<Record<'text' | 'uri' | 'id' | 'uris', unknown>>;
    const need = (field: 'text' | 'uri' | 'id' | 'uris', ok: boolean, what: string) => {
      if (!ok) throw badTarget(`A ${target.kind} target needs ${what}`, `/${field}`, 'is required');
    };
    if (target.kind === 'text') need('text', typeof given.text === 'string', 'the text');
    if (target.kind === 'occupation') need('uri', typeof given.uri === 'string', 'the occupation URI');
    if (target.kind === 'role-profile') need('id', typeof given.id === 'string', 'the role profile id');
    if (target.kind === 'pathway') need('id', typeof given.id === 'string', 'the pathway id');
    if (target.kind === 'skills') {
      need('uris', Array.isArray(given.uris) && given.uris.length > 0, 'at least one skill URI');
    }
  }

  async function gapOf(
    actor: Actor,
    userId: string | undefined,
    target: GapTarget,
  ): Promise<{ gap: GapAnalysis; profile: SkillProfile }> {
    checkTarget(target);
    const learnerId = await learnerOf(actor, userId, deps.db);
    const wanted = await targetSkillsOf(actor, learnerId, target);
    const targetSkills = dedupeTarget(wanted.skills);
    if (targetSkills.length === 0) {
      throw new AppError('target_has_no_skills', 'The target names no known skills', {
        detail:
          target.kind === 'text'
            ? 'No framework skill was recognised in the text: paste a longer job description, or pick an occupation.'
            : target.kind === 'occupation'
              ? `The occupation "${wanted.label}" lists no skills in the imported frameworks.`
              : 'The target names no skill the skills store knows.',
      });
    }
    const profile = await buildProfile(deps.db, learnerId);
    const related = await skills.relatedSkills({ uris: targetSkills.map((skill) => skill.uri) });
    const result = analyse(targetSkills, profile.skills, related);
    return {
      gap: {
        userId: learnerId,
        target: { kind: target.kind, label: wanted.label, uri: wanted.uri },
        extraction: wanted.extraction,
        ...result,
      },
      profile,
    };
  }

  /** Covered, partly covered and missing skills of the target, with reasons and weighted coverage. */
  async function analyseGap(options: {
    actor: Actor;
    userId?: string;
    target: GapTarget;
  }): Promise<GapAnalysis> {
    return (await gapOf(options.actor, options.userId, options.target)).gap;
  }

  function checkPathOptions(options: {
    objective: PathObjective;
    budget?: PathBudget;
    filters?: PathFilters;
  }) {
    if (!PATH_OBJECTIVES.includes(options.objective)) {
      throw AppError.validation('objective must be cost, hours or count', [
        { in: 'body', pointer: '/objective', message: 'must be cost, hours or count' },
      ]);
    }
    const budget = options.budget;
    if (budget?.maxCost !== undefined && budget.currency === undefined) {
      throw AppError.validation('A cost budget needs its currency', [
        { in: 'body', pointer: '/budget/currency', message: 'is required with maxCost' },
      ]);
    }
    for (const [key, value] of Object.entries({ maxCost: budget?.maxCost, maxHours: budget?.maxHours })) {
      if (value !== undefined && (!Number.isFinite(value) || value < 0)) {
        throw AppError.validation(`${key} must be a number of at least 0`, [
          { in: 'body', pointer: `/budget/${key}`, message: 'must be at least 0' },
        ]);
      }
    }
    const minQuality = options.filters?.minQuality;
    if (minQuality !== undefined && (!Number.isFinite(minQuality) || minQuality < 0 || minQuality > 100)) {
      throw AppError.validation('minQuality must be 0 to 100', [
        { in: 'body', pointer: '/filters/minQuality', message: 'must be 0 to 100' },
      ]);
    }
  }

  /**
   * The gap, and the set of credentials that closes it at the least cost, hours or count: missing and partly
   * covered skills (essential weight 2, optional 1) go to the learning-path optimiser with the series the
   * learner already holds (their prerequisites are met).
   */
  async function recommendPath(options: {
    actor: Actor;
    userId?: string;
    target: GapTarget;
    objective: PathObjective;
    filters?: PathFilters;
    budget?: PathBudget;
    timeLimitMs?: number;
  }): Promise<{ gap: GapAnalysis; path: LearningPath }> {
    checkPathOptions(options);
    const { gap, profile } = await gapOf(options.actor, options.userId, options.target);
    const path = await deps.learningPath.recommendPath({
      actor: options.actor,
      request: {
        gap: gapSkillsForPath(gap),
        heldSeriesIds: profile.heldSeriesIds,
        objective: options.objective,
        ...(options.filters ? { filters: options.filters } : {}),
        ...(options.budget ? { budget: options.budget } : {}),
        ...(options.timeLimitMs !== undefined ? { timeLimitMs: options.timeLimitMs } : {}),
      },
    });
    return { gap, path };
  }

  /** The text of an uploaded job post or RFP (txt, md, pdf, docx), through the extractor's reader. */
  function readDocumentText(options: {
    filename: string;
    content: Buffer;
    mediaType?: string;
  }): Promise<string> {
    return deps.extraction.readDocumentText(options);
  }

  return {
    getProfile,
    declareSkill,
    removeDeclaredSkill,
    listRoleProfiles,
    getRoleProfile,
    createRoleProfile,
    listTargetRoleProfiles,
    updateRoleProfile,
    deleteRoleProfile,
    analyseGap,
    recommendPath,
    readDocumentText,
  };
}

export type SkillProfileService = ReturnType<typeof createSkillProfileService>;
