import { randomInt } from 'node:crypto';
import * as vc from '@digitalbazaar/vc';
import { sql } from 'kysely';
import { type Actor, actorRef } from '../../core/actor.ts';
import type { Clock } from '../../core/clock.ts';
import type { Config } from '../../core/config.ts';
import { AppError } from '../../core/errors.ts';
import { type IdGenerator, isUuid } from '../../core/ids.ts';
import type { Logger } from '../../core/logger.ts';
import { BUNDLED_CONTEXTS, CONTEXT_URLS, createDocumentLoader } from '../../core/vc/contexts.ts';
import { findVcError, UnknownContextError } from '../../core/vc/errors.ts';
import {
  type AchievementInput,
  buildOpenBadgeCredential,
  type EvidenceInput,
  normalizeEmail,
  type ResultInput,
} from '../../core/vc/open-badges.ts';
import { type Cryptosuite, canonicalize, signCredential, signJwtCredential } from '../../core/vc/proofs.ts';
import { isDateTimeStamp } from '../../core/vc/status-list.ts';
import type { Db } from '../../db/database.ts';
import type {
  CredentialFormat,
  CredentialRow,
  CredentialStatus,
  IssuedVia,
  StatusListPurpose,
} from '../../db/schema.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { MailService } from '../mail/mail.service.ts';
import type { OrganisationAccess, OrganisationsService } from '../organisations/organisations.service.ts';
import { createCredentialEventOutbox, type OutboxEvent } from './credential-events.outbox.ts';
import { credentialIssuedMail, credentialStatusMail } from './credentials.mail.ts';
import type { CredentialEvents, IssuedCredentialEvent } from './credentials.ports.ts';
import { createCredentialsRepository, type Holding } from './credentials.repository.ts';
import { createCredentialStatistics } from './credentials.statistics.ts';
import {
  type AllocatedStatus,
  createStatusListsService,
  type IssuerKey,
  type IssuerKeys,
  type StatusListsService,
} from './status-lists.service.ts';

export type { IssuerKey, IssuerKeys } from './status-lists.service.ts';

type JsonObject = Record<string, unknown>;

/** What a catalogue definition version contributes to a credential awarded for it. */
export interface DefinitionForIssuing {
  organisationId: string;
  status: 'draft' | 'in_review' | 'published' | 'retired';
  source: 'own' | 'external';
  title: string;
  achievement: AchievementInput;
  /** How long an awarded credential is valid; null when it does not expire. */
  validityMonths: number | null;
}

/** What this module needs from the catalogue (implemented by its service, wired in src/deps.ts). */
export interface DefinitionsForIssuing {
  definitionForIssuing(options: { definitionId: string; trx: Db }): Promise<DefinitionForIssuing | null>;
}

/** What the credentials list needs from the catalogue (its service implements it, wired in src/deps.ts). */
export interface DefinitionSeriesLookup {
  /**
   * The ids of every version of the definition series that the organisation owns; empty when the series is
   * unknown or another organisation's.
   */
  seriesVersionIds(options: { organisationId: string; seriesId: string; trx?: Db }): Promise<string[]>;
}

/**
 * Besides their verified sign-in address, what else makes a credential a user's: further verified e-mail
 * addresses and credentials bound to them by a claim link (the issuance module implements it).
 */
export interface HolderHoldings {
  emailsOf(options: { userId: string; trx?: Db }): Promise<string[]>;
  claimedCredentialIdsOf(options: { userId: string; trx?: Db }): Promise<string[]>;
}

/** What this module needs from accounts (implemented by its service): who the holder is. */
export interface HolderAccounts {
  /** The signed-in user's e-mail address; 401 for anyone else, 403 email_not_verified until verified. */
  verifiedEmailOf(options: { actor: Actor; trx?: Db }): Promise<string>;
}

export interface CredentialsServiceDeps {
  db: Db;
  clock: Clock;
  ids: IdGenerator;
  config: Config;
  audit: AuditService;
  mail: MailService;
  organisations: OrganisationsService;
  keys: IssuerKeys;
  /** The accounts service, for the holder's verified e-mail address. */
  accounts: HolderAccounts;
  /** The catalogue, for credentials awarded for a definition (assessment passes, results, bulk issue). */
  definitions?: DefinitionsForIssuing;
  /** The catalogue, for listing the credentials of every version of a definition. */
  definitionSeries?: DefinitionSeriesLookup;
  /** Further addresses and claimed credentials of a holder; without it, only the sign-in address counts. */
  holdings?: HolderHoldings;
  /** See StatusListsServiceDeps.randomIndex (tests only). */
  randomIndex?: (size: number) => number;
  /** Told about issued, claimed and status-changed credentials once committed (pathways listen). */
  events?: CredentialEvents;
  /** Where a failing event listener is reported. */
  logger?: Pick<Logger, 'error' | 'warn'>;
}

/** How an issued credential is secured. */
export interface SecuringOptions {
  /** `data-integrity` (default): an embedded proof; `vc+jwt`: a compact JWS (EdDSA). */
  format?: CredentialFormat;
  /** For `data-integrity`; `eddsa-rdfc-2022` by default. */
  cryptosuite?: Cryptosuite;
}

export interface RecipientOptions {
  email: string;
  /** Kept for mail and, if the holder makes it public, the credential page; never signed in. */
  name?: string | null;
  /** The learner's DID, which becomes `credentialSubject.id`. */
  did?: string | null;
}

export interface IssueOpenBadgeOptions extends SecuringOptions {
  actor: Actor;
  slug: string;
  /** The achievement, inline (a catalogue of definitions comes later). Without `id` one is minted. */
  achievement: Omit<AchievementInput, 'id'> & { id?: string };
  recipient: RecipientOptions;
  /** The credential's display name; the achievement's name by default. */
  name?: string;
  description?: string;
  narrative?: string;
  result?: ResultInput[];
  evidence?: EvidenceInput[];
  /** Defaults to now. */
  validFrom?: Date;
  validUntil?: Date | null;
}

export interface CredentialDetails {
  record: CredentialRow;
  /** The signed credential: a JSON object (Data Integrity) or a compact JWS string (vc+jwt). */
  verifiableCredential: JsonObject | string;
  /** Its positions in the organisation's status lists, one per purpose. */
  statusEntries: Array<{ purpose: StatusListPurpose; listId: string; listUrl: string; index: number }>;
}

