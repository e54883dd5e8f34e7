import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '../../core/errors.ts';
import type { AppDeps } from '../../deps.ts';
import { requireAuthenticated } from '../../http/auth.ts';
import { problemResponses, SESSION_OR_TOKEN } from '../../http/route-docs.ts';
import {
  presentCatalogueEntry,
  presentDefinition,
  presentDefinitionSummary,
  presentImportReport,
  presentPublicDefinition,
} from './catalogue.presenter.ts';
import {
  CatalogueEntryResponse,
  CatalogueSearchQuery,
  CatalogueSearchResponse,
  DefinitionContentBody,
  DefinitionListQuery,
  DefinitionListResponse,
  DefinitionParams,
  DefinitionResponse,
  ExportDocument,
  ImportBody,
  ImportQuery,
  ImportReportResponse,
  ProblemRef,
  PublicDefinitionParams,
  RetireBody,
  ReturnBody,
  SlugParams,
} from './catalogue.schemas.ts';
import type { CatalogueSearchOptions, ImportFormat } from './catalogue.service.ts';
import type { DefinitionContent, DefinitionSource, DefinitionStatus } from './definition.model.ts';

const errors = problemResponses(400, 401, 403, 404, 409, 422);
const security = SESSION_OR_TOKEN;
const TAGS = ['catalogue'];
/** Catalogue files are bigger than API bodies: 10,000 CSV rows run to a few megabytes. */
const IMPORT_BODY_LIMIT = 20 * 1_048_576;
/** Raw files may be uploaded as themselves; the format follows from the media type unless `format` says. */
const RAW_TYPES: Record<string, ImportFormat> = { 'text/csv': 'csv', 'application/ld+json': 'ctdl' };

type Params = { slug: string; id: string };

/**
 * The credential catalogue under /api/v1: an organisation's definitions and their lifecycle
 * (`definitions:read|manage|publish`), imports of external catalogues (`definitions:manage`), exports
 * (OB 3.0 Achievement, CTDL), and the public searchable catalogue of published entries.
 */
