import { createHash } from 'node:crypto';
import { type Actor, systemActor, type UserActor } from '../../core/actor.ts';
import type { Clock } from '../../core/clock.ts';
import type { Config } from '../../core/config.ts';
import { AppError } from '../../core/errors.ts';
import { type IdGenerator, isUuid } from '../../core/ids.ts';
import type { EvidenceInput, ResultInput } from '../../core/vc/open-badges.ts';
import type { Db } from '../../db/database.ts';
import type {
  MarkStage,
  PortfolioFileMeta,
  PortfolioMarkRow,
  PortfolioRubricRow,
  PortfolioSubmissionRow,
  SubmissionStatus,
} from '../../db/tables/portfolio.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type {
  AssessmentInstruments,
  DefinitionLookup,
  DefinitionRecord,
  InstrumentReadiness,
} from '../catalogue/catalogue.ports.ts';
import type { MailService } from '../mail/mail.service.ts';
import type { OrganisationAccess, OrganisationsService } from '../organisations/organisations.service.ts';
import { checkFileType } from './portfolio.files.ts';
import { type MailedCriterion, submissionFailedMail, submissionPassedMail } from './portfolio.mail.ts';
import { createDecisionOutcomes } from './portfolio.outcomes.ts';
import { createPortfolioRepository } from './portfolio.repository.ts';
import {
  defaultSettings,
  marksDisagree,
  maxPointsOf,
  normaliseRubric,
  type Rubric,
  type RubricInput,
  rubricReadiness,
  type ScoredMark,
  type SubmissionLink,
  type SubmissionSettings,
  scoreMark,
} from './portfolio.rubric.ts';

/** What this module needs from accounts (implemented by its service). */
export interface LearnerAccounts {
  /** The signed-in user's address; 401 for anyone else, 403 email_not_verified until verified. */
  verifiedEmailOf(options: { actor: Actor; trx?: Db }): Promise<string>;
  findUserById(userId: string, trx?: Db): Promise<{ id: string; name: string } | undefined>;
}

/**
 * Awarding the credential of a definition on a pass (implemented by the credentials service). It checks no
 * permission: the caller has authorised its actor. `idempotencyKey` makes a retried pass award nothing twice.
 */
export interface CredentialAwards {
  issueForDefinition(options: {
    actor: Actor;
    definitionId: string;
    recipient: { email: string; name?: string | null; did?: string | null };
    result?: ResultInput[];
    evidence?: EvidenceInput[];
    narrative?: string;
    via: 'assessment';
    idempotencyKey?: string;
    trx?: Db;
  }): Promise<{ record: { id: string }; alreadyIssued: boolean }>;
}

export interface PortfolioServiceDeps {
  db: Db;
  clock: Clock;
  ids: IdGenerator;
  config: Config;
  audit: AuditService;
  mail: MailService;
  organisations: Pick<OrganisationsService, 'requireAccess'>;
  accounts: LearnerAccounts;
  definitions: DefinitionLookup;
  awards: CredentialAwards;
}

/** A rubric as shown, with its definition version and whether it is ready to assess learners. */
export interface RubricView {
  definition: DefinitionRecord;
  rubric: (Rubric & { revision: number; maxPoints: number; updatedAt: Date }) | null;
  readiness: InstrumentReadiness | null;
}

export interface SubmissionDetails {
  submission: PortfolioSubmissionRow;
  files: PortfolioFileMeta[];
  /** The marks this caller may see (a second marker does not see the first mark: marking is blind). */
  marks: PortfolioMarkRow[];
  rubric: StoredRubric;
}

/** A rubric with its row's revision and time of last change. */
export type StoredRubric = Rubric & { revision: number; updatedAt: Date };

export interface QueuePage {
  submissions: Array<PortfolioSubmissionRow & { file_count: number }>;
  nextCursor: string | null;
}

export interface FileDownload {
  fileName: string;
  mediaType: string;
  content: Buffer;
}

export interface UploadedFile {
  fileName: string;
  bytes: Buffer;
}

const OPEN_STATUSES: readonly SubmissionStatus[] = [
  'draft',
  'submitted',
  'awaiting_second_mark',
  'in_moderation',
];
export const QUEUE_STATUSES: readonly SubmissionStatus[] = [
  'submitted',
  'awaiting_second_mark',
  'in_moderation',
];
const HOUR_MS = 3_600_000;

function encodeQueueCursor(row: { submitted_at: Date | null; id: string }): string {
  return Buffer.from(`${(row.submitted_at ?? new Date(0)).toISOString()}|${row.id}`, 'utf8').toString(
    'base64url',
  );
}

function decodeQueueCursor(cursor: string): { submittedAt: Date; id: string } {
  const text = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const [time, id] = text.split('|');
  const submittedAt = time ? new Date(time) : new Date(Number.NaN);
  if (!id || !isUuid(id) || Number.isNaN(submittedAt.getTime()) || submittedAt.toISOString() !== time) {
    throw new AppError('invalid_request', 'The cursor is invalid', {
      detail: 'The cursor is invalid: pass the nextCursor of a previous page unchanged',
      fields: [{ in: 'querystring', pointer: '/cursor', message: 'is not a cursor from this API' }],
    });
  }
  return { submittedAt, id: id.toLowerCase() };
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}

function rubricOf(row: PortfolioRubricRow): Rubric {
  // Settings written by an earlier release may lack newer fields: the defaults fill them in.
  const defaults = defaultSettings();
  return {
    criteria: row.criteria,
    passRule: row.pass_rule,
    settings: {
      ...defaults,
      ...row.settings,
      secondMarker: { ...defaults.secondMarker, ...row.settings.secondMarker },
    },
  };
}

function storedRubric(row: PortfolioRubricRow): StoredRubric {
  return { ...rubricOf(row), revision: row.revision, updatedAt: row.updated_at };
}

/** A size for people: bytes, KB or MB (1024-based), one decimal when not whole. */
export function formatBytes(bytes: number): string {
  const format = (value: number, unit: string) =>
    `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`;
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return format(bytes / 1024, 'KB');
  return format(bytes / (1024 * 1024), 'MB');
}

function requireUser(actor: Actor): UserActor {
  if (actor.kind === 'user') return actor;
  throw new AppError('unauthenticated', 'Sign in to do this', {
    detail: 'Portfolio submissions belong to a signed-in learner; sign in with your account',
  });
}

