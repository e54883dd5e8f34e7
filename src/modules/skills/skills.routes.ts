import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { SkillType } from '../../db/tables/skills.ts';
import type { AppDeps } from '../../deps.ts';
import { requireAuthenticated } from '../../http/auth.ts';
import { problemResponses, SESSION_OR_TOKEN } from '../../http/route-docs.ts';
import {
  presentFramework,
  presentOccupationDetail,
  presentOccupationSummary,
  presentOrgSkill,
  presentSkillDetail,
  presentSkillSummary,
} from './skills.presenter.ts';
import {
  CreateOrgSkillBody,
  FrameworkListResponse,
  LookupQuery,
  MappingsBody,
  OccupationDetailResponse,
  OccupationListResponse,
  OccupationSearchQuery,
  OrgSkillListQuery,
  OrgSkillListResponse,
  OrgSkillParams,
  OrgSkillResponse,
  ProblemRef,
  SkillDetailResponse,
  SkillListResponse,
  SkillSearchQuery,
  SlugParams,
  UpdateOrgSkillBody,
} from './skills.schemas.ts';
import type { MappingInput } from './skills.service.ts';

const errors = problemResponses(400, 401, 403, 404, 409, 422);
const publicErrors = { 400: ProblemRef, 404: ProblemRef };
const security = SESSION_OR_TOKEN;
const tags = ['skills'];

/**
 * Skills frameworks under /api/v1: framework skills, frameworks and occupations are public (no sign-in);
 * an organisation's own skills are read with `definitions:read` and changed with `skills:manage`.
 */
