import multipart from '@fastify/multipart';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../../deps.ts';
import { requireUser } from '../../http/auth.ts';
import { readSingleFilePart } from '../../http/multipart.ts';
import { problemResponses, SESSION_ONLY } from '../../http/route-docs.ts';
import {
  presentImportedDetail,
  presentImportedSummary,
  presentMyProfile,
  presentPublicProfile,
} from './wallet.presenter.ts';
import {
  HandleParams,
  IdParams,
  ImportBody,
  ImportedListResponse,
  ImportedResponse,
  MyProfileResponse,
  ProfileBody,
  PublicProfileResponse,
} from './wallet.schemas.ts';
import type { ProfileInput } from './wallet.service.ts';

/** Baked badges are images; the credential inside is small, the picture around it need not be. */
export const MAX_IMPORT_FILE_BYTES = 10 * 1024 * 1024;

const errors = problemResponses(400, 401, 403, 404, 409, 422);
const uploadErrors = problemResponses(400, 401, 403, 404, 409, 413, 415, 422);
const tags = ['wallet'];
const security = SESSION_ONLY;

/**
 * The learner's imported credentials and public profile under /api/v1 (`/me/…`, signed-in users only: a
 * wallet is a person's, not an organisation's), and the public profile by handle. Multipart parsing is
 * registered here for the upload route only.
 */
export const walletRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const { wallet } = deps.services;
  await app.register(multipart, {
    limits: { fileSize: MAX_IMPORT_FILE_BYTES, files: 1, fields: 0, parts: 1 },
    throwFileSizeLimit: true,
  });

  app.get(
    '/me/imported-credentials',
    {
      schema: {
        tags,
        summary: 'My imported credentials, newest first, each with its verification verdict',
        security,
        response: { 200: ImportedListResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const rows = await wallet.listImported({ actor });
      return { importedCredentials: rows.map(presentImportedSummary) };
    },
  );

  app.post(
    '/me/imported-credentials',
    {
      schema: {
        tags,
        summary: 'Import a credential from elsewhere (JSON body); verified now and kept with the verdict',
        description:
          'The credential is kept whatever the verdict (verified, not_verified, unknown) with its step log. ' +
          'The same credential twice is 409 `conflict`.',
        security,
        body: ImportBody,
        response: { 201: ImportedResponse, ...uploadErrors },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const { credential } = request.body as { credential: object | string };
      const row = await wallet.importCredential({ actor, credential, source: 'json' });
      return reply.status(201).send({ importedCredential: presentImportedDetail(row) });
    },
  );

  app.post(
    '/me/imported-credentials/upload',
    {
      schema: {
        tags,
        summary: 'Import a credential file (multipart/form-data, part "file"): JSON, baked PNG or baked SVG',
        description:
          `At most ${MAX_IMPORT_FILE_BYTES / (1024 * 1024)} MB (413 beyond). A file that is no credential: 415; ` +
          'a PNG or SVG with no (or a broken) baked credential: 422. The same credential twice is 409.',
        security,
        consumes: ['multipart/form-data'],
        response: { 201: ImportedResponse, ...uploadErrors },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const part = await readSingleFilePart(request, {
        maxBytes: MAX_IMPORT_FILE_BYTES,
        noun: 'credential file',
        sizeDetail: `Credential files may be at most ${MAX_IMPORT_FILE_BYTES / (1024 * 1024)} MB`,
      });
      const row = await wallet.importCredentialFile({ actor, bytes: part.content });
      return reply.status(201).send({ importedCredential: presentImportedDetail(row) });
    },
  );

  app.get(
    '/me/imported-credentials/:id',
    {
      schema: {
        tags,
        summary: 'One imported credential with its verification step log and the credential as given',
        security,
        params: IdParams,
        response: { 200: ImportedResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const { id } = request.params as { id: string };
      return { importedCredential: presentImportedDetail(await wallet.getImported({ actor, id })) };
    },
  );

  app.post(
    '/me/imported-credentials/:id/verify',
    {
      schema: {
        tags,
        summary: 'Verify an imported credential again and keep the new verdict',
        security,
        params: IdParams,
        response: { 200: ImportedResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const { id } = request.params as { id: string };
      return { importedCredential: presentImportedDetail(await wallet.reverifyImported({ actor, id })) };
    },
  );

  app.delete(
    '/me/imported-credentials/:id',
    {
      schema: {
        tags,
        summary: 'Remove an imported credential from my wallet (and from my public profile)',
        security,
        params: IdParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const { id } = request.params as { id: string };
      await wallet.deleteImported({ actor, id });
      return reply.status(204).send();
    },
  );

  app.get(
    '/me/profile',
    {
      schema: {
        tags,
        summary: 'My public profile settings and what it shows (404 until I save one)',
        security,
        response: { 200: MyProfileResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      return { profile: presentMyProfile(await wallet.getMyProfile({ actor })) };
    },
  );

  app.put(
    '/me/profile',
    {
      schema: {
        tags,
        summary: 'Create or replace my public profile: handle, name, bio, visibility, credentials shown',
        description:
          'Handles are unique (409), 3–40 characters of a-z, 0-9 and single hyphens; some words are ' +
          'reserved (422). Credentials must be ones I hold; imported ones must have verified (422).',
        security,
        body: ProfileBody,
        response: { 200: MyProfileResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const body = request.body as ProfileInput;
      return { profile: presentMyProfile(await wallet.saveMyProfile({ actor, ...body })) };
    },
  );

  app.get(
    '/profiles/:handle',
    {
      config: { sessionless: true },
      schema: {
        tags,
        summary: 'A learner’s public profile (404 when there is none or it is not public)',
        description:
          'Revoked, suspended and expired credentials stay listed with their `state`; imported credentials ' +
          'that no longer verify show `not_verified`. No e-mail address is ever included.',
        security: [],
        params: HandleParams,
        response: { 200: PublicProfileResponse, ...problemResponses(400, 404) },
      },
    },
    async (request) => {
      const { handle } = request.params as { handle: string };
      return { profile: presentPublicProfile(await wallet.getPublicProfile({ handle })) };
    },
  );
};
