import type { ImportSource, ImportVerdict } from '../../db/tables/wallet-profiles.ts';

/** Audit events of the wallet module; merged into `AuditEventData` (src/modules/audit/audit.events.ts). */
export interface WalletAuditEvents {
  /** A learner imported a credential from elsewhere (subject: the imported credential). */
  'imported_credential.added': { source: ImportSource; verdict: ImportVerdict; issuer: string | null };
  /** The learner re-ran the verification. */
  'imported_credential.reverified': { before: ImportVerdict; after: ImportVerdict };
  'imported_credential.deleted': { verdict: ImportVerdict; issuer: string | null };
  /** The learner's public profile was created or changed (subject: the user). */
  'public_profile.saved': {
    created: boolean;
    handle: string;
    public: boolean;
    credentials: number;
    importedCredentials: number;
    fields: string[];
  };
}
