import type { FastifyPluginAsync } from 'fastify';
import type { ComponentRevokedPolicy } from '../../db/tables/pathways.ts';
import type { AppDeps } from '../../deps.ts';
import { requireAuthenticated } from '../../http/auth.ts';
import { problemResponses, SESSION_ONLY, SESSION_OR_TOKEN } from '../../http/route-docs.ts';
import {
  presentCohortLearner,
  presentCompletion,
  presentPathway,
  presentProgress,
  presentPublished,
  presentRecognition,
  presentVersionSummary,
} from './pathways.presenter.ts';
import {
  CohortResponse,
  CompletionResponse,
  CtdlImportBody,
  CtdlResponse,
  DecisionBody,
  OrgPathwayParams,
  PageQuery,
  PathwayBody,
  PathwayListResponse,
  PathwayParams,
  PathwayResponse,
  ProgressResponse,
  PublishedListResponse,
  PublishedResponse,
  RecheckResponse,
  RecognitionBody,
  RecognitionListResponse,
  RecognitionParams,
  RecognitionResponse,
  RevokeRecognitionResponse,
  SlugParams,
  SubmitRecognitionBody,
  SubscriptionResponse,
  ValidateBody,
  ValidateResponse,
} from './pathways.schemas.ts';

const errors = problemResponses(400, 401, 403, 404, 409, 422);
const publicErrors = problemResponses(400, 404);
const tags = ['pathways'];
const security = SESSION_OR_TOKEN;

interface PathwayInput {
  content: unknown;
  onComponentRevoked?: ComponentRevokedPolicy;
}

/**
 * Stackable pathways under /api/v1: organisations author and publish them (`definitions:*` scopes), grant
 * recognition of prior learning and watch their cohort (`credentials:*`); published pathways and their CTDL
 * export are public; learners follow their progress and complete them under /me.
 */
