import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createDocumentLoader } from './contexts.ts';
import {
  buildDidDocument,
  composeDidResolvers,
  didKeyDocument,
  didKeyFor,
  didKeyVerificationMethodId,
  didWebFor,
  didWebToUrl,
  resolveDidKey,
} from './did.ts';
import { VcError } from './errors.ts';
import { Ed25519KeyPair } from './keys.ts';

const isCode = (code: string) => (error: unknown) => error instanceof VcError && error.code === code;
const W3C_KEY = 'z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2';

describe('did:key', () => {
  test('DID, verification method id and document, offline', async () => {
    assert.equal(didKeyFor(W3C_KEY), `did:key:${W3C_KEY}`);
    assert.equal(didKeyVerificationMethodId(W3C_KEY), `did:key:${W3C_KEY}#${W3C_KEY}`);
    const document = await didKeyDocument(W3C_KEY);
    assert.equal(document.id, `did:key:${W3C_KEY}`);
    assert.deepEqual(document.assertionMethod, [`did:key:${W3C_KEY}#${W3C_KEY}`]);
    assert.deepEqual(document.authentication, [`did:key:${W3C_KEY}#${W3C_KEY}`]);
    const [method] = document.verificationMethod as Array<Record<string, unknown>>;
    assert.deepEqual(method, {
      id: `did:key:${W3C_KEY}#${W3C_KEY}`,
      type: 'Multikey',
      controller: `did:key:${W3C_KEY}`,
      publicKeyMultibase: W3C_KEY,
    });
  });

  test('malformed or non-Ed25519 did:keys resolve to null', async () => {
    assert.equal(await resolveDidKey('did:key:zDnaegE6RR3atJtHKwTRTWHsJ3kNHqFwv7n9YjTgmU7TyfU76'), null);
    assert.equal(await resolveDidKey('did:key:z6MkNOTBASE58l0'), null);
    assert.equal(await resolveDidKey('did:web:example.com'), null);
    assert.throws(() => didKeyFor('zabc'), isCode('invalid_key'));
  });

  test('the document loader dereferences a did:key URL to its Multikey', async () => {
    const loader = createDocumentLoader();
    const { document } = await loader(`did:key:${W3C_KEY}#${W3C_KEY}`);
    assert.deepEqual(document, {
      '@context': 'https://w3id.org/security/multikey/v1',
      id: `did:key:${W3C_KEY}#${W3C_KEY}`,
      type: 'Multikey',
      controller: `did:key:${W3C_KEY}`,
      publicKeyMultibase: W3C_KEY,
    });
    await assert.rejects(loader(`did:key:${W3C_KEY}#other`), isCode('unknown_did'));
    await assert.rejects(loader('did:key:z6MkBroken'), isCode('unknown_did'));
  });
});

