import { createHash } from 'node:crypto';
import type { Actor } from '../../core/actor.ts';
import type { Clock } from '../../core/clock.ts';
import type { Config } from '../../core/config.ts';
import { AppError } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import type {
  LogoContentType,
  OrganisationLogoMeta,
  OrganisationLogoRow,
} from '../../db/tables/organisation-logos.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { OrganisationsService } from '../organisations/organisations.service.ts';
import { checkLogo, MAX_LOGO_BYTES } from './logo-image.ts';
import { createOrganisationLogosRepository } from './organisation-logos.repository.ts';

export interface OrganisationLogosServiceDeps {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'publicUrl'>;
  audit: AuditService;
  organisations: Pick<OrganisationsService, 'requireAccess'>;
}

/** A stored logo as the API describes it. */
export interface OrganisationLogo extends OrganisationLogoMeta {
  /** Public, absolute, versioned by content so caches never show a replaced logo. */
  url: string;
}

/**
 * Organisation logos: owners and admins (`org:update`) upload or remove one PNG, JPEG or inert SVG of at
 * most 256 KB; anybody may fetch it at `/orgs/:slug/logo`. The type is read from the bytes, never from
 * the client's declaration.
 */
/** The type of an acceptable logo, or the problem that refuses it. */
function checkLogoBytes(bytes: Uint8Array): LogoContentType {
  if (bytes.length > MAX_LOGO_BYTES) {
    throw new AppError('payload_too_large', 'The logo is too large', {
      detail: `Logos may be at most ${MAX_LOGO_BYTES / 1024} KB; this one is ${Math.ceil(bytes.length / 1024)} KB`,
    });
  }
  if (bytes.length === 0) {
    throw AppError.validation('The logo file is empty', [
      { in: 'body', pointer: '/file', message: 'is empty' },
    ]);
  }
  const check = checkLogo(bytes);
  if (check.ok) return check.contentType;
  if (check.reason === 'unsupported_type') {
    throw new AppError('unsupported_media_type', 'The logo must be a PNG, JPEG or SVG image', {
      detail: check.detail,
    });
  }
  throw AppError.validation(check.detail, [{ in: 'body', pointer: '/file', message: check.detail }]);
}

export function createOrganisationLogosService(deps: OrganisationLogosServiceDeps) {
  const repo = createOrganisationLogosRepository();
  const { clock, audit, organisations } = deps;

  function logoUrl(slug: string, sha256: string): string {
    return new URL(`/orgs/${encodeURIComponent(slug)}/logo?v=${sha256.slice(0, 16)}`, deps.config.publicUrl)
      .href;
  }

  function describe(slug: string, meta: OrganisationLogoMeta): OrganisationLogo {
    return { ...meta, url: logoUrl(slug, meta.sha256) };
  }

  /** The current logo's description, or null when there is none (`org:read`). */
  async function getLogo(options: { actor: Actor; slug: string }): Promise<OrganisationLogo | null> {
    const { organisation } = await organisations.requireAccess({ ...options, permission: 'org:read' });
    const meta = await repo.findMeta(deps.db, organisation.id);
    return meta ? describe(organisation.slug, meta) : null;
  }

  /** Uploads or replaces the logo (`org:update`). */
  async function setLogo(options: {
    actor: Actor;
    slug: string;
    bytes: Uint8Array;
  }): Promise<OrganisationLogo> {
    const { bytes } = options;
    return deps.db.transaction().execute(async (trx) => {
      // Authorise before looking at the file: an organisation the caller may not see is a 404 whatever
      // they send.
      const { organisation } = await organisations.requireAccess({
        ...options,
        permission: 'org:update',
        trx,
        lock: true,
      });
      const contentType = checkLogoBytes(bytes);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const meta = await repo.upsert(trx, {
        organisation_id: organisation.id,
        content_type: contentType,
        content: bytes,
        byte_size: bytes.length,
        sha256,
        updated_at: clock.now(),
      });
      await audit.record(trx, {
        type: 'organisation.logo_set',
        actor: options.actor,
        organisationId: organisation.id,
        subject: { type: 'organisation', id: organisation.id },
        data: { contentType, bytes: bytes.length, sha256 },
      });
      return describe(organisation.slug, meta);
    });
  }

  /** Removes the logo (`org:update`); `not_found` when there is none. */
  async function removeLogo(options: { actor: Actor; slug: string }): Promise<void> {
    await deps.db.transaction().execute(async (trx) => {
      const { organisation } = await organisations.requireAccess({
        ...options,
        permission: 'org:update',
        trx,
        lock: true,
      });
      const removed = await repo.delete(trx, organisation.id);
      if (!removed) throw AppError.notFound('Logo');
      await audit.record(trx, {
        type: 'organisation.logo_removed',
        actor: options.actor,
        organisationId: organisation.id,
        subject: { type: 'organisation', id: organisation.id },
        data: { sha256: removed.sha256 },
      });
    });
  }

  /** The image for the public route; `not_found` for an unknown organisation or one without a logo. */
  async function getPublicLogo(options: { slug: string }): Promise<OrganisationLogoRow> {
    const row = await repo.findBySlug(deps.db, options.slug);
    if (!row) throw AppError.notFound('Logo');
    return row;
  }

  /** For other modules (the issuer page): the public logo URL, or null. No policy: logos are public. */
  async function publicLogoUrl(options: { organisationId: string; slug: string; trx?: Db }) {
    const meta = await repo.findMeta(options.trx ?? deps.db, options.organisationId);
    return meta ? logoUrl(options.slug, meta.sha256) : null;
  }

  return { getLogo, setLogo, removeLogo, getPublicLogo, publicLogoUrl };
}

export type OrganisationLogosService = ReturnType<typeof createOrganisationLogosService>;
