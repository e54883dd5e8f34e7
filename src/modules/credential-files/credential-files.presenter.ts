import { presentCredentialReport } from '../verification/verification.presenter.ts';
import type { FileVerification, ShareData } from './credential-files.service.ts';

/** Share links of a credential; the holder's e-mail address and the credential itself stay out. */
export function presentShare(share: ShareData) {
  return {
    share: {
      credentialId: share.credentialId,
      achievementName: share.achievementName,
      issuerName: share.issuerName,
      publicUrl: share.publicUrl,
      linkedInAddToProfileUrl: share.linkedInAddToProfileUrl,
      embedHtml: share.embedHtml,
    },
  };
}

/** The same result POST /api/v1/verify gives, plus the source the credential was read from. */
export function presentFileVerification(result: FileVerification) {
  return { ...presentCredentialReport(result.report), source: result.source };
}
