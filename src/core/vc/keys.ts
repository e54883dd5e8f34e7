import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign as nodeSign,
  verify as nodeVerify,
  randomBytes,
} from 'node:crypto';
import { inspect } from 'node:util';
import * as base58btc from 'base58-universal';
import { VcError } from './errors.ts';

/**
 * Ed25519 keys in the Multikey encoding (https://www.w3.org/TR/controller-document/#multikey):
 * `publicKeyMultibase` is `z` + base58btc(0xed 0x01 ‖ 32-byte public key) — the familiar `z6Mk…` — and
 * `secretKeyMultibase` is `z` + base58btc(0x80 0x26 ‖ 32-byte seed) (`z3u2…`). Keys are generated and used
 * with Node's native Ed25519; the secret never leaves a key object except through
 * {@link Ed25519KeyPair.exportSecretKeyMultibase} or {@link encryptPrivateKey}.
 */

const ED25519_PUB_HEADER = Uint8Array.of(0xed, 0x01);
const ED25519_PRIV_HEADER = Uint8Array.of(0x80, 0x26);
// DER prefixes that wrap a raw 32-byte Ed25519 seed / public key as PKCS#8 / SPKI for node:crypto.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

function multibaseEncode(header: Uint8Array, key: Uint8Array): string {
  const bytes = new Uint8Array(header.length + key.length);
  bytes.set(header, 0);
  bytes.set(key, header.length);
  return `z${base58btc.encode(bytes)}`;
}

function multibaseDecode(value: string, header: Uint8Array, what: string): Uint8Array {
  if (typeof value !== 'string' || !value.startsWith('z')) {
    throw new VcError('invalid_key', `${what} must be a base58btc multibase string starting with "z"`);
  }
  let bytes: Uint8Array | undefined;
  try {
    bytes = base58btc.decode(value.slice(1));
  } catch {
    bytes = undefined;
  }
  if (!(bytes instanceof Uint8Array) || bytes.length < header.length) {
    throw new VcError('invalid_key', `${what} is not valid base58btc`);
  }
  if (bytes[0] !== header[0] || bytes[1] !== header[1]) {
    throw new VcError('invalid_key', `${what} does not carry the Ed25519 multicodec header`);
  }
  return bytes.subarray(header.length);
}

/** The raw 32-byte public key inside an Ed25519 `publicKeyMultibase` (`z6Mk…`). */
export function decodeEd25519PublicKeyMultibase(publicKeyMultibase: string): Uint8Array {
  const key = multibaseDecode(publicKeyMultibase, ED25519_PUB_HEADER, 'publicKeyMultibase');
  if (key.length !== 32) throw new VcError('invalid_key', 'An Ed25519 public key has 32 bytes');
  return key;
}

export function encodeEd25519PublicKeyMultibase(publicKey: Uint8Array): string {
  if (publicKey.length !== 32) throw new VcError('invalid_key', 'An Ed25519 public key has 32 bytes');
  return multibaseEncode(ED25519_PUB_HEADER, publicKey);
}

/** The public key as a JWK (RFC 8037), as JOSE libraries and `publicKeyJwk` expect it. */
export function ed25519PublicKeyToJwk(publicKeyMultibase: string): { kty: 'OKP'; crv: 'Ed25519'; x: string } {
  const x = Buffer.from(decodeEd25519PublicKeyMultibase(publicKeyMultibase)).toString('base64url');
  return { kty: 'OKP', crv: 'Ed25519', x };
}

function publicKeyObject(publicKey: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
}

/** Checks an Ed25519 signature against a `publicKeyMultibase`; false for any malformed input. */
export function verifyEd25519(publicKeyMultibase: string, data: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  try {
    const key = publicKeyObject(decodeEd25519PublicKeyMultibase(publicKeyMultibase));
    return nodeVerify(null, data, key, signature);
  } catch {
    return false;
  }
}

/** Reads a key pair's seed; assigned inside the class so only this module can reach the secret. */
let readSeed: (pair: Ed25519KeyPair) => Uint8Array;

/**
 * An Ed25519 key pair. The secret lives in private fields: `JSON.stringify`, `console.log` and spreading
 * the object show only the public half, so a key cannot leak into logs or API responses by accident.
 */
export class Ed25519KeyPair {
  readonly type = 'Multikey' as const;
  readonly publicKey: Uint8Array;
  readonly publicKeyMultibase: string;
  readonly #seed: Uint8Array;
  readonly #privateKey: KeyObject;