export const catalogueRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const { catalogue } = deps.services;
  const urlOf = (id: string) => catalogue.definitionUrl(id);
  const present = (details: Parameters<typeof presentDefinition>[0]) => ({
    definition: presentDefinition(details, urlOf),
  });

  // Raw file uploads for imports; encapsulated in this plugin, so no other route accepts them.
  app.addContentTypeParser(
    Object.keys(RAW_TYPES),
    { parseAs: 'string', bodyLimit: IMPORT_BODY_LIMIT },
    (_request, body, done) => done(null, body),
  );

  app.post(
    '/orgs/:slug/definitions',
    {
      schema: {
        tags: TAGS,
        summary: 'Create a draft definition, version 1 of a new series (scope definitions:manage)',
        description:
          'The body is the whole definition content. A draft may be incomplete; the conformance report in the ' +
          'answer says which standard elements are still missing for publishing.',
        security,
        params: SlugParams,
        body: DefinitionContentBody,
        response: { 201: DefinitionResponse, ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireAuthenticated(request);
      const { slug } = request.params as { slug: string };
      const details = await catalogue.createDefinition({
        actor,
        slug,
        content: request.body as DefinitionContent,
      });
      return reply
        .status(201)
        .header('location', `/api/v1/orgs/${slug}/definitions/${details.record.id}`)
        .send(present(details));
    },
  );

  app.get(
    '/orgs/:slug/definitions',
    {
      schema: {
        tags: TAGS,
        summary:
          'The organisation’s definitions and imported entries, latest change first (definitions:read)',
        security,
        params: SlugParams,
        querystring: DefinitionListQuery,
        response: { 200: DefinitionListResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { slug } = request.params as { slug: string };
      const query = request.query as {
        status?: DefinitionStatus;
        source?: DefinitionSource;
        limit: number;
        offset: number;
      };
      const page = await catalogue.listDefinitions({ actor, slug, ...query });
      return {
        definitions: page.definitions.map((record) => presentDefinitionSummary(record, urlOf(record.id))),
        total: page.total,
        limit: query.limit,
        offset: query.offset,
      };
    },
  );

  app.get(
    '/orgs/:slug/definitions/:id',
    {
      schema: {
        tags: TAGS,
        summary:
          'One definition version with its conformance and quality reports and versions (definitions:read)',
        security,
        params: DefinitionParams,
        response: { 200: DefinitionResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { slug, id } = request.params as Params;
      return present(await catalogue.getDefinition({ actor, slug, id }));
    },
  );

  app.put(
    '/orgs/:slug/definitions/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Replace a draft’s content (scope definitions:manage)',
        description:
          'Only drafts change. A definition in review must be returned to draft first; a published one never ' +
          'changes (409 invalid_state): make a new version instead.',
        security,
        params: DefinitionParams,
        body: DefinitionContentBody,
        response: { 200: DefinitionResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { slug, id } = request.params as Params;
      const content = request.body as DefinitionContent;
      return present(await catalogue.updateDefinition({ actor, slug, id, content }));
    },
  );

  app.post(
    '/orgs/:slug/definitions/:id/submit',
    {
      schema: {
        tags: TAGS,
        summary: 'Submit a draft for review (scope definitions:manage)',
        security,
        params: DefinitionParams,
        response: { 200: DefinitionResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { slug, id } = request.params as Params;
      return present(await catalogue.submitDefinition({ actor, slug, id }));
    },
  );

  app.post(
    '/orgs/:slug/definitions/:id/return',
    {
      schema: {
        tags: TAGS,
        summary: 'Return a definition in review to draft, with a comment (scope definitions:publish)',
        security,
        params: DefinitionParams,
        body: ReturnBody,
        response: { 200: DefinitionResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { slug, id } = request.params as Params;
      const { comment } = request.body as { comment: string };
      return present(await catalogue.returnToDraft({ actor, slug, id, comment }));
    },
  );

  app.post(
    '/orgs/:slug/definitions/:id/publish',
    {
      schema: {
        tags: TAGS,
        summary: 'Publish a definition in review (scope definitions:publish)',
        description:
          'Refused with 422 definition_not_publishable, listing every problem in `errors`, while a mandatory ' +
          'EU / NMF / OB 3.0 / CTDL element is missing or no assessment instrument is ready (completion-only ' +
          'badges are not micro-credentials). Publishing version n+1 retires version n, superseded by it.',
        security,
        params: DefinitionParams,
        response: { 200: DefinitionResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { slug, id } = request.params as Params;
      return present(await catalogue.publishDefinition({ actor, slug, id }));
    },
  );

  app.post(
    '/orgs/:slug/definitions/:id/retire',
    {
      schema: {
        tags: TAGS,
        summary: 'Retire a published definition (scope definitions:publish)',
        description: 'It leaves the catalogue; its page stays for the credentials already earned.',
        security,
        params: DefinitionParams,
        body: RetireBody,
        response: { 200: DefinitionResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { slug, id } = request.params as Params;
      const { reason } = request.body as { reason: string };
      return present(await catalogue.retireDefinition({ actor, slug, id, reason }));
    },
  );

  app.post(
    '/orgs/:slug/definitions/:id/versions',
    {
      schema: {
        tags: TAGS,
        summary: 'Start version n+1 of the latest published (or retired) version (scope definitions:publish)',
        description:
          'A draft in the same series with a copy of the content and of the assessment instruments. One draft ' +
          'per series at a time (409 conflict).',
        security,
        params: DefinitionParams,
        response: { 201: DefinitionResponse, ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireAuthenticated(request);
      const { slug, id } = request.params as Params;
      const details = await catalogue.createVersion({ actor, slug, id });
      return reply
        .status(201)
        .header('location', `/api/v1/orgs/${slug}/definitions/${details.record.id}`)
        .send(present(details));
    },
  );

  for (const [path, format, summary] of [
    ['achievement', 'ob3', 'The definition as an Open Badges 3.0 Achievement (definitions:read)'],
    ['ctdl', 'ctdl', 'The definition as a CTDL credential, JSON-LD (definitions:read)'],
  ] as const) {
    app.get(
      `/orgs/:slug/definitions/:id/${path}`,
      {
        schema: {
          tags: TAGS,
          summary,
          description:
            'Any status, drafts included (for review); the public form of published ones is under /catalogue.',
          security,
          params: DefinitionParams,
          response: { 200: ExportDocument, ...errors },
        },
      },
      async (request, reply) => {
        const actor = requireAuthenticated(request);
        const { slug, id } = request.params as Params;
        const document = await catalogue.exportDefinition({ actor, slug, id, format });
        return reply.type('application/ld+json; charset=utf-8').send(document);
      },
    );
  }

  app.post(
    '/orgs/:slug/catalogue/imports',
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      config: {
        rateLimit: { max: deps.config.issueRateLimit.max, timeWindow: deps.config.issueRateLimit.windowMs },
      },
      schema: {
        tags: TAGS,
        summary:
          'Import external credentials from CTDL, OB 3.0 Achievement JSON or CSV (scope definitions:manage)',
        description:
          'JSON body `{ format, content, skipInvalid?, dryRun? }`, or the file itself as `text/csv` or ' +
          '`application/ld+json` with the options in the query string. All or nothing: any problem answers 422 ' +
          'with every problem in `errors` and imports nothing, unless skipInvalid. Re-importing a file changes ' +
          'nothing; a changed entry (same external id) is updated in place.',
        security,
        params: SlugParams,
        querystring: ImportQuery,
        body: {
          content: {
            'application/json': { schema: ImportBody },
            'text/csv': { schema: { type: 'string', minLength: 1 } },
            'application/ld+json': { schema: { type: 'string', minLength: 1 } },
          },
        },
        response: { 200: ImportReportResponse, 413: ProblemRef, 415: ProblemRef, 429: ProblemRef, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { slug } = request.params as { slug: string };
      const query = request.query as { format?: ImportFormat; skipInvalid?: boolean; dryRun?: boolean };
      const mediaType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const raw = RAW_TYPES[mediaType];
      if (request.body === undefined || request.body === null) {
        throw new AppError('validation_failed', 'The import needs a body', {
          detail:
            'Send a JSON body { format, content, skipInvalid?, dryRun? }, or the file itself as text/csv or application/ld+json',
          fields: [{ in: 'body', pointer: '', message: 'is required' }],
        });
      }
      const body = raw
        ? { format: query.format ?? raw, content: request.body as string, ...query }
        : (request.body as {
            format: ImportFormat;
            content: string;
            skipInvalid?: boolean;
            dryRun?: boolean;
          });
      if (
        !raw &&
        (query.format !== undefined || query.skipInvalid !== undefined || query.dryRun !== undefined)
      ) {
        throw new AppError('invalid_request', 'Options go in the JSON body', {
          detail: 'With a JSON body, pass format, skipInvalid and dryRun in the body, not the query string.',
        });
      }
      const report = await catalogue.importCatalogue({ actor, slug, ...body, format: body.format });
      return presentImportReport(report);
    },
  );

  // Public catalogue -----------------------------------------------------------------------------------------

  const publicConfig = { sessionless: true };

  app.get(
    '/catalogue',
    {
      config: publicConfig,
      schema: {
        tags: TAGS,
        summary:
          'Search the public catalogue: published definitions of every organisation and external entries',
        description:
          'Full text (`q`, English stemming) plus filters; sorted by relevance (with q), quality or newest; ' +
          'paginated with limit and offset, with the total. Every entry carries its quality score and top reasons.',
        security: [],
        querystring: CatalogueSearchQuery,
        response: { 200: CatalogueSearchResponse, 400: ProblemRef },
      },
    },
    async (request) => {
      const query = request.query as Omit<CatalogueSearchOptions, 'text' | 'skillUri'> & {
        q?: string;
        skill?: string;
      };
      const { q, skill, ...filters } = query;
      const page = await catalogue.searchCatalogue({ ...filters, text: q, skillUri: skill });
      return {
        entries: page.entries.map((row) =>
          presentCatalogueEntry(row, { url: urlOf(row.id), organisationSlug: row.organisation_slug }),
        ),
        total: page.total,
        totalExact: page.totalExact,
        limit: query.limit,
        offset: query.offset,
      };
    },
  );

  app.get(
    '/catalogue/:id',
    {
      config: publicConfig,
      schema: {
        tags: TAGS,
        summary: 'One published catalogue entry with its full conformance and quality reports',
        description: 'Retired versions stay readable (credentials were earned against them); drafts are 404.',
        security: [],
        params: PublicDefinitionParams,
        response: { 200: CatalogueEntryResponse, 404: ProblemRef },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const details = await catalogue.getPublicDefinition({ id });
      if (!details) throw AppError.notFound('Catalogue entry');
      return { entry: presentPublicDefinition(details, urlOf(id)) };
    },
  );

  for (const [path, format, summary] of [
    ['achievement', 'ob3', 'A published entry as an Open Badges 3.0 Achievement'],
    ['ctdl', 'ctdl', 'A published entry as a CTDL credential (JSON-LD)'],
  ] as const) {
    app.get(
      `/catalogue/:id/${path}`,
      {
        config: publicConfig,
        schema: {
          tags: TAGS,
          summary,
          security: [],
          params: PublicDefinitionParams,
          response: { 200: ExportDocument, 404: ProblemRef },
        },
      },
      async (request, reply) => {
        const { id } = request.params as { id: string };
        const document = await catalogue.exportPublicDefinition({ id, format });
        if (!document) throw AppError.notFound('Catalogue entry');
        return reply.type('application/ld+json; charset=utf-8').send(document);
      },
    );
  }
};
