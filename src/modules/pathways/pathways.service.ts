import { type Actor, actorRef, systemActor } from '../../core/actor.ts';
import type { Clock } from '../../core/clock.ts';
import type { Config } from '../../core/config.ts';
import { AppError, type FieldProblem } from '../../core/errors.ts';
import { type IdGenerator, isUuid } from '../../core/ids.ts';
import type { Logger } from '../../core/logger.ts';
import { verifyEmailIdentity } from '../../core/vc/open-badges.ts';
import type { Db } from '../../db/database.ts';
import type {
  CompletionComponent,
  ComponentRevokedPolicy,
  PathwayCompletionRow,
  PathwayRecognitionRow,
  PathwayVersionRow,
  RecognitionSubmission,
} from '../../db/tables/pathways.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { SeriesSummary } from '../catalogue/catalogue.ports.ts';
import type { CatalogueService } from '../catalogue/catalogue.service.ts';
import type { DefinitionContent } from '../catalogue/definition.model.ts';
import type { IssuedCredentialEvent } from '../credentials/credentials.ports.ts';
import type { CredentialsService } from '../credentials/credentials.service.ts';
import type { OrganisationsService } from '../organisations/organisations.service.ts';
import type { VerificationService } from '../verification/verification.service.ts';
import { type CompletionResult, type ComponentOffer, planCompletion } from './pathway.completion.ts';
import { effectiveCreditFramework, hasCreditMinimums } from './pathway.credits.ts';
import { fromCtdlPathway, toCtdlPathway } from './pathway.ctdl.ts';
import { evaluatePathway, type PathwayEvaluation } from './pathway.evaluator.ts';
import {
  type ComponentNode,
  type CreditFramework,
  componentsOf,
  type Holding,
  type HoldingFacts,
  type Level,
  type PathwayContent,
} from './pathway.model.ts';
import { referencedSeriesIds, structuralProblems, validatePathway } from './pathway.validate.ts';
import { createPathwaysRepository, type PublishedPathwayRow } from './pathways.repository.ts';

export interface PathwaysServiceDeps {
  db: Db;
  clock: Clock;
  ids: IdGenerator;
  config: Pick<Config, 'publicUrl'>;
  audit: AuditService;
  organisations: Pick<OrganisationsService, 'requireAccess'>;
  accounts: {
    findUserById(userId: string, trx?: Db): Promise<{ id: string; email: string; name: string } | undefined>;
  };
  catalogue: Pick<CatalogueService, 'getSeriesSummaries' | 'getDefinitionRecords'>;
  credentials: Pick<
    CredentialsService,
    'listHeldCredentialsOf' | 'issueForDefinition' | 'changeStatus' | 'pageUrl'
  >;
  /** Checks credentials learners submit for recognition of prior learning. */
  verification: Pick<VerificationService, 'verifyCredential'>;
  logger?: Pick<Logger, 'error'>;
}

/** A problem with a pathway's content: the core's structural codes plus the catalogue checks made here. */
export interface PathwayContentProblem {
  code: string;
  /** JSON pointer into the content (or, for a CTDL import, into the document). */
  pointer: string;
  message: string;
}

export interface PathwayDetails {
  pathwayId: string;
  organisationId: string;
  /** Every version, newest first. */
  versions: PathwayVersionRow[];
}

export interface LearnerProgress {
  pathway: PublishedPathwayRow;
  content: PathwayContent;
  userId: string;
  result: CompletionResult;
  /** What each component's series is in the catalogue now (absent: unknown). */
  series: Map<string, SeriesSummary>;
  /** Holding id → what it is, for the components that count. */
  holdingKinds: Map<string, 'credential' | 'recognition'>;
  completion: PathwayCompletionRow | null;
}

export interface CompletionOutcome {
  completion: PathwayCompletionRow;
  /** False when the completion had already been recorded (by this or a concurrent request). */
  created: boolean;
}

const MAX_PAGE = 100;
const MAX_COHORT = 200;
const MAX_NOTE = 2000;
/** The completion planner's budget per request (see docs/pathways.md for what it buys). */
const PLAN_MAX_STEPS = 20_000;

function contentProblemsError(
  detail: string,
  problems: PathwayContentProblem[],
  base: { in: string; prefix: string },
) {
  const fields: FieldProblem[] = problems.map((problem) => ({
    in: base.in,
    pointer: `${base.prefix}${problem.pointer === '/' ? '' : problem.pointer}`,
    message: `${problem.code}: ${problem.message}`,
  }));
  return new AppError('pathway_invalid', detail, { fields });
}

/** A definition version's facts; its credits keep the framework they are stated in (converted on evaluation). */
function factsOf(content: DefinitionContent): HoldingFacts {
  return {
    ...(content.workload?.creditPoints
      ? {
          creditPoints: content.workload.creditPoints.value,
          creditFramework: content.workload.creditPoints.framework,
        }
      : {}),
    ...(content.workload?.hours !== undefined ? { hours: content.workload.hours } : {}),
    ...(content.level ? { level: content.level as Level } : {}),
  };
}

/** The series a version's components name (what `component_series_ids` indexes). */
function componentSeriesIds(content: PathwayContent): string[] {
  return [...new Set(componentsOf(content.root).map((component) => component.seriesId))];
}

function summaryFacts(summary: SeriesSummary | undefined): HoldingFacts | undefined {
  if (!summary) return undefined;
  return {
    ...(summary.creditPoints !== null ? { creditPoints: summary.creditPoints } : {}),
    ...(summary.hours !== null ? { hours: summary.hours } : {}),
    ...(summary.level ? { level: summary.level as Level } : {}),
  };
}

/**
 * Stackable pathways: an organisation's versioned rule trees over catalogue definitions, learners'
 * progress from the credentials they hold (and recognition of prior learning), exactly-once completion with
 * the target credential issued through the credentials service, and CTDL Pathway export and import. The rule
 * semantics live in the pure core (pathway.evaluator.ts, pathway.completion.ts); this service feeds it.
 */
