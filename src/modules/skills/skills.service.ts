import { performance } from 'node:perf_hooks';
import type { Actor } from '../../core/actor.ts';
import type { Clock } from '../../core/clock.ts';
import type { Config } from '../../core/config.ts';
import { AppError, type FieldProblem } from '../../core/errors.ts';
import { type IdGenerator, isUuid } from '../../core/ids.ts';
import { optionalBodyText } from '../../core/text-fields.ts';
import type { Db } from '../../db/database.ts';
import type {
  OccupationSkillRelation,
  SkillFrameworkRow,
  SkillMatch,
  SkillType,
} from '../../db/tables/skills.ts';
import { SKILL_MATCHES } from '../../db/tables/skills.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { OrganisationsService } from '../organisations/organisations.service.ts';
import type { IndexedSkill } from '../skill-extraction/extraction.model.ts';
import { DEMO_SKILLS } from './demo-skills.ts';
import { readEscoDistribution } from './esco-import.ts';
import type { FrameworkImport, ProgressCallback } from './framework-import.ts';
import { readOnetDistribution } from './onet-import.ts';
import {
  createSkillsRepository,
  type NewOccupation,
  type NewOccupationSkill,
  type NewSkill,
  type OccupationWithFramework,
  type SkillWithFramework,
  type TextSearch,
} from './skills.repository.ts';

export interface SkillsServiceDeps {
  db: Db;
  clock: Clock;
  ids: IdGenerator;
  audit: AuditService;
  organisations: OrganisationsService;
  config: Config;
  /** How long {@link skillsIndexVersion} trusts its last database check; default 5,000 ms. */
  versionCheckIntervalMs?: number;
  /** Monotonic milliseconds for that interval (tests pass a fake); default `performance.now`. */
  monotonicNow?: () => number;
}

/** What other modules learn about a skill URI (see {@link resolveSkills}). */
export interface ResolvedSkill {
  uri: string;
  label: string;
  /** The framework's slug: `esco`, `onet`, or `org:<slug>` for an organisation's own skills. */
  framework: string;
  type: SkillType;
  /** A skill of a global framework, or an organisation skill mapped to at least one. */
  isFrameworkSkill: boolean;
}

/** Labour-market demand for a skill (see {@link skillSignals}). */
export interface SkillSignal {
  /** O*NET Hot Technology (for an organisation skill: any skill it maps to). */
  hot: boolean;
  /** O*NET In Demand. */
  inDemand: boolean;
  /** Occupations (ESCO and O*NET) that need the skill or a skill it maps to. */
  occupationCount: number;
}

export interface SkillMapping {
  targetUri: string;
  match: SkillMatch;
  /** The framework skill, once its framework is imported; null before. */
  target: { label: string; type: SkillType; framework: string } | null;
}

export interface SkillDetail {
  skill: SkillWithFramework;
  broader: SkillWithFramework[];
  /** At most {@link NARROWER_LIMIT}. */
  narrower: SkillWithFramework[];
  /** Mappings to framework skills (organisation skills only). */
  mappings: SkillMapping[];
  /** Occupations needing the skill (at most {@link OCCUPATION_LIMIT}) and how many there are in all. */
  occupations: OccupationOfSkill[];
  occupationCount: number;
}

export type OccupationOfSkill = OccupationWithFramework & {
  relation: OccupationSkillRelation;
  relation_hot: boolean;
  relation_in_demand: boolean;
};

export type SkillOfOccupation = SkillWithFramework & {
  relation: OccupationSkillRelation;
  relation_hot: boolean;
  relation_in_demand: boolean;
};

export interface OccupationDetail {
  occupation: OccupationWithFramework;
  skills: SkillOfOccupation[];
}

export interface OrgSkill {
  skill: SkillWithFramework;
  mappings: SkillMapping[];
}

export interface ImportSummary {
  framework: string;
  version: string | null;
  /** Skills (ESCO skills and knowledge; O*NET technologies). */
  skills: number;
  /** Inner nodes of the hierarchy (ESCO skill groups; O*NET commodity classes). */
  skillGroups: number;
  hierarchy: number;
  occupations: number;
  occupationSkills: number;
  skipped: { hierarchy: number; occupationSkills: number };
  missingFiles: string[];
  durationMs: number;
}

export interface MappingInput {
  targetUri: string;
  match: SkillMatch;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const NARROWER_LIMIT = 200;
export const OCCUPATION_LIMIT = 50;
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;
const MAX_LABEL = 200;
const MAX_ALT_LABELS = 50;
const MAX_DESCRIPTION = 5000;
const MAX_MAPPINGS = 50;
const MAX_QUERY = 200;
const MAX_RESOLVE = 1000;
const SKILL_BATCH = 1000;
const RELATION_BATCH = 5000;

/** Offset cursors: ranked results have no stable key to seek from, and result sets are small. */
function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof value.o === 'number' && Number.isInteger(value.o) && value.o >= 0 && value.o <= 1_000_000) {
      return value.o;
    }
  } catch {
    // fall through
  }
  throw new AppError('invalid_request', 'Invalid cursor', {
    detail: 'The cursor is not one this server handed out; start again without it',
    fields: [{ in: 'querystring', pointer: '/cursor', message: 'is not a valid cursor' }],
  });
}

