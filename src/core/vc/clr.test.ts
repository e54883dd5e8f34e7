import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { driver as didKeyDriver } from '@digitalbazaar/did-method-key';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { cryptosuite as rdfcCryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import jsonld from 'jsonld';
import { buildClrCredential, CLR_V2P0_CONTEXT, checkClrShape, embeddedCredentialsOf } from './clr.ts';
import { BUNDLED_CONTEXTS, CONTEXT_URLS, createDocumentLoader } from './contexts.ts';
import { didKeyFor, didKeyVerificationMethodId } from './did.ts';
import { Ed25519KeyPair } from './keys.ts';
import { buildOpenBadgeCredential } from './open-badges.ts';
import { signCredential } from './proofs.ts';
import { createLocalSigner } from './signer.ts';
import { createVerifier, formatReportText } from './verify.ts';

type Json = Record<string, unknown>;

const documentLoader = createDocumentLoader();
const keyPair = Ed25519KeyPair.generate();
const issuerDid = didKeyFor(keyPair.publicKeyMultibase);
const signer = createLocalSigner({ keyPair, id: didKeyVerificationMethodId(keyPair.publicKeyMultibase) });

async function badge(id: string, title: string): Promise<Json> {
  const credential = buildOpenBadgeCredential({
    id: `urn:uuid:${id}`,
    name: title,
    issuer: { id: issuerDid, name: 'Example Academy' },
    validFrom: '2026-01-01T00:00:00Z',
    recipient: { email: 'ana@example.org', salt: 'salt' },
    achievement: {
      id: `https://academy.example/achievements/${id}`,
      name: title,
      description: `${title}, assessed.`,
      criteria: { narrative: 'Pass the test.' },
    },
  });
  return signCredential({ credential, signer, cryptosuite: 'eddsa-rdfc-2022', documentLoader });
}

const IDS = ['0b4f7c1e-1111-4a5b-8c9d-000000000001', '0b4f7c1e-1111-4a5b-8c9d-000000000002'];

async function signedClr(): Promise<{ clr: Json; parts: Json[] }> {
  const parts = [
    await badge(IDS[0] as string, 'Prompt design'),
    await badge(IDS[1] as string, 'RAG systems'),
  ];
  const unsigned = buildClrCredential({
    id: 'urn:uuid:6c0f0000-0000-4000-8000-00000000c1a0',
    name: 'Transcript of Ana',
    issuer: { id: issuerDid, name: 'Example Academy' },
    validFrom: '2026-02-01T00:00:00Z',
    subjectId: 'urn:uuid:6c0f0000-0000-4000-8000-0000000000a1',
    credentials: parts,
    associations: [
      {
        associationType: 'precedes',
        sourceId: `https://academy.example/achievements/${IDS[0]}`,
        targetId: `https://academy.example/achievements/${IDS[1]}`,
      },
    ],
  });
  const clr = await signCredential({
    credential: unsigned,
    signer,
    cryptosuite: 'eddsa-rdfc-2022',
    documentLoader,
  });
  return { clr, parts };
}

const verifier = createVerifier({
  didResolver: async () => null,
  loadStatusList: async () => {
    throw new Error('no status lists in this test');
  },
  now: () => new Date('2026-03-01T00:00:00Z'),
});

describe('CLR 2.0', () => {
  test('the builder embeds the signed credentials, lists their achievements and the associations', async () => {
    const { clr, parts } = await signedClr();
    const subject = clr.credentialSubject as Json;
    assert.deepEqual(clr.type, ['VerifiableCredential', 'ClrCredential']);
    assert.equal(subject.type, 'ClrSubject');
    assert.deepEqual(subject.verifiableCredential, parts);
    assert.deepEqual(
      (subject.achievement as Json[]).map((achievement) => achievement.id),
      IDS.map((id) => `https://academy.example/achievements/${id}`),
    );
    assert.deepEqual(subject.association, [
      {
        type: 'Association',
        associationType: 'precedes',
        sourceId: `https://academy.example/achievements/${IDS[0]}`,
        targetId: `https://academy.example/achievements/${IDS[1]}`,
      },
    ]);
    assert.deepEqual(checkClrShape(clr), []);
    assert.equal(embeddedCredentialsOf(clr).length, 2);
  });

  test('our verifier checks the CLR and every embedded credential, step by step', async () => {
    const { clr } = await signedClr();
    const report = await verifier.verifyCredential({ credential: clr });
    assert.equal(report.verdict, 'valid', formatReportText(report));
    assert.equal(report.embedded?.length, 2);
    assert.ok(report.embedded?.every((inner) => inner.verdict === 'valid'));
    const schema = report.steps.find((step) => step.id === 'schema');
    assert.equal(schema?.outcome, 'passed', JSON.stringify(schema));
    assert.match(schema?.summary ?? '', /CLR 2\.0 data model/);
    assert.match(formatReportText(report), /Embedded credential 2:/);
  });

  test('a changed embedded credential breaks the CLR signature and its own', async () => {
    const { clr } = await signedClr();
    const tampered = structuredClone(clr);
    const inner = ((tampered.credentialSubject as Json).verifiableCredential as Json[])[1] as Json;
    inner.name = 'Advanced RAG systems';
    const report = await verifier.verifyCredential({ credential: tampered });
    assert.equal(report.verdict, 'invalid');
    assert.equal(report.steps.find((step) => step.id === 'proof')?.outcome, 'failed');
    assert.deepEqual(
      report.embedded?.map((entry) => entry.verdict),
      ['valid', 'invalid'],
    );
  });

  test('Digital Bazaar’s vc library verifies the signed CLR with its own suite and loader', async () => {
    const { clr } = await signedClr();
    const resolver = didKeyDriver();
    resolver.use({ multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from });
    // The independent loader: the context packages (via our bundle map only for the CLR context, which is
    // on no npm package) and the did:key driver.
    const independentLoader = async (url: string) => {
      if (url.startsWith('did:key:')) {
        return { contextUrl: null, documentUrl: url, document: await resolver.get({ url }) };
      }
      const document =
        url === 'https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json'
          ? CLR_V2P0_CONTEXT
          : BUNDLED_CONTEXTS.get(url);
      if (!document) throw new Error(`context not available offline: ${url}`);
      return { contextUrl: null, documentUrl: url, document: structuredClone(document) };
    };
    const result = await (
      vc as unknown as {
        verifyCredential(options: Json): Promise<{ verified: boolean; error?: Error }>;
      }
    ).verifyCredential({
      credential: clr,
      suite: new DataIntegrityProof({ cryptosuite: rdfcCryptosuite }),
      documentLoader: independentLoader,
    });
    assert.equal(result.verified, true, String(result.error));
  });

  test('every CLR term expands to the CLR vocabulary (no term is dropped or left relative)', async () => {
    const { clr } = await signedClr();
    const { proof: _proof, ...unsigned } = clr;
    const expanded = await (
      jsonld as unknown as {
        expand(input: unknown, options: Json): Promise<Json[]>;
      }
    ).expand(unsigned, { documentLoader, safeMode: true });
    const text = JSON.stringify(expanded);
    for (const term of [
      'ClrCredential',
      'ClrSubject',
      'verifiableCredential',
      'achievement',
      'association',
    ]) {
      assert.ok(text.includes(`https://purl.imsglobal.org/spec/vc/clr/vocab.html#${term}`), term);
    }
    assert.ok(text.includes('"@type":"xsd:anyURI"'));
    assert.equal((unsigned['@context'] as string[])[0], CONTEXT_URLS.VC_V2);
  });

  test('bad input: no credential, an unsigned one, an association to an unknown achievement', async () => {
    const base = {
      id: 'urn:uuid:6c0f0000-0000-4000-8000-00000000c1a0',
      name: 'T',
      issuer: { id: issuerDid, name: 'Example Academy' },
      validFrom: '2026-02-01T00:00:00Z',
      subjectId: 'urn:uuid:6c0f0000-0000-4000-8000-0000000000a1',
    };
    assert.throws(() => buildClrCredential({ ...base, credentials: [] }), /at least one credential/);
    const { proof: _proof, ...unsigned } = await badge(IDS[0] as string, 'Prompt design');
    assert.throws(() => buildClrCredential({ ...base, credentials: [unsigned] }), /signed credential/);
    const signed = await badge(IDS[0] as string, 'Prompt design');
    assert.throws(
      () =>
        buildClrCredential({
          ...base,
          credentials: [signed],
          associations: [
            { associationType: 'isPartOf', sourceId: 'https://academy.example/none', targetId: 'urn:x:y' },
          ],
        }),
      /names no achievement/,
    );
  });

  test('the shape check names what is wrong', () => {
    const problems = checkClrShape({
      '@context': [CONTEXT_URLS.VC_V2],
      type: ['VerifiableCredential', 'ClrCredential'],
      issuer: { id: issuerDid, type: ['Profile'] },
      name: 'T',
      credentialSubject: {
        type: 'ClrSubject',
        verifiableCredential: [],
        association: [{ type: 'Association', associationType: 'sameAs', sourceId: 'urn:a:b', targetId: 'x' }],
      },
    });
    const paths = problems.map((problem) => problem.path);
    assert.ok(paths.includes('@context'));
    assert.ok(paths.includes('credentialSubject'));
    assert.ok(paths.includes('credentialSubject.verifiableCredential'));
    assert.ok(paths.includes('credentialSubject.association[0].associationType'));
    assert.ok(paths.includes('credentialSubject.association[0].sourceId'));
    assert.ok(paths.includes('credentialSubject.association[0].targetId'));
  });
});