export const skillsRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const { skills } = deps.services;

  app.get(
    '/skills',
    {
      schema: {
        tags,
        summary: 'Search framework skills (ESCO, O*NET), ranked by relevance',
        description:
          'Full text over labels, alternative labels and descriptions, with the last word as a prefix, plus ' +
          'labels containing the query as typed ("C++", "Node.js"). Without `q`, skills are listed ' +
          'alphabetically. Pass `nextCursor` as `cursor` for the next page.',
        security: [],
        querystring: SkillSearchQuery,
        response: { 200: SkillListResponse, ...publicErrors },
      },
    },
    async (request) => {
      const query = request.query as {
        q?: string;
        framework?: string;
        type?: SkillType;
        limit: number;
        cursor?: string;
      };
      const page = await skills.searchSkills(query);
      return { skills: page.items.map(presentSkillSummary), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/skills/lookup',
    {
      schema: {
        tags,
        summary: 'One framework skill by its URI, with broader and narrower skills and occupations',
        security: [],
        querystring: LookupQuery,
        response: { 200: SkillDetailResponse, ...publicErrors },
      },
    },
    async (request) => {
      const { uri } = request.query as { uri: string };
      return { skill: presentSkillDetail(await skills.getSkill({ uri })) };
    },
  );

  app.get(
    '/skill-frameworks',
    {
      schema: {
        tags,
        summary: 'The imported skills frameworks, with version, attribution and counts',
        security: [],
        response: { 200: FrameworkListResponse },
      },
    },
    async () => ({ frameworks: (await skills.listFrameworks()).map(presentFramework) }),
  );

  app.get(
    '/occupations',
    {
      schema: {
        tags,
        summary: 'Search occupations (ESCO, O*NET), ranked by relevance',
        security: [],
        querystring: OccupationSearchQuery,
        response: { 200: OccupationListResponse, ...publicErrors },
      },
    },
    async (request) => {
      const query = request.query as { q?: string; framework?: string; limit: number; cursor?: string };
      const page = await skills.searchOccupations(query);
      return { occupations: page.items.map(presentOccupationSummary), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/occupations/lookup',
    {
      schema: {
        tags,
        summary: 'One occupation by its URI, with every skill it needs',
        description:
          'ESCO occupations list their essential and optional skills; O*NET occupations their technology ' +
          'skills with the Hot Technology and In Demand flags.',
        security: [],
        querystring: LookupQuery,
        response: { 200: OccupationDetailResponse, ...publicErrors },
      },
    },
    async (request) => {
      const { uri } = request.query as { uri: string };
      return { occupation: presentOccupationDetail(await skills.getOccupation({ uri })) };
    },
  );

  app.get(
    '/orgs/:slug/skills',
    {
      schema: {
        tags,
        summary: 'The organisation’s own skills with their mappings (scope definitions:read)',
        security,
        params: SlugParams,
        querystring: OrgSkillListQuery,
        response: { 200: OrgSkillListResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { slug } = request.params as { slug: string };
      const query = request.query as { q?: string; limit: number; cursor?: string };
      const page = await skills.listOrgSkills({ actor, slug, ...query });
      return { skills: page.items.map(presentOrgSkill), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/orgs/:slug/skills',
    {
      schema: {
        tags,
        summary:
          'Define a skill of the organisation, optionally mapped to framework skills (scope skills:manage)',
        description:
          'The skill gets the URI `urn:uuid:<id>`. Mapping targets must be skills of an imported framework; ' +
          'labels are unique within the organisation (409 conflict).',
        security,
        params: SlugParams,
        body: CreateOrgSkillBody,
        response: { 201: OrgSkillResponse, ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireAuthenticated(request);
      const { slug } = request.params as { slug: string };
      const body = request.body as {
        label: string;
        altLabels?: string[];
        description?: string | null;
        mappings?: MappingInput[];
      };
      const created = await skills.createOrgSkill({ actor, slug, ...body });
      return reply
        .status(201)
        .header('location', `/api/v1/orgs/${slug}/skills/${created.skill.id}`)
        .send({ skill: presentOrgSkill(created) });
    },
  );

  app.get(
    '/orgs/:slug/skills/:id',
    {
      schema: {
        tags,
        summary: 'One of the organisation’s skills (scope definitions:read)',
        security,
        params: OrgSkillParams,
        response: { 200: OrgSkillResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { slug, id } = request.params as { slug: string; id: string };
      return { skill: presentOrgSkill(await skills.getOrgSkill({ actor, slug, id })) };
    },
  );

  app.patch(
    '/orgs/:slug/skills/:id',
    {
      schema: {
        tags,
        summary: 'Change a skill’s label, alternative labels or description (scope skills:manage)',
        security,
        params: OrgSkillParams,
        body: UpdateOrgSkillBody,
        response: { 200: OrgSkillResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { slug, id } = request.params as { slug: string; id: string };
      const body = request.body as { label?: string; altLabels?: string[]; description?: string | null };
      return { skill: presentOrgSkill(await skills.updateOrgSkill({ actor, slug, id, ...body })) };
    },
  );

  app.delete(
    '/orgs/:slug/skills/:id',
    {
      schema: {
        tags,
        summary: 'Retire a skill (scope skills:manage)',
        description:
          'It leaves the list and its label may be reused; its URI still resolves for definitions that name it.',
        security,
        params: OrgSkillParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireAuthenticated(request);
      const { slug, id } = request.params as { slug: string; id: string };
      await skills.deleteOrgSkill({ actor, slug, id });
      return reply.status(204).send();
    },
  );

  app.put(
    '/orgs/:slug/skills/:id/mappings',
    {
      schema: {
        tags,
        summary: 'Replace the skill’s mappings to framework skills (scope skills:manage)',
        description:
          'exactMatch, closeMatch, broadMatch or narrowMatch (SKOS); an empty list removes them all.',
        security,
        params: OrgSkillParams,
        body: MappingsBody,
        response: { 200: OrgSkillResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { slug, id } = request.params as { slug: string; id: string };
      const { mappings } = request.body as { mappings: MappingInput[] };
      return { skill: presentOrgSkill(await skills.setOrgSkillMappings({ actor, slug, id, mappings })) };
    },
  );
};
