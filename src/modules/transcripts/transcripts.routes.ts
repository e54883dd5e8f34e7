import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { AppDeps } from '../../deps.ts';
import { requireUser } from '../../http/auth.ts';
import { problemResponses, SESSION_ONLY } from '../../http/route-docs.ts';
import { contentDisposition } from '../portfolio/portfolio.files.ts';
import { PathwayTranscriptParams, SignedClr, TranscriptBody } from './transcripts.schemas.ts';
import type { IssuedTranscript } from './transcripts.service.ts';

const errors = problemResponses(400, 401, 403, 404, 409, 422);

/** The signed CLR as a downloadable VC document: the bytes are what was signed, never re-serialised. */
function sendTranscript(reply: FastifyReply, transcript: IssuedTranscript) {
  return reply
    .status(201)
    .header('content-type', 'application/vc+ld+json; charset=utf-8')
    .header('content-disposition', contentDisposition(transcript.fileName))
    .header('cache-control', 'private, no-store')
    .send(JSON.stringify(transcript.clr, null, 2));
}

/**
 * CLR 2.0 transcripts for the signed-in learner (docs/transcripts.md): of chosen credentials from one
 * issuer, or of a completed pathway. Sessions only: transcripts are the holder's, not an organisation's.
 */
export const transcriptsRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const { transcripts } = deps.services;

  app.post(
    '/me/transcripts',
    {
      schema: {
        tags: ['me'],
        summary: 'Make a signed CLR 2.0 transcript of some of your credentials',
        description:
          'The credentials must all be yours (404 otherwise) and come from one organisation, which signs the ' +
          'transcript with its key (422 when they come from several: make one per issuer). Answers 201 with ' +
          'the signed ClrCredential as an attachment (application/vc+ld+json).',
        security: SESSION_ONLY,
        body: TranscriptBody,
        response: { 201: SignedClr, ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const body = request.body as { credentialIds: string[]; name?: string };
      return sendTranscript(reply, await transcripts.issueTranscript({ actor, ...body }));
    },
  );

  app.post(
    '/me/pathways/:id/transcript',
    {
      schema: {
        tags: ['me', 'pathways'],
        summary: 'Make the signed CLR 2.0 record of a pathway you completed',
        description:
          'Signed by the pathway’s organisation: the pathway credential and the component credentials that ' +
          'counted, with `isPartOf` and `precedes` associations between their achievements. 409 ' +
          '`invalid_state` until the pathway is completed (or while its completion is under review).',
        security: SESSION_ONLY,
        params: PathwayTranscriptParams,
        response: { 201: SignedClr, ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const { id } = request.params as { id: string };
      return sendTranscript(reply, await transcripts.issuePathwayTranscript({ actor, pathwayId: id }));
    },
  );
};
