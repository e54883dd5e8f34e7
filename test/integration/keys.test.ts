import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { inspect } from 'node:util';
import * as base58btc from 'base58-universal';
import type { LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { systemActor } from '../../src/core/actor.ts';
import { isAppError } from '../../src/core/errors.ts';
import { createDocumentLoader } from '../../src/core/vc/contexts.ts';
import { didKeyFor, resolveDidKey } from '../../src/core/vc/did.ts';
import { decryptPrivateKey, verifyEd25519 } from '../../src/core/vc/keys.ts';
import { signCredential, verifyDataIntegrity } from '../../src/core/vc/proofs.ts';
import { openDatabase } from '../../src/db/database.ts';
import { buildDeps } from '../../src/deps.ts';
import { createDemoService, DEMO_ORGANISATION } from '../../src/modules/demo/demo.service.ts';
import { createLocalKeyCustody, type IssuerKeyCustody } from '../../src/modules/keys/keys.custody.ts';
import { createKeysService, type KeysServiceDeps } from '../../src/modules/keys/keys.service.ts';
import { buildTestApp, json, TEST_MASTER_KEY, type TestContext } from '../helpers/app.ts';
import { testDatabaseKind } from '../helpers/database.ts';
import { createUser, login, type Session, signedInUser } from '../helpers/factories.ts';

interface KeyBody {
  id: string;
  verificationMethod: string;
  publicKeyMultibase: string;
  status: 'active' | 'retired';
  createdAt: string;
  retiredAt: string | null;
}
interface VerificationMethodBody {
  id: string;
  type: string;
  controller: string;
  publicKeyMultibase: string;
}
interface DidDocumentBody {
  '@context': string[];
  id: string;
  verificationMethod: VerificationMethodBody[];
  assertionMethod: string[];
  authentication: string[];
}

let ctx: TestContext;
let counter = 0;
const system = systemActor('test');
const HOST = 'credstack.test';

function nextSlug(prefix = 'keys'): string {
  counter++;
  return `${prefix}-${process.pid}-${counter}`;
}

async function createOrg(owner: Session, slug = nextSlug()): Promise<{ id: string; slug: string }> {
  const response = await owner.request({
    method: 'POST',
    url: '/api/v1/orgs',
    payload: { slug, name: slug },
  });
  assert.equal(response.statusCode, 201, response.body);
  return json<{ organisation: { id: string; slug: string } }>(response).organisation;
}

async function addMember(slug: string, role: 'owner' | 'admin' | 'issuer' | 'assessor' | 'viewer') {
  const user = await createUser(ctx);
  await ctx.deps.services.organisations.addMember({ actor: system, slug, userId: user.id, role });
  return login(ctx, user.email);
}

async function token(slug: string, scopes: string[]): Promise<string> {
  const created = await ctx.deps.services.tokens.createToken({
    actor: system,
    slug,
    name: 'keys test',
    scopes,
    expiresAt: null,
  });
  return created.token;
}

function withBearer(value: string, method: 'GET' | 'POST', url: string) {
  return ctx.app.inject({ method, url, headers: { authorization: `Bearer ${value}` } });
}

function getDidDocument(slug: string, headers: Record<string, string> = {}) {
  return ctx.app.inject({ method: 'GET', url: `/orgs/${slug}/did.json`, headers });
}

async function keyRows(organisationId: string) {
  return ctx.deps.database.db
    .selectFrom('issuer_keys')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('key_number')
    .execute();
}

async function auditRows(organisationId: string) {
  return ctx.deps.database.db
    .selectFrom('audit_events')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('seq')
    .execute();
}

/** A keys service on the test database with some dependencies replaced. */
function keysService(overrides: Partial<KeysServiceDeps>) {
  const { services, database, clock, ids, config, logger } = ctx.deps;
  return createKeysService({
    db: database.db,
    clock,
    ids,
    config,
    audit: services.audit,
    organisations: services.organisations,
    custody: createLocalKeyCustody({ masterKey: config.masterKey }),
    logger,
    ...overrides,
  });
}

function assertProblem(response: LightMyRequestResponse, status: number, code: string) {
  assert.equal(response.statusCode, status, response.body);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  assert.equal(json(response).code, code);
}

before(async () => {
  ctx = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: '100000' } });
});
after(async () => {
  await ctx.close();
});

