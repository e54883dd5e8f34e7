import type { CredentialStatus, IssuedVia } from '../../db/schema.ts';

/**
 * What other modules hear about credentials, always after the change is committed: a listener's failure
 * never undoes an issued credential or a status change (the credentials service logs it). src/deps.ts wires
 * the pathways service here (automatic completion and revocation flagging, docs/pathways.md).
 */

/** One committed credential, as listeners need it. */
export interface IssuedCredentialEvent {
  credentialId: string;
  organisationId: string;
  /** The catalogue definition version it was awarded for; null for inline achievements and VC-API input. */
  definitionId: string | null;
  /** Normalised; null when issued to a DID only. Who holds it follows from the verified addresses. */
  recipientEmail: string | null;
  via: IssuedVia;
}

export interface CredentialEvents {
  /**
   * Credentials committed by one transaction (a bulk batch gives several). Called once the transaction
   * commits; nothing is called for a transaction that rolls back.
   */
  afterIssued(options: { credentials: IssuedCredentialEvent[] }): Promise<void>;
  /** A committed revocation, suspension or reinstatement. */
  afterStatusChanged(options: {
    credentialId: string;
    organisationId: string;
    status: CredentialStatus;
    action: 'revoke' | 'suspend' | 'reinstate';
  }): Promise<void>;
  /** A learner claimed credentials through a claim link (the issuance module calls it after committing). */
  afterClaimed(options: { userId: string; credentialIds: string[] }): Promise<void>;
}
