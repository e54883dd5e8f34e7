import { createHash } from 'node:crypto';
import { type Actor, actorRef, systemActor, type UserActor } from '../../core/actor.ts';
import type { Clock } from '../../core/clock.ts';
import type { Config } from '../../core/config.ts';
import { AppError, type FieldProblem } from '../../core/errors.ts';
import { type IdGenerator, isUuid } from '../../core/ids.ts';
import type { Logger } from '../../core/logger.ts';
import { randomToken, sha256Hex } from '../../core/secrets.ts';
import type { EvidenceInput, ResultInput } from '../../core/vc/open-badges.ts';
import type { Db } from '../../db/database.ts';
import type { CredentialRow, UserRow } from '../../db/schema.ts';
import type {
  ExternalResultRow,
  IssueJobRow,
  IssueJobRowRow,
  IssueJobRowStatus,
  IssueRowData,
  RowProblem,
  SupervisionLevel,
  UserEmailRow,
} from '../../db/tables/issuance.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { DefinitionLookup, DefinitionRecord } from '../catalogue/catalogue.ports.ts';
import { SUPERVISION_LEVELS } from '../catalogue/definition.model.ts';
import type { MailService } from '../mail/mail.service.ts';
import type { OrganisationAccess, OrganisationsService } from '../organisations/organisations.service.ts';
import { claimMail, emailConfirmationMail } from './issuance.mail.ts';
import { createIssuanceRepository, type NewJobRow } from './issuance.repository.ts';
import {
  awardKeyOf,
  checkResultRows,
  checkRowCount,
  checkRows,
  fileDigest,
  type InvalidRow,
  isEmail,
  isEvidenceUrl,
  isLearnerId,
  parseAchievedAt,
  parseCsv,
  type RawRow,
  RESULT_COLUMNS,
  type RowsVerdict,
} from './issuance.rows.ts';

/** What this module needs from the credentials module (its service, wired in src/deps.ts). */
export interface DefinitionAwards {
  /**
   * Issues the credential of a published definition version; no permission check inside (this module
   * authorises). With an idempotency key already used, returns that credential with `alreadyIssued`.
   */
  issueForDefinition(options: {
    actor: Actor;
    definitionId: string;
    recipient: { email: string; name?: string | null; did?: string | null };
    result?: ResultInput[];
    evidence?: EvidenceInput[];
    narrative?: string;
    via: 'bulk' | 'external-result';
    idempotencyKey?: string;
    notifyRecipient?: boolean;
    validFrom?: Date;
    trx?: Db;
  }): Promise<{ record: CredentialRow; alreadyIssued: boolean }>;
}

/** What this module needs from accounts (its service): who owns an address, and the caller's own. */
export interface RecipientAccounts {
  findUserByEmail(email: string, trx?: Db): Promise<UserRow | undefined>;
  findUserById(userId: string, trx?: Db): Promise<UserRow | undefined>;
  verifiedEmailOf(options: { actor: Actor; trx?: Db }): Promise<string>;
}

export interface IssuanceServiceDeps {
  db: Db;
  clock: Clock;
  ids: IdGenerator;
  config: Config;
  audit: AuditService;
  mail: MailService;
  logger: Logger;
  organisations: OrganisationsService;
  definitions: DefinitionLookup;
  credentials: DefinitionAwards;
  accounts: RecipientAccounts;
  /** Rows issued per transaction (tests use small batches). */
  batchSize?: number;
  /**
   * The claim event: written in the claim's transaction, delivered after it commits (pathways complete on
   * it). The credentials module's outbox keeps it until a listener has handled it.
   */
  claims?: {
    queueClaimed(trx: Db, claim: { userId: string; credentialIds: string[] }): Promise<string | null>;
    deliverQueued(eventIds: string[]): Promise<void>;
  };
}

/** One result as an LMS or another system reports it. */
export interface ResultSubmission {
  email: string;
  name?: string;
  /** A DID or a profile URL of the learner. */
  did?: string;
  score?: number;
  grade?: string;
  passed: boolean;
  /** When the learner was assessed: a date or a date-time with a time zone; now by default. */
  date?: string;
  /** How the assessment was supervised and the learner identified; the definition's level by default. */
  supervision?: SupervisionLevel;
  narrative?: string;
  evidenceUrl?: string;
  /** The reporting system's id of the result: the same reference is recorded (and awarded) once. */
  externalRef?: string;
}

/** What a results file did: every row recorded (or found recorded before), passes awarded. */
export interface ResultsImportReport {
  total: number;
  /** Rows recorded now. */
  recorded: number;
  /** Rows recorded by an earlier import or API call (nothing changed). */
  unchanged: number;
  passed: number;
  failed: number;
  /** Credentials issued now (a pass whose award existed already is not counted). */
  issued: number;
}

function refTaken(externalRef: string): AppError {
  return new AppError('conflict', 'The external reference belongs to another learner’s result', {
    detail: `The externalRef "${externalRef}" is already recorded for another learner's result of this definition; each result needs its own reference`,
  });
}

/** Problems listed in a refused file's answer; the count of all of them is in the detail. */
const MAX_LISTED_PROBLEMS = 100;

export interface RecordedResult {
  result: ExternalResultRow;
  credential: CredentialRow | null;
  /** False when the same result had been recorded before (nothing changed). */
  created: boolean;
  alreadyIssued: boolean;
}

export interface RowReport {
  rowNumber: number;
  status: IssueJobRowStatus;
  data: IssueRowData;
  credentialId: string | null;
  errors: RowProblem[];
}

/** The verdict of a dry run: nothing is stored. */
export interface DryRunReport {
  total: number;
  valid: number;
  invalid: number;
  /** The first invalid rows (at most {@link MAX_REPORTED_ROWS}). */
  invalidRows: RowReport[];
}

export type JobProgressListener = (job: IssueJobRow) => void;

