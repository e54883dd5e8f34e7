import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../../deps.ts';
import { requireAuthenticated } from '../../http/auth.ts';
import { problemResponses, SESSION_OR_TOKEN } from '../../http/route-docs.ts';
import {
  presentAddMembers,
  presentGroup,
  presentGroupProgress,
  presentMember,
} from './pathway-groups.presenter.ts';
import {
  AddMembersBody,
  AddMembersResponse,
  CreateGroupBody,
  GroupListResponse,
  GroupParams,
  GroupProgressResponse,
  GroupResponse,
  MemberListResponse,
  MemberParams,
  MembersQuery,
  OrgPathwayParams,
  ProgressQuery,
  UpdateGroupBody,
} from './pathway-groups.schemas.ts';

const errors = problemResponses(400, 401, 403, 404, 409, 422);
const tags = ['pathways'];
const security = SESSION_OR_TOKEN;

type GroupParamsT = { slug: string; id: string; groupId: string };
type PageQueryT = { limit: number; cursor?: string };

/**
 * Pathway groups under /api/v1/orgs/:slug/pathways/:id/groups: named groups of people on a published pathway
 * (`definitions:manage` to change them, `credentials:read` to read them, like the cohort view), members added
 * by e-mail address, and who of them is where.
 */
export const pathwayGroupsRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const groups = deps.services.pathwayGroups;
  const base = '/orgs/:slug/pathways/:id/groups';

  app.get(
    base,
    {
      schema: {
        tags,
        summary: 'The groups on one of the organisation’s published pathways (scope credentials:read)',
        security,
        params: OrgPathwayParams,
        response: { 200: GroupListResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const params = request.params as { slug: string; id: string };
      const outcome = await groups.listGroups({ actor, ...params });
      return { pathwayId: outcome.pathway.pathway_id, groups: outcome.groups.map(presentGroup) };
    },
  );

  app.post(
    base,
    {
      schema: {
        tags,
        summary: 'Create a group (a cohort, a team) on a published pathway (scope definitions:manage)',
        description: 'The name is unique on the pathway regardless of case: 409 `conflict` otherwise.',
        security,
        params: OrgPathwayParams,
        body: CreateGroupBody,
        response: { 201: GroupResponse, ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireAuthenticated(request);
      const params = request.params as { slug: string; id: string };
      const body = request.body as { name: string; description?: string | null };
      const group = await groups.createGroup({ actor, ...params, ...body });
      return reply
        .status(201)
        .header('location', `/api/v1/orgs/${params.slug}/pathways/${params.id}/groups/${group.id}`)
        .send({ group: presentGroup(group) });
    },
  );

  app.get(
    `${base}/:groupId`,
    {
      schema: {
        tags,
        summary: 'A group (scope credentials:read)',
        security,
        params: GroupParams,
        response: { 200: GroupResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const group = await groups.getGroup({ actor, ...(request.params as GroupParamsT) });
      return { group: presentGroup(group) };
    },
  );

  app.patch(
    `${base}/:groupId`,
    {
      schema: {
        tags,
        summary: 'Rename a group or change its description (scope definitions:manage)',
        security,
        params: GroupParams,
        body: UpdateGroupBody,
        response: { 200: GroupResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const body = request.body as { name?: string; description?: string | null };
      const group = await groups.updateGroup({ actor, ...(request.params as GroupParamsT), ...body });
      return { group: presentGroup(group) };
    },
  );

  app.delete(
    `${base}/:groupId`,
    {
      schema: {
        tags,
        summary: 'Delete a group and its members (scope definitions:manage)',
        description: 'The learners’ own subscriptions and progress are untouched.',
        security,
        params: GroupParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireAuthenticated(request);
      await groups.deleteGroup({ actor, ...(request.params as GroupParamsT) });
      return reply.status(204).send();
    },
  );

  app.get(
    `${base}/:groupId/members`,
    {
      schema: {
        tags,
        summary: 'The group’s members: addresses only, in address order (scope credentials:read)',
        security,
        params: GroupParams,
        querystring: MembersQuery,
        response: { 200: MemberListResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const query = request.query as PageQueryT;
      const outcome = await groups.listMembers({ actor, ...(request.params as GroupParamsT), ...query });
      return {
        group: presentGroup(outcome.group),
        members: outcome.members.map(presentMember),
        nextCursor: outcome.nextCursor,
      };
    },
  );

  app.post(
    `${base}/:groupId/members`,
    {
      schema: {
        tags,
        summary: 'Add members by e-mail address and invite each by mail (scope definitions:manage)',
        description:
          'Up to 500 addresses per request, a group up to 2,000 members. All or nothing: malformed addresses ' +
          'answer 422 `validation_failed` with each one’s index (`/emails/<i>`) and add none; so does a group ' +
          'that would grow too large. Repeats and addresses already in the group are skipped and listed in ' +
          '`duplicates`. Each address added gets a mail inviting it to follow the pathway in the wallet.',
        security,
        params: GroupParams,
        body: AddMembersBody,
        response: { 200: AddMembersResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { emails } = request.body as { emails: string[] };
      const outcome = await groups.addMembers({ actor, ...(request.params as GroupParamsT), emails });
      return presentAddMembers(outcome);
    },
  );

  app.delete(
    `${base}/:groupId/members/:memberId`,
    {
      schema: {
        tags,
        summary: 'Remove a member from the group (scope definitions:manage)',
        security,
        params: MemberParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireAuthenticated(request);
      await groups.removeMember({ actor, ...(request.params as GroupParamsT & { memberId: string }) });
      return reply.status(204).send();
    },
  );

  app.get(
    `${base}/:groupId/progress`,
    {
      schema: {
        tags,
        summary: 'Who of the group is where on the pathway (scope credentials:read)',
        description:
          'Per member: `invited` (no account has verified the address, or its owner does not follow the ' +
          'pathway; nothing more is shown), `following`, `completed` or `flagged`, with the cohort view’s ' +
          'progress for the last three. At most 200 members per request, in address order; `page.nextCursor` ' +
          'continues. `totals` (states, and per rule node how many members satisfied it) count the members of ' +
          'this page, so pages add up.',
        security,
        params: GroupParams,
        querystring: ProgressQuery,
        response: { 200: GroupProgressResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const query = request.query as PageQueryT;
      const outcome = await groups.groupProgress({ actor, ...(request.params as GroupParamsT), ...query });
      return presentGroupProgress(outcome);
    },
  );
};