describe('the did:web document', () => {
  test('a new organisation publishes a DID document with one Multikey key, no sign-in needed', async () => {
    const owner = await signedInUser(ctx);
    const { slug } = await createOrg(owner);
    const response = await getDidDocument(slug);
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['content-type'], 'application/did+ld+json');
    assert.equal(response.headers['cache-control'], 'public, max-age=300');
    assert.equal(response.headers['access-control-allow-origin'], '*');
    assert.equal(response.headers['cross-origin-resource-policy'], 'cross-origin');
    assert.match(String(response.headers.vary), /Accept/i);
    assert.match(String(response.headers.etag), /^"[A-Za-z0-9_-]+"$/);
    const document = json<DidDocumentBody>(response);
    const did = `did:web:${HOST}:orgs:${slug}`;
    assert.deepEqual(document, {
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
      id: did,
      verificationMethod: [
        {
          id: `${did}#key-1`,
          type: 'Multikey',
          controller: did,
          publicKeyMultibase: document.verificationMethod[0]?.publicKeyMultibase,
        },
      ],
      assertionMethod: [`${did}#key-1`],
      authentication: [`${did}#key-1`],
    });
    assert.match(document.verificationMethod[0]!.publicKeyMultibase, /^z6Mk[1-9A-HJ-NP-Za-km-z]+$/);

    // The same document, whoever asks: a session or a foreign token neither helps nor hurts.
    const asOwner = await owner.request({ method: 'GET', url: `/orgs/${slug}/did.json` });
    assert.equal(asOwner.body, response.body);
    const withBadToken = await getDidDocument(slug, { authorization: 'Bearer not-a-token' });
    assert.equal(withBadToken.statusCode, 200);
  });

  test('content negotiation, ETag revalidation and HEAD', async () => {
    const owner = await signedInUser(ctx);
    const { slug } = await createOrg(owner);
    const first = await getDidDocument(slug);
    for (const [accept, type] of [
      ['application/did+json', 'application/did+json'],
      ['application/json', 'application/json'],
      ['application/json;q=0.5, application/did+ld+json', 'application/did+ld+json'],
      ['text/html, */*;q=0.8', 'application/did+ld+json'],
    ] as const) {
      const response = await getDidDocument(slug, { accept });
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['content-type'], type, accept);
      assert.equal(response.body, first.body, 'the same bytes under every media type');
    }
    const etag = String(first.headers.etag);
    const notModified = await getDidDocument(slug, { 'if-none-match': etag });
    assert.equal(notModified.statusCode, 304);
    assert.equal(notModified.body, '');
    assert.equal(notModified.headers.etag, etag);
    assert.equal(notModified.headers['cache-control'], 'public, max-age=300');
    assert.equal((await getDidDocument(slug, { 'if-none-match': '"stale"' })).statusCode, 200);
    const head = await ctx.app.inject({ method: 'HEAD', url: `/orgs/${slug}/did.json` });
    assert.equal(head.statusCode, 200);
    assert.equal(head.headers['content-type'], 'application/did+ld+json');
  });

  test('an unknown slug is a 404 problem', async () => {
    for (const slug of ['no-such-org', 'UPPER', 'x'.repeat(150), 'a%20b']) {
      assertProblem(await getDidDocument(slug), 404, 'not_found');
    }
  });

  test('a port in PUBLIC_URL is percent-encoded in the did:web, and resolves locally', async () => {
    const owner = await signedInUser(ctx);
    const { slug } = await createOrg(owner);
    const keys = keysService({ config: { publicUrl: new URL('http://localhost:3000') } });
    const document = await keys.didDocumentForSlug(slug);
    const did = `did:web:localhost%3A3000:orgs:${slug}`;
    assert.equal(document.id, did);
    assert.deepEqual(await keys.resolveLocalDid(did), document);
    assert.deepEqual(await keys.resolveLocalDid(did.replace('%3A', '%3a')), document);
    assert.equal(await keys.resolveLocalDid(`did:web:localhost:orgs:${slug}`), null);
    assert.equal(await keys.resolveLocalDid(`did:web:localhost%3A3001:orgs:${slug}`), null);
  });

  test('resolveLocalDid answers only for our own organisations', async () => {
    const owner = await signedInUser(ctx);
    const { slug } = await createOrg(owner);
    const { keys } = ctx.deps.services;
    const did = `did:web:${HOST}:orgs:${slug}`;
    const document = await keys.resolveLocalDid(did);
    assert.ok(document);
    assert.equal(document.id, did);
    assert.deepEqual(document, json(await getDidDocument(slug)));
    for (const other of [
      `did:web:example.org:orgs:${slug}`,
      `did:web:${HOST}:orgs:no-such-org`,
      `did:web:${HOST}:other:orgs:${slug}`,
      `did:web:${HOST}:orgs:${slug}#key-1`,
      `did:web:${HOST}`,
      `did:key:${(document.verificationMethod as VerificationMethodBody[])[0]!.publicKeyMultibase}`,
      'not a did',
    ]) {
      assert.equal(await keys.resolveLocalDid(other), null, other);
    }
    await assert.rejects(keys.didDocumentForSlug('no-such-org'), (error) => {
      assert.ok(isAppError(error));
      assert.equal(error.code, 'not_found');
      return true;
    });
  });
});

