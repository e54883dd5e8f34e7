import type { ColumnType, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export type LogoContentType = 'image/png' | 'image/jpeg' | 'image/svg+xml';

/** An organisation's logo, one row per organisation; replaced whole on upload. */
export interface OrganisationLogosTable {
  organisation_id: string;
  content_type: LogoContentType;
  content: ColumnType<Uint8Array, Uint8Array, Uint8Array>;
  byte_size: number;
  sha256: string;
  updated_at: Timestamp;
}

/** The organisation-logos module's table. Merged into `Database` in ../schema.ts. */
export interface OrganisationLogosTables {
  organisation_logos: OrganisationLogosTable;
}

export type OrganisationLogoRow = Selectable<OrganisationLogosTable>;
export type OrganisationLogoMeta = Omit<OrganisationLogoRow, 'content'>;
