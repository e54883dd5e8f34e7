import { inspect } from 'node:util';
import type { Ed25519KeyPair } from './keys.ts';

/**
 * The signing port. Everything that produces a proof or a JWS signs through this interface and never
 * touches key material, so a KMS or HSM signer can replace {@link createLocalSigner} without changing the
 * proof code. The shape is the one the Digital Bazaar Data Integrity suites expect of a signer, so it is
 * passed to them unchanged.
 */
export interface Signer {
  /** The verification method URL the signature verifies under, e.g. `did:web:…#key-1`. */
  readonly id: string;
  readonly algorithm: 'Ed25519';
  /** Pure Ed25519 over `data`; resolves to the 64-byte signature. */
  sign(input: { data: Uint8Array }): Promise<Uint8Array>;
}

/**
 * A signer backed by a decrypted in-process key. `id` is the verification method the key is published
 * under. The returned object exposes only `id` and `algorithm` (also to JSON and `console.log`).
 */
export function createLocalSigner(options: { keyPair: Ed25519KeyPair; id: string }): Signer {
  const { keyPair, id } = options;
  if (!id) throw new TypeError('A signer needs the verification method id it signs for');
  const describe = () => ({ id, algorithm: 'Ed25519' as const });
  return Object.freeze({
    id,
    algorithm: 'Ed25519' as const,
    async sign({ data }: { data: Uint8Array }): Promise<Uint8Array> {
      if (!(data instanceof Uint8Array)) throw new TypeError('Signer.sign expects { data: Uint8Array }');
      return keyPair.sign(data);
    },
    toJSON: describe,
    [inspect.custom]: () => `Signer(${id})`,
  });
}