describe('signing as the organisation', () => {
  test('issuerFor signs as did:web by default and as did:key on request; the signatures verify', async () => {
    const owner = await signedInUser(ctx);
    const organisation = await createOrg(owner);
    const { keys } = ctx.deps.services;
    const web = await keys.issuerFor({ organisationId: organisation.id });
    const did = `did:web:${HOST}:orgs:${organisation.slug}`;
    assert.equal(web.issuer, did);
    assert.equal(web.verificationMethod, `${did}#key-1`);
    assert.equal(web.signer.id, web.verificationMethod);
    assert.equal(web.signer.algorithm, 'Ed25519');
    const [row] = await keyRows(organisation.id);
    assert.equal(web.keyId, row?.id);

    const asKey = await keys.issuerFor({ organisationId: organisation.id, didMethod: 'key' });
    const publicKey = row!.public_key_multibase;
    assert.equal(asKey.issuer, `did:key:${publicKey}`);
    assert.equal(asKey.verificationMethod, `did:key:${publicKey}#${publicKey}`);
    assert.equal(asKey.keyId, web.keyId);
    const didKeyDocument = await resolveDidKey(asKey.issuer);
    assert.ok(didKeyDocument);

    const data = new TextEncoder().encode('sign me');
    for (const identity of [web, asKey]) {
      const signature = await identity.signer.sign({ data });
      assert.ok(verifyEd25519(publicKey, data, signature));
    }

    const described = await keys.describeOrganisation({ actor: system, slug: organisation.slug });
    assert.deepEqual(described.dids, { web: did, key: didKeyFor(publicKey) });
  });

  test('issuerFor for an unknown organisation is not_found', async () => {
    for (const organisationId of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      await assert.rejects(
        ctx.deps.services.keys.issuerFor({ organisationId }),
        (error) => isAppError(error) && error.code === 'not_found',
      );
    }
  });

  test('issuerFor inside a caller transaction uses it (PGlite has one connection)', async () => {
    const owner = await signedInUser(ctx);
    const organisation = await createOrg(owner);
    const identity = await ctx.deps.database.db
      .transaction()
      .execute((trx) => ctx.deps.services.keys.issuerFor({ organisationId: organisation.id, trx }));
    assert.equal(identity.verificationMethod, `did:web:${HOST}:orgs:${organisation.slug}#key-1`);
    assert.equal((await keyRows(organisation.id)).length, 1);
  });

  test('a credential signed before a rotation keeps verifying; new ones use the new key', async () => {
    const owner = await signedInUser(ctx);
    const organisation = await createOrg(owner);
    const { keys } = ctx.deps.services;
    const documentLoader = createDocumentLoader({ didResolver: keys.resolveLocalDid });
    const credential = (issuer: string) => ({
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      id: `urn:uuid:${crypto.randomUUID()}`,
      type: ['VerifiableCredential'],
      issuer,
      validFrom: '2026-01-01T00:00:00Z',
      credentialSubject: { id: 'did:example:learner' },
    });
    const before = await keys.issuerFor({ organisationId: organisation.id });
    const oldSigned = await signCredential({
      credential: credential(before.issuer),
      signer: before.signer,
      cryptosuite: 'eddsa-jcs-2022',
      documentLoader,
    });

    const rotated = await owner.request({
      method: 'POST',
      url: `/api/v1/orgs/${organisation.slug}/keys/rotate`,
    });
    assert.equal(rotated.statusCode, 201, rotated.body);

    const after = await keys.issuerFor({ organisationId: organisation.id });
    assert.equal(after.issuer, before.issuer, 'the did:web stays the same');
    assert.equal(after.verificationMethod, `${before.issuer}#key-2`);
    assert.notEqual(after.keyId, before.keyId);
    const newSigned = await signCredential({
      credential: credential(after.issuer),
      signer: after.signer,
      cryptosuite: 'eddsa-jcs-2022',
      documentLoader,
    });
    for (const signed of [oldSigned, newSigned]) {
      const result = await verifyDataIntegrity({ document: signed, documentLoader });
      assert.equal(result.verified, true, JSON.stringify(result));
    }
    assert.equal(
      (oldSigned.proof as { verificationMethod: string }).verificationMethod,
      `${before.issuer}#key-1`,
    );
  });
});

