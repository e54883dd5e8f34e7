import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '../../core/errors.ts';
import type { IssueJobRowStatus } from '../../db/tables/issuance.ts';
import type { AppDeps } from '../../deps.ts';
import { requireAuthenticated, requireUser } from '../../http/auth.ts';
import { problemResponses } from '../../http/route-docs.ts';
import {
  presentAward,
  presentClaimed,
  presentEmail,
  presentEmails,
  presentJob,
  presentResult,
  presentRowReport,
} from './issuance.presenter.ts';
import type { RawRow } from './issuance.rows.ts';
import {
  BULK_BODY_LIMIT_BYTES,
  ClaimResponse,
  DefinitionParams,
  DryRunResponse,
  EmailBody,
  EmailListResponse,
  EmailParams,
  EmailResponse,
  IssueJobCsvBody,
  IssueJobJsonBody,
  IssueJobQuery,
  JobListResponse,
  JobParams,
  JobResponse,
  JobRowsQuery,
  JobRowsResponse,
  PageQuery,
  ResultBody,
  ResultListResponse,
  ResultResponse,
  ResultsImportJsonBody,
  ResultsImportResponse,
  TokenBody,
} from './issuance.schemas.ts';
import type { ResultSubmission } from './issuance.service.ts';

const errors = problemResponses(400, 401, 403, 404, 409, 413, 415, 422, 429);
const orgSecurity: Array<Record<string, string[]>> = [{ session: [] }, { bearer: [] }];
/** Claims and addresses belong to people: a signed-in session, not an organisation's API token. */
const userSecurity: Array<Record<string, string[]>> = [{ session: [] }];

type DefinitionParamsType = { slug: string; definitionId: string };
type JobParamsType = DefinitionParamsType & { jobId: string };
type IssueJobOptions = { skipInvalid?: boolean; dryRun?: boolean };

/**
 * Issuance under /api/v1: external results and bulk issue for an externally assessed definition
 * (organisation members and API tokens), claiming credentials mailed to another address and a user's
 * further e-mail addresses (signed-in users).
 */
