import { decryptPrivateKey, Ed25519KeyPair, encryptPrivateKey, type MasterKey } from '../../core/vc/keys.ts';
import { createLocalSigner, type Signer } from '../../core/vc/signer.ts';

/**
 * Where issuer private keys live and how they sign: the one place that handles private key material.
 * The keys service stores only what {@link IssuerKeyCustody.generate} returns (`sealed`) and gets signers
 * back from it, so a KMS or HSM implementation (sealed = the key's reference in the key store) replaces
 * {@link createLocalKeyCustody} without touching the service, the credentials module or the database.
 */
export interface IssuerKeyCustody {
  /**
   * Makes a new Ed25519 key for the key row `keyId` and returns its public half and the string to store
   * for it (an encrypted key or a reference). The private key itself is never returned.
   */
  generate(options: { keyId: string }): Promise<{ publicKeyMultibase: string; sealed: string }>;
  /** A Signer for a stored key, publishing signatures under `verificationMethod`. */
  signer(options: {
    keyId: string;
    sealed: string;
    publicKeyMultibase: string;
    verificationMethod: string;
  }): Promise<Signer>;
}

/**
 * Keys kept in the database, AES-256-GCM encrypted under the master key (CREDSTACK_MASTER_KEY) and bound
 * to their row id, decrypted only to build an in-process Signer. With several master keys (during a
 * master key rotation) new keys are sealed with the first.
 */
export function createLocalKeyCustody(options: {
  masterKey: Buffer | MasterKey | readonly MasterKey[];
}): IssuerKeyCustody {
  const { masterKey } = options;
  const sealingKey = Array.isArray(masterKey) ? (masterKey as readonly MasterKey[])[0] : masterKey;
  if (!sealingKey) throw new TypeError('At least one master key is needed');
  return {
    async generate({ keyId }) {
      const keyPair = Ed25519KeyPair.generate();
      const sealed = encryptPrivateKey({ keyPair, keyId, masterKey: sealingKey as Buffer | MasterKey });
      return { publicKeyMultibase: keyPair.publicKeyMultibase, sealed };
    },
    async signer({ keyId, sealed, publicKeyMultibase, verificationMethod }) {
      const keyPair = decryptPrivateKey({ encrypted: sealed, keyId, masterKey, publicKeyMultibase });
      return createLocalSigner({ keyPair, id: verificationMethod });
    },
  };
}