describe('listing and rotating keys', () => {
  test('rotation adds a key, retires the old one, and both stay in the DID document', async () => {
    const owner = await signedInUser(ctx);
    const organisation = await createOrg(owner);
    const did = `did:web:${HOST}:orgs:${organisation.slug}`;
    const firstDocument = await getDidDocument(organisation.slug);
    const list = await owner.request({ method: 'GET', url: `/api/v1/orgs/${organisation.slug}/keys` });
    assert.equal(list.statusCode, 200, list.body);
    const [original] = json<{ keys: KeyBody[] }>(list).keys;
    assert.equal(original?.status, 'active');
    assert.equal(original?.verificationMethod, `${did}#key-1`);
    assert.equal(original?.retiredAt, null);
    assert.deepEqual(Object.keys(original ?? {}).sort(), [
      'createdAt',
      'id',
      'publicKeyMultibase',
      'retiredAt',
      'status',
      'verificationMethod',
    ]);

    ctx.clock.advance(60_000);
    const response = await owner.request({
      method: 'POST',
      url: `/api/v1/orgs/${organisation.slug}/keys/rotate`,
    });
    assert.equal(response.statusCode, 201, response.body);
    const { key, retiredKey } = json<{ key: KeyBody; retiredKey: KeyBody }>(response);
    assert.equal(retiredKey.id, original?.id);
    assert.equal(retiredKey.status, 'retired');
    assert.equal(retiredKey.retiredAt, ctx.clock.now().toISOString());
    assert.equal(key.status, 'active');
    assert.equal(key.verificationMethod, `${did}#key-2`);
    assert.notEqual(key.publicKeyMultibase, original?.publicKeyMultibase);

    const listed = json<{ keys: KeyBody[] }>(
      await owner.request({ method: 'GET', url: `/api/v1/orgs/${organisation.slug}/keys` }),
    ).keys;
    assert.deepEqual(listed, [retiredKey, key]);

    const documentResponse = await getDidDocument(organisation.slug);
    assert.notEqual(documentResponse.headers.etag, firstDocument.headers.etag);
    assert.equal(
      (await getDidDocument(organisation.slug, { 'if-none-match': String(firstDocument.headers.etag) }))
        .statusCode,
      200,
    );
    const document = json<DidDocumentBody>(documentResponse);
    assert.deepEqual(
      document.verificationMethod.map((method) => [
        method.id,
        method.type,
        method.controller,
        method.publicKeyMultibase,
      ]),
      [
        [`${did}#key-1`, 'Multikey', did, original?.publicKeyMultibase],
        [`${did}#key-2`, 'Multikey', did, key.publicKeyMultibase],
      ],
    );
    assert.deepEqual(document.assertionMethod, [`${did}#key-1`, `${did}#key-2`]);
    assert.deepEqual(document.authentication, [`${did}#key-1`, `${did}#key-2`]);

    const described = await ctx.deps.services.keys.describeOrganisation({
      actor: system,
      slug: organisation.slug,
    });
    assert.equal(described.slug, organisation.slug);
    assert.equal(described.dids.key, `did:key:${key.publicKeyMultibase}`);
    assert.deepEqual(
      described.verificationMethods.map((method) => [method.id, method.status, method.retiredAt]),
      [
        [`${did}#key-1`, 'retired', retiredKey.retiredAt],
        [`${did}#key-2`, 'active', null],
      ],
    );

    const events = await auditRows(organisation.id);
    const keyEvents = events.filter((event) => event.type.startsWith('issuer_key.'));
    assert.deepEqual(
      keyEvents.map((event) => [event.type, event.actor_type, event.actor_id, event.subject_id]),
      [
        ['issuer_key.created', 'system', 'keys', original?.id],
        ['issuer_key.rotated', 'user', owner.userId, key.id],
      ],
    );
    assert.deepEqual(keyEvents[1]?.data, {
      keyId: key.id,
      verificationMethod: key.verificationMethod,
      publicKeyMultibase: key.publicKeyMultibase,
      retiredKeyId: original?.id,
      retiredVerificationMethod: original?.verificationMethod,
    });
    const chain = await ctx.deps.services.audit.verifyChain();
    assert.equal(chain.ok, true);
  });

  test('who may list and rotate: members read, owners and admins rotate, tokens only read', async () => {
    const owner = await signedInUser(ctx);
    const { slug } = await createOrg(owner);
    const listUrl = `/api/v1/orgs/${slug}/keys`;
    const rotateUrl = `/api/v1/orgs/${slug}/keys/rotate`;

    for (const role of ['issuer', 'assessor', 'viewer'] as const) {
      const member = await addMember(slug, role);
      assert.equal((await member.request({ method: 'GET', url: listUrl })).statusCode, 200, role);
      assertProblem(await member.request({ method: 'POST', url: rotateUrl }), 403, 'forbidden');
    }
    const admin = await addMember(slug, 'admin');
    assert.equal((await admin.request({ method: 'POST', url: rotateUrl })).statusCode, 201);

    const reader = await token(slug, ['org:read']);
    assert.equal((await withBearer(reader, 'GET', listUrl)).statusCode, 200);
    assertProblem(await withBearer(reader, 'POST', rotateUrl), 403, 'insufficient_scope');
    const everything = await token(slug, ['org:read', 'members:read', 'audit:read', 'credentials:issue']);
    assertProblem(await withBearer(everything, 'POST', rotateUrl), 403, 'insufficient_scope');
    const noRead = await token(slug, ['members:read']);
    assertProblem(await withBearer(noRead, 'GET', listUrl), 403, 'insufficient_scope');

    assertProblem(await ctx.app.inject({ method: 'GET', url: listUrl }), 401, 'unauthenticated');
    assertProblem(await ctx.app.inject({ method: 'POST', url: rotateUrl }), 401, 'unauthenticated');
    // A cookie write without the CSRF token is refused before anything happens.
    assertProblem(
      await ctx.app.inject({ method: 'POST', url: rotateUrl, headers: { cookie: owner.cookie } }),
      403,
      'csrf_failed',
    );
    const organisationId = (await ctx.deps.services.organisations.findOrganisationBySlug(slug))!.id;
    assert.equal((await keyRows(organisationId)).length, 2, 'only the admin rotated');
  });

  test("another organisation's keys are 404 on every endpoint, for members and tokens alike", async () => {
    const owner = await signedInUser(ctx);
    const outsider = await signedInUser(ctx);
    const target = await createOrg(owner);
    const other = await createOrg(outsider);
    const otherToken = await token(other.slug, ['org:read']);
    await ctx.deps.services.keys.listKeys({ actor: system, slug: target.slug });
    const rowsBefore = await keyRows(target.id);
    const eventsBefore = (await auditRows(target.id)).length;

    for (const slug of [target.slug, 'no-such-org']) {
      const listUrl = `/api/v1/orgs/${slug}/keys`;
      const rotateUrl = `/api/v1/orgs/${slug}/keys/rotate`;
      assertProblem(await outsider.request({ method: 'GET', url: listUrl }), 404, 'not_found');
      assertProblem(await outsider.request({ method: 'POST', url: rotateUrl }), 404, 'not_found');
      assertProblem(await withBearer(otherToken, 'GET', listUrl), 404, 'not_found');
      assertProblem(await withBearer(otherToken, 'POST', rotateUrl), 404, 'not_found');
    }
    await assert.rejects(
      ctx.deps.services.keys.describeOrganisation({
        actor: {
          kind: 'user',
          userId: outsider.userId,
          isPlatformAdmin: false,
          emailVerified: true,
          sessionId: null,
        },
        slug: target.slug,
      }),
      (error) => isAppError(error) && error.code === 'not_found',
    );
    assert.deepEqual(await keyRows(target.id), rowsBefore);
    assert.equal((await auditRows(target.id)).length, eventsBefore);
  });
});

