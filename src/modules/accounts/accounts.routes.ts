import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../../deps.ts';
import { clearSessionCookie, requireUser, setSessionCookie } from '../../http/auth.ts';
import { presentSelf, presentSession } from './accounts.presenter.ts';
import {
  Accepted,
  ChangePasswordBody,
  ForgotBody,
  IdParams,
  LoginBody,
  ProblemRef,
  ResetBody,
  SessionInfo,
  SessionListItem,
  SignupBody,
  TokenBody,
  UpdateMeBody,
} from './accounts.schemas.ts';

const errors = {
  400: ProblemRef,
  401: ProblemRef,
  403: ProblemRef,
  404: ProblemRef,
  409: ProblemRef,
  422: ProblemRef,
  429: ProblemRef,
};

export const accountsRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const { accounts } = deps.services;
  const authLimit = {
    rateLimit: { max: deps.config.authRateLimit.max, timeWindow: deps.config.authRateLimit.windowMs },
  };

  app.post(
    '/auth/signup',
    {
      config: authLimit,
      schema: {
        tags: ['auth'],
        summary: 'Create an account; a verification link is mailed',
        body: SignupBody,
        response: { 201: Type.Object({ user: Type.Ref('UserSelf') }), ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body as { email: string; name: string; password: string };
      const user = await accounts.signup({ actor: request.actor, ...body });
      return reply.status(201).send({ user: presentSelf(user) });
    },
  );

  app.post(
    '/auth/login',
    {
      config: authLimit,
      schema: {
        tags: ['auth'],
        summary: 'Sign in with e-mail and password; sets the session cookie',
        body: LoginBody,
        response: { 200: SessionInfo, ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body as { email: string; password: string };
      const result = await accounts.login({
        actor: request.actor,
        email: body.email,
        password: body.password,
        ip: request.ip ?? null,
        userAgent: request.headers['user-agent'] ?? null,
      });
      setSessionCookie(reply, deps, result.sessionToken, result.expiresAt);
      return {
        user: presentSelf(result.user),
        csrfToken: result.csrfToken,
        expiresAt: result.expiresAt.toISOString(),
      };
    },
  );

  app.post(
    '/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'End the current session',
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      await accounts.logout({ actor });
      clearSessionCookie(reply, deps);
      return reply.status(204).send();
    },
  );

  app.get(
    '/auth/session',
    {
      schema: {
        tags: ['auth'],
        summary: 'The current session and its CSRF token',
        response: { 200: SessionInfo, ...errors },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const user = await accounts.getCurrentUser({ actor });
      return { user: presentSelf(user), csrfToken: request.csrfToken ?? '' };
    },
  );

  app.post(
    '/auth/verify-email',
    {
      config: authLimit,
      schema: {
        tags: ['auth'],
        summary: 'Confirm an e-mail address with the mailed token',
        body: TokenBody,
        response: { 200: Type.Object({ user: Type.Ref('UserSelf') }), ...errors },
      },
    },
    async (request) => {
      const { token } = request.body as { token: string };
      const user = await accounts.verifyEmail({ actor: request.actor, token });
      return { user: presentSelf(user) };
    },
  );

  app.post(
    '/auth/verify-email/resend',
    {
      config: authLimit,
      schema: {
        tags: ['auth'],
        summary: 'Mail a new verification link',
        response: { 202: Accepted, ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      await accounts.resendVerification({ actor });
      return reply
        .status(202)
        .send({ status: 'accepted' as const, message: 'A new verification link is on its way' });
    },
  );

  app.post(
    '/auth/password/forgot',
    {
      config: authLimit,
      schema: {
        tags: ['auth'],
        summary: 'Mail a password reset link (always answers 202)',
        body: ForgotBody,
        response: { 202: Accepted, ...errors },
      },
    },
    async (request, reply) => {
      const { email } = request.body as { email: string };
      await accounts.requestPasswordReset({ actor: request.actor, email });
      return reply.status(202).send({
        status: 'accepted' as const,
        message: 'If an account uses this address, a reset link has been sent to it',
      });
    },
  );

  app.post(
    '/auth/password/reset',
    {
      config: authLimit,
      schema: {
        tags: ['auth'],
        summary: 'Choose a new password with the mailed token; ends all sessions',
        body: ResetBody,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body as { token: string; password: string };
      await accounts.resetPassword({ actor: request.actor, token: body.token, password: body.password });
      return reply.status(204).send();
    },
  );

  app.post(
    '/auth/password/change',
    {
      config: authLimit,
      schema: {
        tags: ['auth'],
        summary: 'Change the password; other sessions end',
        body: ChangePasswordBody,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const body = request.body as { currentPassword: string; newPassword: string };
      await accounts.changePassword({ actor, ...body });
      return reply.status(204).send();
    },
  );

  app.get(
    '/me',
    { schema: { tags: ['me'], summary: 'Your account', response: { 200: Type.Ref('UserSelf'), ...errors } } },
    async (request) => presentSelf(await accounts.getCurrentUser({ actor: requireUser(request) })),
  );

  app.patch(
    '/me',
    {
      schema: {
        tags: ['me'],
        summary: 'Update your profile',
        body: UpdateMeBody,
        response: { 200: Type.Ref('UserSelf'), ...errors },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const body = request.body as { name?: string };
      return presentSelf(await accounts.updateProfile({ actor, ...body }));
    },
  );

  app.get(
    '/me/sessions',
    {
      schema: {
        tags: ['me'],
        summary: 'Your active sessions',
        response: { 200: Type.Object({ sessions: Type.Array(SessionListItem) }), ...errors },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const sessions = await accounts.listSessions({ actor });
      return { sessions: sessions.map((s) => presentSession(s, actor.sessionId)) };
    },
  );

  app.delete(
    '/me/sessions/:id',
    {
      schema: {
        tags: ['me'],
        summary: 'Sign out one of your sessions',
        params: IdParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const { id } = request.params as { id: string };
      await accounts.revokeSession({ actor, sessionId: id });
      return reply.status(204).send();
    },
  );
};
