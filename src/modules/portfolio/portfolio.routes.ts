import multipart from '@fastify/multipart';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { SubmissionStatus } from '../../db/tables/portfolio.ts';
import type { AppDeps } from '../../deps.ts';
import { requireAuthenticated } from '../../http/auth.ts';
import { problemResponses, SESSION_ONLY, SESSION_OR_TOKEN } from '../../http/route-docs.ts';
import { contentDisposition } from './portfolio.files.ts';
import {
  presentAssessorSubmission,
  presentFile,
  presentLearnerSubmission,
  presentLearnerSummary,
  presentQueueItem,
  presentRubricView,
} from './portfolio.presenter.ts';
import type { RubricInput, SubmissionLink } from './portfolio.rubric.ts';
import { HARD_MAX_FILE_BYTES } from './portfolio.rubric.ts';
import {
  AssessorSubmissionResponse,
  CreateSubmissionBody,
  DefinitionRubricParams,
  FileDownloadResponse,
  FileResponse,
  LearnerSubmissionListResponse,
  LearnerSubmissionResponse,
  MarkBody,
  MyListQuery,
  OrgSlugParams,
  OrgSubmissionFileParams,
  OrgSubmissionParams,
  ProblemRef,
  PublicRubricParams,
  QueueQuery,
  QueueResponse,
  RubricBody,
  RubricResponse,
  SubmissionFileParams,
  SubmissionParams,
  UpdateSubmissionBody,
} from './portfolio.schemas.ts';
import type { FileDownload } from './portfolio.service.ts';
import { readSingleUpload } from './portfolio.upload.ts';

const errors = problemResponses(400, 401, 403, 404, 409, 422, 429);
const security = SESSION_OR_TOKEN;
const sessionOnly = SESSION_ONLY;
const tags = ['portfolio'];

type MarkRequestBody = {
  levels: Array<{ criterionId: string; levelId: string; feedback?: string }>;
  feedback: string;
};

function sendFile(reply: FastifyReply, file: FileDownload) {
  return reply
    .header('content-type', file.mediaType)
    .header('content-disposition', contentDisposition(file.fileName))
    .header('cache-control', 'private, no-store')
    .send(file.content);
}

/**
 * Practical / portfolio assessment under /api/v1: rubrics on definition versions (assessments:manage),
 * learners' submissions under /me/portfolio (signed in, verified e-mail), and the organisation's assessor
 * queue (assessments:mark). Multipart parsing is registered here only, for the file upload route.
 */