export interface ClaimedCredential {
  credentialId: string;
  title: string;
  organisation: { name: string; slug: string };
  pageUrl: string;
  recipientEmail: string;
}

/** How many problems a refused file reports in the response body; the job's rows endpoint has them all. */
export const MAX_REPORTED_ROWS = 100;
const DEFAULT_BATCH_SIZE = 50;
const CLAIM_TTL_DAYS = 30;
const EMAIL_TOKEN_TTL_MS = 48 * 3_600_000;
const MAX_EXTRA_EMAILS = 10;
const UNIQUE_VIOLATION = '23505';

function sqlState(error: unknown): string | undefined {
  return error !== null && typeof error === 'object' ? (error as { code?: string }).code : undefined;
}

function plural(count: number, word: string): string {
  return `${count.toLocaleString('en')} ${word}${count === 1 ? '' : 's'}`;
}

/** What the problem document says about one bad row. */
function rowField(row: { rowNumber: number; problems: RowProblem[] }): FieldProblem[] {
  return row.problems.map((problem) => ({
    in: 'body',
    pointer: `/rows/${row.rowNumber - 1}${problem.column ? `/${problem.column}` : ''}`,
    message: `row ${row.rowNumber}: ${problem.column ? `${problem.column} ` : ''}${problem.message}`,
  }));
}

function invalidReport(row: InvalidRow): RowReport {
  return {
    rowNumber: row.rowNumber,
    status: 'invalid',
    data: row.data,
    credentialId: null,
    errors: row.problems,
  };
}

/** The OB 3.0 result and evidence of an award from a grade/score and an evidence URL. */
function awardDetails(data: IssueRowData): { result: ResultInput[]; evidence?: EvidenceInput[] } {
  const value = data.grade ?? (data.score === null ? undefined : String(data.score));
  return {
    result: [{ status: 'Completed', ...(value === undefined ? {} : { value }) }],
    ...(data.evidenceUrl ? { evidence: [{ id: data.evidenceUrl, name: 'Evidence' }] } : {}),
  };
}

/**
 * The actor a background job issues as: whoever submitted it. Permission was checked when the job was
 * submitted; here the actor only names the award's author (audit events, `issued_by`).
 */
function jobActor(job: IssueJobRow): Actor {
  switch (job.created_by_type) {
    case 'user':
      return {
        kind: 'user',
        userId: job.created_by_id ?? '',
        isPlatformAdmin: false,
        emailVerified: true,
        sessionId: null,
      };
    case 'token':
      return {
        kind: 'token',
        tokenId: job.created_by_id ?? '',
        organisationId: job.organisation_id,
        scopes: ['credentials:issue'],
        createdBy: null,
      };
    default:
      return systemActor(job.created_by_id ?? 'issue-job');
  }
}

/**
 * External results, bulk issue (validated files issued in batches by an in-process worker), claim links for
 * recipients without an account, and users' further e-mail addresses.
 */
