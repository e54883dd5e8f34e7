import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { systemActor } from '../../src/core/actor.ts';
import { checkOpenBadgeShape, verifyEmailIdentity } from '../../src/core/vc/open-badges.ts';
import { buildTestApp, json, type TestContext } from '../helpers/app.ts';
import {
  apiToken,
  type CredentialBody,
  createOrganisation,
  issueAs,
  issueBody,
  type LooseJson,
  memberWithRole,
  pathOf,
  problem,
  withToken,
} from '../helpers/credentials.ts';
import { insertDefinition } from '../helpers/definitions.ts';
import type { Session } from '../helpers/factories.ts';
import {
  independentStatusBits,
  verifyDataIntegrityIndependently,
  verifyJwtIndependently,
} from '../helpers/independent-vc.ts';

let ctx: TestContext;
let owner: Session;
let slug: string;
let organisationId: string;

before(async () => {
  ctx = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: '100000' } });
  ({ owner, slug, id: organisationId } = await createOrganisation(ctx));
});
after(async () => {
  await ctx.close();
});

function decodeJwtPayload(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

async function changeStatus(
  session: Session,
  id: string,
  action: string,
  reason = 'Checked by the registrar',
) {
  return session.request({
    method: 'POST',
    url: `/api/v1/orgs/${slug}/credentials/${id}/${action}`,
    payload: { reason },
  });
}

async function auditTypes(subjectId: string): Promise<string[]> {
  const rows = await ctx.deps.database.db
    .selectFrom('audit_events')
    .select(['type'])
    .where('subject_id', '=', subjectId)
    .orderBy('seq')
    .execute();
  return rows.map((row) => row.type);
}

describe('issuing an Open Badge', () => {
  test('an OpenBadgeCredential signed by the did:web, with hashed recipient, status entries and a mail', async () => {
    const body = issueBody({ validUntil: '2031-06-30T00:00:00Z', narrative: 'Reviewed by two assessors.' });
    const response = await owner.request({
      method: 'POST',
      url: `/api/v1/orgs/${slug}/credentials`,
      payload: body,
    });
    assert.equal(response.statusCode, 201, response.body);
    const credential = json<{ credential: CredentialBody }>(response).credential;
    assert.equal(response.headers.location, `/api/v1/orgs/${slug}/credentials/${credential.id}`);
    const vc = credential.verifiableCredential as LooseJson;
    const email = body.recipient.email;

    // The credential.
    assert.deepEqual(vc['@context'], [
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
      'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json',
    ]);
    assert.deepEqual(vc.type, ['VerifiableCredential', 'OpenBadgeCredential']);
    assert.equal(vc.id, `http://credstack.test/credentials/${credential.id}`);
    assert.equal(credential.url, vc.id);
    assert.equal(vc.issuer.id, `did:web:credstack.test:orgs:${slug}`);
    assert.deepEqual(vc.issuer.type, ['Profile']);
    assert.equal(vc.issuer.url, 'https://academy.example');
    assert.match(vc.issuer.name, /^Academy /);
    assert.equal(vc.validUntil, '2031-06-30T00:00:00Z');
    assert.match(vc.validFrom, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(vc.awardedDate, vc.validFrom);
    assert.equal(vc.credentialSubject.achievement.name, 'Data Analysis with SQL');
    assert.match(vc.credentialSubject.achievement.id, /^urn:uuid:/);
    assert.deepEqual(vc.credentialSubject.result, [{ type: ['Result'], status: 'Completed' }]);
    assert.equal(vc.credentialSubject.narrative, 'Reviewed by two assessors.');
    assert.equal(vc.evidence[0].id, 'https://evidence.example/capstone');
    assert.equal(vc.credentialSchema[0].type, '1EdTechJsonSchemaValidator2019');
    assert.equal(vc.proof.cryptosuite, 'eddsa-rdfc-2022');
    assert.equal(vc.proof.verificationMethod, `did:web:credstack.test:orgs:${slug}#key-1`);
    assert.deepEqual(checkOpenBadgeShape(vc), []);

    // The recipient: only a salted hash of the (normalised) address is published.
    const [identity] = vc.credentialSubject.identifier;
    assert.equal(identity.hashed, true);
    assert.equal(verifyEmailIdentity(identity, email), true);
    assert.equal(JSON.stringify(vc).toLowerCase().includes(email.toLowerCase()), false);
    assert.equal(JSON.stringify(vc).includes('Lea Learner'), false);

    // Two status entries, one per purpose, each in its own list under /status-lists/.
    assert.equal(vc.credentialStatus.length, 2);
    assert.deepEqual(
      vc.credentialStatus.map((entry: Record<string, string>) => entry.statusPurpose),
      ['revocation', 'suspension'],
    );
    for (const entry of vc.credentialStatus as Array<Record<string, string>>) {
      assert.equal(entry.type, 'BitstringStatusListEntry');
      assert.match(
        String(entry.statusListCredential),
        /^http:\/\/credstack\.test\/status-lists\/[0-9a-f-]{36}$/,
      );
      assert.equal(entry.id, `${entry.statusListCredential}#${entry.statusListIndex}`);
      const index = Number(entry.statusListIndex);
      assert.ok(Number.isInteger(index) && index >= 0 && index < 131_072);
    }
    assert.notEqual(vc.credentialStatus[0].statusListCredential, vc.credentialStatus[1].statusListCredential);
    assert.deepEqual(
      credential.statusEntries.map((entry) => [
        entry.purpose,
        entry.statusListCredential,
        String(entry.statusListIndex),
      ]),
      vc.credentialStatus.map((entry: Record<string, string>) => [
        entry.statusPurpose,
        entry.statusListCredential,
        entry.statusListIndex,
      ]),
    );

    // What members see.
    assert.equal(credential.status, 'active');
    assert.equal(credential.format, 'data-integrity');
    assert.equal(credential.recipient.email, email.toLowerCase());
    assert.equal(credential.recipient.name, 'Lea Learner');
    assert.equal(credential.holderNamePublic, false);
    assert.equal(credential.issuedVia, 'api');
    assert.deepEqual(credential.issuedBy, { type: 'user', id: owner.userId });
    assert.equal(credential.validUntil, '2031-06-30T00:00:00.000Z');

    // The recipient is told, with a link to the credential's page.
    await ctx.deps.services.mail.flush();
    const mail = ctx.mail.sent.find((message) => message.to === email.toLowerCase());
    assert.ok(mail, 'the recipient got a mail');
    assert.match(mail.subject, /issued you a credential: Data Analysis with SQL/);
    assert.ok(mail.text.includes(`http://credstack.test/credentials/${credential.id}`));
    assert.match(mail.text, /^Hello Lea Learner,/);

    // Audited, without the e-mail address.
    assert.deepEqual(await auditTypes(credential.id), ['credential.issued']);
    const event = await ctx.deps.database.db
      .selectFrom('audit_events')
      .selectAll()
      .where('subject_id', '=', credential.id)
      .executeTakeFirstOrThrow();
    assert.equal(event.organisation_id, organisationId);
    assert.equal(JSON.stringify(event.data).includes(email.toLowerCase()), false);
    const listEvents = await ctx.deps.database.db
      .selectFrom('audit_events')
      .select(['type', 'data'])
      .where('organisation_id', '=', organisationId)
      .where('type', '=', 'status_list.created')
      .execute();
    assert.deepEqual(listEvents.map((row) => (row.data as { purpose: string }).purpose).sort(), [
      'revocation',
      'suspension',
    ]);
    assert.deepEqual(await ctx.deps.services.audit.verifyChain().then((check) => check.ok), true);
  });

  test('a second credential reuses the open lists at another position', async () => {
    const first = await issueAs(owner, slug);
    const second = await issueAs(owner, slug);
    for (const purpose of [0, 1]) {
      assert.equal(
        first.statusEntries[purpose]!.statusListCredential,
        second.statusEntries[purpose]!.statusListCredential,
      );
      assert.notEqual(
        first.statusEntries[purpose]!.statusListIndex,
        second.statusEntries[purpose]!.statusListIndex,
      );
    }
  });

  test('invalid input is refused with 422 and nothing is stored', async () => {
    const before = await ctx.deps.database.db.selectFrom('credentials').select('id').execute();
    const cases: Array<[string, Record<string, unknown>]> = [
      [
        'unknown achievement type',
        { achievement: { ...issueBody().achievement, achievementType: 'Trophy' } },
      ],
      ['criteria without narrative or id', { achievement: { ...issueBody().achievement, criteria: {} } }],
      [
        'validUntil before validFrom',
        { validFrom: '2030-01-01T00:00:00Z', validUntil: '2029-01-01T00:00:00Z' },
      ],
      ['a cryptosuite with vc+jwt', { format: 'vc+jwt', cryptosuite: 'eddsa-jcs-2022' }],
      ['an unknown cryptosuite', { cryptosuite: 'ecdsa-rdfc-2019' }],
      ['an unknown field', { colour: 'red' }],
      ['a bad recipient address', { recipient: { email: 'not-an-address' } }],
      ['a recipient without address', { recipient: { name: 'Nobody' } }],
      ['a relative evidence URL', { evidence: [{ id: 'evidence/1', name: 'x' }] }],
    ];
    for (const [what, overrides] of cases) {
      const response = await owner.request({
        method: 'POST',
        url: `/api/v1/orgs/${slug}/credentials`,
        payload: issueBody(overrides),
      });
      assert.equal(response.statusCode, 422, `${what}: ${response.body}`);
      assert.equal(problem(response).code, 'validation_failed', what);
      assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
    }
    const afterRows = await ctx.deps.database.db.selectFrom('credentials').select('id').execute();
    assert.equal(afterRows.length, before.length);
  });
});

describe('every securing option verifies with the independent library', () => {
  for (const options of [
    { cryptosuite: 'eddsa-rdfc-2022' },
    { cryptosuite: 'eddsa-jcs-2022' },
    { format: 'vc+jwt' },
  ] as const) {
    const label = 'format' in options ? options.format : options.cryptosuite;
    test(`${label}: proof, status bits, revocation`, async () => {
      const credential = await issueAs(owner, slug, options);
      let payload: Record<string, unknown>;
      if ('format' in options) {
        assert.equal(credential.format, 'vc+jwt');
        assert.equal(credential.cryptosuite, null);
        assert.equal(typeof credential.verifiableCredential, 'string');
        payload = await verifyJwtIndependently(ctx, credential.verifiableCredential as string);
        assert.deepEqual(payload, decodeJwtPayload(credential.verifiableCredential as string));
        assert.equal('proof' in payload, false);
      } else {
        payload = credential.verifiableCredential as Record<string, unknown>;
        assert.equal((payload.proof as Record<string, unknown>).cryptosuite, options.cryptosuite);
        const result = await verifyDataIntegrityIndependently(ctx, payload);
        assert.equal(result.verified, true, String(result.error ?? JSON.stringify(result.results)));
        const tampered = structuredClone(payload) as LooseJson;
        tampered.credentialSubject.achievement.name = 'Forged';
        assert.equal((await verifyDataIntegrityIndependently(ctx, tampered)).verified, false);
      }
      assert.deepEqual(checkOpenBadgeShape(payload), []);
      assert.deepEqual(await independentStatusBits(ctx, payload), { revocation: false, suspension: false });

      const suspended = await changeStatus(owner, credential.id, 'suspend');
      assert.equal(suspended.statusCode, 200, suspended.body);
      assert.deepEqual(await independentStatusBits(ctx, payload), { revocation: false, suspension: true });
      assert.equal((await changeStatus(owner, credential.id, 'reinstate')).statusCode, 200);
      assert.deepEqual(await independentStatusBits(ctx, payload), { revocation: false, suspension: false });
      const revoked = await changeStatus(owner, credential.id, 'revoke');
      assert.equal(revoked.statusCode, 200, revoked.body);
      assert.deepEqual(await independentStatusBits(ctx, payload), { revocation: true, suspension: false });
    });
  }
});

describe('revoke, suspend, reinstate', () => {
  test('transitions, the 409s, audit events with the reason, and mail to the holder', async () => {
    const credential = await issueAs(owner, slug);
    const email = credential.recipient.email!;
    const mailsBefore = async () => {
      await ctx.deps.services.mail.flush();
      return ctx.mail.sent.filter((message) => message.to === email);
    };
    assert.equal((await mailsBefore()).length, 1, 'the issue mail');

    const suspended = await changeStatus(owner, credential.id, 'suspend', '  Under review  ');
    assert.equal(suspended.statusCode, 200, suspended.body);
    const suspendedBody = json<{ credential: CredentialBody }>(suspended).credential;
    assert.equal(suspendedBody.status, 'suspended');
    assert.equal(suspendedBody.statusReason, 'Under review');
    assert.ok(suspendedBody.statusChangedAt);

    const again = await changeStatus(owner, credential.id, 'suspend');
    assert.equal(again.statusCode, 409);
    assert.equal(problem(again).code, 'invalid_state');

    assert.equal(
      json<{ credential: CredentialBody }>(await changeStatus(owner, credential.id, 'reinstate')).credential
        .status,
      'active',
    );
    const notSuspended = await changeStatus(owner, credential.id, 'reinstate');
    assert.equal(notSuspended.statusCode, 409);
    assert.equal(problem(notSuspended).code, 'invalid_state');

    const revoked = await changeStatus(owner, credential.id, 'revoke', 'Issued in error');
    assert.equal(json<{ credential: CredentialBody }>(revoked).credential.status, 'revoked');
    for (const action of ['reinstate', 'suspend', 'revoke']) {
      const refused = await changeStatus(owner, credential.id, action);
      assert.equal(refused.statusCode, 409, action);
      assert.equal(problem(refused).code, 'credential_revoked', action);
      assert.match(problem(refused).detail, /revocation is final/);
    }

    assert.deepEqual(await auditTypes(credential.id), [
      'credential.issued',
      'credential.suspended',
      'credential.reinstated',
      'credential.revoked',
    ]);
    const revokedEvent = await ctx.deps.database.db
      .selectFrom('audit_events')
      .select('data')
      .where('subject_id', '=', credential.id)
      .where('type', '=', 'credential.revoked')
      .executeTakeFirstOrThrow();
    assert.deepEqual(revokedEvent.data, { reason: 'Issued in error', via: 'api' });

    const mails = await mailsBefore();
    assert.deepEqual(
      mails.map((message) => message.subject.replace(/"[^"]+"/, '"…"')),
      [
        mails[0]!.subject,
        'Your credential "…" was suspended',
        'Your credential "…" was reinstated',
        'Your credential "…" was revoked',
      ],
    );
    assert.match(mails[3]!.text, /Reason given: Issued in error/);
    assert.ok(mails[3]!.text.includes(credential.url));
  });

  test('a reason is required', async () => {
    const credential = await issueAs(owner, slug);
    for (const payload of [{}, { reason: '' }, { reason: '   ' }, { reason: 'x'.repeat(501) }]) {
      const response = await owner.request({
        method: 'POST',
        url: `/api/v1/orgs/${slug}/credentials/${credential.id}/revoke`,
        payload,
      });
      assert.equal(response.statusCode, 422, JSON.stringify(payload));
    }
    const unchanged = await owner.request({
      method: 'GET',
      url: `/api/v1/orgs/${slug}/credentials/${credential.id}`,
    });
    assert.equal(json<{ credential: CredentialBody }>(unchanged).credential.status, 'active');
  });

  test('a revoked and a suspended credential in the same lists keep each other’s bits', async () => {
    const revoked = await issueAs(owner, slug);
    const suspended = await issueAs(owner, slug);
    const fine = await issueAs(owner, slug);
    assert.equal((await changeStatus(owner, revoked.id, 'revoke')).statusCode, 200);
    assert.equal((await changeStatus(owner, suspended.id, 'suspend')).statusCode, 200);
    assert.deepEqual(await independentStatusBits(ctx, revoked.verifiableCredential), {
      revocation: true,
      suspension: false,
    });
    assert.deepEqual(await independentStatusBits(ctx, suspended.verifiableCredential), {
      revocation: false,
      suspension: true,
    });
    assert.deepEqual(await independentStatusBits(ctx, fine.verifiableCredential), {
      revocation: false,
      suspension: false,
    });
  });
});

describe('the published status list', () => {
  test('public, cacheable, ETag and 304; a change gives a new ETag; unknown lists are 404', async () => {
    const credential = await issueAs(owner, slug);
    const url = pathOf(ctx, credential.statusEntries[0]!.statusListCredential);
    const first = await ctx.app.inject({ method: 'GET', url });
    assert.equal(first.statusCode, 200);
    assert.match(String(first.headers['content-type']), /^application\/vc/);
    assert.equal(first.headers['cache-control'], 'public, max-age=60, must-revalidate');
    assert.equal(first.headers['access-control-allow-origin'], '*');
    const etag = String(first.headers.etag);
    assert.match(etag, /^"[A-Za-z0-9_-]+"$/);
    const list = JSON.parse(first.body) as LooseJson;
    assert.equal(list.id, credential.statusEntries[0]!.statusListCredential);
    assert.deepEqual(list.type, ['VerifiableCredential', 'BitstringStatusListCredential']);
    assert.equal(list.issuer, `did:web:credstack.test:orgs:${slug}`);
    assert.equal(list.credentialSubject.statusPurpose, 'revocation');
    assert.equal(list.proof.cryptosuite, 'eddsa-rdfc-2022');
    assert.equal((await verifyDataIntegrityIndependently(ctx, list)).verified, true);

    const cached = await ctx.app.inject({ method: 'GET', url, headers: { 'if-none-match': etag } });
    assert.equal(cached.statusCode, 304);
    assert.equal(cached.body, '');
    assert.equal(cached.headers.etag, etag);
    const weak = await ctx.app.inject({
      method: 'GET',
      url,
      headers: { 'if-none-match': `"other", W/${etag}` },
    });
    assert.equal(weak.statusCode, 304);
    const head = await ctx.app.inject({ method: 'HEAD', url });
    assert.equal(head.statusCode, 200);

    // A session or a token is not needed, and a bad one does not matter.
    const withBadToken = await ctx.app.inject({
      method: 'GET',
      url,
      headers: { authorization: 'Bearer nonsense' },
    });
    assert.equal(withBadToken.statusCode, 200);

    assert.equal((await changeStatus(owner, credential.id, 'revoke')).statusCode, 200);
    const changed = await ctx.app.inject({ method: 'GET', url, headers: { 'if-none-match': etag } });
    assert.equal(changed.statusCode, 200);
    assert.notEqual(changed.headers.etag, etag);
    assert.notEqual(
      JSON.parse(changed.body).credentialSubject.encodedList,
      list.credentialSubject.encodedList,
    );

    for (const missing of [
      '/status-lists/00000000-0000-4000-8000-000000000000',
      '/status-lists/not-a-uuid',
    ]) {
      const response = await ctx.app.inject({ method: 'GET', url: missing });
      assert.equal(response.statusCode, 404, missing);
      assert.equal(problem(response).code, 'not_found');
    }
  });

  test('loadLocalStatusList serves our lists by URL and nothing else', async () => {
    const credential = await issueAs(owner, slug);
    const url = credential.statusEntries[1]!.statusListCredential;
    const loaded = await ctx.deps.services.credentials.loadLocalStatusList(url);
    assert.ok(loaded);
    assert.equal(loaded.id, url);
    assert.equal((loaded.credentialSubject as Record<string, unknown>).statusPurpose, 'suspension');
    for (const other of [
      'https://elsewhere.example/status-lists/00000000-0000-4000-8000-000000000000',
      'http://credstack.test/status-lists/00000000-0000-4000-8000-000000000000',
      'http://credstack.test/status-lists/nope',
      `${url}/../x`,
    ]) {
      assert.equal(await ctx.deps.services.credentials.loadLocalStatusList(other), null, other);
    }
  });
});

describe('listing and reading', () => {
  test('cursor pages, newest first, filtered by status and recipient e-mail', async () => {
    const { owner: listOwner, slug: listSlug } = await createOrganisation(ctx);
    const issued: CredentialBody[] = [];
    for (let i = 0; i < 5; i++) {
      issued.push(
        await issueAs(listOwner, listSlug, {
          recipient: { email: i < 2 ? 'Same.Person@Example.org' : `p${i}@example.org` },
        }),
      );
      ctx.clock.advance(1000);
    }
    await listOwner.request({
      method: 'POST',
      url: `/api/v1/orgs/${listSlug}/credentials/${issued[1]!.id}/revoke`,
      payload: { reason: 'Duplicate' },
    });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const page = await listOwner.request({
        method: 'GET',
        url: `/api/v1/orgs/${listSlug}/credentials${query}`,
      });
      assert.equal(page.statusCode, 200, page.body);
      const body = json<{ credentials: CredentialBody[]; nextCursor: string | null }>(page);
      assert.ok(body.credentials.length <= 2);
      for (const credential of body.credentials) {
        assert.equal('verifiableCredential' in credential, false, 'lists carry no signed documents');
        seen.push(credential.id);
      }
      cursor = body.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, issued.map((credential) => credential.id).reverse());

    const revoked = await listOwner.request({
      method: 'GET',
      url: `/api/v1/orgs/${listSlug}/credentials?status=revoked`,
    });
    assert.deepEqual(
      json<{ credentials: CredentialBody[] }>(revoked).credentials.map((c) => c.id),
      [issued[1]!.id],
    );
    const byEmail = await listOwner.request({
      method: 'GET',
      url: `/api/v1/orgs/${listSlug}/credentials?recipientEmail=${encodeURIComponent(' same.person@EXAMPLE.org ')}`,
    });
    assert.deepEqual(
      json<{ credentials: CredentialBody[] }>(byEmail).credentials.map((c) => c.id),
      [issued[1]!.id, issued[0]!.id],
    );
    const both = await listOwner.request({
      method: 'GET',
      url: `/api/v1/orgs/${listSlug}/credentials?status=active&recipientEmail=same.person@example.org`,
    });
    assert.deepEqual(
      json<{ credentials: CredentialBody[] }>(both).credentials.map((c) => c.id),
      [issued[0]!.id],
    );

    for (const bad of [
      'cursor=nonsense',
      'cursor=%2F%2F',
      'status=deleted',
      'limit=0',
      'limit=201',
      'colour=red',
    ]) {
      const response = await listOwner.request({
        method: 'GET',
        url: `/api/v1/orgs/${listSlug}/credentials?${bad}`,
      });
      assert.equal(response.statusCode, 400, bad);
      assert.equal(problem(response).code, 'invalid_request', bad);
    }
  });

  test('filtered by definition: one version, or every version of a series; with pages and status', async () => {
    const { owner: listOwner, slug: listSlug, id: listOrganisationId } = await createOrganisation(ctx);
    const other = await createOrganisation(ctx);
    const system = systemActor('test');
    const award = async (definitionId: string) => {
      const issued = await ctx.deps.services.credentials.issueForDefinition({
        actor: system,
        definitionId,
        recipient: { email: `holder.${definitionId.slice(0, 8)}.${ctx.clock.now().getTime()}@example.org` },
        via: 'external-result',
      });
      ctx.clock.advance(1000);
      return issued.record.id;
    };
    // Version 1 of a definition awarded three times, then version 2 (same series) twice; beside them, another
    // definition of the same organisation, a credential with an inline achievement, and another organisation's.
    const first = await insertDefinition(ctx, { organisationId: listOrganisationId });
    const v1 = [await award(first.id), await award(first.id), await award(first.id)];
    await ctx.deps.database.db
      .updateTable('credential_definitions')
      .set({ status: 'retired', retired_at: ctx.clock.now() })
      .where('id', '=', first.id)
      .execute();
    const second = await insertDefinition(ctx, {
      organisationId: listOrganisationId,
      seriesId: first.seriesId,
      version: 2,
    });
    const v2 = [await award(second.id), await award(second.id)];
    const unrelated = await insertDefinition(ctx, { organisationId: listOrganisationId });
    const unrelatedIds = [await award(unrelated.id)];
    await issueAs(listOwner, listSlug);
    const foreign = await insertDefinition(ctx, { organisationId: other.id });
    const foreignIds = [await award(foreign.id)];

    const list = async (session: Session, orgSlug: string, query: string) => {
      const response = await session.request({
        method: 'GET',
        url: `/api/v1/orgs/${orgSlug}/credentials?${query}`,
      });
      assert.equal(response.statusCode, 200, `${query}: ${response.body}`);
      return json<{ credentials: CredentialBody[]; nextCursor: string | null }>(response);
    };
    const ids = async (query: string) =>
      (await list(listOwner, listSlug, query)).credentials.map((c) => c.id);
    /** Every page of `query`, `limit` at a time, and how many pages it took. */
    const allPages = async (query: string, limit: number) => {
      const seen: string[] = [];
      let pages = 0;
      let cursor: string | null = null;
      do {
        const page = await list(
          listOwner,
          listSlug,
          `${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        assert.ok(page.credentials.length <= limit);
        seen.push(...page.credentials.map((c) => c.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      return { seen, pages };
    };
    const newestFirst = (values: string[]) => [...values].reverse();

    assert.deepEqual(await ids(`definitionSeriesId=${first.seriesId}`), newestFirst([...v1, ...v2]));
    assert.deepEqual(await ids(`definitionId=${first.id}`), newestFirst(v1));
    assert.deepEqual(await ids(`definitionId=${second.id}`), newestFirst(v2));
    assert.deepEqual(await ids(`definitionSeriesId=${unrelated.seriesId}`), unrelatedIds);
    // Both: a credential must match both.
    assert.deepEqual(
      await ids(`definitionSeriesId=${first.seriesId}&definitionId=${second.id}`),
      newestFirst(v2),
    );
    assert.deepEqual(await ids(`definitionSeriesId=${first.seriesId}&definitionId=${unrelated.id}`), []);
    for (const credential of (await list(listOwner, listSlug, `definitionId=${first.id}`)).credentials) {
      assert.equal((credential as CredentialBody & { definitionId: string | null }).definitionId, first.id);
    }

    // Pages follow the filter: the next page holds the next matching credentials, the last says so.
    assert.deepEqual(await allPages(`definitionSeriesId=${first.seriesId}`, 2), {
      seen: newestFirst([...v1, ...v2]),
      pages: 3,
    });
    assert.deepEqual(await allPages(`definitionId=${first.id}`, 2), { seen: newestFirst(v1), pages: 2 });
    const exact = await list(listOwner, listSlug, `definitionId=${second.id}&limit=2`);
    assert.equal(exact.credentials.length, 2);
    assert.equal(exact.nextCursor, null, 'no empty last page');

    // With the other filters.
    await listOwner.request({
      method: 'POST',
      url: `/api/v1/orgs/${listSlug}/credentials/${v1[1]}/revoke`,
      payload: { reason: 'Recorded twice' },
    });
    assert.deepEqual(await ids(`definitionSeriesId=${first.seriesId}&status=revoked`), [v1[1]]);
    assert.deepEqual(
      await ids(`definitionSeriesId=${first.seriesId}&status=active`),
      newestFirst([v1[0]!, v1[2]!, ...v2]),
    );

    // Another organisation's definition, or one that does not exist, matches nothing here (and says no more).
    for (const query of [
      `definitionId=${foreign.id}`,
      `definitionSeriesId=${foreign.seriesId}`,
      `definitionId=${randomUUID()}`,
      `definitionSeriesId=${randomUUID()}`,
    ]) {
      assert.deepEqual(await list(listOwner, listSlug, query), { credentials: [], nextCursor: null }, query);
    }
    assert.deepEqual(
      (await list(other.owner, other.slug, `definitionSeriesId=${foreign.seriesId}`)).credentials.map(
        (c) => c.id,
      ),
      foreignIds,
    );
    // …nor does this organisation's definition there.
    assert.deepEqual(
      (await list(other.owner, other.slug, `definitionSeriesId=${first.seriesId}`)).credentials,
      [],
    );

    for (const bad of [
      'definitionId=not-a-uuid',
      'definitionId=',
      `definitionId=${first.id}x`,
      'definitionSeriesId=12345',
      `definitionSeriesId=${first.seriesId}&definitionId=nope`,
    ]) {
      const response = await listOwner.request({
        method: 'GET',
        url: `/api/v1/orgs/${listSlug}/credentials?${bad}`,
      });
      assert.equal(response.statusCode, 400, bad);
      assert.match(String(response.headers['content-type']), /^application\/problem\+json/, bad);
      assert.equal(problem(response).code, 'invalid_request', bad);
    }
  });

  test('one credential: fields whitelisted, the signed document as issued', async () => {
    const credential = await issueAs(owner, slug, { format: 'vc+jwt' });
    const response = await owner.request({
      method: 'GET',
      url: `/api/v1/orgs/${slug}/credentials/${credential.id}`,
    });
    assert.equal(response.statusCode, 200);
    const body = json<{ credential: CredentialBody }>(response).credential;
    assert.deepEqual(body, credential);
    assert.deepEqual(Object.keys(body).sort(), [
      'achievementName',
      'credentialId',
      'cryptosuite',
      'definitionId',
      'format',
      'holderNamePublic',
      'id',
      'issuedAt',
      'issuedBy',
      'issuedVia',
      'issuer',
      'name',
      'recipient',
      'status',
      'statusChangedAt',
      'statusEntries',
      'statusReason',
      'types',
      'url',
      'validFrom',
      'validUntil',
      'verifiableCredential',
    ]);
    for (const hidden of ['key_id', 'keyId', 'document', 'organisation_id']) {
      assert.equal(response.body.includes(hidden), false, hidden);
    }
    const missing = await owner.request({
      method: 'GET',
      url: `/api/v1/orgs/${slug}/credentials/00000000-0000-4000-8000-000000000000`,
    });
    assert.equal(missing.statusCode, 404);
  });
});

describe('who may do what', () => {
  test('roles: viewers and assessors read, issuers issue and change status', async () => {
    const credential = await issueAs(owner, slug);
    for (const role of ['viewer', 'assessor'] as const) {
      const member = await memberWithRole(ctx, slug, role);
      assert.equal(
        (await member.request({ method: 'GET', url: `/api/v1/orgs/${slug}/credentials` })).statusCode,
        200,
      );
      assert.equal(
        (await member.request({ method: 'GET', url: `/api/v1/orgs/${slug}/credentials/${credential.id}` }))
          .statusCode,
        200,
      );
      const issue = await member.request({
        method: 'POST',
        url: `/api/v1/orgs/${slug}/credentials`,
        payload: issueBody(),
      });
      assert.equal(issue.statusCode, 403, role);
      assert.equal(problem(issue).code, 'forbidden');
      const revoke = await changeStatus(member, credential.id, 'revoke');
      assert.equal(revoke.statusCode, 403, role);
    }
    const issuer = await memberWithRole(ctx, slug, 'issuer');
    const issued = await issueAs(issuer, slug);
    assert.deepEqual(issued.issuedBy, { type: 'user', id: issuer.userId });
    assert.equal((await changeStatus(issuer, issued.id, 'suspend')).statusCode, 200);
  });

  test('API tokens need the matching scope; anonymous callers are 401', async () => {
    const credential = await issueAs(owner, slug);
    const readOnly = withToken(ctx, await apiToken(ctx, slug, ['credentials:read']));
    const issueOnly = withToken(ctx, await apiToken(ctx, slug, ['credentials:issue']));
    const statusOnly = withToken(ctx, await apiToken(ctx, slug, ['credentials:status']));

    const refused = await readOnly({
      method: 'POST',
      url: `/api/v1/orgs/${slug}/credentials`,
      payload: issueBody(),
    });
    assert.equal(refused.statusCode, 403);
    assert.equal(problem(refused).code, 'insufficient_scope');
    const issued = await issueOnly({
      method: 'POST',
      url: `/api/v1/orgs/${slug}/credentials`,
      payload: issueBody(),
    });
    assert.equal(issued.statusCode, 201, issued.body);
    const issuedBody = json<{ credential: CredentialBody }>(issued).credential;
    assert.equal(issuedBody.issuedBy.type, 'token');
    assert.equal(
      (await issueOnly({ method: 'GET', url: `/api/v1/orgs/${slug}/credentials` })).statusCode,
      403,
    );
    assert.equal(
      (await readOnly({ method: 'GET', url: `/api/v1/orgs/${slug}/credentials/${credential.id}` }))
        .statusCode,
      200,
    );
    const revokeRefused = await readOnly({
      method: 'POST',
      url: `/api/v1/orgs/${slug}/credentials/${credential.id}/revoke`,
      payload: { reason: 'x' },
    });
    assert.equal(problem(revokeRefused).code, 'insufficient_scope');
    const revoked = await statusOnly({
      method: 'POST',
      url: `/api/v1/orgs/${slug}/credentials/${credential.id}/revoke`,
      payload: { reason: 'Revoked by the registry sync' },
    });
    assert.equal(revoked.statusCode, 200, revoked.body);

    for (const [method, url] of [
      ['GET', `/api/v1/orgs/${slug}/credentials`],
      ['GET', `/api/v1/orgs/${slug}/credentials/${credential.id}`],
      ['POST', `/api/v1/orgs/${slug}/credentials`],
      ['POST', `/api/v1/orgs/${slug}/credentials/${credential.id}/suspend`],
    ] as const) {
      const payload = url.endsWith('/suspend') ? { reason: 'x' } : issueBody();
      const response = await ctx.app.inject({ method, url, ...(method === 'POST' ? { payload } : {}) });
      assert.equal(response.statusCode, 401, `${method} ${url}`);
    }
  });
});

describe('the public view of a credential', () => {
  test('no e-mail address; the holder’s name only once they make it public; current status', async () => {
    const credential = await issueAs(owner, slug, { validUntil: '2030-01-01T00:00:00Z' });
    const { credentials } = ctx.deps.services;
    const view = await credentials.getPublicCredential({ id: credential.id });
    assert.ok(view);
    assert.equal(view.url, credential.url);
    assert.equal(view.status, 'active');
    assert.equal(view.holderName, null);
    assert.equal(view.achievementName, 'Data Analysis with SQL');
    assert.equal(view.organisation.slug, slug);
    assert.equal(view.format, 'data-integrity');
    assert.deepEqual(view.credential, credential.verifiableCredential);
    assert.equal(view.validUntil?.toISOString(), '2030-01-01T00:00:00.000Z');
    assert.equal(view.expired, false);
    assert.equal(JSON.stringify(view).includes(credential.recipient.email!), false);

    await ctx.deps.database.db
      .updateTable('credentials')
      .set({ holder_name_public: true })
      .where('id', '=', credential.id)
      .execute();
    await credentials.revokeCredential({
      actor: systemActor('test'),
      slug,
      id: credential.id,
      reason: 'Withdrawn',
    });
    const later = await credentials.getPublicCredential({ id: credential.id });
    assert.equal(later?.holderName, 'Lea Learner');
    assert.equal(later?.status, 'revoked');
    assert.ok(later?.statusChangedAt instanceof Date);

    assert.equal(await credentials.getPublicCredential({ id: '00000000-0000-4000-8000-000000000000' }), null);
    assert.equal(await credentials.getPublicCredential({ id: 'not-a-uuid' }), null);
  });
});
