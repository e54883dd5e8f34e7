import type { Kysely, Transaction } from 'kysely';
import { type Actor, systemActor } from '../../core/actor.ts';
import type { Clock } from '../../core/clock.ts';
import type { Config } from '../../core/config.ts';
import { AppError } from '../../core/errors.ts';
import type { IdGenerator } from '../../core/ids.ts';
import type { Logger } from '../../core/logger.ts';
import { buildDidDocument, didKeyFor, didKeyVerificationMethodId, didWebFor } from '../../core/vc/did.ts';
import type { Signer } from '../../core/vc/signer.ts';
import type { Db } from '../../db/database.ts';
import type { Database, OrganisationRow } from '../../db/schema.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { OrganisationsService } from '../organisations/organisations.service.ts';
import type { IssuerKeyCustody } from './keys.custody.ts';
import { createKeysRepository, type IssuerKeyRecord } from './keys.repository.ts';

export interface KeysServiceDeps {
  db: Db;
  clock: Clock;
  ids: IdGenerator;
  config: Pick<Config, 'publicUrl'>;
  audit: AuditService;
  organisations: OrganisationsService;
  /** Makes keys and signers; the only code that touches private keys (local today, a KMS tomorrow). */
  custody: IssuerKeyCustody;
  logger: Pick<Logger, 'error'>;
}

export type IssuerKeyStatus = 'active' | 'retired';

/** One of an organisation's keys, public half only. */
export interface IssuerKey {
  /** The key's id (the `keyId` issuerFor returns). */
  id: string;
  organisationId: string;
  keyNumber: number;
  /** The did:web verification method: `did:web:…:orgs:<slug>#key-<n>`. */
  verificationMethod: string;
  publicKeyMultibase: string;
  status: IssuerKeyStatus;
  createdAt: Date;
  retiredAt: Date | null;
}

/** What signing needs: who the issuer is, which key it signs with, and a signer for that key. */
export interface IssuerIdentity {
  /** The issuer DID: the organisation's did:web, or its active key's did:key. */
  issuer: string;
  /** The full verification method id the signature verifies under. */
  verificationMethod: string;
  signer: Signer;
  /** The issuer key's id. */
  keyId: string;
}

export interface VerificationMethodView {
  id: string;
  type: 'Multikey';
  controller: string;
  publicKeyMultibase: string;
  status: IssuerKeyStatus;
  createdAt: string;
  retiredAt: string | null;
}

