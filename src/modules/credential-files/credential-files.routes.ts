import multipart from '@fastify/multipart';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { AppDeps } from '../../deps.ts';
import { requireUser } from '../../http/auth.ts';
import { readSingleFilePart } from '../../http/multipart.ts';
import { problemResponses, SESSION_ONLY } from '../../http/route-docs.ts';
import { contentDisposition } from '../portfolio/portfolio.files.ts';
import { presentFileVerification, presentShare } from './credential-files.presenter.ts';
import {
  BinaryFile,
  CredentialFileParams,
  ProblemRef,
  ShareResponse,
  SourcedVerificationResult,
  VerifyUrlBody,
} from './credential-files.schemas.ts';
import type { CredentialFile } from './credential-files.service.ts';

const MAX_VERIFY_FILE_BYTES = 10 * 1024 * 1024;
const holderErrors = problemResponses(400, 401, 403, 404);
const security = SESSION_ONLY;

function sendFile(reply: FastifyReply, file: CredentialFile) {
  return reply
    .header('content-type', file.mediaType)
    .header('content-disposition', contentDisposition(file.fileName))
    .header('cache-control', 'private, no-store')
    .send(typeof file.content === 'string' ? file.content : Buffer.from(file.content));
}

/**
 * A holder's credential as files under /api/v1/me/credentials/:id (baked badge PNG/SVG, PDF certificate,
 * JSON, share links; only the holder, 404 for anyone else), and public verification of an uploaded file or
 * of one of our own credential URLs. Multipart parsing is registered here only, for the upload route.
 */
export const credentialFilesRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const { credentialFiles } = deps.services;
  await app.register(multipart, {
    limits: { fileSize: MAX_VERIFY_FILE_BYTES, files: 1, fields: 0, parts: 1 },
    throwFileSizeLimit: true,
  });
  const verifyConfig = {
    sessionless: true,
    rateLimit: { max: deps.config.verifyRateLimit.max, timeWindow: deps.config.verifyRateLimit.windowMs },
  };

  const downloads = [
    {
      path: 'badge.png',
      summary: 'Your badge as a PNG with the credential baked in (Open Badges 3.0)',
      run: credentialFiles.badgePng,
    },
    {
      path: 'badge.svg',
      summary: 'Your badge as an SVG with the credential baked in (Open Badges 3.0)',
      run: credentialFiles.badgeSvg,
    },
    {
      path: 'certificate.pdf',
      summary: 'A PDF certificate with a QR code to the public verification page',
      run: credentialFiles.certificate,
    },
    {
      path: 'credential.json',
      summary: 'The signed credential as a JSON file (a vc+jwt one as an EnvelopedVerifiableCredential)',
      run: credentialFiles.credentialJson,
    },
  ] as const;

  for (const download of downloads) {
    app.get(
      `/me/credentials/:id/${download.path}`,
      {
        schema: {
          tags: ['me'],
          summary: download.summary,
          description:
            'Only the holder may download (404 for anyone else). A revoked or suspended credential still ' +
            'downloads: it verifies as revoked or suspended.',
          security,
          params: CredentialFileParams,
          response: { 200: BinaryFile, ...holderErrors },
        },
      },
      async (request, reply) => {
        const actor = requireUser(request);
        const { id } = request.params as { id: string };
        return sendFile(reply, await download.run({ actor, id }));
      },
    );
  }

  app.get(
    '/me/credentials/:id/share',
    {
      schema: {
        tags: ['me'],
        summary: 'Share links of your credential: public page, LinkedIn “Add to profile”, HTML embed',
        description: 'Only the holder may (404 for anyone else).',
        security,
        params: CredentialFileParams,
        response: { 200: ShareResponse, ...holderErrors },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const { id } = request.params as { id: string };
      return presentShare(await credentialFiles.share({ actor, id }));
    },
  );

  app.post(
    '/verify/file',
    {
      config: verifyConfig,
      schema: {
        tags: ['verification'],
        summary:
          'Verify a credential file: JSON, or a baked PNG/SVG badge (multipart/form-data, part "file")',
        description:
          'The credential is unbaked and checked exactly as POST /api/v1/verify does; `source` says what the ' +
          'file was. At most 10 MB (413). A file that is no credential file: 415; an image without a baked ' +
          'credential, with more than one, or a corrupt one: 422.',
        security: [],
        consumes: ['multipart/form-data'],
        response: {
          200: SourcedVerificationResult,
          ...problemResponses(400, 413, 415, 422, 429),
        },
      },
    },
    async (request) => {
      const part = await readSingleFilePart(request, {
        maxBytes: MAX_VERIFY_FILE_BYTES,
        noun: 'file',
        sizeDetail: 'Credential files up to 10 MB can be checked',
      });
      return presentFileVerification(await credentialFiles.verifyFile({ bytes: part.content }));
    },
  );

  app.post(
    '/verify/url',
    {
      config: verifyConfig,
      schema: {
        tags: ['verification'],
        summary: 'Verify one of this server’s credentials by its public URL (read locally, never fetched)',
        description:
          'Only `PUBLIC_URL/credentials/<id>` URLs are accepted and resolved from the database. Any other ' +
          'URL is refused with 422: this server does not fetch URLs callers name (SSRF); paste the ' +
          'credential into POST /api/v1/verify or upload it to POST /api/v1/verify/file instead.',
        security: [],
        body: VerifyUrlBody,
        response: { 200: SourcedVerificationResult, 404: ProblemRef, ...problemResponses(400, 422, 429) },
      },
    },
    async (request) => {
      const { url } = request.body as { url: string };
      return presentFileVerification(await credentialFiles.verifyUrl({ url }));
    },
  );
};
