import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { type Actor, actorRef } from '../../core/actor.ts';
import { canonicalJson } from '../../core/canonical-json.ts';
import type { Clock } from '../../core/clock.ts';
import type { Config } from '../../core/config.ts';
import { AppError, type FieldProblem } from '../../core/errors.ts';
import { type IdGenerator, isUuid } from '../../core/ids.ts';
import { sha256Hex } from '../../core/secrets.ts';
import type { AchievementInput } from '../../core/vc/open-badges.ts';
import type { Db } from '../../db/database.ts';
import type { CredentialDefinitionRow } from '../../db/tables/catalogue.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { PathCandidate, PathFilters, PathObjective } from '../learning-path/path.model.ts';
import type { OrganisationsService } from '../organisations/organisations.service.ts';
import type {
  AssessmentInstruments,
  DefinitionLookup,
  DefinitionRecord,
  InstrumentReadiness,
  SeriesSummary,
} from './catalogue.ports.ts';
import { createPublishedListing } from './catalogue.published.ts';
import {
  type CatalogueSearchFilter,
  type CatalogueSearchRow,
  createCatalogueRepository,
  type NewDefinitionRow,
} from './catalogue.repository.ts';
import { type ConformanceReport, conformanceReport } from './conformance.ts';
import {
  type DefinitionContent,
  DefinitionContentSchema,
  type DefinitionFacts,
  type DefinitionSource,
  type DefinitionStatus,
  type SkillRef,
} from './definition.model.ts';
import { achievementInputFor, toCtdl, toOpenBadgeAchievement } from './exports.ts';
import {
  type ImportedEntry,
  type ImportOptions,
  type ImportProblem,
  type ImportResult,
  parseCatalogueCsv,
  parseCtdl,
  parseOpenBadgeAchievements,
} from './imports.ts';
import { type QualityContext, type QualityReport, qualityReport } from './quality.ts';

/** A skill as the skills module knows it. */
export interface ResolvedSkill {
  label: string;
  /** e.g. `esco`, `onet`, `org:<slug>`. */
  framework: string;
  /** A framework skill (ESCO, O*NET) or an organisation skill mapped to one. */
  isFrameworkSkill: boolean;
}

/** Demand signals of a skill (O*NET Hot Technology / In Demand flags, occupations that need it). */
export interface SkillSignal {
  hot: boolean;
  inDemand: boolean;
  occupationCount: number;
}

/**
 * What the catalogue needs from the skills module (its service implements it; src/deps.ts wires it).
 * URIs it does not know are simply absent from the maps.
 */
export interface CatalogueSkills {
  resolveSkills(options: { uris: string[]; trx: Db }): Promise<Map<string, ResolvedSkill>>;
  skillSignals(options: { uris: string[]; trx: Db }): Promise<Map<string, SkillSignal>>;
}

export interface CatalogueServiceDeps {
  db: Db;
  clock: Clock;
  ids: IdGenerator;
  config: Config;
  audit: AuditService;
  organisations: Pick<OrganisationsService, 'requireAccess'>;
  /** Absent until a skills module is wired: labels are then kept as given and no skill is framework-aligned. */
  skills?: CatalogueSkills;
  /** The assessment modules (tests, practical work): publishing needs one of them to report `ready`. */
  instruments: readonly AssessmentInstruments[];
}

export type ImportFormat = 'ctdl' | 'ob3' | 'csv';
export const IMPORT_FORMATS: readonly ImportFormat[] = ['ctdl', 'ob3', 'csv'];

/** Whether the definition version can be assessed: an instrument is attached and ready. */
export interface AssessmentState {
  ready: boolean;
  problems: string[];
}

export interface SeriesVersion {
  id: string;
  version: number;
  status: DefinitionStatus;
  publishedAt: Date | null;
  retiredAt: Date | null;
  supersededById: string | null;
}

/** One definition version with everything its detail view shows. */
export interface DefinitionDetails {
  record: CredentialDefinitionRow;
  /** The version's public URI (and OB 3.0 Achievement id). */
  uri: string;
  conformance: ConformanceReport;
  quality: QualityReport;
  assessment: AssessmentState;
  /** Every version of the series, newest first. */
  versions: SeriesVersion[];
}

export interface PublicDefinitionDetails extends DefinitionDetails {
  organisationSlug: string;
}

export interface ImportReport {
  format: ImportFormat;
  dryRun: boolean;
  created: number;
  updated: number;
  unchanged: number;
  /** Places (entries, CSV rows, or the file) left out because of their problems (with `skipInvalid`). */
  skipped: number;
  problems: ImportProblem[];
  entries: Array<{
    externalId: string;
    id: string;
    title: string;
    change: 'created' | 'updated' | 'unchanged';
  }>;
}

export type CatalogueSearchOptions = Omit<CatalogueSearchFilter, 'sort'> & {
  sort?: CatalogueSearchFilter['sort'];
};

const MAX_REASON = 500;
const MAX_COMMENT = 4000;
/** `prerequisites`-style URIs pass through; this only catches what the HTTP layer did not (CLI, imports). */
const contentAjv = new Ajv.default({ allErrors: true, strict: false, coerceTypes: false });
addFormats.default(contentAjv);
const validateContent = contentAjv.compile<DefinitionContent>(DefinitionContentSchema);

function invalidContent(prefix: string, errors: typeof validateContent.errors): AppError {
  const fields: FieldProblem[] = (errors ?? []).map((error) => {
    const missing = (error.params as { missingProperty?: string }).missingProperty;
    const extra = (error.params as { additionalProperty?: string }).additionalProperty;
    const pointer = `${prefix}${error.instancePath}${missing ? `/${missing}` : extra ? `/${extra}` : ''}`;
    const message = missing
      ? 'is required'
      : extra
        ? 'is not a known field'
        : (error.message ?? 'is invalid');
    return { in: 'body', pointer, message };
  });
  return AppError.validation(
    `The definition is invalid: ${fields.map((f) => `${f.pointer || '(content)'} ${f.message}`).join('; ')}`,
    fields,
  );
}

/** Validates content strictly (the routes already did for HTTP; the CLI and imports come here too). */
function checkContent(content: unknown): DefinitionContent {
  if (!validateContent(content)) throw invalidContent('', validateContent.errors);
  return content;
}

