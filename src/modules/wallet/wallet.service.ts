import type { Actor, UserActor } from '../../core/actor.ts';
import { unbakeCredential } from '../../core/baking.ts';
import type { Clock } from '../../core/clock.ts';
import { AppError } from '../../core/errors.ts';
import { type IdGenerator, isUuid } from '../../core/ids.ts';
import { optionalBodyText } from '../../core/text-fields.ts';
import type { CredentialVerificationReport } from '../../core/vc/verify.ts';
import type { Db } from '../../db/database.ts';
import type {
  ImportedCredentialRow,
  ImportSource,
  PublicProfileRow,
} from '../../db/tables/wallet-profiles.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { CredentialsService, HeldCredential } from '../credentials/credentials.service.ts';
import { presentCredentialReport } from '../verification/verification.presenter.ts';
import {
  contentHashOf,
  factsOf,
  heldState,
  importedState,
  normaliseHandle,
  type ProfileItemState,
  verdictOf,
} from './wallet.model.ts';
import { createWalletRepository } from './wallet.repository.ts';

/** What the wallet needs from the verifier: the same checks as the public verify page. */
export interface WalletVerifier {
  verifyCredential(options: { credential: unknown; count?: boolean }): Promise<CredentialVerificationReport>;
}

export interface WalletServiceDeps {
  db: Db;
  clock: Clock;
  ids: IdGenerator;
  audit: AuditService;
  credentials: Pick<CredentialsService, 'listHeldCredentialsOf' | 'pageUrl'>;
  verification: WalletVerifier;
}

export interface ProfileInput {
  handle: string;
  displayName: string;
  bio?: string | null;
  public: boolean;
  /** Credentials we issued that the learner holds, in display order. */
  credentialIds: string[];
  /** Imported credentials; each must have verified. */
  importedCredentialIds: string[];
}

/** One credential on a public profile, ours or imported, with its standing as a flag. */
export interface ProfileItem {
  kind: 'issued' | 'imported';
  id: string;
  name: string | null;
  achievementName: string | null;
  issuer: { name: string | null; id: string | null; slug: string | null };
  issuedAt: Date | null;
  validUntil: Date | null;
  state: ProfileItemState;
  /** Our credential's public page (issued only); imported credentials have no page here. */
  url: string | null;
}

export interface PublicProfileView {
  handle: string;
  displayName: string;
  bio: string | null;
  public: boolean;
  items: ProfileItem[];
  updatedAt: Date;
}

export const MAX_IMPORTED = 500;
const MAX_PROFILE_ITEMS = 100;
const MAX_DISPLAY_NAME = 100;
const MAX_BIO = 500;

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === '23505';
}

function requireUserActor(actor: Actor): UserActor {
  if (actor.kind !== 'user') throw new AppError('unauthenticated', 'Sign in to use your wallet');
  return actor;
}

/**
 * The learner's wallet beyond what we issued: credentials imported from elsewhere (verified on import, kept
 * with their step log) and the public profile showing the credentials the learner picks. Everything here
 * belongs to one user; another user's items do not exist for them (404).
 */
