import jsonld from 'jsonld';
import { checkClrShape, embeddedCredentialsOf, isClrCredential } from './clr.ts';
import {
  BUNDLED_CONTEXTS,
  createDocumentLoader,
  type DidResolver,
  type DocumentLoader,
  JSONLD_SAFE_MODE,
} from './contexts.ts';
import { findVcError, UnknownContextError } from './errors.ts';
import { jwtKeyResolverFromLoader, verifyJwtCredential } from './jwt.ts';
import { checkOpenBadgeShape, OB_ACHIEVEMENT_CREDENTIAL_SCHEMA } from './open-badges.ts';
import { verifyDataIntegrity } from './proofs.ts';
import { BITSTRING_STATUS_LIST_ENTRY, checkStatus, isDateTimeStamp } from './status-list.ts';
import {
  checkCredentialDataModel,
  checkPresentationDataModel,
  type DataModelVersion,
  dataModelVersion,
  isUrl,
} from './vc-rules.ts';

/**
 * The verifier: takes any credential (a JSON-LD document with Data Integrity proofs, a compact
 * `application/vc+jwt`, or either as text) or presentation and answers with a log of named steps —
 * format, proof, issuer, status, validity, schema — and a verdict. The step ids and outcomes are stable:
 * the API, the CLI and the public verify page render the same log.
 *
 * Pure code: the network is reached only through the ports (a DID resolver and a status list loader,
 * which the service composes from the database and, when allowed, the SSRF-guarded fetcher) and the
 * clock is passed in. JSON-LD contexts come only from the bundle in contexts.ts; nothing is fetched.
 *
 * Principles:
 * - Never throws for bad input: anything unreadable is a report whose `format` step failed.
 * - "Could not check" is `unknown`, never `passed`: an unreachable status list or DID host makes the
 *   verdict `unknown`, not `valid`.
 * - Every step always appears, in order; a step that could not run is `skipped` and says why.
 * - Status lists are fetched only for credentials whose proof and issuer already verified, so an
 *   unsigned document cannot make the verifier fetch URLs of its choosing.
 */

export type VerificationStepId = 'format' | 'proof' | 'issuer' | 'status' | 'validity' | 'schema';
export type StepOutcome = 'passed' | 'failed' | 'unknown' | 'skipped' | 'warning';
export interface VerificationProblem {
  code: string;
  message: string;
  path?: string;
}
export interface VerificationStep {
  id: VerificationStepId;
  title: string;
  outcome: StepOutcome;
  summary: string;
  problems: VerificationProblem[];
  details?: Record<string, unknown>;
}
/** `invalid` if any step failed; else `unknown` if any step is unknown; else `valid`. */
export type Verdict = 'valid' | 'invalid' | 'unknown';
export interface StatusResult {
  purpose: string;
  state: 'active' | 'revoked' | 'suspended' | 'set' | 'unknown';
  statusListCredential?: string;
  statusListIndex?: number;
}
export interface CredentialVerificationReport {
  verdict: Verdict;
  checkedAt: string;
  format: 'data-integrity' | 'vc+jwt' | 'unknown';
  credential: Record<string, unknown> | null;
  issuer: { id: string; name?: string } | null;
  statuses: StatusResult[];
  steps: VerificationStep[];
  /**
   * A CLR 2.0 ClrCredential's embedded credentials, each verified on its own (absent for other credentials).
   * The CLR is valid only if every one of them is.
   */
  embedded?: CredentialVerificationReport[];
}
export interface PresentationVerificationReport {
  verdict: Verdict;
  checkedAt: string;
  /** `format` and `proof` (the holder's proof, with challenge and domain). */
  steps: VerificationStep[];
  credentials: CredentialVerificationReport[];
}
export interface VerifierPorts {
  didResolver: DidResolver;
  /** Resolves a status list credential URL to the credential (JSON object, JSON text or compact vc+jwt). */
  loadStatusList: (url: string) => Promise<unknown>;
  now: () => Date;
}

/** Step titles, shown as headings on the verify page and in the CLI. */
export const STEP_TITLES: Readonly<Record<VerificationStepId, string>> = {
  format: 'Credential format',
  proof: 'Signature',
  issuer: 'Issuer',
  status: 'Revocation and suspension',
  validity: 'Validity period',
  schema: 'Data model and schema',
};

const STEP_ORDER: readonly VerificationStepId[] = [
  'format',
  'proof',
  'issuer',
  'status',
  'validity',
  'schema',
];

