import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { argv } from 'node:process';
import { pathToFileURL } from 'node:url';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {
  createSignCryptosuite as createJcsSignCryptosuite,
  createVerifyCryptosuite as createJcsVerifyCryptosuite,
} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import { cryptosuite as rdfcCryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import * as base58btc from 'base58-universal';
import { CompactSign, compactVerify, decodeProtectedHeader, importJWK } from 'jose';
import { createDocumentLoader, type DocumentLoader } from '../src/core/vc/contexts.ts';
import { didKeyFor, didKeyVerificationMethodId } from '../src/core/vc/did.ts';
import { jwtKeyResolverFromLoader } from '../src/core/vc/jwt.ts';
import { Ed25519KeyPair } from '../src/core/vc/keys.ts';
import { buildOpenBadgeCredential, type OpenBadgeCredential } from '../src/core/vc/open-badges.ts';
import {
  type Cryptosuite,
  signCredential,
  signJwtCredential,
  verifyDataIntegrity,
  verifyJwtCredential,
} from '../src/core/vc/proofs.ts';
import { createLocalSigner } from '../src/core/vc/signer.ts';
import { buildStatusEntry } from '../src/core/vc/status-list.ts';
import { type BenchResult, measure } from './harness.ts';

/**
 * Securing and verifying a realistic OB 3.0 credential with Credstack's VC core, each operation beside an
 * independent implementation doing the same work in the same run: `@digitalbazaar/vc` with
 * `@digitalbazaar/data-integrity` and the eddsa-rdfc-2022 / eddsa-jcs-2022 cryptosuites for Data Integrity,
 * and `jose` (CompactSign / compactVerify) for vc+jwt, which `@digitalbazaar/vc` does not implement.
 *
 * Fairness: both sides sign with the same Ed25519 key and the same `created`, so (Ed25519 being
 * deterministic) they must produce the identical secured credential, which is asserted before timing; both
 * verifiers get the same offline document loader (bundled contexts, did:key resolved locally) and resolve
 * the key through it on every verification. Every timed call checks its own success, so a failure aborts
 * the run instead of being measured.
 */

type Json = Record<string, unknown>;
type Timing = { warmupMs: number; windowMs: number; windows: number };

interface ReferenceVc {
  issue(options: { credential: unknown; suite: unknown; documentLoader: unknown; now?: Date }): Promise<Json>;
  verifyCredential(options: {
    credential: unknown;
    suite: unknown;
    documentLoader: DocumentLoader;
    checkStatus?: () => Promise<{ verified: boolean }>;
  }): Promise<{ verified: boolean; error?: Error }>;
}

interface ReferenceKeyPair {
  id: string;
  controller: string;
  publicKeyMultibase: string;
  signer(): { id: string; algorithm: string; sign(input: { data: Uint8Array }): Promise<Uint8Array> };
}

const referenceVc = vc as unknown as ReferenceVc;
const referenceMultikey = Ed25519Multikey as unknown as {
  generate(options: { seed: Uint8Array; controller: string }): Promise<ReferenceKeyPair>;
};

/**
 * `@digitalbazaar/vc` refuses a credential with `credentialStatus` unless given a status checker. Credstack's
 * verifyDataIntegrity checks proofs only (status is a separate step), so the reference gets a no-op one.
 */
const skipStatus = async () => ({ verified: true });

const DAY_MS = 86_400_000;

/** An OpenBadgeCredential with every part a real issuer fills in, valid from yesterday for three years. */
function realisticBadge(issuerDid: string, validFrom: Date): OpenBadgeCredential {
  const statusList = (purpose: string) => `https://credstack.example/status/${purpose}/7`;
  return buildOpenBadgeCredential({
    id: 'urn:uuid:2f0f5c1e-8d7a-4c3b-9e61-5a0b7d2c4e18',
    name: 'Applied Data Engineering — Practitioner',
    description: 'Awarded for completing the Applied Data Engineering practitioner programme.',
    image: { id: 'https://credstack.example/badges/applied-data-engineering.png', caption: 'ADE badge' },
    issuer: {
      id: issuerDid,
      name: 'Northwind Institute of Technology',
      url: 'https://northwind.example',
      email: 'credentials@northwind.example',
      image: 'https://northwind.example/logo.png',
      description: 'A polytechnic offering industry-aligned short courses.',
    },
    validFrom,
    validUntil: new Date(validFrom.getTime() + 3 * 365 * DAY_MS),
    awardedDate: validFrom,
    recipient: { id: 'did:example:learner-4711', email: 'ada.learner@example.org', salt: '9c1f0e7b3a5d2c48' },
    achievement: {
      id: 'https://credstack.example/achievements/applied-data-engineering',
      name: 'Applied Data Engineering',
      description:
        'Designs, builds and operates batch and streaming data pipelines with tested, documented code.',
      criteria: {
        id: 'https://credstack.example/achievements/applied-data-engineering/criteria',
        narrative:
          '1. Complete all six modules.\n2. Pass the proctored exam with at least 70%.\n3. Submit a capstone pipeline reviewed by two assessors.',
      },
      achievementType: 'Certificate',
      alignment: [
        {
          targetName: 'Data pipeline engineering',
          targetUrl: 'https://skills.example/framework/data-pipelines',
          targetCode: 'DE-PIPE-3',
          targetDescription: 'Builds reliable batch and streaming pipelines.',
          targetFramework: 'Example Digital Skills Framework',
          targetType: 'ceasn:Competency',
        },
        {
          targetName: 'Data quality assurance',
          targetUrl: 'https://skills.example/framework/data-quality',
          targetCode: 'DE-QA-2',
          targetFramework: 'Example Digital Skills Framework',
          targetType: 'ceasn:Competency',
        },
      ],
      tag: ['data engineering', 'pipelines', 'SQL'],
      creditsAvailable: 6,
      fieldOfStudy: 'Computer Science',
      inLanguage: 'en',
      resultDescription: [
        {
          id: 'https://credstack.example/achievements/applied-data-engineering/results/exam',
          name: 'Final exam score',
          resultType: 'Percent',
          valueMin: '0',
          valueMax: '100',
          requiredValue: '70',
        },
      ],
    },
    result: [
      {
        resultDescription: 'https://credstack.example/achievements/applied-data-engineering/results/exam',
        value: '86',
      },
      { status: 'Completed' },
    ],
    activityStartDate: new Date(validFrom.getTime() - 90 * DAY_MS),
    activityEndDate: validFrom,
    narrative: 'Built a change-data-capture pipeline from PostgreSQL to a columnar warehouse.',
    evidence: [
      {
        id: 'https://credstack.example/evidence/4711/capstone',
        name: 'Capstone repository',
        description: 'Source code, tests and runbook of the capstone pipeline.',
        genre: 'Project',
      },
      { name: 'Assessor report', narrative: 'Both assessors rated the capstone "exceeds expectations".' },
    ],
    credentialStatus: [
      buildStatusEntry({
        listCredentialUrl: statusList('revocation'),
        index: 94_567,
        statusPurpose: 'revocation',
      }),
      buildStatusEntry({
        listCredentialUrl: statusList('suspension'),
        index: 23_452,
        statusPurpose: 'suspension',
      }),
    ],
  });
}

function issuerOf(credential: Json): unknown {
  const issuer = credential.issuer;
  return issuer !== null && typeof issuer === 'object' ? (issuer as Json).id : issuer;
}

interface Pair {
  operation: string;
  credstack: () => Promise<unknown>;
  reference: () => Promise<unknown>;
  referenceName: string;
}

/** Builds the fixtures and the operation pairs, running each operation once and checking it succeeds. */
async function preparePairs(): Promise<{ pairs: Pair[]; credentialBytes: number }> {
  // A fixed seed: the same key (and so byte-identical output) on every run.
  const seed = createHash('sha256').update('credstack vc benchmark key').digest();
  const keyPair = Ed25519KeyPair.fromSeed(seed);
  const did = didKeyFor(keyPair.publicKeyMultibase);
  const signer = createLocalSigner({ keyPair, id: didKeyVerificationMethodId(keyPair.publicKeyMultibase) });
  const referenceKey = await referenceMultikey.generate({ seed, controller: did });
  assert.equal(referenceKey.publicKeyMultibase, keyPair.publicKeyMultibase);
  assert.equal(referenceKey.id, signer.id);
  const referenceSigner = referenceKey.signer();

  // One loader for both sides: bundled contexts, did:key offline; anything else throws.
  const documentLoader = createDocumentLoader();
  const created = new Date(Math.floor((Date.now() - DAY_MS) / 1000) * 1000);
  const credential = realisticBadge(did, created);
  const snapshot = structuredClone(credential);

  const pairs: Pair[] = [];
  for (const cryptosuite of ['eddsa-rdfc-2022', 'eddsa-jcs-2022'] as const satisfies Cryptosuite[]) {
    const credstackSign = () => signCredential({ credential, signer, cryptosuite, documentLoader, created });
    // jsonld-signatures adds the proof to the object it is given: a shallow copy keeps the input reusable.
    const referenceSign = () =>
      referenceVc.issue({
        credential: { ...credential },
        suite: new DataIntegrityProof({
          signer: referenceSigner,
          date: created,
          cryptosuite: cryptosuite === 'eddsa-rdfc-2022' ? rdfcCryptosuite : createJcsSignCryptosuite(),
        }),
        documentLoader,
        now: created,
      });
    const ours = await credstackSign();
    const theirs = await referenceSign();
    assert.deepStrictEqual(credential, snapshot, 'signing must not modify its input');
    assert.equal((ours.proof as Json).cryptosuite, cryptosuite);
    assert.deepStrictEqual(ours, theirs, `${cryptosuite}: both libraries produce the same signed credential`);

    const credstackVerify = async () => {
      const result = await verifyDataIntegrity({ document: ours, documentLoader });
      if (!result.verified)
        throw new Error(`Credstack ${cryptosuite} verify failed: ${result.failure?.message}`);
    };
    const referenceVerify = async () => {
      const result = await referenceVc.verifyCredential({
        credential: ours,
        suite: new DataIntegrityProof({
          cryptosuite: cryptosuite === 'eddsa-rdfc-2022' ? rdfcCryptosuite : createJcsVerifyCryptosuite(),
        }),
        documentLoader,
        checkStatus: skipStatus,
      });
      if (!result.verified)
        throw new Error(`reference ${cryptosuite} verify failed: ${result.error?.message}`);
    };
    await credstackVerify();
    await referenceVerify();
    // Both verifiers really check the signature: a changed credential fails in each.
    const tampered = structuredClone(ours);
    ((tampered.credentialSubject as Json).achievement as Json).name = 'Forged';
    assert.equal((await verifyDataIntegrity({ document: tampered, documentLoader })).verified, false);
    const referenceTampered = await referenceVc.verifyCredential({
      credential: tampered,
      suite: new DataIntegrityProof({
        cryptosuite: cryptosuite === 'eddsa-rdfc-2022' ? rdfcCryptosuite : createJcsVerifyCryptosuite(),
      }),
      documentLoader,
      checkStatus: skipStatus,
    });
    assert.equal(referenceTampered.verified, false);

    const reference = `@digitalbazaar/vc + data-integrity ${cryptosuite}`;
    pairs.push(
      {
        operation: `sign ${cryptosuite}`,
        credstack: credstackSign,
        reference: referenceSign,
        referenceName: `${reference} (issue)`,
      },
      {
        operation: `verify ${cryptosuite}`,
        credstack: credstackVerify,
        reference: referenceVerify,
        referenceName: `${reference} (verifyCredential)`,
      },
    );
  }

  // vc+jwt: jose signs with its own imported key (the same seed), once, outside the timed loop, as
  // Credstack's key object is made once.
  const publicJwk = {
    kty: 'OKP',
    crv: 'Ed25519',
    x: Buffer.from(keyPair.publicKey).toString('base64url'),
  };
  const josePrivateKey = await importJWK({ ...publicJwk, d: seed.toString('base64url') }, 'EdDSA');
  const header = { alg: 'EdDSA', typ: 'vc+jwt', cty: 'vc', kid: signer.id };
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const credstackSignJwt = () => signJwtCredential({ credential, signer });
  const referenceSignJwt = () =>
    new CompactSign(encoder.encode(JSON.stringify(credential)))
      .setProtectedHeader(header)
      .sign(josePrivateKey);
  const jws = await credstackSignJwt();
  assert.equal(await referenceSignJwt(), jws, 'vc+jwt: both produce the same JWS');

  const resolveKey = jwtKeyResolverFromLoader(documentLoader);
  const credstackVerifyJwt = async () => {
    const result = await verifyJwtCredential(jws, resolveKey);
    if (!result.verified) throw new Error(`Credstack vc+jwt verify failed: ${result.failure.message}`);
  };
  // The same steps with jose: kid → verification method through the loader, the Multikey to a JWK,
  // signature, payload, and the key's controller bound to the issuer.
  const referenceVerifyJwt = async (token = jws) => {
    const { kid } = decodeProtectedHeader(token);
    const { document } = await documentLoader(kid as string);
    const method = document as Json;
    const multikey = base58btc.decode((method.publicKeyMultibase as string).slice(1));
    if (multikey[0] !== 0xed || multikey[1] !== 0x01) throw new Error('not an Ed25519 Multikey');
    const key = await importJWK(
      { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(multikey.subarray(2)).toString('base64url') },
      'EdDSA',
    );
    const { payload } = await compactVerify(token, key, { algorithms: ['EdDSA'] });
    const verified = JSON.parse(decoder.decode(payload)) as Json;
    if (method.controller !== issuerOf(verified)) throw new Error('key not controlled by the issuer');
  };
  await credstackVerifyJwt();
  await referenceVerifyJwt();
  const [head, body, signature] = jws.split('.') as [string, string, string];
  const forged = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Json;
  forged.name = 'Forged';
  const tamperedJws = `${head}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${signature}`;
  assert.equal((await verifyJwtCredential(tamperedJws, resolveKey)).verified, false);
  await assert.rejects(referenceVerifyJwt(tamperedJws));

  pairs.push(
    {
      operation: 'sign vc+jwt',
      credstack: credstackSignJwt,
      reference: referenceSignJwt,
      referenceName: 'jose CompactSign',
    },
    {
      operation: 'verify vc+jwt',
      credstack: credstackVerifyJwt,
      reference: () => referenceVerifyJwt(),
      referenceName: 'jose compactVerify (+ kid via the loader)',
    },
  );
  return { pairs, credentialBytes: Buffer.byteLength(JSON.stringify(credential)) };
}

/** Half the range of a result's windows, relative to its median: how noisy the figure is. */
function spread(result: BenchResult): string {
  const half = (Math.max(...result.windows) - Math.min(...result.windows)) / 2;
  return `±${((100 * half) / result.opsPerSecond).toFixed(0)}%`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Both sides of a pair through the harness, warmed up, then one window each in turn (the order swapped
 * every round): on a shared or throttling machine both see the same drift, which a block of windows for
 * one side and then a block for the other would turn into a bias of the ratio.
 */
async function measurePair(pair: Pair, timing: Timing): Promise<{ ours: BenchResult; theirs: BenchResult }> {
  const ours: BenchResult = { name: `Credstack ${pair.operation}`, opsPerSecond: 0, windows: [] };
  const theirs: BenchResult = { name: pair.referenceName, opsPerSecond: 0, windows: [] };
  const sides = [
    { result: ours, run: pair.credstack },
    { result: theirs, run: pair.reference },
  ];
  // The harness's warm-up alone (no windows), for each side.
  for (const side of sides)
    await measure({ name: side.result.name, run: side.run }, { ...timing, windows: 0 });
  for (let round = 0; round < timing.windows; round++) {
    for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
      const window = await measure(
        { name: side.result.name, run: side.run },
        { warmupMs: 0, windowMs: timing.windowMs, windows: 1 },
      );
      side.result.windows.push(...window.windows);
    }
  }
  for (const { result } of sides) result.opsPerSecond = median(result.windows);
  return { ours, theirs };
}

/**
 * Runs every pair with the harness, the two sides interleaved ({@link measurePair}), and prints one table:
 * median ops/s of each and the ratio Credstack / reference (above 1: Credstack is faster).
 */
export async function runVcBenchmarks(timing: Timing): Promise<void> {
  const { pairs, credentialBytes } = await preparePairs();
  // The two sides share jsonld, the cryptosuites and jose: warm all of it up first (round robin), so the
  // first case measured does not pay for JIT compilation the others get for free.
  const warmupEnd = performance.now() + 2 * timing.warmupMs;
  while (performance.now() < warmupEnd) {
    for (const pair of pairs) {
      await pair.credstack();
      await pair.reference();
    }
  }
  const rows: Array<{ pair: Pair; ours: BenchResult; theirs: BenchResult }> = [];
  for (const pair of pairs) rows.push({ pair, ...(await measurePair(pair, timing)) });
  console.log(
    `\n## Verifiable credentials: Credstack vs independent libraries (OpenBadgeCredential, ${credentialBytes} bytes unsigned)`,
  );
  console.log(
    'median ops/s of the windows (± half their range); ratio = Credstack ÷ reference, above 1 = Credstack faster',
  );
  const header = `${'operation'.padEnd(23)} ${'Credstack ops/s'.padStart(20)} ${'reference ops/s'.padStart(20)} ${'ratio'.padStart(6)}  reference`;
  console.log(header);
  console.log('-'.repeat(header.length + 40));
  const cell = (result: BenchResult) =>
    `${result.opsPerSecond.toFixed(0)} ${spread(result).padStart(4)}`.padStart(20);
  for (const { pair, ours, theirs } of rows) {
    const ratio = (ours.opsPerSecond / theirs.opsPerSecond).toFixed(2);
    console.log(
      `${pair.operation.padEnd(23)} ${cell(ours)} ${cell(theirs)} ${ratio.padStart(5)}×  ${pair.referenceName}`,
    );
  }
}

// `node --import tsx bench/vc.bench.ts [--quick]` runs this part alone.
if (argv[1] !== undefined && import.meta.url === pathToFileURL(argv[1]).href) {
  const quick = argv.includes('--quick');
  await runVcBenchmarks(
    quick ? { warmupMs: 100, windowMs: 200, windows: 3 } : { warmupMs: 500, windowMs: 1000, windows: 5 },
  );
}
