import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { MembershipRole } from '../../db/schema.ts';
import type { AppDeps } from '../../deps.ts';
import { requireAuthenticated, requireUser } from '../../http/auth.ts';
import {
  presentAdminOrganisation,
  presentInvitation,
  presentMember,
  presentMembership,
  presentOrganisation,
  presentOrganisationWithRole,
} from './organisations.presenter.ts';
import {
  AcceptInvitationBody,
  AdminListQuery,
  AdminOrganisation,
  ChangeRoleBody,
  CreateInvitationBody,
  CreateOrganisationBody,
  Invitation,
  InvitationParams,
  Member,
  MemberParams,
  Membership,
  Organisation,
  OrganisationWithRole,
  ProblemRef,
  SlugParams,
  UpdateOrganisationBody,
} from './organisations.schemas.ts';

const errors = {
  400: ProblemRef,
  401: ProblemRef,
  403: ProblemRef,
  404: ProblemRef,
  409: ProblemRef,
  422: ProblemRef,
};
const security: Array<Record<string, string[]>> = [{ session: [] }, { bearer: [] }];
const sessionOnly: Array<Record<string, string[]>> = [{ session: [] }];

/**
 * Organisations, members and invitations. Authorisation lives in the service (`requireAccess`): routes
 * only make sure somebody is authenticated, so an organisation the caller may not see is a 404 from one
 * place. GET routes also accept API tokens, within their organisation and scopes.
 */
export const organisationsRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const { organisations } = deps.services;

  app.post(
    '/orgs',
    {
      schema: {
        tags: ['organisations'],
        summary: 'Create an organisation; you become its owner',
        security: sessionOnly,
        body: CreateOrganisationBody,
        response: { 201: Type.Object({ organisation: Organisation }), ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireAuthenticated(request);
      const body = request.body as { slug: string; name: string; url?: string; description?: string };
      const organisation = await organisations.createOrganisation({ actor, ...body });
      return reply.status(201).send({ organisation: presentOrganisation(organisation) });
    },
  );

  app.get(
    '/orgs',
    {
      schema: {
        tags: ['organisations'],
        summary: 'Organisations you belong to (for an API token: its own)',
        security,
        response: { 200: Type.Object({ organisations: Type.Array(OrganisationWithRole) }), ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const list = await organisations.listMyOrganisations({ actor });
      return { organisations: list.map(presentOrganisationWithRole) };
    },
  );

  app.get(
    '/orgs/:slug',
    {
      schema: {
        tags: ['organisations'],
        summary: 'An organisation and your role in it (scope org:read)',
        security,
        params: SlugParams,
        response: { 200: OrganisationWithRole, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { slug } = request.params as { slug: string };
      return presentOrganisationWithRole(await organisations.getOrganisation({ actor, slug }));
    },
  );

  app.patch(
    '/orgs/:slug',
    {
      schema: {
        tags: ['organisations'],
        summary: 'Change the name, web address or description (owners and admins)',
        security: sessionOnly,
        params: SlugParams,
        body: UpdateOrganisationBody,
        response: { 200: Type.Object({ organisation: Organisation }), ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { slug } = request.params as { slug: string };
      const body = request.body as { name?: string; url?: string | null; description?: string | null };
      const organisation = await organisations.updateOrganisation({ actor, slug, ...body });
      return { organisation: presentOrganisation(organisation) };
    },
  );

  app.get(
    '/orgs/:slug/members',
    {
      schema: {
        tags: ['organisations'],
        summary: 'Members with their roles and e-mail addresses (issuer and above; scope members:read)',
        security,
        params: SlugParams,
        response: { 200: Type.Object({ members: Type.Array(Member) }), ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { slug } = request.params as { slug: string };
      const members = await organisations.listMembers({ actor, slug });
      return { members: members.map(presentMember) };
    },
  );

  app.patch(
    '/orgs/:slug/members/:userId',
    {
      schema: {
        tags: ['organisations'],
        summary: "Change a member's role (owners and admins; only owners touch the owner role)",
        security: sessionOnly,
        params: MemberParams,
        body: ChangeRoleBody,
        response: { 200: Type.Object({ membership: Membership }), ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { slug, userId } = request.params as { slug: string; userId: string };
      const { role } = request.body as { role: MembershipRole };
      const membership = await organisations.changeMemberRole({ actor, slug, userId, role });
      return { membership: presentMembership(membership) };
    },
  );

  app.delete(
    '/orgs/:slug/members/:userId',
    {
      schema: {
        tags: ['organisations'],
        summary: 'Remove a member, or leave (your own user id); the last owner cannot go',
        security: sessionOnly,
        params: MemberParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireAuthenticated(request);
      const { slug, userId } = request.params as { slug: string; userId: string };
      await organisations.removeMember({ actor, slug, userId });
      return reply.status(204).send();
    },
  );

  app.post(
    '/orgs/:slug/invitations',
    {
      schema: {
        tags: ['invitations'],
        summary:
          'Invite someone by e-mail (owners and admins); replaces a pending invitation to the same address',
        security: sessionOnly,
        params: SlugParams,
        body: CreateInvitationBody,
        response: { 201: Type.Object({ invitation: Invitation }), ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireAuthenticated(request);
      const { slug } = request.params as { slug: string };
      const body = request.body as { email: string; role: MembershipRole };
      // The token travels only by mail, to the invited address.
      const { invitation } = await organisations.createInvitation({ actor, slug, ...body });
      return reply.status(201).send({ invitation: presentInvitation(invitation, deps.clock.now()) });
    },
  );

  app.get(
    '/orgs/:slug/invitations',
    {
      schema: {
        tags: ['invitations'],
        summary: 'Invitations, newest first (owners and admins)',
        security: sessionOnly,
        params: SlugParams,
        response: { 200: Type.Object({ invitations: Type.Array(Invitation) }), ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { slug } = request.params as { slug: string };
      const invitations = await organisations.listInvitations({ actor, slug });
      const now = deps.clock.now();
      return { invitations: invitations.map((invitation) => presentInvitation(invitation, now)) };
    },
  );

  app.delete(
    '/orgs/:slug/invitations/:id',
    {
      schema: {
        tags: ['invitations'],
        summary: 'Revoke a pending invitation (owners and admins)',
        security: sessionOnly,
        params: InvitationParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireAuthenticated(request);
      const { slug, id } = request.params as { slug: string; id: string };
      await organisations.revokeInvitation({ actor, slug, invitationId: id });
      return reply.status(204).send();
    },
  );

  app.post(
    '/invitations/accept',
    {
      schema: {
        tags: ['invitations'],
        summary: 'Accept an invitation with the mailed token (signed in with the invited, verified address)',
        security: sessionOnly,
        body: AcceptInvitationBody,
        response: {
          200: Type.Object({ organisation: Organisation, membership: Membership }),
          ...errors,
        },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const { token } = request.body as { token: string };
      const { organisation, ...membership } = await organisations.acceptInvitation({ actor, token });
      return { organisation: presentOrganisation(organisation), membership: presentMembership(membership) };
    },
  );

  app.get(
    '/admin/organisations',
    {
      schema: {
        tags: ['admin'],
        summary: 'Every organisation with its member count (platform admins)',
        security: sessionOnly,
        querystring: AdminListQuery,
        response: {
          200: Type.Object({ organisations: Type.Array(AdminOrganisation), total: Type.Integer() }),
          ...errors,
        },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { limit, offset } = request.query as { limit: number; offset: number };
      const result = await organisations.listAllOrganisations({ actor, limit, offset });
      return { organisations: result.organisations.map(presentAdminOrganisation), total: result.total };
    },
  );
};
