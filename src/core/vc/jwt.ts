import { compactVerify, decodeProtectedHeader, importJWK, type JWK, errors as joseErrors } from 'jose';
import type { DocumentLoader } from './contexts.ts';
import { VcError } from './errors.ts';
import { ed25519PublicKeyToJwk } from './keys.ts';
import type { Signer } from './signer.ts';

/**
 * VC-JOSE (https://www.w3.org/TR/vc-jose-cose/): a VC 2.0 credential secured as a compact JWS whose
 * payload is the credential itself, header `{alg: 'EdDSA', typ: 'vc+jwt', cty: 'vc', kid}`. Signing goes
 * through the {@link Signer} port (JOSE libraries want raw keys, so the JWS is assembled here: it is two
 * base64url strings and a signature); verification uses `jose` and accepts EdDSA only.
 */

type JsonObject = Record<string, unknown>;

function base64url(value: string | Uint8Array): string {
  return Buffer.from(value).toString('base64url');
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function issuerIdOf(credential: JsonObject): string | undefined {
  const issuer = credential.issuer;
  if (typeof issuer === 'string') return issuer;
  if (isObject(issuer) && typeof issuer.id === 'string') return issuer.id;
  return undefined;
}

/**
 * Secures a credential as `vc+jwt`. The credential must be unsecured (no embedded `proof`): a JWS
 * already secures the whole payload.
 */
export async function signJwtCredential(options: {
  credential: JsonObject;
  signer: Signer;
}): Promise<string> {
  const { credential, signer } = options;
  if (!isObject(credential)) throw new VcError('invalid_input', 'The credential must be a JSON object');
  if ('proof' in credential) {
    throw new VcError('invalid_input', 'A vc+jwt payload must not carry an embedded proof');
  }
  const types = Array.isArray(credential.type) ? credential.type : [credential.type];
  if (!types.includes('VerifiableCredential') || !Array.isArray(credential['@context'])) {
    throw new VcError('invalid_input', 'The payload must be a credential with @context and type');
  }
  if (signer.algorithm !== 'Ed25519') {
    throw new VcError('invalid_input', `The signer's algorithm "${String(signer.algorithm)}" is not Ed25519`);
  }
  const header = { alg: 'EdDSA', typ: 'vc+jwt', cty: 'vc', kid: signer.id };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(credential))}`;
  const signature = await signer.sign({ data: new TextEncoder().encode(signingInput) });
  return `${signingInput}.${base64url(signature)}`;
}

/** A public key for a `kid`: a Multikey or JsonWebKey verification method, and who controls it. */
export interface ResolvedJwtKey {
  publicKeyMultibase?: string;
  publicKeyJwk?: JsonObject;
  controller?: string;
  revoked?: unknown;
}

export type JwtKeyResolver = (kid: string) => Promise<ResolvedJwtKey | null>;

export type JwtFailureCode =
  /** Not three base64url parts, a header or payload that is not JSON, or no `kid`. */
  | 'malformed_jwt'
  /** `alg` is not EdDSA (including `none`). */
  | 'unsupported_alg'
  /** `typ` is present and not `vc+jwt`, or `cty` is present and not `vc`. */
  | 'unsupported_typ'
  /** The payload is not a credential. */
  | 'invalid_payload'
  /** The `kid` could not be resolved to a key. */
  | 'unknown_verification_method'
  /** The key is not Ed25519. */
  | 'unsupported_key_type'
  /** The key has been revoked. */
  | 'verification_method_revoked'
  /** The signature does not match. */
  | 'signature_mismatch'
  /** The key's controller (or `iss`) is not the credential's issuer. */
  | 'issuer_mismatch';

export type JwtVerification =
  | { verified: true; credential: JsonObject; header: JsonObject; kid: string }
  | { verified: false; failure: { code: JwtFailureCode; message: string } };

function failure(code: JwtFailureCode, message: string): JwtVerification {
  return { verified: false, failure: { code, message } };
}

/** A {@link JwtKeyResolver} over the document loader: DID URLs and bundled controller documents. */
export function jwtKeyResolverFromLoader(documentLoader: DocumentLoader): JwtKeyResolver {
  return async (kid) => {
    const { document } = await documentLoader(kid);
    return isObject(document) ? (document as ResolvedJwtKey) : null;
  };
}

/**
 * Verifies a `vc+jwt`: EdDSA only (anything else — `none`, HS256, ES256 — is refused before any key is
 * looked up), the key found through `resolveKey(kid)` (a relative `#kid` is taken relative to the
 * issuer), and by default the key must be controlled by the credential's issuer.
 */