/** Every outcome gets a stable id (`lo-<n>`), so results and rubric criteria can point at it. */
function mintOutcomeIds(content: DefinitionContent): DefinitionContent {
  const outcomes = content.learningOutcomes;
  if (!outcomes?.length) return content;
  const seen = new Set<string>();
  outcomes.forEach((outcome, index) => {
    if (outcome.id === undefined) return;
    if (seen.has(outcome.id)) {
      throw AppError.validation(`Two learning outcomes share the id "${outcome.id}"`, [
        { in: 'body', pointer: `/learningOutcomes/${index}/id`, message: 'must be unique' },
      ]);
    }
    seen.add(outcome.id);
  });
  let next = 1;
  const mint = () => {
    while (seen.has(`lo-${next}`)) next++;
    seen.add(`lo-${next}`);
    return `lo-${next}`;
  };
  return {
    ...content,
    learningOutcomes: outcomes.map((outcome) =>
      outcome.id === undefined ? { ...outcome, id: mint() } : outcome,
    ),
  };
}

/** Every skill URI the definition aligns to: its own and its outcomes'. */
function skillUrisOf(content: DefinitionContent): string[] {
  const uris = new Set<string>();
  for (const skill of content.skills ?? []) uris.add(skill.uri);
  for (const outcome of content.learningOutcomes ?? [])
    for (const skill of outcome.skills ?? []) uris.add(skill.uri);
  return [...uris];
}

/** The filter and sort columns the catalogue reads, copied from the content (test helpers reuse it). */
export function definitionFilterColumns(content: DefinitionContent, providerName: string) {
  const skills = [
    ...(content.skills ?? []),
    ...(content.learningOutcomes ?? []).flatMap((o) => o.skills ?? []),
  ];
  const searchText = [
    content.description,
    content.humanCode,
    content.fieldOfStudy,
    ...(content.learningOutcomes ?? []).map((outcome) => outcome.statement),
    ...skills.map((skill) => skill.label),
    ...(content.occupations ?? []).map((occupation) => occupation.label),
    ...(content.tags ?? []),
    ...(content.industries ?? []),
    providerName,
    ...(content.awardingBodies ?? []).map((body) => body.name),
  ]
    .filter((part): part is string => typeof part === 'string' && part.length > 0)
    .join('\n');
  return {
    title: content.title,
    level_framework: content.level?.framework ?? null,
    level_value: content.level?.value ?? null,
    hours: content.workload?.hours ?? null,
    credit_points: content.workload?.creditPoints?.value ?? null,
    cost_amount: content.cost?.amount ?? null,
    cost_currency: content.cost?.currency ?? null,
    delivery_mode: content.participation?.mode ?? null,
    assessment_type: content.assessment?.type ?? null,
    languages: [...new Set((content.languages ?? []).map((language) => language.toLowerCase()))],
    skill_uris: skillUrisOf(content),
    search_text: searchText,
  };
}

/** The top-level content fields whose values differ. */
function changedFields(before: DefinitionContent, after: DefinitionContent): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  return [...keys].filter((key) => canonicalJson(b[key] ?? null) !== canonicalJson(a[key] ?? null)).sort();
}

function checkText(value: string, pointer: string, max: number, what: string): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text.length === 0 || text.length > max) {
    throw AppError.validation(`${what} must be 1 to ${max} characters`, [
      { in: 'body', pointer, message: `must be 1 to ${max} characters` },
    ]);
  }
  return text;
}

function wrongState(row: CredentialDefinitionRow, action: string): AppError {
  if (row.source === 'external') {
    return new AppError('invalid_state', 'External catalogue entries change only by import', {
      detail: `This is an external catalogue entry (from ${row.provider_name}); it cannot be ${action}. Re-import the provider's file to change it.`,
    });
  }
  const explain: Record<DefinitionStatus, string> = {
    draft: 'It is a draft: edit it, submit it for review, and a reviewer publishes it',
    in_review: 'It is in review: return it to draft to change it',
    published:
      'It is published, and a published definition never changes: make a new version (POST …/versions) and publish that',
    retired: 'It is retired: make a new version to offer it again',
  };
  return new AppError('invalid_state', `This definition cannot be ${action} now`, {
    detail: `This definition (version ${row.version}) cannot be ${action}. ${explain[row.status]}.`,
  });
}

function asContent(row: { content: unknown }): DefinitionContent {
  return row.content as DefinitionContent;
}

/**
 * The credential catalogue: definitions (draft → in review → published → retired, versioned; a published
 * version never changes), imports of external catalogues, exports (OB 3.0 Achievement, CTDL) and the
 * public searchable catalogue. Conformance and quality reports are computed and stored on every write.
 */
/** Aligned entries read per gap skill for a learning path, before the optimiser's own pruning. */
export const PATH_CANDIDATES_PER_SKILL = 30;
/**
 * How far down each gap skill's list (cheapest or shortest first) an entry's coverage of the gap is counted:
 * PATH_CANDIDATES_PER_SKILL times this. Counting over whole lists would read every aligned row of the gap.
 */
export const PATH_COVERAGE_WINDOW_FACTOR = 3;

function prerequisiteIds(value: unknown): string[] {
  return Array.isArray(value)
    ? [...new Set(value.filter((id): id is string => typeof id === 'string' && isUuid(id)))]
    : [];
}

function prerequisitesOf(rows: Array<{ prerequisites: unknown }>): string[] {
  return [...new Set(rows.flatMap((row) => prerequisiteIds(row.prerequisites)))].sort();
}

