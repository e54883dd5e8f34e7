import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../../deps.ts';
import { requireAuthenticated, requireUser } from '../../http/auth.ts';
import { problemResponses, SESSION_ONLY, SESSION_OR_TOKEN } from '../../http/route-docs.ts';
import {
  presentAttempt,
  presentManagedItem,
  presentManagedTest,
  presentStatistics,
} from './assessments.presenter.ts';
import {
  AnswerBody,
  AttemptListResponse,
  AttemptParams,
  AttemptResponse,
  DefinitionTestParams,
  ItemBody,
  ItemParams,
  ItemResponse,
  MyAttemptsQuery,
  QtiQuery,
  ResponseParams,
  SettingsBody,
  StartAttemptParams,
  StatisticsResponse,
  TestResponse,
} from './assessments.schemas.ts';
import type { TestSettings } from './assessments.service.ts';
import type { Answer, ItemInput } from './items.ts';

const errors = problemResponses(400, 401, 403, 404, 409, 422, 429);
const security = SESSION_OR_TOKEN;
const sessionOnly = SESSION_ONLY;
const tags = ['assessments'];

type TestPath = { slug: string; definitionId: string };
type ItemPath = TestPath & { itemId: string };

/**
 * Automatically scored tests under /api/v1: the item bank and settings of a definition version
 * (`assessments:manage`), item statistics and the QTI 3.0 export; and the learner's side: attempts, answers,
 * submission and results (a signed-in user with a verified e-mail address).
 */
