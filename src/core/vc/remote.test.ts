import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type LocalTlsServer, startLocalTlsServer } from '../../../test/fixtures/vc/local-tls.ts';
import {
  createGuardedFetch,
  type GuardedFetch,
  type GuardedResponse,
  RemoteFetchError,
} from '../net/guarded-fetch.ts';
import { createDocumentLoader } from './contexts.ts';
import { buildDidDocument, composeDidResolvers, didWebFor, resolveDidKey } from './did.ts';
import { Ed25519KeyPair } from './keys.ts';
import { buildOpenBadgeCredential } from './open-badges.ts';
import { signCredential } from './proofs.ts';
import { createRemoteDidWebResolver, createRemoteStatusListLoader } from './remote.ts';
import { createLocalSigner } from './signer.ts';
import { Bitstring, buildStatusEntry, buildStatusListCredential } from './status-list.ts';
import { createVerifier } from './verify.ts';

/** A fetcher stand-in: answers from a table by URL and records what was asked. */
function fakeFetch(table: Record<string, Partial<GuardedResponse> & { json?: unknown; text?: string }>) {
  const calls: Array<{ url: string; accept: string }> = [];
  const fetch: GuardedFetch = async (url, accept) => {
    calls.push({ url, accept });
    const entry = table[url];
    if (!entry) return { status: 404, contentType: 'text/plain', body: Buffer.from('not found') };
    const body =
      entry.body ??
      Buffer.from(entry.text ?? (entry.json !== undefined ? JSON.stringify(entry.json) : ''), 'utf8');
    return { status: entry.status ?? 200, contentType: entry.contentType ?? 'application/json', body };
  };
  return { fetch, calls };
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof RemoteFetchError, String(error));
    assert.equal(error.code, code, error.message);
    return true;
  });
}

const DID = 'did:web:issuer.example';
const DOCUMENT = { '@context': ['https://www.w3.org/ns/did/v1'], id: DID, verificationMethod: [] };

describe('createRemoteDidWebResolver', () => {
  test('maps did:web to its https URL (bare domain, path, port) and returns the document', async () => {
    const withPath = 'did:web:issuer.example:orgs:acme';
    const withPort = 'did:web:issuer.example%3A8443';
    const { fetch, calls } = fakeFetch({
      'https://issuer.example/.well-known/did.json': { json: DOCUMENT, contentType: 'application/did+json' },
      'https://issuer.example/orgs/acme/did.json': { json: { ...DOCUMENT, id: withPath } },
      'https://issuer.example:8443/.well-known/did.json': { json: { ...DOCUMENT, id: withPort } },
    });
    const resolve = createRemoteDidWebResolver(fetch);
    assert.deepEqual(await resolve(DID), DOCUMENT);
    assert.equal((await resolve(withPath))?.id, withPath);
    assert.equal((await resolve(withPort))?.id, withPort);
    assert.deepEqual(
      calls.map((call) => call.url),
      [
        'https://issuer.example/.well-known/did.json',
        'https://issuer.example/orgs/acme/did.json',
        'https://issuer.example:8443/.well-known/did.json',
      ],
    );
    assert.match(calls[0]?.accept ?? '', /application\/did\+json/);
  });

  test('other DID methods and malformed did:web answer null without fetching', async () => {
    const { fetch, calls } = fakeFetch({});
    const resolve = createRemoteDidWebResolver(fetch);
    assert.equal(await resolve('did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2'), null);
    assert.equal(await resolve('did:web:'), null);
    assert.equal(await resolve('did:web:issuer.example:..:etc'), null);
    assert.equal(await resolve('https://issuer.example'), null);
    assert.deepEqual(calls, []);
  });

  test('404 and 410 mean the DID does not exist (null)', async () => {
    const { fetch } = fakeFetch({
      'https://gone.example/.well-known/did.json': { status: 410, contentType: 'text/plain', text: 'gone' },
    });
    const resolve = createRemoteDidWebResolver(fetch);
    assert.equal(await resolve('did:web:missing.example'), null);
    assert.equal(await resolve('did:web:gone.example'), null);
  });

  test('a document for another DID is refused', async () => {
    const { fetch } = fakeFetch({
      'https://issuer.example/.well-known/did.json': {
        json: { ...DOCUMENT, id: 'did:web:attacker.example' },
      },
    });
    await expectCode(createRemoteDidWebResolver(fetch)(DID), 'invalid_document');
  });

  test('other statuses (redirects included), non-JSON types and bodies are errors, not "missing"', async () => {
    const cases: Array<[Partial<GuardedResponse> & { text?: string }, string]> = [
      [{ status: 500, text: 'oops' }, 'unexpected_status'],
      [{ status: 302, text: '' }, 'unexpected_status'],
      [{ contentType: 'text/html', text: '<html></html>' }, 'unexpected_content_type'],
      [{ text: '{not json' }, 'invalid_document'],
      [{ text: '[1,2]' }, 'invalid_document'],
    ];
    for (const [response, code] of cases) {
      const { fetch } = fakeFetch({ 'https://issuer.example/.well-known/did.json': response });
      await expectCode(createRemoteDidWebResolver(fetch)(DID), code);
    }
  });

  test('errors of the fetcher itself pass through', async () => {
    const failing: GuardedFetch = async (url) => {
      throw new RemoteFetchError('address_not_allowed', url, 'private');
    };
    await expectCode(createRemoteDidWebResolver(failing)(DID), 'address_not_allowed');
  });
});