export const portfolioRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const { portfolio } = deps.services;
  await app.register(multipart, {
    limits: { fileSize: HARD_MAX_FILE_BYTES, files: 1, fields: 0, parts: 1 },
    throwFileSizeLimit: true,
  });
  const myFileUrl = (submissionId: string) => (fileId: string) =>
    `/api/v1/me/portfolio/submissions/${submissionId}/files/${fileId}`;
  const orgFileUrl = (slug: string, submissionId: string) => (fileId: string) =>
    `/api/v1/orgs/${slug}/portfolio/submissions/${submissionId}/files/${fileId}`;
  const viewerId = (actor: { kind: string; userId?: string }) =>
    actor.kind === 'user' ? (actor.userId ?? null) : null;

  // ----- Rubrics -------------------------------------------------------------------------------------

  app.get(
    '/orgs/:slug/definitions/:definitionId/rubric',
    {
      schema: {
        tags,
        summary: 'The rubric of a definition version, with its readiness (scope definitions:read)',
        security,
        params: DefinitionRubricParams,
        response: { 200: RubricResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { slug, definitionId } = request.params as { slug: string; definitionId: string };
      return presentRubricView(await portfolio.getRubric({ actor, slug, definitionId }));
    },
  );

  app.put(
    '/orgs/:slug/definitions/:definitionId/rubric',
    {
      schema: {
        tags,
        summary: 'Create or replace the rubric of a draft definition version (scope assessments:manage)',
        description:
          'Criteria × levels (points and descriptors), a pass rule (minimum total and/or a minimum level on ' +
          'every criterion) and the submission settings. Only while the definition version is a draft: ' +
          'afterwards 409 invalid_state (make a new version). The answer reports whether the rubric is ready ' +
          'for publishing (≥1 criterion, ≥2 levels each, a pass rule that can fail someone).',
        security,
        params: DefinitionRubricParams,
        body: RubricBody,
        response: { 200: RubricResponse, 201: RubricResponse, ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireAuthenticated(request);
      const { slug, definitionId } = request.params as { slug: string; definitionId: string };
      const saved = await portfolio.saveRubric({
        actor,
        slug,
        definitionId,
        rubric: request.body as RubricInput,
      });
      return reply.status(saved.created ? 201 : 200).send(presentRubricView(saved));
    },
  );

  app.delete(
    '/orgs/:slug/definitions/:definitionId/rubric',
    {
      schema: {
        tags,
        summary: 'Remove the rubric of a draft definition version (scope assessments:manage)',
        security,
        params: DefinitionRubricParams,
        response: { 204: { type: 'null', description: 'Removed' }, ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireAuthenticated(request);
      const { slug, definitionId } = request.params as { slug: string; definitionId: string };
      await portfolio.deleteRubric({ actor, slug, definitionId });
      return reply.status(204).send();
    },
  );

  app.get(
    '/portfolio/definitions/:definitionId/rubric',
    {
      schema: {
        tags,
        summary: 'The rubric of a published definition, as learners see it before submitting',
        description:
          'Public: criteria, level descriptors, the pass rule and the submission limits. Also the base of ' +
          'the rubric URIs in awarded credentials’ results (`#criterion-<id>`, `#criterion-<id>-level-<id>`).',
        security: [],
        params: PublicRubricParams,
        response: { 200: RubricResponse, ...errors },
      },
    },
    async (request) => {
      const { definitionId } = request.params as { definitionId: string };
      return presentRubricView(await portfolio.getPublishedRubric({ actor: request.actor, definitionId }));
    },
  );

  // ----- Learners' submissions -----------------------------------------------------------------------

  app.post(
    '/me/portfolio/submissions',
    {
      schema: {
        tags,
        summary: 'Start a submission for a published definition assessed by a rubric',
        description:
          'Needs a verified e-mail address. One open submission per learner and definition version (409 ' +
          'conflict); after a fail a new one may be started within the rubric’s attempt limit (409 ' +
          'attempt_limit_reached) and waiting time (429 cooldown_active).',
        security: sessionOnly,
        body: CreateSubmissionBody,
        response: { 201: LearnerSubmissionResponse, ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireAuthenticated(request);
      const body = request.body as { definitionId: string; text?: string; links?: SubmissionLink[] };
      const details = await portfolio.createSubmission({ actor, ...body });
      const id = details.submission.id;
      return reply
        .status(201)
        .header('location', `/api/v1/me/portfolio/submissions/${id}`)
        .send({ submission: presentLearnerSubmission(details, myFileUrl(id)) });
    },
  );

  app.get(
    '/me/portfolio/submissions',
    {
      schema: {
        tags,
        summary: 'My portfolio submissions, newest first',
        security: sessionOnly,
        querystring: MyListQuery,
        response: { 200: LearnerSubmissionListResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const query = request.query as {
        definitionId?: string;
        status?: SubmissionStatus;
        limit: number;
        offset: number;
      };
      const rows = await portfolio.listMySubmissions({ actor, ...query });
      return { submissions: rows.map(presentLearnerSummary) };
    },
  );

  app.get(
    '/me/portfolio/submissions/:id',
    {
      schema: {
        tags,
        summary: 'One of my submissions, with its files and, once decided, the result and feedback',
        security: sessionOnly,
        params: SubmissionParams,
        response: { 200: LearnerSubmissionResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { id } = request.params as { id: string };
      const details = await portfolio.getMySubmission({ actor, submissionId: id });
      return { submission: presentLearnerSubmission(details, myFileUrl(id)) };
    },
  );

  app.patch(
    '/me/portfolio/submissions/:id',
    {
      schema: {
        tags,
        summary: 'Change the text and links of a draft submission (null clears)',
        security: sessionOnly,
        params: SubmissionParams,
        body: UpdateSubmissionBody,
        response: { 200: LearnerSubmissionResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { id } = request.params as { id: string };
      const body = request.body as { text?: string | null; links?: SubmissionLink[] | null };
      const details = await portfolio.updateSubmission({ actor, submissionId: id, ...body });
      return { submission: presentLearnerSubmission(details, myFileUrl(id)) };
    },
  );

  app.post(
    '/me/portfolio/submissions/:id/files',
    {
      schema: {
        tags,
        summary: 'Upload one file to a draft submission (multipart/form-data, part "file")',
        description:
          'The file must be of a type the rubric allows, by extension AND by content (PDF, PNG, JPEG, ZIP, ' +
          'plain text, Markdown): otherwise 415 unsupported_media_type naming the allowed types. Larger than ' +
          'the rubric’s limit (at most 25 MB): 413 payload_too_large. More than the rubric’s file count: 422. ' +
          'Nothing is stored from a refused upload.',
        consumes: ['multipart/form-data'],
        security: sessionOnly,
        params: SubmissionParams,
        response: { 201: FileResponse, 413: ProblemRef, 415: ProblemRef, ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireAuthenticated(request);
      const { id } = request.params as { id: string };
      const file = await readSingleUpload(request);
      const stored = await portfolio.addFile({ actor, submissionId: id, file });
      const url = myFileUrl(id)(stored.id);
      return reply
        .status(201)
        .header('location', url)
        .send({ file: presentFile(stored, url) });
    },
  );

  app.get(
    '/me/portfolio/submissions/:id/files/:fileId',
    {
      schema: {
        tags,
        summary: 'Download a file of my submission',
        security: sessionOnly,
        params: SubmissionFileParams,
        response: { 200: FileDownloadResponse, ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireAuthenticated(request);
      const { id, fileId } = request.params as { id: string; fileId: string };
      return sendFile(reply, await portfolio.downloadMyFile({ actor, submissionId: id, fileId }));
    },
  );

  app.delete(
    '/me/portfolio/submissions/:id/files/:fileId',
    {
      schema: {
        tags,
        summary: 'Remove a file from a draft submission',
        security: sessionOnly,
        params: SubmissionFileParams,
        response: { 204: { type: 'null', description: 'Removed' }, ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireAuthenticated(request);
      const { id, fileId } = request.params as { id: string; fileId: string };
      await portfolio.removeFile({ actor, submissionId: id, fileId });
      return reply.status(204).send();
    },
  );

  app.post(
    '/me/portfolio/submissions/:id/submit',
    {
      schema: {
        tags,
        summary: 'Hand a draft submission in for marking',
        description: 'It joins the organisation’s assessor queue and no longer changes.',
        security: sessionOnly,
        params: SubmissionParams,
        response: { 200: LearnerSubmissionResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { id } = request.params as { id: string };
      const details = await portfolio.submit({ actor, submissionId: id });
      return { submission: presentLearnerSubmission(details, myFileUrl(id)) };
    },
  );

  // ----- The assessor queue --------------------------------------------------------------------------

  app.get(
    '/orgs/:slug/portfolio/submissions',
    {
      schema: {
        tags,
        summary: 'The assessor queue: submissions awaiting marking, oldest first (scope assessments:mark)',
        description:
          'By default everything that waits for a first or second mark or for moderation; filter by ' +
          '`status` (also passed/failed), `definitionId` and `claimed` (mine, unclaimed). Cursor pagination.',
        security,
        params: OrgSlugParams,
        querystring: QueueQuery,
        response: { 200: QueueResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { slug } = request.params as { slug: string };
      const query = request.query as {
        status?: SubmissionStatus;
        definitionId?: string;
        claimed?: 'mine' | 'unclaimed';
        cursor?: string;
        limit: number;
      };
      const page = await portfolio.listQueue({ actor, slug, ...query });
      return {
        submissions: page.submissions.map((row) => presentQueueItem(row, viewerId(actor))),
        nextCursor: page.nextCursor,
      };
    },
  );

  app.get(
    '/orgs/:slug/portfolio/submissions/:id',
    {
      schema: {
        tags,
        summary:
          'A submitted piece of work with its rubric and the marks you may see (scope assessments:mark)',
        description:
          'Second marking is blind: while a second mark is awaited, only the first marker sees the first mark.',
        security,
        params: OrgSubmissionParams,
        response: { 200: AssessorSubmissionResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { slug, id } = request.params as { slug: string; id: string };
      const details = await portfolio.getSubmissionForAssessor({ actor, slug, submissionId: id });
      return { submission: presentAssessorSubmission(details, viewerId(actor), orgFileUrl(slug, id)) };
    },
  );

  app.get(
    '/orgs/:slug/portfolio/submissions/:id/files/:fileId',
    {
      schema: {
        tags,
        summary: 'Download a file of a submitted piece of work (scope assessments:mark)',
        security,
        params: OrgSubmissionFileParams,
        response: { 200: FileDownloadResponse, ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireAuthenticated(request);
      const { slug, id, fileId } = request.params as { slug: string; id: string; fileId: string };
      return sendFile(
        reply,
        await portfolio.downloadFileForAssessor({ actor, slug, submissionId: id, fileId }),
      );
    },
  );

  const claimActions = [
    {
      action: 'claim',
      summary:
        'Claim a submission for marking, so no other assessor marks it meanwhile (scope assessments:mark)',
    },
    {
      action: 'release',
      summary: 'Give a claimed submission back to the queue: its claimer, or someone with assessments:manage',
    },
  ] as const;
  for (const { action, summary } of claimActions) {
    app.post(
      `/orgs/:slug/portfolio/submissions/:id/${action}`,
      {
        schema: {
          tags,
          summary,
          security,
          params: OrgSubmissionParams,
          response: { 200: AssessorSubmissionResponse, ...errors },
        },
      },
      async (request) => {
        const actor = requireAuthenticated(request);
        const { slug, id } = request.params as { slug: string; id: string };
        const details =
          action === 'claim'
            ? await portfolio.claim({ actor, slug, submissionId: id })
            : await portfolio.release({ actor, slug, submissionId: id });
        return { submission: presentAssessorSubmission(details, viewerId(actor), orgFileUrl(slug, id)) };
      },
    );
  }

  app.post(
    '/orgs/:slug/portfolio/submissions/:id/marks',
    {
      schema: {
        tags,
        summary: 'Mark a submission: a level per criterion and written feedback (scope assessments:mark)',
        description:
          'The total and pass/fail follow from the rubric. Without a second marker the mark decides; with one, ' +
          'a pass waits for a second mark by a different assessor, and two marks that disagree (pass vs fail, ' +
          'or totals further apart than the rubric allows) go to moderation. A final pass awards the ' +
          'definition’s credential (once) and mails the learner; a fail mails the feedback.',
        security,
        params: OrgSubmissionParams,
        body: MarkBody,
        response: { 200: AssessorSubmissionResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { slug, id } = request.params as { slug: string; id: string };
      const body = request.body as MarkRequestBody;
      const details = await portfolio.markSubmission({ actor, slug, submissionId: id, ...body });
      return { submission: presentAssessorSubmission(details, viewerId(actor), orgFileUrl(slug, id)) };
    },
  );

  app.post(
    '/orgs/:slug/portfolio/submissions/:id/moderation',
    {
      schema: {
        tags,
        summary: 'Resolve disagreeing marks with a final mark (owners and admins; scope assessments:manage)',
        security,
        params: OrgSubmissionParams,
        body: MarkBody,
        response: { 200: AssessorSubmissionResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { slug, id } = request.params as { slug: string; id: string };
      const body = request.body as MarkRequestBody;
      const details = await portfolio.moderate({ actor, slug, submissionId: id, ...body });
      return { submission: presentAssessorSubmission(details, viewerId(actor), orgFileUrl(slug, id)) };
    },
  );
};
