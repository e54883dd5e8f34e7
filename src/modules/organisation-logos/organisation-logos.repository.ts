import type { Db } from '../../db/database.ts';
import type {
  LogoContentType,
  OrganisationLogoMeta,
  OrganisationLogoRow,
} from '../../db/tables/organisation-logos.ts';

const META_COLUMNS = ['organisation_id', 'content_type', 'byte_size', 'sha256', 'updated_at'] as const;

/** SQL for organisation logos; the service passes the transaction it runs in. */
export function createOrganisationLogosRepository() {
  return {
    findMeta: (db: Db, organisationId: string): Promise<OrganisationLogoMeta | undefined> =>
      db
        .selectFrom('organisation_logos')
        .select(META_COLUMNS)
        .where('organisation_id', '=', organisationId)
        .executeTakeFirst(),

    findBySlug: (db: Db, slug: string): Promise<OrganisationLogoRow | undefined> =>
      db
        .selectFrom('organisation_logos')
        .innerJoin('organisations', 'organisations.id', 'organisation_logos.organisation_id')
        .selectAll('organisation_logos')
        .where('organisations.slug', '=', slug)
        .executeTakeFirst(),

    upsert: (
      db: Db,
      row: {
        organisation_id: string;
        content_type: LogoContentType;
        content: Uint8Array;
        byte_size: number;
        sha256: string;
        updated_at: Date;
      },
    ): Promise<OrganisationLogoMeta> =>
      db
        .insertInto('organisation_logos')
        .values(row)
        .onConflict((conflict) =>
          conflict.column('organisation_id').doUpdateSet({
            content_type: row.content_type,
            content: row.content,
            byte_size: row.byte_size,
            sha256: row.sha256,
            updated_at: row.updated_at,
          }),
        )
        .returning(META_COLUMNS)
        .executeTakeFirstOrThrow(),

    delete: (db: Db, organisationId: string): Promise<OrganisationLogoMeta | undefined> =>
      db
        .deleteFrom('organisation_logos')
        .where('organisation_id', '=', organisationId)
        .returning(META_COLUMNS)
        .executeTakeFirst(),
  };
}