export const assessmentsRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const { assessments } = deps.services;
  const testPath = '/orgs/:slug/definitions/:definitionId/test';

  app.get(
    testPath,
    {
      schema: {
        tags,
        summary:
          'A definition version’s test: settings, items with answer keys, readiness (scope assessments:manage)',
        security,
        params: DefinitionTestParams,
        response: { 200: TestResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const managed = await assessments.getTest({ actor, ...(request.params as TestPath) });
      return { test: presentManagedTest(managed) };
    },
  );

  app.put(
    testPath,
    {
      schema: {
        tags,
        summary: 'Create the test or replace its settings (scope assessments:manage; draft definitions only)',
        description:
          'Omitted settings take their defaults: unlimited attempts, no cooldown, untimed, all items, items ' +
          'and options shuffled, and the definition’s supervision level. 201 when the test was created.',
        security,
        params: DefinitionTestParams,
        body: SettingsBody,
        response: { 200: TestResponse, 201: TestResponse, ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireAuthenticated(request);
      const updated = await assessments.updateSettings({
        actor,
        ...(request.params as TestPath),
        settings: request.body as TestSettings,
      });
      return reply.status(updated.created ? 201 : 200).send({ test: presentManagedTest(updated) });
    },
  );

  app.post(
    `${testPath}/items`,
    {
      schema: {
        tags,
        summary: 'Add an item to the bank (scope assessments:manage; draft definitions only)',
        description:
          'Types: single_choice and multiple_response (`options` with `correct`), true_false (`correctAnswer`), ' +
          'numeric (`value`, `tolerance`), short_text (`acceptedAnswers`, `caseSensitive`). Creates the test ' +
          'with default settings when there is none.',
        security,
        params: DefinitionTestParams,
        body: ItemBody,
        response: { 201: ItemResponse, ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireAuthenticated(request);
      const params = request.params as TestPath;
      const added = await assessments.addItem({ actor, ...params, item: request.body as ItemInput });
      return reply.status(201).send({ item: presentManagedItem(added.item, added.position) });
    },
  );

  app.put(
    `${testPath}/items/:itemId`,
    {
      schema: {
        tags,
        summary: 'Replace an item (scope assessments:manage; draft definitions only)',
        security,
        params: ItemParams,
        body: ItemBody,
        response: { 200: ItemResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const updated = await assessments.updateItem({
        actor,
        ...(request.params as ItemPath),
        item: request.body as ItemInput,
      });
      return { item: presentManagedItem(updated.item, updated.position) };
    },
  );

  app.delete(
    `${testPath}/items/:itemId`,
    {
      schema: {
        tags,
        summary: 'Remove an item (scope assessments:manage; draft definitions only)',
        security,
        params: ItemParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireAuthenticated(request);
      await assessments.removeItem({ actor, ...(request.params as ItemPath) });
      return reply.status(204).send();
    },
  );

  app.get(
    `${testPath}/statistics`,
    {
      schema: {
        tags,
        summary:
          'Item statistics over closed attempts: difficulty, discrimination, option counts (scope assessments:manage)',
        security,
        params: DefinitionTestParams,
        response: { 200: StatisticsResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { items, statistics } = await assessments.getStatistics({
        actor,
        ...(request.params as TestPath),
      });
      return { statistics: presentStatistics(items, statistics) };
    },
  );

  app.get(
    `${testPath}/qti`,
    {
      schema: {
        tags,
        summary: 'Export the item bank as a QTI 3.0 content package (scope assessments:manage)',
        description:
          'A zip with imsmanifest.xml, a qti-assessment-test and one qti-assessment-item per item. ' +
          '`format=xml` returns one file instead: the item named by `item`, or the assessment test.',
        security,
        params: DefinitionTestParams,
        querystring: QtiQuery,
        response: {
          200: {
            description: 'The package, or one XML file',
            content: {
              'application/zip': { schema: Type.String({ format: 'binary' }) },
              'application/xml': { schema: Type.String() },
            },
          },
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const actor = requireAuthenticated(request);
      const query = request.query as { format?: 'zip' | 'xml'; item?: string };
      const file = await assessments.exportQti({
        actor,
        ...(request.params as TestPath),
        format: query.format ?? 'zip',
        itemId: query.item,
      });
      return reply
        .type(file.contentType === 'application/xml' ? 'application/xml; charset=utf-8' : file.contentType)
        .header('content-disposition', `attachment; filename="${file.fileName}"`)
        .send(file.body);
    },
  );

  // ---- learners ----

  app.post(
    '/definitions/:definitionId/attempts',
    {
      schema: {
        tags,
        summary: 'Start an attempt at a published definition’s test, or continue the open one',
        description:
          '201 with a new attempt (items drawn and ordered at random, no answer keys, the deadline if timed); ' +
          '200 with the open attempt if there is one. 409 attempt_limit_reached, 429 cooldown_active (with ' +
          'Retry-After), 409 invalid_state once passed. Needs a verified e-mail address.',
        security: sessionOnly,
        params: StartAttemptParams,
        response: { 200: AttemptResponse, 201: AttemptResponse, ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const { definitionId } = request.params as { definitionId: string };
      const started = await assessments.startAttempt({ actor, definitionId });
      const attempt = presentAttempt(started, deps.clock.now());
      if (!started.created) return { attempt };
      return reply.status(201).header('location', `/api/v1/attempts/${attempt.id}`).send({ attempt });
    },
  );

  app.get(
    '/attempts/:id',
    {
      schema: {
        tags,
        summary: 'One of your attempts: items, your answers and, once scored, the result and feedback',
        security: sessionOnly,
        params: AttemptParams,
        response: { 200: AttemptResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const { id } = request.params as { id: string };
      return {
        attempt: presentAttempt(await assessments.getAttempt({ actor, attemptId: id }), deps.clock.now()),
      };
    },
  );

  app.put(
    '/attempts/:id/responses/:itemId',
    {
      schema: {
        tags,
        summary: 'Save (or replace) your answer to one item of an open attempt',
        description:
          'After the deadline: 409 time_limit_exceeded, and the attempt is closed and scored as it stood.',
        security: sessionOnly,
        params: ResponseParams,
        body: AnswerBody,
        response: { 200: AttemptResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const { id, itemId } = request.params as { id: string; itemId: string };
      const { answer } = request.body as { answer: Answer };
      const view = await assessments.saveResponse({ actor, attemptId: id, itemId, answer });
      return { attempt: presentAttempt(view, deps.clock.now()) };
    },
  );

  app.post(
    '/attempts/:id/submit',
    {
      schema: {
        tags,
        summary: 'Submit an attempt for scoring; on a pass the credential is awarded',
        description:
          'After the deadline: 409 time_limit_exceeded, and the attempt is closed and scored as it stood.',
        security: sessionOnly,
        params: AttemptParams,
        response: { 200: AttemptResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const { id } = request.params as { id: string };
      const view = await assessments.submitAttempt({ actor, attemptId: id });
      return { attempt: presentAttempt(view, deps.clock.now()) };
    },
  );

  app.get(
    '/me/attempts',
    {
      schema: {
        tags,
        summary: 'Your test attempts, newest first',
        security: sessionOnly,
        querystring: MyAttemptsQuery,
        response: { 200: AttemptListResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const { limit, offset } = request.query as { limit: number; offset: number };
      const views = await assessments.listMyAttempts({ actor, limit, offset });
      const now = deps.clock.now();
      return { attempts: views.map((view) => presentAttempt(view, now)) };
    },
  );
};