export type IssuedCredential = CredentialDetails;

/** Awarding a credential for a published catalogue definition version (no permission check: see below). */
export interface IssueForDefinitionOptions {
  /** Who caused the award (the assessor, the API token, or a system actor for automatic passes). */
  actor: Actor;
  definitionId: string;
  recipient: RecipientOptions;
  result?: ResultInput[];
  evidence?: EvidenceInput[];
  narrative?: string;
  via: 'assessment' | 'bulk' | 'external-result' | 'pathway';
  /**
   * One credential per key and organisation: a second call with the same key returns the credential the
   * first one issued (`alreadyIssued: true`) instead of issuing another.
   */
  idempotencyKey?: string;
  /** The day the learning was achieved (defaults to now); validity is counted from it. */
  validFrom?: Date;
  /**
   * Mail the recipient the credential's link (default true). A caller that sends its own message naming the
   * credential (issuance's claim link) passes false, so the recipient gets one mail, not two.
   */
  notifyRecipient?: boolean;
  /** Run inside the caller's transaction (PGlite has one connection: pass it whenever you hold one). */
  trx?: Db;
}

/** What a public credential page shows. No e-mail address; the holder's name only if they made it public. */
export interface PublicCredential {
  id: string;
  /** The page and (for credentials Credstack numbered) the credential's own id. */
  url: string;
  /** The credential's `id` as signed. */
  credentialUri: string;
  format: CredentialFormat;
  cryptosuite: string | null;
  /** The stored signed credential: an object (Data Integrity) or a compact JWS (vc+jwt). */
  credential: JsonObject | string;
  types: string[];
  organisation: { name: string; slug: string };
  issuer: string;
  name: string | null;
  achievementName: string | null;
  status: CredentialStatus;
  statusChangedAt: Date | null;
  /** The issuer's stated reason while revoked or suspended (the public page shows it); null when active. */
  statusReason: string | null;
  validFrom: Date | null;
  validUntil: Date | null;
  /** `validUntil` has passed (independent of revocation). */
  expired: boolean;
  issuedAt: Date;
  /** Only when the holder chose to show it. */
  holderName: string | null;
}

/** A credential as its holder sees it: the row and the issuing organisation's public names. */
export interface HeldCredential {
  record: CredentialRow;
  organisation: { name: string; slug: string };
  /** The signed credential: a JSON object (Data Integrity) or a compact JWS string (vc+jwt). */
  verifiableCredential: JsonObject | string;
}

type StatusAction = 'revoke' | 'suspend' | 'reinstate';
type Via = IssuedVia;
/** Where a status change came from. */
type StatusVia = 'api' | 'vc-api' | 'cli';
const MAX_AWARD_KEY = 300;

const ACTION_EVENT = {
  revoke: 'credential.revoked',
  suspend: 'credential.suspended',
  reinstate: 'credential.reinstated',
} as const;
const ACTION_PAST = { revoke: 'revoked', suspend: 'suspended', reinstate: 'reinstated' } as const;

const DEFAULT_HOLDER_PAGE = 50;
/** The most credentials the skill profile reads for one learner; far beyond what a person holds. */
const MAX_HELD = 5000;
const MAX_REASON = 500;
const MAX_NAME = 500;
export const DEFAULT_CRYPTOSUITE: Cryptosuite = 'eddsa-rdfc-2022';
const DEADLOCK_RETRIES = 3;
/** First key of the advisory locks by which an event waiter learns that a caller's transaction ended. */
const EVENTS_LOCK_CLASS = 0x63726564;

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function asList(value: unknown): unknown[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function issuerIdOf(credential: JsonObject): string | undefined {
  const issuer = credential.issuer;
  if (typeof issuer === 'string') return issuer;
  if (isObject(issuer) && typeof issuer.id === 'string') return issuer.id;
  return undefined;
}

function unknownContext(url: string): AppError {
  return new AppError('unknown_context', `Unknown JSON-LD context "${url}"`, {
    detail: `The @context "${url}" is not one Credstack bundles, and contexts are never fetched. Use the VC 2.0, Open Badges 3.0 and security contexts, or define terms inline.`,
  });
}

function invalidCredential(message: string): AppError {
  return new AppError('invalid_credential', message);
}

/**
 * Turns what the VC layer threw while checking or signing a caller's credential into a 422; anything
 * else (a failing signer, the database) is not the caller's fault and passes through as a 500.
 */
function credentialError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  const known = findVcError(error);
  if (!known) return error;
  if (known.code === 'unknown_context') {
    return known instanceof UnknownContextError
      ? unknownContext(known.url)
      : new AppError('unknown_context', known.message);
  }
  if (known.code === 'invalid_input') return invalidCredential(known.message);
  return error;
}

/**
 * A readable account of why JSON-LD safe mode refused a credential: jsonld reports "Safe mode validation
 * error" and puts the offending term in `details.event`.
 */
function jsonLdProblem(error: unknown): string {
  const event = (error as { details?: { event?: { code?: string; message?: string; details?: JsonObject } } })
    .details?.event;
  const details = event?.details ?? {};
  const quoted = (value: unknown) => JSON.stringify(typeof value === 'string' ? value : String(value));
  if (event?.code === 'invalid property' && details.property !== undefined) {
    return `The credential uses the term ${quoted(details.property)}, which none of its @context entries defines; define it in a context or remove it`;
  }
  if (event?.code && /type/.test(event.code) && (details.type ?? details.value) !== undefined) {
    return `The credential uses the type ${quoted(details.type ?? details.value)}, which none of its @context entries defines`;
  }
  if (event?.code && /iri|reference/i.test(event.code)) {
    return `The credential contains a value that is not an absolute IRI (${event.code}: ${JSON.stringify(details)})`;
  }
  if (event)
    return `The credential is not well-defined JSON-LD: ${event.message ?? event.code} (${JSON.stringify(details)})`;
  return `The credential is not valid JSON-LD: ${error instanceof Error ? error.message : String(error)}`;
}

function checkReason(reason: string): string {
  const value = typeof reason === 'string' ? reason.trim() : '';
  if (value.length === 0 || value.length > MAX_REASON) {
    throw AppError.validation(`The reason must be 1 to ${MAX_REASON} characters`, [
      { in: 'body', pointer: '/reason', message: `must be 1 to ${MAX_REASON} characters` },
    ]);
  }
  return value;
}