function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new AppError('invalid_request', `limit must be an integer from 1 to ${MAX_LIMIT}`, {
      fields: [{ in: 'querystring', pointer: '/limit', message: `must be 1 to ${MAX_LIMIT}` }],
    });
  }
  return limit;
}

/** The query for full-text and prefix search; null when there is nothing to search for. */
export function textSearch(q: string | undefined): TextSearch | null {
  const text = q?.trim() ?? '';
  if (text === '') return null;
  if (text.length > MAX_QUERY) {
    throw new AppError('invalid_request', `The query must be at most ${MAX_QUERY} characters`, {
      fields: [{ in: 'querystring', pointer: '/q', message: `must be at most ${MAX_QUERY} characters` }],
    });
  }
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const prefixQuery =
    words.length === 0
      ? null
      : words.map((word, index) => (index === words.length - 1 ? `${word}:*` : word)).join(' & ');
  return { text, prefixQuery };
}

function page<T>(rows: T[], limit: number, offset: number): Page<T> {
  const more = rows.length > limit;
  return {
    items: more ? rows.slice(0, limit) : rows,
    nextCursor: more ? encodeCursor(offset + limit) : null,
  };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

function cleanLabel(value: string, pointer: string): string {
  const label = typeof value === 'string' ? value.trim().replace(/\s+/g, ' ') : '';
  if (label.length === 0 || label.length > MAX_LABEL) {
    throw AppError.validation(`The label must be 1 to ${MAX_LABEL} characters`, [
      { in: 'body', pointer, message: `must be 1 to ${MAX_LABEL} characters` },
    ]);
  }
  return label;
}

function cleanAltLabels(values: readonly string[], label: string): string[] {
  if (values.length > MAX_ALT_LABELS) {
    throw AppError.validation(`At most ${MAX_ALT_LABELS} alternative labels`, [
      { in: 'body', pointer: '/altLabels', message: `must have at most ${MAX_ALT_LABELS} items` },
    ]);
  }
  const seen = new Set([label.toLowerCase()]);
  const result: string[] = [];
  values.forEach((value, index) => {
    const alt = cleanLabel(value, `/altLabels/${index}`);
    if (seen.has(alt.toLowerCase())) return;
    seen.add(alt.toLowerCase());
    result.push(alt);
  });
  return result;
}

function cleanDescription(value: string | null | undefined): string | null {
  return optionalBodyText(value, { name: 'description', pointer: '/description', max: MAX_DESCRIPTION });
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === '23505';
}

/**
 * Skills frameworks (ESCO, O*NET), organisation-defined skills mapped to them, and occupations with the
 * skills they need. Framework data is public; organisation skills are read with `definitions:read` and
 * changed with `skills:manage`. {@link resolveSkills} and {@link skillSignals} serve other modules (the
 * catalogue) without permission checks.
 */
export function createSkillsService(deps: SkillsServiceDeps) {
  const repo = createSkillsRepository();
  const { clock, ids, audit, organisations } = deps;

  function inTransaction<T>(trx: Db | undefined, work: (trx: Db) => Promise<T>): Promise<T> {
    return trx ? work(trx) : deps.db.transaction().execute(work);
  }

  async function mappingsFor(db: Db, skillIds: readonly string[]): Promise<Map<string, SkillMapping[]>> {
    const rows = await repo.mappingsOf(db, skillIds);
    const bySkill = new Map<string, SkillMapping[]>();
    for (const row of rows) {
      const list = bySkill.get(row.skill_id) ?? [];
      list.push({
        targetUri: row.target_uri,
        match: row.match_type,
        target:
          row.target_label !== null && row.target_type !== null && row.target_framework !== null
            ? { label: row.target_label, type: row.target_type, framework: row.target_framework }
            : null,
      });
      bySkill.set(row.skill_id, list);
    }
    return bySkill;
  }

  // Public reads ----------------------------------------------------------------------------------------

  /** Framework skills, ranked by relevance when `q` is given, else alphabetical. */
  async function searchSkills(options: {
    q?: string;
    framework?: string;
    type?: SkillType;
    limit?: number;
    cursor?: string;
    trx?: Db;
  }): Promise<Page<SkillWithFramework>> {
    const limit = pageLimit(options.limit);
    const offset = decodeCursor(options.cursor);
    const rows = await repo.searchSkills(options.trx ?? deps.db, {
      search: textSearch(options.q),
      frameworkSlug: options.framework,
      type: options.type,
      limit: limit + 1,
      offset,
    });
    return page(rows, limit, offset);
  }

  async function skillDetail(db: Db, skill: SkillWithFramework): Promise<SkillDetail> {
    // One after another: inside a transaction there is one connection (and PGlite has only one anyway).
    const broader = await repo.broaderOf(db, skill.id);
    const narrower = await repo.narrowerOf(db, skill.id, NARROWER_LIMIT);
    const mappings = await mappingsFor(db, [skill.id]);
    const occupations = await repo.occupationsOfSkill(db, skill.id, OCCUPATION_LIMIT);
    const occupationCount = await repo.countOccupationsOfSkill(db, skill.id);
    return { skill, broader, narrower, mappings: mappings.get(skill.id) ?? [], occupations, occupationCount };
  }

  /** A framework skill by URI or id, with its hierarchy and occupations. Organisation skills are not public. */
  async function getSkill(options: { uri: string } | { id: string }): Promise<SkillDetail> {
    return deps.db.transaction().execute(async (trx) => {
      if ('id' in options && !isUuid(options.id)) throw AppError.notFound('Skill');
      const skill = await repo.findSkill(trx, options);
      if (!skill || skill.organisation_id !== null) throw AppError.notFound('Skill');
      return skillDetail(trx, skill);
    });
  }

  async function listFrameworks(options: { trx?: Db } = {}) {
    const rows = await repo.listGlobalFrameworks(options.trx ?? deps.db);
    return rows.map((row) => ({
      ...row,
      skill_count: Number(row.skill_count ?? 0),
      occupation_count: Number(row.occupation_count ?? 0),
    }));
  }

  async function searchOccupations(options: {
    q?: string;
    framework?: string;
    limit?: number;
    cursor?: string;
    trx?: Db;
  }): Promise<Page<OccupationWithFramework>> {
    const limit = pageLimit(options.limit);
    const offset = decodeCursor(options.cursor);
    const rows = await repo.searchOccupations(options.trx ?? deps.db, {
      search: textSearch(options.q),
      frameworkSlug: options.framework,
      limit: limit + 1,
      offset,
    });
    return page(rows, limit, offset);
  }

  /**
   * An occupation with every skill it needs: ESCO essential and optional skills, O*NET technologies with
   * their Hot Technology / In Demand flags. Issue 7's gap analysis reads this.
   */
  async function getOccupation(options: { uri: string; trx?: Db }): Promise<OccupationDetail> {
    return inTransaction(options.trx, async (trx) => {
      const occupation = await repo.findOccupation(trx, { uri: options.uri });
      if (!occupation) throw AppError.notFound('Occupation');
      const skills = await repo.skillsOfOccupation(trx, occupation.id);
      return { occupation, skills };
    });
  }

  // Organisation skills ---------------------------------------------------------------------------------

  async function listOrgSkills(options: {
    actor: Actor;
    slug: string;
    q?: string;
    limit?: number;
    cursor?: string;
  }): Promise<Page<OrgSkill>> {
    const limit = pageLimit(options.limit);
    const offset = decodeCursor(options.cursor);
    const search = textSearch(options.q);
    return deps.db.transaction().execute(async (trx) => {
      const { organisation } = await organisations.requireAccess({
        actor: options.actor,
        slug: options.slug,
        permission: 'definitions:read',
        trx,
      });
      const rows = await repo.listOrgSkills(trx, {
        organisationId: organisation.id,
        search,
        limit: limit + 1,
        offset,
      });
      const result = page(rows, limit, offset);
      const mappings = await mappingsFor(
        trx,
        result.items.map((skill) => skill.id),
      );
      return {
        items: result.items.map((skill) => ({ skill, mappings: mappings.get(skill.id) ?? [] })),
        nextCursor: result.nextCursor,
      };
    });
  }

  async function loadOrgSkill(trx: Db, organisationId: string, id: string, forUpdate = false) {
    if (!isUuid(id)) throw AppError.notFound('Skill');
    const skill = await repo.findOrgSkill(trx, organisationId, id, forUpdate);
    if (!skill) throw AppError.notFound('Skill');
    return skill;
  }

  async function orgSkillView(trx: Db, skill: SkillWithFramework): Promise<OrgSkill> {
    const mappings = await mappingsFor(trx, [skill.id]);
    return { skill, mappings: mappings.get(skill.id) ?? [] };
  }

  async function getOrgSkill(options: { actor: Actor; slug: string; id: string }): Promise<OrgSkill> {
    return deps.db.transaction().execute(async (trx) => {
      const { organisation } = await organisations.requireAccess({
        actor: options.actor,
        slug: options.slug,
        permission: 'definitions:read',
        trx,
      });
      return orgSkillView(trx, await loadOrgSkill(trx, organisation.id, options.id));
    });
  }

  /** Checks mapping targets: known skills of a global framework, each named once. */
  async function checkMappings(trx: Db, mappings: readonly MappingInput[]): Promise<MappingInput[]> {
    if (mappings.length > MAX_MAPPINGS) {
      throw AppError.validation(`At most ${MAX_MAPPINGS} mappings`, [
        { in: 'body', pointer: '/mappings', message: `must have at most ${MAX_MAPPINGS} items` },
      ]);
    }
    const problems: FieldProblem[] = [];
    const seen = new Set<string>();
    mappings.forEach((mapping, index) => {
      if (!SKILL_MATCHES.includes(mapping.match)) {
        problems.push({
          in: 'body',
          pointer: `/mappings/${index}/match`,
          message: `must be one of ${SKILL_MATCHES.join(', ')}`,
        });
      }
      if (seen.has(mapping.targetUri)) {
        problems.push({ in: 'body', pointer: `/mappings/${index}/targetUri`, message: 'is named twice' });
      }
      seen.add(mapping.targetUri);
    });
    const known = await repo.frameworkSkillUris(trx, [...seen]);
    mappings.forEach((mapping, index) => {
      if (!known.has(mapping.targetUri)) {
        problems.push({
          in: 'body',
          pointer: `/mappings/${index}/targetUri`,
          message: 'is not a skill of an imported framework (ESCO, O*NET)',
        });
      }
    });
    if (problems.length > 0) {
      throw AppError.validation(
        problems.length === 1
          ? `mappings: ${problems[0]?.pointer.split('/').slice(2).join('.')} ${problems[0]?.message}`
          : 'Some mappings are not valid',
        problems,
      );
    }
    return [...mappings];
  }

  async function orgFramework(trx: Db, organisation: { id: string; slug: string; name: string }) {
    return (
      (await repo.findOrgFramework(trx, organisation.id)) ??
      repo.ensureOrgFramework(trx, {
        id: ids(),
        slug: `org:${organisation.slug}`,
        name: `${organisation.name} skills`,
        organisationId: organisation.id,
        now: clock.now(),
      })
    );
  }

  async function insertOrgSkill(
    trx: Db,
    framework: SkillFrameworkRow,
    organisationId: string,
    input: { label: string; altLabels: string[]; description: string | null },
  ) {
    if (await repo.findOrgSkillByLabel(trx, organisationId, input.label)) {
      throw new AppError('conflict', 'A skill with this label exists', {
        detail: `The organisation already has a skill labelled "${input.label}"`,
      });
    }
    const id = ids();
    const now = clock.now();
    return repo.insertSkill(trx, {
      id,
      framework_id: framework.id,
      organisation_id: organisationId,
      uri: `urn:uuid:${id}`,
      preferred_label: input.label,
      alt_labels: input.altLabels,
      alt_labels_text: input.altLabels.join('\n'),
      description: input.description,
      type: 'organisation',
      hot_technology: false,
      in_demand: false,
      facts: '{}',
      created_at: now,
      updated_at: now,
    });
  }

  /** Two requests racing to the same label: the unique index decides, the loser gets a 409. */
  function labelConflict(error: unknown, label: string): unknown {
    if (!isUniqueViolation(error)) return error;
    return new AppError('conflict', 'A skill with this label exists', {
      detail: `The organisation already has a skill labelled "${label}"`,
    });
  }

  /**
   * Defines a skill of the organisation (permission `skills:manage`). Its URI is `urn:uuid:<id>`; it can be
   * mapped to framework skills right away.
   */
  async function createOrgSkill(options: {
    actor: Actor;
    slug: string;
    label: string;
    altLabels?: string[];
    description?: string | null;
    mappings?: MappingInput[];
  }): Promise<OrgSkill> {
    const label = cleanLabel(options.label, '/label');
    const altLabels = cleanAltLabels(options.altLabels ?? [], label);
    const description = cleanDescription(options.description);
    try {
      return await deps.db.transaction().execute(async (trx) => {
        const { organisation } = await organisations.requireAccess({
          actor: options.actor,
          slug: options.slug,
          permission: 'skills:manage',
          trx,
        });
        const mappings = await checkMappings(trx, options.mappings ?? []);
        const framework = await orgFramework(trx, organisation);
        const row = await insertOrgSkill(trx, framework, organisation.id, { label, altLabels, description });
        const now = clock.now();
        await repo.insertMappings(
          trx,
          mappings.map((mapping) => ({
            skill_id: row.id,
            target_uri: mapping.targetUri,
            match_type: mapping.match,
            created_at: now,
          })),
        );
        await audit.record(trx, {
          type: 'skill.created',
          actor: options.actor,
          organisationId: organisation.id,
          subject: { type: 'skill', id: row.id },
          data: { uri: row.uri, label, mappings: mappings.length },
        });
        return orgSkillView(trx, await loadOrgSkill(trx, organisation.id, row.id));
      });
    } catch (error) {
      throw labelConflict(error, label);
    }
  }

  async function updateOrgSkill(options: {
    actor: Actor;
    slug: string;
    id: string;
    label?: string;
    altLabels?: string[];
    description?: string | null;
  }): Promise<OrgSkill> {
    const label = options.label === undefined ? undefined : cleanLabel(options.label, '/label');
    const description = options.description === undefined ? undefined : cleanDescription(options.description);
    try {
      return await deps.db.transaction().execute(async (trx) => {
        const { organisation } = await organisations.requireAccess({
          actor: options.actor,
          slug: options.slug,
          permission: 'skills:manage',
          trx,
        });
        const skill = await loadOrgSkill(trx, organisation.id, options.id, true);
        const fields: string[] = [];
        const changes: Parameters<typeof repo.updateSkill>[2] = { updated_at: clock.now() };
        if (label !== undefined && label !== skill.preferred_label) {
          if (label.toLowerCase() !== skill.preferred_label.toLowerCase()) {
            const taken = await repo.findOrgSkillByLabel(trx, organisation.id, label);
            if (taken) {
              throw new AppError('conflict', 'A skill with this label exists', {
                detail: `The organisation already has a skill labelled "${label}"`,
              });
            }
          }
          changes.preferred_label = label;
          fields.push('label');
        }
        const effectiveLabel = label ?? skill.preferred_label;
        if (options.altLabels !== undefined || label !== undefined) {
          const altLabels = cleanAltLabels(options.altLabels ?? skill.alt_labels, effectiveLabel);
          if (altLabels.join('\n') !== skill.alt_labels.join('\n')) {
            changes.alt_labels = altLabels;
            changes.alt_labels_text = altLabels.join('\n');
            fields.push('altLabels');
          }
        }
        if (description !== undefined && description !== skill.description) {
          changes.description = description;
          fields.push('description');
        }
        if (fields.length > 0) {
          await repo.updateSkill(trx, skill.id, changes);
          await audit.record(trx, {
            type: 'skill.updated',
            actor: options.actor,
            organisationId: organisation.id,
            subject: { type: 'skill', id: skill.id },
            data: { fields },
          });
        }
        return orgSkillView(trx, await loadOrgSkill(trx, organisation.id, skill.id));
      });
    } catch (error) {
      throw labelConflict(error, label ?? '');
    }
  }

  /**
   * Retires the skill: it disappears from the organisation's list and its label can be reused, but its URI
   * keeps resolving ({@link resolveSkills}) for definitions and credentials that already name it.
   */
  async function deleteOrgSkill(options: { actor: Actor; slug: string; id: string }): Promise<void> {
    await deps.db.transaction().execute(async (trx) => {
      const { organisation } = await organisations.requireAccess({
        actor: options.actor,
        slug: options.slug,
        permission: 'skills:manage',
        trx,
      });
      const skill = await loadOrgSkill(trx, organisation.id, options.id, true);
      await repo.retireSkill(trx, skill.id, clock.now());
      await audit.record(trx, {
        type: 'skill.deleted',
        actor: options.actor,
        organisationId: organisation.id,
        subject: { type: 'skill', id: skill.id },
        data: { uri: skill.uri, label: skill.preferred_label },
      });
    });
  }

  /** Replaces the skill's mappings to framework skills with `mappings` (an empty list removes them all). */
  async function setOrgSkillMappings(options: {
    actor: Actor;
    slug: string;
    id: string;
    mappings: MappingInput[];
  }): Promise<OrgSkill> {
    return deps.db.transaction().execute(async (trx) => {
      const { organisation } = await organisations.requireAccess({
        actor: options.actor,
        slug: options.slug,
        permission: 'skills:manage',
        trx,
      });
      const skill = await loadOrgSkill(trx, organisation.id, options.id, true);
      const wanted = await checkMappings(trx, options.mappings);
      const current = new Map(
        (await mappingsFor(trx, [skill.id]))
          .get(skill.id)
          ?.map((mapping) => [mapping.targetUri, mapping.match]) ?? [],
      );
      const wantedUris = new Set(wanted.map((mapping) => mapping.targetUri));
      const removed = [...current.keys()].filter((uri) => !wantedUris.has(uri));
      const added = wanted.filter((mapping) => !current.has(mapping.targetUri));
      const changed = wanted.filter(
        (mapping) => current.has(mapping.targetUri) && current.get(mapping.targetUri) !== mapping.match,
      );
      if (removed.length + added.length + changed.length > 0) {
        const now = clock.now();
        await repo.deleteMappings(trx, skill.id, removed);
        await repo.insertMappings(
          trx,
          [...added, ...changed].map((mapping) => ({
            skill_id: skill.id,
            target_uri: mapping.targetUri,
            match_type: mapping.match,
            created_at: now,
          })),
        );
        await audit.record(trx, {
          type: 'skill.mappings_changed',
          actor: options.actor,
          organisationId: organisation.id,
          subject: { type: 'skill', id: skill.id },
          data: {
            added: added.map((mapping) => ({ targetUri: mapping.targetUri, match: mapping.match })),
            removed,
            changed: changed.map((mapping) => ({ targetUri: mapping.targetUri, match: mapping.match })),
          },
        });
      }
      return orgSkillView(trx, skill);
    });
  }

  /**
   * Creates the demo skill set ({@link DEMO_SKILLS}) as skills of the organisation, with their ESCO
   * mappings recorded by URI (no ESCO import needed). Skills whose label the organisation already has are
   * left alone, so running it twice creates nothing twice. Pass `trx` to run inside the caller's transaction.
   */
  async function seedDemoSkills(options: {
    actor: Actor;
    slug: string;
    trx?: Db;
  }): Promise<{ created: number }> {
    return inTransaction(options.trx, async (trx) => {
      const { organisation } = await organisations.requireAccess({
        actor: options.actor,
        slug: options.slug,
        permission: 'skills:manage',
        trx,
      });
      const framework = await orgFramework(trx, organisation);
      let created = 0;
      for (const demo of DEMO_SKILLS) {
        if (await repo.findOrgSkillByLabel(trx, organisation.id, demo.label)) continue;
        const row = await insertOrgSkill(trx, framework, organisation.id, {
          label: demo.label,
          altLabels: cleanAltLabels(demo.altLabels, demo.label),
          description: demo.description,
        });
        const now = clock.now();
        await repo.insertMappings(
          trx,
          demo.mappings.map((mapping) => ({
            skill_id: row.id,
            target_uri: mapping.targetUri,
            match_type: mapping.match,
            created_at: now,
          })),
        );
        created++;
      }
      if (created > 0) {
        await audit.record(trx, {
          type: 'skills.demo_seeded',
          actor: options.actor,
          organisationId: organisation.id,
          subject: { type: 'skill_framework', id: framework.id },
          data: { created },
        });
      }
      return { created };
    });
  }

  // Cross-module ----------------------------------------------------------------------------------------

  /**
   * What the given URIs are: label, framework, type, and whether each is framework-aligned (a global
   * framework's skill, or an organisation skill mapped to one). Unknown URIs are absent from the map;
   * retired organisation skills still resolve. No permission check: for services that already authorised.
   */
  async function resolveSkills(options: {
    uris: readonly string[];
    trx?: Db;
  }): Promise<Map<string, ResolvedSkill>> {
    const db = options.trx ?? deps.db;
    const result = new Map<string, ResolvedSkill>();
    for (const batch of chunks([...new Set(options.uris)], MAX_RESOLVE)) {
      const skills = await repo.findSkillsByUris(db, batch);
      const orgSkillIds = skills.filter((skill) => skill.organisation_id !== null).map((skill) => skill.id);
      const mappings = await mappingsFor(db, orgSkillIds);
      for (const skill of skills) {
        result.set(skill.uri, {
          uri: skill.uri,
          label: skill.preferred_label,
          framework: skill.framework_slug,
          type: skill.type,
          isFrameworkSkill: skill.organisation_id === null || (mappings.get(skill.id)?.length ?? 0) > 0,
        });
      }
    }
    return result;
  }

  /**
   * Demand signals for the given URIs, for the catalogue's quality score: O*NET Hot Technology / In Demand
   * and the number of occupations needing the skill. An organisation skill takes the signals of the
   * framework skills it maps to. Unknown URIs are absent; no permission check.
   */
  async function skillSignals(options: {
    uris: readonly string[];
    trx?: Db;
  }): Promise<Map<string, SkillSignal>> {
    const db = options.trx ?? deps.db;
    const result = new Map<string, SkillSignal>();
    for (const batch of chunks([...new Set(options.uris)], MAX_RESOLVE)) {
      const skills = await repo.findSkillsByUris(db, batch);
      const mappings = await mappingsFor(
        db,
        skills.filter((skill) => skill.organisation_id !== null).map((skill) => skill.id),
      );
      const targetUris = new Set<string>();
      for (const list of mappings.values()) for (const mapping of list) targetUris.add(mapping.targetUri);
      const targets = new Map(
        (await repo.frameworkSkillFlags(db, [...targetUris])).map((row) => [row.uri, row]),
      );
      for (const skill of skills) {
        const signalSkills =
          skill.organisation_id === null
            ? [{ id: skill.id, hot_technology: skill.hot_technology, in_demand: skill.in_demand }]
            : (mappings.get(skill.id) ?? []).flatMap((mapping) => {
                const target = targets.get(mapping.targetUri);
                return target ? [target] : [];
              });
        result.set(skill.uri, {
          hot: signalSkills.some((target) => target.hot_technology),
          inDemand: signalSkills.some((target) => target.in_demand),
          occupationCount: await repo.countOccupationsOfAny(
            db,
            signalSkills.map((target) => target.id),
          ),
        });
      }
    }
    return result;
  }

  /**
   * Skills related to each of `uris`: direct broader and narrower skills in the hierarchy, and organisation
   * mappings in both directions. For gap analysis (a related skill partly covers a target skill). No
   * permission check; unknown URIs have no entry.
   */
  async function relatedSkills(options: {
    uris: readonly string[];
    trx?: Db;
  }): Promise<Map<string, Array<{ uri: string; relation: 'broader' | 'narrower' | 'mapped' }>>> {
    const db = options.trx ?? deps.db;
    const result = new Map<string, Array<{ uri: string; relation: 'broader' | 'narrower' | 'mapped' }>>();
    for (const batch of chunks([...new Set(options.uris)], MAX_RESOLVE)) {
      for (const row of await repo.relatedByUris(db, batch)) {
        const list = result.get(row.uri) ?? [];
        list.push({ uri: row.related_uri, relation: row.relation });
        result.set(row.uri, list);
      }
    }
    return result;
  }

  /**
   * The skills the extractor indexes, with priors (0..1): the share of occupations naming the skill
   * (log-scaled), raised for O*NET Hot Technology / In Demand. No permission check: the caller decides
   * whether the organisation's own skills may be read.
   */
  async function listSkillsForIndex(
    options: { frameworks?: readonly string[]; organisationId?: string; trx?: Db } = {},
  ): Promise<IndexedSkill[]> {
    const rows = await repo.listSkillsForIndex(options.trx ?? deps.db, options);
    const counts = rows.map((row) => Number(row.occupation_count ?? 0));
    const scale = Math.log1p(Math.max(1, ...counts));
    return rows.map((row, i) => ({
      uri: row.uri,
      framework: row.framework,
      preferredLabel: row.preferred_label,
      altLabels: row.alt_labels,
      description: row.description,
      type: row.type,
      prior: Math.min(
        1,
        Math.log1p(counts[i] ?? 0) / scale + (row.hot_technology ? 0.3 : 0) + (row.in_demand ? 0.2 : 0),
      ),
    }));
  }

  // The index fingerprint. This service's own writes bump `revision` at once; the table's count and latest
  // change (~20 ms at full ESCO + O*NET size) are read at most every `versionCheckIntervalMs`, so a change
  // made by another process (the CLI importing) is seen within that interval.
  let revision = 0;
  let lastCheck: { at: number; version: string } | null = null;
  const versionCheckIntervalMs = deps.versionCheckIntervalMs ?? 5000;
  const monotonicNow = deps.monotonicNow ?? (() => performance.now());

  function changesSkills<A extends unknown[], R>(write: (...args: A) => Promise<R>) {
    return async (...args: A): Promise<R> => {
      try {
        return await write(...args);
      } finally {
        // After the write (and its transaction, when it owns one): an index built meanwhile is not trusted.
        revision++;
      }
    };
  }

  /**
   * A fingerprint of the skills table that changes at once with this service's writes and imports, and
   * within `versionCheckIntervalMs` with anyone else's: cached extraction indexes compare it. Inside a
   * transaction the table is read every time.
   */
  async function skillsIndexVersion(options: { trx?: Db } = {}): Promise<string> {
    if (options.trx) return `${await repo.skillsVersion(options.trx)}#${revision}`;
    const now = monotonicNow();
    if (lastCheck === null || now - lastCheck.at >= versionCheckIntervalMs) {
      lastCheck = { at: now, version: await repo.skillsVersion(deps.db) };
    }
    return `${lastCheck.version}#${revision}`;
  }

  // Imports ---------------------------------------------------------------------------------------------

  /**
   * Writes a parsed distribution in one transaction: the framework, skills and occupations upserted by URI
   * (a re-import updates, never duplicates, and keeps ids so mappings survive), the hierarchy and the
   * occupation–skill relations replaced. Batches of hundreds of rows per statement.
   */
  async function writeImport(
    actor: Actor,
    data: FrameworkImport,
    started: number,
    onProgress?: ProgressCallback,
  ): Promise<ImportSummary> {
    return deps.db.transaction().execute(async (trx) => {
      const now = clock.now();
      const existing = await repo.findFrameworkBySlug(trx, data.framework.slug);
      if (existing && existing.organisation_id !== null) {
        throw new AppError(
          'conflict',
          `The framework slug "${data.framework.slug}" belongs to an organisation`,
        );
      }
      const framework = await repo.upsertFramework(trx, {
        id: existing?.id ?? ids(),
        slug: data.framework.slug,
        name: data.framework.name,
        version: data.framework.version,
        source_uri: data.framework.sourceUri,
        attribution: data.framework.attribution,
        organisation_id: null,
        imported_at: now,
        now,
      });

      const skills = [...new Map(data.skills.map((skill) => [skill.uri, skill])).values()];
      const skillIds = await repo.frameworkSkillIds(trx, framework.id);
      let done = 0;
      for (const batch of chunks(skills, SKILL_BATCH)) {
        const rows: NewSkill[] = batch.map((skill) => ({
          id: ids(),
          framework_id: framework.id,
          organisation_id: null,
          uri: skill.uri,
          preferred_label: skill.label,
          alt_labels: skill.altLabels,
          alt_labels_text: skill.altLabels.join('\n'),
          description: skill.description,
          type: skill.type,
          hot_technology: skill.hotTechnology ?? false,
          in_demand: skill.inDemand ?? false,
          facts: JSON.stringify(skill.facts ?? {}),
          created_at: now,
          updated_at: now,
        }));
        for (const row of await repo.upsertSkills(trx, framework.id, rows, now))
          skillIds.set(row.uri, row.id);
        done += batch.length;
        onProgress?.({ phase: 'skills', done, total: skills.length });
      }

      if (data.hierarchy) await repo.deleteFrameworkHierarchy(trx, framework.id);
      const hierarchy = new Map<string, { narrower_skill_id: string; broader_skill_id: string }>();
      let skippedHierarchy = 0;
      for (const [narrowerUri, broaderUri] of data.hierarchy ?? []) {
        const narrower = skillIds.get(narrowerUri);
        const broader = skillIds.get(broaderUri);
        if (!narrower || !broader || narrower === broader) {
          skippedHierarchy++;
          continue;
        }
        hierarchy.set(`${narrower} ${broader}`, { narrower_skill_id: narrower, broader_skill_id: broader });
      }
      done = 0;
      for (const batch of chunks([...hierarchy.values()], RELATION_BATCH)) {
        await repo.insertHierarchy(trx, batch);
        done += batch.length;
        onProgress?.({ phase: 'hierarchy', done, total: hierarchy.size });
      }

      const occupations = [
        ...new Map((data.occupations ?? []).map((occupation) => [occupation.uri, occupation])).values(),
      ];
      const occupationIds = await repo.frameworkOccupationIds(trx, framework.id);
      done = 0;
      for (const batch of chunks(occupations, SKILL_BATCH)) {
        const rows: NewOccupation[] = batch.map((occupation) => ({
          id: ids(),
          framework_id: framework.id,
          uri: occupation.uri,
          code: occupation.code,
          preferred_label: occupation.label,
          alt_labels: occupation.altLabels,
          alt_labels_text: occupation.altLabels.join('\n'),
          description: occupation.description,
          isco_group: occupation.iscoGroup,
          created_at: now,
          updated_at: now,
        }));
        for (const row of await repo.upsertOccupations(trx, framework.id, rows, now)) {
          occupationIds.set(row.uri, row.id);
        }
        done += batch.length;
        onProgress?.({ phase: 'occupations', done, total: occupations.length });
      }

      if (data.occupationSkills) await repo.deleteFrameworkOccupationSkills(trx, framework.id);
      const links = new Map<string, NewOccupationSkill>();
      let skippedLinks = 0;
      for (const link of data.occupationSkills ?? []) {
        const occupationId = occupationIds.get(link.occupationUri);
        const skillId = skillIds.get(link.skillUri);
        if (!occupationId || !skillId) {
          skippedLinks++;
          continue;
        }
        links.set(`${occupationId} ${skillId}`, {
          occupation_id: occupationId,
          skill_id: skillId,
          relation: link.relation,
          hot_technology: link.hotTechnology ?? false,
          in_demand: link.inDemand ?? false,
        });
      }
      done = 0;
      for (const batch of chunks([...links.values()], RELATION_BATCH)) {
        await repo.insertOccupationSkills(trx, batch);
        done += batch.length;
        onProgress?.({ phase: 'occupation-skills', done, total: links.size });
      }

      const groups = skills.filter(
        (skill) => skill.type === 'skill-group' || skill.type === 'technology-class',
      );
      const summary: ImportSummary = {
        framework: framework.slug,
        version: framework.version,
        skills: skills.length - groups.length,
        skillGroups: groups.length,
        hierarchy: hierarchy.size,
        occupations: occupations.length,
        occupationSkills: links.size,
        skipped: { hierarchy: skippedHierarchy, occupationSkills: skippedLinks },
        missingFiles: data.missingFiles,
        durationMs: Math.round(performance.now() - started),
      };
      await audit.record(trx, {
        type: 'skills.imported',
        actor,
        organisationId: null,
        subject: { type: 'skill_framework', id: framework.id },
        data: {
          framework: summary.framework,
          version: summary.version,
          skills: summary.skills,
          skillGroups: summary.skillGroups,
          hierarchy: summary.hierarchy,
          occupations: summary.occupations,
          occupationSkills: summary.occupationSkills,
          skipped: skippedHierarchy + skippedLinks,
          durationMs: summary.durationMs,
        },
      });
      return summary;
    });
  }

  /**
   * Imports the ESCO CSV distribution from `folder` (its zip files or their unzipped CSVs). Every file is
   * read and checked before anything is written; the write is one transaction.
   */
  async function importEsco(options: {
    actor: Actor;
    folder: string;
    version?: string;
    onProgress?: ProgressCallback;
  }): Promise<ImportSummary> {
    const started = performance.now();
    const data = await readEscoDistribution(options.folder, {
      version: options.version,
      onProgress: options.onProgress,
    });
    return writeImport(options.actor, data, started, options.onProgress);
  }

  /** Imports O*NET Technology Skills (and occupations) from the O*NET text files in `folder`. */
  async function importOnet(options: {
    actor: Actor;
    folder: string;
    version?: string;
    onProgress?: ProgressCallback;
  }): Promise<ImportSummary> {
    const started = performance.now();
    const data = await readOnetDistribution(options.folder, {
      version: options.version,
      onProgress: options.onProgress,
    });
    return writeImport(options.actor, data, started, options.onProgress);
  }

  return {
    searchSkills,
    getSkill,
    listFrameworks,
    searchOccupations,
    getOccupation,
    listOrgSkills,
    getOrgSkill,
    createOrgSkill: changesSkills(createOrgSkill),
    updateOrgSkill: changesSkills(updateOrgSkill),
    deleteOrgSkill: changesSkills(deleteOrgSkill),
    setOrgSkillMappings: changesSkills(setOrgSkillMappings),
    seedDemoSkills: changesSkills(seedDemoSkills),
    resolveSkills,
    skillSignals,
    relatedSkills,
    listSkillsForIndex,
    skillsIndexVersion,
    importEsco: changesSkills(importEsco),
    importOnet: changesSkills(importOnet),
  };
}

export type SkillsService = ReturnType<typeof createSkillsService>;
