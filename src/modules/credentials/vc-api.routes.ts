import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '../../core/errors.ts';
import type { Cryptosuite } from '../../core/vc/proofs.ts';
import type { CredentialFormat } from '../../db/schema.ts';
import type { AppDeps } from '../../deps.ts';
import { requireAuthenticated } from '../../http/auth.ts';
import { problemResponses } from '../../http/route-docs.ts';
import { presentVcApiCredential } from './credentials.presenter.ts';
import {
  SlugParams,
  VcApiIssueBody,
  VcApiIssueResponse,
  VcApiStatusBody,
  VcApiStatusResponse,
} from './credentials.schemas.ts';

const errors = problemResponses(400, 401, 403, 404, 409, 415, 422, 429);
const security: Array<Record<string, string[]>> = [{ bearer: [] }, { session: [] }];

/** The status names of the VC-API body and what each asks of a credential. */
const STATUS_ACTIONS = {
  revoked: { action: 'revoke', purpose: 'revocation' },
  suspended: { action: 'suspend', purpose: 'suspension' },
  active: { action: 'reinstate', purpose: 'suspension' },
} as const;

const DEFAULT_REASON = 'Status changed through the VC-API';

/**
 * The W3C VC-API issuer endpoints of one organisation (`/orgs/:slug/vc-api/…`): issue any VC 2.0
 * credential with the organisation as issuer, and change a credential's status. API tokens need the
 * credentials:issue / credentials:status scope; signed-in members with those permissions may call them too.
 */
export const vcApiRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const { credentials } = deps.services;
  const limit = {
    rateLimit: { max: deps.config.issueRateLimit.max, timeWindow: deps.config.issueRateLimit.windowMs },
  };

  app.post(
    '/orgs/:slug/vc-api/credentials/issue',
    {
      config: limit,
      schema: {
        tags: ['vc-api'],
        summary: 'VC-API: issue a credential (scope credentials:issue)',
        description:
          'Signs an unsigned VC 2.0 credential whose issuer is the organisation (its did:web or did:key, as a ' +
          'string or an object with an id). Credstack adds a revocation and a suspension BitstringStatusListEntry ' +
          'and, when absent, an id under its public URL. options.cryptosuite picks eddsa-rdfc-2022 (default) or ' +
          'eddsa-jcs-2022; options.format "vc+jwt" secures it as a JWS instead. Credentials that already have a ' +
          'proof or credentialStatus, use a context Credstack does not bundle (422 unknown_context) or terms ' +
          'no context defines (422 invalid_credential) are refused; nothing is fetched.',
        security,
        params: SlugParams,
        body: VcApiIssueBody,
        response: { 201: VcApiIssueResponse, ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireAuthenticated(request);
      const { slug } = request.params as { slug: string };
      const body = request.body as {
        credential: Record<string, unknown>;
        options?: { cryptosuite?: Cryptosuite; format?: CredentialFormat };
      };
      const issued = await credentials.issueVcApiCredential({
        actor,
        slug,
        credential: body.credential,
        options: body.options,
      });
      return reply
        .status(201)
        .send({ verifiableCredential: presentVcApiCredential(issued.verifiableCredential) });
    },
  );

  app.post(
    '/orgs/:slug/vc-api/credentials/status',
    {
      config: limit,
      schema: {
        tags: ['vc-api'],
        summary: 'VC-API: update the status of a credential (scope credentials:status)',
        description:
          'credentialStatus holds one BitstringStatusListEntry with status "revoked" (final), "suspended" or ' +
          '"active" (lifts a suspension; a revoked credential answers 409 credential_revoked). `reason` is ' +
          'an addition to the VC-API body, kept in the audit log and told to the holder.',
        security,
        params: SlugParams,
        body: VcApiStatusBody,
        response: { 200: VcApiStatusResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { slug } = request.params as { slug: string };
      const body = request.body as {
        credentialId: string;
        credentialStatus: Array<{
          type: 'BitstringStatusListEntry';
          status: keyof typeof STATUS_ACTIONS;
          statusPurpose?: 'revocation' | 'suspension';
        }>;
        reason?: string;
      };
      const [entry] = body.credentialStatus;
      if (!entry) throw AppError.validation('credentialStatus needs one entry');
      const { action, purpose } = STATUS_ACTIONS[entry.status];
      if (entry.statusPurpose !== undefined && entry.statusPurpose !== purpose) {
        throw AppError.validation(`status "${entry.status}" belongs to the ${purpose} purpose`, [
          {
            in: 'body',
            pointer: '/credentialStatus/0/statusPurpose',
            message: `must be ${purpose} for status ${entry.status}`,
          },
        ]);
      }
      const details = await credentials.changeStatus({
        actor,
        slug,
        id: body.credentialId,
        byUri: true,
        action,
        reason: body.reason ?? DEFAULT_REASON,
        via: 'vc-api',
      });
      return { credentialId: details.record.credential_uri, status: details.record.status };
    },
  );
};