function optionalName(value: string | null | undefined, pointer: string): string | null {
  if (value === undefined || value === null) return null;
  const trimmed = value.trim();
  if (trimmed.length === 0) return null;
  if (trimmed.length > MAX_NAME) {
    throw AppError.validation(`${pointer} must be at most ${MAX_NAME} characters`, [
      { in: 'body', pointer, message: `must be at most ${MAX_NAME} characters` },
    ]);
  }
  return trimmed;
}

function securing(options: SecuringOptions): { format: CredentialFormat; cryptosuite: Cryptosuite | null } {
  const format = options.format ?? 'data-integrity';
  if (format === 'vc+jwt') {
    if (options.cryptosuite !== undefined) {
      throw AppError.validation('A cryptosuite applies to Data Integrity proofs, not to vc+jwt', [
        { in: 'body', pointer: '/cryptosuite', message: 'must be absent when format is vc+jwt' },
      ]);
    }
    return { format, cryptosuite: null };
  }
  return { format, cryptosuite: options.cryptosuite ?? DEFAULT_CRYPTOSUITE };
}

function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** `months` calendar months after `date` (the last day of the month when the day does not exist there). */
export function addMonths(date: Date, months: number): Date {
  const result = new Date(date.getTime());
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  return result;
}

function isDeadlock(error: unknown): boolean {
  return isObject(error) && (error as { code?: unknown }).code === '40P01';
}

/** A dateTimeStamp from a caller's credential, as a Date for the database (validated by the VC library). */
function dateOf(value: unknown): Date | null {
  return typeof value === 'string' && isDateTimeStamp(value) ? new Date(value) : null;
}

