import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../../deps.ts';
import { requireAuthenticated, requireUser } from '../../http/auth.ts';
import { problemResponses, SESSION_ONLY, SESSION_OR_TOKEN } from '../../http/route-docs.ts';
import type { PathBudget, PathFilters, PathObjective } from '../learning-path/path.model.ts';
import { presentGap, presentPath, presentProfile, presentRoleProfile } from './skill-profile.presenter.ts';
import {
  CreateRoleProfileBody,
  DeclaredSkillQuery,
  DeclareSkillBody,
  GapBody,
  GapResponse,
  OrgRoleProfileParams,
  PathBody,
  PathResponse,
  ProfileResponse,
  RoleProfileListResponse,
  RoleProfileParams,
  RoleProfileResponse,
  SlugParams,
  UpdateRoleProfileBody,
} from './skill-profile.schemas.ts';
import type { GapTarget, RoleProfileInput, RoleProfileScope } from './skill-profile.service.ts';

const errors = problemResponses(400, 401, 403, 404, 409, 422);
const sessionOnly = SESSION_ONLY;
const security = SESSION_OR_TOKEN;
const tags = ['skill-profile'];

/**
 * The learner's skill profile, gap analysis and learning path under /api/v1 (signed-in users: `/me/…`),
 * and saved role profiles, the learner's own or an organisation's (read with definitions:read, changed
 * with skills:manage).
 */