/**
 * Practical / portfolio assessment: a rubric per definition version (criteria × levels, a pass rule,
 * submission settings), learners' submissions with text, links and files, the organisation's assessor
 * queue with optional second marking and moderation, and on a final pass the definition's credential,
 * awarded through {@link CredentialAwards} in the same transaction as the mark.
 *
 * Lock order, for every marking transaction: the organisation row (requireAccess with `lock`), the
 * submission row, then — only on a pass — the credential's status list positions, and only after all of
 * those the audit chain. Audit events of a mark are therefore written after the award, never before.
 */
export function createPortfolioService(deps: PortfolioServiceDeps) {
  const repo = createPortfolioRepository();
  const { clock, ids, audit, mail, organisations, accounts, definitions, awards } = deps;
  const baseUrl = deps.config.publicUrl.href.replace(/\/$/, '');

  const transaction = <T>(work: (trx: Db) => Promise<T>): Promise<T> => deps.db.transaction().execute(work);

  function rubricUrl(definitionId: string): string {
    return `${baseUrl}/api/v1/portfolio/definitions/${definitionId}/rubric`;
  }

  function learnerSubmissionUrl(submissionId: string): string {
    return `${baseUrl}/api/v1/me/portfolio/submissions/${submissionId}`;
  }

  // ---------------------------------------------------------------------------------------------------
  // Rubrics
  // ---------------------------------------------------------------------------------------------------

  /** The organisation's own definition version, or 404 (another organisation's is indistinguishable). */
  async function definitionOfOrganisation(
    trx: Db,
    access: OrganisationAccess,
    definitionId: string,
  ): Promise<DefinitionRecord> {
    const definition = await definitions.getDefinitionRecord({ definitionId, trx });
    if (!definition || definition.organisationId !== access.organisation.id) {
      throw AppError.notFound('Definition');
    }
    return definition;
  }

  function rubricView(definition: DefinitionRecord, row: PortfolioRubricRow | undefined): RubricView {
    if (!row) return { definition, rubric: null, readiness: null };
    const rubric = rubricOf(row);
    return {
      definition,
      rubric: {
        ...rubric,
        revision: row.revision,
        maxPoints: maxPointsOf(rubric.criteria),
        updatedAt: row.updated_at,
      },
      readiness: rubricReadiness(rubric),
    };
  }

  function requireDraft(definition: DefinitionRecord): void {
    if (definition.source !== 'own') {
      throw new AppError('invalid_state', 'External catalogue entries have no rubric', {
        detail:
          'This definition was imported from another provider, who assesses it; rubrics belong to own definitions',
      });
    }
    if (definition.status !== 'draft') {
      throw new AppError('invalid_state', 'Only a draft definition’s rubric can change', {
        detail: `This definition version is ${definition.status.replace('_', ' ')}; its rubric no longer changes. Make a new version of the definition and edit the rubric there.`,
      });
    }
  }

  async function getRubric(options: {
    actor: Actor;
    slug: string;
    definitionId: string;
  }): Promise<RubricView> {
    const db = deps.db;
    const access = await organisations.requireAccess({
      actor: options.actor,
      slug: options.slug,
      permission: 'definitions:read',
      trx: db,
    });
    const definition = await definitionOfOrganisation(db, access, options.definitionId);
    return rubricView(definition, await repo.findRubric(db, definition.id));
  }

  /** Creates or replaces the rubric of a draft definition version (409 invalid_state once it left draft). */
  async function saveRubric(options: {
    actor: Actor;
    slug: string;
    definitionId: string;
    rubric: RubricInput;
  }): Promise<RubricView & { created: boolean }> {
    return transaction(async (trx) => {
      const access = await organisations.requireAccess({
        actor: options.actor,
        slug: options.slug,
        permission: 'assessments:manage',
        trx,
        lock: true,
      });
      const definition = await definitionOfOrganisation(trx, access, options.definitionId);
      requireDraft(definition);
      const rubric = normaliseRubric(options.rubric, {
        learningOutcomeIds: (definition.content.learningOutcomes ?? []).flatMap((outcome) =>
          outcome.id === undefined ? [] : [outcome.id],
        ),
        defaultSupervision: definition.content.assessment?.supervision,
      });
      const existing = await repo.findRubricForUpdate(trx, definition.id);
      const row = await repo.upsertRubric(trx, {
        definitionId: definition.id,
        organisationId: access.organisation.id,
        ...rubric,
        revision: (existing?.revision ?? 0) + 1,
        now: clock.now(),
      });
      await audit.record(trx, {
        type: 'portfolio.rubric_saved',
        actor: options.actor,
        organisationId: access.organisation.id,
        subject: { type: 'credential_definition', id: definition.id },
        data: {
          change: existing ? 'updated' : 'created',
          revision: row.revision,
          criteria: rubric.criteria.length,
          maxPoints: maxPointsOf(rubric.criteria),
        },
      });
      return { ...rubricView(definition, row), created: !existing };
    });
  }

  async function deleteRubric(options: { actor: Actor; slug: string; definitionId: string }): Promise<void> {
    await transaction(async (trx) => {
      const access = await organisations.requireAccess({
        actor: options.actor,
        slug: options.slug,
        permission: 'assessments:manage',
        trx,
        lock: true,
      });
      const definition = await definitionOfOrganisation(trx, access, options.definitionId);
      const existing = await repo.findRubricForUpdate(trx, definition.id);
      if (!existing) throw AppError.notFound('Rubric');
      requireDraft(definition);
      await repo.deleteRubric(trx, definition.id);
      await audit.record(trx, {
        type: 'portfolio.rubric_deleted',
        actor: options.actor,
        organisationId: access.organisation.id,
        subject: { type: 'credential_definition', id: definition.id },
        data: { revision: existing.revision },
      });
    });
  }

  /**
   * The rubric of a published (or retired) definition version as learners see it before and while they
   * submit: criteria, levels, pass rule and submission limits. Drafts and other definitions answer 404.
   */
  async function getPublishedRubric(options: { actor: Actor; definitionId: string }): Promise<RubricView> {
    const definition = await definitions.getDefinitionRecord({
      definitionId: options.definitionId,
      trx: deps.db,
    });
    const visible =
      definition &&
      definition.source === 'own' &&
      (definition.status === 'published' || definition.status === 'retired');
    const row = visible ? await repo.findRubric(deps.db, definition.id) : undefined;
    if (!definition || !row) throw AppError.notFound('Rubric');
    return rubricView(definition, row);
  }

  // ---------------------------------------------------------------------------------------------------
  // The catalogue's AssessmentInstruments port
  // ---------------------------------------------------------------------------------------------------

  const instruments: AssessmentInstruments = {
    async readiness({ definitionId, trx }) {
      const row = await repo.findRubric(trx, definitionId);
      return row ? rubricReadiness(rubricOf(row)) : null;
    },
    async copyForNewVersion({ fromDefinitionId, toDefinitionId, trx }) {
      const from = await repo.findRubric(trx, fromDefinitionId);
      if (!from) return;
      const target = await definitions.getDefinitionRecord({ definitionId: toDefinitionId, trx });
      if (!target) throw new Error(`copyForNewVersion: definition ${toDefinitionId} does not exist`);
      const existing = await repo.findRubricForUpdate(trx, toDefinitionId);
      const row = await repo.upsertRubric(trx, {
        definitionId: toDefinitionId,
        organisationId: target.organisationId,
        ...rubricOf(from),
        revision: (existing?.revision ?? 0) + 1,
        now: clock.now(),
      });
      await audit.record(trx, {
        type: 'portfolio.rubric_saved',
        actor: systemActor('catalogue: new definition version'),
        organisationId: target.organisationId,
        subject: { type: 'credential_definition', id: toDefinitionId },
        data: {
          change: 'copied',
          revision: row.revision,
          criteria: from.criteria.length,
          maxPoints: maxPointsOf(from.criteria),
          fromDefinitionId,
        },
      });
    },
  };

  // ---------------------------------------------------------------------------------------------------
  // Learners' submissions
  // ---------------------------------------------------------------------------------------------------

  function checkContent(
    settings: SubmissionSettings,
    content: { text?: string | null; links?: SubmissionLink[] | null },
  ): { text?: string | null; links?: SubmissionLink[] } {
    const accepted = settings.allowedKinds.join(', ');
    const out: { text?: string | null; links?: SubmissionLink[] } = {};
    if (content.text !== undefined) {
      const text = content.text === null ? null : content.text.trim() || null;
      if (text !== null && !settings.allowedKinds.includes('text')) {
        throw AppError.validation(`This assessment does not take text; it accepts: ${accepted}`, [
          { in: 'body', pointer: '/text', message: `is not accepted here (accepted: ${accepted})` },
        ]);
      }
      out.text = text;
    }
    if (content.links !== undefined) {
      const links = content.links ?? [];
      if (links.length > 0 && !settings.allowedKinds.includes('links')) {
        throw AppError.validation(`This assessment does not take links; it accepts: ${accepted}`, [
          { in: 'body', pointer: '/links', message: `are not accepted here (accepted: ${accepted})` },
        ]);
      }
      const seen = new Set<string>();
      links.forEach((link, i) => {
        let parsed: URL | undefined;
        try {
          parsed = new URL(link.url);
        } catch {
          parsed = undefined;
        }
        if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
          throw AppError.validation('Links must be http or https URLs', [
            { in: 'body', pointer: `/links/${i}/url`, message: 'must be an http or https URL' },
          ]);
        }
        if (seen.has(parsed.href)) {
          throw AppError.validation('A link is listed twice', [
            { in: 'body', pointer: `/links/${i}/url`, message: 'is listed twice' },
          ]);
        }
        seen.add(parsed.href);
      });
      out.links = links.map((link) => ({
        url: link.url,
        ...(link.title?.trim() ? { title: link.title.trim() } : {}),
      }));
    }
    return out;
  }

  /** The learner's own submission, or 404 (someone else's is indistinguishable from a missing one). */
  async function ownSubmission(
    trx: Db,
    actor: UserActor,
    submissionId: string,
    forUpdate = false,
  ): Promise<PortfolioSubmissionRow> {
    const submission = await repo.findSubmission(trx, submissionId, { forUpdate });
    if (!submission || submission.learner_user_id !== actor.userId) throw AppError.notFound('Submission');
    return submission;
  }

  async function rubricFor(trx: Db, definitionId: string): Promise<StoredRubric> {
    const row = await repo.findRubric(trx, definitionId);
    // A rubric never disappears once its definition is published (it can only be deleted in draft).
    if (!row) throw new Error(`portfolio: definition ${definitionId} has submissions but no rubric`);
    return storedRubric(row);
  }

  function requireDraftSubmission(submission: PortfolioSubmissionRow): void {
    if (submission.status !== 'draft') {
      throw new AppError('invalid_state', 'The submission was already handed in', {
        detail: `This submission is ${submission.status.replaceAll('_', ' ')}: submitted work no longer changes`,
      });
    }
  }

  async function details(
    trx: Db,
    submission: PortfolioSubmissionRow,
    visibleMarks: (marks: PortfolioMarkRow[]) => PortfolioMarkRow[],
  ): Promise<SubmissionDetails> {
    const [files, marks, rubric] = await Promise.all([
      repo.listFiles(trx, submission.id),
      repo.listMarks(trx, submission.id),
      rubricFor(trx, submission.definition_id),
    ]);
    return { submission, files, marks: visibleMarks(marks), rubric };
  }

  /** The learner sees the deciding mark once the submission is decided, and no mark before. */
  function learnerMarks(submission: PortfolioSubmissionRow) {
    return (marks: PortfolioMarkRow[]) => marks.filter((mark) => mark.id === submission.final_mark_id);
  }

  /**
   * Starts a submission for a published definition version that is assessed by a rubric. One open
   * submission per learner and version; after a fail a new one may be made (within the rubric's attempt
   * limit and after its waiting time); after a pass none.
   */
  async function createSubmission(options: {
    actor: Actor;
    definitionId: string;
    text?: string | null;
    links?: SubmissionLink[];
  }): Promise<SubmissionDetails> {
    try {
      return await transaction(async (trx) => {
        const email = await accounts.verifiedEmailOf({ actor: options.actor, trx });
        const actor = requireUser(options.actor);
        const definition = await definitions.getDefinitionRecord({ definitionId: options.definitionId, trx });
        if (definition?.source !== 'own' || definition.status !== 'published') {
          throw AppError.notFound('Definition');
        }
        const rubricRow = await repo.findRubric(trx, definition.id);
        if (!rubricRow) {
          throw new AppError('not_found', 'This credential has no portfolio assessment', {
            detail:
              'This credential is not assessed by portfolio or practical work, so it takes no submissions',
          });
        }
        const rubric = storedRubric(rubricRow);
        const history = await repo.learnerHistory(trx, actor.userId, definition.id);
        const open = history.find((row) => OPEN_STATUSES.includes(row.status));
        if (open) {
          throw new AppError('conflict', 'You already have an open submission for this credential', {
            detail: `Submission ${open.id} is still ${open.status.replaceAll('_', ' ')}; continue it or wait for its result`,
          });
        }
        if (history.some((row) => row.status === 'passed')) {
          throw new AppError('invalid_state', 'You already passed this assessment', {
            detail: 'Your earlier submission for this credential passed; there is nothing to resubmit',
          });
        }
        const { maxAttempts, resubmitAfterHours } = rubric.settings;
        if (maxAttempts !== null && history.length >= maxAttempts) {
          throw new AppError('attempt_limit_reached', 'No attempts left', {
            detail: `This assessment allows ${maxAttempts} submission${maxAttempts === 1 ? '' : 's'} and you have made ${history.length}`,
          });
        }
        const lastDecided = history[0]?.decided_at;
        if (lastDecided && resubmitAfterHours > 0) {
          const allowedAt = lastDecided.getTime() + resubmitAfterHours * HOUR_MS;
          const wait = allowedAt - clock.now().getTime();
          if (wait > 0) {
            throw new AppError('cooldown_active', 'Too early to resubmit', {
              detail: `After a fail you can submit again ${resubmitAfterHours} hours later, from ${new Date(allowedAt).toISOString()}`,
              retryAfterSeconds: Math.ceil(wait / 1000),
            });
          }
        }
        const content = checkContent(rubric.settings, { text: options.text, links: options.links ?? [] });
        const user = await accounts.findUserById(actor.userId, trx);
        const submission = await repo.insertSubmission(trx, {
          id: ids(),
          organisation_id: definition.organisationId,
          definition_id: definition.id,
          definition_title: definition.title,
          learner_user_id: actor.userId,
          learner_email: email,
          learner_name: user?.name ?? '',
          attempt: history.length + 1,
          text_body: content.text ?? null,
          links: content.links ?? [],
          now: clock.now(),
        });
        await audit.record(trx, {
          type: 'portfolio.submission_created',
          actor,
          organisationId: definition.organisationId,
          subject: { type: 'portfolio_submission', id: submission.id },
          data: { definitionId: definition.id, attempt: submission.attempt },
        });
        return { submission, files: [], marks: [], rubric };
      });
    } catch (error) {
      // Two concurrent first requests: the partial unique index lets one through.
      if (isUniqueViolation(error)) {
        throw new AppError('conflict', 'You already have an open submission for this credential');
      }
      throw error;
    }
  }

  /** Changes the text and links of a draft submission (`null` clears; absent leaves unchanged). */
  async function updateSubmission(options: {
    actor: Actor;
    submissionId: string;
    text?: string | null;
    links?: SubmissionLink[] | null;
  }): Promise<SubmissionDetails> {
    const actor = requireUser(options.actor);
    return transaction(async (trx) => {
      const current = await ownSubmission(trx, actor, options.submissionId, true);
      requireDraftSubmission(current);
      const rubric = await rubricFor(trx, current.definition_id);
      const content = checkContent(rubric.settings, { text: options.text, links: options.links });
      const fields = Object.keys(content);
      if (fields.length === 0) return details(trx, current, learnerMarks(current));
      const submission = await repo.updateSubmission(trx, current.id, {
        ...(content.text === undefined ? {} : { text_body: content.text }),
        ...(content.links === undefined ? {} : { links: content.links }),
        updated_at: clock.now(),
      });
      await audit.record(trx, {
        type: 'portfolio.submission_updated',
        actor,
        organisationId: submission.organisation_id,
        subject: { type: 'portfolio_submission', id: submission.id },
        data: { fields },
      });
      return details(trx, submission, learnerMarks(submission));
    });
  }

  /**
   * Adds one file to a draft submission: within the rubric's file count and size limits, and of an allowed
   * type by extension and by content. Refused uploads write nothing.
   */
  async function addFile(options: {
    actor: Actor;
    submissionId: string;
    file: UploadedFile;
  }): Promise<PortfolioFileMeta> {
    const actor = requireUser(options.actor);
    return transaction(async (trx) => {
      const submission = await ownSubmission(trx, actor, options.submissionId, true);
      requireDraftSubmission(submission);
      const { settings } = await rubricFor(trx, submission.definition_id);
      const { fileName, bytes } = options.file;
      if (!settings.allowedKinds.includes('files')) {
        throw AppError.validation(
          `This assessment does not take files; it accepts: ${settings.allowedKinds.join(', ')}`,
          [{ in: 'body', pointer: '/file', message: 'files are not accepted here' }],
        );
      }
      const count = await repo.countFiles(trx, submission.id);
      if (count >= settings.maxFiles) {
        throw AppError.validation(
          `A submission holds at most ${settings.maxFiles} file${settings.maxFiles === 1 ? '' : 's'}; remove one first`,
          [{ in: 'body', pointer: '/file', message: `at most ${settings.maxFiles} files` }],
        );
      }
      if (bytes.length === 0) {
        throw AppError.validation(`"${fileName}" is empty`, [
          { in: 'body', pointer: '/file', message: 'is empty' },
        ]);
      }
      if (bytes.length > settings.maxFileBytes) {
        throw new AppError('payload_too_large', 'The file is too large', {
          detail: `"${fileName}" is ${formatBytes(bytes.length)}; files for this assessment may be at most ${formatBytes(settings.maxFileBytes)}`,
        });
      }
      const type = checkFileType(fileName, bytes, settings.allowedFileTypes);
      if (!type.ok) {
        throw new AppError('unsupported_media_type', 'This file type is not accepted', {
          detail: type.reason,
        });
      }
      const now = clock.now();
      const file = await repo.insertFile(trx, {
        id: ids(),
        submission_id: submission.id,
        organisation_id: submission.organisation_id,
        file_name: fileName,
        file_type: type.type,
        media_type: type.mediaType,
        size_bytes: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        content: bytes,
        created_at: now,
      });
      await repo.updateSubmission(trx, submission.id, { updated_at: now });
      await audit.record(trx, {
        type: 'portfolio.file_added',
        actor,
        organisationId: submission.organisation_id,
        subject: { type: 'portfolio_submission', id: submission.id },
        data: {
          fileId: file.id,
          fileName: file.file_name,
          fileType: file.file_type,
          sizeBytes: file.size_bytes,
          sha256: file.sha256,
        },
      });
      return file;
    });
  }

  async function removeFile(options: { actor: Actor; submissionId: string; fileId: string }): Promise<void> {
    const actor = requireUser(options.actor);
    await transaction(async (trx) => {
      const submission = await ownSubmission(trx, actor, options.submissionId, true);
      const file = await repo.findFileMeta(trx, submission.id, options.fileId);
      if (!file) throw AppError.notFound('File');
      requireDraftSubmission(submission);
      await repo.deleteFile(trx, submission.id, file.id);
      await repo.updateSubmission(trx, submission.id, { updated_at: clock.now() });
      await audit.record(trx, {
        type: 'portfolio.file_removed',
        actor,
        organisationId: submission.organisation_id,
        subject: { type: 'portfolio_submission', id: submission.id },
        data: { fileId: file.id, fileName: file.file_name },
      });
    });
  }

  /** Hands a draft in for marking; it then waits in the organisation's assessor queue. */
  async function submit(options: { actor: Actor; submissionId: string }): Promise<SubmissionDetails> {
    return transaction(async (trx) => {
      const email = await accounts.verifiedEmailOf({ actor: options.actor, trx });
      const actor = requireUser(options.actor);
      const current = await ownSubmission(trx, actor, options.submissionId, true);
      requireDraftSubmission(current);
      const definition = await definitions.getDefinitionRecord({ definitionId: current.definition_id, trx });
      if (definition?.status !== 'published') {
        throw new AppError('invalid_state', 'This credential no longer takes submissions', {
          detail: `The definition version is ${definition?.status ?? 'gone'}; look for its current version in the catalogue`,
        });
      }
      const { settings } = await rubricFor(trx, current.definition_id);
      const files = await repo.countFiles(trx, current.id);
      const hasText = current.text_body !== null && current.text_body.length > 0;
      if (!hasText && current.links.length === 0 && files === 0) {
        throw AppError.validation(
          `The submission is empty: add ${settings.allowedKinds.join(', ').replace(/, ([^,]*)$/, ' or $1')} before submitting`,
          [{ in: 'body', pointer: '', message: 'the submission has no text, links or files' }],
        );
      }
      const user = await accounts.findUserById(actor.userId, trx);
      const now = clock.now();
      const submission = await repo.updateSubmission(trx, current.id, {
        status: 'submitted',
        learner_email: email,
        learner_name: user?.name ?? current.learner_name,
        supervision: settings.supervision,
        submitted_at: now,
        updated_at: now,
      });
      await audit.record(trx, {
        type: 'portfolio.submission_submitted',
        actor,
        organisationId: submission.organisation_id,
        subject: { type: 'portfolio_submission', id: submission.id },
        data: { definitionId: submission.definition_id, files, links: submission.links.length, hasText },
      });
      return details(trx, submission, learnerMarks(submission));
    });
  }

  async function listMySubmissions(options: {
    actor: Actor;
    definitionId?: string;
    status?: SubmissionStatus;
    limit: number;
    offset: number;
  }): Promise<PortfolioSubmissionRow[]> {
    const actor = requireUser(options.actor);
    return repo.listLearnerSubmissions(deps.db, { ...options, learnerUserId: actor.userId });
  }

  async function getMySubmission(options: {
    actor: Actor;
    submissionId: string;
  }): Promise<SubmissionDetails> {
    const actor = requireUser(options.actor);
    const submission = await ownSubmission(deps.db, actor, options.submissionId);
    return details(deps.db, submission, learnerMarks(submission));
  }

  async function downloadMyFile(options: {
    actor: Actor;
    submissionId: string;
    fileId: string;
  }): Promise<FileDownload> {
    const actor = requireUser(options.actor);
    const submission = await ownSubmission(deps.db, actor, options.submissionId);
    return download(deps.db, submission, options.fileId);
  }

  async function download(db: Db, submission: PortfolioSubmissionRow, fileId: string): Promise<FileDownload> {
    const file = await repo.findFile(db, submission.id, fileId);
    if (!file) throw AppError.notFound('File');
    return { fileName: file.file_name, mediaType: file.media_type, content: Buffer.from(file.content) };
  }

  // ---------------------------------------------------------------------------------------------------
  // The assessor queue
  // ---------------------------------------------------------------------------------------------------

  /**
   * A submission of the caller's organisation that has been handed in, or 404: drafts are the learner's
   * alone, and another organisation's work is indistinguishable from missing.
   */
  async function organisationSubmission(
    trx: Db,
    access: OrganisationAccess,
    submissionId: string,
    forUpdate = false,
  ): Promise<PortfolioSubmissionRow> {
    const submission = await repo.findSubmission(trx, submissionId, { forUpdate });
    if (
      !submission ||
      submission.organisation_id !== access.organisation.id ||
      submission.status === 'draft'
    ) {
      throw AppError.notFound('Submission');
    }
    return submission;
  }

  /** Second marking is blind: while a second mark is awaited only the first marker sees the first mark. */
  function assessorMarks(actor: Actor, submission: PortfolioSubmissionRow) {
    return (marks: PortfolioMarkRow[]) =>
      submission.status === 'awaiting_second_mark'
        ? marks.filter((mark) => actor.kind === 'user' && mark.assessor_user_id === actor.userId)
        : marks;
  }

  function requireMarker(actor: Actor, submission: PortfolioSubmissionRow): UserActor {
    if (actor.kind !== 'user') {
      throw new AppError('forbidden', 'Marks are given by a signed-in assessor', {
        detail:
          'Marking records who assessed the work, so it needs a signed-in assessor; API tokens cannot mark',
      });
    }
    if (submission.learner_user_id === actor.userId) {
      throw new AppError('forbidden', 'You cannot mark your own submission');
    }
    return actor;
  }

  async function listQueue(options: {
    actor: Actor;
    slug: string;
    status?: SubmissionStatus;
    definitionId?: string;
    claimed?: 'mine' | 'unclaimed';
    cursor?: string;
    limit: number;
  }): Promise<QueuePage> {
    const access = await organisations.requireAccess({
      actor: options.actor,
      slug: options.slug,
      permission: 'assessments:mark',
      trx: deps.db,
    });
    if (options.status === 'draft') {
      throw new AppError('invalid_request', 'Drafts are not in the queue', {
        fields: [
          { in: 'querystring', pointer: '/status', message: 'drafts belong to the learner until submitted' },
        ],
      });
    }
    let claimed: { mine: string } | 'unclaimed' | undefined;
    if (options.claimed === 'unclaimed') claimed = 'unclaimed';
    else if (options.claimed === 'mine') {
      claimed = {
        mine: options.actor.kind === 'user' ? options.actor.userId : '00000000-0000-0000-0000-000000000000',
      };
    }
    const rows = await repo.listQueue(deps.db, {
      organisationId: access.organisation.id,
      statuses: options.status ? [options.status] : [...QUEUE_STATUSES],
      definitionId: options.definitionId,
      claimed,
      after: options.cursor === undefined ? undefined : decodeQueueCursor(options.cursor),
      limit: options.limit + 1,
    });
    const page = rows.slice(0, options.limit);
    return {
      submissions: page.map((row) => ({ ...row, file_count: Number(row.file_count ?? 0) })),
      nextCursor: rows.length > options.limit ? encodeQueueCursor(page[page.length - 1]!) : null,
    };
  }

  async function getSubmissionForAssessor(options: {
    actor: Actor;
    slug: string;
    submissionId: string;
  }): Promise<SubmissionDetails> {
    const access = await organisations.requireAccess({
      ...options,
      permission: 'assessments:mark',
      trx: deps.db,
    });
    const submission = await organisationSubmission(deps.db, access, options.submissionId);
    return details(deps.db, submission, assessorMarks(options.actor, submission));
  }

  async function downloadFileForAssessor(options: {
    actor: Actor;
    slug: string;
    submissionId: string;
    fileId: string;
  }): Promise<FileDownload> {
    const access = await organisations.requireAccess({
      ...options,
      permission: 'assessments:mark',
      trx: deps.db,
    });
    const submission = await organisationSubmission(deps.db, access, options.submissionId);
    return download(deps.db, submission, options.fileId);
  }

  /** The marking stage a submission waits for, or 409 when it waits for none. */
  function stageOf(submission: PortfolioSubmissionRow): 'first' | 'second' {
    if (submission.status === 'submitted') return 'first';
    if (submission.status === 'awaiting_second_mark') return 'second';
    throw new AppError('invalid_state', 'This submission is not waiting for a mark', {
      detail:
        submission.status === 'in_moderation'
          ? 'The two marks disagree: an owner or admin resolves it through moderation'
          : `This submission is already ${submission.status}`,
    });
  }

  /** Checks that `marker` may give the mark the submission waits for (not the first marker twice). */
  async function checkMayMark(
    trx: Db,
    marker: UserActor,
    submission: PortfolioSubmissionRow,
    stage: 'first' | 'second',
  ): Promise<PortfolioMarkRow[]> {
    const marks = await repo.listMarks(trx, submission.id);
    if (stage === 'second' && marks.some((mark) => mark.assessor_user_id === marker.userId)) {
      throw new AppError('forbidden', 'A second mark must come from a different assessor', {
        detail: 'You gave the first mark; moderation needs an independent second marker',
      });
    }
    if (submission.claimed_by !== null && submission.claimed_by !== marker.userId) {
      throw new AppError('invalid_state', 'Another assessor is marking this submission', {
        detail:
          'Another assessor claimed this submission; they, or someone who manages assessments, can release it',
      });
    }
    return marks;
  }

  async function markingContext(trx: Db, options: { actor: Actor; slug: string; submissionId: string }) {
    const access = await organisations.requireAccess({
      actor: options.actor,
      slug: options.slug,
      permission: 'assessments:mark',
      trx,
      lock: true,
    });
    const submission = await organisationSubmission(trx, access, options.submissionId, true);
    return { access, submission };
  }

  /** Reserves a submission for the calling assessor, so two assessors do not mark the same work. */
  async function claim(options: {
    actor: Actor;
    slug: string;
    submissionId: string;
  }): Promise<SubmissionDetails> {
    return transaction(async (trx) => {
      const { access, submission: current } = await markingContext(trx, options);
      const marker = requireMarker(options.actor, current);
      const stage = stageOf(current);
      await checkMayMark(trx, marker, current, stage);
      if (current.claimed_by === marker.userId) return details(trx, current, assessorMarks(marker, current));
      const now = clock.now();
      const submission = await repo.updateSubmission(trx, current.id, {
        claimed_by: marker.userId,
        claimed_at: now,
        updated_at: now,
      });
      await audit.record(trx, {
        type: 'portfolio.submission_claimed',
        actor: marker,
        organisationId: access.organisation.id,
        subject: { type: 'portfolio_submission', id: submission.id },
        data: { stage },
      });
      return details(trx, submission, assessorMarks(marker, submission));
    });
  }

  /** Gives a claimed submission back to the queue: its claimer, or anyone who manages assessments. */
  async function release(options: {
    actor: Actor;
    slug: string;
    submissionId: string;
  }): Promise<SubmissionDetails> {
    return transaction(async (trx) => {
      const { access, submission: current } = await markingContext(trx, options);
      const stage = stageOf(current);
      const claimedBy = current.claimed_by;
      if (claimedBy === null) return details(trx, current, assessorMarks(options.actor, current));
      const own = options.actor.kind === 'user' && options.actor.userId === claimedBy;
      if (!own && !access.permissions.has('assessments:manage')) {
        throw new AppError('forbidden', 'Only the assessor who claimed it, or a manager, can release it');
      }
      const submission = await repo.updateSubmission(trx, current.id, {
        claimed_by: null,
        claimed_at: null,
        updated_at: clock.now(),
      });
      await audit.record(trx, {
        type: 'portfolio.submission_released',
        actor: options.actor,
        organisationId: access.organisation.id,
        subject: { type: 'portfolio_submission', id: submission.id },
        data: { stage, claimedBy },
      });
      return details(trx, submission, assessorMarks(options.actor, submission));
    });
  }

  interface MarkInput {
    actor: Actor;
    slug: string;
    submissionId: string;
    levels: Array<{ criterionId: string; levelId: string; feedback?: string }>;
    feedback: string;
  }

  function cleanLevels(levels: MarkInput['levels']): MarkInput['levels'] {
    return levels.map((level) => {
      const feedback = level.feedback?.trim();
      return { criterionId: level.criterionId, levelId: level.levelId, ...(feedback ? { feedback } : {}) };
    });
  }

  function cleanFeedback(feedback: string): string {
    const text = feedback.trim();
    if (text.length === 0) {
      throw AppError.validation('Written feedback is required', [
        { in: 'body', pointer: '/feedback', message: 'must not be blank' },
      ]);
    }
    return text;
  }

  async function insertMark(
    trx: Db,
    submission: PortfolioSubmissionRow,
    marker: UserActor,
    stage: MarkStage,
    scored: ScoredMark,
    feedback: string,
  ): Promise<PortfolioMarkRow> {
    return repo.insertMark(trx, {
      id: ids(),
      submission_id: submission.id,
      organisation_id: submission.organisation_id,
      stage,
      assessor_user_id: marker.userId,
      levels: scored.levels,
      total_points: scored.totalPoints,
      max_points: scored.maxPoints,
      passed: scored.passed,
      feedback,
      created_at: clock.now(),
    });
  }

  /**
   * Marks a submission: one level per criterion, written feedback, the total and pass/fail computed from the
   * rubric. The first mark decides unless the rubric asks for a second marker, in which case a pass waits
   * for a second independent mark; two marks that disagree go to moderation.
   */
  async function markSubmission(options: MarkInput): Promise<SubmissionDetails> {
    const feedback = cleanFeedback(options.feedback);
    return transaction(async (trx) => {
      const { access, submission: current } = await markingContext(trx, options);
      const marker = requireMarker(options.actor, current);
      const stage = stageOf(current);
      const earlier = await checkMayMark(trx, marker, current, stage);
      const rubric = await rubricFor(trx, current.definition_id);
      const scored = scoreMark(rubric, cleanLevels(options.levels));
      const mark = await insertMark(trx, current, marker, stage, scored, feedback);

      let outcome: 'passed' | 'failed' | 'awaiting_second_mark' | 'in_moderation';
      let finalMark: PortfolioMarkRow | undefined;
      if (stage === 'first') {
        if (!mark.passed) {
          outcome = 'failed';
          finalMark = mark;
        } else if (rubric.settings.secondMarker.required) {
          outcome = 'awaiting_second_mark';
        } else {
          outcome = 'passed';
          finalMark = mark;
        }
      } else {
        const first = earlier.find((candidate) => candidate.stage === 'first');
        if (!first)
          throw new Error(`portfolio: submission ${current.id} awaits a second mark without a first`);
        if (
          marksDisagree(
            { totalPoints: first.total_points, passed: first.passed },
            { totalPoints: mark.total_points, passed: mark.passed },
            rubric.settings.secondMarker.maxPointsDifference,
          )
        ) {
          outcome = 'in_moderation';
        } else {
          // Both pass and are close: the lower of the two stands (ties: the second, confirming mark).
          finalMark = first.total_points < mark.total_points ? first : mark;
          outcome = finalMark.passed ? 'passed' : 'failed';
        }
      }

      const markedEvent = {
        type: 'portfolio.submission_marked' as const,
        actor: marker,
        organisationId: access.organisation.id,
        subject: { type: 'portfolio_submission', id: current.id },
        data: {
          stage,
          markId: mark.id,
          totalPoints: mark.total_points,
          maxPoints: mark.max_points,
          passed: mark.passed,
          outcome,
        },
      };
      if (finalMark) {
        const decided = await decide(trx, { actor: marker, access, submission: current, rubric, finalMark });
        await audit.record(trx, markedEvent);
        await decided.recordOutcome();
        return details(trx, decided.row, assessorMarks(marker, decided.row));
      }
      const now = clock.now();
      const submission = await repo.updateSubmission(trx, current.id, {
        status: outcome as 'awaiting_second_mark' | 'in_moderation',
        claimed_by: null,
        claimed_at: null,
        updated_at: now,
      });
      await audit.record(trx, markedEvent);
      return details(trx, submission, assessorMarks(marker, submission));
    });
  }

  /**
   * Resolves a submission whose two marks disagree: an owner or admin of the organisation (not the learner)
   * gives the final mark, which decides.
   */
  async function moderate(options: MarkInput): Promise<SubmissionDetails> {
    const feedback = cleanFeedback(options.feedback);
    return transaction(async (trx) => {
      const access = await organisations.requireAccess({
        actor: options.actor,
        slug: options.slug,
        permission: 'assessments:manage',
        trx,
        lock: true,
      });
      const current = await organisationSubmission(trx, access, options.submissionId, true);
      const moderator = requireMarker(options.actor, current);
      if (!access.superuser && access.role !== 'owner' && access.role !== 'admin') {
        throw new AppError('forbidden', 'Moderation is for owners and admins', {
          detail: 'Disagreeing marks are resolved by an owner or admin of the organisation',
        });
      }
      if (current.status !== 'in_moderation') {
        throw new AppError('invalid_state', 'This submission is not in moderation', {
          detail: `This submission is ${current.status.replaceAll('_', ' ')}; only submissions whose marks disagree are moderated`,
        });
      }
      const rubric = await rubricFor(trx, current.definition_id);
      const scored = scoreMark(rubric, cleanLevels(options.levels));
      const mark = await insertMark(trx, current, moderator, 'moderation', scored, feedback);
      const decided = await decide(trx, {
        actor: moderator,
        access,
        submission: current,
        rubric,
        finalMark: mark,
      });
      await audit.record(trx, {
        type: 'portfolio.submission_moderated',
        actor: moderator,
        organisationId: access.organisation.id,
        subject: { type: 'portfolio_submission', id: current.id },
        data: {
          markId: mark.id,
          totalPoints: mark.total_points,
          maxPoints: mark.max_points,
          passed: mark.passed,
        },
      });
      await decided.recordOutcome();
      return details(trx, decided.row, assessorMarks(moderator, decided.row));
    });
  }

  function mailedCriteria(rubric: Rubric, mark: PortfolioMarkRow): MailedCriterion[] {
    return mark.levels.map((level) => {
      const criterion = rubric.criteria.find((candidate) => candidate.id === level.criterionId);
      const chosen = criterion?.levels.find((candidate) => candidate.id === level.levelId);
      return {
        name: criterion?.name ?? level.criterionId,
        level: chosen?.name ?? level.levelId,
        points: level.points,
        ...(level.feedback ? { feedback: level.feedback } : {}),
      };
    });
  }

  function resubmissionSentence(rubric: Rubric, attempt: number, decidedAt: Date): string {
    const { maxAttempts, resubmitAfterHours } = rubric.settings;
    if (maxAttempts !== null && attempt >= maxAttempts) {
      return `You have used all ${maxAttempts} attempt${maxAttempts === 1 ? '' : 's'} this assessment allows.`;
    }
    const left =
      maxAttempts === null
        ? ''
        : ` You have ${maxAttempts - attempt} attempt${maxAttempts - attempt === 1 ? '' : 's'} left.`;
    const when =
      resubmitAfterHours > 0
        ? `from ${new Date(decidedAt.getTime() + resubmitAfterHours * HOUR_MS).toISOString()}`
        : 'whenever you are ready';
    return `You can make a new submission ${when}, taking the feedback into account.${left}`;
  }

  /**
   * Settles a submission with its final mark. On a pass the definition's credential is awarded first (its
   * status list positions are claimed before any audit event takes the chain's lock), then the row is
   * updated and the learner told. The caller records its own mark event and then `recordOutcome()`.
   */
  async function decide(
    trx: Db,
    input: {
      actor: UserActor;
      access: OrganisationAccess;
      submission: PortfolioSubmissionRow;
      rubric: Rubric;
      finalMark: PortfolioMarkRow;
    },
  ): Promise<{ row: PortfolioSubmissionRow; recordOutcome: () => Promise<void> }> {
    const { actor, access, submission, rubric, finalMark } = input;
    const now = clock.now();
    const criteria = mailedCriteria(rubric, finalMark);
    const subject = { type: 'portfolio_submission', id: submission.id };
    if (finalMark.passed) {
      const url = rubricUrl(submission.definition_id);
      const result: ResultInput[] = [
        { resultDescription: `${url}#total`, value: String(finalMark.total_points), status: 'Completed' },
        ...finalMark.levels.map((level) => ({
          resultDescription: `${url}#criterion-${level.criterionId}`,
          achievedLevel: `${url}#criterion-${level.criterionId}-level-${level.levelId}`,
          value: String(level.points),
        })),
      ];
      const evidence: EvidenceInput[] = [
        {
          id: learnerSubmissionUrl(submission.id),
          name: `Portfolio submission: ${submission.definition_title}`,
          description: `Practical work assessed against a rubric of ${rubric.criteria.length} criteria: ${finalMark.total_points} of ${finalMark.max_points} points. Supervision and identity verification: ${submission.supervision ?? 'not recorded'}.`,
          genre: 'Portfolio',
        },
      ];
      const issued = await awards.issueForDefinition({
        actor,
        definitionId: submission.definition_id,
        recipient: { email: submission.learner_email, name: submission.learner_name || null },
        result,
        evidence,
        narrative: `Passed the practical assessment with ${finalMark.total_points} of ${finalMark.max_points} points.`,
        via: 'assessment',
        idempotencyKey: `submission:${submission.id}`,
        trx,
      });
      const row = await repo.updateSubmission(trx, submission.id, {
        status: 'passed',
        final_mark_id: finalMark.id,
        total_points: finalMark.total_points,
        max_points: finalMark.max_points,
        credential_id: issued.record.id,
        claimed_by: null,
        claimed_at: null,
        decided_at: now,
        updated_at: now,
      });
      await mail.enqueue(
        trx,
        submissionPassedMail({
          to: submission.learner_email,
          learnerName: submission.learner_name || null,
          organisationName: access.organisation.name,
          title: submission.definition_title,
          totalPoints: finalMark.total_points,
          maxPoints: finalMark.max_points,
          criteria,
          feedback: finalMark.feedback,
        }),
      );
      return {
        row,
        recordOutcome: () =>
          audit.record(trx, {
            type: 'portfolio.submission_passed',
            actor,
            organisationId: access.organisation.id,
            subject,
            data: {
              totalPoints: finalMark.total_points,
              maxPoints: finalMark.max_points,
              credentialId: issued.record.id,
              alreadyIssued: issued.alreadyIssued,
              supervision: submission.supervision,
            },
          }),
      };
    }
    const row = await repo.updateSubmission(trx, submission.id, {
      status: 'failed',
      final_mark_id: finalMark.id,
      total_points: finalMark.total_points,
      max_points: finalMark.max_points,
      claimed_by: null,
      claimed_at: null,
      decided_at: now,
      updated_at: now,
    });
    await mail.enqueue(
      trx,
      submissionFailedMail({
        to: submission.learner_email,
        learnerName: submission.learner_name || null,
        organisationName: access.organisation.name,
        title: submission.definition_title,
        totalPoints: finalMark.total_points,
        maxPoints: finalMark.max_points,
        criteria,
        feedback: finalMark.feedback,
        resubmission: resubmissionSentence(rubric, submission.attempt, now),
      }),
    );
    return {
      row,
      recordOutcome: () =>
        audit.record(trx, {
          type: 'portfolio.submission_failed',
          actor,
          organisationId: access.organisation.id,
          subject,
          data: {
            totalPoints: finalMark.total_points,
            maxPoints: finalMark.max_points,
            supervision: submission.supervision,
          },
        }),
    };
  }

  return {
    // Read-only aggregate for the analytics module.
    ...createDecisionOutcomes({ db: deps.db }),
    getRubric,
    saveRubric,
    deleteRubric,
    getPublishedRubric,
    createSubmission,
    updateSubmission,
    addFile,
    removeFile,
    submit,
    listMySubmissions,
    getMySubmission,
    downloadMyFile,
    listQueue,
    getSubmissionForAssessor,
    downloadFileForAssessor,
    claim,
    release,
    markSubmission,
    moderate,
    /** The catalogue's AssessmentInstruments port: whether a version's rubric is ready, and copying it. */
    readiness: instruments.readiness,
    copyForNewVersion: instruments.copyForNewVersion,
  };
}

export type PortfolioService = ReturnType<typeof createPortfolioService>;