export function encodeCursor(row: { issued_at: Date; id: string }): string {
  return Buffer.from(`${row.issued_at.toISOString()}|${row.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): { issuedAt: Date; id: string } {
  const text = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const [time, id] = text.split('|');
  const issuedAt = time ? new Date(time) : new Date(Number.NaN);
  if (!id || !isUuid(id) || Number.isNaN(issuedAt.getTime()) || issuedAt.toISOString() !== time) {
    throw new AppError('invalid_request', 'The cursor is invalid', {
      detail: 'The cursor is invalid: pass the nextCursor of a previous page unchanged',
      fields: [{ in: 'querystring', pointer: '/cursor', message: 'is not a cursor from this API' }],
    });
  }
  return { issuedAt, id: id.toLowerCase() };
}

/**
 * Issuing credentials (Open Badges 3.0 from an achievement, or any VC 2.0 credential through the VC-API),
 * their status (revoke, suspend, reinstate) and the public view of one credential.
 *
 * Issuing does not lock the organisation: issuers on several instances run side by side, and their status
 * list positions are kept apart by the database alone (see status-lists.service.ts). Status changes do
 * lock it, so changes to one organisation's lists are applied one at a time.
 */
export function createCredentialsService(deps: CredentialsServiceDeps) {
  const repo = createCredentialsRepository();
  const { clock, ids, audit, mail, organisations, keys, accounts } = deps;
  const statusLists: StatusListsService = createStatusListsService(deps);
  const baseUrl = deps.config.publicUrl.href.replace(/\/$/, '');
  const documentLoader = createDocumentLoader();
  const outbox = createCredentialEventOutbox({
    db: deps.db,
    clock,
    ids,
    ...(deps.events ? { events: deps.events } : {}),
    ...(deps.logger ? { logger: deps.logger } : {}),
  });

  function pageUrl(id: string): string {
    return `${baseUrl}/credentials/${id}`;
  }

  /**
   * Runs `work` in a transaction, again (up to three times) if PostgreSQL picks it as a deadlock victim.
   * The lock order (status-lists.service.ts) makes that unlikely; a key created on first use may still
   * take the audit lock before positions are claimed.
   */
  async function transaction<T>(work: (trx: Db) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let used: Db | undefined;
      try {
        const result = await deps.db.transaction().execute((trx) => {
          used = trx;
          ownTransactions.add(trx);
          return work(trx);
        });
        // Committed: what it issued is delivered now, before the caller gets its answer.
        const issued = used ? issuedIn.get(used) : undefined;
        if (issued) await outbox.deliver(issued);
        return result;
      } catch (error) {
        if (!isDeadlock(error) || attempt >= DEADLOCK_RETRIES) throw error;
      }
    }
  }

  // Events: listeners hear of credentials only after their transaction commits ------------------------------
  // Each event is written to the outbox in the change's transaction (credential-events.outbox.ts) and
  // delivered right after the commit; what a stopped process or a failed listener left is delivered later.

  /** Transactions this service opened (it knows when they commit); any other is a caller's. */
  const ownTransactions = new WeakSet<Db>();
  /** The outbox events of the credentials each open transaction issued, delivered once it commits. */
  const issuedIn = new WeakMap<Db, string[]>();
  /** Announcements still running in the background (caller-owned transactions), for whenEventsSettled. */
  const inFlight = new Set<Promise<void>>();

  /**
   * Notes a credential issued in `trx`. In this service's own transactions it is announced after the commit
   * (see transaction()). A caller's transaction (issueForDefinition with `trx`: bulk batches, results,
   * assessments, pathway completions) commits out of sight: the first issuance in it takes a
   * transaction-scoped advisory lock, and a waiter on another connection blocks on that lock until the
   * transaction ends, then announces whichever of its credentials were committed (none after a rollback).
   * On PGlite, the one connection is itself the wait.
   */
  async function noteIssued(trx: Db, event: IssuedCredentialEvent): Promise<void> {
    const eventId = await outbox.enqueue(trx, { kind: 'issued', credential: event });
    if (eventId === null) return;
    const pending = issuedIn.get(trx);
    if (pending) {
      pending.push(eventId);
      return;
    }
    const issued = [eventId];
    issuedIn.set(trx, issued);
    if (ownTransactions.has(trx)) return;
    const key = randomInt(2 ** 31);
    await sql`select pg_advisory_xact_lock(${EVENTS_LOCK_CLASS}::int, ${key}::int)`.execute(trx);
    const waiter = announceAfterCallerCommits(key, issued).finally(() => inFlight.delete(waiter));
    inFlight.add(waiter);
  }

  async function announceAfterCallerCommits(key: number, issued: string[]): Promise<void> {
    try {
      await deps.db.transaction().execute(async (wait) => {
        await sql`select pg_advisory_xact_lock(${EVENTS_LOCK_CLASS}::int, ${key}::int)`.execute(wait);
      });
      // The outbox rows exist only if the caller's transaction committed: a rollback took them with it.
      await outbox.deliver(issued);
    } catch (error) {
      deps.logger?.error({ err: error }, 'waiting to announce issued credentials failed');
    }
  }

  /**
   * For a module that binds credentials to a learner in its own transaction (claims): writes the event
   * there; hand the id to {@link deliverQueuedEvents} after the commit.
   */
  async function queueClaimedEvent(
    trx: Db,
    claim: Extract<OutboxEvent, { kind: 'claimed' }>['claim'],
  ): Promise<string | null> {
    return outbox.enqueue(trx, { kind: 'claimed', claim });
  }

  /** Delivers events written by committed transactions (see queueClaimedEvent). */
  async function deliverQueuedEvents(eventIds: string[]): Promise<void> {
    await outbox.deliver(eventIds);
  }

  /**
   * Delivers the events still queued: left by a process that stopped between a commit and its delivery,
   * or by a listener that failed (retried with back-off). The server runs it at start and periodically.
   */
  async function deliverPendingEvents(options: { olderThanMs?: number } = {}) {
    return outbox.deliverPending(options);
  }

  /** Resolves once every background announcement (and what it set off) has finished: tests, shutdown. */
  async function whenEventsSettled(): Promise<void> {
    while (inFlight.size > 0) await Promise.all([...inFlight]);
  }

  async function secure(
    credential: JsonObject,
    key: IssuerKey,
    how: { format: CredentialFormat; cryptosuite: Cryptosuite | null },
    now: Date,
  ): Promise<{ document: string; verifiableCredential: JsonObject | string }> {
    if (how.format === 'vc+jwt') {
      // A JWS signs bytes, not meaning: check the credential is well-defined JSON-LD first, as the
      // Data Integrity path does while canonicalising.
      await checkCredential(credential, now);
      const jwt = await signJwtCredential({ credential, signer: key.signer });
      return { document: jwt, verifiableCredential: jwt };
    }
    const signed = await signCredential({
      credential,
      signer: key.signer,
      cryptosuite: how.cryptosuite ?? DEFAULT_CRYPTOSUITE,
      created: now,
      documentLoader,
    });
    return { document: JSON.stringify(signed), verifiableCredential: signed };
  }

  /** VC 2.0 data model rules (the VC library's) and JSON-LD safe mode: every term defined, no remote context. */
  async function checkCredential(credential: JsonObject, now: Date): Promise<void> {
    try {
      vc._checkCredential({ credential, mode: 'issue', now });
    } catch (error) {
      throw invalidCredential(`Not a valid credential: ${(error as Error).message}`);
    }
    try {
      await canonicalize(credential, { cryptosuite: 'eddsa-rdfc-2022', documentLoader });
    } catch (error) {
      const mapped = credentialError(error);
      if (mapped !== error) throw mapped;
      // A property-scoped context is loaded lazily, and jsonld reports its failure without the cause.
      const scoped = (error as { details?: { code?: string; context?: unknown } }).details;
      if (scoped?.code === 'invalid scoped context' && typeof scoped.context === 'string') {
        if (!BUNDLED_CONTEXTS.has(scoped.context)) throw unknownContext(scoped.context);
      }
      throw invalidCredential(jsonLdProblem(error));
    }
  }

  /**
   * The common tail of every issuance: positions in the status lists, the credential built around them,
   * signed, stored, audited and (when the recipient's address is known) announced by mail.
   */
  async function issueInTransaction(
    trx: Db,
    options: {
      actor: Actor;
      access: OrganisationAccess;
      key: IssuerKey;
      credentialId: string;
      via: Via;
      how: { format: CredentialFormat; cryptosuite: Cryptosuite | null };
      now: Date;
      build: (statusEntries: AllocatedStatus[]) => JsonObject;
      /** Mail the recipient (when their address is known); default true. */
      notifyRecipient?: boolean;
      row: {
        credential_uri: string;
        name: string | null;
        achievement_name: string | null;
        recipient_email: string | null;
        recipient_name: string | null;
        recipient_did: string | null;
        definition_id?: string | null;
        award_key?: string | null;
      };
    },
  ): Promise<IssuedCredential> {
    const { actor, access, key, credentialId, now } = options;
    const organisation = access.organisation;
    const allocation = await statusLists.allocate(trx, {
      organisationId: organisation.id,
      credentialId,
      key,
    });
    let credential: JsonObject;
    let secured: { document: string; verifiableCredential: JsonObject | string };
    try {
      credential = options.build(allocation.statuses);
      secured = await secure(credential, key, options.how, now);
    } catch (error) {
      throw credentialError(error);
    }
    const types = asList(credential.type).filter((type): type is string => typeof type === 'string');
    const { actorType, actorId } = actorRef(actor);
    const record = await repo.insertCredential(trx, {
      id: credentialId,
      organisation_id: organisation.id,
      format: options.how.format,
      cryptosuite: options.how.cryptosuite,
      types,
      document: secured.document,
      issuer: key.issuer,
      key_id: key.keyId,
      status: 'active',
      valid_from: dateOf(credential.validFrom),
      valid_until: dateOf(credential.validUntil),
      issued_at: now,
      issued_via: options.via,
      issued_by_type: actorType,
      issued_by_id: actorId,
      ...options.row,
    });
    const position = (purpose: StatusListPurpose) => {
      const status = allocation.statuses.find((entry) => entry.purpose === purpose);
      return status ? `${status.listId}#${status.index}` : '';
    };
    await audit.record(trx, {
      type: 'credential.issued',
      actor,
      organisationId: organisation.id,
      subject: { type: 'credential', id: credentialId },
      data: {
        via: options.via,
        format: options.how.format,
        cryptosuite: options.how.cryptosuite,
        issuer: key.issuer,
        ...(options.row.definition_id ? { definitionId: options.row.definition_id } : {}),
        status: { revocation: position('revocation'), suspension: position('suspension') },
      },
    });
    await statusLists.recordAllocations(trx, actor, allocation);
    await noteIssued(trx, {
      credentialId,
      organisationId: organisation.id,
      definitionId: record.definition_id,
      recipientEmail: record.recipient_email,
      via: options.via,
    });
    if (record.recipient_email && options.notifyRecipient !== false) {
      await mail.enqueue(
        trx,
        credentialIssuedMail({
          to: record.recipient_email,
          recipientName: record.recipient_name,
          organisationName: organisation.name,
          title: record.achievement_name ?? record.name ?? 'a credential',
          pageUrl: pageUrl(record.id),
        }),
      );
    }
    return {
      record,
      verifiableCredential: secured.verifiableCredential,
      statusEntries: allocation.statuses.map((status) => ({
        purpose: status.purpose,
        listId: status.listId,
        listUrl: statusLists.listUrl(status.listId),
        index: status.index,
      })),
    };
  }

  /**
   * Issues an Open Badges 3.0 `OpenBadgeCredential` from an inline achievement to a recipient identified by
   * e-mail (published only as a salted hash) and optionally a DID, signed by the organisation's did:web.
   */
  async function issueCredential(options: IssueOpenBadgeOptions): Promise<IssuedCredential> {
    const how = securing(options);
    return transaction(async (trx) => {
      const access = await organisations.requireAccess({
        actor: options.actor,
        slug: options.slug,
        permission: 'credentials:issue',
        trx,
      });
      return issueOpenBadge(trx, {
        ...options,
        access,
        how,
        achievement: { ...options.achievement, id: options.achievement.id ?? `urn:uuid:${ids()}` },
        via: options.actor.kind === 'system' ? 'cli' : 'api',
      });
    });
  }

  /** Builds, signs and stores one Open Badge for a recipient: the common part of every OB issuance. */
  async function issueOpenBadge(
    trx: Db,
    options: {
      actor: Actor;
      access: OrganisationAccess;
      how: { format: CredentialFormat; cryptosuite: Cryptosuite | null };
      achievement: AchievementInput;
      recipient: RecipientOptions;
      via: Via;
      name?: string;
      description?: string;
      narrative?: string;
      result?: ResultInput[];
      evidence?: EvidenceInput[];
      validFrom?: Date;
      validUntil?: Date | null;
      definitionId?: string;
      awardKey?: string;
      notifyRecipient?: boolean;
    },
  ): Promise<IssuedCredential> {
    const recipientName = optionalName(options.recipient.name, '/recipient/name');
    const recipientDid = optionalName(options.recipient.did, '/recipient/did');
    const email = normalizeEmail(options.recipient.email ?? '');
    const organisation = options.access.organisation;
    const now = clock.now();
    // Dates in the credential are whole seconds, like the proof's `created`.
    const today = new Date(Math.floor(now.getTime() / 1000) * 1000);
    const credentialId = ids();
    const key = await keys.issuerFor({ organisationId: organisation.id, didMethod: 'web', trx });
    const achievement = options.achievement;
    const name = optionalName(options.name, '/name') ?? achievement.name;
    const build = (statuses: AllocatedStatus[]) => {
      try {
        return buildOpenBadgeCredential({
          id: pageUrl(credentialId),
          name,
          description: options.description,
          issuer: {
            id: key.issuer,
            name: organisation.name,
            ...(organisation.url ? { url: organisation.url } : {}),
            ...(organisation.description ? { description: organisation.description } : {}),
          },
          validFrom: options.validFrom ?? today,
          validUntil: options.validUntil ?? undefined,
          awardedDate: today,
          recipient: { email, ...(recipientDid ? { id: recipientDid } : {}) },
          achievement,
          result: options.result,
          evidence: options.evidence,
          narrative: options.narrative,
          credentialStatus: statuses.map((status) => status.entry),
        });
      } catch (error) {
        const known = findVcError(error);
        if (known?.code === 'invalid_input') throw AppError.validation(known.message);
        throw error;
      }
    };
    return issueInTransaction(trx, {
      actor: options.actor,
      access: options.access,
      key,
      credentialId,
      via: options.via,
      how: options.how,
      now,
      build,
      notifyRecipient: options.notifyRecipient ?? true,
      row: {
        credential_uri: pageUrl(credentialId),
        name,
        achievement_name: achievement.name,
        recipient_email: email,
        recipient_name: recipientName,
        recipient_did: recipientDid,
        definition_id: options.definitionId ?? null,
        award_key: options.awardKey ?? null,
      },
    });
  }

  /**
   * Awards the credential of a published catalogue definition version: the achievement comes from the
   * definition, validity from its validity period. Used by the assessment modules on a pass, by external
   * results and by bulk issue. There is no permission check here: the calling service has authorised its
   * actor for what it did (marking, recording a result, issuing in bulk) — a learner passing a test may
   * cause an award without being a member of the organisation.
   */
  async function issueForDefinition(
    options: IssueForDefinitionOptions,
  ): Promise<IssuedCredential & { alreadyIssued: boolean }> {
    const definitions = deps.definitions;
    if (!definitions) throw new Error('The credentials service was built without the catalogue port');
    const awardKey = options.idempotencyKey?.trim();
    if (awardKey !== undefined && (awardKey.length === 0 || awardKey.length > MAX_AWARD_KEY)) {
      throw AppError.validation(`The idempotency key must be 1 to ${MAX_AWARD_KEY} characters`);
    }
    const work = async (trx: Db) => {
      const definition = await definitions.definitionForIssuing({ definitionId: options.definitionId, trx });
      if (!definition) throw AppError.notFound('Definition');
      if (definition.source !== 'own') {
        throw new AppError('invalid_state', 'External catalogue entries are not issued here', {
          detail: 'This definition belongs to the external catalogue: its provider issues it, not Credstack',
        });
      }
      if (definition.status !== 'published') {
        throw new AppError('invalid_state', 'Only a published definition can be awarded', {
          detail: `The definition "${definition.title}" is ${definition.status.replace('_', ' ')}; only a published version can be awarded`,
        });
      }
      if (awardKey !== undefined) {
        const existing = await repo.findCredentialByAwardKey(trx, definition.organisationId, awardKey);
        if (existing) return { ...(await details(trx, existing)), alreadyIssued: true };
      }
      const organisation = await organisations.findOrganisationById(definition.organisationId, trx);
      if (!organisation) throw AppError.notFound('Organisation');
      const validFrom = options.validFrom ?? clock.now();
      const validUntil =
        definition.validityMonths === null ? null : addMonths(validFrom, definition.validityMonths);
      const issued = await issueOpenBadge(trx, {
        actor: options.actor,
        // The award is authorised by the caller; the organisation is only the issuer here.
        access: { organisation, role: null, permissions: new Set(), superuser: false },
        how: { format: 'data-integrity', cryptosuite: DEFAULT_CRYPTOSUITE },
        achievement: definition.achievement,
        recipient: options.recipient,
        via: options.via,
        narrative: options.narrative,
        result: options.result,
        evidence: options.evidence,
        validFrom: wholeSeconds(validFrom),
        validUntil: validUntil === null ? null : wholeSeconds(validUntil),
        definitionId: options.definitionId,
        awardKey,
        notifyRecipient: options.notifyRecipient,
      });
      return { ...issued, alreadyIssued: false };
    };
    return options.trx ? work(options.trx) : transaction(work);
  }

  /**
   * VC-API issue: signs any valid VC 2.0 credential whose issuer is the organisation (its did:web or
   * did:key), after adding a revocation and a suspension entry and, when absent, an `id` under our URL.
   * Input that is already secured or carries its own status is refused.
   */
  async function issueVcApiCredential(options: {
    actor: Actor;
    slug: string;
    credential: unknown;
    options?: SecuringOptions;
  }): Promise<IssuedCredential> {
    const how = securing(options.options ?? {});
    const input = options.credential;
    if (!isObject(input)) throw invalidCredential('The credential must be a JSON object');
    const contexts = asList(input['@context']);
    if (!Array.isArray(input['@context']) || contexts[0] !== CONTEXT_URLS.VC_V2) {
      throw invalidCredential(
        `The credential must be a VC 2.0 credential: its @context must be an array starting with "${CONTEXT_URLS.VC_V2}"`,
      );
    }
    for (const context of contexts) {
      if (typeof context === 'string' && !BUNDLED_CONTEXTS.has(context)) throw unknownContext(context);
    }
    if ('proof' in input) throw invalidCredential('The credential already has a proof; send it unsigned');
    if ('credentialStatus' in input) {
      throw invalidCredential(
        'The credential already has a credentialStatus; Credstack adds its own revocation and suspension entries',
      );
    }
    const issuerId = issuerIdOf(input);
    if (!issuerId)
      throw invalidCredential('The credential needs an issuer: a DID string or an object with an id');
    if (
      input.id !== undefined &&
      (typeof input.id !== 'string' || !/^[a-z][a-z0-9+.-]*:\S+$/i.test(input.id))
    ) {
      throw invalidCredential('The credential id must be an absolute URI');
    }
    const recipientDid =
      isObject(input.credentialSubject) && typeof input.credentialSubject.id === 'string'
        ? input.credentialSubject.id
        : null;

    return transaction(async (trx) => {
      const access = await organisations.requireAccess({
        actor: options.actor,
        slug: options.slug,
        permission: 'credentials:issue',
        trx,
      });
      const organisation = access.organisation;
      const key = await keys.issuerFor({
        organisationId: organisation.id,
        didMethod: issuerId.startsWith('did:key:') ? 'key' : 'web',
        trx,
      });
      if (key.issuer !== issuerId) {
        throw invalidCredential(
          `The issuer "${issuerId}" is not this organisation: use its DID "${key.issuer}"${issuerId.startsWith('did:key:') ? '' : ' (or its did:key)'}`,
        );
      }
      const now = clock.now();
      const credentialId = ids();
      const uri = typeof input.id === 'string' ? input.id : pageUrl(credentialId);
      if (await repo.findCredentialByUri(trx, organisation.id, uri)) {
        throw new AppError('conflict', 'A credential with this id was already issued', {
          detail: `The organisation already issued a credential with the id "${uri}"; give each credential its own id or leave it out`,
        });
      }
      const unsigned: JsonObject = { ...structuredClone(input), id: uri };
      // Fail on a bad credential before any status list position is taken.
      try {
        await checkCredential(unsigned, now);
      } catch (error) {
        throw credentialError(error);
      }
      const name = typeof input.name === 'string' ? input.name.slice(0, MAX_NAME) : null;
      const subject = isObject(input.credentialSubject) ? input.credentialSubject : undefined;
      const achievement = subject && isObject(subject.achievement) ? subject.achievement : undefined;
      return issueInTransaction(trx, {
        actor: options.actor,
        access,
        key,
        credentialId,
        via: 'vc-api',
        how,
        now,
        build: (statuses) => ({ ...unsigned, credentialStatus: statuses.map((status) => status.entry) }),
        row: {
          credential_uri: uri,
          name,
          achievement_name:
            achievement && typeof achievement.name === 'string' ? achievement.name.slice(0, MAX_NAME) : null,
          recipient_email: null,
          recipient_name: null,
          recipient_did: recipientDid ? recipientDid.slice(0, 2000) : null,
        },
      });
    });
  }

  async function listCredentials(options: {
    actor: Actor;
    slug: string;
    status?: CredentialStatus;
    recipientEmail?: string;
    /** One definition version. */
    definitionId?: string;
    /** Every version of one definition. */
    definitionSeriesId?: string;
    cursor?: string;
    limit: number;
  }): Promise<{ credentials: CredentialRow[]; nextCursor: string | null }> {
    const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
    const access = await organisations.requireAccess({ ...options, permission: 'credentials:read' });
    const definitionIds = await definitionFilter(access.organisation.id, options);
    // No version matches (an unknown series, or another organisation's): nothing to read, nothing to leak.
    if (definitionIds?.length === 0) return { credentials: [], nextCursor: null };
    const rows = await repo.listCredentials(deps.db, {
      organisationId: access.organisation.id,
      status: options.status,
      recipientEmail:
        options.recipientEmail === undefined ? undefined : normalizeEmail(options.recipientEmail),
      definitionIds,
      after,
      limit: options.limit + 1,
    });
    const page = rows.slice(0, options.limit);
    const last = page.at(-1);
    return { credentials: page, nextCursor: rows.length > options.limit && last ? encodeCursor(last) : null };
  }

  /**
   * The definition versions a list is limited to (undefined: no definition filter). A version id needs no
   * look-up: the list only reads the organisation's own credentials, so another organisation's version
   * matches nothing. A series is resolved to the organisation's versions of it through the catalogue. The
   * route refuses malformed ids (400); for other callers they match nothing.
   */
  async function definitionFilter(
    organisationId: string,
    options: { definitionId?: string; definitionSeriesId?: string },
  ): Promise<string[] | undefined> {
    const malformed = [options.definitionId, options.definitionSeriesId].some(
      (id) => id !== undefined && !isUuid(id),
    );
    if (malformed) return [];
    if (options.definitionSeriesId === undefined) {
      return options.definitionId === undefined ? undefined : [options.definitionId];
    }
    const series = deps.definitionSeries;
    if (!series) throw new Error('The credentials service was built without the definition series port');
    const versions = await series.seriesVersionIds({ organisationId, seriesId: options.definitionSeriesId });
    return options.definitionId === undefined
      ? versions
      : versions.filter((id) => id === options.definitionId);
  }

  async function details(trx: Db, record: CredentialRow): Promise<CredentialDetails> {
    const entries = await repo.entriesOf(trx, record.id);
    return {
      record,
      verifiableCredential:
        record.format === 'vc+jwt' ? record.document : (JSON.parse(record.document) as JsonObject),
      statusEntries: entries.map((entry) => ({
        purpose: entry.purpose,
        listId: entry.list_id,
        listUrl: statusLists.listUrl(entry.list_id),
        index: entry.status_index,
      })),
    };
  }

  async function getCredential(options: {
    actor: Actor;
    slug: string;
    id: string;
  }): Promise<CredentialDetails> {
    const access = await organisations.requireAccess({ ...options, permission: 'credentials:read' });
    const record = isUuid(options.id)
      ? await repo.findCredential(deps.db, access.organisation.id, options.id)
      : undefined;
    if (!record) throw AppError.notFound('Credential');
    return details(deps.db, record);
  }

  /**
   * Revokes (final), suspends or reinstates (clears a suspension) a credential: the status bit, the
   * re-signed list, the audit event and the holder's mail all commit together.
   */
  async function changeStatus(options: {
    actor: Actor;
    slug: string;
    action: StatusAction;
    reason: string;
    /** Our id (uuid); with `byUri`, the credential's own `id` as the VC-API names it (or our id). */
    id: string;
    byUri?: boolean;
    via?: StatusVia;
  }): Promise<CredentialDetails> {
    const reason = checkReason(options.reason);
    const via: StatusVia = options.via ?? (options.actor.kind === 'system' ? 'cli' : 'api');
    const changed = await transaction(async (trx) => {
      const access = await organisations.requireAccess({
        actor: options.actor,
        slug: options.slug,
        permission: 'credentials:status',
        trx,
        lock: true,
      });
      const organisationId = access.organisation.id;
      const byId = () =>
        isUuid(options.id)
          ? repo.findCredential(trx, organisationId, options.id)
          : Promise.resolve(undefined);
      const found = options.byUri
        ? ((await repo.findCredentialByUri(trx, organisationId, options.id)) ?? (await byId()))
        : await byId();
      const current = found ? await repo.lockCredential(trx, organisationId, found.id) : undefined;
      if (!current) throw AppError.notFound('Credential');
      const status = current.status;
      if (status === 'revoked') {
        throw new AppError('credential_revoked', 'This credential is revoked', {
          detail:
            options.action === 'reinstate'
              ? 'This credential is revoked, and revocation is final: it cannot be reinstated. Issue a new credential instead.'
              : `This credential is revoked, and revocation is final: it cannot be ${ACTION_PAST[options.action]} again.`,
        });
      }
      if (options.action === 'suspend' && status === 'suspended') {
        throw new AppError('invalid_state', 'This credential is already suspended');
      }
      if (options.action === 'reinstate' && status !== 'suspended') {
        throw new AppError('invalid_state', 'This credential is not suspended', {
          detail: 'Only a suspended credential can be reinstated; this one is active',
        });
      }
      const now = clock.now();
      const next: CredentialStatus =
        options.action === 'revoke' ? 'revoked' : options.action === 'suspend' ? 'suspended' : 'active';
      const updated = await repo.updateStatus(trx, current.id, {
        status: next,
        status_reason: reason,
        status_changed_at: now,
      });
      await audit.record(trx, {
        type: ACTION_EVENT[options.action],
        actor: options.actor,
        organisationId,
        subject: { type: 'credential', id: current.id },
        data: { reason, via },
      });
      // Revocation leaves a suspension bit as it is: the credential fails either way, and for good.
      await statusLists.changeBit(trx, {
        credentialId: current.id,
        purpose: options.action === 'revoke' ? 'revocation' : 'suspension',
        value: options.action !== 'reinstate',
      });
      if (updated.recipient_email) {
        await mail.enqueue(
          trx,
          credentialStatusMail({
            to: updated.recipient_email,
            recipientName: updated.recipient_name,
            organisationName: access.organisation.name,
            title: updated.achievement_name ?? updated.name ?? 'your credential',
            pageUrl: pageUrl(updated.id),
            change: ACTION_PAST[options.action],
            reason,
          }),
        );
      }
      const eventId = await outbox.enqueue(trx, {
        kind: 'status_changed',
        change: {
          credentialId: updated.id,
          organisationId: updated.organisation_id,
          status: updated.status,
          action: options.action,
        },
      });
      return { details: await details(trx, updated), eventId };
    });
    if (changed.eventId) await outbox.deliver([changed.eventId]);
    return changed.details;
  }

  function held(
    row: CredentialRow & { organisation_name: string; organisation_slug: string },
  ): HeldCredential {
    const { organisation_name, organisation_slug, ...record } = row;
    return {
      record,
      organisation: { name: organisation_name, slug: organisation_slug },
      verifiableCredential:
        record.format === 'vc+jwt' ? record.document : (JSON.parse(record.document) as JsonObject),
    };
  }

  /**
   * The credentials issued to the signed-in user's e-mail address, by any organisation, newest first.
   * Only once the address is verified: a credential is addressed to a mailbox, and an account proves it
   * owns that mailbox only by verifying it. Matched exactly as issuing stores it (normalised, lower-case).
   */
  /** The signed-in user's verified addresses and claimed credentials (401/403 like verifiedEmailOf). */
  async function holdingOf(actor: Actor, db: Db): Promise<Holding> {
    const primary = normalizeEmail(await accounts.verifiedEmailOf({ actor, trx: db }));
    if (!deps.holdings || actor.kind !== 'user') return { emails: [primary], credentialIds: [] };
    const [emails, credentialIds] = [
      await deps.holdings.emailsOf({ userId: actor.userId, trx: db }),
      await deps.holdings.claimedCredentialIdsOf({ userId: actor.userId, trx: db }),
    ];
    return {
      emails: [...new Set([primary, ...emails.map((email) => normalizeEmail(email))])],
      credentialIds,
    };
  }

  async function listMyCredentials(options: {
    actor: Actor;
    limit?: number;
    cursor?: string;
  }): Promise<{ credentials: HeldCredential[]; nextCursor: string | null }> {
    const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
    const limit = options.limit ?? DEFAULT_HOLDER_PAGE;
    const holding = await holdingOf(options.actor, deps.db);
    const rows = await repo.listHolderCredentials(deps.db, {
      holding,
      after,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      credentials: page.map(held),
      nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
    };
  }

  /**
   * Every credential a user holds (issued to their verified addresses, or claimed), whatever its status,
   * newest first, capped at {@link MAX_HELD}. For services that already decided the caller may see this
   * user's credentials (the skill profile, the CLI's `path --learner`); no session needed. A user whose
   * primary address is not verified holds only what their other verified addresses and claims give them;
   * without the holdings port (some tests) nothing.
   */
  async function listHeldCredentialsOf(options: { userId: string; trx?: Db }): Promise<HeldCredential[]> {
    const db = options.trx ?? deps.db;
    // The holdings port names every verified address of the user (the sign-in one included) and their claims.
    if (!deps.holdings) return [];
    const emails = (await deps.holdings.emailsOf({ userId: options.userId, trx: db })).map(normalizeEmail);
    const credentialIds = await deps.holdings.claimedCredentialIdsOf({ userId: options.userId, trx: db });
    if (emails.length === 0 && credentialIds.length === 0) return [];
    const holding: Holding = {
      // heldBy needs at least one address; no stored address is empty, so '' matches nothing.
      emails: emails.length > 0 ? [...new Set(emails)] : [''],
      credentialIds,
    };
    const rows = await repo.listHolderCredentials(db, { holding, limit: MAX_HELD });
    return rows.map(held);
  }

  /** One credential the signed-in user holds; to anyone else it does not exist (404). */
  async function getMyCredential(options: { actor: Actor; id: string }): Promise<HeldCredential> {
    const holding = await holdingOf(options.actor, deps.db);
    if (!isUuid(options.id)) throw AppError.notFound('Credential');
    const row = await repo.findHolderCredential(deps.db, options.id, holding);
    if (!row) throw AppError.notFound('Credential');
    return held(row);
  }

  /**
   * The holder shows or hides their name on the credential's public page. Only the holder (the signed-in
   * user whose verified address it was issued to) may; to anyone else the credential does not exist (404).
   * Setting the value it already has changes nothing and records nothing.
   */
  async function setHolderNameVisibility(options: {
    actor: Actor;
    id: string;
    public: boolean;
  }): Promise<HeldCredential> {
    const holding = await holdingOf(options.actor, deps.db);
    if (!isUuid(options.id)) throw AppError.notFound('Credential');
    return transaction(async (trx) => {
      const current = await repo.lockHolderCredential(trx, options.id, holding);
      if (!current) throw AppError.notFound('Credential');
      if (current.holder_name_public !== options.public) {
        await repo.setHolderNamePublic(trx, current.id, options.public);
        await audit.record(trx, {
          type: 'credential.holder_name_visibility_changed',
          actor: options.actor,
          organisationId: current.organisation_id,
          subject: { type: 'credential', id: current.id },
          data: { before: current.holder_name_public, after: options.public },
        });
      }
      const row = await repo.findHolderCredential(trx, current.id, holding);
      if (!row) throw AppError.notFound('Credential');
      return held(row);
    });
  }

  /**
   * What a public credential page needs, or null when there is no such credential. No permission check:
   * whoever holds the link may see the credential (it is the holder's to share); the e-mail address never
   * leaves, and the holder's name only when they made it public.
   */
  async function getPublicCredential(options: { id: string }): Promise<PublicCredential | null> {
    if (!isUuid(options.id)) return null;
    const row = await repo.findPublicCredential(deps.db, options.id);
    if (!row) return null;
    const now = clock.now();
    return {
      id: row.id,
      url: pageUrl(row.id),
      credentialUri: row.credential_uri,
      format: row.format,
      cryptosuite: row.cryptosuite,
      credential: row.format === 'vc+jwt' ? row.document : (JSON.parse(row.document) as JsonObject),
      types: [...row.types],
      organisation: { name: row.organisation_name, slug: row.organisation_slug },
      issuer: row.issuer,
      name: row.name,
      achievementName: row.achievement_name,
      status: row.status,
      statusChangedAt: row.status_changed_at,
      statusReason: row.status === 'active' ? null : row.status_reason,
      validFrom: row.valid_from,
      validUntil: row.valid_until,
      expired: row.valid_until !== null && row.valid_until.getTime() <= now.getTime(),
      issuedAt: row.issued_at,
      holderName: row.holder_name_public ? row.recipient_name : null,
    };
  }

  return {
    issueCredential,
    issueForDefinition,
    issueVcApiCredential,
    listCredentials,
    getCredential,
    revokeCredential: (options: { actor: Actor; slug: string; id: string; reason: string }) =>
      changeStatus({ ...options, action: 'revoke' }),
    suspendCredential: (options: { actor: Actor; slug: string; id: string; reason: string }) =>
      changeStatus({ ...options, action: 'suspend' }),
    reinstateCredential: (options: { actor: Actor; slug: string; id: string; reason: string }) =>
      changeStatus({ ...options, action: 'reinstate' }),
    changeStatus,
    listMyCredentials,
    getMyCredential,
    listHeldCredentialsOf,
    setHolderNameVisibility,
    getPublicCredential,
    // Read-only aggregates for the analytics module.
    ...createCredentialStatistics({ db: deps.db }),
    /** The published status list (JSON text), its ETag and last change, for GET /status-lists/:listId. */
    getStatusList: statusLists.getPublishedList,
    loadLocalStatusList: statusLists.loadLocalStatusList,
    /** The status list URL for a list id. */
    statusListUrl: statusLists.listUrl,
    /** The public page of a credential (also the `id` of credentials Credstack numbers). */
    pageUrl,
    whenEventsSettled,
    queueClaimedEvent,
    deliverQueuedEvents,
    deliverPendingEvents,
  };
}

export type CredentialsService = ReturnType<typeof createCredentialsService>;
