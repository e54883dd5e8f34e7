import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { ManualClock } from '../../src/core/clock.ts';
import type { Db } from '../../src/db/database.ts';
import { type AppDeps, buildDeps } from '../../src/deps.ts';
import { buildApp } from '../../src/http/app.ts';
import { createMemoryTransport } from '../../src/modules/mail/mail.transport.ts';
import {
  type CredentialAwards,
  createPortfolioService,
} from '../../src/modules/portfolio/portfolio.service.ts';
import { type TestContext, testConfig } from './app.ts';
import { createTestDatabase } from './database.ts';
import { insertDefinition, markDefinitionPublished } from './definitions.ts';
import type { Session } from './factories.ts';

/** Helpers shared by the portfolio tests. */

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies inspected by tests
export type Loose = Record<string, any>;

/** A rubric body: two criteria on a 0/2/3 scale, pass at 4 points. */
export function rubricBody(settings: Loose = {}, passRule: Loose = { minimumTotalPoints: 4 }): Loose {
  const levels = [
    { id: 'not-yet', name: 'Not yet', descriptor: 'Missing or does not work', points: 0 },
    { id: 'competent', name: 'Competent', descriptor: 'Works as the brief asks', points: 2 },
    { id: 'excellent', name: 'Excellent', descriptor: 'Goes beyond the brief', points: 3 },
  ];
  return {
    criteria: [
      {
        id: 'retrieval',
        name: 'Retrieval pipeline',
        learningOutcomeId: 'lo-1',
        minimumLevelId: 'competent',
        levels,
      },
      { id: 'evaluation', name: 'Evaluation', minimumLevelId: 'competent', levels },
    ],
    passRule,
    settings,
  };
}

export const FILES = {
  pdf: Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n'),
  png: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]),
  markdown: Buffer.from('# Evaluation\n\nRecall@5 went from 0.61 to 0.83.\n'),
};

/** A multipart/form-data body with one file part. */
export function multipartBody(
  fileName: string,
  content: Buffer,
  options: { field?: string; contentType?: string } = {},
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----credstack${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${options.field ?? 'file'}"; filename="${fileName}"\r\n` +
      `Content-Type: ${options.contentType ?? 'application/octet-stream'}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    payload: Buffer.concat([head, content, tail]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

export function upload(session: Session, submissionId: string, fileName: string, content: Buffer) {
  const body = multipartBody(fileName, content);
  return session.request({
    method: 'POST',
    url: `/api/v1/me/portfolio/submissions/${submissionId}/files`,
    payload: body.payload,
    headers: body.headers,
  });
}

/**
 * A published definition of `organisationId` with the given rubric: the rubric is saved through the API
 * while the version is a draft, then the version is marked published directly (the catalogue's publishing
 * flow is not what these tests are about).
 */
export async function publishedDefinitionWithRubric(
  ctx: Pick<TestContext, 'deps'>,
  manager: Session,
  slug: string,
  organisationId: string,
  rubric: Loose = rubricBody(),
): Promise<string> {
  const definition = await insertDefinition(ctx as TestContext, { organisationId, status: 'draft' });
  const saved = await manager.request({
    method: 'PUT',
    url: `/api/v1/orgs/${slug}/definitions/${definition.id}/rubric`,
    payload: rubric,
  });
  assert.equal(saved.statusCode, 201, saved.body);
  await markDefinitionPublished(ctx, definition.id, new Date());
  return definition.id;
}

/** A learner's submitted piece of work (text only) for `definitionId`; returns its id. */
export async function submittedWork(
  learner: Session,
  definitionId: string,
  text = 'My RAG pipeline report',
): Promise<string> {
  const created = await learner.request({
    method: 'POST',
    url: '/api/v1/me/portfolio/submissions',
    payload: { definitionId, text, links: [{ url: 'https://git.example/rag', title: 'Code' }] },
  });
  assert.equal(created.statusCode, 201, created.body);
  const id = (created.json() as Loose).submission.id as string;
  const submitted = await learner.request({
    method: 'POST',
    url: `/api/v1/me/portfolio/submissions/${id}/submit`,
  });
  assert.equal(submitted.statusCode, 200, submitted.body);
  return id;
}

export function body(response: LightMyRequestResponse): Loose {
  return response.json() as Loose;
}

export interface AwardCall {
  options: Parameters<CredentialAwards['issueForDefinition']>[0];
  alreadyIssued: boolean;
  credentialId: string;
}

/**
 * A stand-in for the credentials module's award: records every call and writes a minimal credential row
 * in the caller's transaction (so the submission's foreign key holds), once per idempotency key.
 */
export function recordingAwards() {
  const calls: AwardCall[] = [];
  const byKey = new Map<string, string>();
  let counter = 0;
  const port: CredentialAwards = {
    async issueForDefinition(options) {
      const key = options.idempotencyKey ?? `no-key-${++counter}`;
      const existing = byKey.get(key);
      if (existing) {
        calls.push({ options, alreadyIssued: true, credentialId: existing });
        return { record: { id: existing }, alreadyIssued: true };
      }
      const trx = options.trx as Db;
      assert.ok(trx, 'the award runs in the marking transaction');
      const definition = await trx
        .selectFrom('credential_definitions')
        .select(['organisation_id'])
        .where('id', '=', options.definitionId)
        .executeTakeFirstOrThrow();
      const id = randomUUID();
      await trx
        .insertInto('credentials')
        .values({
          id,
          organisation_id: definition.organisation_id,
          credential_uri: `urn:uuid:${id}`,
          format: 'data-integrity',
          cryptosuite: 'eddsa-rdfc-2022',
          types: ['VerifiableCredential', 'OpenBadgeCredential'],
          document: '{}',
          issuer: 'did:web:credstack.test',
          key_id: 'test',
          name: null,
          achievement_name: null,
          recipient_email: options.recipient.email,
          recipient_name: options.recipient.name ?? null,
          recipient_did: null,
          status: 'active',
          status_reason: null,
          status_changed_at: null,
          valid_from: null,
          valid_until: null,
          issued_at: new Date(),
          issued_via: 'assessment',
          issued_by_type: 'user',
          issued_by_id: null,
        })
        .execute();
      byKey.set(key, id);
      calls.push({ options, alreadyIssued: false, credentialId: id });
      return { record: { id }, alreadyIssued: false };
    },
  };
  return { calls, port };
}

/**
 * The real application on a fresh database, with the portfolio service's award port replaced (the rest is
 * wired exactly as in buildDeps). For tests of marking that must not depend on the credentials module.
 */
export async function buildPortfolioTestApp(
  awards: CredentialAwards | ((deps: AppDeps) => CredentialAwards),
): Promise<TestContext> {
  const config = testConfig({ AUTH_RATE_LIMIT_MAX: '100000' });
  const database = await createTestDatabase();
  const clock = new ManualClock(new Date());
  const mail = createMemoryTransport();
  const logger = pino({ level: 'silent' });
  const deps = await buildDeps(config, logger, { database, clock, mailTransport: mail });
  const services = deps.services;
  services.portfolio = createPortfolioService({
    db: database.db,
    clock,
    ids: deps.ids,
    config,
    audit: services.audit,
    mail: services.mail,
    organisations: services.organisations,
    accounts: services.accounts,
    definitions: services.catalogue,
    awards: typeof awards === 'function' ? awards(deps) : awards,
  });
  let app: Awaited<ReturnType<typeof buildApp>>;
  try {
    app = await buildApp(deps);
    await app.ready();
  } catch (error) {
    await database.close();
    throw error;
  }
  return {
    app,
    routes: [],
    deps,
    clock,
    mail,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}