describe('did:web', () => {
  test('didWebFor percent-encodes the port colon and keeps a path prefix', () => {
    assert.equal(
      didWebFor(new URL('https://credstack.example'), 'acme'),
      'did:web:credstack.example:orgs:acme',
    );
    assert.equal(didWebFor(new URL('http://localhost:3000/'), 'acme'), 'did:web:localhost%3A3000:orgs:acme');
    assert.equal(
      didWebFor(new URL('https://example.org:8443/badges/'), 'uni-1'),
      'did:web:example.org%3A8443:badges:orgs:uni-1',
    );
    // The default port is not part of URL.port, so it does not appear.
    assert.equal(didWebFor(new URL('https://example.org:443'), 'a'), 'did:web:example.org:orgs:a');
    assert.throws(() => didWebFor(new URL('https://example.org'), 'Not A Slug'), isCode('invalid_did'));
    assert.throws(() => didWebFor(new URL('https://example.org'), 'a:b'), isCode('invalid_did'));
  });

  test('didWebToUrl follows the did:web spec, and inverts didWebFor', () => {
    assert.equal(
      didWebToUrl('did:web:w3c-ccg.github.io').href,
      'https://w3c-ccg.github.io/.well-known/did.json',
    );
    assert.equal(
      didWebToUrl('did:web:w3c-ccg.github.io:user:alice').href,
      'https://w3c-ccg.github.io/user/alice/did.json',
    );
    assert.equal(
      didWebToUrl('did:web:example.com%3A3000:user:alice').href,
      'https://example.com:3000/user/alice/did.json',
    );
    const did = didWebFor(new URL('http://localhost:3000'), 'acme');
    assert.equal(didWebToUrl(did, { protocol: 'http:' }).href, 'http://localhost:3000/orgs/acme/did.json');
    for (const bad of [
      'did:key:z6Mk',
      'did:web:',
      'did:web:example.com#key-1',
      'did:web:evil.com%2Fpath',
      'did:web:a::b',
    ]) {
      assert.throws(() => didWebToUrl(bad), isCode('invalid_did'), bad);
    }
  });

  test('the organisation DID document lists every key; a rotation keeps the old key', () => {
    const did = didWebFor(new URL('https://credstack.example'), 'acme');
    const first = Ed25519KeyPair.generate();
    const second = Ed25519KeyPair.generate();
    const compromised = Ed25519KeyPair.generate();
    const document = buildDidDocument({
      did,
      keys: [
        { id: 'key-1', publicKeyMultibase: first.publicKeyMultibase },
        { id: `${did}#key-2`, publicKeyMultibase: second.publicKeyMultibase },
        { id: 'key-3', publicKeyMultibase: compromised.publicKeyMultibase, revoked: '2026-01-01T00:00:00Z' },
      ],
    });
    assert.deepEqual(document, {
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
      id: did,
      verificationMethod: [
        {
          id: `${did}#key-1`,
          type: 'Multikey',
          controller: did,
          publicKeyMultibase: first.publicKeyMultibase,
        },
        {
          id: `${did}#key-2`,
          type: 'Multikey',
          controller: did,
          publicKeyMultibase: second.publicKeyMultibase,
        },
        {
          id: `${did}#key-3`,
          type: 'Multikey',
          controller: did,
          publicKeyMultibase: compromised.publicKeyMultibase,
          revoked: '2026-01-01T00:00:00Z',
        },
      ],
      assertionMethod: [`${did}#key-1`, `${did}#key-2`],
      authentication: [`${did}#key-1`, `${did}#key-2`],
    });
    assert.throws(
      () =>
        buildDidDocument({
          did,
          keys: [
            { id: 'key-1', publicKeyMultibase: first.publicKeyMultibase },
            { id: 'key-1', publicKeyMultibase: second.publicKeyMultibase },
          ],
        }),
      isCode('invalid_input'),
    );
    assert.throws(
      () =>
        buildDidDocument({
          did,
          keys: [{ id: 'did:web:other.example#key-1', publicKeyMultibase: first.publicKeyMultibase }],
        }),
      isCode('invalid_input'),
    );
    const withController = buildDidDocument({ did, keys: [], controller: 'did:web:credstack.example' });
    assert.deepEqual(withController.controller, [did, 'did:web:credstack.example']);
  });

  test('did:web DIDs resolve only through the resolver passed in', async () => {
    const did = 'did:web:credstack.example:orgs:acme';
    const keyPair = Ed25519KeyPair.generate();
    const document = buildDidDocument({
      did,
      keys: [{ id: 'key-1', publicKeyMultibase: keyPair.publicKeyMultibase }],
    });
    await assert.rejects(createDocumentLoader()(`${did}#key-1`), isCode('unknown_did'));
    const resolver = composeDidResolvers(
      async () => null,
      async (asked) => (asked === did ? document : null),
    );
    const loader = createDocumentLoader({ didResolver: resolver });
    const { document: method } = await loader(`${did}#key-1`);
    assert.deepEqual(method, {
      '@context': 'https://w3id.org/security/multikey/v1',
      id: `${did}#key-1`,
      type: 'Multikey',
      controller: did,
      publicKeyMultibase: keyPair.publicKeyMultibase,
    });
    assert.deepEqual((await loader(did)).document, document);
    await assert.rejects(loader('did:web:credstack.example:orgs:other'), isCode('unknown_did'));
  });
});