describe('every organisation has exactly one active key', () => {
  test('organisations made through the API, the CLI service path and the demo seed all have one', async () => {
    const owner = await signedInUser(ctx);
    const viaApi = await createOrg(owner);
    const viaSystem = await ctx.deps.services.organisations.createOrganisation({
      actor: systemActor('cli'),
      slug: nextSlug('cli'),
      name: 'Made by the CLI',
    });
    const { database, services } = ctx.deps;
    const demo = createDemoService({
      db: database.db,
      accounts: services.accounts,
      organisations: services.organisations,
      audit: services.audit,
    });
    const seeded = await demo.seed({ actor: systemActor('seed') });
    assert.equal(seeded.organisation.slug, DEMO_ORGANISATION.slug);

    for (const organisation of [viaApi, viaSystem, seeded.organisation]) {
      const keys = await services.keys.listKeys({ actor: system, slug: organisation.slug });
      assert.deepEqual(
        keys.map((key) => key.status),
        ['active'],
        organisation.slug,
      );
      const document = await services.keys.didDocumentForSlug(organisation.slug);
      assert.equal((document.verificationMethod as unknown[]).length, 1);
    }
  });

  test('concurrent first use yields one key (several server instances on one database)', async (t) => {
    const owner = await signedInUser(ctx);
    const organisation = await createOrg(owner);
    // Counts the keys racing callers make; all but one must be thrown away.
    let generated = 0;
    const local = createLocalKeyCustody({ masterKey: ctx.deps.config.masterKey });
    const custody: IssuerKeyCustody = {
      generate: (options) => {
        generated++;
        return local.generate(options);
      },
      signer: (options) => local.signer(options),
    };
    const instances = [keysService({ custody })];
    let second: Awaited<ReturnType<typeof openDatabase>> | undefined;
    if (testDatabaseKind === 'postgres') {
      // A second pool on the same schema: another server instance, with its own connections.
      const { schema } = await ctx.deps.database.db
        .selectNoFrom((eb) => eb.fn<string>('current_schema').as('schema'))
        .executeTakeFirstOrThrow();
      second = await openDatabase({
        kind: 'postgres',
        url: process.env.TEST_DATABASE_URL!,
        schema,
        poolMax: 5,
      });
      const other = await buildDeps(ctx.deps.config, pino({ level: 'silent' }), {
        database: second,
        clock: ctx.clock,
        mailTransport: ctx.mail,
      });
      instances.push(
        keysService({
          db: second.db,
          audit: other.services.audit,
          organisations: other.services.organisations,
          custody,
        }),
      );
    }
    try {
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          i % 3 === 2
            ? instances[i % instances.length]!.didDocumentForSlug(organisation.slug).then(() => undefined)
            : instances[i % instances.length]!.issuerFor({ organisationId: organisation.id }),
        ),
      );
      const keyIds = new Set(results.filter((result) => result !== undefined).map((result) => result!.keyId));
      assert.equal(keyIds.size, 1);
    } finally {
      await second?.close();
    }
    t.diagnostic(`${generated} key(s) generated by ${instances.length} instance(s) racing; one kept`);
    const rows = await keyRows(organisation.id);
    assert.equal(rows.length, 1);
    const created = (await auditRows(organisation.id)).filter((event) => event.type === 'issuer_key.created');
    assert.equal(created.length, 1);
    assert.equal((await ctx.deps.services.audit.verifyChain()).ok, true);
  });

  test('concurrent rotations run one after the other and leave one active key', async () => {
    const owner = await signedInUser(ctx);
    const organisation = await createOrg(owner);
    const { keys } = ctx.deps.services;
    const results = await Promise.all(
      Array.from({ length: 4 }, () => keys.rotateKey({ actor: system, slug: organisation.slug })),
    );
    const rows = await keyRows(organisation.id);
    assert.deepEqual(
      rows.map((row) => [row.key_number, row.retired_at === null]),
      [
        [1, false],
        [2, false],
        [3, false],
        [4, false],
        [5, true],
      ],
    );
    assert.equal(new Set(results.map((result) => result.active.id)).size, 4);
  });

  test('the database refuses a second active key outright', async () => {
    const owner = await signedInUser(ctx);
    const organisation = await createOrg(owner);
    const { keyId } = await ctx.deps.services.keys.issuerFor({ organisationId: organisation.id });
    const [row] = await keyRows(organisation.id);
    assert.equal(row?.id, keyId);
    await assert.rejects(
      ctx.deps.database.db
        .insertInto('issuer_keys')
        .values({
          ...row!,
          id: '00000000-0000-4000-8000-000000000001',
          key_number: 2,
          public_key_multibase: `${row!.public_key_multibase}x`,
        })
        .execute(),
      (error) => (error as { code?: string }).code === '23505',
    );
  });
});