export function createPathwaysService(deps: PathwaysServiceDeps) {
  const repo = createPathwaysRepository();
  const { clock, ids, audit, organisations, catalogue, credentials } = deps;
  const baseUrl = deps.config.publicUrl.href.replace(/\/$/, '');

  function transaction<T>(work: (trx: Db) => Promise<T>): Promise<T> {
    return deps.db.transaction().execute(work);
  }

  /** The public page and URI of a pathway (its CTDL `@id`). */
  function pathwayUrl(id: string): string {
    return `${baseUrl}/pathways/${id}`;
  }

  // Validation against the catalogue --------------------------------------------------------------------------

  /**
   * What the catalogue says of each series now (its published version, else its latest), with the framework
   * its credits are stated in, which the summaries leave out: read from the versions' content (one query).
   */
  async function seriesFactsOf(
    db: Db,
    summaries: Map<string, SeriesSummary>,
  ): Promise<Map<string, HoldingFacts>> {
    const records = await catalogue.getDefinitionRecords({
      definitionIds: [...summaries.values()].map((summary) => summary.definitionId),
      trx: db,
    });
    const facts = new Map<string, HoldingFacts>();
    for (const [seriesId, summary] of summaries) {
      const framework = records.get(summary.definitionId)?.content.workload?.creditPoints?.framework;
      facts.set(seriesId, {
        ...summaryFacts(summary),
        ...(framework && summary.creditPoints !== null ? { creditFramework: framework } : {}),
      });
    }
    return facts;
  }

  /**
   * The framework a pathway counts credits in: its own, else inferred from its components' definitions as they
   * are now (pathway.credits.ts); undefined when it names none and they state none or mix.
   */
  async function creditFrameworkOf(db: Db, content: PathwayContent): Promise<CreditFramework | undefined> {
    if (content.creditFramework) return content.creditFramework;
    const summaries = await catalogue.getSeriesSummaries({ seriesIds: componentSeriesIds(content), trx: db });
    const facts = await seriesFactsOf(db, summaries);
    return effectiveCreditFramework(content, (seriesId) => facts.get(seriesId));
  }

  /**
   * Every problem of the content: schema, structure (cycles, N > M, unreachable minimums, with the
   * definitions' facts) and the catalogue: each component's series must exist and be published; a
   * definition target must be a published own definition of the organisation (it is what completion issues).
   */
  async function contentProblems(
    db: Db,
    organisationId: string,
    input: unknown,
  ): Promise<{ content?: PathwayContent; problems: PathwayContentProblem[] }> {
    const schemaProblems = validatePathway(input);
    if (schemaProblems.some((problem) => problem.code === 'schema')) return { problems: schemaProblems };
    const content = input as PathwayContent;
    const summaries = await catalogue.getSeriesSummaries({
      seriesIds: referencedSeriesIds(content),
      trx: db,
    });
    const facts = await seriesFactsOf(db, summaries);
    const problems: PathwayContentProblem[] = structuralProblems(content, {
      definitionFacts: (seriesId) => facts.get(seriesId),
    });
    const visit = (component: ComponentNode, pointer: string) => {
      const summary = summaries.get(component.seriesId);
      if (!summary) {
        problems.push({
          code: 'unknown_definition',
          pointer: `${pointer}/seriesId`,
          message: `No catalogue definition has the series id ${component.seriesId}`,
        });
      } else if (summary.status === 'retired') {
        problems.push({
          code: 'retired_definition',
          pointer: `${pointer}/seriesId`,
          message: `"${summary.title}" is retired: a pathway cannot ask for it`,
        });
      } else if (summary.status !== 'published') {
        problems.push({
          code: 'unpublished_definition',
          pointer: `${pointer}/seriesId`,
          message: `"${summary.title}" is not published (${summary.status.replace('_', ' ')})`,
        });
      }
    };
    const walkComponents = (node: PathwayContent['root'], pointer: string) => {
      if (node.type === 'component') return visit(node, pointer);
      node.children.forEach((child, index) => {
        walkComponents(child, `${pointer}/children/${index}`);
      });
    };
    walkComponents(content.root, '/root');
    if (content.target.kind === 'definition') {
      const target = summaries.get(content.target.seriesId);
      if (target?.status !== 'published') {
        problems.push({
          code: target
            ? target.status === 'retired'
              ? 'retired_definition'
              : 'unpublished_definition'
            : 'unknown_definition',
          pointer: '/target/seriesId',
          message: target
            ? `The target "${target.title}" is not published`
            : `No catalogue definition has the series id ${content.target.seriesId}`,
        });
      } else if (target.source !== 'own' || target.organisationId !== organisationId) {
        problems.push({
          code: 'target_not_issuable',
          pointer: '/target/seriesId',
          message: `The target "${target.title}" is not this organisation's own definition, so completion could not issue it`,
        });
      }
    }
    return { content, problems };
  }

  async function checkedContent(db: Db, organisationId: string, input: unknown): Promise<PathwayContent> {
    const { content, problems } = await contentProblems(db, organisationId, input);
    if (!content || problems.length > 0) {
      throw contentProblemsError(
        `The pathway has ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems[0]?.message ?? ''}`,
        problems,
        { in: 'body', prefix: '/content' },
      );
    }
    return content;
  }

  // Organisation: authoring ------------------------------------------------------------------------------------

  async function detailsOf(db: Db, pathwayId: string, organisationId: string): Promise<PathwayDetails> {
    return { pathwayId, organisationId, versions: await repo.versionsOf(db, pathwayId) };
  }

  async function lockOwnPathway(trx: Db, organisationId: string, id: string) {
    const row = isUuid(id) ? await repo.lockPathway(trx, organisationId, id) : undefined;
    if (!row) throw AppError.notFound('Pathway');
    return row;
  }

  async function insertNewPathway(
    trx: Db,
    options: {
      actor: Actor;
      organisationId: string;
      content: PathwayContent;
      onComponentRevoked: ComponentRevokedPolicy;
      via: 'api' | 'ctdl-import';
    },
  ): Promise<PathwayDetails> {
    const now = clock.now();
    const { actorType, actorId } = actorRef(options.actor);
    const pathwayId = ids();
    await repo.insertPathway(trx, {
      id: pathwayId,
      organisation_id: options.organisationId,
      created_by_type: actorType,
      created_by_id: actorId,
      created_at: now,
      updated_at: now,
    });
    const version = await repo.insertVersion(trx, {
      id: ids(),
      pathway_id: pathwayId,
      version: 1,
      status: 'draft',
      title: options.content.title,
      content: JSON.stringify(options.content),
      on_component_revoked: options.onComponentRevoked,
      component_series_ids: componentSeriesIds(options.content),
      created_at: now,
      updated_at: now,
    });
    await audit.record(trx, {
      type: 'pathway.created',
      actor: options.actor,
      organisationId: options.organisationId,
      subject: { type: 'pathway', id: pathwayId },
      data: { versionId: version.id, title: options.content.title, via: options.via },
    });
    return detailsOf(trx, pathwayId, options.organisationId);
  }

  /** A new pathway: draft version 1 of the content, checked against the catalogue. */
  async function createPathway(options: {
    actor: Actor;
    slug: string;
    content: unknown;
    onComponentRevoked?: ComponentRevokedPolicy;
  }): Promise<PathwayDetails> {
    return transaction(async (trx) => {
      const access = await organisations.requireAccess({
        actor: options.actor,
        slug: options.slug,
        permission: 'definitions:manage',
        trx,
        lock: true,
      });
      const content = await checkedContent(trx, access.organisation.id, options.content);
      return insertNewPathway(trx, {
        actor: options.actor,
        organisationId: access.organisation.id,
        content,
        onComponentRevoked: options.onComponentRevoked ?? 'flag',
        via: 'api',
      });
    });
  }

  /**
   * Saves the draft (PUT semantics): replaces the draft's content, or, when the pathway has no draft (its
   * newest version is published or retired), starts the next version from this content.
   */
  async function saveDraft(options: {
    actor: Actor;
    slug: string;
    id: string;
    content: unknown;
    onComponentRevoked?: ComponentRevokedPolicy;
  }): Promise<PathwayDetails> {
    return transaction(async (trx) => {
      const access = await organisations.requireAccess({
        actor: options.actor,
        slug: options.slug,
        permission: 'definitions:manage',
        trx,
        lock: true,
      });
      const organisationId = access.organisation.id;
      const pathway = await lockOwnPathway(trx, organisationId, options.id);
      const content = await checkedContent(trx, organisationId, options.content);
      const versions = await repo.versionsOf(trx, pathway.id);
      const draft = versions.find((version) => version.status === 'draft');
      const newest = versions[0];
      const policy = options.onComponentRevoked ?? newest?.on_component_revoked ?? 'flag';
      const now = clock.now();
      const saved = draft
        ? await repo.updateDraft(trx, draft.id, {
            title: content.title,
            content: JSON.stringify(content),
            on_component_revoked: policy,
            component_series_ids: componentSeriesIds(content),
            updated_at: now,
          })
        : await repo.insertVersion(trx, {
            id: ids(),
            pathway_id: pathway.id,
            version: (newest?.version ?? 0) + 1,
            status: 'draft',
            title: content.title,
            content: JSON.stringify(content),
            on_component_revoked: policy,
            component_series_ids: componentSeriesIds(content),
            created_at: now,
            updated_at: now,
          });
      await repo.touchPathway(trx, pathway.id, now);
      await audit.record(trx, {
        type: 'pathway.draft_saved',
        actor: options.actor,
        organisationId,
        subject: { type: 'pathway', id: pathway.id },
        data: { versionId: saved.id, version: saved.version, title: content.title, newVersion: !draft },
      });
      return detailsOf(trx, pathway.id, organisationId);
    });
  }

  /**
   * Publishes the draft after checking it against the catalogue again (a definition may have been retired
   * since it was saved); the previously published version is retired. Published content never changes.
   */
  async function publishPathway(options: {
    actor: Actor;
    slug: string;
    id: string;
  }): Promise<PathwayDetails> {
    return transaction(async (trx) => {
      const access = await organisations.requireAccess({
        actor: options.actor,
        slug: options.slug,
        permission: 'definitions:publish',
        trx,
        lock: true,
      });
      const organisationId = access.organisation.id;
      const pathway = await lockOwnPathway(trx, organisationId, options.id);
      const versions = await repo.versionsOf(trx, pathway.id);
      const draft = versions.find((version) => version.status === 'draft');
      if (!draft) {
        throw new AppError('invalid_state', 'Nothing to publish', {
          detail: 'The pathway has no draft: save a draft (PUT …/draft) first',
        });
      }
      await checkedContent(trx, organisationId, draft.content);
      const now = clock.now();
      const previous = versions.find((version) => version.status === 'published');
      // Retire first: a partial unique index allows one published version per pathway.
      if (previous) await repo.setVersionStatus(trx, previous.id, 'retired', now);
      await repo.setVersionStatus(trx, draft.id, 'published', now);
      await repo.touchPathway(trx, pathway.id, now);
      await audit.record(trx, {
        type: 'pathway.published',
        actor: options.actor,
        organisationId,
        subject: { type: 'pathway', id: pathway.id },
        data: { versionId: draft.id, version: draft.version, retiredVersionId: previous?.id ?? null },
      });
      return detailsOf(trx, pathway.id, organisationId);
    });
  }

  /** Checks content without saving it: every problem, as a list (an empty list means it would save). */
  async function validateContent(options: {
    actor: Actor;
    slug: string;
    content: unknown;
  }): Promise<PathwayContentProblem[]> {
    const access = await organisations.requireAccess({
      actor: options.actor,
      slug: options.slug,
      permission: 'definitions:read',
    });
    return (await contentProblems(deps.db, access.organisation.id, options.content)).problems;
  }

  async function listPathways(options: {
    actor: Actor;
    slug: string;
    limit?: number;
    offset?: number;
  }): Promise<PathwayVersionRow[]> {
    const access = await organisations.requireAccess({ ...options, permission: 'definitions:read' });
    return repo.listOrganisationPathways(
      deps.db,
      access.organisation.id,
      Math.min(options.limit ?? 50, MAX_PAGE),
      options.offset ?? 0,
    );
  }

  async function getPathway(options: { actor: Actor; slug: string; id: string }): Promise<PathwayDetails> {
    const access = await organisations.requireAccess({ ...options, permission: 'definitions:read' });
    const row = isUuid(options.id)
      ? await repo.findPathway(deps.db, access.organisation.id, options.id)
      : undefined;
    if (!row) throw AppError.notFound('Pathway');
    return detailsOf(deps.db, row.id, access.organisation.id);
  }

  /** Creates a draft pathway from a CTDL Pathway document; `ceterms:proxyFor` must name our definitions. */
  async function importCtdl(options: {
    actor: Actor;
    slug: string;
    document: unknown;
    onComponentRevoked?: ComponentRevokedPolicy;
  }): Promise<PathwayDetails> {
    return transaction(async (trx) => {
      const access = await organisations.requireAccess({
        actor: options.actor,
        slug: options.slug,
        permission: 'definitions:manage',
        trx,
        lock: true,
      });
      // proxyFor URIs of our definition pages name a version: resolve them to series first (one read).
      const definitionIds = [
        ...JSON.stringify(options.document ?? null).matchAll(
          new RegExp(`${escapeRegExp(baseUrl)}/definitions/([0-9a-fA-F-]{36})`, 'g'),
        ),
      ].map((match) => match[1] ?? '');
      const records = await catalogue.getDefinitionRecords({ definitionIds, trx });
      const imported = fromCtdlPathway(options.document, {
        seriesIdFor: (uri) => {
          const match = uri.startsWith(`${baseUrl}/definitions/`)
            ? uri.slice(baseUrl.length + 13)
            : undefined;
          return match ? records.get(match)?.seriesId : undefined;
        },
      });
      if (!imported.ok) {
        throw contentProblemsError('The CTDL Pathway cannot be imported', imported.problems, {
          in: 'body',
          prefix: '/document',
        });
      }
      const content = await checkedContent(trx, access.organisation.id, imported.content);
      return insertNewPathway(trx, {
        actor: options.actor,
        organisationId: access.organisation.id,
        content,
        onComponentRevoked: options.onComponentRevoked ?? 'flag',
        via: 'ctdl-import',
      });
    });
  }

  // Public views ---------------------------------------------------------------------------------------------

  async function publishedOr404(db: Db, id: string): Promise<PublishedPathwayRow> {
    const row = isUuid(id) ? await repo.findPublished(db, id) : undefined;
    if (!row) throw AppError.notFound('Pathway');
    return row;
  }

  async function listPublishedPathways(options: { limit?: number; offset?: number }) {
    return repo.listPublished(deps.db, Math.min(options.limit ?? 50, MAX_PAGE), options.offset ?? 0);
  }

  async function getPublishedPathway(options: { id: string }): Promise<PublishedPathwayRow> {
    return publishedOr404(deps.db, options.id);
  }

  /** The published version as one CTDL Pathway JSON-LD document. */
  async function exportCtdl(options: { id: string }): Promise<Record<string, unknown>> {
    const row = await publishedOr404(deps.db, options.id);
    const content = row.content as PathwayContent;
    const summaries = await catalogue.getSeriesSummaries({ seriesIds: referencedSeriesIds(content) });
    return toCtdlPathway(content, {
      uri: pathwayUrl(row.pathway_id),
      definitionUri: (seriesId) => summaries.get(seriesId)?.uri ?? `urn:uuid:${seriesId}`,
    }) as Record<string, unknown>;
  }

  // Learners -------------------------------------------------------------------------------------------------

  /** The signed-in learner; the system (CLI) names any learner. Tokens act for organisations, not learners. */
  function learnerOf(actor: Actor, userId: string | undefined): string {
    if (actor.kind === 'anonymous') throw new AppError('unauthenticated', 'Sign in to see your pathways');
    if (actor.kind === 'user' && (userId === undefined || userId === actor.userId)) return actor.userId;
    if (actor.kind === 'system' && userId !== undefined) return userId;
    throw AppError.notFound('Learner');
  }

  /** What the learner holds, as the evaluator's holdings: credentials by definition series, and RPL grants. */
  async function holdingsOf(db: Db, pathwayId: string, userId: string): Promise<Holding[]> {
    const holdings = await credentialHoldingsOf(db, userId);
    for (const grant of await repo.recognitionsOf(db, pathwayId, userId)) {
      holdings.push(recognitionHolding(grant));
    }
    return holdings;
  }

  /** The learner's credentials issued for catalogue definitions, as holdings (the same for every pathway). */
  async function credentialHoldingsOf(db: Db, userId: string): Promise<Holding[]> {
    const held = await credentials.listHeldCredentialsOf({ userId, trx: db });
    const definitionIds = held.flatMap((item) =>
      item.record.definition_id ? [item.record.definition_id] : [],
    );
    const records = await catalogue.getDefinitionRecords({ definitionIds, trx: db });
    const holdings: Holding[] = [];
    for (const item of held) {
      const record = item.record.definition_id ? records.get(item.record.definition_id) : undefined;
      if (!record) continue;
      holdings.push({
        kind: 'credential',
        id: item.record.id,
        seriesId: record.seriesId,
        earnedAt: item.record.valid_from ?? item.record.issued_at,
        ...(item.record.valid_until ? { validUntil: item.record.valid_until } : {}),
        status: item.record.status,
        ...factsOf(record.content),
      });
    }
    return holdings;
  }

  function recognitionHolding(grant: PathwayRecognitionRow): Holding {
    return {
      kind: 'recognition',
      id: grant.id,
      componentId: grant.component_id,
      // Decided rows always have a decision time; pending ones are never read as holdings.
      earnedAt: grant.decided_at ?? grant.submitted_at ?? clock.now(),
      ...(grant.valid_until ? { validUntil: grant.valid_until } : {}),
      status: grant.status === 'revoked' ? 'revoked' : 'active',
      // A decision's credits are in the pathway's framework: they state none, so they count as they are.
      ...(grant.credit_points !== null ? { creditPoints: grant.credit_points } : {}),
      ...(grant.hours !== null ? { hours: grant.hours } : {}),
    };
  }

  async function progressOf(
    db: Db,
    pathway: PublishedPathwayRow,
    userId: string,
    plan: boolean,
  ): Promise<LearnerProgress> {
    const content = pathway.content as PathwayContent;
    const now = clock.now();
    const holdings = await holdingsOf(db, pathway.pathway_id, userId);
    const series = await catalogue.getSeriesSummaries({ seriesIds: referencedSeriesIds(content), trx: db });
    // The definitions' credit frameworks: to infer the pathway's when it names none, and for the offers.
    const facts =
      plan || !content.creditFramework ? await seriesFactsOf(db, series) : new Map<string, HoldingFacts>();
    const creditFramework = effectiveCreditFramework(content, (seriesId) => facts.get(seriesId));
    const inferred = creditFramework ? { creditFramework } : {};
    // What earning each component would take: the published definition's cost and hours (unknown: 0).
    const offers = new Map<string, ComponentOffer>();
    for (const component of componentsOf(content.root)) {
      const summary = series.get(component.seriesId);
      if (summary?.status !== 'published') continue;
      offers.set(component.id, {
        cost: summary.cost?.amount ?? 0,
        hours: summary.hours ?? 0,
        ...(facts.get(component.seriesId) ?? summaryFacts(summary)),
      });
    }
    const result: CompletionResult = plan
      ? planCompletion({ content, holdings, now, offers, maxSteps: PLAN_MAX_STEPS, ...inferred })
      : {
          evaluation: evaluatePathway({ content, holdings, now, ...inferred }),
          completable: true,
          exact: true,
        };
    return {
      pathway,
      content,
      userId,
      result,
      series,
      holdingKinds: new Map(holdings.map((holding) => [holding.id, holding.kind])),
      completion: (await repo.findCompletion(db, pathway.pathway_id, userId)) ?? null,
    };
  }

  /** A learner's progress on a published pathway: every node, credits, and the cheapest and shortest ways to finish. */
  async function learnerProgress(options: {
    actor: Actor;
    id: string;
    userId?: string;
  }): Promise<LearnerProgress> {
    const userId = learnerOf(options.actor, options.userId);
    const pathway = await publishedOr404(deps.db, options.id);
    return progressOf(deps.db, pathway, userId, true);
  }

  /**
   * The signed-in learner's completion of a published pathway, with the version it was completed on (whose
   * rules say which components were earned before which): what the CLR view of a completion is made from.
   */
  async function myCompletion(options: { actor: Actor; id: string }): Promise<{
    pathway: PublishedPathwayRow;
    completion: PathwayCompletionRow | null;
    /** Component node ids: `before` had to be earned before `after` (its `requires`). */
    prerequisites: Array<{ before: string; after: string }>;
  }> {
    const userId = learnerOf(options.actor, undefined);
    const newest = await publishedOr404(deps.db, options.id);
    const completion = (await repo.findCompletion(deps.db, newest.pathway_id, userId)) ?? null;
    const completedOn = completion
      ? await repo.findVersion(deps.db, completion.pathway_version_id)
      : undefined;
    const pathway = completedOn ?? newest;
    const prerequisites = componentsOf((pathway.content as PathwayContent).root).flatMap((node) =>
      (node.requires ?? []).map((before) => ({ before, after: node.id })),
    );
    return { pathway, completion, prerequisites };
  }

  async function subscribe(options: { actor: Actor; id: string }): Promise<{ subscribed: boolean }> {
    const userId = learnerOf(options.actor, undefined);
    return transaction(async (trx) => {
      const pathway = await publishedOr404(trx, options.id);
      const added = await repo.insertSubscription(trx, {
        pathway_id: pathway.pathway_id,
        user_id: userId,
        created_at: clock.now(),
      });
      if (added) {
        await audit.record(trx, {
          type: 'pathway.subscribed',
          actor: options.actor,
          organisationId: pathway.organisation_id,
          subject: { type: 'pathway', id: pathway.pathway_id },
          data: { userId },
        });
      }
      return { subscribed: true };
    });
  }

  async function unsubscribe(options: { actor: Actor; id: string }): Promise<{ subscribed: boolean }> {
    const userId = learnerOf(options.actor, undefined);
    return transaction(async (trx) => {
      const pathway = await publishedOr404(trx, options.id);
      if (await repo.deleteSubscription(trx, pathway.pathway_id, userId)) {
        await audit.record(trx, {
          type: 'pathway.unsubscribed',
          actor: options.actor,
          organisationId: pathway.organisation_id,
          subject: { type: 'pathway', id: pathway.pathway_id },
          data: { userId },
        });
      }
      return { subscribed: false };
    });
  }

  /** The published pathways the learner subscribed to. */
  async function mySubscriptions(options: { actor: Actor }): Promise<PublishedPathwayRow[]> {
    const userId = learnerOf(options.actor, undefined);
    return repo.listPublishedByIds(deps.db, await repo.subscribedPathwayIds(deps.db, userId));
  }

  /**
   * Who of the subscribed learners is where (the organisation's cohort view). `userIds` (at most 200) keeps
   * only those learners, still only the subscribed ones: a pathway group's members who consented.
   */
  async function cohortProgress(options: { actor: Actor; slug: string; id: string; userIds?: string[] }) {
    const access = await organisations.requireAccess({ ...options, permission: 'credentials:read' });
    const pathway = isUuid(options.id) ? await repo.findPublished(deps.db, options.id) : undefined;
    if (!pathway || pathway.organisation_id !== access.organisation.id) throw AppError.notFound('Pathway');
    const learners = await repo.subscribersOf(deps.db, pathway.pathway_id, MAX_COHORT, options.userIds);
    const rows = [];
    for (const learner of learners) {
      const progress = await progressOf(deps.db, pathway, learner.id, false);
      rows.push({ learner, evaluation: progress.result.evaluation, completion: progress.completion });
    }
    return { pathway, learners: rows };
  }

  // Completion -----------------------------------------------------------------------------------------------

  function countedComponents(
    evaluation: PathwayEvaluation,
    kinds: Map<string, 'credential' | 'recognition'>,
  ) {
    return evaluation.nodes.flatMap((node): CompletionComponent[] =>
      node.type === 'component' && node.satisfied && node.holdingId
        ? [{ componentId: node.id, kind: kinds.get(node.holdingId) ?? 'credential', id: node.holdingId }]
        : [],
    );
  }

  /**
   * Records the learner's completion of a published pathway, exactly once: the (pathway, learner) primary key
   * is claimed first (`on conflict do nothing`), so a concurrent request — on another server instance too —
   * waits for this one and then finds the completion made. When the target is a definition, its credential is
   * issued in the same transaction, with the counted component credentials as evidence.
   */
  async function completePathway(options: {
    actor: Actor;
    id: string;
    userId?: string;
  }): Promise<CompletionOutcome> {
    const userId = learnerOf(options.actor, options.userId);
    const outcome = await recordCompletion({
      actor: options.actor,
      id: options.id,
      userId,
      automatic: false,
    });
    if (!outcome) throw new Error('A requested completion returned nothing');
    return outcome;
  }

  /**
   * The completion transaction. Asked for (`automatic: false`), unmet rules are a 409; automatically (after a
   * component was issued or claimed) they mean "not yet": null.
   */
  async function recordCompletion(options: {
    actor: Actor;
    id: string;
    userId: string;
    automatic: boolean;
  }): Promise<CompletionOutcome | null> {
    const { userId } = options;
    return transaction(async (trx) => {
      const pathway = await publishedOr404(trx, options.id);
      const existing = await repo.findCompletion(trx, pathway.pathway_id, userId);
      if (existing) return { completion: existing, created: false };
      const progress = await progressOf(trx, pathway, userId, false);
      const evaluation = progress.result.evaluation;
      if (!evaluation.satisfied) {
        if (options.automatic) return null;
        throw new AppError('invalid_state', 'The pathway is not complete yet', {
          detail: 'Not every rule of the pathway is met yet: see GET …/progress for what is left',
        });
      }
      const components = countedComponents(evaluation, progress.holdingKinds);
      const claimed = await repo.insertCompletion(trx, {
        pathway_id: pathway.pathway_id,
        user_id: userId,
        id: ids(),
        pathway_version_id: pathway.id,
        status: 'complete',
        completed_at: evaluation.evaluatedAt,
        components: JSON.stringify(components),
      });
      if (!claimed) {
        const winner = await repo.findCompletion(trx, pathway.pathway_id, userId);
        if (!winner) throw new Error('The completion key is taken but no completion is visible');
        return { completion: winner, created: false };
      }
      let completion = claimed;
      const content = progress.content;
      if (content.target.kind === 'definition') {
        const target = progress.series.get(content.target.seriesId);
        if (target?.status !== 'published' || target.source !== 'own') {
          throw new AppError('invalid_state', 'The pathway credential cannot be issued', {
            detail:
              'The target definition is no longer published; the organisation must publish a new version',
          });
        }
        const learner = await deps.accounts.findUserById(userId, trx);
        if (!learner) throw AppError.notFound('Learner');
        const titles = new Map(componentsOf(content.root).map((node) => [node.id, node.title ?? node.id]));
        const issued = await credentials.issueForDefinition({
          actor: options.actor,
          definitionId: target.definitionId,
          recipient: { email: learner.email, name: learner.name },
          via: 'pathway',
          narrative: `Completed the pathway "${pathway.title}" (version ${pathway.version}).`,
          evidence: components.map((component) => ({
            ...(component.kind === 'credential' ? { id: credentials.pageUrl(component.id) } : {}),
            name: titles.get(component.componentId) ?? component.componentId,
            genre: component.kind === 'credential' ? 'Pathway component' : 'Recognition of prior learning',
          })),
          idempotencyKey: `pathway:${pathway.pathway_id}:${userId}`,
          trx,
        });
        completion = await repo.setCompletionCredential(trx, pathway.pathway_id, userId, issued.record.id);
      }
      await audit.record(trx, {
        type: 'pathway.completed',
        actor: options.actor,
        organisationId: pathway.organisation_id,
        subject: { type: 'pathway_completion', id: completion.id },
        data: {
          pathwayId: pathway.pathway_id,
          versionId: pathway.id,
          userId,
          credentialId: completion.credential_id,
          components: components.length,
          automatic: options.automatic,
        },
      });
      return { completion, created: true };
    });
  }

  // Automatic completion and flagging (credential events, wired in src/deps.ts) -------------------------------

  const automaticActor = systemActor('pathways');

  /**
   * After credentials were issued (committed): for each holder — the accounts whose verified addresses they
   * were issued to; an unclaimed address has none yet and is handled when claimed — the published pathways
   * with a component of the credentials' series are completed where now satisfied.
   */
  async function onCredentialsIssued(options: { credentials: IssuedCredentialEvent[] }): Promise<void> {
    const definitionIds = [
      ...new Set(options.credentials.flatMap((event) => (event.definitionId ? [event.definitionId] : []))),
    ];
    if (definitionIds.length === 0) return;
    const records = await catalogue.getDefinitionRecords({ definitionIds });
    const seriesByHolder = new Map<string, Set<string>>();
    const holdersByAddress = new Map<string, string[]>();
    for (const event of options.credentials) {
      const seriesId = event.definitionId ? records.get(event.definitionId)?.seriesId : undefined;
      const email = event.recipientEmail;
      if (!seriesId || !email) continue;
      let holders = holdersByAddress.get(email);
      if (!holders) {
        holders = await repo.holdersOfAddress(deps.db, email);
        holdersByAddress.set(email, holders);
      }
      for (const userId of holders) {
        const series = seriesByHolder.get(userId) ?? new Set<string>();
        series.add(seriesId);
        seriesByHolder.set(userId, series);
      }
    }
    await completeWhereSatisfied(seriesByHolder);
  }

  /** After a learner claimed credentials: as if they had just been issued to them. */
  async function onCredentialsClaimed(options: { userId: string; credentialIds: string[] }): Promise<void> {
    const claimed = new Set(options.credentialIds);
    const held = await credentials.listHeldCredentialsOf({ userId: options.userId });
    const definitionIds = held.flatMap((item) =>
      claimed.has(item.record.id) && item.record.definition_id ? [item.record.definition_id] : [],
    );
    const records = await catalogue.getDefinitionRecords({ definitionIds });
    const series = new Set([...records.values()].map((record) => record.seriesId));
    if (series.size > 0) await completeWhereSatisfied(new Map([[options.userId, series]]));
  }

  /**
   * Completes, for each learner, the published pathways with a component in the given series (one indexed
   * query) that the learner has not completed yet and now satisfies. The pathway credential this issues is
   * itself announced, so a pathway whose component is another pathway's target completes in turn; that
   * cannot loop, because a (pathway, learner) pair completes once and completed pairs are skipped here.
   * One pathway failing does not stop the others; the failures are thrown together at the end (logged by the
   * credentials service).
   */
  async function completeWhereSatisfied(seriesByHolder: Map<string, Set<string>>): Promise<void> {
    const failures: unknown[] = [];
    /** Per pathway version: the framework its credits are counted in (looked up once per announcement). */
    const frameworks = new Map<string, CreditFramework | undefined>();
    for (const [userId, series] of seriesByHolder) {
      const candidates = await repo.publishedWithComponents(deps.db, [...series]);
      if (candidates.length === 0) continue;
      // Credentials are read once per learner; a pathway not satisfied costs its recognitions read and a
      // pure evaluation. Only a satisfied one opens the completion transaction, which evaluates again.
      const held = await credentialHoldingsOf(deps.db, userId);
      for (const pathway of candidates) {
        if (await repo.findCompletion(deps.db, pathway.pathway_id, userId)) continue;
        const grants = await repo.recognitionsOf(deps.db, pathway.pathway_id, userId);
        const holdings = [...held, ...grants.map(recognitionHolding)];
        const content = pathway.content as PathwayContent;
        // Credits decide satisfaction only through credit minimums: only then is the framework looked up.
        if (!frameworks.has(pathway.id))
          frameworks.set(
            pathway.id,
            hasCreditMinimums(content.root) ? await creditFrameworkOf(deps.db, content) : undefined,
          );
        const creditFramework = frameworks.get(pathway.id);
        const evaluation = evaluatePathway({
          content,
          holdings,
          now: clock.now(),
          ...(creditFramework ? { creditFramework } : {}),
        });
        if (!evaluation.satisfied) continue;
        try {
          await recordCompletion({ actor: automaticActor, id: pathway.pathway_id, userId, automatic: true });
        } catch (error) {
          failures.push(error);
        }
      }
    }
    if (failures.length > 0) {
      throw new AggregateError(failures, `${failures.length} automatic pathway completion(s) failed`);
    }
  }

  /**
   * After a credential was revoked or suspended (committed): each completion in good standing that counted it
   * (one indexed query) is flagged for review, or suspended with its pathway credential when the pathway says
   * so; audited. A reinstatement changes nothing: a reviewer decides about the flag.
   */
  async function onCredentialStatusChanged(options: {
    credentialId: string;
    status: 'active' | 'suspended' | 'revoked';
  }): Promise<void> {
    const status = options.status;
    if (status === 'active') return;
    const failures: unknown[] = [];
    for (const hit of await repo.completionsCounting(deps.db, options.credentialId)) {
      await flagCompletionCounting(hit, options.credentialId, status).catch((error) => failures.push(error));
    }
    if (failures.length > 0) {
      throw new AggregateError(failures, `${failures.length} completion(s) could not be flagged`);
    }
  }

  async function flagCompletionCounting(
    hit: { pathway_id: string; user_id: string; pathway_version_id: string },
    credentialId: string,
    status: 'revoked' | 'suspended',
  ): Promise<void> {
    const outcome = await transaction(async (trx) => {
      // The policy of the version published now (as the recheck reads it), else of the completed version.
      const pathway =
        (await repo.findPublished(trx, hit.pathway_id)) ??
        (await repo.findVersion(trx, hit.pathway_version_id));
      if (!pathway) return undefined;
      const flagged = await flagIfCounted(
        trx,
        automaticActor,
        pathway,
        hit.user_id,
        new Set([credentialId]),
        {
          change: status,
          automatic: true,
        },
      );
      return flagged ? { flagged, slug: pathway.organisation_slug } : undefined;
    });
    if (outcome) await suspendFlaggedCredentials(automaticActor, outcome.slug, [outcome.flagged]);
  }

  // Recognition of prior learning ------------------------------------------------------------------------------

  /** The organisation grants a learner one component of its published pathway (a reviewer's decision). */
  /**
   * After a recognition was accepted (committed): the pathway may be complete now. A failure here never
   * undoes the decision: it is logged, and the learner can still ask (`POST …/completion`).
   */
  async function completeIfSatisfied(recognition: PathwayRecognitionRow): Promise<void> {
    if (recognition.status !== 'active') return;
    try {
      await recordCompletion({
        actor: automaticActor,
        id: recognition.pathway_id,
        userId: recognition.user_id,
        automatic: true,
      });
    } catch (error) {
      deps.logger?.error(
        { err: error, recognitionId: recognition.id },
        'completion after a recognition failed',
      );
    }
  }

  async function grantRecognition(options: {
    actor: Actor;
    slug: string;
    id: string;
    userId: string;
    componentId: string;
    note?: string | null;
    creditPoints?: number;
    hours?: number;
    validUntil?: Date | null;
  }): Promise<PathwayRecognitionRow> {
    const granted = await transaction(async (trx) => {
      const access = await organisations.requireAccess({
        actor: options.actor,
        slug: options.slug,
        permission: 'credentials:issue',
        trx,
      });
      const pathway = await publishedOr404(trx, options.id);
      if (pathway.organisation_id !== access.organisation.id) throw AppError.notFound('Pathway');
      const content = pathway.content as PathwayContent;
      if (!componentsOf(content.root).some((component) => component.id === options.componentId)) {
        throw AppError.validation(`The pathway has no component "${options.componentId}"`, [
          { in: 'body', pointer: '/componentId', message: 'is not a component of the published version' },
        ]);
      }
      const learner = isUuid(options.userId)
        ? await deps.accounts.findUserById(options.userId, trx)
        : undefined;
      if (!learner) {
        throw AppError.validation('No such learner', [
          { in: 'body', pointer: '/userId', message: 'is not a user' },
        ]);
      }
      const note = options.note?.trim() || null;
      if (note !== null && note.length > MAX_NOTE) {
        throw AppError.validation(`The note is longer than ${MAX_NOTE} characters`, [
          { in: 'body', pointer: '/note', message: `must be at most ${MAX_NOTE} characters` },
        ]);
      }
      const { actorType, actorId } = actorRef(options.actor);
      const grant = await repo.insertRecognition(trx, {
        id: ids(),
        pathway_id: pathway.pathway_id,
        component_id: options.componentId,
        user_id: learner.id,
        status: 'active',
        source: 'reviewer',
        note,
        credit_points: options.creditPoints ?? null,
        hours: options.hours ?? null,
        valid_until: options.validUntil ?? null,
        decided_by_type: actorType,
        decided_by_id: actorId,
        decided_at: clock.now(),
      });
      await audit.record(trx, {
        type: 'pathway_recognition.granted',
        actor: options.actor,
        organisationId: access.organisation.id,
        subject: { type: 'pathway_recognition', id: grant.id },
        data: {
          pathwayId: pathway.pathway_id,
          componentId: grant.component_id,
          userId: learner.id,
          automatic: false,
        },
      });
      return grant;
    });
    await completeIfSatisfied(granted);
    return granted;
  }

  /**
   * Withdraws a recognition. A completion that counted it is flagged in the same transaction (and, when the
   * pathway says so, its credential suspended right after).
   */
  async function revokeRecognition(options: {
    actor: Actor;
    slug: string;
    id: string;
    recognitionId: string;
  }): Promise<{ recognition: PathwayRecognitionRow; flagged: PathwayCompletionRow[] }> {
    const outcome = await transaction(async (trx) => {
      const access = await organisations.requireAccess({
        actor: options.actor,
        slug: options.slug,
        permission: 'credentials:status',
        trx,
      });
      const pathway = await publishedOr404(trx, options.id);
      if (pathway.organisation_id !== access.organisation.id) throw AppError.notFound('Pathway');
      const current = isUuid(options.recognitionId)
        ? await repo.lockRecognition(trx, pathway.pathway_id, options.recognitionId)
        : undefined;
      if (!current) throw AppError.notFound('Recognition');
      if (current.status !== 'active') {
        throw new AppError(
          'invalid_state',
          `Only an accepted recognition can be revoked; this one is ${current.status}`,
        );
      }
      const recognition = await repo.revokeRecognition(trx, current.id, clock.now());
      await audit.record(trx, {
        type: 'pathway_recognition.revoked',
        actor: options.actor,
        organisationId: access.organisation.id,
        subject: { type: 'pathway_recognition', id: current.id },
        data: { pathwayId: pathway.pathway_id, componentId: current.component_id, userId: current.user_id },
      });
      const flagged = await flagIfCounted(
        trx,
        options.actor,
        pathway,
        current.user_id,
        new Set([current.id]),
      );
      return { recognition, flagged: flagged ? [flagged] : [], slug: access.organisation.slug };
    });
    await suspendFlaggedCredentials(options.actor, outcome.slug, outcome.flagged);
    return { recognition: outcome.recognition, flagged: outcome.flagged };
  }

  /** Flags the learner's completion when one of `revokedHoldingIds` counted towards it. */
  async function flagIfCounted(
    trx: Db,
    actor: Actor,
    pathway: PublishedPathwayRow,
    userId: string,
    revokedHoldingIds: Set<string>,
    how: { change: 'revoked' | 'suspended'; automatic: boolean } = { change: 'revoked', automatic: false },
  ): Promise<PathwayCompletionRow | undefined> {
    const completion = await repo.lockCompletion(trx, pathway.pathway_id, userId);
    if (completion?.status !== 'complete') return undefined;
    const hit = completion.components.find((component) => revokedHoldingIds.has(component.id));
    if (!hit) return undefined;
    const status = pathway.on_component_revoked === 'suspend' ? 'suspended' : 'flagged';
    const reason = `The ${hit.kind === 'credential' ? 'credential' : 'recognition'} counted for component "${hit.componentId}" was ${how.change}`;
    const flagged = await repo.flagCompletion(trx, pathway.pathway_id, userId, {
      status,
      flag_reason: reason,
      flagged_at: clock.now(),
    });
    await audit.record(trx, {
      type: 'pathway_completion.flagged',
      actor,
      organisationId: pathway.organisation_id,
      subject: { type: 'pathway_completion', id: completion.id },
      data: { pathwayId: pathway.pathway_id, userId, status, reason, automatic: how.automatic },
    });
    return flagged;
  }

  /**
   * Suspends the pathway credentials of completions flagged under a `suspend` policy. The credentials service
   * runs its own transaction, so this happens right after the flag is committed (a failure leaves the
   * completion flagged `suspended` for a reviewer, never the other way round).
   */
  async function suspendFlaggedCredentials(actor: Actor, slug: string, flagged: PathwayCompletionRow[]) {
    for (const completion of flagged) {
      if (completion.status !== 'suspended' || !completion.credential_id) continue;
      await credentials.changeStatus({
        actor,
        slug,
        action: 'suspend',
        id: completion.credential_id,
        reason: completion.flag_reason ?? 'A component of the pathway was revoked',
      });
    }
  }

  /**
   * Rechecks every completion in good standing of the organisation's pathway against the learners' current
   * credentials: one whose counted component credential is now revoked is flagged (or suspended).
   */
  async function recheckCompletions(options: {
    actor: Actor;
    slug: string;
    id: string;
  }): Promise<{ checked: number; flagged: PathwayCompletionRow[] }> {
    const outcome = await transaction(async (trx) => {
      const access = await organisations.requireAccess({
        actor: options.actor,
        slug: options.slug,
        permission: 'credentials:status',
        trx,
        lock: true,
      });
      const pathway = await publishedOr404(trx, options.id);
      if (pathway.organisation_id !== access.organisation.id) throw AppError.notFound('Pathway');
      const completions = await repo.completionsInGoodStanding(trx, pathway.pathway_id);
      const flagged: PathwayCompletionRow[] = [];
      for (const completion of completions) {
        const holdings = await holdingsOf(trx, pathway.pathway_id, completion.user_id);
        const revoked = new Set(
          holdings.filter((holding) => holding.status === 'revoked').map((holding) => holding.id),
        );
        const row = await flagIfCounted(trx, options.actor, pathway, completion.user_id, revoked);
        if (row) flagged.push(row);
      }
      return { checked: completions.length, flagged, slug: access.organisation.slug };
    });
    await suspendFlaggedCredentials(options.actor, outcome.slug, outcome.flagged);
    return { checked: outcome.checked, flagged: outcome.flagged };
  }

  // Recognition submitted by learners ----------------------------------------------------------------------

  function isRecord(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  }

  /** Whether an achievement id names a version of the series: our definition page, or the external entry's URI. */
  async function achievementIsSeries(achievementId: unknown, seriesId: string): Promise<boolean> {
    if (typeof achievementId !== 'string') return false;
    const ours = `${baseUrl}/definitions/`;
    if (achievementId.startsWith(ours)) {
      const versionId = achievementId.slice(ours.length);
      const records = await catalogue.getDefinitionRecords({ definitionIds: [versionId] });
      return records.get(versionId)?.seriesId === seriesId;
    }
    const summary = (await catalogue.getSeriesSummaries({ seriesIds: [seriesId] })).get(seriesId);
    return summary !== undefined && summary.source !== 'own' && summary.uri === achievementId;
  }

  /**
   * A learner submits a credential earned elsewhere (OB 3.0 / VC, checked by the verifier) or evidence against
   * one component. A credential that verifies, names the learner's e-mail address and is of the component's
   * definition is accepted at once; a forged one (verdict invalid) is refused; everything else waits in the
   * organisation's reviewer queue.
   */
  async function submitRecognition(options: {
    actor: Actor;
    id: string;
    componentId: string;
    credential?: unknown;
    evidence?: { narrative: string; url?: string };
  }): Promise<PathwayRecognitionRow> {
    const userId = learnerOf(options.actor, undefined);
    if ((options.credential === undefined) === (options.evidence === undefined)) {
      throw AppError.validation('Send either a credential or evidence', [
        { in: 'body', pointer: '', message: 'needs exactly one of credential and evidence' },
      ]);
    }
    const pathway = await publishedOr404(deps.db, options.id);
    const component = componentsOf((pathway.content as PathwayContent).root).find(
      (node) => node.id === options.componentId,
    );
    if (!component) {
      throw AppError.validation(`The pathway has no component "${options.componentId}"`, [
        { in: 'body', pointer: '/componentId', message: 'is not a component of the published version' },
      ]);
    }
    const learner = await deps.accounts.findUserById(userId);
    if (!learner) throw AppError.notFound('Learner');
    let submission: RecognitionSubmission;
    let accepted = false;
    if (options.credential !== undefined) {
      // Verified before the transaction: the verifier reads keys and status lists through its own reads.
      const report = await deps.verification.verifyCredential({
        credential: options.credential,
        count: false,
      });
      const problems = report.steps
        .filter((step) => step.outcome === 'failed' || step.outcome === 'unknown')
        .map((step) => `${step.title}: ${step.summary}`);
      if (report.verdict === 'invalid') {
        throw new AppError('credential_not_verified', 'The credential does not verify', {
          detail: `The credential was refused: ${problems.join('; ') || 'it failed verification'}`,
        });
      }
      const subject = isRecord(report.credential?.credentialSubject)
        ? report.credential.credentialSubject
        : {};
      const identifiers = Array.isArray(subject.identifier) ? subject.identifier : [subject.identifier];
      const names = identifiers.some((identity) => verifyEmailIdentity(identity, learner.email));
      const achievement = isRecord(subject.achievement) ? subject.achievement : {};
      const maps = await achievementIsSeries(achievement.id, component.seriesId);
      accepted = report.verdict === 'valid' && names && maps;
      submission = {
        credential: options.credential,
        verdict: report.verdict,
        problems,
        ...(accepted
          ? {}
          : {
              queuedBecause:
                report.verdict !== 'valid'
                  ? 'The verifier could not check everything'
                  : !maps
                    ? 'The credential is not of the component’s definition'
                    : 'The credential does not name the learner’s e-mail address',
            }),
      };
    } else {
      const evidence = options.evidence ?? { narrative: '' };
      submission = {
        narrative: evidence.narrative,
        ...(evidence.url ? { url: evidence.url } : {}),
        queuedBecause: 'Evidence is reviewed by the organisation',
      };
    }
    const submitted = await transaction(async (trx) => {
      const now = clock.now();
      const verifier = actorRef(systemActor('pathway-recognition'));
      const row = await repo.insertRecognition(trx, {
        id: ids(),
        pathway_id: pathway.pathway_id,
        component_id: component.id,
        user_id: userId,
        status: accepted ? 'active' : 'pending',
        source: options.credential !== undefined ? 'credential' : 'evidence',
        submission: JSON.stringify(submission),
        submitted_at: now,
        decided_by_type: accepted ? verifier.actorType : null,
        decided_by_id: accepted ? verifier.actorId : null,
        decided_at: accepted ? now : null,
      });
      await audit.record(trx, {
        type: accepted ? 'pathway_recognition.granted' : 'pathway_recognition.submitted',
        actor: options.actor,
        organisationId: pathway.organisation_id,
        subject: { type: 'pathway_recognition', id: row.id },
        data: { pathwayId: pathway.pathway_id, componentId: component.id, userId, automatic: accepted },
      });
      return row;
    });
    await completeIfSatisfied(submitted);
    return submitted;
  }

  /** The organisation's reviewer queue for one of its published pathways. */
  async function recognitionQueue(options: {
    actor: Actor;
    slug: string;
    id: string;
  }): Promise<PathwayRecognitionRow[]> {
    const access = await organisations.requireAccess({ ...options, permission: 'credentials:read' });
    const pathway = isUuid(options.id) ? await repo.findPublished(deps.db, options.id) : undefined;
    if (!pathway || pathway.organisation_id !== access.organisation.id) throw AppError.notFound('Pathway');
    return repo.pendingRecognitions(deps.db, pathway.pathway_id, MAX_PAGE);
  }

  /** A reviewer accepts or rejects a pending submission; the decision is audited. */
  async function decideRecognition(options: {
    actor: Actor;
    slug: string;
    id: string;
    recognitionId: string;
    decision: 'accept' | 'reject';
    note?: string | null;
  }): Promise<PathwayRecognitionRow> {
    const decidedRow = await transaction(async (trx) => {
      const access = await organisations.requireAccess({
        actor: options.actor,
        slug: options.slug,
        permission: 'credentials:issue',
        trx,
      });
      const pathway = await publishedOr404(trx, options.id);
      if (pathway.organisation_id !== access.organisation.id) throw AppError.notFound('Pathway');
      const current = isUuid(options.recognitionId)
        ? await repo.lockRecognition(trx, pathway.pathway_id, options.recognitionId)
        : undefined;
      if (!current) throw AppError.notFound('Recognition');
      if (current.status !== 'pending') {
        throw new AppError('invalid_state', `The recognition is already ${current.status}`);
      }
      const note = options.note?.trim() || null;
      if (note !== null && note.length > MAX_NOTE) {
        throw AppError.validation(`The note is longer than ${MAX_NOTE} characters`, [
          { in: 'body', pointer: '/note', message: `must be at most ${MAX_NOTE} characters` },
        ]);
      }
      const { actorType, actorId } = actorRef(options.actor);
      const decided = await repo.decideRecognition(trx, current.id, {
        status: options.decision === 'accept' ? 'active' : 'rejected',
        note,
        decided_by_type: actorType,
        decided_by_id: actorId,
        decided_at: clock.now(),
      });
      const data = {
        pathwayId: pathway.pathway_id,
        componentId: current.component_id,
        userId: current.user_id,
      };
      if (options.decision === 'accept') {
        await audit.record(trx, {
          type: 'pathway_recognition.granted',
          actor: options.actor,
          organisationId: access.organisation.id,
          subject: { type: 'pathway_recognition', id: current.id },
          data: { ...data, automatic: false },
        });
      } else {
        await audit.record(trx, {
          type: 'pathway_recognition.rejected',
          actor: options.actor,
          organisationId: access.organisation.id,
          subject: { type: 'pathway_recognition', id: current.id },
          data,
        });
      }
      return decided;
    });
    await completeIfSatisfied(decidedRow);
    return decidedRow;
  }

  // Gap analysis port --------------------------------------------------------------------------------------

  /**
   * For the skill profile's gap analysis: the skills of the published pathway's components the learner has
   * not counted yet (from the published definitions' skills). No permission check beyond seeing the
   * published pathway, which is public; the learner is the caller's to authorise.
   */
  async function remainingSkillsOf(options: {
    userId: string;
    id: string;
  }): Promise<{ label: string; uri: string; skillUris: string[] }> {
    const pathway = await publishedOr404(deps.db, options.id);
    const progress = await progressOf(deps.db, pathway, options.userId, false);
    const counted = new Set(
      progress.result.evaluation.nodes.filter((node) => node.satisfied).map((node) => node.id),
    );
    const uris = new Set<string>();
    for (const component of componentsOf(progress.content.root)) {
      if (counted.has(component.id)) continue;
      for (const uri of progress.series.get(component.seriesId)?.skillUris ?? []) uris.add(uri);
    }
    return { label: pathway.title, uri: pathwayUrl(pathway.pathway_id), skillUris: [...uris].sort() };
  }

  return {
    createPathway,
    saveDraft,
    publishPathway,
    validateContent,
    listPathways,
    getPathway,
    importCtdl,
    listPublishedPathways,
    getPublishedPathway,
    exportCtdl,
    learnerProgress,
    myCompletion,
    subscribe,
    unsubscribe,
    mySubscriptions,
    cohortProgress,
    completePathway,
    grantRecognition,
    revokeRecognition,
    submitRecognition,
    recognitionQueue,
    decideRecognition,
    recheckCompletions,
    remainingSkillsOf,
    pathwayUrl,
    onCredentialsIssued,
    onCredentialsClaimed,
    onCredentialStatusChanged,
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export type PathwaysService = ReturnType<typeof createPathwaysService>;
