import { driver as didKeyDriver } from '@digitalbazaar/did-method-key';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { VcError } from './errors.ts';
import { decodeEd25519PublicKeyMultibase } from './keys.ts';

/**
 * DIDs for issuers. did:key is self-describing and resolved offline (the Digital Bazaar driver derives
 * the document from the key). did:web names an organisation under the platform's public URL; its
 * document lists every key the organisation ever signed with, so credentials signed before a key
 * rotation keep verifying.
 */

const DID_V1 = 'https://www.w3.org/ns/did/v1';
const MULTIKEY_V1 = 'https://w3id.org/security/multikey/v1';

const driver = didKeyDriver();
driver.use({ multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from });

/** `did:key:z6Mk…` for an Ed25519 public key. */
export function didKeyFor(publicKeyMultibase: string): string {
  decodeEd25519PublicKeyMultibase(publicKeyMultibase);
  return `did:key:${publicKeyMultibase}`;
}

/** The verification method id a did:key signs with: `did:key:z6Mk…#z6Mk…`. */
export function didKeyVerificationMethodId(publicKeyMultibase: string): string {
  return `${didKeyFor(publicKeyMultibase)}#${publicKeyMultibase}`;
}

/**
 * Resolves an Ed25519 did:key (no fragment) to its DID document, offline. Returns `null` for anything
 * that is not a well-formed Ed25519 did:key.
 */
export async function resolveDidKey(did: string): Promise<Record<string, unknown> | null> {
  const match = /^did:key:(z6Mk[1-9A-HJ-NP-Za-km-z]+)$/.exec(did);
  if (!match) return null;
  try {
    decodeEd25519PublicKeyMultibase(match[1] as string);
    return await driver.get({ did });
  } catch {
    return null;
  }
}

/** The did:key DID document for a public key (offline). */
export async function didKeyDocument(publicKeyMultibase: string): Promise<Record<string, unknown>> {
  const document = await resolveDidKey(didKeyFor(publicKeyMultibase));
  if (!document) throw new VcError('invalid_key', 'Not an Ed25519 public key');
  return document;
}

// did:web — https://w3c-ccg.github.io/did-method-web/

const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

function encodeSegment(segment: string): string {
  // Keep the DID idchar set (ALPHA / DIGIT / "." / "-" / "_"); percent-encode everything else.
  return encodeURIComponent(segment).replace(
    /[!'()*~]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * The did:web of an organisation: `did:web:<host>[%3A<port>][:<base path segments>]:orgs:<slug>`. The port
 * colon is percent-encoded as the did:web spec requires; a PUBLIC_URL with a path prefix keeps it.
 */
export function didWebFor(publicUrl: URL, slug: string): string {
  if (!SLUG_PATTERN.test(slug)) throw new VcError('invalid_did', `Not a valid organisation slug: "${slug}"`);
  const host = publicUrl.port ? `${publicUrl.hostname}:${publicUrl.port}` : publicUrl.hostname;
  const pathSegments = publicUrl.pathname.split('/').filter((segment) => segment !== '');
  return ['did:web', encodeSegment(host), ...pathSegments.map(encodeSegment), 'orgs', slug].join(':');
}

/**
 * Where a did:web document lives: `did:web:example.com:orgs:acme` → `https://example.com/orgs/acme/did.json`,
 * a bare domain → `/.well-known/did.json`. `protocol: 'http:'` is for local development only.
 */
export function didWebToUrl(did: string, options: { protocol?: 'https:' | 'http:' } = {}): URL {
  const match = /^did:web:([^#?/]+)$/.exec(did);
  if (!match) throw new VcError('invalid_did', `Not a did:web without fragment: "${did}"`);
  const [hostPart, ...pathParts] = (match[1] as string).split(':');
  let host: string;
  let segments: string[];
  try {
    host = decodeURIComponent(hostPart as string);
    segments = pathParts.map((part) => decodeURIComponent(part));
  } catch (error) {
    throw new VcError('invalid_did', `Malformed percent-encoding in "${did}"`, { cause: error });
  }
  if (host === '' || /[/@\s]/.test(host) || segments.some((s) => s === '' || s.includes('/') || s === '..')) {
    throw new VcError('invalid_did', `Not a valid did:web: "${did}"`);
  }
  const path =
    segments.length === 0 ? '/.well-known/did.json' : `/${segments.map(encodeSegment).join('/')}/did.json`;
  const url = new URL(`${options.protocol ?? 'https:'}//${host}${path}`);
  if (url.host !== host.toLowerCase() && url.host !== host) {
    throw new VcError('invalid_did', `Not a valid did:web host: "${host}"`);
  }
  return url;
}

/** One key of an organisation's DID document. */
export interface DidKeyEntry {
  /** Fragment (`key-1`) or absolute id (`did:web:…#key-1`). */
  id: string;
  publicKeyMultibase: string;
  /**
   * When the key was revoked (compromised), as an XML dateTime. A revoked key stays listed (with
   * `revoked`) but is dropped from `assertionMethod` and `authentication`, so its signatures fail.
   * A key that is merely retired after a rotation is not revoked: it stays an assertion method.
   */
  revoked?: string;
}

/**
 * Builds the DID document of an organisation: every key as a Multikey verification method controlled
 * by the DID, and every non-revoked key under `assertionMethod` (signing credentials) and
 * `authentication`. Rotation adds a key; old keys stay so earlier credentials still verify.
 */
export function buildDidDocument(options: {
  did: string;
  keys: readonly DidKeyEntry[];
  /** Extra controllers of the document (e.g. a platform DID), besides the DID itself. */
  controller?: string | readonly string[];
  alsoKnownAs?: readonly string[];
}): Record<string, unknown> {
  const { did } = options;
  if (!did.startsWith('did:')) throw new VcError('invalid_did', `Not a DID: "${did}"`);
  const seen = new Set<string>();
  const methods = options.keys.map((key) => {
    decodeEd25519PublicKeyMultibase(key.publicKeyMultibase);
    const id = key.id.includes('#') ? key.id : `${did}#${key.id}`;
    if (!id.startsWith(`${did}#`)) throw new VcError('invalid_input', `Key id "${id}" is not under ${did}`);
    if (seen.has(id)) throw new VcError('invalid_input', `Duplicate key id "${id}"`);
    seen.add(id);
    return {
      id,
      type: 'Multikey',
      controller: did,
      publicKeyMultibase: key.publicKeyMultibase,
      ...(key.revoked ? { revoked: key.revoked } : {}),
    };
  });
  const active = methods.filter((method) => !('revoked' in method)).map((method) => method.id);
  const controllers = options.controller === undefined ? [] : [options.controller].flat();
  return {
    '@context': [DID_V1, MULTIKEY_V1],
    id: did,
    ...(controllers.length > 0 ? { controller: [did, ...controllers.filter((c) => c !== did)] } : {}),
    ...(options.alsoKnownAs?.length ? { alsoKnownAs: [...options.alsoKnownAs] } : {}),
    verificationMethod: methods,
    assertionMethod: active,
    authentication: active,
  };
}

/** Chains resolvers: the first non-null answer wins. */
export function composeDidResolvers(
  ...resolvers: Array<(did: string) => Promise<Record<string, unknown> | null>>
): (did: string) => Promise<Record<string, unknown> | null> {
  return async (did) => {
    for (const resolver of resolvers) {
      const document = await resolver(did);
      if (document) return document;
    }
    return null;
  };
}