export async function verifyJwtCredential(
  jwt: string,
  resolveKey: JwtKeyResolver,
  options: { requireIssuerMatch?: boolean } = {},
): Promise<JwtVerification> {
  if (typeof jwt !== 'string' || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(jwt)) {
    return failure('malformed_jwt', 'Not a compact JWS (three base64url parts)');
  }
  let header: JsonObject;
  let payload: unknown;
  try {
    header = decodeProtectedHeader(jwt) as JsonObject;
    payload = JSON.parse(Buffer.from(jwt.split('.')[1] as string, 'base64url').toString('utf8'));
  } catch {
    return failure('malformed_jwt', 'The JWS header or payload is not JSON');
  }
  if (header.alg !== 'EdDSA') {
    return failure(
      'unsupported_alg',
      `JWS alg "${String(header.alg)}" is not accepted: only EdDSA (Ed25519) is`,
    );
  }
  if (header.typ !== undefined && header.typ !== 'vc+jwt') {
    return failure('unsupported_typ', `JWS typ "${String(header.typ)}" is not "vc+jwt"`);
  }
  if (header.cty !== undefined && header.cty !== 'vc') {
    return failure('unsupported_typ', `JWS cty "${String(header.cty)}" is not "vc"`);
  }
  if (!isObject(payload)) return failure('invalid_payload', 'The payload is not a JSON object');
  const types = Array.isArray(payload.type) ? payload.type : [payload.type];
  if (!Array.isArray(payload['@context']) || !types.includes('VerifiableCredential')) {
    return failure('invalid_payload', 'The payload is not a verifiable credential');
  }
  if ('proof' in payload)
    return failure('invalid_payload', 'A vc+jwt payload must not carry an embedded proof');
  const issuer = issuerIdOf(payload);
  if (typeof header.kid !== 'string' || header.kid === '')
    return failure('malformed_jwt', 'The JWS has no kid');
  const kid = header.kid.startsWith('#') && issuer ? `${issuer}${header.kid}` : header.kid;

  let key: ResolvedJwtKey | null;
  try {
    key = await resolveKey(kid);
  } catch (error) {
    return failure('unknown_verification_method', `Cannot resolve kid "${kid}": ${(error as Error).message}`);
  }
  if (!key) return failure('unknown_verification_method', `Cannot resolve kid "${kid}"`);
  if (key.revoked !== undefined) return failure('verification_method_revoked', `Key "${kid}" was revoked`);
  let jwk: JWK;
  try {
    jwk = key.publicKeyJwk ? (key.publicKeyJwk as JWK) : ed25519PublicKeyToJwk(key.publicKeyMultibase ?? '');
    if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string' || 'd' in jwk) {
      throw new Error('not an Ed25519 public key');
    }
  } catch (error) {
    return failure(
      'unsupported_key_type',
      `Key "${kid}" is not an Ed25519 public key: ${(error as Error).message}`,
    );
  }

  try {
    const publicKey = await importJWK({ kty: 'OKP', crv: 'Ed25519', x: jwk.x }, 'EdDSA');
    await compactVerify(jwt, publicKey, { algorithms: ['EdDSA'] });
  } catch (error) {
    if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
      return failure('signature_mismatch', 'The JWS signature does not match');
    }
    if (error instanceof joseErrors.JOSEAlgNotAllowed) {
      return failure('unsupported_alg', (error as Error).message);
    }
    return failure('malformed_jwt', `The JWS is invalid: ${(error as Error).message}`);
  }

  if (options.requireIssuerMatch !== false) {
    if (!issuer) return failure('issuer_mismatch', 'The credential has no issuer id');
    const controller = key.controller ?? kid.split('#')[0];
    if (controller !== issuer) {
      return failure('issuer_mismatch', `The key's controller "${controller}" is not the issuer "${issuer}"`);
    }
  }
  // vc-jose-cose: an `iss`, wherever present, MUST match the issuer.
  for (const source of [header.iss, payload.iss]) {
    if (source !== undefined && source !== issuer) {
      return failure('issuer_mismatch', `iss "${String(source)}" is not the issuer "${issuer}"`);
    }
  }
  return { verified: true, credential: payload, header, kid };
}
