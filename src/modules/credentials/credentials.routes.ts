import type { FastifyPluginAsync } from 'fastify';
import type { Cryptosuite } from '../../core/vc/proofs.ts';
import type { CredentialStatus } from '../../db/schema.ts';
import type { AppDeps } from '../../deps.ts';
import { requireAuthenticated } from '../../http/auth.ts';
import { problemResponses, SESSION_OR_TOKEN } from '../../http/route-docs.ts';
import { presentCredential, presentCredentialSummary } from './credentials.presenter.ts';
import {
  CredentialListResponse,
  CredentialParams,
  CredentialResponse,
  IssueCredentialBody,
  ListQuery,
  ReasonBody,
  SlugParams,
} from './credentials.schemas.ts';
import type { IssueOpenBadgeOptions } from './credentials.service.ts';

const errors = problemResponses(400, 401, 403, 404, 409, 422, 429);
const security = SESSION_OR_TOKEN;

type IssueBody = Omit<
  IssueOpenBadgeOptions,
  'actor' | 'slug' | 'validFrom' | 'validUntil' | 'cryptosuite'
> & {
  validFrom?: string;
  validUntil?: string;
  cryptosuite?: Cryptosuite;
};

/**
 * Credentials of an organisation under /api/v1: issue an Open Badge from an inline achievement, list and
 * read them (credentials:read), revoke, suspend and reinstate them (credentials:status).
 */
export const credentialsRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const { credentials } = deps.services;
  const limit = {
    rateLimit: { max: deps.config.issueRateLimit.max, timeWindow: deps.config.issueRateLimit.windowMs },
  };
  // Announcements of credentials issued in other modules' transactions finish before the database closes.
  app.addHook('onClose', async () => {
    await credentials.whenEventsSettled();
  });

  app.post(
    '/orgs/:slug/credentials',
    {
      config: limit,
      schema: {
        tags: ['credentials'],
        summary: 'Issue an Open Badges 3.0 credential to a recipient (scope credentials:issue)',
        description:
          'Signs an OpenBadgeCredential (VC 2.0) with the organisation’s did:web: a Data Integrity proof ' +
          '(eddsa-rdfc-2022 by default, or eddsa-jcs-2022) or, with format vc+jwt, a JWS. The recipient’s ' +
          'e-mail address appears in the credential only as a salted hash and receives a link to the ' +
          'credential’s page. Every credential carries a revocation and a suspension status entry.',
        security,
        params: SlugParams,
        body: IssueCredentialBody,
        response: { 201: CredentialResponse, ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireAuthenticated(request);
      const { slug } = request.params as { slug: string };
      const body = request.body as IssueBody;
      const issued = await credentials.issueCredential({
        ...body,
        actor,
        slug,
        validFrom: body.validFrom === undefined ? undefined : new Date(body.validFrom),
        validUntil: body.validUntil === undefined ? undefined : new Date(body.validUntil),
      });
      return reply
        .status(201)
        .header('location', `/api/v1/orgs/${slug}/credentials/${issued.record.id}`)
        .send({ credential: presentCredential(issued, credentials.pageUrl(issued.record.id)) });
    },
  );

  app.get(
    '/orgs/:slug/credentials',
    {
      schema: {
        tags: ['credentials'],
        summary: 'The credentials the organisation issued, newest first (scope credentials:read)',
        description:
          'Cursor pagination: pass the `nextCursor` of one page as `cursor` to get the next (older) page. ' +
          'Filter by `status`, by the recipient’s e-mail address, and by the catalogue definition the ' +
          'credentials were awarded for: `definitionSeriesId` for every version of a definition (what the ' +
          'console uses), `definitionId` for one version; given both, a credential must match both. ' +
          'Credentials issued with an inline achievement belong to no definition. A malformed id is 400; ' +
          'an id the organisation has no definition under simply matches nothing.',
        security,
        params: SlugParams,
        querystring: ListQuery,
        response: { 200: CredentialListResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { slug } = request.params as { slug: string };
      const query = request.query as {
        status?: CredentialStatus;
        recipientEmail?: string;
        definitionId?: string;
        definitionSeriesId?: string;
        cursor?: string;
        limit: number;
      };
      const page = await credentials.listCredentials({ actor, slug, ...query });
      return {
        credentials: page.credentials.map((record) =>
          presentCredentialSummary(record, credentials.pageUrl(record.id)),
        ),
        nextCursor: page.nextCursor,
      };
    },
  );

  app.get(
    '/orgs/:slug/credentials/:id',
    {
      schema: {
        tags: ['credentials'],
        summary: 'One credential, with its status entries and the signed credential (scope credentials:read)',
        security,
        params: CredentialParams,
        response: { 200: CredentialResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { slug, id } = request.params as { slug: string; id: string };
      const details = await credentials.getCredential({ actor, slug, id });
      return { credential: presentCredential(details, credentials.pageUrl(id)) };
    },
  );

  const actions = [
    {
      action: 'revoke',
      summary: 'Revoke a credential for good (scope credentials:status)',
      description: 'Sets its revocation bit and re-publishes the status list; the holder is told by mail.',
    },
    {
      action: 'suspend',
      summary: 'Suspend a credential until it is reinstated (scope credentials:status)',
      description: 'Sets its suspension bit and re-publishes the status list; the holder is told by mail.',
    },
    {
      action: 'reinstate',
      summary: 'Lift a suspension (scope credentials:status)',
      description:
        'Clears the suspension bit. A revoked credential cannot be reinstated (409 credential_revoked).',
    },
  ] as const;
  for (const { action, summary, description } of actions) {
    app.post(
      `/orgs/:slug/credentials/:id/${action}`,
      {
        config: limit,
        schema: {
          tags: ['credentials'],
          summary,
          description,
          security,
          params: CredentialParams,
          body: ReasonBody,
          response: { 200: CredentialResponse, ...errors },
        },
      },
      async (request) => {
        const actor = requireAuthenticated(request);
        const { slug, id } = request.params as { slug: string; id: string };
        const { reason } = request.body as { reason: string };
        const details = await credentials.changeStatus({ actor, slug, id, reason, action });
        return { credential: presentCredential(details, credentials.pageUrl(id)) };
      },
    );
  }
};