describe('private keys stay private', () => {
  test('no response, audit event, description or signer carries private key material', async () => {
    const owner = await signedInUser(ctx);
    const organisation = await createOrg(owner);
    const { keys } = ctx.deps.services;
    const haystacks: string[] = [];
    haystacks.push((await getDidDocument(organisation.slug)).body);
    const rotated = await owner.request({
      method: 'POST',
      url: `/api/v1/orgs/${organisation.slug}/keys/rotate`,
    });
    assert.equal(rotated.statusCode, 201);
    haystacks.push(rotated.body);
    haystacks.push(
      (await owner.request({ method: 'GET', url: `/api/v1/orgs/${organisation.slug}/keys` })).body,
    );
    haystacks.push((await getDidDocument(organisation.slug)).body);
    haystacks.push(
      JSON.stringify(await keys.describeOrganisation({ actor: system, slug: organisation.slug })),
    );
    haystacks.push(JSON.stringify(await keys.listKeys({ actor: system, slug: organisation.slug })));
    const identity = await keys.issuerFor({ organisationId: organisation.id });
    haystacks.push(JSON.stringify(identity), inspect(identity, { depth: 10, showHidden: true }));
    haystacks.push(JSON.stringify(await auditRows(organisation.id)));

    const rows = await keyRows(organisation.id);
    assert.equal(rows.length, 2);
    const secrets: string[] = [];
    for (const row of rows) {
      assert.match(row.private_key_sealed, /^csk1\.mk1\./, 'stored encrypted under the master key');
      const pair = decryptPrivateKey({
        encrypted: row.private_key_sealed,
        keyId: row.id,
        masterKey: Buffer.from(TEST_MASTER_KEY, 'hex'),
        publicKeyMultibase: row.public_key_multibase,
      });
      const secretKeyMultibase = pair.exportSecretKeyMultibase();
      const seed = Buffer.from(base58btc.decode(secretKeyMultibase.slice(1)).subarray(2));
      assert.equal(seed.length, 32);
      secrets.push(
        row.private_key_sealed,
        row.private_key_sealed.split('.')[3]!,
        secretKeyMultibase,
        seed.toString('hex'),
        seed.toString('base64'),
        seed.toString('base64url'),
      );
    }
    const all = haystacks.join('\n');
    for (const secret of secrets) assert.equal(all.includes(secret), false, 'private key material leaked');
    // The public keys are there, so the search looked at the right text.
    for (const row of rows) assert.ok(all.includes(row.public_key_multibase));
  });

  test('a key sealed under another master key is issuer_key_unavailable, logged without secrets', async () => {
    const owner = await signedInUser(ctx);
    const organisation = await createOrg(owner);
    await ctx.deps.services.keys.issuerFor({ organisationId: organisation.id });
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const keys = keysService({
      custody: createLocalKeyCustody({ masterKey: Buffer.from('22'.repeat(32), 'hex') }),
      logger,
    });
    await assert.rejects(keys.issuerFor({ organisationId: organisation.id }), (error) => {
      assert.ok(isAppError(error));
      assert.equal(error.code, 'issuer_key_unavailable');
      assert.equal(error.status, 503);
      return true;
    });
    assert.equal(lines.length, 1);
    const [row] = await keyRows(organisation.id);
    assert.match(lines[0]!, /issuer key could not be unlocked/);
    assert.equal(lines[0]!.includes(row!.private_key_sealed), false);
    assert.equal(lines[0]!.includes(row!.private_key_sealed.split('.')[3]!), false);
  });
});