/** More proofs than this on one document are refused: each may make the verifier resolve a DID. */
export const MAX_PROOFS = 8;
/** More status entries than this are not checked (each may make the verifier fetch a list). */
export const MAX_STATUS_ENTRIES = 8;
/** More credentials than this in one presentation are refused. */
export const MAX_PRESENTED_CREDENTIALS = 50;

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function asList(value: unknown): unknown[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function issuerIdOf(document: JsonObject): string | undefined {
  const issuer = document.issuer;
  if (typeof issuer === 'string') return issuer;
  if (isObject(issuer) && typeof issuer.id === 'string') return issuer.id;
  return undefined;
}

function issuerNameOf(document: JsonObject): string | undefined {
  const issuer = document.issuer;
  if (!isObject(issuer)) return undefined;
  if (typeof issuer.name === 'string') return issuer.name;
  const first = asList(issuer.name)[0];
  return isObject(first) && typeof first['@value'] === 'string' ? first['@value'] : undefined;
}

function didOf(url: string): string {
  const hash = url.indexOf('#');
  return hash === -1 ? url : url.slice(0, hash);
}

function step(
  id: VerificationStepId,
  outcome: StepOutcome,
  summary: string,
  problems: VerificationProblem[] = [],
  details?: Record<string, unknown>,
): VerificationStep {
  return { id, title: STEP_TITLES[id], outcome, summary, problems, ...(details ? { details } : {}) };
}

function verdictOf(steps: readonly VerificationStep[], nested: readonly Verdict[] = []): Verdict {
  if (steps.some((s) => s.outcome === 'failed') || nested.includes('invalid')) return 'invalid';
  if (steps.some((s) => s.outcome === 'unknown') || nested.includes('unknown')) return 'unknown';
  return 'valid';
}

/** The worst of several outcomes: failed > unknown > warning > passed > skipped. */
function worst(outcomes: StepOutcome[]): StepOutcome {
  for (const outcome of ['failed', 'unknown', 'warning', 'passed'] as const) {
    if (outcomes.includes(outcome)) return outcome;
  }
  return 'skipped';
}

// ---------------------------------------------------------------------------------------------------
// Reading the input

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const ENVELOPE_PREFIX = 'data:application/vc+jwt,';

type Parsed =
  | { ok: true; kind: 'object'; document: JsonObject }
  | { ok: true; kind: 'jwt'; jwt: string; document: JsonObject; header: JsonObject }
  | { ok: false; code: string; message: string };

/** A JSON copy of a value: drops prototypes, functions and undefined, and fails on cycles or BigInt. */
function jsonCopy(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

function decodeJwt(jwt: string): Parsed {
  if (!COMPACT_JWS.test(jwt)) {
    return { ok: false, code: 'malformed_jwt', message: 'Not a compact JWS (three base64url parts)' };
  }
  const [headerPart, payloadPart] = jwt.split('.') as [string, string];
  let header: unknown;
  let payload: unknown;
  try {
    header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8'));
    payload = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, code: 'malformed_jwt', message: 'The JWT header or payload is not JSON' };
  }
  if (!isObject(header) || !isObject(payload)) {
    return { ok: false, code: 'malformed_jwt', message: 'The JWT header and payload must be JSON objects' };
  }
  if (payload['@context'] === undefined && isObject(payload.vc)) {
    return {
      ok: false,
      code: 'unsupported_format',
      message:
        'This is a VC-JWT 1.1 token (the credential in a "vc" claim); only VC-JOSE 2.0 application/vc+jwt is supported',
    };
  }
  return { ok: true, kind: 'jwt', jwt, document: payload, header };
}

function parseDocument(input: unknown): Parsed {
  if (typeof input === 'string') {
    const text = input.trim();
    if (text === '') return { ok: false, code: 'empty_input', message: 'The input is empty' };
    if (text.startsWith('{')) {
      try {
        return parseDocument(JSON.parse(text));
      } catch (error) {
        return {
          ok: false,
          code: 'invalid_json',
          message: `The input is not valid JSON: ${errorMessage(error)}`,
        };
      }
    }
    if (text.startsWith(ENVELOPE_PREFIX)) return decodeJwt(text.slice(ENVELOPE_PREFIX.length));
    if (COMPACT_JWS.test(text)) return decodeJwt(text);
    return {
      ok: false,
      code: 'unrecognized_input',
      message: 'The input is neither a JSON credential nor a compact vc+jwt',
    };
  }
  if (!isObject(input)) {
    return { ok: false, code: 'not_an_object', message: 'The input is not a JSON object' };
  }
  let document: JsonObject;
  try {
    document = jsonCopy(input) as JsonObject;
  } catch (error) {
    return { ok: false, code: 'invalid_json', message: `The input is not JSON data: ${errorMessage(error)}` };
  }
  // VC-JOSE-COSE §3.3: an EnvelopedVerifiableCredential carries the vc+jwt as a data: URL in its id.
  if (asList(document.type).includes('EnvelopedVerifiableCredential')) {
    if (typeof document.id === 'string' && document.id.startsWith(ENVELOPE_PREFIX)) {
      return decodeJwt(document.id.slice(ENVELOPE_PREFIX.length));
    }
    return {
      ok: false,
      code: 'unsupported_format',
      message: 'Only enveloped credentials of type application/vc+jwt are supported',
    };
  }
  return { ok: true, kind: 'object', document };
}

// ---------------------------------------------------------------------------------------------------
// One verification's shared state: caches, and which DIDs could not be resolved (as opposed to not existing)

interface LoadedList {
  ok: boolean;
  credential?: JsonObject;
  code?: string;
  message?: string;
}

class Session {
  readonly loader: DocumentLoader;
  /** DIDs whose resolver threw (network, remote fetching off): "could not check", not "does not exist". */
  readonly unresolvable = new Map<string, string>();
  readonly lists = new Map<string, Promise<LoadedList>>();

  constructor(
    readonly ports: VerifierPorts,
    readonly now: Date,
  ) {
    const cache = new Map<string, Promise<Record<string, unknown> | null>>();
    const didResolver: DidResolver = (did) => {
      let pending = cache.get(did);
      if (!pending) {
        pending = Promise.resolve()
          .then(() => ports.didResolver(did))
          .catch((error: unknown) => {
            this.unresolvable.set(did, errorMessage(error));
            throw error;
          });
        cache.set(did, pending);
      }
      return pending;
    };
    this.loader = createDocumentLoader({ didResolver });
  }
}

// ---------------------------------------------------------------------------------------------------
// Steps

interface FormatResult {
  step: VerificationStep;
  /** Whether the later steps that need a trustworthy document (proof, issuer, status) may run. */
  usable: boolean;
}

const FORMAT_NAMES = {
  'data-integrity': 'a JSON-LD credential secured with a Data Integrity proof',
  'vc+jwt': 'a VC-JOSE credential (application/vc+jwt)',
  unknown: 'a credential without any proof',
} as const;

/**
 * Checks that every context the document refers to is one Credstack bundles (none is ever fetched): an
 * unknown entry of its own `@context` is `unknown_context`, one reached from inside (`@import`, scoped
 * contexts, a nested node's `@context`) is `remote_context`. Then the document must expand as JSON-LD
 * in safe mode with bundled contexts only (a second line of defence for remote contexts); other
 * JSON-LD problems (undefined terms) are a warning, because a vc+jwt or eddsa-jcs-2022 credential is
 * signed as JSON and still verifies (an eddsa-rdfc-2022 proof fails on them in the proof step).
 */
async function checkContexts(
  document: JsonObject,
): Promise<{ failed: VerificationProblem[]; warnings: VerificationProblem[] }> {
  const failed: VerificationProblem[] = [];
  const warnings: VerificationProblem[] = [];
  for (const reference of contextReferences(document)) {
    if (BUNDLED_CONTEXTS.has(reference.url)) continue;
    failed.push(
      reference.topLevel
        ? {
            code: 'unknown_context',
            message: `The @context "${reference.url}" is not one this verifier knows; contexts are never fetched`,
            path: reference.path,
          }
        : {
            code: 'remote_context',
            message: `The credential's JSON-LD needs the remote context "${reference.url}"; contexts are never fetched`,
            path: reference.path,
          },
    );
  }
  if (failed.length > 0) return { failed, warnings };
  const { proof: _proof, ...unsecured } = document;
  try {
    await jsonld.expand(unsecured, { documentLoader: contextsOnlyLoader, ...JSONLD_SAFE_MODE });
  } catch (error) {
    const known = findVcError(error);
    if (known instanceof UnknownContextError) {
      failed.push({
        code: 'remote_context',
        message: `The credential's JSON-LD needs the remote context "${known.url}"; contexts are never fetched`,
        path: '@context',
      });
    } else {
      warnings.push({
        code: 'jsonld_invalid',
        message: `The credential is not well-defined JSON-LD: ${jsonLdMessage(error)}`,
      });
    }
  }
  return { failed, warnings };
}

interface ContextReference {
  url: string;
  path: string;
  /** An entry of the document's own `@context` (rather than one reached from inside a context or node). */
  topLevel: boolean;
}

/**
 * Every context URL a document refers to: its `@context` entries, `@import`s and scoped contexts inside
 * inline contexts, and `@context`s embedded in nested nodes. Found statically, because jsonld.js caches
 * processed inline contexts process-wide: an `@import` once resolved by a more permissive loader (a
 * signing test's) would otherwise not reach the verifier's loader again.
 */
function contextReferences(document: JsonObject): ContextReference[] {
  const found: ContextReference[] = [];
  const fromContext = (context: unknown, path: string, topLevel: boolean, depth: number): void => {
    if (depth > 16) return;
    if (typeof context === 'string') {
      found.push({ url: context, path, topLevel });
    } else if (Array.isArray(context)) {
      context.forEach((item, index) => {
        fromContext(item, `${path}[${index}]`, topLevel, depth + 1);
      });
    } else if (isObject(context)) {
      if (typeof context['@import'] === 'string') {
        found.push({ url: context['@import'], path: `${path}.@import`, topLevel: false });
      }
      for (const [term, definition] of Object.entries(context)) {
        if (isObject(definition) && definition['@context'] !== undefined) {
          fromContext(definition['@context'], `${path}.${term}.@context`, false, depth + 1);
        }
      }
    }
  };
  const walk = (node: unknown, path: string, depth: number): void => {
    if (depth > 64) return;
    if (Array.isArray(node)) {
      node.forEach((item, index) => {
        walk(item, `${path}[${index}]`, depth + 1);
      });
    } else if (isObject(node)) {
      for (const [key, value] of Object.entries(node)) {
        const at = path ? `${path}.${key}` : key;
        if (key === '@context') fromContext(value, at, path === '', 0);
        else walk(value, at, depth + 1);
      }
    }
  };
  const { proof: _proof, ...unsecured } = document;
  walk(unsecured, '', 0);
  return found;
}

/**
 * Serves the bundled contexts and nothing else — not even DID documents, which the full loader would
 * resolve (and a `@context` or `@import` naming a did:web must not make the verifier fetch anything).
 */
const contextsOnlyLoader: DocumentLoader = async (url) => {
  const document = BUNDLED_CONTEXTS.get(url);
  if (document === undefined) throw new UnknownContextError(String(url));
  return { contextUrl: null, documentUrl: url, document };
};

function jsonLdMessage(error: unknown): string {
  const event = (error as { details?: { event?: { code?: string; details?: unknown } } }).details?.event;
  if (!event?.code) return errorMessage(error);
  const details = JSON.stringify(event.details ?? {});
  return `${event.code} ${details.length > 200 ? `${details.slice(0, 200)}…` : details}`;
}

async function formatStep(parsed: Parsed, expectedType: 'VerifiableCredential'): Promise<FormatResult> {
  if (!parsed.ok) {
    return {
      step: step('format', 'failed', `The input could not be read as a credential: ${parsed.message}.`, [
        { code: parsed.code, message: parsed.message },
      ]),
      usable: false,
    };
  }
  const { document } = parsed;
  const format = securingOf(parsed);
  const problems: VerificationProblem[] = [];
  if (document['@context'] === undefined) {
    problems.push({ code: 'not_a_credential', message: 'The document has no @context', path: '@context' });
  }
  if (!asList(document.type).includes(expectedType)) {
    problems.push({
      code: 'not_a_credential',
      message: `The document's type does not include ${expectedType}`,
      path: 'type',
    });
  }
  if (problems.length > 0) {
    return {
      step: step('format', 'failed', 'The document is not a verifiable credential.', problems, { format }),
      usable: false,
    };
  }
  const { failed, warnings } = await checkContexts(document);
  const version = dataModelVersion(document);
  const details = { format, dataModel: version ?? null };
  if (failed.length > 0) {
    return {
      step: step(
        'format',
        'failed',
        'The credential uses a JSON-LD context this verifier does not know, so its meaning cannot be checked.',
        failed,
        details,
      ),
      usable: false,
    };
  }
  const model = version ? ` (VC Data Model ${version})` : '';
  const sentence = `The input is ${FORMAT_NAMES[format]}${model}.`;
  if (warnings.length > 0) {
    return {
      step: step(
        'format',
        'warning',
        `${sentence} Some of its terms are not defined by its contexts.`,
        warnings,
        details,
      ),
      usable: true,
    };
  }
  return { step: step('format', 'passed', sentence, [], details), usable: true };
}

function securingOf(parsed: Parsed): CredentialVerificationReport['format'] {
  if (!parsed.ok) return 'unknown';
  if (parsed.kind === 'jwt') return 'vc+jwt';
  return parsed.document.proof !== undefined ? 'data-integrity' : 'unknown';
}

interface ProofResult {
  outcome: 'passed' | 'failed' | 'unknown';
  summary: string;
  problems: VerificationProblem[];
  details: Record<string, unknown>;
  /** The verification methods that signed, with their controllers (when the proof verified). */
  keys: Array<{ verificationMethod: string; controller: string | undefined }>;
  /** A vc+jwt `iss` that is not the issuer (found after the signature verified): an issuer problem. */
  issuerProblem?: VerificationProblem;
}

const PROOF_FAILURE_SUMMARIES: Record<string, string> = {
  no_proof: 'The credential carries no proof, so nothing shows who issued it or that it is unchanged.',
  signature_mismatch:
    'The signature does not match: the credential was changed after it was signed, or signed with another key.',
  unknown_verification_method: "The key named in the proof was not found in the issuer's DID document.",
  malformed_proof: 'The proof is malformed.',
  malformed_proof_value: 'The proof value is not a well-formed Ed25519 signature.',
  unsupported_cryptosuite: 'The proof uses a signature suite this verifier does not support.',
  unsupported_alg: 'The JWT is signed with an algorithm this verifier does not accept (only EdDSA).',
  unsupported_typ: 'The JWT is not typed as a verifiable credential (vc+jwt).',
  malformed_jwt: 'The JWT is malformed.',
  unsupported_key_type: 'The signing key is not an Ed25519 key.',
  verification_method_revoked: 'The signing key has been revoked by its owner.',
  verification_method_not_authorized: 'The signing key is not authorised to issue credentials for its owner.',
  proof_purpose_mismatch: 'The proof was made for another purpose than issuing a credential.',
  proof_expired: 'The proof has expired.',
  canonicalization_failed: 'The credential could not be canonicalised for checking its signature.',
  unknown_context: 'The credential uses a JSON-LD context this verifier does not know.',
  too_many_proofs: 'The credential carries more proofs than this verifier checks.',
};

function proofFailureSummary(code: string): string {
  return PROOF_FAILURE_SUMMARIES[code] ?? 'The proof could not be verified.';
}

function unresolvedResult(session: Session, verificationMethod: string | undefined): ProofResult | undefined {
  if (!verificationMethod) return undefined;
  const did = didOf(verificationMethod);
  const reason = session.unresolvable.get(did);
  if (reason === undefined) return undefined;
  return {
    outcome: 'unknown',
    summary: `Could not check the signature: the issuer's DID ${did} could not be resolved.`,
    problems: [{ code: 'did_resolution_failed', message: `${did} could not be resolved: ${reason}` }],
    details: { verificationMethod },
    keys: [],
  };
}

/** Verifies the securing mechanism of a parsed credential (embedded proofs or the JWS). */
async function verifySecured(
  parsed: Extract<Parsed, { ok: true }>,
  session: Session,
  expectedProofPurpose = 'assertionMethod',
): Promise<ProofResult> {
  if (parsed.kind === 'jwt') return verifyJwt(parsed, session);
  const document = parsed.document;
  const proofs = asList(document.proof);
  if (proofs.length > MAX_PROOFS) {
    return {
      outcome: 'failed',
      summary: proofFailureSummary('too_many_proofs'),
      problems: [
        { code: 'too_many_proofs', message: `${proofs.length} proofs; at most ${MAX_PROOFS} are checked` },
      ],
      details: {},
      keys: [],
    };
  }
  const result = await verifyDataIntegrity({
    document,
    documentLoader: session.loader,
    expectedProofPurpose,
    requireIssuerMatch: false,
    now: session.now,
  });
  const details = {
    proofs: result.proofs.map((proof) => ({
      type: proof.type,
      ...(proof.cryptosuite ? { cryptosuite: proof.cryptosuite } : {}),
      verificationMethod: proof.verificationMethod,
      ...(proof.created ? { created: proof.created } : {}),
      verified: proof.verified,
    })),
  };
  if (!result.verified) {
    const failing = result.proofs.find((proof) => !proof.verified);
    const code = result.failure?.code ?? 'signature_mismatch';
    if (code === 'unknown_verification_method') {
      const unresolved = unresolvedResult(session, failing?.verificationMethod);
      if (unresolved) return { ...unresolved, details: { ...details, ...unresolved.details } };
    }
    return {
      outcome: 'failed',
      summary: proofFailureSummary(code),
      problems: [
        {
          code,
          message: result.failure?.message ?? 'The proof did not verify',
          ...(failing && result.proofs.length > 1 ? { path: `proof[${failing.index}]` } : {}),
        },
      ],
      details,
      keys: [],
    };
  }
  const suites = [...new Set(result.proofs.map((proof) => proof.cryptosuite ?? proof.type))].join(', ');
  return {
    outcome: 'passed',
    summary: `The ${suites} ${result.proofs.length > 1 ? 'proofs are' : 'proof is'} valid: the credential has not been changed since it was signed.`,
    problems: [],
    details,
    keys: result.proofs.map((proof) => ({
      verificationMethod: proof.verificationMethod as string,
      controller: proof.controller,
    })),
  };
}

function listsMethod(document: JsonObject, relationship: string, methodId: string): boolean {
  const did = didOf(methodId);
  const fragment = methodId.slice(did.length);
  return asList(document[relationship]).some((entry) => {
    const id = typeof entry === 'string' ? entry : isObject(entry) ? entry.id : undefined;
    return id === methodId || (fragment !== '' && id === fragment);
  });
}

async function verifyJwt(parsed: Extract<Parsed, { kind: 'jwt' }>, session: Session): Promise<ProofResult> {
  const result = await verifyJwtCredential(parsed.jwt, jwtKeyResolverFromLoader(session.loader), {
    requireIssuerMatch: false,
  });
  const alg = typeof parsed.header.alg === 'string' ? parsed.header.alg : undefined;
  const details: JsonObject = { alg, kid: parsed.header.kid, typ: parsed.header.typ };
  let issuerProblem: VerificationProblem | undefined;
  if (!result.verified) {
    const { code, message } = result.failure;
    if (code === 'issuer_mismatch') {
      // Only reported once the signature has verified: an `iss` that is not the credential's issuer.
      issuerProblem = { code, message };
    } else {
      if (code === 'unknown_verification_method') {
        const issuer = issuerIdOf(parsed.document);
        const kid = typeof parsed.header.kid === 'string' ? parsed.header.kid : undefined;
        const absolute = kid?.startsWith('#') && issuer ? `${issuer}${kid}` : kid;
        const unresolved = unresolvedResult(session, absolute);
        if (unresolved) return { ...unresolved, details: { ...details, ...unresolved.details } };
      }
      return {
        outcome: 'failed',
        summary: proofFailureSummary(code),
        problems: [{ code, message }],
        details,
        keys: [],
      };
    }
  }
  const issuer = issuerIdOf(parsed.document);
  const rawKid = parsed.header.kid as string;
  const kid = rawKid.startsWith('#') && issuer ? `${issuer}${rawKid}` : rawKid;
  // verifyJwtCredential finds the key in any relationship; issuing needs it under assertionMethod.
  let controller: string | undefined;
  try {
    const { document: method } = await session.loader(kid);
    controller = isObject(method) && typeof method.controller === 'string' ? method.controller : didOf(kid);
    const { document: controllerDocument } = await session.loader(didOf(kid));
    if (!isObject(controllerDocument) || !listsMethod(controllerDocument, 'assertionMethod', kid)) {
      return {
        outcome: 'failed',
        summary: proofFailureSummary('verification_method_not_authorized'),
        problems: [
          {
            code: 'verification_method_not_authorized',
            message: `${kid} is not listed under assertionMethod in ${didOf(kid)}`,
          },
        ],
        details,
        keys: [],
      };
    }
  } catch (error) {
    return (
      unresolvedResult(session, kid) ?? {
        outcome: 'failed',
        summary: proofFailureSummary('unknown_verification_method'),
        problems: [{ code: 'unknown_verification_method', message: errorMessage(error) }],
        details,
        keys: [],
      }
    );
  }
  return {
    outcome: 'passed',
    summary: 'The JWS signature (EdDSA) is valid: the credential has not been changed since it was signed.',
    problems: [],
    details,
    keys: [{ verificationMethod: kid, controller }],
    ...(issuerProblem ? { issuerProblem } : {}),
  };
}

/** The signing keys must be the issuer's own: the key's DID and its controller are the issuer id. */
function checkIssuerBinding(
  document: JsonObject,
  proof: ProofResult,
): { outcome: 'passed' | 'failed'; problems: VerificationProblem[]; issuerId?: string } {
  const issuerId = issuerIdOf(document);
  if (!issuerId || !isUrl(issuerId)) {
    return {
      outcome: 'failed',
      problems: [
        { code: 'invalid_issuer', message: 'The credential has no issuer id (a URL)', path: 'issuer' },
      ],
    };
  }
  const problems: VerificationProblem[] = [];
  if (proof.issuerProblem) problems.push(proof.issuerProblem);
  for (const key of proof.keys) {
    if (didOf(key.verificationMethod) !== issuerId || key.controller !== issuerId) {
      problems.push({
        code: 'issuer_mismatch',
        message: `The credential was signed with ${key.verificationMethod} (controlled by ${key.controller ?? 'nobody known'}), which is not a key of the issuer ${issuerId}`,
      });
    }
  }
  return { outcome: problems.length > 0 ? 'failed' : 'passed', problems, issuerId };
}

function issuerStep(document: JsonObject, proof: ProofResult): VerificationStep {
  const binding = checkIssuerBinding(document, proof);
  const name = issuerNameOf(document);
  const who = binding.issuerId ? `${name ? `${name} (${binding.issuerId})` : binding.issuerId}` : '';
  const method = binding.issuerId?.startsWith('did:')
    ? binding.issuerId.split(':').slice(0, 2).join(':')
    : undefined;
  const details = {
    issuerId: binding.issuerId ?? null,
    ...(method ? { didMethod: method } : {}),
    verificationMethods: proof.keys.map((key) => key.verificationMethod),
  };
  if (binding.outcome === 'failed') {
    return step(
      'issuer',
      'failed',
      binding.issuerId
        ? `The credential was not signed by its issuer ${who}: the signing key belongs to someone else.`
        : 'The credential does not name its issuer.',
      binding.problems,
      details,
    );
  }
  const named = name ? ' The name is as the issuer states it.' : '';
  return step(
    'issuer',
    'passed',
    `The credential was signed with a key of its issuer, ${who}.${named}`,
    [],
    details,
  );
}

async function loadStatusList(session: Session, url: string): Promise<LoadedList> {
  let pending = session.lists.get(url);
  if (!pending) {
    pending = (async (): Promise<LoadedList> => {
      let raw: unknown;
      try {
        raw = await session.ports.loadStatusList(url);
      } catch (error) {
        return {
          ok: false,
          code: 'status_list_unavailable',
          message: `The status list ${url} could not be loaded: ${errorMessage(error)}`,
        };
      }
      const parsed = parseDocument(raw);
      if (!parsed.ok) {
        return {
          ok: false,
          code: 'status_list_unverifiable',
          message: `The status list ${url} is not a credential: ${parsed.message}`,
        };
      }
      const contexts = await checkContexts(parsed.document);
      if (contexts.failed.length > 0) {
        return {
          ok: false,
          code: 'status_list_unverifiable',
          message: `The status list ${url} uses unknown contexts: ${contexts.failed.map((p) => p.message).join('; ')}`,
        };
      }
      const proof = await verifySecured(parsed, session);
      if (proof.outcome !== 'passed') {
        const reason = proof.problems.map((problem) => problem.message).join('; ');
        return {
          ok: false,
          code: 'status_list_unverifiable',
          message: `The status list ${url} could not be verified: ${reason}`,
        };
      }
      const binding = checkIssuerBinding(parsed.document, proof);
      if (binding.outcome !== 'passed') {
        return {
          ok: false,
          code: 'status_list_unverifiable',
          message: `The status list ${url} is not signed by its own issuer: ${binding.problems.map((p) => p.message).join('; ')}`,
        };
      }
      return { ok: true, credential: parsed.document };
    })();
    session.lists.set(url, pending);
  }
  // checkStatus then compares the list's issuer with the credential's.
  return pending;
}

async function statusStep(
  document: JsonObject,
  issuerId: string,
  session: Session,
): Promise<{ step: VerificationStep; statuses: StatusResult[] }> {
  const entries = asList(document.credentialStatus);
  if (entries.length === 0) {
    return {
      step: step(
        'status',
        'skipped',
        'The credential has no status information, so it cannot be revoked or suspended.',
      ),
      statuses: [],
    };
  }
  const statuses: StatusResult[] = [];
  const outcomes: StepOutcome[] = [];
  const problems: VerificationProblem[] = [];
  for (const [index, entry] of entries.entries()) {
    const path = Array.isArray(document.credentialStatus) ? `credentialStatus[${index}]` : 'credentialStatus';
    const purpose =
      isObject(entry) && typeof entry.statusPurpose === 'string' ? entry.statusPurpose : 'unknown';
    const listUrl =
      isObject(entry) && typeof entry.statusListCredential === 'string'
        ? entry.statusListCredential
        : undefined;
    const listIndex =
      isObject(entry) && typeof entry.statusListIndex === 'string' && /^\d+$/.test(entry.statusListIndex)
        ? Number(entry.statusListIndex)
        : undefined;
    const result: StatusResult = {
      purpose,
      state: 'unknown',
      ...(listUrl ? { statusListCredential: listUrl } : {}),
      ...(listIndex !== undefined ? { statusListIndex: listIndex } : {}),
    };
    statuses.push(result);
    const report = (outcome: StepOutcome, code?: string, message?: string) => {
      outcomes.push(outcome);
      if (code && message) problems.push({ code, message, path });
    };
    if (index >= MAX_STATUS_ENTRIES) {
      report(
        'unknown',
        'too_many_status_entries',
        `Only the first ${MAX_STATUS_ENTRIES} status entries are checked`,
      );
      continue;
    }
    if (!isObject(entry) || entry.type !== BITSTRING_STATUS_LIST_ENTRY) {
      const type = isObject(entry) ? JSON.stringify(entry.type) : 'none';
      report('unknown', 'unsupported_status_type', `Status entries of type ${type} cannot be checked here`);
      continue;
    }
    if (!listUrl) {
      report('failed', 'malformed_entry', 'The status entry has no statusListCredential URL');
      continue;
    }
    const list = await loadStatusList(session, listUrl);
    if (!list.ok) {
      report('unknown', list.code, list.message);
      continue;
    }
    const check = checkStatus({
      entry,
      listCredential: list.credential,
      expectedIssuer: issuerId,
      now: session.now,
    });
    if (!check.ok) {
      // A malformed entry is the credential's own (signed) mistake; anything about the list is "could not check".
      report(check.reason === 'malformed_entry' ? 'failed' : 'unknown', check.reason, check.message);
      continue;
    }
    if (!check.set) {
      result.state = 'active';
      report('passed');
    } else if (check.purpose === 'revocation') {
      result.state = 'revoked';
      report(
        'failed',
        'revoked',
        `The issuer has revoked this credential (${listUrl}, index ${check.index})`,
      );
    } else if (check.purpose === 'suspension') {
      result.state = 'suspended';
      report(
        'failed',
        'suspended',
        `The issuer has suspended this credential (${listUrl}, index ${check.index})`,
      );
    } else {
      result.state = 'set';
      report(
        'warning',
        'status_set',
        `The issuer set the "${check.purpose}" status, which this verifier does not interpret`,
      );
    }
  }
  const outcome = worst(outcomes);
  const states = statuses.map((s) => s.state);
  let summary: string;
  if (states.includes('revoked')) summary = 'The issuer has revoked this credential.';
  else if (states.includes('suspended')) summary = 'The issuer has suspended this credential.';
  else if (outcome === 'failed') summary = "The credential's status information is malformed.";
  else if (outcome === 'unknown')
    summary = 'Could not check whether the credential has been revoked or suspended.';
  else {
    const purposes = statuses.filter((s) => s.state === 'active').map((s) => s.purpose);
    const said =
      purposes.includes('revocation') && purposes.includes('suspension')
        ? 'Not revoked and not suspended'
        : purposes.includes('revocation')
          ? 'Not revoked'
          : purposes.includes('suspension')
            ? 'Not suspended'
            : 'No status is set';
    summary = `${said}, according to the issuer's signed status list.`;
  }
  return { step: step('status', outcome, summary, problems, { statuses }), statuses };
}

/** A date as people read it in a summary: ISO 8601 in UTC, without zero milliseconds. */
function display(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}

function validityStep(parsed: Extract<Parsed, { ok: true }>, now: Date): VerificationStep {
  const document = parsed.document;
  const version: DataModelVersion | undefined = dataModelVersion(document);
  const [fromKey, untilKey] =
    version === '1.1' ? ['issuanceDate', 'expirationDate'] : ['validFrom', 'validUntil'];
  const problems: VerificationProblem[] = [];
  const read = (key: string): Date | undefined => {
    const value = document[key];
    if (value === undefined) return undefined;
    if (!isDateTimeStamp(value)) {
      problems.push({
        code: 'invalid_date',
        message: `${key} is not a date-time with a time zone`,
        path: key,
      });
      return undefined;
    }
    return new Date(value);
  };
  let from = read(fromKey);
  let until = read(untilKey);
  if (parsed.kind === 'jwt') {
    // JWT claims, when present, bound the validity too (seconds since the epoch).
    const { nbf, exp } = parsed.document;
    if (typeof nbf === 'number' && (!from || nbf * 1000 > from.getTime())) from = new Date(nbf * 1000);
    if (typeof exp === 'number' && (!until || exp * 1000 < until.getTime())) until = new Date(exp * 1000);
  }
  const details = {
    ...(from ? { validFrom: from.toISOString() } : {}),
    ...(until ? { validUntil: until.toISOString() } : {}),
    checkedAt: now.toISOString(),
  };
  if (problems.length > 0) {
    return step('validity', 'failed', "The credential's validity dates are malformed.", problems, details);
  }
  if (from && until && from.getTime() > until.getTime()) {
    return step(
      'validity',
      'failed',
      "The credential's validity period ends before it begins.",
      [{ code: 'invalid_validity_period', message: `${untilKey} is before ${fromKey}`, path: untilKey }],
      details,
    );
  }
  if (from && from.getTime() > now.getTime()) {
    return step(
      'validity',
      'failed',
      `The credential is not valid yet: it is valid only from ${display(from)}.`,
      [{ code: 'not_yet_valid', message: `Valid only from ${from.toISOString()}`, path: fromKey }],
      details,
    );
  }
  if (until && until.getTime() < now.getTime()) {
    return step(
      'validity',
      'failed',
      `The credential expired on ${display(until)}.`,
      [{ code: 'expired', message: `Expired on ${until.toISOString()}`, path: untilKey }],
      details,
    );
  }
  const since = from ? `Valid since ${display(from)}` : 'Valid';
  const end = until ? `, until ${display(until)}.` : '; it does not expire.';
  return step('validity', 'passed', `${since}${end}`, [], details);
}

const OB_TYPES = ['OpenBadgeCredential', 'AchievementCredential'];
const OB_SCHEMA_TYPE = OB_ACHIEVEMENT_CREDENTIAL_SCHEMA.type;
const OB_SCHEMA_URL =
  /^https:\/\/purl\.imsglobal\.org\/spec\/ob\/v3p0\/schema\/json\/ob_v3p0_achievementcredential_schema\.json$/;
const CLR_SCHEMA_URL =
  /^https:\/\/purl\.imsglobal\.org\/spec\/clr\/v2p0\/schema\/json\/clr_v2p0_clrcredential_schema\.json$/;

function schemaStep(document: JsonObject): VerificationStep {
  const problems: VerificationProblem[] = checkCredentialDataModel(document).map((problem) => ({
    code: problem.code,
    message: problem.message,
    path: problem.path,
  }));
  const isOpenBadge = asList(document.type).some((type) => OB_TYPES.includes(type as string));
  if (isOpenBadge) {
    for (const problem of checkOpenBadgeShape(document)) {
      problems.push({
        code: 'open_badges_shape',
        message: `${problem.path} ${problem.message}`,
        path: problem.path,
      });
    }
  }
  const isClr = isClrCredential(document);
  if (isClr) {
    for (const problem of checkClrShape(document)) {
      problems.push({ code: 'clr_shape', message: `${problem.path} ${problem.message}`, path: problem.path });
    }
    const count = embeddedCredentialsOf(document).length;
    if (count > MAX_PRESENTED_CREDENTIALS) {
      problems.push({
        code: 'too_many_credentials',
        message: `The CLR embeds ${count} credentials; at most ${MAX_PRESENTED_CREDENTIALS} are checked`,
        path: 'credentialSubject.verifiableCredential',
      });
    }
  }
  // credentialSchema: JSON Schemas are not fetched, and the 1EdTech ones are not bundled. The OB 3.0
  // AchievementCredential schema is applied through its hand-written equivalent (checkOpenBadgeShape).
  const schemas = asList(document.credentialSchema)
    .filter(isObject)
    .map((schema) => {
      const covered =
        schema.type === OB_SCHEMA_TYPE &&
        typeof schema.id === 'string' &&
        ((isOpenBadge && OB_SCHEMA_URL.test(schema.id)) || (isClr && CLR_SCHEMA_URL.test(schema.id)));
      return {
        id: schema.id,
        type: schema.type,
        outcome: 'skipped' as StepOutcome,
        summary: covered
          ? `The ${isClr ? 'CLR 2.0' : 'OB 3.0'} JSON Schema file is not bundled and is never fetched; Credstack's built-in equivalent of it was applied instead.`
          : 'This JSON Schema is not bundled and is never fetched, so it was not applied.',
        covered,
      };
    });
  const uncovered = schemas.filter((schema) => !schema.covered);
  const details = {
    dataModel: dataModelVersion(document) ?? null,
    openBadges: isOpenBadge,
    clr: isClr,
    credentialSchema: schemas.map(({ covered: _covered, ...rest }) => rest),
  };
  const model = `the VC Data Model${isOpenBadge ? ' and the Open Badges 3.0 data model' : isClr ? ' and the CLR 2.0 data model' : ''}`;
  if (problems.length > 0) {
    return step('schema', 'failed', `The credential does not follow ${model}.`, problems, details);
  }
  if (uncovered.length > 0) {
    return step(
      'schema',
      'warning',
      `The credential follows ${model}. The JSON Schema${uncovered.length > 1 ? 's' : ''} it names could not be applied: schemas are never fetched.`,
      uncovered.map((schema) => ({
        code: 'schema_not_checked',
        message: `${String(schema.id)} (${String(schema.type)}) was not applied`,
        path: 'credentialSchema',
      })),
      details,
    );
  }
  return step('schema', 'passed', `The credential follows ${model}.`, [], details);
}

function skipped(id: VerificationStepId, why: string): VerificationStep {
  return step(id, 'skipped', `Not checked: ${why}`);
}

// ---------------------------------------------------------------------------------------------------
// Credentials and presentations

async function guarded(id: VerificationStepId, run: () => Promise<VerificationStep> | VerificationStep) {
  try {
    return await run();
  } catch (error) {
    return step(id, 'unknown', 'This check could not be completed because of an internal error.', [
      { code: 'internal_error', message: errorMessage(error) },
    ]);
  }
}

async function verifyCredentialIn(
  session: Session,
  input: unknown,
  nested = false,
): Promise<CredentialVerificationReport> {
  const parsed = parseDocument(input);
  const steps: VerificationStep[] = [];
  let statuses: StatusResult[] = [];
  const format = securingOf(parsed);
  const { step: formatResult, usable } = await formatStep(parsed, 'VerifiableCredential').catch(
    (error: unknown) => ({
      step: step(
        'format',
        'unknown',
        'The credential format could not be checked because of an internal error.',
        [{ code: 'internal_error', message: errorMessage(error) }],
      ),
      usable: false,
    }),
  );
  steps.push(formatResult);
  const document = parsed.ok ? parsed.document : null;
  const isCredential = document !== null && asList(document.type).includes('VerifiableCredential');

  if (!parsed.ok || !usable) {
    const why = parsed.ok ? 'the credential format check failed.' : 'the input could not be read.';
    steps.push(skipped('proof', why), skipped('issuer', why), skipped('status', why));
  } else {
    let proof: ProofResult | undefined;
    const proofStep = await guarded('proof', async () => {
      proof = await verifySecured(parsed, session);
      return step('proof', proof.outcome, proof.summary, proof.problems, proof.details);
    });
    steps.push(proofStep);
    const verifiedProof = proofStep.outcome === 'passed' ? proof : undefined;
    const issuer = verifiedProof
      ? await guarded('issuer', () => issuerStep(parsed.document, verifiedProof))
      : skipped(
          'issuer',
          proofStep.outcome === 'unknown'
            ? 'the signature could not be checked, so the signing key is not established.'
            : 'the signature did not verify, so the signing key is not established.',
        );
    steps.push(issuer);
    if (issuer.outcome === 'passed') {
      const issuerId = issuerIdOf(parsed.document) as string;
      steps.push(
        await guarded('status', async () => {
          const result = await statusStep(parsed.document, issuerId, session);
          statuses = result.statuses;
          return result.step;
        }),
      );
    } else {
      steps.push(
        skipped(
          'status',
          "the credential is not verified as its issuer's, so its status lists are not consulted.",
        ),
      );
    }
  }

  if (parsed.ok && isCredential) {
    steps.push(await guarded('validity', () => validityStep(parsed, session.now)));
    steps.push(await guarded('schema', () => schemaStep(parsed.document)));
  } else {
    const why = parsed.ok ? 'the document is not a verifiable credential.' : 'the input could not be read.';
    steps.push(skipped('validity', why), skipped('schema', why));
  }

  // A CLR's embedded credentials are verified one by one (a CLR inside a CLR is not opened: one level only).
  let embedded: CredentialVerificationReport[] | undefined;
  if (parsed.ok && isCredential && !nested && isClrCredential(parsed.document)) {
    const inner = embeddedCredentialsOf(parsed.document);
    embedded = [];
    if (inner.length <= MAX_PRESENTED_CREDENTIALS) {
      for (const credential of inner) {
        embedded.push(
          await verifyCredentialIn(session, credential, true).catch((error) =>
            internalErrorReport(session.now, error),
          ),
        );
      }
    }
  }

  const issuerId = document ? issuerIdOf(document) : undefined;
  const issuerName = document ? issuerNameOf(document) : undefined;
  return {
    verdict: verdictOf(
      steps,
      (embedded ?? []).map((report) => report.verdict),
    ),
    checkedAt: session.now.toISOString(),
    format,
    credential: document,
    issuer: issuerId ? { id: issuerId, ...(issuerName ? { name: issuerName } : {}) } : null,
    statuses,
    steps: STEP_ORDER.map((id) => steps.find((s) => s.id === id) as VerificationStep),
    ...(embedded ? { embedded } : {}),
  };
}

function internalErrorReport(now: Date, error: unknown): CredentialVerificationReport {
  const steps = STEP_ORDER.map((id) =>
    id === 'format'
      ? step(id, 'unknown', 'The credential could not be checked because of an internal error.', [
          { code: 'internal_error', message: errorMessage(error) },
        ])
      : skipped(id, 'an internal error stopped the verification.'),
  );
  return {
    verdict: 'unknown',
    checkedAt: now.toISOString(),
    format: 'unknown',
    credential: null,
    issuer: null,
    statuses: [],
    steps,
  };
}

function currentTime(ports: VerifierPorts): Date {
  try {
    const now = ports.now();
    if (now instanceof Date && !Number.isNaN(now.getTime())) return now;
  } catch {
    // fall through
  }
  return new Date();
}

async function presentationSteps(
  input: { presentation: unknown; challenge?: string; domain?: string },
  session: Session,
): Promise<{ steps: VerificationStep[]; credentials: unknown[] }> {
  let document: unknown = input.presentation;
  if (typeof document === 'string') {
    const text = document.trim();
    if (COMPACT_JWS.test(text)) {
      return {
        steps: [
          step(
            'format',
            'failed',
            'JWT-encoded presentations (vp+jwt) are not supported; send a JSON presentation.',
            [{ code: 'unsupported_format', message: 'vp+jwt presentations are not supported' }],
          ),
          step('proof', 'skipped', 'Not checked: the presentation could not be read.'),
        ],
        credentials: [],
      };
    }
    try {
      document = JSON.parse(text);
    } catch (error) {
      document = undefined;
      return {
        steps: [
          step('format', 'failed', 'The input is not valid JSON.', [
            { code: 'invalid_json', message: errorMessage(error) },
          ]),
          step('proof', 'skipped', 'Not checked: the presentation could not be read.'),
        ],
        credentials: [],
      };
    }
  }
  let vp: JsonObject;
  try {
    if (!isObject(document)) throw new Error('not a JSON object');
    vp = jsonCopy(document) as JsonObject;
  } catch (error) {
    return {
      steps: [
        step('format', 'failed', 'The input is not a presentation (a JSON object).', [
          { code: 'not_an_object', message: errorMessage(error) },
        ]),
        step('proof', 'skipped', 'Not checked: the presentation could not be read.'),
      ],
      credentials: [],
    };
  }
  const problems: VerificationProblem[] = checkPresentationDataModel(vp).map((p) => ({ ...p }));
  const credentials = asList(vp.verifiableCredential);
  if (credentials.length > MAX_PRESENTED_CREDENTIALS) {
    problems.push({
      code: 'too_many_credentials',
      message: `${credentials.length} credentials; at most ${MAX_PRESENTED_CREDENTIALS} are checked`,
      path: 'verifiableCredential',
    });
  }
  for (const [index, url] of asList(vp['@context']).entries()) {
    if (typeof url !== 'string' || BUNDLED_CONTEXTS.has(url)) continue;
    problems.push({
      code: 'unknown_context',
      message: `The @context "${url}" is not one this verifier knows; contexts are never fetched`,
      path: `@context[${index}]`,
    });
  }
  if (problems.length > 0) {
    return {
      steps: [
        step('format', 'failed', 'The document is not a well-formed verifiable presentation.', problems),
        step('proof', 'skipped', 'Not checked: the presentation format check failed.'),
      ],
      credentials: credentials.length > MAX_PRESENTED_CREDENTIALS ? [] : credentials,
    };
  }
  const version = dataModelVersion(vp);
  const formatDone = step(
    'format',
    'passed',
    `The input is a verifiable presentation (VC Data Model ${version}) with ${credentials.length} credential${credentials.length === 1 ? '' : 's'}.`,
    [],
    { dataModel: version ?? null, credentials: credentials.length },
  );
  const proofDone = await guarded('proof', () => holderProofStep(vp, input, session));
  return { steps: [formatDone, proofDone], credentials };
}

async function holderProofStep(
  vp: JsonObject,
  input: { challenge?: string; domain?: string },
  session: Session,
): Promise<VerificationStep> {
  const proofs = asList(vp.proof);
  const asked = input.challenge !== undefined || input.domain !== undefined;
  if (proofs.length === 0) {
    if (asked) {
      return step(
        'proof',
        'failed',
        'The presentation is not signed by its holder, so the challenge cannot be confirmed.',
        [{ code: 'no_proof', message: 'The presentation has no proof' }],
      );
    }
    return step(
      'proof',
      'warning',
      'The presentation is not signed by its holder; only the credentials in it were checked.',
      [{ code: 'unsigned_presentation', message: 'The presentation has no proof' }],
    );
  }
  const result = await verifySecured({ ok: true, kind: 'object', document: vp }, session, 'authentication');
  if (result.outcome !== 'passed') {
    return step(
      'proof',
      result.outcome,
      result.outcome === 'unknown' ? result.summary : `The holder's proof does not verify. ${result.summary}`,
      result.problems,
      result.details,
    );
  }
  const problems: VerificationProblem[] = [];
  for (const [index, proof] of proofs.entries()) {
    const path = proofs.length > 1 ? `proof[${index}]` : 'proof';
    const value = proof as JsonObject;
    if (input.challenge !== undefined && value.challenge !== input.challenge) {
      problems.push({
        code: 'challenge_mismatch',
        message:
          value.challenge === undefined
            ? 'The proof carries no challenge'
            : `The proof's challenge is not the one this verifier issued`,
        path: `${path}.challenge`,
      });
    }
    if (input.domain !== undefined && !asList(value.domain).includes(input.domain)) {
      problems.push({
        code: 'domain_mismatch',
        message: `The proof is not bound to the domain "${input.domain}"`,
        path: `${path}.domain`,
      });
    }
  }
  const holder = typeof vp.holder === 'string' ? vp.holder : isObject(vp.holder) ? vp.holder.id : undefined;
  if (typeof holder === 'string') {
    for (const key of result.keys) {
      if (key.controller !== holder || didOf(key.verificationMethod) !== holder) {
        problems.push({
          code: 'holder_mismatch',
          message: `The presentation was signed with ${key.verificationMethod}, not a key of its holder ${holder}`,
          path: 'holder',
        });
      }
    }
  }
  const details = {
    ...result.details,
    holder: holder ?? null,
    challenge: input.challenge ?? null,
    domain: input.domain ?? null,
  };
  if (problems.length > 0) {
    const replay = problems.some((p) => p.code === 'challenge_mismatch' || p.code === 'domain_mismatch');
    return step(
      'proof',
      'failed',
      replay
        ? "The holder's proof was not made for this request (challenge or domain differ): it may be a replay."
        : 'The presentation was not signed by its holder.',
      problems,
      details,
    );
  }
  const bound = asked ? " and answers this request's challenge" : '';
  return step(
    'proof',
    'passed',
    `The holder's proof is valid${bound}${holder ? `; signed by the holder ${holder}` : ''}.`,
    [],
    details,
  );
}

/**
 * Builds a verifier over its ports. Each call keeps its own caches (a DID or status list is resolved once
 * per verification) and never throws.
 */
export function createVerifier(ports: VerifierPorts) {
  return {
    async verifyCredential(input: { credential: unknown }): Promise<CredentialVerificationReport> {
      const now = currentTime(ports);
      try {
        return await verifyCredentialIn(new Session(ports, now), input?.credential);
      } catch (error) {
        return internalErrorReport(now, error);
      }
    },

    async verifyPresentation(input: {
      presentation: unknown;
      challenge?: string;
      domain?: string;
    }): Promise<PresentationVerificationReport> {
      const now = currentTime(ports);
      const session = new Session(ports, now);
      try {
        const { steps, credentials } = await presentationSteps(input ?? { presentation: undefined }, session);
        const reports: CredentialVerificationReport[] = [];
        for (const credential of credentials) {
          reports.push(
            await verifyCredentialIn(session, credential).catch((error) => internalErrorReport(now, error)),
          );
        }
        return {
          verdict: verdictOf(
            steps,
            reports.map((report) => report.verdict),
          ),
          checkedAt: now.toISOString(),
          steps,
          credentials: reports,
        };
      } catch (error) {
        return {
          verdict: 'unknown',
          checkedAt: now.toISOString(),
          steps: [
            step('format', 'unknown', 'The presentation could not be checked because of an internal error.', [
              { code: 'internal_error', message: errorMessage(error) },
            ]),
            skipped('proof', 'an internal error stopped the verification.'),
          ],
          credentials: [],
        };
      }
    },
  };
}

export type Verifier = ReturnType<typeof createVerifier>;

// ---------------------------------------------------------------------------------------------------
// Plain text

const MARKS: Record<StepOutcome, string> = {
  passed: 'PASS',
  failed: 'FAIL',
  unknown: '????',
  skipped: 'SKIP',
  warning: 'WARN',
};

const VERDICT_LINES: Record<Verdict, string> = {
  valid: 'VALID: every check passed.',
  invalid: 'INVALID: at least one check failed.',
  unknown: 'COULD NOT CHECK: no check failed, but at least one could not be completed.',
};

function stepLines(steps: readonly VerificationStep[], indent = ''): string[] {
  const lines: string[] = [];
  for (const item of steps) {
    lines.push(`${indent}[${MARKS[item.outcome]}] ${item.title}: ${item.summary}`);
    for (const problem of item.problems) {
      lines.push(
        `${indent}       - ${problem.code}: ${problem.message}${problem.path ? ` (at ${problem.path})` : ''}`,
      );
    }
  }
  return lines;
}

/** The step log as plain text, for the CLI: the verdict, what was checked, then one line per step. */
export function formatReportText(report: CredentialVerificationReport): string {
  const lines = [`Verdict: ${VERDICT_LINES[report.verdict]}`, `Checked at: ${report.checkedAt}`];
  lines.push(`Format: ${report.format}`);
  if (report.issuer) {
    lines.push(
      `Issuer: ${report.issuer.name ? `${report.issuer.name} (${report.issuer.id})` : report.issuer.id}`,
    );
  }
  for (const status of report.statuses) {
    const where =
      status.statusListCredential !== undefined
        ? ` (${status.statusListCredential}${status.statusListIndex !== undefined ? `, index ${status.statusListIndex}` : ''})`
        : '';
    lines.push(`Status (${status.purpose}): ${status.state}${where}`);
  }
  lines.push('', ...stepLines(report.steps));
  (report.embedded ?? []).forEach((credential, index) => {
    lines.push(
      '',
      `Embedded credential ${index + 1}:`,
      ...formatReportText(credential)
        .trimEnd()
        .split('\n')
        .map((line) => `  ${line}`),
    );
  });
  return `${lines.join('\n')}\n`;
}

/** A presentation's report as plain text: its own steps, then each credential's. */
export function formatPresentationReportText(report: PresentationVerificationReport): string {
  const lines = [
    `Verdict: ${VERDICT_LINES[report.verdict]}`,
    `Checked at: ${report.checkedAt}`,
    '',
    ...stepLines(report.steps),
  ];
  report.credentials.forEach((credential, index) => {
    lines.push(
      '',
      `Credential ${index + 1}:`,
      ...formatReportText(credential)
        .trimEnd()
        .split('\n')
        .map((line) => `  ${line}`),
    );
  });
  return `${lines.join('\n')}\n`;
}
