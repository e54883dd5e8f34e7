import { createHash } from 'node:crypto';
import type { Actor } from '../../core/actor.ts';
import type { Clock } from '../../core/clock.ts';
import type { Config } from '../../core/config.ts';
import { AppError } from '../../core/errors.ts';
import { type IdGenerator, isUuid } from '../../core/ids.ts';
import { createDocumentLoader } from '../../core/vc/contexts.ts';
import { signCredential } from '../../core/vc/proofs.ts';
import type { Signer } from '../../core/vc/signer.ts';
import {
  Bitstring,
  type BitstringStatusListEntry,
  buildStatusEntry,
  buildStatusListCredential,
  DEFAULT_BITSTRING_LENGTH,
  randomIndex,
} from '../../core/vc/status-list.ts';
import type { Db } from '../../db/database.ts';
import type { StatusListPurpose, StatusListRow } from '../../db/schema.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { createCredentialsRepository } from './credentials.repository.ts';

/** The signing identity of an organisation, as the keys module hands it out. */
export interface IssuerKey {
  /** The organisation's DID (did:web or did:key). */
  issuer: string;
  verificationMethod: string;
  signer: Signer;
  keyId: string;
}

/** The part of the keys service this module needs (structurally the keys module's `issuerFor`). */
export interface IssuerKeys {
  issuerFor(options: {
    organisationId: string;
    didMethod?: 'web' | 'key';
    didKey?: string;
    trx?: Db;
  }): Promise<IssuerKey>;
}

export interface StatusListsServiceDeps {
  db: Db;
  clock: Clock;
  ids: IdGenerator;
  config: Config;
  audit: AuditService;
  keys: IssuerKeys;
  /** Draws a position in a list of `size`; crypto-random by default (tests narrow it to force collisions). */
  randomIndex?: (size: number) => number;
}

export const STATUS_PURPOSES_ISSUED: readonly StatusListPurpose[] = ['revocation', 'suspension'];

/** Every list has the spec's minimum length: 131,072 positions (16 KiB before compression). */
export const STATUS_LIST_SIZE = DEFAULT_BITSTRING_LENGTH;

/**
 * A list takes new credentials until half its positions are used, then the next credential opens a new
 * one. Positions are drawn at random and retried on collision, so at fill fraction f a draw succeeds with
 * probability 1 − f: capping f at ½ bounds the expected draws at 2 and the chance that 64 draws all collide
 * at 2^-64, while a list still holds 65,536 credentials. A fuller list would save a few kilobytes per
 * 65,536 credentials and cost ever more retries; an emptier one gives verifiers more lists to fetch.
 */
export const STATUS_LIST_CAPACITY = STATUS_LIST_SIZE / 2;

/** Draws before giving up on a list (see {@link STATUS_LIST_CAPACITY}: practically never reached). */
const MAX_DRAWS = 64;

/** Status lists change rarely and verifiers fetch them for every check: a short public cache. */
export const STATUS_LIST_CACHE_CONTROL = 'public, max-age=60, must-revalidate';

export interface AllocatedStatus {
  purpose: StatusListPurpose;
  listId: string;
  index: number;
  entry: BitstringStatusListEntry;
}

function etagOf(text: string): string {
  return `"${createHash('sha256').update(text, 'utf8').digest('base64url').slice(0, 32)}"`;
}

function didMethodOf(did: string): 'web' | 'key' {
  return did.startsWith('did:key:') ? 'key' : 'web';
}

/**
 * Bitstring status lists (W3C Bitstring Status List v1.0): one open list per organisation, purpose and
 * issuer DID; random positions whose uniqueness the database enforces; the signed list credential stored
 * with the status change that altered it, so serving it is a single-row read.
 *
 * Lock order, which every writer follows so that concurrent issuers and status changes cannot deadlock:
 * list positions are claimed first, then the audit chain's lock is taken (audit.record), and only then are
 * list rows updated (allocation counts, regenerated credentials). Opening a list inserts a row and records
 * its audit event later, with the rest of the transaction's events (`recordAllocations`).
 */
