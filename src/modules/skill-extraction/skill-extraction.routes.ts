import multipart from '@fastify/multipart';
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../../deps.ts';
import { requireAuthenticated } from '../../http/auth.ts';
import { problemResponses, SESSION_OR_TOKEN } from '../../http/route-docs.ts';
import { presentExtraction } from './skill-extraction.presenter.ts';
import { ExtractBody, ExtractFileQuery, ExtractionResponse, ProblemRef } from './skill-extraction.schemas.ts';
import { readDocumentUpload } from './skill-extraction.upload.ts';
import { MAX_DOCUMENT_BYTES } from './text-input.ts';

const errors = problemResponses(400, 401, 403, 404, 422);
const security = SESSION_OR_TOKEN;
const tags = ['skill extraction'];

/**
 * Skill extraction under /api/v1: any signed-in user or API token may extract; an organisation's own
 * skills are matched only for its members. Multipart parsing is registered here for the file route only.
 */
export const skillExtractionRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const { skillExtraction } = deps.services;
  await app.register(multipart, {
    limits: { fileSize: MAX_DOCUMENT_BYTES, files: 1, fields: 0, parts: 1 },
    throwFileSizeLimit: true,
  });

  app.post(
    '/skills/extract',
    {
      schema: {
        tags,
        summary: 'Extract framework skills from a text (job posting, RFP, brief)',
        description:
          'Returns ESCO / O*NET skills (and, with `organisation`, that organisation’s own skills) ranked ' +
          'best first, each with a 0..1 confidence and the supporting text spans. Offline and deterministic. ' +
          'A text without words, or binary data, is 422.',
        security,
        body: ExtractBody,
        response: { 200: ExtractionResponse, 413: ProblemRef, 415: ProblemRef, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const body = request.body as {
        text: string;
        frameworks?: string[];
        organisation?: string;
        limit?: number;
      };
      const extraction = await skillExtraction.extractSkills({
        actor,
        text: body.text,
        ...(body.frameworks ? { frameworks: body.frameworks } : {}),
        ...(body.organisation ? { organisationSlug: body.organisation } : {}),
        ...(body.limit ? { limit: body.limit } : {}),
      });
      return presentExtraction(extraction);
    },
  );

  app.post(
    '/skills/extract/file',
    {
      schema: {
        tags,
        summary: 'Extract framework skills from a document (multipart/form-data, part "file")',
        description:
          `Reads .txt, .md, .pdf or .docx (detected by content as well as name), at most ${MAX_DOCUMENT_BYTES / (1024 * 1024)} MB ` +
          '(413 beyond, cut off without reading the rest). Another type: 415; a corrupt, encrypted, empty or ' +
          'binary document: 422 document_unreadable.',
        security,
        consumes: ['multipart/form-data'],
        querystring: ExtractFileQuery,
        response: { 200: ExtractionResponse, 413: ProblemRef, 415: ProblemRef, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const query = request.query as { framework?: string; organisation?: string; limit?: number };
      const upload = await readDocumentUpload(request);
      const extraction = await skillExtraction.extractSkillsFromDocument({
        actor,
        ...upload,
        ...(query.framework ? { frameworks: [query.framework] } : {}),
        ...(query.organisation ? { organisationSlug: query.organisation } : {}),
        ...(query.limit ? { limit: query.limit } : {}),
      });
      return presentExtraction(extraction);
    },
  );
};