export function createWalletService(deps: WalletServiceDeps) {
  const repo = createWalletRepository();
  const { clock, ids, audit } = deps;

  async function verify(credential: unknown) {
    // Not counted as a verification for the issuer's analytics: nobody is checking the credential.
    const report = await deps.verification.verifyCredential({ credential, count: false });
    return { report, verdict: verdictOf(report), presented: presentCredentialReport(report) };
  }

  async function listImported(options: { actor: Actor }): Promise<ImportedCredentialRow[]> {
    const user = requireUserActor(options.actor);
    return repo.listImported(deps.db, user.userId, MAX_IMPORTED);
  }

  async function getImported(options: { actor: Actor; id: string }): Promise<ImportedCredentialRow> {
    const user = requireUserActor(options.actor);
    if (!isUuid(options.id)) throw AppError.notFound('Imported credential');
    const row = await repo.findImported(deps.db, user.userId, options.id);
    if (!row) throw AppError.notFound('Imported credential');
    return row;
  }

  /**
   * Verifies the credential (JSON object or compact vc+jwt, already unbaked from a file by the caller) and
   * keeps it with the verdict whatever that is: a learner may hold a credential that does not verify here
   * (its issuer's DID unreachable, say); the wallet says so rather than refusing it. The same credential
   * twice is a 409.
   */
  async function importCredential(options: {
    actor: Actor;
    credential: object | string;
    source: ImportSource;
  }): Promise<ImportedCredentialRow> {
    const user = requireUserActor(options.actor);
    if (typeof options.credential === 'string' && options.credential.trim() === '') {
      throw AppError.validation('The credential is empty', [
        { in: 'body', pointer: '/credential', message: 'must not be empty' },
      ]);
    }
    const contentHash = contentHashOf(options.credential);
    const duplicate = () =>
      new AppError('conflict', 'This credential is already in your wallet', {
        detail: 'The same credential was imported before; re-verify that one instead',
      });
    if (await repo.findImportedByHash(deps.db, user.userId, contentHash)) throw duplicate();
    if ((await repo.countImported(deps.db, user.userId)) >= MAX_IMPORTED) {
      throw new AppError('invalid_state', `A wallet holds at most ${MAX_IMPORTED} imported credentials`, {
        detail: `Delete imported credentials you no longer need; at most ${MAX_IMPORTED} are kept`,
      });
    }
    // Verification reads our own DIDs and status lists through the pool: outside the transaction.
    const { report, verdict, presented } = await verify(options.credential);
    const facts = factsOf(report);
    const now = clock.now();
    return deps.db.transaction().execute(async (trx) => {
      const row = await repo.insertImported(trx, {
        id: ids(),
        user_id: user.userId,
        content_hash: contentHash,
        source: options.source,
        document:
          typeof options.credential === 'string'
            ? options.credential.trim()
            : JSON.stringify(options.credential),
        credential_format: report.format,
        name: facts.name,
        achievement_name: facts.achievementName,
        issuer_id: facts.issuerId,
        issuer_name: facts.issuerName,
        valid_from: facts.validFrom,
        valid_until: facts.validUntil,
        verdict,
        report: JSON.stringify(presented),
        verified_at: now,
        created_at: now,
      });
      if (!row) throw duplicate();
      await audit.record(trx, {
        type: 'imported_credential.added',
        actor: options.actor,
        subject: { type: 'imported_credential', id: row.id },
        data: { source: options.source, verdict, issuer: facts.issuerId },
      });
      return row;
    });
  }

  /** A credential file: JSON, or a PNG/SVG badge with the credential baked in (Open Badges baking). */
  async function importCredentialFile(options: {
    actor: Actor;
    bytes: Uint8Array;
  }): Promise<ImportedCredentialRow> {
    requireUserActor(options.actor);
    const unbaked = unbakeCredential(options.bytes);
    return importCredential({ actor: options.actor, credential: unbaked.credential, source: unbaked.format });
  }

  /** Runs the verification again (status lists change; an issuer's DID may have become reachable). */
  async function reverifyImported(options: { actor: Actor; id: string }): Promise<ImportedCredentialRow> {
    const current = await getImported(options);
    // Stored as JSON text for an object (an enveloped vc+jwt included), as the compact JWS otherwise.
    const credential: object | string = current.document.startsWith('{')
      ? (JSON.parse(current.document) as object)
      : current.document;
    const { verdict, presented } = await verify(credential);
    return deps.db.transaction().execute(async (trx) => {
      const locked = await repo.findImported(trx, current.user_id, current.id, true);
      if (!locked) throw AppError.notFound('Imported credential');
      const row = await repo.updateVerification(trx, locked.id, {
        verdict,
        report: JSON.stringify(presented),
        verified_at: clock.now(),
      });
      await audit.record(trx, {
        type: 'imported_credential.reverified',
        actor: options.actor,
        subject: { type: 'imported_credential', id: row.id },
        data: { before: locked.verdict, after: verdict },
      });
      return row;
    });
  }

  async function deleteImported(options: { actor: Actor; id: string }): Promise<void> {
    const user = requireUserActor(options.actor);
    if (!isUuid(options.id)) throw AppError.notFound('Imported credential');
    await deps.db.transaction().execute(async (trx) => {
      const row = await repo.findImported(trx, user.userId, options.id, true);
      if (!row) throw AppError.notFound('Imported credential');
      await repo.deleteImported(trx, row.id);
      await audit.record(trx, {
        type: 'imported_credential.deleted',
        actor: options.actor,
        subject: { type: 'imported_credential', id: row.id },
        data: { verdict: row.verdict, issuer: row.issuer_id },
      });
    });
  }

  // Public profile ------------------------------------------------------------------------------------------

  async function profileView(db: Db, profile: PublicProfileRow): Promise<PublicProfileView> {
    const now = clock.now();
    const held = new Map<string, HeldCredential>(
      (await deps.credentials.listHeldCredentialsOf({ userId: profile.user_id, trx: db })).map((c) => [
        c.record.id,
        c,
      ]),
    );
    const imported = new Map(
      (await repo.importedByIds(db, profile.user_id, profile.imported_ids.filter(isUuid))).map((row) => [
        row.id,
        row,
      ]),
    );
    const items: ProfileItem[] = [];
    // A credential the learner no longer holds (or deleted) drops out: it is not theirs to show any more.
    for (const id of profile.credential_ids) {
      const credential = held.get(id);
      if (!credential) continue;
      const { record, organisation } = credential;
      items.push({
        kind: 'issued',
        id: record.id,
        name: record.name,
        achievementName: record.achievement_name,
        issuer: { name: organisation.name, id: record.issuer, slug: organisation.slug },
        issuedAt: record.issued_at,
        validUntil: record.valid_until,
        state: heldState(record.status, record.valid_until, now),
        url: deps.credentials.pageUrl(record.id),
      });
    }
    for (const id of profile.imported_ids) {
      const row = imported.get(id);
      if (!row) continue;
      items.push({
        kind: 'imported',
        id: row.id,
        name: row.name,
        achievementName: row.achievement_name,
        issuer: { name: row.issuer_name, id: row.issuer_id, slug: null },
        issuedAt: row.valid_from,
        validUntil: row.valid_until,
        state: importedState(row.verdict, row.valid_until, now),
        url: null,
      });
    }
    return {
      handle: profile.handle,
      displayName: profile.display_name,
      bio: profile.bio,
      public: profile.is_public,
      items,
      updatedAt: profile.updated_at,
    };
  }

  /** The signed-in learner's profile settings and what it shows; 404 until they save one. */
  async function getMyProfile(options: { actor: Actor }): Promise<PublicProfileView> {
    const user = requireUserActor(options.actor);
    const profile = await repo.findProfile(deps.db, user.userId);
    if (!profile) throw AppError.notFound('Profile');
    return profileView(deps.db, profile);
  }

  function uniqueIds(values: readonly string[], pointer: string): string[] {
    if (values.length > MAX_PROFILE_ITEMS) {
      throw AppError.validation(`At most ${MAX_PROFILE_ITEMS} credentials`, [
        { in: 'body', pointer, message: `must have at most ${MAX_PROFILE_ITEMS} items` },
      ]);
    }
    return [...new Set(values.map((id) => id.toLowerCase()))];
  }

  /**
   * Creates or replaces the learner's profile. Every credential named must be one they hold (issued by us)
   * or an imported one that verified; anything else is a 422 naming it. The handle is unique (409).
   */
  async function saveMyProfile(options: { actor: Actor } & ProfileInput): Promise<PublicProfileView> {
    const user = requireUserActor(options.actor);
    const handle = normaliseHandle(options.handle);
    const displayName = optionalBodyText(options.displayName, {
      name: 'display name',
      pointer: '/displayName',
      max: MAX_DISPLAY_NAME,
    });
    if (displayName === null) {
      throw AppError.validation('The display name must not be empty', [
        { in: 'body', pointer: '/displayName', message: 'must not be empty' },
      ]);
    }
    const bio = optionalBodyText(options.bio, { name: 'bio', pointer: '/bio', max: MAX_BIO });
    const credentialIds = uniqueIds(options.credentialIds, '/credentialIds');
    const importedIds = uniqueIds(options.importedCredentialIds, '/importedCredentialIds');
    const handleTaken = () =>
      new AppError('conflict', `The handle "${handle}" is already taken`, {
        detail: `The handle "${handle}" is already taken; choose another`,
      });
    try {
      return await deps.db.transaction().execute(async (trx) => {
        const owner = await repo.handleOwner(trx, handle);
        if (owner && owner.user_id !== user.userId) throw handleTaken();
        const heldIds = new Set(
          (await deps.credentials.listHeldCredentialsOf({ userId: user.userId, trx })).map(
            (c) => c.record.id,
          ),
        );
        credentialIds.forEach((id, index) => {
          if (!heldIds.has(id)) {
            throw AppError.validation('You can only show credentials you hold', [
              { in: 'body', pointer: `/credentialIds/${index}`, message: 'is not a credential you hold' },
            ]);
          }
        });
        const imported = new Map(
          (await repo.importedByIds(trx, user.userId, importedIds.filter(isUuid))).map((r) => [r.id, r]),
        );
        importedIds.forEach((id, index) => {
          const row = imported.get(id);
          const pointer = `/importedCredentialIds/${index}`;
          if (!row) {
            throw AppError.validation('No such imported credential in your wallet', [
              { in: 'body', pointer, message: 'is not an imported credential of yours' },
            ]);
          }
          if (row.verdict !== 'verified') {
            throw AppError.validation('Only imported credentials that verified can be shown', [
              { in: 'body', pointer, message: `did not verify (${row.verdict}); re-verify it first` },
            ]);
          }
        });
        const before = await repo.findProfile(trx, user.userId, true);
        const now = clock.now();
        const saved = await repo.upsertProfile(trx, {
          user_id: user.userId,
          handle,
          display_name: displayName,
          bio,
          is_public: options.public,
          credential_ids: credentialIds,
          imported_ids: importedIds,
          created_at: before?.created_at ?? now,
          updated_at: now,
        });
        const fields = before
          ? (
              [
                ['handle', before.handle !== handle],
                ['displayName', before.display_name !== displayName],
                ['bio', before.bio !== bio],
                ['public', before.is_public !== options.public],
                ['credentialIds', before.credential_ids.join() !== credentialIds.join()],
                ['importedCredentialIds', before.imported_ids.join() !== importedIds.join()],
              ] as const
            )
              .filter(([, changed]) => changed)
              .map(([field]) => field)
          : [];
        if (!before || fields.length > 0) {
          await audit.record(trx, {
            type: 'public_profile.saved',
            actor: options.actor,
            subject: { type: 'user', id: user.userId },
            data: {
              created: !before,
              handle,
              public: options.public,
              credentials: credentialIds.length,
              importedCredentials: importedIds.length,
              fields,
            },
          });
        }
        return profileView(trx, saved);
      });
    } catch (error) {
      // Two learners taking the same free handle at once: the unique index decides.
      if (isUniqueViolation(error)) throw handleTaken();
      throw error;
    }
  }

  /**
   * A learner's public profile by handle, for the JSON route and the server-rendered page; 404 when there is
   * no such handle or the learner has not made it public. No e-mail address ever appears.
   */
  async function getPublicProfile(options: { handle: string }): Promise<PublicProfileView> {
    const handle = options.handle.trim().toLowerCase();
    const profile = handle.length <= 40 ? await repo.findProfileByHandle(deps.db, handle) : undefined;
    if (!profile?.is_public) throw AppError.notFound('Profile');
    return profileView(deps.db, profile);
  }

  return {
    listImported,
    getImported,
    importCredential,
    importCredentialFile,
    reverifyImported,
    deleteImported,
    getMyProfile,
    saveMyProfile,
    getPublicProfile,
  };
}

export type WalletService = ReturnType<typeof createWalletService>;
