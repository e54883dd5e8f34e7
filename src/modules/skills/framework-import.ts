import type { Readable } from 'node:stream';
import { CsvError, type Info, parse } from 'csv-parse';
import { AppError } from '../../core/errors.ts';
import type { OccupationSkillRelation, SkillType } from '../../db/tables/skills.ts';

/**
 * The shape both importers (ESCO, O*NET) produce and the skills service writes. Readers parse and check
 * a whole distribution first, so a malformed file stops the import before anything is written.
 */
export interface FrameworkImport {
  framework: {
    slug: string;
    name: string;
    version: string | null;
    sourceUri: string;
    attribution: string;
  };
  skills: ImportedSkill[];
  /**
   * `[narrowerUri, broaderUri]` pairs. For this and the next two, null means the table was not in the
   * files: what an earlier import stored is kept rather than emptied.
   */
  hierarchy: Array<[string, string]> | null;
  occupations: ImportedOccupation[] | null;
  occupationSkills: ImportedOccupationSkill[] | null;
  /** Files the distribution usually has that were not found (the import goes on without them). */
  missingFiles: string[];
}

export interface ImportedSkill {
  uri: string;
  label: string;
  altLabels: string[];
  description: string | null;
  type: SkillType;
  hotTechnology?: boolean;
  inDemand?: boolean;
  facts?: Record<string, unknown>;
}

export interface ImportedOccupation {
  uri: string;
  code: string | null;
  label: string;
  altLabels: string[];
  description: string | null;
  iscoGroup: string | null;
}

export interface ImportedOccupationSkill {
  occupationUri: string;
  skillUri: string;
  relation: OccupationSkillRelation;
  hotTechnology?: boolean;
  inDemand?: boolean;
}

export type ImportPhase = 'reading' | 'skills' | 'hierarchy' | 'occupations' | 'occupation-skills';

/** Reported while an import runs: `total` is null while a file is being read (its size is unknown). */
export interface ImportProgress {
  phase: ImportPhase;
  /** The file being read (phase `reading`). */
  file?: string;
  done: number;
  total: number | null;
}

export type ProgressCallback = (progress: ImportProgress) => void;

/** Where a table's bytes come from: a plain file or a zip entry. `name` is what error messages say. */
export interface TableSource {
  name: string;
  open(): Promise<Readable>;
}

/** A problem with the files being imported: the CLI prints it as is; nothing has been written. */
export function importError(message: string): AppError {
  return new AppError('validation_failed', message);
}

/** Thrown from a row handler: the reader adds the file name and line. */
export class RowError extends Error {}

export interface ReadTableOptions {
  delimiter: ',' | '\t';
  /** CSV quoting; the O*NET text files are tab-separated without quoting. */
  quoted: boolean;
  /** Columns that must be in the header. */
  required: readonly string[];
  onRecord(record: Record<string, string>, line: number): void;
  /** Called every `every` records with the count so far. */
  onCount?(records: number): void;
}

const COUNT_EVERY = 5000;

/**
 * Streams one delimited table through csv-parse, checking the header and every record's shape. Errors
 * name the file and the line: `occupationSkillRelations.csv line 12: Invalid Record Length…`.
 */
export async function readTable(source: TableSource, options: ReadTableOptions): Promise<number> {
  let input: Readable;
  try {
    input = await source.open();
  } catch (error) {
    throw importError(`Cannot read ${source.name}: ${(error as Error).message}`);
  }
  const parser = parse({
    delimiter: options.delimiter,
    quote: options.quoted ? '"' : false,
    bom: true,
    skip_empty_lines: true,
    relax_column_count: false,
    // Each record with a snapshot of the parser's position: the stream is read ahead of the consumer,
    // so the parser's live line count belongs to a later record.
    info: true,
  });
  input.on('error', (error) => parser.destroy(error));
  input.pipe(parser);
  let header: string[] | undefined;
  let records = 0;
  try {
    for await (const { record: row, info } of parser as AsyncIterable<{ record: string[]; info: Info }>) {
      const line = info.lines;
      if (!header) {
        header = row.map((name) => name.trim());
        const missing = options.required.filter((name) => !header?.includes(name));
        if (missing.length > 0) {
          throw importError(
            `${source.name} line 1: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (found: ${header.join(', ')})`,
          );
        }
        continue;
      }
      const record: Record<string, string> = {};
      header.forEach((name, index) => {
        record[name] = row[index] ?? '';
      });
      try {
        options.onRecord(record, line);
      } catch (error) {
        if (error instanceof RowError) throw importError(`${source.name} line ${line}: ${error.message}`);
        throw error;
      }
      records++;
      if (options.onCount && records % COUNT_EVERY === 0) options.onCount(records);
    }
  } catch (error) {
    input.destroy();
    if (error instanceof AppError) throw error;
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      throw importError(`${source.name}${line ? ` line ${line}` : ''}: ${error.message}`);
    }
    throw importError(`Cannot read ${source.name}: ${(error as Error).message}`);
  }
  if (!header) throw importError(`${source.name} is empty: expected a header line`);
  options.onCount?.(records);
  return records;
}

/** Splits a multi-valued cell (ESCO puts one alternative label per line) into distinct, trimmed values. */
export function splitLabels(cell: string | undefined, except?: string): string[] {
  if (!cell) return [];
  const seen = new Set<string>();
  const skip = except?.trim().toLowerCase();
  const labels: string[] = [];
  for (const part of cell.split(/\r?\n/)) {
    const label = part.trim();
    if (label === '' || label.toLowerCase() === skip || seen.has(label.toLowerCase())) continue;
    seen.add(label.toLowerCase());
    labels.push(label);
  }
  return labels;
}

/** The cell, or a RowError naming the column when it is empty. */
export function requiredCell(record: Record<string, string>, column: string): string {
  const value = record[column]?.trim() ?? '';
  if (value === '') throw new RowError(`${column} is empty`);
  return value;
}

/** An absolute URI without spaces, as concept identifiers are. */
export function uriCell(record: Record<string, string>, column: string): string {
  const value = requiredCell(record, column);
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(value)) throw new RowError(`${column} is not a URI: "${value}"`);
  return value;
}

export function optionalCell(record: Record<string, string>, column: string): string | null {
  const value = record[column]?.trim() ?? '';
  return value === '' ? null : value;
}