export const issuanceRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const { issuance } = deps.services;
  const issueLimit = {
    rateLimit: { max: deps.config.issueRateLimit.max, timeWindow: deps.config.issueRateLimit.windowMs },
  };
  const authLimit = {
    rateLimit: { max: deps.config.authRateLimit.max, timeWindow: deps.config.authRateLimit.windowMs },
  };
  const definitionPath = (params: DefinitionParamsType) =>
    `/api/v1/orgs/${params.slug}/definitions/${params.definitionId}`;

  // CSV files are accepted here only (the rest of the API speaks JSON), with the bulk body limit.
  app.addContentTypeParser(
    'text/csv',
    { parseAs: 'string', bodyLimit: BULK_BODY_LIMIT_BYTES },
    (_request, body, done) => done(null, body),
  );

  // The worker resumes jobs a previous process left unfinished, and finishes its batch on shutdown.
  app.addHook('onReady', async () => {
    const resumed = await issuance.resumeUnfinishedJobs();
    if (resumed > 0) deps.logger.info({ jobs: resumed }, 'resuming unfinished issue jobs');
  });
  app.addHook('onClose', async () => {
    await issuance.stopWorker();
  });

  app.post(
    '/orgs/:slug/definitions/:definitionId/results',
    {
      config: issueLimit,
      schema: {
        tags: ['issuance'],
        summary: 'Record an external result; a pass awards the credential (scope results:record)',
        description:
          'For published definitions whose assessment type is `external` (otherwise 422 ' +
          'definition_not_issuable). The supervision level is recorded with the result (the definition’s ' +
          'by default). A pass issues the OB 3.0 credential once per award (the externalRef, or the ' +
          'result’s content); the same result sent again answers 200 with what was recorded.',
        security: orgSecurity,
        params: DefinitionParams,
        body: ResultBody,
        response: { 200: ResultResponse, 201: ResultResponse, ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireAuthenticated(request);
      const params = request.params as DefinitionParamsType;
      const recorded = await issuance.recordResult({
        actor,
        ...params,
        result: request.body as ResultSubmission,
      });
      return reply.status(recorded.created ? 201 : 200).send({
        result: presentResult(recorded.result),
        credential: presentAward(recorded.credential, recorded.alreadyIssued, issuance.credentialPageUrl),
        created: recorded.created,
      });
    },
  );

  app.post(
    '/orgs/:slug/definitions/:definitionId/results/import',
    {
      config: issueLimit,
      bodyLimit: BULK_BODY_LIMIT_BYTES,
      schema: {
        tags: ['issuance'],
        summary:
          'Record external results from a CSV file; passes award the credential (scope results:record)',
        description:
          'Body: `text/csv` (header line first) or JSON `{ csv }`; the bulk-issue columns plus `supervision`, ' +
          'with `passed` required (fails are recorded too); up to 2,000 rows. Every row is checked first: ' +
          'with a bad or duplicate row nothing is recorded (422, the first 100 problems in `errors`). Each ' +
          'row is then recorded like one result sent to …/results: sending the file again changes nothing.',
        security: orgSecurity,
        params: DefinitionParams,
        body: {
          content: {
            'application/json': { schema: ResultsImportJsonBody },
            'text/csv': { schema: IssueJobCsvBody },
          },
        },
        response: { 200: ResultsImportResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const body = request.body as string | { csv: string } | undefined;
      if (body === undefined || body === null) {
        throw new AppError('validation_failed', 'The import needs a body', {
          detail: 'Send the CSV file as text/csv, or JSON { csv }',
          fields: [{ in: 'body', pointer: '', message: 'is required' }],
        });
      }
      const report = await issuance.importResults({
        actor,
        ...(request.params as DefinitionParamsType),
        csv: typeof body === 'string' ? body : body.csv,
      });
      return { report };
    },
  );

  app.get(
    '/orgs/:slug/definitions/:definitionId/results',
    {
      schema: {
        tags: ['issuance'],
        summary:
          'The external results recorded for a definition version, newest first (scope results:record)',
        security: orgSecurity,
        params: DefinitionParams,
        querystring: PageQuery,
        response: { 200: ResultListResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const query = request.query as { limit: number; offset: number };
      const results = await issuance.listResults({
        actor,
        ...(request.params as DefinitionParamsType),
        ...query,
      });
      return { results: results.map(presentResult) };
    },
  );

  app.post(
    '/orgs/:slug/definitions/:definitionId/issue-jobs',
    {
      config: issueLimit,
      bodyLimit: BULK_BODY_LIMIT_BYTES,
      schema: {
        tags: ['issuance'],
        summary: 'Bulk issue from a CSV file or JSON rows (scope credentials:issue)',
        description:
          'Body: `text/csv` (header line first), or JSON `{ csv }` or `{ rows: [...] }`; columns email ' +
          '(required), name, did, narrative, evidence_url, grade, score, passed, date, external_ref; up to ' +
          '25,000 rows and 20 MB. The whole file is checked first: with an invalid or duplicate row nothing ' +
          'is issued (422, the first 100 problems in `errors`, all of them under the rejected job’s rows) ' +
          'unless `skipInvalid`. `dryRun` only reports (200). An accepted file answers 202 with the job; ' +
          'its rows are issued in the background in batches; follow `links.self`. A row already awarded ' +
          '(same learner and external_ref, or same content) is reported as already issued, never twice.',
        security: orgSecurity,
        params: DefinitionParams,
        querystring: IssueJobQuery,
        body: {
          content: {
            'application/json': { schema: IssueJobJsonBody },
            'text/csv': { schema: IssueJobCsvBody },
          },
        },
        response: { 200: DryRunResponse, 202: JobResponse, ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireAuthenticated(request);
      const params = request.params as DefinitionParamsType;
      const query = request.query as IssueJobOptions;
      const body = request.body as string | ({ csv?: string; rows?: RawRow[] } & IssueJobOptions);
      if (body === undefined || body === null) {
        throw new AppError('validation_failed', 'The issue job needs a body', {
          detail: 'Send the CSV file as text/csv, or JSON { csv } or { rows }',
          fields: [{ in: 'body', pointer: '', message: 'is required' }],
        });
      }
      const input = typeof body === 'string' ? { csv: body } : { csv: body.csv, rows: body.rows };
      const options = typeof body === 'string' ? {} : body;
      const submitted = await issuance.submitIssueJob({
        actor,
        ...params,
        ...input,
        skipInvalid: query.skipInvalid === true || options.skipInvalid === true,
        dryRun: query.dryRun === true || options.dryRun === true,
      });
      if (submitted.dryRun) {
        const report = submitted.dryRun;
        return reply.status(200).send({
          dryRun: { ...report, invalidRows: report.invalidRows.map(presentRowReport) },
        });
      }
      const job = presentJob(submitted.job as NonNullable<typeof submitted.job>, definitionPath(params));
      return reply.status(202).header('location', job.links.self).send({ job });
    },
  );

  app.get(
    '/orgs/:slug/definitions/:definitionId/issue-jobs',
    {
      schema: {
        tags: ['issuance'],
        summary: 'The bulk-issue jobs of a definition version, newest first (scope credentials:read)',
        security: orgSecurity,
        params: DefinitionParams,
        querystring: PageQuery,
        response: { 200: JobListResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const params = request.params as DefinitionParamsType;
      const query = request.query as { limit: number; offset: number };
      const jobs = await issuance.listIssueJobs({ actor, ...params, ...query });
      return { jobs: jobs.map((job) => presentJob(job, definitionPath(params))) };
    },
  );

  app.get(
    '/orgs/:slug/definitions/:definitionId/issue-jobs/:jobId',
    {
      schema: {
        tags: ['issuance'],
        summary: 'A bulk-issue job and its progress (scope credentials:read)',
        description: 'Counters: total, valid, invalid, processed, issued, alreadyIssued, failed, pending.',
        security: orgSecurity,
        params: JobParams,
        response: { 200: JobResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const params = request.params as JobParamsType;
      const job = await issuance.getIssueJob({ actor, ...params });
      return { job: presentJob(job, definitionPath(params)) };
    },
  );

  app.get(
    '/orgs/:slug/definitions/:definitionId/issue-jobs/:jobId/rows',
    {
      schema: {
        tags: ['issuance'],
        summary: 'The rows of a bulk-issue job with their outcome and errors, paged (scope credentials:read)',
        description:
          'Filter by `status` (`invalid` lists every bad row of a refused file, `failed` the rows that ' +
          'could not be issued); `total` counts the matching rows.',
        security: orgSecurity,
        params: JobParams,
        querystring: JobRowsQuery,
        response: { 200: JobRowsResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const params = request.params as JobParamsType;
      const query = request.query as { status?: IssueJobRowStatus; limit: number; offset: number };
      const page = await issuance.listIssueJobRows({ actor, ...params, ...query });
      return {
        rows: page.rows.map(presentRowReport),
        total: page.total,
        limit: query.limit,
        offset: query.offset,
      };
    },
  );

  app.post(
    '/claims',
    {
      config: authLimit,
      schema: {
        tags: ['me'],
        summary: 'Claim the credential(s) a claim link was mailed for',
        description:
          'Binds to your account the credential of the mailed one-time link and every other unclaimed ' +
          'credential addressed to the same recipient address; your account’s address may differ. The ' +
          'token travels in the body, never in a URL. 400 token_invalid for a used or expired link.',
        security: userSecurity,
        body: TokenBody,
        response: { 200: ClaimResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const { token } = request.body as { token: string };
      const claimed = await issuance.claimCredentials({ actor, token });
      return { claimed: claimed.map(presentClaimed) };
    },
  );

  app.get(
    '/me/emails',
    {
      schema: {
        tags: ['me'],
        summary: 'Your e-mail addresses: the account’s own and the further ones',
        description: 'Credentials issued to any verified address count as yours.',
        security: userSecurity,
        response: { 200: EmailListResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const { user, emails } = await issuance.listEmails({ actor });
      return { emails: presentEmails(user, emails) };
    },
  );

  app.post(
    '/me/emails',
    {
      config: authLimit,
      schema: {
        tags: ['me'],
        summary: 'Add a further e-mail address; a confirmation link is mailed to it',
        description:
          'Adding an address you added before mails a new link. An address another account uses is ' +
          'refused (409 conflict).',
        security: userSecurity,
        body: EmailBody,
        response: { 201: EmailResponse, ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const { email } = request.body as { email: string };
      const row = await issuance.addEmail({ actor, email });
      return reply.status(201).send({ email: presentEmail(row) });
    },
  );

  app.post(
    '/me/emails/verify',
    {
      config: authLimit,
      schema: {
        tags: ['me'],
        summary: 'Confirm a further e-mail address with the mailed token',
        security: userSecurity,
        body: TokenBody,
        response: { 200: EmailResponse, ...errors },
      },
    },
    async (request) => {
      const { token } = request.body as { token: string };
      const row = await issuance.verifyEmail({ actor: request.actor, token });
      return { email: presentEmail(row) };
    },
  );

  app.delete(
    '/me/emails/:emailId',
    {
      schema: {
        tags: ['me'],
        summary: 'Remove a further e-mail address',
        security: userSecurity,
        params: EmailParams,
        response: { 204: { type: 'null', description: 'Removed' }, ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const { emailId } = request.params as { emailId: string };
      await issuance.removeEmail({ actor, emailId });
      return reply.status(204).send();
    },
  );
};
