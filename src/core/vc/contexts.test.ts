import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import jsonld from 'jsonld';
import { sharedPath } from '../../../test/helpers/shared.ts';
import { BUNDLED_CONTEXTS, CONTEXT_URLS, createDocumentLoader, JSONLD_SAFE_MODE } from './contexts.ts';
import { UnknownContextError, VcError } from './errors.ts';

const SPECS = sharedPath('specs/openbadges-3.0/');

describe('static document loader', () => {
  test('serves the bundled VC, Data Integrity, Multikey, Ed25519-2020, DID and OB 3.0 contexts', async () => {
    const loader = createDocumentLoader();
    for (const url of Object.values(CONTEXT_URLS)) {
      const result = await loader(url);
      assert.equal(result.documentUrl, url);
      assert.ok(result.document && typeof result.document === 'object', url);
    }
    // Aliases the OB package lists for older issuance stay available; the bare "OBv3_beta" key is not a URL.
    assert.ok(BUNDLED_CONTEXTS.has('https://imsglobal.github.io/openbadges-specification/ob_v3p0.html'));
    assert.ok(![...BUNDLED_CONTEXTS.keys()].some((url) => !url.startsWith('http')));
    // VC 2.0 carries the Bitstring Status List terms.
    const v2 = JSON.stringify(BUNDLED_CONTEXTS.get(CONTEXT_URLS.VC_V2));
    assert.ok(v2.includes('BitstringStatusListEntry'));
  });

  test('the bundled OB 3.0 contexts are the ones the 1EdTech spec publishes', (t) => {
    let checked = 0;
    for (const [file, url] of [
      ['context.json', CONTEXT_URLS.OB_V3P0],
      ['context-3.0.1.json', CONTEXT_URLS.OB_V3P0_1],
      ['context-3.0.2.json', CONTEXT_URLS.OB_V3P0_2],
      ['context-3.0.3.json', CONTEXT_URLS.OB_V3P0_3],
    ] as const) {
      let published: unknown;
      try {
        published = JSON.parse(readFileSync(`${SPECS}${file}`, 'utf8'));
      } catch {
        continue;
      }
      assert.ok(isDeepStrictEqual(BUNDLED_CONTEXTS.get(url), published), `${url} differs from the spec`);
      checked += 1;
    }
    if (checked === 0) t.skip(`../shared specs not found at ${SPECS}`);
  });

  test('an unknown URL is refused with a typed error naming it, without fetching', async () => {
    const loader = createDocumentLoader();
    const url = 'https://example.com/contexts/unknown.jsonld';
    await assert.rejects(loader(url), (error: unknown) => {
      assert.ok(error instanceof UnknownContextError);
      assert.equal(error.code, 'unknown_context');
      assert.equal(error.url, url);
      assert.ok(error.message.includes(url));
      return true;
    });
    await assert.rejects(loader('http://127.0.0.1:1/context.jsonld'), UnknownContextError);
    await assert.rejects(loader('https://www.w3.org/ns/credentials/examples/v2'), UnknownContextError);
  });

  test('jsonld expansion with an unknown remote context fails on the context, never on the network', async (t) => {
    // test/setup.ts already fails any non-loopback socket; also make sure fetch is never even tried.
    const fetchSpy = t.mock.method(globalThis, 'fetch', async () => {
      throw new Error('fetch must not be called');
    });
    const loader = createDocumentLoader();
    const document = {
      '@context': ['https://www.w3.org/ns/credentials/v2', 'https://attacker.example/context.jsonld'],
      type: ['VerifiableCredential'],
    };
    await assert.rejects(
      jsonld.expand(document, { documentLoader: loader, ...JSONLD_SAFE_MODE }),
      (error: unknown) => {
        const cause = (error as { details?: { cause?: unknown } }).details?.cause ?? (error as Error).cause;
        assert.ok(cause instanceof UnknownContextError, String(error));
        return true;
      },
    );
    assert.equal(fetchSpy.mock.callCount(), 0);
  });

  test('safe mode refuses terms the contexts do not define instead of dropping them', async () => {
    const loader = createDocumentLoader();
    const document = {
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      type: ['VerifiableCredential'],
      credentialSubject: { notDefinedAnywhere: 'x' },
    };
    await assert.rejects(
      jsonld.expand(document, { documentLoader: loader, ...JSONLD_SAFE_MODE }),
      (error: unknown) => {
        assert.equal((error as Error).name, 'jsonld.ValidationError');
        return true;
      },
    );
    const defined = { ...document, credentialSubject: { id: 'did:example:123' } };
    assert.equal((await jsonld.expand(defined, { documentLoader: loader, ...JSONLD_SAFE_MODE })).length, 1);
  });

  test('extra documents are served and dereferenced by fragment; bundled contexts cannot be mutated', async () => {
    const controller = {
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
      id: 'https://issuer.example/profile',
      assertionMethod: [
        {
          id: '#key-1',
          type: 'Multikey',
          controller: 'https://issuer.example/profile',
          publicKeyMultibase: 'z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2',
        },
      ],
    };
    const loader = createDocumentLoader({ documents: { 'https://issuer.example/profile': controller } });
    const { document } = await loader('https://issuer.example/profile#key-1');
    assert.equal((document as Record<string, unknown>).id, 'https://issuer.example/profile#key-1');
    await assert.rejects(loader('https://issuer.example/profile#key-2'), (error: unknown) => {
      return error instanceof VcError && error.code === 'unknown_did';
    });
    const { document: v2 } = await loader(CONTEXT_URLS.VC_V2);
    assert.throws(() => {
      (v2 as Record<string, unknown>)['@context'] = {};
    }, TypeError);
  });
});
