import type { DefinitionContent } from './definition.model.ts';

/** One third-party credential read from a CTDL, OB 3.0 or CSV file. */
export interface ImportedEntry {
  /** The source's id for it (CTID, achievement id, CSV `id` column): re-importing updates, never duplicates. */
  externalId: string;
  /** The source URI to link to (CTDL @id, achievement id, subject webpage). */
  sourceUri: string | null;
  provider: { name: string; url?: string; country?: string };
  content: DefinitionContent;
  /** Whether credentials of it can be verified independently (OB 3.0 / VC issuers: yes). */
  verifiable: boolean;
}

/** A problem with one entry/row: where (row number or JSON pointer) and what. */
export interface ImportProblem {
  /** 1-based data row for CSV (header is row 0); JSON pointer for JSON. */
  location: string;
  message: string;
}

export interface ImportResult {
  entries: ImportedEntry[];
  problems: ImportProblem[];
}

export function parseCtdl(_text: string): ImportResult {
  throw new Error('parseCtdl: not implemented yet');
}

export function parseOpenBadgeAchievements(_text: string): ImportResult {
  throw new Error('parseOpenBadgeAchievements: not implemented yet');
}

export function parseCatalogueCsv(_text: string): ImportResult {
  throw new Error('parseCatalogueCsv: not implemented yet');
}