export function createIssuanceService(deps: IssuanceServiceDeps) {
  const repo = createIssuanceRepository();
  const { db, clock, ids, audit, mail, organisations, definitions, credentials, accounts, logger } = deps;
  const baseUrl = deps.config.publicUrl.href.replace(/\/$/, '');
  const batchSize = deps.batchSize ?? DEFAULT_BATCH_SIZE;

  function credentialPageUrl(id: string): string {
    return `${baseUrl}/credentials/${id}`;
  }

  function definitionNotFound(): AppError {
    return AppError.notFound('Definition');
  }

  /** The organisation's definition version, whatever its state; 404 for anyone else's. */
  async function requireDefinition(
    access: OrganisationAccess,
    definitionId: string,
    trx: Db,
  ): Promise<DefinitionRecord> {
    const definition = isUuid(definitionId)
      ? await definitions.getDefinitionRecord({ definitionId, trx })
      : null;
    if (!definition || definition.organisationId !== access.organisation.id) throw definitionNotFound();
    return definition;
  }

  /** Results and bulk issue are for published, externally assessed definitions of the organisation. */
  async function requireIssuableDefinition(
    access: OrganisationAccess,
    definitionId: string,
    trx: Db,
  ): Promise<DefinitionRecord> {
    const definition = await requireDefinition(access, definitionId, trx);
    const refuse = (detail: string) =>
      new AppError('definition_not_issuable', 'This definition cannot be awarded from external results', {
        detail,
      });
    if (definition.source !== 'own') {
      throw refuse(
        'This definition belongs to the external catalogue: its provider issues it, not Credstack',
      );
    }
    if (definition.status !== 'published') {
      throw refuse(
        `The definition "${definition.title}" is ${definition.status.replace('_', ' ')}; results and bulk issue need a published version`,
      );
    }
    const type = definition.content.assessment?.type;
    if (type !== 'external') {
      throw refuse(
        `The definition "${definition.title}" is assessed by ${type ? `a ${type}` : 'no assessment'} in Credstack, not externally: results and bulk issue are only for definitions whose assessment type is "external"`,
      );
    }
    return definition;
  }

  /**
   * A recipient without an account (no user has the address as theirs or as a confirmed further address)
   * gets a one-time claim link by mail; whoever opens it signed in binds the credential to their account.
   */
  /** Whether a credential to `email` would come with a claim link: nobody holds the address yet. */
  async function needsClaim(trx: Db, email: string): Promise<boolean> {
    if (await accounts.findUserByEmail(email, trx)) return false;
    return !(await repo.findVerifiedEmailOwner(trx, email));
  }

  async function offerClaim(
    trx: Db,
    actor: Actor,
    record: CredentialRow,
    organisation: { id: string; name: string },
  ): Promise<void> {
    const email = record.recipient_email;
    if (!email || !(await needsClaim(trx, email))) return;
    const token = randomToken();
    const now = clock.now();
    const title = record.achievement_name ?? record.name ?? 'a credential';
    const claim = await repo.insertClaim(trx, {
      id: ids(),
      credential_id: record.id,
      organisation_id: organisation.id,
      recipient_email: email,
      credential_title: title,
      token_hash: sha256Hex(token),
      created_at: now,
      expires_at: new Date(now.getTime() + CLAIM_TTL_DAYS * 86_400_000),
    });
    if (!claim) return;
    await audit.record(trx, {
      type: 'credential_claim.created',
      actor,
      organisationId: organisation.id,
      subject: { type: 'credential_claim', id: claim.id },
      data: { credentialId: record.id },
    });
    await mail.enqueue(
      trx,
      claimMail({
        baseUrl,
        to: email,
        recipientName: record.recipient_name,
        organisationName: organisation.name,
        title,
        pageUrl: credentialPageUrl(record.id),
        token,
        expiresInDays: CLAIM_TTL_DAYS,
      }),
    );
  }

  // ------------------------------------------------------------------------------------------------------
  // External results

  /**
   * A results file from an LMS or another system (CSV: the bulk-issue columns plus `supervision`, with
   * `passed` required): every row is checked first and nothing is recorded from a file with a bad row; then
   * each row is recorded like a result sent to the API (its own transaction, idempotent), passes awarded.
   */
  async function importResults(options: {
    actor: Actor;
    slug: string;
    definitionId: string;
    csv: string;
  }): Promise<ResultsImportReport> {
    await db.transaction().execute(async (trx) => {
      const access = await organisations.requireAccess({
        actor: options.actor,
        slug: options.slug,
        permission: 'results:record',
        trx,
      });
      await requireIssuableDefinition(access, options.definitionId, trx);
    });
    const parsed = parseCsv(options.csv, RESULT_COLUMNS);
    const { valid, invalid } = checkResultRows(parsed.rows, clock.now(), SUPERVISION_LEVELS, parsed.problems);
    if (invalid.length > 0) {
      const fields: FieldProblem[] = invalid.slice(0, MAX_LISTED_PROBLEMS).flatMap((row) =>
        row.problems.map((problem) => ({
          in: 'body',
          pointer: `/rows/${row.rowNumber}${problem.column ? `/${problem.column}` : ''}`,
          message: `row ${row.rowNumber}${problem.column ? ` ${problem.column}` : ''}: ${problem.message}`,
        })),
      );
      throw new AppError('validation_failed', 'The results file has bad rows; nothing was recorded', {
        detail: `${invalid.length} of ${parsed.rows.length} rows have problems${invalid.length > MAX_LISTED_PROBLEMS ? ` (the first ${MAX_LISTED_PROBLEMS} are listed)` : ''}; nothing was recorded. Fix them and send the whole file again.`,
        fields,
      });
    }
    // An external reference names one result in the reporting system: one already recorded for another
    // learner makes the row wrong, and the file is refused before anything is recorded.
    const taken: FieldProblem[] = [];
    for (const row of valid) {
      if (row.externalRef === null) continue;
      const existing = await repo.findResultByKey(db, options.definitionId, `ref:${row.externalRef}`);
      if (existing && existing.learner_email !== row.email) {
        taken.push({
          in: 'body',
          pointer: `/rows/${row.rowNumber}/external_ref`,
          message: `row ${row.rowNumber} external_ref: ${refTaken(row.externalRef).message}`,
        });
      }
    }
    if (taken.length > 0) {
      throw new AppError('validation_failed', 'The results file has bad rows; nothing was recorded', {
        detail: `${taken.length} of ${parsed.rows.length} rows reuse an external_ref recorded for another learner; nothing was recorded.`,
        fields: taken.slice(0, MAX_LISTED_PROBLEMS),
      });
    }
    const report: ResultsImportReport = {
      total: valid.length,
      recorded: 0,
      unchanged: 0,
      passed: 0,
      failed: 0,
      issued: 0,
    };
    for (const row of valid) {
      const recorded = await recordResult({
        actor: options.actor,
        slug: options.slug,
        definitionId: options.definitionId,
        result: {
          email: row.email,
          passed: row.passed,
          ...(row.name !== null ? { name: row.name } : {}),
          ...(row.did !== null ? { did: row.did } : {}),
          ...(row.score !== null ? { score: row.score } : {}),
          ...(row.grade !== null ? { grade: row.grade } : {}),
          ...(row.date !== null ? { date: row.date } : {}),
          ...(row.supervision !== null ? { supervision: row.supervision as SupervisionLevel } : {}),
          ...(row.narrative !== null ? { narrative: row.narrative } : {}),
          ...(row.evidenceUrl !== null ? { evidenceUrl: row.evidenceUrl } : {}),
          ...(row.externalRef !== null ? { externalRef: row.externalRef } : {}),
        },
      });
      if (recorded.created) report.recorded++;
      else report.unchanged++;
      if (row.passed) report.passed++;
      else report.failed++;
      if (recorded.credential && !recorded.alreadyIssued) report.issued++;
    }
    return report;
  }

  function checkSubmission(result: ResultSubmission): {
    data: IssueRowData & { email: string };
    assessedAt: Date;
  } {
    const fields: FieldProblem[] = [];
    const problem = (pointer: string, message: string) => fields.push({ in: 'body', pointer, message });
    const trimmed = (value: string | undefined) => {
      const text = value?.trim();
      return text ? text : null;
    };
    const email = result.email.trim().toLowerCase();
    if (!isEmail(email)) problem('/email', 'is not a valid e-mail address');
    const did = trimmed(result.did);
    if (did !== null && !isLearnerId(did)) problem('/did', 'must be a DID (did:…) or an http(s) profile URL');
    const evidenceUrl = trimmed(result.evidenceUrl);
    if (evidenceUrl !== null && !isEvidenceUrl(evidenceUrl))
      problem('/evidenceUrl', 'must be an http(s) URL');
    if (result.score !== undefined && !Number.isFinite(result.score)) problem('/score', 'must be a number');
    let assessedAt = clock.now();
    if (result.date !== undefined) {
      const parsed = parseAchievedAt(result.date.trim(), clock.now());
      if (typeof parsed === 'string') problem('/date', parsed);
      else assessedAt = parsed;
    }
    if (fields.length > 0) {
      throw new AppError('validation_failed', 'The result is invalid', {
        detail: `The result is invalid: ${fields.map((f) => `${f.pointer.slice(1)} ${f.message}`).join('; ')}`,
        fields,
      });
    }
    return {
      data: {
        email,
        name: trimmed(result.name),
        did,
        narrative: trimmed(result.narrative),
        evidenceUrl,
        grade: trimmed(result.grade),
        score: result.score ?? null,
        date: result.date === undefined ? null : assessedAt.toISOString(),
        externalRef: trimmed(result.externalRef),
      },
      assessedAt,
    };
  }

  /**
   * Records one result reported by an LMS or another system. A pass awards the definition's credential
   * (once per award key: the external reference, or the result's content); a fail is only recorded. The
   * same result sent again (same external reference, or identical content) changes nothing and returns
   * what was recorded.
   */
  async function recordResult(options: {
    actor: Actor;
    slug: string;
    definitionId: string;
    result: ResultSubmission;
  }): Promise<RecordedResult> {
    const { data, assessedAt } = checkSubmission(options.result);
    const passed = options.result.passed;
    return db.transaction().execute(async (trx) => {
      const access = await organisations.requireAccess({
        actor: options.actor,
        slug: options.slug,
        permission: 'results:record',
        trx,
      });
      const definition = await requireIssuableDefinition(access, options.definitionId, trx);
      const supervision = options.result.supervision ?? definition.content.assessment?.supervision ?? null;
      const resultKey =
        data.externalRef !== null
          ? `ref:${data.externalRef}`
          : `hash:${createHash('sha256')
              .update(JSON.stringify([data, passed, supervision]), 'utf8')
              .digest('hex')}`;
      const existing = await repo.findResultByKey(trx, definition.id, resultKey);
      if (existing && data.externalRef !== null && existing.learner_email !== data.email) {
        throw refTaken(data.externalRef);
      }
      if (existing) return { result: existing, credential: null, created: false, alreadyIssued: false };

      const awardKey = awardKeyOf(definition.id, data);
      let credential: CredentialRow | null = null;
      let alreadyIssued = false;
      if (passed) {
        const issued = await credentials.issueForDefinition({
          actor: options.actor,
          definitionId: definition.id,
          recipient: { email: data.email, name: data.name, did: data.did },
          ...awardDetails(data),
          ...(data.narrative ? { narrative: data.narrative } : {}),
          via: 'external-result',
          idempotencyKey: awardKey,
          // The claim mail names the credential and links to it: one mail, not two.
          notifyRecipient: !(await needsClaim(trx, data.email)),
          validFrom: data.date === null ? undefined : assessedAt,
          trx,
        });
        credential = issued.record;
        alreadyIssued = issued.alreadyIssued;
        if (!alreadyIssued) await offerClaim(trx, options.actor, credential, access.organisation);
      }
      const { actorType, actorId } = actorRef(options.actor);
      const row = await repo.insertResult(trx, {
        id: ids(),
        organisation_id: access.organisation.id,
        definition_id: definition.id,
        result_key: resultKey,
        learner_email: data.email,
        learner_name: data.name,
        learner_did: data.did,
        score: data.score,
        grade: data.grade,
        passed,
        assessed_at: assessedAt,
        supervision,
        narrative: data.narrative,
        evidence_url: data.evidenceUrl,
        external_ref: data.externalRef,
        award_key: awardKey,
        credential_id: credential?.id ?? null,
        recorded_at: clock.now(),
        recorded_by_type: actorType,
        recorded_by_id: actorId,
      });
      if (!row) {
        throw new AppError('conflict', 'This result is being recorded by another request', {
          detail: 'The same result arrived twice at once; send it again to get the recorded result',
        });
      }
      await audit.record(trx, {
        type: 'external_result.recorded',
        actor: options.actor,
        organisationId: access.organisation.id,
        subject: { type: 'external_result', id: row.id },
        data: {
          definitionId: definition.id,
          passed,
          supervision,
          externalRef: data.externalRef,
          credentialId: credential?.id ?? null,
          alreadyIssued,
        },
      });
      return { result: row, credential, created: true, alreadyIssued };
    });
  }

  async function listResults(options: {
    actor: Actor;
    slug: string;
    definitionId: string;
    limit: number;
    offset: number;
  }): Promise<ExternalResultRow[]> {
    const access = await organisations.requireAccess({ ...options, permission: 'results:record' });
    const definition = await requireDefinition(access, options.definitionId, db);
    return repo.listResults(db, definition.id, options);
  }

  // ------------------------------------------------------------------------------------------------------
  // Bulk issue

  function verdictOf(
    definitionId: string,
    input: { csv?: string; rows?: RawRow[] },
  ): { verdict: RowsVerdict; source: 'csv' | 'rows'; digest: string } {
    if ((input.csv === undefined) === (input.rows === undefined)) {
      throw AppError.validation('Send the rows either as CSV text or as a JSON array of rows, not both', [
        { in: 'body', pointer: '', message: 'needs exactly one of csv and rows' },
      ]);
    }
    const now = clock.now();
    if (input.csv !== undefined) {
      const parsed = parseCsv(input.csv);
      return {
        verdict: checkRows(definitionId, parsed.rows, now, parsed.problems),
        source: 'csv',
        digest: fileDigest(input.csv),
      };
    }
    const rows = input.rows ?? [];
    checkRowCount(rows.length);
    return {
      verdict: checkRows(definitionId, rows, now),
      source: 'rows',
      digest: fileDigest(JSON.stringify(rows)),
    };
  }

  /** The rows a job stores: all of them, or for a refused file only the bad ones (the others never run). */
  function jobRowsOf(jobId: string, verdict: RowsVerdict, rejected: boolean): NewJobRow[] {
    const rows: NewJobRow[] = [
      ...(rejected ? [] : verdict.valid).map((row) => ({
        job_id: jobId,
        row_number: row.rowNumber,
        status: 'pending' as const,
        data: row.data,
        award_key: row.awardKey,
        errors: null,
      })),
      ...verdict.invalid.map((row) => ({
        job_id: jobId,
        row_number: row.rowNumber,
        status: 'invalid' as const,
        data: row.data,
        award_key: null,
        errors: row.problems,
      })),
    ];
    return rows.sort((a, b) => a.row_number - b.row_number);
  }

  /**
   * Bulk issue for an externally assessed definition. The whole file is checked first; with a bad row (or a
   * duplicate) nothing is issued unless `skipInvalid`: the refused file is kept as a `rejected` job so every
   * problem can be listed, and the 422 names the first {@link MAX_REPORTED_ROWS}. A dry run only reports.
   * An accepted job is issued in batches, each its own transaction: in the background (the server), or
   * before returning with `wait` (the CLI), calling `onProgress` after each batch.
   */
  async function submitIssueJob(options: {
    actor: Actor;
    slug: string;
    definitionId: string;
    csv?: string;
    rows?: RawRow[];
    skipInvalid?: boolean;
    dryRun?: boolean;
    wait?: boolean;
    onProgress?: JobProgressListener;
  }): Promise<{ job: IssueJobRow | null; dryRun: DryRunReport | null }> {
    const access = await organisations.requireAccess({
      actor: options.actor,
      slug: options.slug,
      permission: 'credentials:issue',
    });
    const definition = await requireIssuableDefinition(access, options.definitionId, db);
    const { verdict, source, digest } = verdictOf(definition.id, options);
    if (options.dryRun) {
      return {
        job: null,
        dryRun: {
          total: verdict.total,
          valid: verdict.valid.length,
          invalid: verdict.invalid.length,
          invalidRows: verdict.invalid.slice(0, MAX_REPORTED_ROWS).map(invalidReport),
        },
      };
    }
    const rejected = verdict.invalid.length > 0 && (!options.skipInvalid || verdict.valid.length === 0);
    const job = await db.transaction().execute(async (trx) => {
      const { actorType, actorId } = actorRef(options.actor);
      const now = clock.now();
      const created = await repo.insertJob(trx, {
        id: ids(),
        organisation_id: access.organisation.id,
        definition_id: definition.id,
        status: rejected ? 'rejected' : 'queued',
        source,
        skip_invalid: options.skipInvalid === true,
        file_sha256: digest,
        total_rows: verdict.total,
        invalid_rows: verdict.invalid.length,
        created_by_type: actorType,
        created_by_id: actorId,
        created_at: now,
        finished_at: rejected ? now : null,
      });
      await repo.insertJobRows(trx, jobRowsOf(created.id, verdict, rejected));
      await audit.record(trx, {
        type: 'issue_job.created',
        actor: options.actor,
        organisationId: access.organisation.id,
        subject: { type: 'issue_job', id: created.id },
        data: {
          definitionId: definition.id,
          status: rejected ? 'rejected' : 'queued',
          source,
          fileSha256: digest,
          totalRows: verdict.total,
          invalidRows: verdict.invalid.length,
          skipInvalid: options.skipInvalid === true,
        },
      });
      return created;
    });
    if (rejected) {
      const shown = verdict.invalid.slice(0, MAX_REPORTED_ROWS);
      const rowsUrl = `/api/v1/orgs/${options.slug}/definitions/${definition.id}/issue-jobs/${job.id}/rows?status=invalid`;
      throw new AppError('validation_failed', 'The file has invalid rows; nothing was issued', {
        detail:
          `${plural(verdict.invalid.length, 'row')} of ${verdict.total.toLocaleString('en')} ${verdict.invalid.length === 1 ? 'is' : 'are'} invalid, so nothing was issued (job ${job.id}, rejected). ` +
          (verdict.invalid.length > shown.length
            ? `The first ${shown.length} are listed in "errors"; all of them at GET ${rowsUrl}. `
            : `They are listed in "errors" (and at GET ${rowsUrl}). `) +
          (verdict.valid.length > 0
            ? `Fix them, or send the file again with skipInvalid to issue the ${plural(verdict.valid.length, 'valid row')}.`
            : 'No row is valid.'),
        fields: shown.flatMap(rowField),
      });
    }
    if (options.wait) {
      await runJob(job.id, options.onProgress);
      return { job: (await repo.findJobById(db, job.id)) ?? job, dryRun: null };
    }
    schedule(job.id);
    return { job, dryRun: null };
  }

  async function requireJob(options: {
    actor: Actor;
    slug: string;
    definitionId: string;
    jobId: string;
  }): Promise<IssueJobRow> {
    const access = await organisations.requireAccess({ ...options, permission: 'credentials:read' });
    const definition = await requireDefinition(access, options.definitionId, db);
    const job = isUuid(options.jobId) ? await repo.findJob(db, definition.id, options.jobId) : undefined;
    if (!job) throw AppError.notFound('Issue job');
    return job;
  }

  async function getIssueJob(options: {
    actor: Actor;
    slug: string;
    definitionId: string;
    jobId: string;
  }): Promise<IssueJobRow> {
    return requireJob(options);
  }

  async function listIssueJobs(options: {
    actor: Actor;
    slug: string;
    definitionId: string;
    limit: number;
    offset: number;
  }): Promise<IssueJobRow[]> {
    const access = await organisations.requireAccess({ ...options, permission: 'credentials:read' });
    const definition = await requireDefinition(access, options.definitionId, db);
    return repo.listJobs(db, definition.id, options);
  }

  /** A job's rows in file order, optionally only those in one state (`invalid`, `failed`…), paged. */
  async function listIssueJobRows(options: {
    actor: Actor;
    slug: string;
    definitionId: string;
    jobId: string;
    status?: IssueJobRowStatus;
    limit: number;
    offset: number;
  }): Promise<{ job: IssueJobRow; rows: RowReport[]; total: number }> {
    const job = await requireJob(options);
    const [rows, total] = await Promise.all([
      repo.listJobRows(db, job.id, options),
      repo.countJobRows(db, job.id, options.status),
    ]);
    return { job, rows: rows.map(rowReport), total };
  }

  function rowReport(row: IssueJobRowRow): RowReport {
    return {
      rowNumber: row.row_number,
      status: row.status,
      data: row.data,
      credentialId: row.credential_id,
      errors: row.errors ?? [],
    };
  }

  // The worker: one job at a time per process, batches in their own transactions.

  const worker = { queue: [] as string[], active: null as Promise<void> | null, stopping: false };

  function schedule(jobId: string): void {
    if (worker.stopping) return;
    if (!worker.queue.includes(jobId)) worker.queue.push(jobId);
    if (worker.active) return;
    worker.active = (async () => {
      while (worker.queue.length > 0 && !worker.stopping) {
        const next = worker.queue.shift() as string;
        try {
          await runJob(next);
        } catch (error) {
          // The job stays unfinished and is resumed at the next start.
          logger.error({ err: error, jobId: next }, 'issue job stopped by an error');
        }
      }
    })().finally(() => {
      worker.active = null;
    });
  }

  /** Issues one row inside the batch's transaction; a claim link goes with a new credential. */
  async function issueRow(trx: Db, job: IssueJobRow, actor: Actor, row: IssueJobRowRow) {
    const data = row.data;
    const issued = await credentials.issueForDefinition({
      actor,
      definitionId: job.definition_id,
      recipient: { email: data.email ?? '', name: data.name, did: data.did },
      ...awardDetails(data),
      ...(data.narrative ? { narrative: data.narrative } : {}),
      via: 'bulk',
      idempotencyKey: row.award_key ?? undefined,
      // The claim mail names the credential and links to it: one mail, not two.
      notifyRecipient: !(data.email && (await needsClaim(trx, data.email))),
      validFrom: data.date === null ? undefined : new Date(data.date),
      trx,
    });
    if (!issued.alreadyIssued) {
      const organisation = await organisations.findOrganisationById(job.organisation_id, trx);
      if (organisation) await offerClaim(trx, actor, issued.record, organisation);
    }
    return issued;
  }

  /** One batch in one transaction; the number of rows it settled (0: none left). */
  async function runBatch(job: IssueJobRow, actor: Actor, limit: number): Promise<number> {
    return db.transaction().execute(async (trx) => {
      const rows = await repo.claimPendingRows(trx, job.id, limit);
      const counts = { processed: 0, issued: 0, alreadyIssued: 0, failed: 0 };
      for (const row of rows) {
        const issued = await issueRow(trx, job, actor, row);
        await repo.finishRow(trx, job.id, row.row_number, {
          status: issued.alreadyIssued ? 'already_issued' : 'issued',
          credential_id: issued.record.id,
          errors: null,
          processed_at: clock.now(),
        });
        counts.processed++;
        if (issued.alreadyIssued) counts.alreadyIssued++;
        else counts.issued++;
      }
      if (rows.length > 0) await repo.addToCounters(trx, job.id, counts);
      return rows.length;
    });
  }

  /** After a batch failed: the next row alone; if it fails again it is marked failed with the reason. */
  async function runSingleRow(job: IssueJobRow, actor: Actor): Promise<number> {
    try {
      return await runBatch(job, actor, 1);
    } catch (error) {
      // Only a refusal about this row fails it for good. Anything else (the database, a broken dependency)
      // stops the job, which stays running and is resumed later rather than failing every row.
      if (!(error instanceof AppError)) throw error;
      const message = error.message;
      return db.transaction().execute(async (trx) => {
        const [row] = await repo.claimPendingRows(trx, job.id, 1);
        if (!row) return 0;
        await repo.finishRow(trx, job.id, row.row_number, {
          status: 'failed',
          credential_id: null,
          errors: [{ column: '', message }],
          processed_at: clock.now(),
        });
        await repo.addToCounters(trx, job.id, { processed: 1, issued: 0, alreadyIssued: 0, failed: 1 });
        return 1;
      });
    }
  }

  /** Processes a queued or interrupted job to the end (or until the worker stops). */
  async function runJob(jobId: string, onProgress?: JobProgressListener): Promise<void> {
    const job = await db.transaction().execute(async (trx) => {
      const found = await repo.lockJob(trx, jobId);
      if (!found || (found.status !== 'queued' && found.status !== 'running')) return null;
      if (found.status === 'running') return found;
      return repo.markJob(trx, jobId, { status: 'running', started_at: clock.now() });
    });
    if (!job) return;
    const actor = jobActor(job);
    onProgress?.(job);
    while (!worker.stopping) {
      let settled: number;
      try {
        settled = await runBatch(job, actor, batchSize);
      } catch (error) {
        if (sqlState(error) === UNIQUE_VIOLATION) logger.warn({ jobId }, 'a bulk row raced another award');
        // Retry the batch's rows one by one, so a single bad row fails alone.
        settled = 0;
        for (let i = 0; i < batchSize; i++) {
          const one = await runSingleRow(job, actor);
          if (one === 0) break;
          settled += one;
        }
      }
      if (settled === 0) break;
      const current = await repo.findJobById(db, jobId);
      if (current) onProgress?.(current);
    }
    if (worker.stopping) return;
    const finished = await db.transaction().execute(async (trx) => {
      const current = await repo.lockJob(trx, jobId);
      if (current?.status !== 'running') return null;
      if ((await repo.countJobRows(trx, jobId, 'pending')) > 0) return null;
      const done = await repo.markJob(trx, jobId, { status: 'completed', finished_at: clock.now() });
      await audit.record(trx, {
        type: 'issue_job.completed',
        actor,
        organisationId: done.organisation_id,
        subject: { type: 'issue_job', id: done.id },
        data: {
          definitionId: done.definition_id,
          issued: done.issued_rows,
          alreadyIssued: done.already_issued_rows,
          failed: done.failed_rows,
          skipped: done.invalid_rows,
        },
      });
      return done;
    });
    if (finished) onProgress?.(finished);
  }

  /** At server start: queue every job a previous process left unfinished. */
  async function resumeUnfinishedJobs(): Promise<number> {
    worker.stopping = false;
    const jobIds = await repo.unfinishedJobIds(db);
    for (const jobId of jobIds) schedule(jobId);
    return jobIds.length;
  }

  /** Resolves once the worker has nothing left to do (tests, graceful shutdown). */
  async function whenIdle(): Promise<void> {
    while (worker.active) await worker.active;
  }

  /** Lets the running batch finish, then stops; unfinished jobs resume at the next start. */
  async function stopWorker(): Promise<void> {
    worker.stopping = true;
    worker.queue.length = 0;
    await whenIdle();
  }

  // ------------------------------------------------------------------------------------------------------
  // Claiming

  function tokenInvalid(): AppError {
    return new AppError('token_invalid', 'This claim link is invalid or has expired', {
      detail: 'The claim link is unknown, already used or expired. Ask the issuer to send a new one.',
    });
  }

  /** What a claim link offers, for the claim page (anyone holding the link may see it). */
  async function describeClaim(options: { token: string }) {
    const claim =
      options.token.length > 0 && options.token.length <= 200
        ? await repo.findClaimByTokenHash(db, sha256Hex(options.token))
        : undefined;
    if (!claim || claim.claimed_at !== null || claim.expires_at.getTime() <= clock.now().getTime()) {
      throw tokenInvalid();
    }
    return {
      title: claim.credential_title,
      organisation: { name: claim.organisation_name, slug: claim.organisation_slug },
      pageUrl: credentialPageUrl(claim.credential_id),
      expiresAt: claim.expires_at,
    };
  }

  /**
   * Binds to the signed-in user's account the credential a claim link was mailed for, and every other
   * unclaimed credential addressed to the same recipient address (the link proves the caller reads that
   * mailbox). The account's own address may differ; both are recorded.
   */
  async function claimCredentials(options: { actor: Actor; token: string }): Promise<ClaimedCredential[]> {
    if (options.actor.kind !== 'user') throw new AppError('unauthenticated', 'Sign in to claim a credential');
    const user = options.actor;
    const { claimed: bound, eventId } = await db.transaction().execute(async (trx) => {
      const userEmail = await accounts.verifiedEmailOf({ actor: user, trx });
      const token = options.token;
      const claim =
        token.length > 0 && token.length <= 200
          ? await repo.findClaimByTokenHash(trx, sha256Hex(token))
          : undefined;
      if (!claim || claim.claimed_at !== null || claim.expires_at.getTime() <= clock.now().getTime()) {
        throw tokenInvalid();
      }
      const now = clock.now();
      const open = await repo.lockOpenClaimsFor(trx, claim.recipient_email);
      if (!open.some((candidate) => candidate.id === claim.id)) throw tokenInvalid();
      const claimed: ClaimedCredential[] = [];
      for (const candidate of open) {
        if (candidate.id !== claim.id && candidate.expires_at.getTime() <= now.getTime()) continue;
        const marked = await repo.markClaimed(trx, candidate.id, user.userId, now);
        if (Number(marked.numUpdatedRows) === 0) continue;
        const holder = await repo.insertHolder(trx, {
          credential_id: candidate.credential_id,
          user_id: user.userId,
          claim_id: candidate.id,
          recipient_email: candidate.recipient_email,
          user_email: userEmail,
          claimed_at: now,
        });
        if (!holder) continue;
        await audit.record(trx, {
          type: 'credential.claimed',
          actor: user,
          organisationId: candidate.organisation_id,
          subject: { type: 'credential', id: candidate.credential_id },
          data: { claimId: candidate.id, userId: user.userId },
        });
        claimed.push({
          credentialId: candidate.credential_id,
          title: candidate.credential_title,
          organisation: { name: candidate.organisation_name, slug: candidate.organisation_slug },
          pageUrl: credentialPageUrl(candidate.credential_id),
          recipientEmail: candidate.recipient_email,
        });
      }
      const queued =
        claimed.length > 0 && deps.claims
          ? await deps.claims.queueClaimed(trx, {
              userId: user.userId,
              credentialIds: claimed.map((item) => item.credentialId),
            })
          : null;
      return { claimed, eventId: queued };
    });
    // After the commit: a listener's failure must not undo the claim (the event stays queued for a retry).
    if (eventId && deps.claims) {
      try {
        await deps.claims.deliverQueued([eventId]);
      } catch (error) {
        logger.error({ err: error }, 'delivering a claim event failed; it stays queued');
      }
    }
    return bound;
  }

  /** For other modules: the credentials bound to a user by claiming, newest claim first. */
  async function claimedCredentialIdsOf(options: { userId: string; trx?: Db }): Promise<string[]> {
    return repo.heldCredentialIds(options.trx ?? db, options.userId);
  }

  // ------------------------------------------------------------------------------------------------------
  // Further e-mail addresses

  async function currentUser(actor: UserActor, trx: Db): Promise<UserRow> {
    const user = await accounts.findUserById(actor.userId, trx);
    if (!user) throw new AppError('unauthenticated', 'Your account no longer exists');
    return user;
  }

  async function listEmails(options: {
    actor: UserActor;
  }): Promise<{ user: UserRow; emails: UserEmailRow[] }> {
    const user = await currentUser(options.actor, db);
    return { user, emails: await repo.listEmails(db, user.id) };
  }

  /**
   * Adds a further address (or mails a new confirmation link for one not confirmed yet). Credentials issued to
   * it count as the user's once it is confirmed. An address another account uses is refused.
   */
  async function addEmail(options: { actor: UserActor; email: string }): Promise<UserEmailRow> {
    const email = options.email.trim().toLowerCase();
    if (!isEmail(email)) {
      throw AppError.validation('The e-mail address is not valid', [
        { in: 'body', pointer: '/email', message: 'is not a valid e-mail address' },
      ]);
    }
    const taken = () =>
      new AppError('conflict', 'This address is already in use', {
        detail: 'This e-mail address belongs to an account (yours or another); it cannot be added again',
      });
    return db.transaction().execute(async (trx) => {
      const user = await currentUser(options.actor, trx);
      if (user.email.toLowerCase() === email) throw taken();
      if (await accounts.findUserByEmail(email, trx)) throw taken();
      const owner = await repo.findVerifiedEmailOwner(trx, email);
      if (owner) throw taken();
      const token = randomToken();
      const now = clock.now();
      const expires = new Date(now.getTime() + EMAIL_TOKEN_TTL_MS);
      const existing = await repo.findEmail(trx, user.id, email);
      let row: UserEmailRow;
      if (existing) {
        row = await repo.updateEmail(trx, existing.id, {
          token_hash: sha256Hex(token),
          token_expires_at: expires,
        });
      } else {
        if ((await repo.listEmails(trx, user.id)).length >= MAX_EXTRA_EMAILS) {
          throw new AppError('invalid_state', 'Too many e-mail addresses', {
            detail: `An account holds at most ${MAX_EXTRA_EMAILS} further addresses; remove one first`,
          });
        }
        row = await repo.insertEmail(trx, {
          id: ids(),
          user_id: user.id,
          email,
          token_hash: sha256Hex(token),
          token_expires_at: expires,
          created_at: now,
        });
        await audit.record(trx, {
          type: 'user_email.added',
          actor: options.actor,
          subject: { type: 'user', id: user.id },
          data: { emailId: row.id },
        });
      }
      await mail.enqueue(trx, emailConfirmationMail({ baseUrl, to: email, userName: user.name, token }));
      return row;
    });
  }

  /** Confirms a further address with the token mailed to it (the token alone identifies it). */
  async function verifyEmail(options: { actor: Actor; token: string }): Promise<UserEmailRow> {
    const invalid = () =>
      new AppError('token_invalid', 'This link is invalid or has expired', {
        detail: 'The link is unknown, already used or expired. Add the address again for a new one.',
      });
    if (options.token.length === 0 || options.token.length > 200) throw invalid();
    try {
      return await db.transaction().execute(async (trx) => {
        const row = await repo.findEmailByTokenHash(trx, sha256Hex(options.token));
        const now = clock.now();
        if (!row || row.verified_at !== null || !row.token_expires_at || row.token_expires_at <= now) {
          throw invalid();
        }
        if (
          (await repo.findVerifiedEmailOwner(trx, row.email)) ||
          (await accounts.findUserByEmail(row.email, trx))
        ) {
          throw new AppError('conflict', 'This address is already in use', {
            detail: 'Another account confirmed this address first',
          });
        }
        const verified = await repo.updateEmail(trx, row.id, {
          verified_at: now,
          token_hash: null,
          token_expires_at: null,
        });
        await audit.record(trx, {
          type: 'user_email.verified',
          actor: options.actor,
          subject: { type: 'user', id: row.user_id },
          data: { emailId: row.id },
        });
        return verified;
      });
    } catch (error) {
      if (sqlState(error) === UNIQUE_VIOLATION) {
        throw new AppError('conflict', 'This address is already in use', {
          detail: 'Another account confirmed this address first',
        });
      }
      throw error;
    }
  }

  async function removeEmail(options: { actor: UserActor; emailId: string }): Promise<void> {
    await db.transaction().execute(async (trx) => {
      const row = isUuid(options.emailId)
        ? await repo.findEmailById(trx, options.actor.userId, options.emailId)
        : undefined;
      if (!row) throw AppError.notFound('E-mail address');
      await repo.deleteEmail(trx, row.id);
      await audit.record(trx, {
        type: 'user_email.removed',
        actor: options.actor,
        subject: { type: 'user', id: row.user_id },
        data: { emailId: row.id, wasVerified: row.verified_at !== null },
      });
    });
  }

  /**
   * For other modules: every address the user has proved to own (the account's own address once verified,
   * and confirmed further addresses), normalised. Credentials issued to any of them are the user's.
   */
  async function emailsOf(options: { userId: string; trx?: Db }): Promise<string[]> {
    const trx = options.trx ?? db;
    const user = await accounts.findUserById(options.userId, trx);
    if (!user) return [];
    const extra = await repo.listEmails(trx, user.id);
    return [
      ...(user.email_verified_at ? [user.email.toLowerCase()] : []),
      ...extra.filter((row) => row.verified_at !== null).map((row) => row.email),
    ];
  }

  /**
   * For other modules: the account that confirmed `email` as a further address, if any (normalised). The
   * reverse of {@link emailsOf} for further addresses; an account's own sign-in address is the accounts
   * module's.
   */
  async function verifiedOwnerOf(options: { email: string; trx?: Db }): Promise<string | undefined> {
    const row = await repo.findVerifiedEmailOwner(options.trx ?? db, options.email.trim().toLowerCase());
    return row?.user_id;
  }

  return {
    recordResult,
    importResults,
    listResults,
    submitIssueJob,
    getIssueJob,
    listIssueJobs,
    listIssueJobRows,
    resumeUnfinishedJobs,
    whenIdle,
    stopWorker,
    describeClaim,
    claimCredentials,
    claimedCredentialIdsOf,
    listEmails,
    addEmail,
    verifyEmail,
    removeEmail,
    emailsOf,
    verifiedOwnerOf,
    credentialPageUrl,
  };
}

export type IssuanceService = ReturnType<typeof createIssuanceService>;