export interface OrganisationIdentity {
  slug: string;
  name: string;
  dids: { web: string; key: string };
  verificationMethods: VerificationMethodView[];
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Lazily created first keys are made by the platform, whoever happened to need them first. */
const KEYS_ACTOR: Actor = systemActor('keys');

/**
 * Issuer identity and keys. Every organisation has exactly one active Ed25519 key at any time, published
 * in its did:web document together with every key it retired, so credentials signed before a rotation
 * keep verifying. Organisations can also issue as the active key's did:key.
 *
 * The first key is made on first use (signing, publishing the DID document, listing, rotating), so every
 * organisation has one from the moment anything can observe it, however it was created. A partial unique
 * index allows one active key per organisation; concurrent first uses (also on several server instances)
 * insert with ON CONFLICT DO NOTHING and read the winner's.
 *
 * Private keys never leave {@link IssuerKeyCustody}: this service stores what it is given, returns only
 * public halves, and hands out Signers.
 */
export function createKeysService(deps: KeysServiceDeps) {
  const repo = createKeysRepository();
  const { clock, ids, config, audit, organisations, custody } = deps;

  const webDid = (slug: string) => didWebFor(config.publicUrl, slug);
  const webMethodId = (slug: string, keyNumber: number) => `${webDid(slug)}#key-${keyNumber}`;

  function toIssuerKey(slug: string, row: IssuerKeyRecord): IssuerKey {
    return {
      id: row.id,
      organisationId: row.organisation_id,
      keyNumber: row.key_number,
      verificationMethod: webMethodId(slug, row.key_number),
      publicKeyMultibase: row.public_key_multibase,
      status: row.retired_at ? 'retired' : 'active',
      createdAt: row.created_at,
      retiredAt: row.retired_at,
    };
  }

  /** Makes the organisation's first key inside `trx` unless another transaction already did. */
  async function createFirstKey(trx: Db, organisation: OrganisationRow): Promise<IssuerKeyRecord> {
    const existing = await repo.findActive(trx, organisation.id);
    if (existing) return existing;
    const id = ids();
    const { publicKeyMultibase, sealed } = await custody.generate({ keyId: id });
    const keyNumber = await repo.nextKeyNumber(trx, organisation.id);
    const inserted = await repo.insertUnlessConflict(trx, {
      id,
      organisation_id: organisation.id,
      key_number: keyNumber,
      public_key_multibase: publicKeyMultibase,
      private_key_sealed: sealed,
      created_at: clock.now(),
    });
    if (!inserted) {
      // Another instance made it between our read and our insert; its commit is visible now.
      const winner = await repo.findActive(trx, organisation.id);
      if (winner) return winner;
      throw new AppError('conflict', 'The signing key changed at the same time; try again');
    }
    await audit.record(trx, {
      type: 'issuer_key.created',
      actor: KEYS_ACTOR,
      organisationId: organisation.id,
      subject: { type: 'issuer_key', id },
      data: {
        keyId: id,
        verificationMethod: webMethodId(organisation.slug, keyNumber),
        publicKeyMultibase,
      },
    });
    return inserted;
  }

  /**
   * The active key, made first if the organisation has none. Inside a caller's transaction the key is
   * made in it (PGlite has one connection); otherwise in a transaction of its own.
   */
  async function ensureActiveKey(db: Db, organisation: OrganisationRow): Promise<IssuerKeyRecord> {
    const existing = await repo.findActive(db, organisation.id);
    if (existing) return existing;
    if (db.isTransaction) return createFirstKey(db, organisation);
    return db.transaction().execute((trx) => createFirstKey(trx, organisation));
  }

  async function keysOf(db: Db, organisation: OrganisationRow): Promise<IssuerKeyRecord[]> {
    await ensureActiveKey(db, organisation);
    return repo.listForOrganisation(db, organisation.id);
  }

  async function documentFor(db: Db, organisation: OrganisationRow): Promise<Record<string, unknown>> {
    const keys = await keysOf(db, organisation);
    return buildDidDocument({
      did: webDid(organisation.slug),
      keys: keys.map((key) => ({
        id: `key-${key.key_number}`,
        publicKeyMultibase: key.public_key_multibase,
      })),
    });
  }

  /**
   * The issuer DID, verification method and Signer of an organisation's active key, for signing
   * credentials and status lists. `didMethod` `web` (default) names the organisation's did:web; `key` its
   * active key's did:key; `didKey` one named did:key, for re-signing that key's status lists. Pass `trx` when calling inside a transaction, and call this before
   * `audit.record` there: a first key may be made and audited in it.
   */
  async function issuerFor(options: {
    organisationId: string;
    didMethod?: 'web' | 'key';
    /** Sign as this did:key of the organisation (retired keys included) instead of the active key. */
    didKey?: string;
    trx?: Kysely<Database> | Transaction<Database>;
  }): Promise<IssuerIdentity> {
    const db: Db = options.trx ?? deps.db;
    const organisation = UUID_PATTERN.test(options.organisationId)
      ? await organisations.findOrganisationById(options.organisationId, db)
      : undefined;
    if (!organisation) throw AppError.notFound('Organisation');
    let key: Awaited<ReturnType<typeof repo.findActiveForSigning>>;
    if (options.didKey !== undefined) {
      // Status lists of credentials issued as a did:key stay signed by that key, even once it is retired.
      const multibase = options.didKey.startsWith('did:key:') ? options.didKey.slice('did:key:'.length) : '';
      key = await repo.findForSigningByPublicKey(db, organisation.id, multibase);
      if (!key) throw new Error(`${options.didKey} is not a key of organisation ${organisation.id}`);
    } else {
      key = await repo.findActiveForSigning(db, organisation.id);
      if (!key) {
        await ensureActiveKey(db, organisation);
        key = await repo.findActiveForSigning(db, organisation.id);
      }
    }
    if (!key) throw new Error(`Organisation ${organisation.id} has no active signing key`);
    const useDidKey = options.didMethod === 'key' || options.didKey !== undefined;
    const issuer = useDidKey ? didKeyFor(key.public_key_multibase) : webDid(organisation.slug);
    const verificationMethod = useDidKey
      ? didKeyVerificationMethodId(key.public_key_multibase)
      : webMethodId(organisation.slug, key.key_number);
    let signer: Signer;
    try {
      signer = await custody.signer({
        keyId: key.id,
        sealed: key.private_key_sealed,
        publicKeyMultibase: key.public_key_multibase,
        verificationMethod,
      });
    } catch (error) {
      deps.logger.error(
        { err: error, keyId: key.id, organisationId: organisation.id },
        'issuer key could not be unlocked',
      );
      throw new AppError('issuer_key_unavailable', 'The signing key cannot be used', {
        detail:
          "The organisation's signing key cannot be used right now. An operator should check the server " +
          'log (the master key may not be the one the key was sealed with).',
        cause: error,
      });
    }
    return { issuer, verificationMethod, signer, keyId: key.id };
  }

  /**
   * The DID document of one of our organisations' did:web (`did:web:<our host[:port]>[:path]:orgs:<slug>`),
   * straight from the database; `null` for any other DID, DID URL or unknown slug.
   */
  async function resolveLocalDid(did: string): Promise<Record<string, unknown> | null> {
    if (typeof did !== 'string' || did.length > 500) return null;
    const slug = /:orgs:([a-z0-9-]{1,63})$/.exec(did)?.[1];
    if (!slug) return null;
    let expected: string;
    try {
      expected = webDid(slug);
    } catch {
      return null;
    }
    // Percent-escapes (the port's %3A) compare case-insensitively; nothing else does.
    const normalise = (value: string) => value.replace(/%[0-9a-fA-F]{2}/g, (hex) => hex.toUpperCase());
    if (normalise(did) !== expected) return null;
    const organisation = await organisations.findOrganisationBySlug(slug);
    if (!organisation) return null;
    return documentFor(deps.db, organisation);
  }

  /** The DID document served at /orgs/<slug>/did.json; `not_found` for an unknown slug. */
  async function didDocumentForSlug(slug: string): Promise<Record<string, unknown>> {
    const organisation = await organisations.findOrganisationBySlug(slug);
    if (!organisation) throw AppError.notFound('Organisation');
    return documentFor(deps.db, organisation);
  }

  /** The organisation's DIDs and every verification method it has had (needs org:read). */
  async function describeOrganisation(options: {
    actor: Actor;
    slug: string;
  }): Promise<OrganisationIdentity> {
    const { organisation } = await organisations.requireAccess({ ...options, permission: 'org:read' });
    const keys = (await keysOf(deps.db, organisation)).map((row) => toIssuerKey(organisation.slug, row));
    const active = keys.find((key) => key.status === 'active');
    if (!active) throw new Error(`Organisation ${organisation.id} has no active signing key`);
    const did = webDid(organisation.slug);
    return {
      slug: organisation.slug,
      name: organisation.name,
      dids: { web: did, key: didKeyFor(active.publicKeyMultibase) },
      verificationMethods: keys.map((key) => ({
        id: key.verificationMethod,
        type: 'Multikey' as const,
        controller: did,
        publicKeyMultibase: key.publicKeyMultibase,
        status: key.status,
        createdAt: key.createdAt.toISOString(),
        retiredAt: key.retiredAt?.toISOString() ?? null,
      })),
    };
  }

  /** Every key of the organisation, current and retired, oldest first (needs org:read). */
  async function listKeys(options: { actor: Actor; slug: string }): Promise<IssuerKey[]> {
    const { organisation } = await organisations.requireAccess({ ...options, permission: 'org:read' });
    return (await keysOf(deps.db, organisation)).map((row) => toIssuerKey(organisation.slug, row));
  }

  /**
   * Makes a new active key and retires the current one, which stays in the DID document (credentials
   * signed with it keep verifying). Owners and admins (`keys:manage`, never a token scope) and the CLI.
   */
  async function rotateKey(options: {
    actor: Actor;
    slug: string;
  }): Promise<{ active: IssuerKey; retired: IssuerKey }> {
    return deps.db.transaction().execute(async (trx) => {
      const { organisation } = await organisations.requireAccess({
        actor: options.actor,
        slug: options.slug,
        permission: 'keys:manage',
        trx,
        lock: true,
      });
      const current = await ensureActiveKey(trx, organisation);
      const now = clock.now();
      const retired = await repo.retire(trx, current.id, now);
      if (!retired) throw new AppError('conflict', 'The signing key changed at the same time; try again');
      const id = ids();
      const { publicKeyMultibase, sealed } = await custody.generate({ keyId: id });
      const keyNumber = await repo.nextKeyNumber(trx, organisation.id);
      const inserted = await repo.insertUnlessConflict(trx, {
        id,
        organisation_id: organisation.id,
        key_number: keyNumber,
        public_key_multibase: publicKeyMultibase,
        private_key_sealed: sealed,
        created_at: now,
      });
      if (!inserted) throw new AppError('conflict', 'The signing key changed at the same time; try again');
      const active = toIssuerKey(organisation.slug, inserted);
      const old = toIssuerKey(organisation.slug, retired);
      await audit.record(trx, {
        type: 'issuer_key.rotated',
        actor: options.actor,
        organisationId: organisation.id,
        subject: { type: 'issuer_key', id },
        data: {
          keyId: active.id,
          verificationMethod: active.verificationMethod,
          publicKeyMultibase: active.publicKeyMultibase,
          retiredKeyId: old.id,
          retiredVerificationMethod: old.verificationMethod,
        },
      });
      return { active, retired: old };
    });
  }

  return { issuerFor, resolveLocalDid, didDocumentForSlug, describeOrganisation, listKeys, rotateKey };
}

export type KeysService = ReturnType<typeof createKeysService>;
