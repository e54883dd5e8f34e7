import type { IssuerKey } from './keys.service.ts';

/**
 * An issuer key as the API shows it: its id, verification method and public key. Only these fields leave
 * the server; the sealed private key is not even read for listing.
 */
export function presentIssuerKey(key: IssuerKey) {
  return {
    id: key.id,
    verificationMethod: key.verificationMethod,
    publicKeyMultibase: key.publicKeyMultibase,
    status: key.status,
    createdAt: key.createdAt.toISOString(),
    retiredAt: key.retiredAt?.toISOString() ?? null,
  };
}
