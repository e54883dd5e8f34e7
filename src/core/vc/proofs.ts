import { isDeepStrictEqual } from 'node:util';
import { DataIntegrityProof, type LinkedDataSuite } from '@digitalbazaar/data-integrity';
import { Ed25519Signature2020 } from '@digitalbazaar/ed25519-signature-2020';
import {
  createSignCryptosuite as createJcsSignCryptosuite,
  createVerifyCryptosuite as createJcsVerifyCryptosuite,
} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import { cryptosuite as rdfcCryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import * as base58btc from 'base58-universal';
import jsonld from 'jsonld';
import jsigs from 'jsonld-signatures';
import { CONTEXT_URLS, type DocumentLoader, JSONLD_SAFE_MODE } from './contexts.ts';
import { findVcError, UnknownContextError, VcError } from './errors.ts';
import type { Signer } from './signer.ts';

export { type JwtFailureCode, type JwtVerification, signJwtCredential, verifyJwtCredential } from './jwt.ts';

/**
 * Data Integrity proofs (https://www.w3.org/TR/vc-data-integrity/) with the EdDSA cryptosuites
 * (https://www.w3.org/TR/vc-di-eddsa/): `eddsa-rdfc-2022` (RDF canonicalisation) and `eddsa-jcs-2022`
 * (JSON canonicalisation), plus verification of the older `Ed25519Signature2020`. Canonicalisation,
 * hashing and the proof layout come from the Digital Bazaar suites; this module picks the suite, adapts
 * our {@link Signer} port (already the shape they expect), adds proof chains, which the libraries do
 * not implement, and turns verification into a log that names the step that failed.
 */

export type Cryptosuite = 'eddsa-rdfc-2022' | 'eddsa-jcs-2022';
export const CRYPTOSUITES: readonly Cryptosuite[] = ['eddsa-rdfc-2022', 'eddsa-jcs-2022'];

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function asList(value: unknown): unknown[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function contextList(document: JsonObject): unknown[] {
  return asList(document['@context']);
}

/** The suite-aware loader jsonld-signatures would build: its own security contexts first, then ours. */
function suiteLoader(documentLoader: DocumentLoader): DocumentLoader {
  return jsigs.extendContextLoader(documentLoader);
}

/**
 * Canonicalises a document as a cryptosuite does before hashing: RDFC-1.0 N-Quads for
 * `eddsa-rdfc-2022` (in JSON-LD safe mode, bundled contexts only), RFC 8785 JSON for `eddsa-jcs-2022`.
 */
export async function canonicalize(
  document: unknown,
  options: { cryptosuite: Cryptosuite; documentLoader: DocumentLoader },
): Promise<string> {
  if (options.cryptosuite === 'eddsa-jcs-2022') {
    return (createJcsSignCryptosuite() as unknown as { canonize(input: unknown): Promise<string> }).canonize(
      document,
    );
  }
  return rdfcCryptosuite.canonize(document, {
    documentLoader: suiteLoader(options.documentLoader),
    ...JSONLD_SAFE_MODE,
  });
}

/** W3C dateTimeStamp (with time zone), as `created` and `expires` must be. */
const DATE_TIME_STAMP = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function proofDate(value: Date | string | undefined): Date {
  const date = value === undefined ? new Date() : new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new VcError('invalid_input', `"created" is not a valid date: ${value}`);
  return date;
}

/** Orders a proof's properties as the specifications' examples do (no effect on the signature). */
function orderProof(proof: JsonObject): JsonObject {
  const order = [
    'type',
    'id',
    'cryptosuite',
    'created',
    'expires',
    'verificationMethod',
    'proofPurpose',
    'previousProof',
    '@context',
  ];
  const ordered: JsonObject = {};
  for (const key of order) if (key in proof) ordered[key] = proof[key];
  for (const key of Object.keys(proof))
    if (!(key in ordered) && key !== 'proofValue') ordered[key] = proof[key];
  if ('proofValue' in proof) ordered.proofValue = proof.proofValue;
  return ordered;
}

export interface SignCredentialOptions {
  /** The unsigned credential (VC 2.0 or 1.1); existing proofs are kept and the new one added to the set. */
  credential: JsonObject;
  signer: Signer;
  cryptosuite: Cryptosuite;
  /** Proof creation time; defaults to now. Seconds precision, UTC (`2023-02-24T23:36:38Z`). */
  created?: Date | string;
  documentLoader: DocumentLoader;
  /** Optional proof `id`, so later proofs can reference this one as `previousProof`. */
  proofId?: string;
  /**
   * Makes the new proof part of a proof chain: the id(s) of existing proofs it endorses. Those proofs
   * are signed over together with the credential (Data Integrity §"Add Proof Set/Chain").
   */
  previousProof?: string | readonly string[];
}

/**
 * Signs a credential with a Data Integrity proof (`DataIntegrityProof`, `proofPurpose: assertionMethod`,
 * verification method = `signer.id`). Returns a new object; the input is not modified. Throws a
 * {@link VcError} `invalid_input` for a malformed credential and `unknown_context` for a context that is
 * not bundled.
 */
export async function signCredential(options: SignCredentialOptions): Promise<JsonObject> {
  const { signer, cryptosuite, documentLoader } = options;
  if (!CRYPTOSUITES.includes(cryptosuite)) {
    throw new VcError('invalid_input', `Unsupported cryptosuite "${String(cryptosuite)}"`);
  }
  if (signer.algorithm !== 'Ed25519') {
    throw new VcError('invalid_input', `The signer's algorithm "${String(signer.algorithm)}" is not Ed25519`);
  }
  const credential = structuredClone(options.credential);
  const date = proofDate(options.created);
  const suite = new DataIntegrityProof({
    signer: passErrorsThrough(signer),
    date,
    cryptosuite: cryptosuite === 'eddsa-jcs-2022' ? createJcsSignCryptosuite() : rdfcCryptosuite,
  });
  const previous = options.previousProof === undefined ? [] : [options.previousProof].flat();
  if (options.proofId !== undefined || previous.length > 0) {
    suite.proof = {
      ...(options.proofId !== undefined ? { id: options.proofId } : {}),
      ...(previous.length > 0 ? { previousProof: options.previousProof } : {}),
    };
  }
  const { proof: existing, ...unsecured } = credential;
  try {
    vc._checkCredential({ credential: unsecured, mode: 'issue', now: date });
  } catch (error) {
    throw new VcError('invalid_input', `Not a valid credential: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const allProofs = asList(existing);
  try {
    if (cryptosuite === 'eddsa-jcs-2022') {
      // JCS signs the JSON as it is; still, everything Credstack issues must be well-defined JSON-LD
      // (VC 2.0 §4.1), so expand it in safe mode first: an undefined term fails here, as with RDFC.
      await jsonld.expand(withSuiteContext(unsecured), {
        documentLoader: suiteLoader(documentLoader),
        ...JSONLD_SAFE_MODE,
      });
    }
    let signed: JsonObject;
    if (previous.length === 0) {
      signed = await vc.issue({ credential, suite, documentLoader: suiteLoader(documentLoader), now: date });
    } else {
      const matching = allProofs.filter((proof) => isObject(proof) && previous.includes(proof.id as string));
      const missing = previous.filter((id) => !matching.some((proof) => (proof as JsonObject).id === id));
      if (missing.length > 0) {
        throw new VcError(
          'invalid_input',
          `previousProof ${missing.join(', ')} is not a proof of the credential`,
        );
      }
      const input = withSuiteContext({ ...unsecured, proof: matching });
      const proof = await suite.createProof({
        document: input,
        purpose: new jsigs.purposes.AssertionProofPurpose(),
        proofSet: allProofs,
        documentLoader: suiteLoader(documentLoader),
      });
      const { proof: _matching, ...output } = input;
      signed = { ...output, proof: [...allProofs, proof] };
    }
    const proofs = asList(signed.proof).map((proof) => orderProof(proof as JsonObject));
    return { ...signed, proof: proofs.length === 1 ? proofs[0] : proofs };
  } catch (error) {
    // A failing signer (KMS down, key disabled) is not bad input: its own error goes to the caller as is.
    if (error instanceof SignerFailure) throw error.cause;
    const known = findVcError(error);
    if (known) throw known;
    throw new VcError('invalid_input', `Could not sign the credential: ${jsonLdMessage(error)}`, {
      cause: error,
    });
  }
}

class SignerFailure extends Error {}

/** The signer as the suites see it: the same port, with its errors marked so they are not re-labelled. */
function passErrorsThrough(signer: Signer): Signer {
  return {
    id: signer.id,
    algorithm: signer.algorithm,
    async sign(input) {
      try {
        return await signer.sign(input);
      } catch (error) {
        throw new SignerFailure('The signer failed', { cause: error });
      }
    },
  };
}

/** Data Integrity needs its terms defined: VC 2.0 has them; a VC 1.1 document gets the DI context added. */
function withSuiteContext(document: JsonObject): JsonObject {
  const contexts = contextList(document);
  if (contexts.includes(CONTEXT_URLS.VC_V2) || contexts.includes(CONTEXT_URLS.DATA_INTEGRITY_V2))
    return document;
  return { ...document, '@context': [...contexts, CONTEXT_URLS.DATA_INTEGRITY_V2] };
}

// ---------------------------------------------------------------------------------------------------
// Verification

/** Stable ids of what can go wrong, in the order the checks run. */
export type DataIntegrityFailureCode =
  /** The document has no `proof`. */
  | 'no_proof'
  /** The document is not a JSON object. */
  | 'invalid_document'
  /** An `@context` URL is not bundled (never fetched). */
  | 'unknown_context'
  /** A proof lacks `type`, `verificationMethod`, `proofPurpose` or `proofValue`, or has a bad `created`. */
  | 'malformed_proof'
  /** The proof type / cryptosuite is not one this platform verifies. */
  | 'unsupported_cryptosuite'
  /** `proofValue` is not base58btc multibase of a 64-byte Ed25519 signature. */
  | 'malformed_proof_value'
  /** The proof is for another purpose than the one expected (`assertionMethod` for credentials). */
  | 'proof_purpose_mismatch'
  /** The proof's `expires` is in the past. */
  | 'proof_expired'
  /** A `previousProof` names a proof that is not in the document. */
  | 'missing_previous_proof'
  /** The verification method could not be resolved (unknown DID, no such key in the document). */
  | 'unknown_verification_method'
  /** The verification method is not an Ed25519 key. */
  | 'unsupported_key_type'
  /** The verification method has been revoked by its controller. */
  | 'verification_method_revoked'
  /** The document cannot be canonicalised in safe mode (undefined terms, relative IRIs, bad values). */
  | 'canonicalization_failed'
  /** The signature does not match the document (tampered, or signed by another key). */
  | 'signature_mismatch'
  /** The verification method's controller does not list it under the proof purpose. */
  | 'verification_method_not_authorized'
  /** The proof verifies but its key is not controlled by the credential's issuer. */
  | 'issuer_mismatch';

export interface VerificationFailure<Code extends string = DataIntegrityFailureCode> {
  code: Code;
  message: string;
}

export interface ProofVerification {
  /** Position of the proof in the document's proof set. */
  index: number;
  id?: string;
  type?: string;
  cryptosuite?: string;
  verificationMethod?: string;
  /** The controller of the verification method, once resolved. */
  controller?: string;
  created?: string;
  verified: boolean;
  failure?: VerificationFailure;
}

export interface DataIntegrityVerification {
  /** True when the document has at least one proof and every proof verified. */
  verified: boolean;
  proofs: ProofVerification[];
  /** The first failure (document-level, or of the first failing proof). */
  failure?: VerificationFailure;
}

export interface VerifyDataIntegrityOptions {
  document: unknown;
  documentLoader: DocumentLoader;
  /** Defaults to `assertionMethod` (credentials). */
  expectedProofPurpose?: string;
  /**
   * When true (default), every proof's verification method must be controlled by the credential's
   * `issuer`. Turn off to verify the proof layer alone (e.g. the W3C vectors, whose issuer is a URL).
   */
  requireIssuerMatch?: boolean;
  /** Time for `expires` checks; defaults to now. */
  now?: Date;
}

class StepFailure extends Error {
  constructor(
    readonly code: DataIntegrityFailureCode,
    message: string,
  ) {
    super(message);
  }
}

function fail(code: DataIntegrityFailureCode, message: string): never {
  throw new StepFailure(code, message);
}

function issuerId(document: JsonObject): string | undefined {
  const issuer = document.issuer;
  if (typeof issuer === 'string') return issuer;
  if (isObject(issuer) && typeof issuer.id === 'string') return issuer.id;
  return undefined;
}

/**
 * Verifies every Data Integrity proof on a document (a proof set, or a chain via `previousProof`) and
 * reports, per proof, the first step that failed. Never throws for bad input; the result says why.
 */
export async function verifyDataIntegrity(
  options: VerifyDataIntegrityOptions,
): Promise<DataIntegrityVerification> {
  const { documentLoader } = options;
  const expectedPurpose = options.expectedProofPurpose ?? 'assertionMethod';
  const now = options.now ?? new Date();
  const document = options.document;
  if (!isObject(document)) {
    return documentFailure('invalid_document', 'The document is not a JSON object');
  }
  const allProofs = asList(document.proof);
  if (allProofs.length === 0) return documentFailure('no_proof', 'The document has no proof');
  for (const url of contextList(document)) {
    if (typeof url !== 'string') continue;
    try {
      await documentLoader(url);
    } catch (error) {
      const known = findVcError(error);
      return documentFailure('unknown_context', known?.message ?? new UnknownContextError(url).message);
    }
  }
  const { proof: _proofs, ...unsecured } = document;
  const proofs: ProofVerification[] = [];
  for (const [index, proof] of allProofs.entries()) {
    const result: ProofVerification = { index, verified: false };
    try {
      await verifyOneProof({
        proof,
        allProofs,
        unsecured,
        documentLoader,
        expectedPurpose,
        now,
        result,
        issuer: options.requireIssuerMatch === false ? undefined : (issuerId(document) ?? ''),
      });
      result.verified = true;
    } catch (error) {
      result.failure =
        error instanceof StepFailure
          ? { code: error.code, message: error.message }
          : { code: 'signature_mismatch', message: `Verification failed: ${(error as Error).message}` };
    }
    proofs.push(result);
  }
  const failed = proofs.find((proof) => !proof.verified);
  return { verified: !failed, proofs, ...(failed?.failure ? { failure: failed.failure } : {}) };
}

function documentFailure(code: DataIntegrityFailureCode, message: string): DataIntegrityVerification {
  return { verified: false, proofs: [], failure: { code, message } };
}

async function verifyOneProof(input: {
  proof: unknown;
  allProofs: unknown[];
  unsecured: JsonObject;
  documentLoader: DocumentLoader;
  expectedPurpose: string;
  now: Date;
  result: ProofVerification;
  issuer: string | undefined;
}): Promise<void> {
  const { proof, allProofs, unsecured, result } = input;
  const loader = suiteLoader(input.documentLoader);

  // 1. Shape.
  if (!isObject(proof)) fail('malformed_proof', 'The proof is not a JSON object');
  if (typeof proof.id === 'string') result.id = proof.id;
  if (typeof proof.type !== 'string') fail('malformed_proof', 'The proof has no "type"');
  result.type = proof.type;
  if (typeof proof.cryptosuite === 'string') result.cryptosuite = proof.cryptosuite;
  const vmValue = isObject(proof.verificationMethod) ? proof.verificationMethod.id : proof.verificationMethod;
  if (typeof vmValue !== 'string' || vmValue === '') {
    fail('malformed_proof', 'The proof has no "verificationMethod"');
  }
  result.verificationMethod = vmValue;
  if (typeof proof.proofPurpose !== 'string') fail('malformed_proof', 'The proof has no "proofPurpose"');
  if (typeof proof.proofValue !== 'string') fail('malformed_proof', 'The proof has no "proofValue"');
  for (const key of ['created', 'expires'] as const) {
    if (proof[key] !== undefined && (typeof proof[key] !== 'string' || !DATE_TIME_STAMP.test(proof[key]))) {
      fail('malformed_proof', `"${key}" is not an XML Schema dateTimeStamp`);
    }
  }
  if (typeof proof.created === 'string') result.created = proof.created;

  // 2. Cryptosuite.
  let suite: LinkedDataSuite;
  let isJcs = false;
  if (proof.type === 'DataIntegrityProof' && proof.cryptosuite === 'eddsa-rdfc-2022') {
    suite = new DataIntegrityProof({ cryptosuite: rdfcCryptosuite });
  } else if (proof.type === 'DataIntegrityProof' && proof.cryptosuite === 'eddsa-jcs-2022') {
    suite = new DataIntegrityProof({ cryptosuite: createJcsVerifyCryptosuite() });
    isJcs = true;
  } else if (proof.type === 'Ed25519Signature2020') {
    suite = new Ed25519Signature2020();
  } else {
    const name =
      proof.type === 'DataIntegrityProof' ? `cryptosuite "${String(proof.cryptosuite)}"` : proof.type;
    fail('unsupported_cryptosuite', `Unsupported proof: ${name}`);
  }

  // 3. Proof value: multibase base58btc of 64 bytes.
  const proofValue = proof.proofValue as string;
  if (!proofValue.startsWith('z')) {
    fail('malformed_proof_value', 'proofValue must be base58btc multibase (starting with "z")');
  }
  let signature: Uint8Array | undefined;
  try {
    signature = base58btc.decode(proofValue.slice(1));
  } catch {
    signature = undefined;
  }
  if (!(signature instanceof Uint8Array)) fail('malformed_proof_value', 'proofValue is not valid base58btc');
  if (signature.length !== 64) {
    fail('malformed_proof_value', `proofValue decodes to ${signature.length} bytes, not a 64-byte signature`);
  }

  // 4. Purpose and validity period.
  if (proof.proofPurpose !== input.expectedPurpose) {
    fail(
      'proof_purpose_mismatch',
      `proofPurpose is "${proof.proofPurpose}", expected "${input.expectedPurpose}"`,
    );
  }
  if (typeof proof.expires === 'string' && new Date(proof.expires).getTime() < input.now.getTime()) {
    fail('proof_expired', `The proof expired at ${proof.expires}`);
  }
  if (isJcs && proof['@context'] !== undefined) {
    const proofContext = asList(proof['@context']);
    const documentContext = contextList(unsecured);
    // Embedded context objects are compared by value: a copy of the same object is the same context.
    if (proofContext.some((context, i) => !isDeepStrictEqual(context, documentContext[i]))) {
      fail('malformed_proof', "The proof's @context is not a prefix of the document's @context");
    }
  }

  // 5. Proof chain: the proofs this one endorses are part of what it signed.
  const previous = asList(proof.previousProof);
  if (previous.some((id) => typeof id !== 'string'))
    fail('malformed_proof', 'previousProof must be id strings');
  const matching = allProofs.filter((other) => isObject(other) && previous.includes(other.id));
  const missing = previous.filter((id) => !matching.some((other) => (other as JsonObject).id === id));
  if (missing.length > 0) {
    fail('missing_previous_proof', `previousProof ${missing.join(', ')} is not in the document`);
  }
  const document: JsonObject = previous.length > 0 ? { ...unsecured, proof: matching } : { ...unsecured };

  // 6. Verification method.
  let method: JsonObject;
  try {
    const { document: loaded } = await loader(vmValue);
    if (!isObject(loaded)) throw new Error('not a JSON object');
    method = loaded;
  } catch (error) {
    fail(
      'unknown_verification_method',
      `Cannot resolve verification method "${vmValue}": ${errorMessage(error)}`,
    );
  }
  if (typeof method.controller === 'string') result.controller = method.controller;
  const isEd25519 =
    (method.type === 'Multikey' &&
      typeof method.publicKeyMultibase === 'string' &&
      method.publicKeyMultibase.startsWith('z6Mk')) ||
    (method.type === 'Ed25519VerificationKey2020' && typeof method.publicKeyMultibase === 'string') ||
    (method.type === 'JsonWebKey' && isObject(method.publicKeyJwk) && method.publicKeyJwk.crv === 'Ed25519');
  if (!isEd25519) fail('unsupported_key_type', `Verification method "${vmValue}" is not an Ed25519 key`);
  if (method.revoked !== undefined) {
    fail(
      'verification_method_revoked',
      `Verification method "${vmValue}" was revoked (${String(method.revoked)})`,
    );
  }

  // 7. Canonicalise, hash and check the signature (the library does all three).
  const suiteProof = isJcs ? { ...proof } : { '@context': unsecured['@context'], ...proof };
  if (isJcs && proof['@context'] !== undefined) {
    // The library compares the proof's @context entries with the document's by reference, so an embedded
    // context object that arrived as JSON (two equal copies) would fail. Step 4 above checked the prefix
    // by value, as the spec says; hand the library the document's own entries (same values, same hash).
    const documentEntries = asList(document['@context']);
    suiteProof['@context'] = Array.isArray(proof['@context'])
      ? documentEntries.slice(0, proof['@context'].length)
      : documentEntries[0];
  }
  let outcome: Awaited<ReturnType<LinkedDataSuite['verifyProof']>>;
  try {
    outcome = await suite.verifyProof({
      proof: suiteProof,
      document,
      purpose: new jsigs.purposes.AssertionProofPurpose(),
      proofSet: allProofs,
      documentLoader: loader,
    });
  } catch (error) {
    outcome = { verified: false, error: error as Error };
  }
  if (!outcome.verified) {
    const error = outcome.error;
    const known = findVcError(error);
    if (known?.code === 'unknown_context') fail('unknown_context', known.message);
    if (known?.code === 'unknown_did') fail('unknown_verification_method', known.message);
    if (isJsonLdError(error))
      fail('canonicalization_failed', `Cannot canonicalise the document: ${jsonLdMessage(error)}`);
    fail('signature_mismatch', `The signature does not match: ${errorMessage(error)}`);
  }

  // 8. The controller authorises the key for this purpose.
  const purpose = new jsigs.purposes.ControllerProofPurpose({ term: input.expectedPurpose });
  const purposeResult = await purpose.validate(suiteProof, {
    document,
    suite,
    verificationMethod: outcome.verificationMethod ?? method,
    documentLoader: loader,
  });
  if (!purposeResult.valid) {
    fail('verification_method_not_authorized', errorMessage(purposeResult.error));
  }

  // 9. Issuer binding.
  if (input.issuer !== undefined && result.controller !== input.issuer) {
    fail(
      'issuer_mismatch',
      `The key's controller "${result.controller ?? '(none)'}" is not the issuer "${input.issuer || '(none)'}"`,
    );
  }
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error ?? 'unknown error');
}

function isJsonLdError(error: unknown): boolean {
  return (
    error instanceof Error && (error.name.startsWith('jsonld.') || error.constructor.name === 'JsonLdError')
  );
}

function jsonLdMessage(error: unknown): string {
  const details = (error as { details?: { event?: { code?: string; details?: unknown } } }).details;
  const event = details?.event;
  if (event?.code) return `${errorMessage(error)} (${event.code}: ${JSON.stringify(event.details ?? {})})`;
  return errorMessage(error);
}
