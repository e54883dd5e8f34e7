import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { AuditEventRow } from '../../db/schema.ts';
import type { AppDeps } from '../../deps.ts';
import { requireAuthenticated } from '../../http/auth.ts';
import { problemResponses } from '../../http/route-docs.ts';

const errors = problemResponses(400, 401, 403, 404);

const AuditEvent = Type.Object({
  seq: Type.Integer({ description: 'Position in the log; pass as `before` to page back' }),
  id: Type.String({ format: 'uuid' }),
  occurredAt: Type.String({ format: 'date-time' }),
  type: Type.String(),
  actor: Type.Object({
    type: Type.String({ description: 'user, token, system or anonymous' }),
    id: Type.Union([Type.String(), Type.Null()]),
  }),
  subject: Type.Union([Type.Object({ type: Type.String(), id: Type.String() }), Type.Null()]),
  data: Type.Record(Type.String(), Type.Unknown()),
  hash: Type.String({ description: 'SHA-256 chaining this event to the one before it (prevHash)' }),
  prevHash: Type.String(),
});

/** An audit event as shown to those holding `audit:read`: what the hash chain covers, nothing else. */
function presentAuditEvent(event: AuditEventRow) {
  return {
    seq: event.seq,
    id: event.id,
    occurredAt: event.occurred_at.toISOString(),
    type: event.type,
    actor: { type: event.actor_type, id: event.actor_id },
    subject:
      event.subject_type !== null && event.subject_id !== null
        ? { type: event.subject_type, id: event.subject_id }
        : null,
    data: event.data,
    hash: event.hash,
    prevHash: event.prev_hash,
  };
}

/** An organisation's audit log, newest first, paged by sequence number (owners, admins; scope audit:read). */
export const auditRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const { audit, organisations } = deps.services;

  app.get(
    '/orgs/:slug/audit-events',
    {
      schema: {
        tags: ['audit'],
        summary: "The organisation's audit log, newest first (scope audit:read)",
        description:
          'Cursor pagination: pass the `nextCursor` of one page as `before` to get the next (older) page.',
        security: [{ session: [] }, { bearer: [] }],
        params: Type.Object({ slug: Type.String({ minLength: 1, maxLength: 63 }) }),
        querystring: Type.Object(
          {
            before: Type.Optional(
              Type.Integer({
                minimum: 1,
                maximum: Number.MAX_SAFE_INTEGER,
                description: 'Only events with a smaller seq than this',
              }),
            ),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            events: Type.Array(AuditEvent),
            nextCursor: Type.Union([Type.Integer(), Type.Null()], {
              description: 'Pass as `before` for the next page; null on the last page',
            }),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { slug } = request.params as { slug: string };
      const query = request.query as { before?: number; limit: number };
      const { organisation } = await organisations.requireAccess({ actor, slug, permission: 'audit:read' });
      // One extra row tells whether an older page exists without a count query.
      const rows = await audit.listForOrganisation({
        organisationId: organisation.id,
        limit: query.limit + 1,
        beforeSeq: query.before,
      });
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      return {
        events: page.map(presentAuditEvent),
        nextCursor: rows.length > query.limit && last ? last.seq : null,
      };
    },
  );
};
