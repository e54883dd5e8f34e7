import type { CredentialRow, UserRow } from '../../db/schema.ts';
import type { ExternalResultRow, IssueJobRow, UserEmailRow } from '../../db/tables/issuance.ts';
import type { ClaimedCredential, RowReport } from './issuance.service.ts';

/** A recorded external result, for members who record results (the learner's address included). */
export function presentResult(row: ExternalResultRow) {
  return {
    id: row.id,
    definitionId: row.definition_id,
    learner: { email: row.learner_email, name: row.learner_name, did: row.learner_did },
    score: row.score,
    grade: row.grade,
    passed: row.passed,
    assessedAt: row.assessed_at.toISOString(),
    supervision: row.supervision,
    narrative: row.narrative,
    evidenceUrl: row.evidence_url,
    externalRef: row.external_ref,
    credentialId: row.credential_id,
    recordedAt: row.recorded_at.toISOString(),
    recordedBy: { type: row.recorded_by_type, id: row.recorded_by_id },
  };
}

export function presentAward(
  record: CredentialRow | null,
  alreadyIssued: boolean,
  pageUrl: (id: string) => string,
) {
  return record === null ? null : { id: record.id, url: pageUrl(record.id), alreadyIssued };
}

/** A bulk-issue job with its progress counters and where to read its rows. */
export function presentJob(job: IssueJobRow, basePath: string) {
  const valid = job.total_rows - job.invalid_rows;
  const self = `${basePath}/issue-jobs/${job.id}`;
  return {
    id: job.id,
    definitionId: job.definition_id,
    status: job.status,
    source: job.source,
    skipInvalid: job.skip_invalid,
    fileSha256: job.file_sha256,
    total: job.total_rows,
    valid,
    invalid: job.invalid_rows,
    processed: job.processed_rows,
    issued: job.issued_rows,
    alreadyIssued: job.already_issued_rows,
    failed: job.failed_rows,
    pending: job.status === 'rejected' ? 0 : valid - job.processed_rows,
    createdAt: job.created_at.toISOString(),
    startedAt: job.started_at?.toISOString() ?? null,
    finishedAt: job.finished_at?.toISOString() ?? null,
    createdBy: { type: job.created_by_type, id: job.created_by_id },
    links: { self, rows: `${self}/rows`, errors: `${self}/rows?status=invalid` },
  };
}

export function presentRowReport(row: RowReport) {
  return {
    row: row.rowNumber,
    status: row.status,
    data: {
      email: row.data.email,
      name: row.data.name,
      did: row.data.did,
      narrative: row.data.narrative,
      evidenceUrl: row.data.evidenceUrl,
      grade: row.data.grade,
      score: row.data.score,
      date: row.data.date,
      externalRef: row.data.externalRef,
    },
    credentialId: row.credentialId,
    errors: row.errors.map((problem) => ({ column: problem.column, message: problem.message })),
  };
}

export function presentClaimed(claimed: ClaimedCredential) {
  return {
    credentialId: claimed.credentialId,
    title: claimed.title,
    organisation: { name: claimed.organisation.name, slug: claimed.organisation.slug },
    url: claimed.pageUrl,
    recipientEmail: claimed.recipientEmail,
  };
}

export function presentEmail(row: UserEmailRow) {
  return {
    id: row.id,
    email: row.email,
    primary: false,
    verified: row.verified_at !== null,
    verifiedAt: row.verified_at?.toISOString() ?? null,
    addedAt: row.created_at.toISOString(),
  };
}

/** The account's own address first, then the further ones. */
export function presentEmails(user: UserRow, emails: UserEmailRow[]) {
  return [
    {
      id: null,
      email: user.email.toLowerCase(),
      primary: true,
      verified: user.email_verified_at !== null,
      verifiedAt: user.email_verified_at?.toISOString() ?? null,
      addedAt: user.created_at.toISOString(),
    },
    ...emails.map(presentEmail),
  ];
}