export const pathwaysRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const { pathways } = deps.services;

  // Organisation ---------------------------------------------------------------------------------------------

  app.get(
    '/orgs/:slug/pathways',
    {
      schema: {
        tags,
        summary: 'The organisation’s pathways, each with its newest version (scope definitions:read)',
        security,
        params: SlugParams,
        querystring: PageQuery,
        response: { 200: PathwayListResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { slug } = request.params as { slug: string };
      const page = request.query as { limit: number; offset: number };
      const rows = await pathways.listPathways({ actor, slug, ...page });
      return { pathways: rows.map(presentVersionSummary) };
    },
  );

  app.post(
    '/orgs/:slug/pathways',
    {
      schema: {
        tags,
        summary: 'Create a pathway as draft version 1 (scope definitions:manage)',
        description:
          'The content is checked as a whole: structure (cyclic prerequisites, N larger than M, unreachable ' +
          'minimums) and the catalogue (every component and a definition target must be published). ' +
          'Problems answer 422 `pathway_invalid`, one entry per problem in `errors`.',
        security,
        params: SlugParams,
        body: PathwayBody,
        response: { 201: PathwayResponse, ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireAuthenticated(request);
      const { slug } = request.params as { slug: string };
      const details = await pathways.createPathway({ actor, slug, ...(request.body as PathwayInput) });
      return reply
        .status(201)
        .header('location', `/api/v1/orgs/${slug}/pathways/${details.pathwayId}`)
        .send({ pathway: presentPathway(details, pathways.pathwayUrl(details.pathwayId)) });
    },
  );

  app.post(
    '/orgs/:slug/pathways/validate',
    {
      schema: {
        tags,
        summary: 'Check pathway content without saving it (scope definitions:read)',
        security,
        params: SlugParams,
        body: ValidateBody,
        response: { 200: ValidateResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { slug } = request.params as { slug: string };
      const { content } = request.body as { content: unknown };
      const problems = await pathways.validateContent({ actor, slug, content });
      return { valid: problems.length === 0, problems };
    },
  );

  app.post(
    '/orgs/:slug/pathways/import-ctdl',
    {
      schema: {
        tags,
        summary: 'Create a draft pathway from a CTDL Pathway document (scope definitions:manage)',
        description:
          'Each `ceterms:proxyFor` must be the URI of one of our catalogue definition pages; anything else is ' +
          'refused with a pointer into the document.',
        security,
        params: SlugParams,
        body: CtdlImportBody,
        response: { 201: PathwayResponse, ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireAuthenticated(request);
      const { slug } = request.params as { slug: string };
      const body = request.body as { document: unknown; onComponentRevoked?: ComponentRevokedPolicy };
      const details = await pathways.importCtdl({ actor, slug, ...body });
      return reply
        .status(201)
        .header('location', `/api/v1/orgs/${slug}/pathways/${details.pathwayId}`)
        .send({ pathway: presentPathway(details, pathways.pathwayUrl(details.pathwayId)) });
    },
  );

  app.get(
    '/orgs/:slug/pathways/:id',
    {
      schema: {
        tags,
        summary: 'A pathway with every version (scope definitions:read)',
        security,
        params: OrgPathwayParams,
        response: { 200: PathwayResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const params = request.params as { slug: string; id: string };
      const details = await pathways.getPathway({ actor, ...params });
      return { pathway: presentPathway(details, pathways.pathwayUrl(details.pathwayId)) };
    },
  );

  app.put(
    '/orgs/:slug/pathways/:id/draft',
    {
      schema: {
        tags,
        summary: 'Save the draft; starts the next version when there is none (scope definitions:manage)',
        security,
        params: OrgPathwayParams,
        body: PathwayBody,
        response: { 200: PathwayResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const params = request.params as { slug: string; id: string };
      const details = await pathways.saveDraft({ actor, ...params, ...(request.body as PathwayInput) });
      return { pathway: presentPathway(details, pathways.pathwayUrl(details.pathwayId)) };
    },
  );

  app.post(
    '/orgs/:slug/pathways/:id/publish',
    {
      schema: {
        tags,
        summary:
          'Publish the draft; the published version it replaces is retired (scope definitions:publish)',
        security,
        params: OrgPathwayParams,
        response: { 200: PathwayResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const params = request.params as { slug: string; id: string };
      const details = await pathways.publishPathway({ actor, ...params });
      return { pathway: presentPathway(details, pathways.pathwayUrl(details.pathwayId)) };
    },
  );

  app.get(
    '/orgs/:slug/pathways/:id/learners',
    {
      schema: {
        tags,
        summary: 'Who of the subscribed learners is where on the published pathway (scope credentials:read)',
        security,
        params: OrgPathwayParams,
        response: { 200: CohortResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const params = request.params as { slug: string; id: string };
      const cohort = await pathways.cohortProgress({ actor, ...params });
      return { pathwayId: cohort.pathway.pathway_id, learners: cohort.learners.map(presentCohortLearner) };
    },
  );

  app.post(
    '/orgs/:slug/pathways/:id/recognitions',
    {
      schema: {
        tags,
        summary: 'Recognise prior learning: grant a learner one component (scope credentials:issue)',
        security,
        params: OrgPathwayParams,
        body: RecognitionBody,
        response: { 201: RecognitionResponse, ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireAuthenticated(request);
      const params = request.params as { slug: string; id: string };
      const body = request.body as {
        userId: string;
        componentId: string;
        note?: string | null;
        creditPoints?: number;
        hours?: number;
        validUntil?: string | null;
      };
      const grant = await pathways.grantRecognition({
        actor,
        ...params,
        ...body,
        validUntil: body.validUntil ? new Date(body.validUntil) : null,
      });
      return reply.status(201).send({ recognition: presentRecognition(grant) });
    },
  );

  app.post(
    '/orgs/:slug/pathways/:id/recognitions/:recognitionId/revoke',
    {
      schema: {
        tags,
        summary: 'Withdraw a recognition; a completion that counted it is flagged (scope credentials:status)',
        security,
        params: RecognitionParams,
        response: { 200: RevokeRecognitionResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const params = request.params as { slug: string; id: string; recognitionId: string };
      const outcome = await pathways.revokeRecognition({ actor, ...params });
      return {
        recognition: presentRecognition(outcome.recognition),
        flaggedCompletions: outcome.flagged.map(presentCompletion),
      };
    },
  );

  app.post(
    '/orgs/:slug/pathways/:id/completions/recheck',
    {
      schema: {
        tags,
        summary: 'Flag completions whose counted credentials were revoked since (scope credentials:status)',
        security,
        params: OrgPathwayParams,
        response: { 200: RecheckResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const params = request.params as { slug: string; id: string };
      const outcome = await pathways.recheckCompletions({ actor, ...params });
      return { checked: outcome.checked, flaggedCompletions: outcome.flagged.map(presentCompletion) };
    },
  );

  app.get(
    '/orgs/:slug/pathways/:id/recognitions',
    {
      schema: {
        tags,
        summary: 'The reviewer queue: learners’ pending recognition submissions (scope credentials:read)',
        security,
        params: OrgPathwayParams,
        response: { 200: RecognitionListResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const params = request.params as { slug: string; id: string };
      const rows = await pathways.recognitionQueue({ actor, ...params });
      return { recognitions: rows.map(presentRecognition) };
    },
  );

  app.post(
    '/orgs/:slug/pathways/:id/recognitions/:recognitionId/decision',
    {
      schema: {
        tags,
        summary: 'Accept or reject a pending recognition submission (scope credentials:issue)',
        security,
        params: RecognitionParams,
        body: DecisionBody,
        response: { 200: RecognitionResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const params = request.params as { slug: string; id: string; recognitionId: string };
      const body = request.body as { decision: 'accept' | 'reject'; note?: string | null };
      const decided = await pathways.decideRecognition({ actor, ...params, ...body });
      return { recognition: presentRecognition(decided) };
    },
  );

  // Public ---------------------------------------------------------------------------------------------------

  app.get(
    '/pathways',
    {
      schema: {
        tags,
        summary: 'Published pathways, newest first',
        security: [],
        querystring: PageQuery,
        response: { 200: PublishedListResponse, ...publicErrors },
      },
    },
    async (request) => {
      const rows = await pathways.listPublishedPathways(request.query as { limit: number; offset: number });
      return { pathways: rows.map((row) => presentPublished(row, pathways.pathwayUrl(row.pathway_id))) };
    },
  );

  app.get(
    '/pathways/:id',
    {
      schema: {
        tags,
        summary: 'A published pathway (its published version)',
        security: [],
        params: PathwayParams,
        response: { 200: PublishedResponse, ...publicErrors },
      },
    },
    async (request) => {
      const row = await pathways.getPublishedPathway(request.params as { id: string });
      return { pathway: presentPublished(row, pathways.pathwayUrl(row.pathway_id)) };
    },
  );

  app.get(
    '/pathways/:id/ctdl',
    {
      schema: {
        tags,
        summary: 'A published pathway as CTDL Pathway JSON-LD',
        security: [],
        params: PathwayParams,
        response: { 200: CtdlResponse, ...publicErrors },
      },
    },
    async (request, reply) => {
      const document = await pathways.exportCtdl(request.params as { id: string });
      return reply.type('application/ld+json').send(document);
    },
  );

  // Learner --------------------------------------------------------------------------------------------------

  app.get(
    '/me/pathways',
    {
      schema: {
        tags,
        summary: 'The published pathways the signed-in learner follows',
        security: SESSION_ONLY,
        response: { 200: PublishedListResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const rows = await pathways.mySubscriptions({ actor });
      return { pathways: rows.map((row) => presentPublished(row, pathways.pathwayUrl(row.pathway_id))) };
    },
  );

  app.put(
    '/me/pathways/:id/subscription',
    {
      schema: {
        tags,
        summary: 'Follow a published pathway (the organisation then sees your progress on it)',
        security: SESSION_ONLY,
        params: PathwayParams,
        response: { 200: SubscriptionResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      return pathways.subscribe({ actor, ...(request.params as { id: string }) });
    },
  );

  app.delete(
    '/me/pathways/:id/subscription',
    {
      schema: {
        tags,
        summary: 'Stop following a pathway',
        security: SESSION_ONLY,
        params: PathwayParams,
        response: { 200: SubscriptionResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      return pathways.unsubscribe({ actor, ...(request.params as { id: string }) });
    },
  );

  app.get(
    '/me/pathways/:id/progress',
    {
      schema: {
        tags,
        summary:
          'Your progress on a published pathway: every rule, credits, and the cheapest and shortest ways to finish',
        security: SESSION_ONLY,
        params: PathwayParams,
        response: { 200: ProgressResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const progress = await pathways.learnerProgress({ actor, ...(request.params as { id: string }) });
      return { progress: presentProgress(progress) };
    },
  );

  app.post(
    '/me/pathways/:id/recognitions',
    {
      schema: {
        tags,
        summary:
          'Submit a credential earned elsewhere, or evidence, for one component (recognition of prior learning)',
        description:
          'A credential that verifies, names your verified e-mail address and is of the component’s definition ' +
          'is accepted at once (201, status active); a forged one answers 422 `credential_not_verified`; ' +
          'anything else waits for the organisation’s reviewer (201, status pending).',
        security: SESSION_ONLY,
        params: PathwayParams,
        body: SubmitRecognitionBody,
        response: { 201: RecognitionResponse, ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireAuthenticated(request);
      const body = request.body as {
        componentId: string;
        credential?: unknown;
        evidence?: { narrative: string; url?: string };
      };
      const row = await pathways.submitRecognition({ actor, ...(request.params as { id: string }), ...body });
      return reply.status(201).send({ recognition: presentRecognition(row) });
    },
  );

  app.post(
    '/me/pathways/:id/completion',
    {
      schema: {
        tags,
        summary: 'Complete the pathway: records it exactly once and issues its credential',
        description:
          'Answers 201 with `created: true` the first time, 200 with the same completion afterwards; 409 ' +
          '`invalid_state` while rules are unmet.',
        security: SESSION_ONLY,
        params: PathwayParams,
        response: { 200: CompletionResponse, 201: CompletionResponse, ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireAuthenticated(request);
      const outcome = await pathways.completePathway({ actor, ...(request.params as { id: string }) });
      return reply
        .status(outcome.created ? 201 : 200)
        .send({ completion: presentCompletion(outcome.completion), created: outcome.created });
    },
  );
};