export const skillProfileRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const { skillProfile } = deps.services;

  app.get(
    '/me/skills',
    {
      schema: {
        tags,
        summary: 'My skills: verified by my credentials (expiry-aware) and self-declared (unverified)',
        description:
          'A skill is `verified` when an active credential aligns to it (through its catalogue definition, ' +
          'or the achievement’s and results’ alignments), `expired` when only expired credentials do, and ' +
          '`declared` when only I say so. Revoked and suspended credentials do not count.',
        security: sessionOnly,
        response: { 200: ProfileResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      return { profile: presentProfile(await skillProfile.getProfile({ actor })) };
    },
  );

  app.post(
    '/me/skills/declared',
    {
      schema: {
        tags,
        summary: 'Declare a skill I have (shown, but marked unverified)',
        security: sessionOnly,
        body: DeclareSkillBody,
        response: { 200: ProfileResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const { skillUri } = request.body as { skillUri: string };
      return { profile: presentProfile(await skillProfile.declareSkill({ actor, skillUri })) };
    },
  );

  app.delete(
    '/me/skills/declared',
    {
      schema: {
        tags,
        summary: 'Remove a declared skill',
        security: sessionOnly,
        querystring: DeclaredSkillQuery,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const { uri } = request.query as { uri: string };
      await skillProfile.removeDeclaredSkill({ actor, skillUri: uri });
      return reply.status(204).send();
    },
  );

  app.post(
    '/me/gap',
    {
      schema: {
        tags,
        summary: 'Compare my skills with a target: covered, partly covered, missing',
        description:
          'The target is a job text (skills extracted), an ESCO/O*NET occupation, a role profile, or a list ' +
          'of skill URIs. Partly covered: only declared, only an expired credential, or only a related ' +
          'skill (broader, narrower, organisation mapping). A target with no known skills answers 422 ' +
          '`target_has_no_skills`; a pathway target (its id) gives the skills of the components still to earn.',
        security: sessionOnly,
        body: GapBody,
        response: { 200: GapResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const { target } = request.body as { target: GapTarget };
      return { gap: presentGap(await skillProfile.analyseGap({ actor, target })) };
    },
  );

  app.post(
    '/me/path',
    {
      schema: {
        tags,
        summary: 'The gap to a target and the credentials that close it at the least cost, hours or count',
        description:
          'Missing and partly covered skills (essential weight 2, optional 1) go to the learning-path ' +
          'optimiser; credentials I already hold meet prerequisites. Steps come in schedule order, each ' +
          'with the gap skills it covers and why it was chosen. An infeasible budget gives the best partial ' +
          'path and what cannot be covered.',
        security: sessionOnly,
        body: PathBody,
        response: { 200: PathResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const body = request.body as {
        target: GapTarget;
        objective: PathObjective;
        filters?: PathFilters;
        budget?: PathBudget;
      };
      const result = await skillProfile.recommendPath({ actor, ...body });
      return { gap: presentGap(result.gap), path: presentPath(result.path) };
    },
  );

  // Role profiles: mine (/me/role-profiles) and an organisation's (/orgs/:slug/role-profiles) ---------------

  const scopes: Array<{
    prefix: string;
    what: string;
    params?: typeof SlugParams;
    itemParams: typeof RoleProfileParams | typeof OrgRoleProfileParams;
    security: Array<Record<string, string[]>>;
    scopeOf(request: { params: unknown }): RoleProfileScope;
    actorOf: typeof requireUser | typeof requireAuthenticated;
    read: string;
    write: string;
  }> = [
    {
      prefix: '/me/role-profiles',
      what: 'my',
      itemParams: RoleProfileParams,
      security: sessionOnly,
      scopeOf: () => ({ kind: 'user' }),
      actorOf: requireUser,
      read: '',
      write: '',
    },
    {
      prefix: '/orgs/:slug/role-profiles',
      what: 'the organisation’s',
      params: SlugParams,
      itemParams: OrgRoleProfileParams,
      security,
      scopeOf: (request) => ({ kind: 'organisation', slug: (request.params as { slug: string }).slug }),
      actorOf: requireAuthenticated,
      read: ' (scope definitions:read)',
      write: ' (scope skills:manage)',
    },
  ];

  app.get(
    '/me/target-role-profiles',
    {
      schema: {
        tags,
        summary: 'Role profiles I can aim at: my own and the organisations’ public ones (for gap and path)',
        security: sessionOnly,
        response: {
          200: Type.Object(
            {
              roleProfiles: Type.Array(
                Type.Object(
                  { id: Type.String(), name: Type.String(), mine: Type.Boolean() },
                  { additionalProperties: false },
                ),
              ),
            },
            { additionalProperties: false },
          ),
          ...errors,
        },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const roleProfiles = await skillProfile.listTargetRoleProfiles({ actor });
      return { roleProfiles: roleProfiles.map(({ id, name, mine }) => ({ id, name, mine })) };
    },
  );

  for (const scope of scopes) {
    app.get(
      scope.prefix,
      {
        schema: {
          tags,
          summary: `List ${scope.what} role profiles${scope.read}`,
          security: scope.security,
          ...(scope.params ? { params: scope.params } : {}),
          response: { 200: RoleProfileListResponse, ...errors },
        },
      },
      async (request) => {
        const actor = scope.actorOf(request);
        const views = await skillProfile.listRoleProfiles({ actor, scope: scope.scopeOf(request) });
        return { roleProfiles: views.map(presentRoleProfile) };
      },
    );

    app.post(
      scope.prefix,
      {
        schema: {
          tags,
          summary: `Save a role profile: a role and the skills it needs${scope.write}`,
          security: scope.security,
          ...(scope.params ? { params: scope.params } : {}),
          body: CreateRoleProfileBody,
          response: { 201: RoleProfileResponse, ...errors },
        },
      },
      async (request, reply) => {
        const actor = scope.actorOf(request);
        const input = request.body as RoleProfileInput;
        const view = await skillProfile.createRoleProfile({ actor, scope: scope.scopeOf(request), input });
        return reply.status(201).send({ roleProfile: presentRoleProfile(view) });
      },
    );

    app.get(
      `${scope.prefix}/:id`,
      {
        schema: {
          tags,
          summary: `One of ${scope.what} role profiles${scope.read}`,
          security: scope.security,
          params: scope.itemParams,
          response: { 200: RoleProfileResponse, ...errors },
        },
      },
      async (request) => {
        const actor = scope.actorOf(request);
        const { id } = request.params as { id: string };
        const view = await skillProfile.getRoleProfile({ actor, scope: scope.scopeOf(request), id });
        return { roleProfile: presentRoleProfile(view) };
      },
    );

    app.patch(
      `${scope.prefix}/:id`,
      {
        schema: {
          tags,
          summary: `Change one of ${scope.what} role profiles${scope.write}`,
          security: scope.security,
          params: scope.itemParams,
          body: UpdateRoleProfileBody,
          response: { 200: RoleProfileResponse, ...errors },
        },
      },
      async (request) => {
        const actor = scope.actorOf(request);
        const { id } = request.params as { id: string };
        const changes = request.body as Partial<RoleProfileInput>;
        const view = await skillProfile.updateRoleProfile({
          actor,
          scope: scope.scopeOf(request),
          id,
          changes,
        });
        return { roleProfile: presentRoleProfile(view) };
      },
    );

    app.delete(
      `${scope.prefix}/:id`,
      {
        schema: {
          tags,
          summary: `Delete one of ${scope.what} role profiles${scope.write}`,
          security: scope.security,
          params: scope.itemParams,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        const actor = scope.actorOf(request);
        const { id } = request.params as { id: string };
        await skillProfile.deleteRoleProfile({ actor, scope: scope.scopeOf(request), id });
        return reply.status(204).send();
      },
    );
  }
};
