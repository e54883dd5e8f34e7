import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildTestApp, type TestContext } from '../helpers/app.ts';
import {
  apiToken,
  type CredentialBody,
  createOrganisation,
  issueAs,
  issueBody,
  problem,
  withToken,
} from '../helpers/credentials.ts';
import type { Session } from '../helpers/factories.ts';

/**
 * Another organisation's credentials do not exist for you: every credentials endpoint (REST and VC-API)
 * answers 404, exactly as for a credential or organisation that does not exist, and nothing changes.
 */

let ctx: TestContext;
let owner: Session;
let slug: string;
let credential: CredentialBody;
/** Owner of another organisation: a real, verified user who is simply not a member of `slug`. */
let outsider: Session;
let otherSlug: string;
let otherToken: string;

before(async () => {
  ctx = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: '100000' } });
  ({ owner, slug } = await createOrganisation(ctx, { prefix: 'iso' }));
  ({ owner: outsider, slug: otherSlug } = await createOrganisation(ctx, { prefix: 'other' }));
  credential = await issueAs(owner, slug);
  otherToken = await apiToken(ctx, otherSlug, [
    'credentials:issue',
    'credentials:read',
    'credentials:status',
  ]);
});
after(async () => {
  await ctx.close();
});

async function snapshot() {
  const db = ctx.deps.database.db;
  const [credentials, entries, lists, events, mails] = await Promise.all([
    db.selectFrom('credentials').select(['id', 'status', 'status_reason']).orderBy('id').execute(),
    db
      .selectFrom('status_list_entries')
      .select(['list_id', 'status_index', 'is_set'])
      .orderBy('list_id')
      .orderBy('status_index')
      .execute(),
    db.selectFrom('status_lists').select(['id', 'etag', 'version']).orderBy('id').execute(),
    db.selectFrom('audit_events').select('seq').execute(),
    db.selectFrom('mail_messages').select('id').execute(),
  ]);
  return { credentials, entries, lists, events: events.length, mails: mails.length };
}

function assertNotFound(response: LightMyRequestResponse, what: string) {
  assert.equal(response.statusCode, 404, `${what}: ${response.body}`);
  assert.equal(problem(response).code, 'not_found', what);
}

/** Every credentials endpoint, addressed at `orgSlug` and the credential `id` / `credentialId`. */
function endpoints(orgSlug: string, id: string, credentialId: string): Array<[string, InjectOptions]> {
  const reason = { reason: 'Trying my luck' };
  return [
    ['issue', { method: 'POST', url: `/api/v1/orgs/${orgSlug}/credentials`, payload: issueBody() }],
    ['list', { method: 'GET', url: `/api/v1/orgs/${orgSlug}/credentials` }],
    ['get', { method: 'GET', url: `/api/v1/orgs/${orgSlug}/credentials/${id}` }],
    ['revoke', { method: 'POST', url: `/api/v1/orgs/${orgSlug}/credentials/${id}/revoke`, payload: reason }],
    [
      'suspend',
      { method: 'POST', url: `/api/v1/orgs/${orgSlug}/credentials/${id}/suspend`, payload: reason },
    ],
    [
      'reinstate',
      { method: 'POST', url: `/api/v1/orgs/${orgSlug}/credentials/${id}/reinstate`, payload: reason },
    ],
    [
      'vc-api issue',
      {
        method: 'POST',
        url: `/orgs/${orgSlug}/vc-api/credentials/issue`,
        payload: {
          credential: {
            '@context': ['https://www.w3.org/ns/credentials/v2'],
            type: ['VerifiableCredential'],
            issuer: `did:web:credstack.test:orgs:${orgSlug}`,
            credentialSubject: { id: 'did:example:1' },
          },
        },
      },
    ],
    [
      'vc-api status',
      {
        method: 'POST',
        url: `/orgs/${orgSlug}/vc-api/credentials/status`,
        payload: {
          credentialId,
          credentialStatus: [{ type: 'BitstringStatusListEntry', status: 'revoked' }],
        },
      },
    ],
  ];
}

describe('another organisation’s credentials answer 404 on every endpoint', () => {
  test('a signed-in member of another organisation, addressing this organisation', async () => {
    const before = await snapshot();
    for (const [what, request] of endpoints(slug, credential.id, credential.credentialId)) {
      assertNotFound(await outsider.request(request), what);
    }
    assert.deepEqual(await snapshot(), before);
  });

  test('the same answers as for an organisation that does not exist', async () => {
    for (const [what, request] of endpoints(
      `nowhere-${process.pid}`,
      credential.id,
      credential.credentialId,
    )) {
      assertNotFound(await owner.request(request), `${what} (no such organisation)`);
    }
  });

  test('an API token of another organisation, even with every credentials scope', async () => {
    const before = await snapshot();
    const call = withToken(ctx, otherToken);
    for (const [what, request] of endpoints(slug, credential.id, credential.credentialId)) {
      assertNotFound(
        await call({
          method: request.method as 'GET' | 'POST',
          url: String(request.url),
          payload: request.payload,
        }),
        what,
      );
    }
    assert.deepEqual(await snapshot(), before);
  });

  test('this organisation’s credential, addressed through the caller’s own organisation', async () => {
    const before = await snapshot();
    const call = withToken(ctx, otherToken);
    // Credential endpoints (not issue/list, which do not name a credential) under the outsider's own slug.
    const named = endpoints(otherSlug, credential.id, credential.credentialId).filter(
      ([what]) => !['issue', 'list', 'vc-api issue'].includes(what),
    );
    assert.equal(named.length, 5);
    for (const [what, request] of named) {
      assertNotFound(await outsider.request(request), `${what} (session)`);
      assertNotFound(
        await call({
          method: request.method as 'GET' | 'POST',
          url: String(request.url),
          payload: request.payload,
        }),
        `${what} (token)`,
      );
    }
    // By our id as well as by the credential's own id, on the VC-API.
    const byUuid = await call({
      method: 'POST',
      url: `/orgs/${otherSlug}/vc-api/credentials/status`,
      payload: {
        credentialId: credential.id,
        credentialStatus: [{ type: 'BitstringStatusListEntry', status: 'suspended' }],
      },
    });
    assertNotFound(byUuid, 'vc-api status by uuid');
    const list = await outsider.request({ method: 'GET', url: `/api/v1/orgs/${otherSlug}/credentials` });
    assert.equal(list.statusCode, 200);
    assert.equal(list.body.includes(credential.id), false);
    assert.deepEqual(await snapshot(), before);
  });

  test('a credential of another organisation is not issued under the caller’s name either', async () => {
    // The VC-API refuses a credential naming this organisation's DID as issuer, sent to the outsider's own endpoint.
    const call = withToken(ctx, otherToken);
    const response = await call({
      method: 'POST',
      url: `/orgs/${otherSlug}/vc-api/credentials/issue`,
      payload: {
        credential: {
          '@context': ['https://www.w3.org/ns/credentials/v2'],
          type: ['VerifiableCredential'],
          issuer: `did:web:credstack.test:orgs:${slug}`,
          credentialSubject: { id: 'did:example:1' },
        },
      },
    });
    assert.equal(response.statusCode, 422);
    assert.equal(problem(response).code, 'invalid_credential');
  });
});
