import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../../deps.ts';
import { requireUser } from '../../http/auth.ts';
import { problemResponses, SESSION_ONLY } from '../../http/route-docs.ts';
import { presentHeldCredential } from './credentials.presenter.ts';
import {
  HeldCredentialListQuery,
  HeldCredentialListResponse,
  HeldCredentialParams,
  HeldCredentialResponse,
  HolderNameVisibilityBody,
} from './credentials.schemas.ts';

const errors = problemResponses(400, 401, 403, 404, 422);
/** Holders are people: a signed-in session. API tokens belong to organisations, not to holders. */
const security = SESSION_ONLY;

/**
 * The credentials issued to the signed-in user, under /api/v1/me: list them (once their e-mail address is
 * verified), read one, and choose whether their name appears on each credential's public page.
 */
export const holderCredentialsRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const { credentials } = deps.services;

  app.get(
    '/me/credentials',
    {
      schema: {
        tags: ['me'],
        summary: 'The credentials issued to your verified e-mail address, newest first',
        description:
          'Credentials from every organisation whose recipient is your account’s e-mail address; 403 ' +
          'email_not_verified until you have verified it. Cursor pagination: pass the `nextCursor` of one ' +
          'page as `cursor` to get the next (older) page.',
        security,
        querystring: HeldCredentialListQuery,
        response: { 200: HeldCredentialListResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const query = request.query as { cursor?: string; limit: number };
      const page = await credentials.listMyCredentials({ actor, ...query });
      return {
        credentials: page.credentials.map((held) =>
          presentHeldCredential(held, credentials.pageUrl(held.record.id)),
        ),
        nextCursor: page.nextCursor,
      };
    },
  );

  app.get(
    '/me/credentials/:id',
    {
      schema: {
        tags: ['me'],
        summary: 'One of your credentials',
        description:
          'Only the holder may see it (404 for anyone else); 403 email_not_verified as for the list.',
        security,
        params: HeldCredentialParams,
        response: { 200: HeldCredentialResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const { id } = request.params as { id: string };
      const held = await credentials.getMyCredential({ actor, id });
      return { credential: presentHeldCredential(held, credentials.pageUrl(held.record.id)) };
    },
  );

  app.patch(
    '/me/credentials/:id',
    {
      schema: {
        tags: ['me'],
        summary: 'Show or hide your name on one of your credentials’ public page',
        description:
          'Only the holder may: for anyone else the credential does not exist (404). The change is audited.',
        security,
        params: HeldCredentialParams,
        body: HolderNameVisibilityBody,
        response: { 200: HeldCredentialResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const { id } = request.params as { id: string };
      const { holderNamePublic } = request.body as { holderNamePublic: boolean };
      const held = await credentials.setHolderNameVisibility({ actor, id, public: holderNamePublic });
      return { credential: presentHeldCredential(held, credentials.pageUrl(held.record.id)) };
    },
  );
};