describe('createRemoteStatusListLoader', () => {
  const URL_ = 'https://status.example/lists/1';

  test('returns JSON credentials as objects and vc+jwt as the compact string', async () => {
    const { fetch, calls } = fakeFetch({
      [URL_]: { json: { id: URL_, type: ['VerifiableCredential'] }, contentType: 'application/vc+ld+json' },
      'https://status.example/lists/2': { text: 'eyJh.eyJi.c2ln\n', contentType: 'application/vc+jwt' },
    });
    const load = createRemoteStatusListLoader(fetch);
    assert.deepEqual(await load(URL_), { id: URL_, type: ['VerifiableCredential'] });
    assert.equal(await load('https://status.example/lists/2'), 'eyJh.eyJi.c2ln');
    assert.match(calls[0]?.accept ?? '', /application\/vc/);
  });

  test('anything but a 200 with a credential is an error', async () => {
    const { fetch } = fakeFetch({
      'https://status.example/html': { contentType: 'text/html', text: '<html>' },
      'https://status.example/jwt-garbage': { contentType: 'application/vc+jwt', text: 'not a jwt' },
      'https://status.example/moved': { status: 301, text: '' },
    });
    const load = createRemoteStatusListLoader(fetch);
    await expectCode(load('https://status.example/missing'), 'unexpected_status');
    await expectCode(load('https://status.example/moved'), 'unexpected_status');
    await expectCode(load('https://status.example/html'), 'unexpected_content_type');
    await expectCode(load('https://status.example/jwt-garbage'), 'invalid_document');
  });
});