export function createStatusListsService(deps: StatusListsServiceDeps) {
  const repo = createCredentialsRepository();
  const { clock, ids, audit, keys } = deps;
  const draw = deps.randomIndex ?? randomIndex;
  const baseUrl = deps.config.publicUrl.href.replace(/\/$/, '');
  const documentLoader = createDocumentLoader();
  const prefix = `${baseUrl}/status-lists/`;

  function listUrl(listId: string): string {
    return `${prefix}${listId}`;
  }

  async function signList(options: {
    listId: string;
    purpose: StatusListPurpose;
    key: IssuerKey;
    bits: Bitstring;
    now: Date;
  }): Promise<{ text: string; etag: string }> {
    const credential = buildStatusListCredential({
      id: listUrl(options.listId),
      issuer: options.key.issuer,
      statusPurpose: options.purpose,
      encodedList: options.bits.encode(),
      validFrom: options.now,
    });
    const signed = await signCredential({
      credential,
      signer: options.key.signer,
      cryptosuite: 'eddsa-rdfc-2022',
      created: options.now,
      documentLoader,
    });
    const text = JSON.stringify(signed);
    return { text, etag: etagOf(text) };
  }

  /**
   * The open list for the organisation, purpose and issuer, opening (and signing) a new empty one when
   * there is none. Instances racing to open one both insert with ON CONFLICT DO NOTHING: one wins, the
   * other waits for it to commit and then reads its list. `created` says whether this call opened it.
   */
  async function openList(
    trx: Db,
    options: { organisationId: string; purpose: StatusListPurpose; key: IssuerKey },
  ): Promise<{ list: StatusListRow; created: boolean }> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const existing = await repo.findActiveList(
        trx,
        options.organisationId,
        options.purpose,
        options.key.issuer,
      );
      if (existing) return { list: existing, created: false };
      const id = ids();
      const now = clock.now();
      const { text, etag } = await signList({
        listId: id,
        purpose: options.purpose,
        key: options.key,
        bits: new Bitstring(STATUS_LIST_SIZE),
        now,
      });
      const inserted = await repo.insertListIfNoneActive(trx, {
        id,
        organisation_id: options.organisationId,
        purpose: options.purpose,
        issuer: options.key.issuer,
        size: STATUS_LIST_SIZE,
        capacity: STATUS_LIST_CAPACITY,
        credential: text,
        etag,
        created_at: now,
      });
      if (inserted) return { list: inserted, created: true };
    }
    throw new Error('Could not open a status list: another instance keeps filling them');
  }

  /** Claims a random free position in `list` for the credential (insert … on conflict do nothing, retry). */
  async function claimPosition(trx: Db, list: StatusListRow, credentialId: string): Promise<number> {
    for (let attempt = 0; attempt < MAX_DRAWS; attempt++) {
      const index = draw(list.size);
      const claimed = await repo.claimIndex(trx, {
        list_id: list.id,
        status_index: index,
        credential_id: credentialId,
        purpose: list.purpose,
      });
      if (claimed) return index;
    }
    throw new Error(`No free position found in status list ${list.id} after ${MAX_DRAWS} draws`);
  }

  /**
   * Gives a new credential one position per purpose (revocation, then suspension, always in that order)
   * and returns the `credentialStatus` entries to sign into it. Call before audit.record, then pass the
   * result to {@link recordAllocations} after it.
   */
  async function allocate(
    trx: Db,
    options: { organisationId: string; credentialId: string; key: IssuerKey },
  ): Promise<{ statuses: AllocatedStatus[]; opened: StatusListRow[] }> {
    const statuses: AllocatedStatus[] = [];
    const opened: StatusListRow[] = [];
    for (const purpose of STATUS_PURPOSES_ISSUED) {
      const { list, created } = await openList(trx, { ...options, purpose });
      if (created) opened.push(list);
      const index = await claimPosition(trx, list, options.credentialId);
      statuses.push({
        purpose,
        listId: list.id,
        index,
        entry: buildStatusEntry({ listCredentialUrl: listUrl(list.id), index, statusPurpose: purpose }),
      });
    }
    return { statuses, opened };
  }

  /**
   * After the credential's own audit event: audit the lists this transaction opened, count the positions
   * taken, and close a list that reached its capacity (the next credential opens a new one).
   */
  async function recordAllocations(
    trx: Db,
    actor: Actor,
    allocation: { statuses: AllocatedStatus[]; opened: StatusListRow[] },
  ): Promise<void> {
    for (const list of allocation.opened) {
      await audit.record(trx, {
        type: 'status_list.created',
        actor,
        organisationId: list.organisation_id,
        subject: { type: 'status_list', id: list.id },
        data: { purpose: list.purpose, issuer: list.issuer, size: list.size, capacity: list.capacity },
      });
    }
    for (const status of allocation.statuses) {
      const counted = await repo.countAllocation(trx, status.listId, 1);
      if (counted.state === 'active' && counted.allocated >= counted.capacity) {
        if (await repo.markListFull(trx, counted.id, clock.now())) {
          await audit.record(trx, {
            type: 'status_list.filled',
            actor,
            organisationId: counted.organisation_id,
            subject: { type: 'status_list', id: counted.id },
            data: { purpose: counted.purpose, allocated: counted.allocated, capacity: counted.capacity },
          });
        }
      }
    }
  }

  /**
   * Sets or clears a credential's bit for `purpose` and re-signs its list in the same transaction, so the
   * published list never disagrees with the database. Call after audit.record (lock order above).
   */
  async function changeBit(
    trx: Db,
    options: { credentialId: string; purpose: StatusListPurpose; value: boolean },
  ): Promise<StatusListRow> {
    const entry = await repo.setEntryBit(trx, options.credentialId, options.purpose, options.value);
    if (!entry) throw new Error(`Credential ${options.credentialId} has no ${options.purpose} entry`);
    return regenerate(trx, entry.list_id);
  }

  /** Rebuilds a list from its set positions and stores the newly signed list credential. */
  async function regenerate(trx: Db, listId: string): Promise<StatusListRow> {
    const list = await repo.findList(trx, listId);
    if (!list) throw new Error(`Status list ${listId} does not exist`);
    const bits = new Bitstring(list.size);
    for (const index of await repo.setIndexes(trx, listId)) bits.set(index);
    // A did:web keeps its DID across key rotations: its lists are signed by the current key. A did:key names
    // one key, and verifiers require the list's issuer to be the credential's, so a did:key list stays
    // signed by that key (retired or not).
    const key =
      didMethodOf(list.issuer) === 'key'
        ? await keys.issuerFor({ organisationId: list.organisation_id, didKey: list.issuer, trx })
        : await keys.issuerFor({ organisationId: list.organisation_id, didMethod: 'web', trx });
    const now = clock.now();
    const { text, etag } = await signList({ listId, purpose: list.purpose, key, bits, now });
    return repo.storeListCredential(trx, listId, { credential: text, etag, updated_at: now });
  }

  /** The stored list as served: the signed credential's JSON text, its ETag and when it last changed. */
  async function getPublishedList(options: {
    listId: string;
  }): Promise<{ body: string; etag: string; updatedAt: Date }> {
    const row = isUuid(options.listId) ? await repo.findPublishedList(deps.db, options.listId) : undefined;
    if (!row) throw AppError.notFound('Status list');
    return { body: row.credential, etag: row.etag, updatedAt: row.updated_at };
  }

  /**
   * For the verifier: the list credential published at `url` when it is one of ours
   * (`${PUBLIC_URL}/status-lists/<id>`), without any HTTP round trip; null for any other URL or unknown id.
   */
  async function loadLocalStatusList(url: string): Promise<Record<string, unknown> | null> {
    if (typeof url !== 'string' || !url.startsWith(prefix)) return null;
    const id = url.slice(prefix.length);
    if (!isUuid(id)) return null;
    const row = await repo.findPublishedList(deps.db, id);
    return row ? (JSON.parse(row.credential) as Record<string, unknown>) : null;
  }

  return {
    listUrl,
    allocate,
    recordAllocations,
    changeBit,
    regenerate,
    getPublishedList,
    loadLocalStatusList,
  };
}

export type StatusListsService = ReturnType<typeof createStatusListsService>;