export function createCatalogueService(deps: CatalogueServiceDeps) {
  const repo = createCatalogueRepository();
  const { clock, ids, audit, organisations, skills, instruments } = deps;
  const baseUrl = deps.config.publicUrl.href.replace(/\/$/, '');

  /** The public page and URI of a definition version (the OB 3.0 Achievement id of its credentials). */
  function definitionUrl(id: string): string {
    return `${baseUrl}/definitions/${id}`;
  }

  function transaction<T>(work: (trx: Db) => Promise<T>): Promise<T> {
    return deps.db.transaction().execute(work);
  }

  interface SkillInfo {
    resolved: Map<string, ResolvedSkill>;
    signals: Map<string, SkillSignal>;
  }

  async function skillInfo(trx: Db, uris: string[]): Promise<SkillInfo> {
    if (!skills || uris.length === 0) return { resolved: new Map(), signals: new Map() };
    const resolved = await skills.resolveSkills({ uris, trx });
    const signals = await skills.skillSignals({ uris, trx });
    return { resolved, signals };
  }

  /** Fills in labels and frameworks the skills store knows, where the content left them out. */
  function withSkillLabels(content: DefinitionContent, info: SkillInfo): DefinitionContent {
    if (info.resolved.size === 0) return content;
    const fill = (skill: SkillRef): SkillRef => {
      const known = info.resolved.get(skill.uri);
      if (!known) return skill;
      return {
        ...skill,
        ...(skill.label === undefined ? { label: known.label } : {}),
        ...(skill.framework === undefined ? { framework: known.framework } : {}),
      };
    };
    return {
      ...content,
      ...(content.skills ? { skills: content.skills.map(fill) } : {}),
      ...(content.learningOutcomes
        ? {
            learningOutcomes: content.learningOutcomes.map((outcome) =>
              outcome.skills ? { ...outcome, skills: outcome.skills.map(fill) } : outcome,
            ),
          }
        : {}),
    };
  }

  function qualityContext(row: { source: DefinitionSource }, info: SkillInfo): QualityContext {
    return {
      now: clock.now(),
      // Without a skills module nothing can be confirmed as framework-aligned.
      isFrameworkSkill: (uri) => info.resolved.get(uri)?.isFrameworkSkill ?? false,
      skillDemand: (uri) => {
        const signal = info.signals.get(uri);
        return signal ? { hot: signal.hot, inDemand: signal.inDemand } : undefined;
      },
      // An organisation on this platform signs with its own did:web; an imported provider is only a name.
      issuerRecognised: row.source === 'own',
    };
  }

  /** What the assessment modules say about the version's instruments. */
  async function assessmentOf(
    trx: Db,
    row: { id: string; source: DefinitionSource; content: unknown },
  ): Promise<AssessmentState> {
    const spec = asContent(row).assessment;
    if (!spec) {
      return {
        ready: false,
        problems: [
          'The definition has no assessment: completion-only badges are not micro-credentials. Add content.assessment and attach a test or rubric (or choose type "external" for results from another system).',
        ],
      };
    }
    // External entries are assessed by their provider; results from an LMS need no instrument here.
    if (row.source === 'external' || spec.type === 'external') return { ready: true, problems: [] };
    const reports: InstrumentReadiness[] = [];
    for (const instrument of instruments) {
      const report = await instrument.readiness({ definitionId: row.id, trx });
      if (report) reports.push(report);
    }
    if (reports.some((report) => report.ready)) return { ready: true, problems: [] };
    const problems = reports.flatMap((report) => report.problems);
    return {
      ready: false,
      problems:
        problems.length > 0
          ? problems
          : [
              `No ${spec.type} instrument is attached to this version: build the test or rubric in the assessment module before publishing.`,
            ],
    };
  }

  function factsOf(
    row: Pick<
      CredentialDefinitionRow,
      | 'id'
      | 'series_id'
      | 'version'
      | 'source'
      | 'status'
      | 'provider_name'
      | 'provider_url'
      | 'source_uri'
      | 'external_id'
      | 'verifiable'
      | 'published_at'
      | 'updated_at'
      | 'supersedes_id'
    > & { content: unknown },
    assessmentReady: boolean,
  ): DefinitionFacts {
    const content = asContent(row);
    const external = row.source === 'external';
    const ctid =
      external && row.external_id && /^ce-[0-9a-f-]{36}$/i.test(row.external_id)
        ? row.external_id.toLowerCase()
        : `ce-${row.series_id}`;
    return {
      content,
      source: row.source,
      seriesId: row.series_id,
      version: row.version,
      status: row.status,
      provider: {
        name: row.provider_name,
        url: row.provider_url,
        country: content.issuerCountries?.[0] ?? null,
      },
      uri: external ? (row.source_uri ?? definitionUrl(row.id)) : definitionUrl(row.id),
      ctid,
      assessmentReady,
      verifiable: row.verifiable,
      publishedAt: row.published_at,
      updatedAt: row.updated_at,
      previousVersionUri: row.supersedes_id ? definitionUrl(row.supersedes_id) : null,
    };
  }

  type Evaluable = Parameters<typeof factsOf>[0];

  function reportsOf(row: Evaluable, assessment: AssessmentState, info: SkillInfo) {
    const facts = factsOf(row, assessment.ready);
    return {
      conformance: conformanceReport(facts),
      quality: qualityReport(facts, qualityContext(row, info)),
    };
  }

  /** The stored copies of the reports and of the filter columns, for an insert or update. */
  function storedColumns(
    content: DefinitionContent,
    providerName: string,
    reports: ReturnType<typeof reportsOf>,
  ) {
    return {
      content: JSON.stringify(content),
      conformance: JSON.stringify(reports.conformance),
      quality: JSON.stringify(reports.quality),
      quality_score: Math.round(reports.quality.score),
      ...definitionFilterColumns(content, providerName),
    };
  }

  /** Resolves skills, labels them, evaluates the version and writes content, reports and filter columns. */
  async function saveEvaluated(
    trx: Db,
    row: CredentialDefinitionRow,
    content: DefinitionContent,
    extra: Partial<NewDefinitionRow> = {},
  ): Promise<{ row: CredentialDefinitionRow; details: Omit<DefinitionDetails, 'versions'> }> {
    const info = await skillInfo(trx, skillUrisOf(content));
    const labelled = withSkillLabels(content, info);
    const status = (extra.status as DefinitionStatus | undefined) ?? row.status;
    const candidate = { ...row, ...extra, status, content: labelled } as CredentialDefinitionRow;
    const assessment = await assessmentOf(trx, candidate);
    const reports = reportsOf(candidate, assessment, info);
    const updated = await repo.updateDefinition(trx, row.id, {
      ...extra,
      ...storedColumns(labelled, row.provider_name, reports),
      updated_at: clock.now(),
    });
    return {
      row: updated,
      details: { record: updated, uri: definitionUrl(updated.id), assessment, ...reports },
    };
  }

  async function versionsOf(db: Db, seriesId: string): Promise<SeriesVersion[]> {
    const rows = await repo.seriesVersions(db, seriesId);
    return rows.map((row) => ({
      id: row.id,
      version: row.version,
      status: row.status,
      publishedAt: row.published_at,
      retiredAt: row.retired_at,
      supersededById: row.superseded_by_id,
    }));
  }

  /**
   * The reports of a version as they stand: stored ones for published and retired versions (which never
   * change), computed afresh for drafts (an instrument may have been attached since the last save).
   */
  async function detailsOf(db: Db, row: CredentialDefinitionRow): Promise<DefinitionDetails> {
    const versions = await versionsOf(db, row.series_id);
    const frozen = row.status === 'published' || row.status === 'retired';
    if (frozen && row.conformance && row.quality) {
      return {
        record: row,
        uri: definitionUrl(row.id),
        conformance: row.conformance as unknown as ConformanceReport,
        quality: row.quality as unknown as QualityReport,
        assessment: { ready: true, problems: [] },
        versions,
      };
    }
    const info = await skillInfo(db, row.skill_uris);
    const assessment = frozen ? { ready: true, problems: [] } : await assessmentOf(db, row);
    return {
      record: row,
      uri: definitionUrl(row.id),
      assessment,
      ...reportsOf(row, assessment, info),
      versions,
    };
  }

  async function lockOwnDefinition(trx: Db, organisationId: string, id: string) {
    const row = isUuid(id) ? await repo.lockDefinition(trx, organisationId, id) : undefined;
    if (!row) throw AppError.notFound('Definition');
    return row;
  }

  async function writeAccess(
    actor: Actor,
    slug: string,
    permission: 'definitions:manage' | 'definitions:publish',
    trx: Db,
  ) {
    return organisations.requireAccess({ actor, slug, permission, trx, lock: true });
  }

  // Lifecycle ------------------------------------------------------------------------------------------------

  /** A new series: draft version 1 of the content (validated strictly; mandatory elements may still be missing). */
  async function createDefinition(options: {
    actor: Actor;
    slug: string;
    content: DefinitionContent;
  }): Promise<DefinitionDetails> {
    const content = mintOutcomeIds(checkContent(options.content));
    return transaction(async (trx) => {
      const access = await writeAccess(options.actor, options.slug, 'definitions:manage', trx);
      const organisation = access.organisation;
      const now = clock.now();
      const { actorType, actorId } = actorRef(options.actor);
      const inserted = await repo.insertDefinition(trx, {
        id: ids(),
        series_id: ids(),
        version: 1,
        organisation_id: organisation.id,
        source: 'own',
        status: 'draft',
        title: content.title,
        content: JSON.stringify(content),
        provider_name: organisation.name,
        provider_url: organisation.url,
        created_by_type: actorType,
        created_by_id: actorId,
        created_at: now,
        updated_at: now,
      });
      const saved = await saveEvaluated(trx, inserted, content);
      await audit.record(trx, {
        type: 'definition.created',
        actor: options.actor,
        organisationId: organisation.id,
        subject: { type: 'definition', id: inserted.id },
        data: { seriesId: inserted.series_id, version: 1, title: content.title },
      });
      return { ...saved.details, versions: await versionsOf(trx, inserted.series_id) };
    });
  }

  /** Replaces a draft's content (PUT semantics). Anything but a draft of our own is 409 invalid_state. */
  async function updateDefinition(options: {
    actor: Actor;
    slug: string;
    id: string;
    content: DefinitionContent;
  }): Promise<DefinitionDetails> {
    const content = mintOutcomeIds(checkContent(options.content));
    return transaction(async (trx) => {
      const access = await writeAccess(options.actor, options.slug, 'definitions:manage', trx);
      const row = await lockOwnDefinition(trx, access.organisation.id, options.id);
      if (row.source !== 'own' || row.status !== 'draft') throw wrongState(row, 'edited');
      const saved = await saveEvaluated(trx, row, content);
      // Recorded even when nothing changed (fields: []): the draft was saved, and its reports recomputed.
      await audit.record(trx, {
        type: 'definition.updated',
        actor: options.actor,
        organisationId: access.organisation.id,
        subject: { type: 'definition', id: row.id },
        data: { fields: changedFields(asContent(row), asContent(saved.row)) },
      });
      return { ...saved.details, versions: await versionsOf(trx, row.series_id) };
    });
  }

  /** draft → in review. */
  async function submitDefinition(options: {
    actor: Actor;
    slug: string;
    id: string;
  }): Promise<DefinitionDetails> {
    return transaction(async (trx) => {
      const access = await writeAccess(options.actor, options.slug, 'definitions:manage', trx);
      const row = await lockOwnDefinition(trx, access.organisation.id, options.id);
      if (row.source !== 'own' || row.status !== 'draft') throw wrongState(row, 'submitted for review');
      const now = clock.now();
      const updated = await repo.updateDefinition(trx, row.id, {
        status: 'in_review',
        submitted_at: now,
        updated_at: now,
      });
      await audit.record(trx, {
        type: 'definition.submitted',
        actor: options.actor,
        organisationId: access.organisation.id,
        subject: { type: 'definition', id: row.id },
        data: { version: row.version },
      });
      return detailsOf(trx, updated);
    });
  }

  /** in review → draft, with the reviewer's comment (shown on the draft until it is submitted again). */
  async function returnToDraft(options: {
    actor: Actor;
    slug: string;
    id: string;
    comment: string;
  }): Promise<DefinitionDetails> {
    const comment = checkText(options.comment, '/comment', MAX_COMMENT, 'The review comment');
    return transaction(async (trx) => {
      const access = await writeAccess(options.actor, options.slug, 'definitions:publish', trx);
      const row = await lockOwnDefinition(trx, access.organisation.id, options.id);
      if (row.source !== 'own' || row.status !== 'in_review') throw wrongState(row, 'returned to draft');
      const updated = await repo.updateDefinition(trx, row.id, {
        status: 'draft',
        review_comment: comment,
        updated_at: clock.now(),
      });
      await audit.record(trx, {
        type: 'definition.returned',
        actor: options.actor,
        organisationId: access.organisation.id,
        subject: { type: 'definition', id: row.id },
        data: { comment },
      });
      return detailsOf(trx, updated);
    });
  }

  /**
   * in review → published. Refused (422 definition_not_publishable, every problem listed) while a mandatory
   * standard element is missing or no assessment instrument is ready. The series' previous published
   * version is retired, superseded by this one; credentials already earned keep pointing at theirs.
   */
  async function publishDefinition(options: {
    actor: Actor;
    slug: string;
    id: string;
  }): Promise<DefinitionDetails> {
    return transaction(async (trx) => {
      const access = await writeAccess(options.actor, options.slug, 'definitions:publish', trx);
      const organisationId = access.organisation.id;
      const found = await lockOwnDefinition(trx, organisationId, options.id);
      const series = await repo.lockSeries(trx, found.series_id);
      const row = series.find((version) => version.id === found.id) ?? found;
      if (row.source !== 'own' || row.status !== 'in_review') {
        throw row.status === 'draft' && row.source === 'own'
          ? new AppError('invalid_state', 'Submit the definition for review before publishing it', {
              detail:
                'This definition is a draft: submit it for review (POST …/submit) first; a reviewer then publishes it.',
            })
          : wrongState(row, 'published');
      }
      const now = clock.now();
      const previous = series.find((version) => version.status === 'published' && version.id !== row.id);
      const content = asContent(row);
      const info = await skillInfo(trx, skillUrisOf(content));
      const assessment = await assessmentOf(trx, row);
      const candidate: CredentialDefinitionRow = {
        ...row,
        status: 'published',
        published_at: now,
        updated_at: now,
        supersedes_id: previous?.id ?? row.supersedes_id,
      };
      const reports = reportsOf(candidate, assessment, info);
      const fields: FieldProblem[] = [
        ...reports.conformance.missing.map((element) => ({
          in: 'definition',
          pointer: element.field ?? '',
          message: `${element.label} (${element.standard.toUpperCase()} ${element.id}) is missing${element.message ? `: ${element.message}` : ''}`,
        })),
        ...assessment.problems.map((message) => ({ in: 'assessment', pointer: '/assessment', message })),
      ];
      if (!reports.conformance.publishable || !assessment.ready) {
        throw new AppError('definition_not_publishable', 'This definition cannot be published yet', {
          detail: `This definition cannot be published yet; ${fields.length} problem${fields.length === 1 ? '' : 's'}: ${fields.map((field) => field.message).join('; ')}`,
          fields,
        });
      }
      if (previous) {
        await repo.updateDefinition(trx, previous.id, {
          status: 'retired',
          superseded_by_id: row.id,
          retired_at: now,
          updated_at: now,
        });
        await audit.record(trx, {
          type: 'definition.retired',
          actor: options.actor,
          organisationId,
          subject: { type: 'definition', id: previous.id },
          data: { reason: `Superseded by version ${row.version}`, supersededById: row.id },
        });
      }
      const published = await repo.updateDefinition(trx, row.id, {
        status: 'published',
        published_at: now,
        updated_at: now,
        supersedes_id: candidate.supersedes_id,
        review_comment: null,
        conformance: JSON.stringify(reports.conformance),
        quality: JSON.stringify(reports.quality),
        quality_score: Math.round(reports.quality.score),
      });
      await audit.record(trx, {
        type: 'definition.published',
        actor: options.actor,
        organisationId,
        subject: { type: 'definition', id: row.id },
        data: {
          seriesId: row.series_id,
          version: row.version,
          qualityScore: Math.round(reports.quality.score),
          supersedesId: previous?.id ?? null,
        },
      });
      return { ...(await detailsOf(trx, published)), assessment };
    });
  }

  /** published → retired: no longer offered or listed; its page stays for the credentials already earned. */
  async function retireDefinition(options: {
    actor: Actor;
    slug: string;
    id: string;
    reason: string;
  }): Promise<DefinitionDetails> {
    const reason = checkText(options.reason, '/reason', MAX_REASON, 'The reason');
    return transaction(async (trx) => {
      const access = await writeAccess(options.actor, options.slug, 'definitions:publish', trx);
      const row = await lockOwnDefinition(trx, access.organisation.id, options.id);
      if (row.source !== 'own' || row.status !== 'published') throw wrongState(row, 'retired');
      const now = clock.now();
      const updated = await repo.updateDefinition(trx, row.id, {
        status: 'retired',
        retired_at: now,
        updated_at: now,
      });
      await audit.record(trx, {
        type: 'definition.retired',
        actor: options.actor,
        organisationId: access.organisation.id,
        subject: { type: 'definition', id: row.id },
        data: { reason, supersededById: null },
      });
      return detailsOf(trx, updated);
    });
  }

  /**
   * A draft version n+1 of the series, copying the content of the latest version (published or retired) and,
   * through each assessment module, its instruments. One draft per series at a time.
   */
  async function createVersion(options: {
    actor: Actor;
    slug: string;
    id: string;
  }): Promise<DefinitionDetails> {
    return transaction(async (trx) => {
      const access = await writeAccess(options.actor, options.slug, 'definitions:publish', trx);
      const organisationId = access.organisation.id;
      const found = await lockOwnDefinition(trx, organisationId, options.id);
      if (found.source !== 'own') throw wrongState(found, 'versioned');
      const series = await repo.lockSeries(trx, found.series_id);
      const latest = series[0] ?? found;
      const from = series.find((version) => version.id === found.id) ?? found;
      if (from.status !== 'published' && from.status !== 'retired') throw wrongState(from, 'versioned');
      if (latest.status === 'draft' || latest.status === 'in_review') {
        throw new AppError(
          'conflict',
          `Version ${latest.version} of this definition is already being prepared`,
          {
            detail: `Version ${latest.version} (${latest.id}) is ${latest.status === 'draft' ? 'a draft' : 'in review'}: edit it rather than starting another.`,
          },
        );
      }
      if (latest.id !== from.id) {
        throw new AppError('invalid_state', 'Only the latest version can be versioned', {
          detail: `This is version ${from.version}; the latest is version ${latest.version} (${latest.id}). Make the new version from that one.`,
        });
      }
      const now = clock.now();
      const { actorType, actorId } = actorRef(options.actor);
      const content = asContent(from);
      const inserted = await repo.insertDefinition(trx, {
        id: ids(),
        series_id: from.series_id,
        version: latest.version + 1,
        organisation_id: organisationId,
        source: 'own',
        status: 'draft',
        title: content.title,
        content: JSON.stringify(content),
        provider_name: access.organisation.name,
        provider_url: access.organisation.url,
        supersedes_id: from.id,
        created_by_type: actorType,
        created_by_id: actorId,
        created_at: now,
        updated_at: now,
      });
      for (const instrument of instruments) {
        await instrument.copyForNewVersion({ fromDefinitionId: from.id, toDefinitionId: inserted.id, trx });
      }
      const saved = await saveEvaluated(trx, inserted, content);
      await audit.record(trx, {
        type: 'definition.version_created',
        actor: options.actor,
        organisationId,
        subject: { type: 'definition', id: inserted.id },
        data: { seriesId: from.series_id, version: inserted.version, fromId: from.id },
      });
      return { ...saved.details, versions: await versionsOf(trx, from.series_id) };
    });
  }

  // Reading --------------------------------------------------------------------------------------------------

  async function listDefinitions(options: {
    actor: Actor;
    slug: string;
    status?: DefinitionStatus;
    source?: DefinitionSource;
    limit: number;
    offset: number;
  }): Promise<{ definitions: CredentialDefinitionRow[]; total: number }> {
    const access = await organisations.requireAccess({ ...options, permission: 'definitions:read' });
    const { rows, total } = await repo.listDefinitions(deps.db, {
      organisationId: access.organisation.id,
      status: options.status,
      source: options.source,
      limit: options.limit,
      offset: options.offset,
    });
    return { definitions: rows, total };
  }

  async function readableDefinition(options: { actor: Actor; slug: string; id: string }) {
    const access = await organisations.requireAccess({ ...options, permission: 'definitions:read' });
    const row = isUuid(options.id)
      ? await repo.findDefinition(deps.db, access.organisation.id, options.id)
      : undefined;
    if (!row) throw AppError.notFound('Definition');
    return row;
  }

  async function getDefinition(options: {
    actor: Actor;
    slug: string;
    id: string;
  }): Promise<DefinitionDetails> {
    return detailsOf(deps.db, await readableDefinition(options));
  }

  async function exportFacts(db: Db, row: CredentialDefinitionRow): Promise<DefinitionFacts> {
    const frozen = row.status === 'published' || row.status === 'retired';
    const ready = frozen || (await assessmentOf(db, row)).ready;
    return factsOf(row, ready);
  }

  /** The organisation's definition (any status) as an OB 3.0 Achievement or a CTDL document. */
  async function exportDefinition(options: {
    actor: Actor;
    slug: string;
    id: string;
    format: 'ob3' | 'ctdl';
  }): Promise<Record<string, unknown>> {
    const row = await readableDefinition(options);
    const facts = await exportFacts(deps.db, row);
    return options.format === 'ob3' ? toOpenBadgeAchievement(facts) : toCtdl(facts);
  }

  // Public catalogue -------------------------------------------------------------------------------------------

  /** A published (or, for earned credentials' sake, retired) version with its reports; null otherwise. */
  async function getPublicDefinition(options: { id: string }): Promise<PublicDefinitionDetails | null> {
    if (!isUuid(options.id)) return null;
    const found = await repo.findPublicDefinition(deps.db, options.id);
    if (!found) return null;
    const { organisation_slug, ...row } = found;
    return { ...(await detailsOf(deps.db, row)), organisationSlug: organisation_slug };
  }

  async function exportPublicDefinition(options: {
    id: string;
    format: 'ob3' | 'ctdl';
  }): Promise<Record<string, unknown> | null> {
    if (!isUuid(options.id)) return null;
    const found = await repo.findPublicDefinition(deps.db, options.id);
    if (!found) return null;
    const { organisation_slug: _slug, ...row } = found;
    const facts = factsOf(row, true);
    return options.format === 'ob3' ? toOpenBadgeAchievement(facts) : toCtdl(facts);
  }

  /** Published own definitions of every organisation and external entries, searched and filtered. */
  async function searchCatalogue(
    options: CatalogueSearchOptions,
  ): Promise<{ entries: CatalogueSearchRow[]; total: number; totalExact: boolean }> {
    const text = options.text?.trim();
    const sort = options.sort ?? (text ? 'relevance' : 'quality');
    const { rows, total, totalExact } = await repo.search(deps.db, {
      ...options,
      text: text || undefined,
      sort,
    });
    return { entries: rows, total, totalExact };
  }

  // External catalogue --------------------------------------------------------------------------------------

  /** `defaultProvider` (the importing organisation) names the provider of entries whose file names none. */
  function parse(
    format: ImportFormat,
    content: string,
    defaultProvider: ImportOptions['defaultProvider'],
  ): ImportResult {
    const options: ImportOptions = { defaultProvider };
    try {
      if (format === 'csv') return parseCatalogueCsv(content, options);
      if (format === 'ctdl') return parseCtdl(content, options);
      return parseOpenBadgeAchievements(content, options);
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw AppError.validation(`The ${format} file could not be read: ${(error as Error).message}`, [
        { in: 'file', pointer: '', message: (error as Error).message },
      ]);
    }
  }

  /** The parser's entries, each checked against the definition schema; duplicates and bad entries become problems. */
  function checkEntries(result: ImportResult): {
    entries: ImportedEntry[];
    problems: ImportProblem[];
    invalid: number;
  } {
    const problems = [...result.problems];
    const entries: ImportedEntry[] = [];
    const seen = new Set<string>();
    for (const entry of result.entries) {
      const where = `entry "${entry.externalId}"`;
      if (seen.has(entry.externalId)) {
        problems.push({
          location: where,
          message: 'appears more than once in the file (ids must be unique)',
        });
        continue;
      }
      seen.add(entry.externalId);
      if (!validateContent(entry.content)) {
        const error = invalidContent('', validateContent.errors);
        for (const field of error.fields ?? []) {
          problems.push({ location: where, message: `${field.pointer || '(content)'} ${field.message}` });
        }
        continue;
      }
      entries.push(entry);
    }
    // Problems name where they are: an entry (row, JSON pointer) or the file; each place is left out once.
    return { entries, problems, invalid: new Set(problems.map((problem) => problem.location)).size };
  }

  function fingerprintOf(entry: ImportedEntry): string {
    return sha256Hex(
      canonicalJson({
        content: entry.content,
        sourceUri: entry.sourceUri,
        provider: entry.provider,
        verifiable: entry.verifiable,
      }),
    );
  }

  /**
   * Imports third-party credentials from a CTDL, OB 3.0 Achievement or CSV file. All or nothing: any problem
   * refuses the whole file (422, every problem listed) unless `skipInvalid`, which imports the valid entries.
   * Idempotent on (organisation, external id): an unchanged entry is left alone, a changed one is updated in
   * place (external entries are the provider's to version, not ours). `dryRun` reports without writing.
   */
  async function importCatalogue(options: {
    actor: Actor;
    slug: string;
    format: ImportFormat;
    content: string;
    skipInvalid?: boolean;
    dryRun?: boolean;
  }): Promise<ImportReport> {
    const { format } = options;
    if (!IMPORT_FORMATS.includes(format)) {
      throw AppError.validation(`Unknown import format "${format}"`, [
        { in: 'body', pointer: '/format', message: `must be one of ${IMPORT_FORMATS.join(', ')}` },
      ]);
    }
    const dryRun = options.dryRun === true;
    const work = async (trx: Db): Promise<ImportReport> => {
      const access = await organisations.requireAccess({
        actor: options.actor,
        slug: options.slug,
        permission: 'definitions:manage',
        trx,
        lock: !dryRun,
      });
      const organisationId = access.organisation.id;
      const organisation = access.organisation;
      const checked = checkEntries(
        parse(format, options.content, {
          name: organisation.name,
          ...(organisation.url ? { url: organisation.url } : {}),
        }),
      );
      const { entries, problems } = checked;
      if (problems.length > 0 && !options.skipInvalid) {
        throw new AppError('validation_failed', 'The file has problems; nothing was imported', {
          detail: `The ${format} file has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was imported. Fix ${problems.length === 1 ? 'it' : 'them'}, or pass skipInvalid to import only the ${entries.length} valid entr${entries.length === 1 ? 'y' : 'ies'}. ${problems
            .slice(0, 5)
            .map((problem) => `${problem.location || '(file)'}: ${problem.message}`)
            .join('; ')}${problems.length > 5 ? '; …' : ''}`,
          fields: problems.map((problem) => ({
            in: 'file',
            pointer: problem.location,
            message: problem.message,
          })),
        });
      }
      if (entries.length === 0 && problems.length === 0) {
        throw AppError.validation(`The ${format} file holds no catalogue entries`, [
          { in: 'file', pointer: '', message: 'holds no entries' },
        ]);
      }
      const existing = new Map<string, CredentialDefinitionRow>();
      const externalIds = entries.map((entry) => entry.externalId);
      for (let start = 0; start < externalIds.length; start += 1000) {
        for (const row of await repo.findExternalEntries(
          trx,
          organisationId,
          externalIds.slice(start, start + 1000),
        )) {
          if (row.external_id) existing.set(row.external_id, row);
        }
      }
      const report: ImportReport = {
        format,
        dryRun,
        created: 0,
        updated: 0,
        unchanged: 0,
        skipped: checked.invalid,
        problems,
        entries: [],
      };
      const changed = entries.filter(
        (entry) => existing.get(entry.externalId)?.source_fingerprint !== fingerprintOf(entry),
      );
      const info = dryRun
        ? { resolved: new Map(), signals: new Map() }
        : await skillInfo(trx, [...new Set(changed.flatMap((entry) => skillUrisOf(entry.content)))]);
      const now = clock.now();
      const { actorType, actorId } = actorRef(options.actor);
      for (const entry of entries) {
        const current = existing.get(entry.externalId);
        const fingerprint = fingerprintOf(entry);
        if (current && current.source_fingerprint === fingerprint) {
          report.unchanged++;
          report.entries.push({
            externalId: entry.externalId,
            id: current.id,
            title: current.title,
            change: 'unchanged',
          });
          continue;
        }
        const change = current ? 'updated' : 'created';
        report[change]++;
        const id = current?.id ?? ids();
        report.entries.push({ externalId: entry.externalId, id, title: entry.content.title, change });
        if (dryRun) continue;
        const content = withSkillLabels(mintOutcomeIds(entry.content), info);
        const base = {
          id,
          series_id: current?.series_id ?? ids(),
          version: current?.version ?? 1,
          source: 'external' as const,
          status: 'published' as const,
          provider_name: entry.provider.name,
          provider_url: entry.provider.url ?? null,
          source_uri: entry.sourceUri,
          external_id: entry.externalId,
          verifiable: entry.verifiable,
          published_at: current?.published_at ?? now,
          updated_at: now,
          supersedes_id: null,
          content,
        };
        const reports = reportsOf(base, { ready: Boolean(content.assessment), problems: [] }, info);
        const columns = {
          provider_name: base.provider_name,
          provider_url: base.provider_url,
          source_uri: base.source_uri,
          verifiable: base.verifiable,
          source_fingerprint: fingerprint,
          updated_at: now,
          ...storedColumns(content, base.provider_name, reports),
        };
        if (current) {
          await repo.updateDefinition(trx, current.id, columns);
        } else {
          await repo.insertDefinition(trx, {
            ...columns,
            id,
            series_id: base.series_id,
            version: 1,
            organisation_id: organisationId,
            source: 'external',
            status: 'published',
            external_id: entry.externalId,
            created_by_type: actorType,
            created_by_id: actorId,
            created_at: now,
            published_at: now,
          });
        }
        await audit.record(trx, {
          type: 'definition.imported',
          actor: options.actor,
          organisationId,
          subject: { type: 'definition', id },
          data: { externalId: entry.externalId, change, format },
        });
      }
      if (!dryRun && report.created + report.updated > 0) {
        await audit.record(trx, {
          type: 'catalogue.imported',
          actor: options.actor,
          organisationId,
          subject: { type: 'organisation', id: organisationId },
          data: {
            format,
            created: report.created,
            updated: report.updated,
            unchanged: report.unchanged,
            skipped: report.skipped,
          },
        });
      }
      return report;
    };
    return transaction(work);
  }

  // Ports for other modules ---------------------------------------------------------------------------------

  /** DefinitionLookup: any version by id, whatever its status (callers decide what they accept). */
  async function getDefinitionRecord(options: {
    definitionId: string;
    trx?: Db;
  }): Promise<DefinitionRecord | null> {
    if (!isUuid(options.definitionId)) return null;
    const row = await repo.findById(options.trx ?? deps.db, options.definitionId);
    return row ? recordOf(row) : null;
  }

  /** Many versions in one read (any status), by id; ids that are no version are simply absent. */
  async function getDefinitionRecords(options: {
    definitionIds: readonly string[];
    trx?: Db;
  }): Promise<Map<string, DefinitionRecord>> {
    const ids = [...new Set(options.definitionIds)].filter(isUuid);
    const rows = await repo.findByIds(options.trx ?? deps.db, ids);
    return new Map(rows.map((row) => [row.id, recordOf(row)]));
  }

  function recordOf(
    row: Pick<
      CredentialDefinitionRow,
      'id' | 'series_id' | 'version' | 'organisation_id' | 'status' | 'source' | 'title' | 'content'
    >,
  ): DefinitionRecord {
    return {
      id: row.id,
      seriesId: row.series_id,
      version: row.version,
      organisationId: row.organisation_id,
      status: row.status,
      source: row.source,
      title: row.title,
      content: asContent(row),
      uri: definitionUrl(row.id),
    };
  }

  /**
   * What a credential earned for the version embeds: the OB 3.0 achievement (its id is the version's URI),
   * the validity in months (null: does not expire), the owning organisation and the title. 404 when the
   * version does not exist; status is the caller's to judge.
   */
  async function achievementFor(options: { definitionId: string; trx?: Db }): Promise<{
    achievement: AchievementInput;
    validityMonths: number | null;
    organisationId: string;
    title: string;
  }> {
    const db = options.trx ?? deps.db;
    const row = isUuid(options.definitionId) ? await repo.findById(db, options.definitionId) : undefined;
    if (!row) throw AppError.notFound('Definition');
    const facts = await exportFacts(db, row);
    return {
      achievement: achievementInputFor(facts),
      validityMonths: asContent(row).validity?.months ?? null,
      organisationId: row.organisation_id,
      title: row.title,
    };
  }

  /**
   * The credentials list: the ids of every version of a series that the organisation owns; empty for an
   * unknown series or another organisation's (the caller has authorised its actor for the organisation).
   */
  async function seriesVersionIds(options: {
    organisationId: string;
    seriesId: string;
    trx?: Db;
  }): Promise<string[]> {
    if (!isUuid(options.seriesId)) return [];
    return repo.seriesVersionIdsOf(options.trx ?? deps.db, options.organisationId, options.seriesId);
  }

  /** Pathways: what each series is now (published version, else latest); unknown series are absent. */
  async function getSeriesSummaries(options: {
    seriesIds: readonly string[];
    trx?: Db;
  }): Promise<Map<string, SeriesSummary>> {
    const ids = [...new Set(options.seriesIds)].filter(isUuid);
    const rows = await repo.findSeriesSummaryRows(options.trx ?? deps.db, ids);
    return new Map(
      rows.map((row) => [
        row.series_id,
        {
          seriesId: row.series_id,
          definitionId: row.id,
          version: row.version,
          status: row.status,
          source: row.source,
          organisationId: row.organisation_id,
          title: row.title,
          uri: row.source === 'own' ? definitionUrl(row.id) : (row.source_uri ?? definitionUrl(row.id)),
          creditPoints: row.credit_points,
          hours: row.hours,
          level:
            row.level_framework && row.level_value
              ? { framework: row.level_framework, value: row.level_value }
              : null,
          cost: row.cost_amount === null ? null : { amount: row.cost_amount, currency: row.cost_currency },
          skillUris: [...row.skill_uris],
        },
      ]),
    );
  }

  const lookup: DefinitionLookup = { getDefinitionRecord };

  /**
   * Learning-path candidates (public, published entries only): per gap skill the first PATH_CANDIDATES_PER_SKILL
   * entries aligned to it that pass the filters and fit the budget alone, those covering more of the gap
   * first, then in the objective's order, plus the published version of
   * every transitive prerequisite (unfiltered: the optimiser decides whether a filtered prerequisite makes
   * its dependants unusable). One query for the aligned entries, one per prerequisite level.
   */
  async function findPathCandidates(options: {
    skillUris: string[];
    filters?: PathFilters;
    /** Only entries priced in this currency (or free) are read. */
    budgetCurrency?: string;
    /** Orders the per-skill cap: shortest first for `hours`, else cheapest first; default `cost`. */
    objective?: PathObjective;
    /** Entries that alone exceed it are not read (`maxCost` in `budgetCurrency`, and only with it). */
    budget?: { maxCost?: number; maxHours?: number };
    /** Entries kept per gap skill; PATH_CANDIDATES_PER_SKILL by default. */
    perSkill?: number;
    trx?: Db;
  }): Promise<PathCandidate[]> {
    const db = options.trx ?? deps.db;
    const objective = options.objective ?? 'cost';
    const filters = options.filters ?? {};
    const perSkill = options.perSkill ?? PATH_CANDIDATES_PER_SKILL;
    const rows = await repo.findPathCandidateRows(db, {
      skillUris: [...new Set(options.skillUris)].sort(),
      minQuality: filters.minQuality,
      deliveryModes: filters.deliveryModes,
      languages: filters.languages?.map((tag) => tag.split('-')[0]!.toLowerCase()),
      sources: filters.sources,
      requireCost: objective === 'cost' || options.budgetCurrency !== undefined,
      currency: options.budgetCurrency?.toUpperCase(),
      requireHours: objective === 'hours' || options.budget?.maxHours !== undefined,
      maxCost: options.budgetCurrency !== undefined ? options.budget?.maxCost : undefined,
      maxHours: options.budget?.maxHours,
      order: objective === 'hours' ? 'hours' : 'cost',
      perSkill,
      window: perSkill * PATH_COVERAGE_WINDOW_FACTOR,
    });
    const found = new Map(rows.map((row) => [row.series_id, row]));
    let wanted = prerequisitesOf(rows).filter((series) => !found.has(series));
    // Prerequisite chains are short; the cap only guards against pathological data.
    for (let depth = 0; depth < 20 && wanted.length > 0; depth++) {
      const level = await repo.findPublishedBySeries(db, wanted);
      for (const row of level) found.set(row.series_id, row);
      const asked = new Set(wanted);
      wanted = prerequisitesOf(level).filter((series) => !found.has(series) && !asked.has(series));
    }
    return [...found.values()]
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((row) => ({
        definitionId: row.id,
        seriesId: row.series_id,
        title: row.title,
        providerName: row.provider_name,
        source: row.source,
        skillUris: row.skill_uris,
        cost: row.cost_amount,
        currency: row.cost_currency,
        hours: row.hours,
        qualityScore: row.quality_score,
        deliveryMode: row.delivery_mode,
        languages: row.languages,
        prerequisiteSeriesIds: prerequisiteIds(row.prerequisites),
        url: definitionUrl(row.id),
      }));
  }

  return {
    // Read-only listing for the public issuer page.
    ...createPublishedListing({ db: deps.db, definitionUrl }),
    createDefinition,
    updateDefinition,
    submitDefinition,
    returnToDraft,
    publishDefinition,
    retireDefinition,
    createVersion,
    listDefinitions,
    getDefinition,
    exportDefinition,
    getPublicDefinition,
    exportPublicDefinition,
    searchCatalogue,
    findPathCandidates,
    importCatalogue,
    getDefinitionRecord: lookup.getDefinitionRecord,
    getDefinitionRecords,
    getSeriesSummaries,
    seriesVersionIds,
    achievementFor,
    definitionUrl,
  };
}

export type CatalogueService = ReturnType<typeof createCatalogueService>;