describe('remote did:web and status list, end to end through the guarded fetcher', () => {
  const NAME = 'issuer.example';
  let server: LocalTlsServer;
  const published = new Map<string, unknown>();
  before(async () => {
    server = await startLocalTlsServer([NAME], (request, response) => {
      const document = published.get(request.url ?? '');
      if (document === undefined) {
        response.writeHead(404);
        response.end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(document));
    });
  });
  after(() => server.close());

  test('a credential from a remote did:web issuer, with a remote status list, verifies', async () => {
    const origin = `https://${NAME}:${server.port}`;
    const did = didWebFor(new URL(origin), 'acme');
    const keyPair = Ed25519KeyPair.generate();
    published.set(
      '/orgs/acme/did.json',
      buildDidDocument({ did, keys: [{ id: 'key-1', publicKeyMultibase: keyPair.publicKeyMultibase }] }),
    );
    const signer = createLocalSigner({ keyPair, id: `${did}#key-1` });
    const signingLoader = createDocumentLoader({
      didResolver: async () => published.get('/orgs/acme/did.json') as Record<string, unknown>,
    });
    const listUrl = `${origin}/status/1`;
    const bits = new Bitstring();
    bits.set(5);
    published.set(
      '/status/1',
      await signCredential({
        credential: buildStatusListCredential({
          id: listUrl,
          issuer: did,
          statusPurpose: 'revocation',
          encodedList: bits.encode(),
        }),
        signer,
        cryptosuite: 'eddsa-rdfc-2022',
        documentLoader: signingLoader,
      }),
    );
    const issue = (index: number) =>
      signCredential({
        credential: buildOpenBadgeCredential({
          id: `urn:uuid:00000000-0000-4000-8000-00000000000${index}`,
          name: 'Remote',
          issuer: { id: did, name: 'Remote Academy' },
          validFrom: '2024-01-01T00:00:00Z',
          recipient: { id: 'did:example:learner' },
          achievement: {
            id: 'https://issuer.example/achievements/remote',
            name: 'Remote',
            description: 'Verified over (loopback) HTTPS.',
            criteria: { narrative: 'Be fetched.' },
          },
          credentialStatus: buildStatusEntry({
            listCredentialUrl: listUrl,
            index,
            statusPurpose: 'revocation',
          }),
        }),
        signer,
        cryptosuite: 'eddsa-jcs-2022',
        documentLoader: signingLoader,
      });

    const fetch = createGuardedFetch({
      timeoutMs: 3000,
      maxBytes: 100_000,
      ca: server.cert,
      lookup: async (hostname) => (hostname === NAME ? [{ address: '127.0.0.1', family: 4 }] : []),
      isAddressAllowed: (address) => address === '127.0.0.1',
    });
    const verifier = createVerifier({
      didResolver: composeDidResolvers(resolveDidKey, createRemoteDidWebResolver(fetch)),
      loadStatusList: createRemoteStatusListLoader(fetch),
      now: () => new Date('2026-01-01T00:00:00Z'),
    });
    const good = await verifier.verifyCredential({ credential: await issue(4) });
    assert.equal(good.verdict, 'valid', JSON.stringify(good.steps, null, 2));
    assert.deepEqual(good.statuses, [
      { purpose: 'revocation', state: 'active', statusListCredential: listUrl, statusListIndex: 4 },
    ]);
    const revoked = await verifier.verifyCredential({ credential: await issue(5) });
    assert.equal(revoked.verdict, 'invalid');
    assert.equal(revoked.statuses[0]?.state, 'revoked');
    assert.ok(server.requests.some((request) => request.path === '/orgs/acme/did.json'));

    // The same issuer without the test override: its host is loopback, so nothing can be checked.
    const guarded = createGuardedFetch({
      timeoutMs: 3000,
      maxBytes: 100_000,
      ca: server.cert,
      lookup: async () => [{ address: '127.0.0.1', family: 4 }],
    });
    const refusing = createVerifier({
      didResolver: composeDidResolvers(resolveDidKey, createRemoteDidWebResolver(guarded)),
      loadStatusList: createRemoteStatusListLoader(guarded),
      now: () => new Date('2026-01-01T00:00:00Z'),
    });
    const report = await refusing.verifyCredential({ credential: await issue(4) });
    assert.equal(report.verdict, 'unknown');
    const proof = report.steps.find((s) => s.id === 'proof');
    assert.equal(proof?.outcome, 'unknown');
    assert.equal(proof?.problems[0]?.code, 'did_resolution_failed');
    assert.match(proof?.problems[0]?.message ?? '', /not a public address/);
  });
});