  private constructor(seed: Uint8Array) {
    if (seed.length !== 32) throw new VcError('invalid_key', 'An Ed25519 secret key (seed) has 32 bytes');
    this.#seed = Uint8Array.from(seed);
    this.#privateKey = createPrivateKey({
      key: Buffer.concat([PKCS8_PREFIX, this.#seed]),
      format: 'der',
      type: 'pkcs8',
    });
    const jwk = createPublicKey(this.#privateKey).export({ format: 'jwk' });
    this.publicKey = new Uint8Array(Buffer.from(jwk.x as string, 'base64url'));
    this.publicKeyMultibase = encodeEd25519PublicKeyMultibase(this.publicKey);
  }

  /** A fresh random key pair. */
  static generate(): Ed25519KeyPair {
    const { privateKey } = generateKeyPairSync('ed25519');
    const jwk = privateKey.export({ format: 'jwk' });
    return new Ed25519KeyPair(new Uint8Array(Buffer.from(jwk.d as string, 'base64url')));
  }

  /** The key pair for a 32-byte seed (RFC 8032 private key). Deterministic: for tests and imports. */
  static fromSeed(seed: Uint8Array): Ed25519KeyPair {
    return new Ed25519KeyPair(seed);
  }

  /**
   * Imports a `secretKeyMultibase`. Accepts the 32-byte seed form (`z3u2…`) and the 64-byte
   * seed ‖ public-key form some libraries emit; when a public key is given (either way) it must match.
   */
  static fromSecretKeyMultibase(secretKeyMultibase: string, publicKeyMultibase?: string): Ed25519KeyPair {
    const secret = multibaseDecode(secretKeyMultibase, ED25519_PRIV_HEADER, 'secretKeyMultibase');
    if (secret.length !== 32 && secret.length !== 64) {
      throw new VcError('invalid_key', 'An Ed25519 secretKeyMultibase holds 32 or 64 bytes');
    }
    const pair = new Ed25519KeyPair(secret.subarray(0, 32));
    const embedded = secret.length === 64 ? Buffer.from(secret.subarray(32)) : undefined;
    if (embedded && !embedded.equals(Buffer.from(pair.publicKey))) {
      throw new VcError('invalid_key', 'The secret key does not match the public key it carries');
    }
    if (publicKeyMultibase !== undefined && publicKeyMultibase !== pair.publicKeyMultibase) {
      throw new VcError('invalid_key', 'The secret key does not match the given publicKeyMultibase');
    }
    return pair;
  }

  /** Signs raw bytes (pure Ed25519). Prefer a {@link Signer} (signer.ts) outside key management. */
  sign(data: Uint8Array): Uint8Array {
    return new Uint8Array(nodeSign(null, data, this.#privateKey));
  }

  verify(data: Uint8Array, signature: Uint8Array): boolean {
    return verifyEd25519(this.publicKeyMultibase, data, signature);
  }

  /** The secret as `secretKeyMultibase` (seed form). Only for key export/backup; never log it. */
  exportSecretKeyMultibase(): string {
    return multibaseEncode(ED25519_PRIV_HEADER, this.#seed);
  }

  /** The public half as a Multikey verification method for `controller` (`id` = controller#key). */
  toVerificationMethod(controller: string, id = `${controller}#${this.publicKeyMultibase}`): MultikeyMethod {
    return { id, type: 'Multikey', controller, publicKeyMultibase: this.publicKeyMultibase };
  }

  /** Only the public half: keeps secrets out of JSON, logs and responses. */
  toJSON(): { type: 'Multikey'; publicKeyMultibase: string } {
    return { type: 'Multikey', publicKeyMultibase: this.publicKeyMultibase };
  }

  toString(): string {
    return `Ed25519KeyPair(${this.publicKeyMultibase})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }

  static {
    readSeed = (pair) => pair.#seed;
  }
}

/** A Multikey verification method as it appears in DID and controller documents. */
export interface MultikeyMethod {
  id: string;
  type: 'Multikey';
  controller: string;
  publicKeyMultibase: string;
}

/**
 * At-rest encryption of private keys: AES-256-GCM under the 32-byte master key (config `masterKey`).
 *
 * Format (one ASCII string, storable in a TEXT column):
 * `csk1.<masterKeyId>.<iv>.<ciphertext>.<tag>` with base64url parts. The additional authenticated data
 * binds the ciphertext to the format version, the master key id and the owning key's own id, so a
 * ciphertext copied onto another key row (or re-labelled with another master key id) fails to decrypt.
 * The master key id lets operators rotate the master key: decrypt with the old one, encrypt with the new.
 */
const ENCRYPTION_VERSION = 'csk1';
const MASTER_KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export interface MasterKey {
  /** Names the master key (version) used; stored in clear in the ciphertext string. */
  id: string;
  /** 32 random bytes. */
  key: Buffer;
}

export const DEFAULT_MASTER_KEY_ID = 'mk1';

function asMasterKey(value: Buffer | MasterKey): MasterKey {
  const masterKey = Buffer.isBuffer(value) ? { id: DEFAULT_MASTER_KEY_ID, key: value } : value;
  if (masterKey.key.length !== 32) throw new VcError('invalid_key', 'The master key must be 32 bytes');
  if (!MASTER_KEY_ID_PATTERN.test(masterKey.id)) {
    throw new VcError('invalid_key', 'A master key id uses only letters, digits, "-" and "_"');
  }
  return masterKey;
}

function additionalData(masterKeyId: string, keyId: string): Buffer {
  return Buffer.from(`credstack/ed25519-private-key/${ENCRYPTION_VERSION}\n${masterKeyId}\n${keyId}`, 'utf8');
}

/**
 * Encrypts a key pair's secret for storage. `keyId` is the stable id of the key's row or verification
 * method; the same id must be given to {@link decryptPrivateKey}.
 */
export function encryptPrivateKey(options: {
  keyPair: Ed25519KeyPair;
  keyId: string;
  masterKey: Buffer | MasterKey;
}): string {
  const masterKey = asMasterKey(options.masterKey);
  if (options.keyId === '') throw new VcError('invalid_input', 'keyId must not be empty');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', masterKey.key, iv);
  cipher.setAAD(additionalData(masterKey.id, options.keyId));
  const ciphertext = Buffer.concat([cipher.update(readSeed(options.keyPair)), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [ENCRYPTION_VERSION, masterKey.id, iv, ciphertext, tag]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}

/** The master key id an encrypted key was sealed with (to pick the key during rotation). */
export function encryptedKeyMasterKeyId(encrypted: string): string {
  const parts = encrypted.split('.');
  if (parts.length !== 5 || parts[0] !== ENCRYPTION_VERSION || !MASTER_KEY_ID_PATTERN.test(parts[1] ?? '')) {
    throw new VcError('key_decryption_failed', 'Not an encrypted private key in a known format');
  }
  return parts[1] as string;
}

/**
 * Decrypts a key sealed by {@link encryptPrivateKey}. `masterKey` may be a list (old and new keys during
 * rotation); the one whose id the ciphertext names is used. When `publicKeyMultibase` is given the
 * decrypted key must match it. Every failure is a `key_decryption_failed` error without details.
 */
export function decryptPrivateKey(options: {
  encrypted: string;
  keyId: string;
  masterKey: Buffer | MasterKey | readonly MasterKey[];
  publicKeyMultibase?: string;
}): Ed25519KeyPair {
  const masterKeyId = encryptedKeyMasterKeyId(options.encrypted);
  const candidates = Array.isArray(options.masterKey)
    ? (options.masterKey as readonly MasterKey[])
    : [options.masterKey as Buffer | MasterKey];
  const found = candidates.map(asMasterKey).find((candidate) => candidate.id === masterKeyId);
  if (!found) {
    throw new VcError('key_decryption_failed', `No master key with id "${masterKeyId}" is configured`);
  }
  const [, , ivText, ciphertextText, tagText] = options.encrypted.split('.') as [
    string,
    string,
    string,
    string,
    string,
  ];
  let seed: Buffer;
  try {
    const iv = Buffer.from(ivText, 'base64url');
    const tag = Buffer.from(tagText, 'base64url');
    if (iv.length !== 12 || tag.length !== 16) throw new Error('bad iv or tag length');
    const decipher = createDecipheriv('aes-256-gcm', found.key, iv);
    decipher.setAAD(additionalData(masterKeyId, options.keyId));
    decipher.setAuthTag(tag);
    seed = Buffer.concat([decipher.update(Buffer.from(ciphertextText, 'base64url')), decipher.final()]);
  } catch (error) {
    throw new VcError('key_decryption_failed', 'The private key could not be decrypted', { cause: error });
  }
  if (seed.length !== 32)
    throw new VcError('key_decryption_failed', 'The decrypted private key is malformed');
  const keyPair = Ed25519KeyPair.fromSeed(seed);
  seed.fill(0);
  if (options.publicKeyMultibase !== undefined && options.publicKeyMultibase !== keyPair.publicKeyMultibase) {
    throw new VcError('key_decryption_failed', 'The decrypted private key does not match the public key');
  }
  return keyPair;
}
