import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import yauzl from 'yauzl';
import { AppError } from '../../core/errors.ts';
import {
  type FrameworkImport,
  type ImportedOccupation,
  type ImportedOccupationSkill,
  type ImportedSkill,
  importError,
  optionalCell,
  type ProgressCallback,
  RowError,
  readTable,
  requiredCell,
  splitLabels,
  type TableSource,
  uriCell,
} from './framework-import.ts';

export const ESCO_ATTRIBUTION = 'This service uses the ESCO classification of the European Commission.';

/**
 * The ESCO tables Credstack reads, by their names in the v1.1.x CSV distribution. The classification zip
 * names its files `<table>_<language>.csv`; the relations zip leaves the language out
 * (`occupationSkillRelations.csv`) in some releases and keeps it in others, so both are accepted.
 */
const TABLES = {
  skills: /^skills_([a-z]{2,3})\.csv$/i,
  skillGroups: /^skillGroups_([a-z]{2,3})\.csv$/i,
  occupations: /^occupations_([a-z]{2,3})\.csv$/i,
  hierarchy: /^broaderRelationsSkillPillar(?:_([a-z]{2,3}))?\.csv$/i,
  occupationSkills: /^occupationSkillRelations(?:_([a-z]{2,3}))?\.csv$/i,
} as const;
type TableName = keyof typeof TABLES;
const EXPECTED_NAMES: Record<TableName, string> = {
  skills: 'skills_en.csv',
  skillGroups: 'skillGroups_en.csv',
  occupations: 'occupations_en.csv',
  hierarchy: 'broaderRelationsSkillPillar.csv',
  occupationSkills: 'occupationSkillRelations.csv',
};

interface Sources {
  tables: Partial<Record<TableName, TableSource>>;
  version: string | null;
  close(): void;
}

/**
 * Reads the ESCO CSV distribution from `folder`: the folder holding the published zip files (read in place
 * with yauzl, each entry streamed through csv-parse) or their unzipped CSV files (in the folder or one level
 * of subfolders). English is preferred when several languages are present.
 */
export async function readEscoDistribution(
  folder: string,
  options: { version?: string | null; onProgress?: ProgressCallback } = {},
): Promise<FrameworkImport> {
  const sources = await findSources(folder);
  try {
    if (!sources.tables.skills) {
      const found = Object.keys(sources.tables).length > 0;
      throw importError(
        found
          ? `${folder}: the ESCO skills table (${EXPECTED_NAMES.skills}) is missing; it is in the "classification" zip of the ESCO CSV distribution`
          : `No ESCO files found in ${folder}: expected the ESCO CSV distribution's zip files or their unzipped CSV files (${EXPECTED_NAMES.skills}, ${EXPECTED_NAMES.occupations}, ${EXPECTED_NAMES.occupationSkills}, …)`,
      );
    }
    const progress = (file: string) => (records: number) =>
      options.onProgress?.({ phase: 'reading', file, done: records, total: null });

    const skills: ImportedSkill[] = [];
    await readTable(sources.tables.skills, {
      delimiter: ',',
      quoted: true,
      required: ['conceptUri', 'preferredLabel'],
      onRecord: (record) => skills.push(escoSkill(record)),
      onCount: progress(sources.tables.skills.name),
    });

    if (sources.tables.skillGroups) {
      await readTable(sources.tables.skillGroups, {
        delimiter: ',',
        quoted: true,
        required: ['conceptUri', 'preferredLabel'],
        onRecord: (record) => skills.push(escoSkillGroup(record)),
        onCount: progress(sources.tables.skillGroups.name),
      });
    }

    const hierarchy: Array<[string, string]> = [];
    if (sources.tables.hierarchy) {
      await readTable(sources.tables.hierarchy, {
        delimiter: ',',
        quoted: true,
        required: ['conceptUri', 'broaderUri'],
        onRecord: (record) => hierarchy.push([uriCell(record, 'conceptUri'), uriCell(record, 'broaderUri')]),
        onCount: progress(sources.tables.hierarchy.name),
      });
    }

    const occupations: ImportedOccupation[] = [];
    if (sources.tables.occupations) {
      await readTable(sources.tables.occupations, {
        delimiter: ',',
        quoted: true,
        required: ['conceptUri', 'preferredLabel'],
        onRecord: (record) => occupations.push(escoOccupation(record)),
        onCount: progress(sources.tables.occupations.name),
      });
    }

    const occupationSkills: ImportedOccupationSkill[] = [];
    if (sources.tables.occupationSkills) {
      await readTable(sources.tables.occupationSkills, {
        delimiter: ',',
        quoted: true,
        required: ['occupationUri', 'relationType', 'skillUri'],
        onRecord: (record) => occupationSkills.push(escoOccupationSkill(record)),
        onCount: progress(sources.tables.occupationSkills.name),
      });
    }

    return {
      framework: {
        slug: 'esco',
        name: 'ESCO (European Skills, Competences, Qualifications and Occupations)',
        version: options.version ?? sources.version,
        sourceUri: 'https://esco.ec.europa.eu/',
        attribution: ESCO_ATTRIBUTION,
      },
      skills,
      hierarchy: sources.tables.hierarchy ? hierarchy : null,
      occupations: sources.tables.occupations ? occupations : null,
      occupationSkills: sources.tables.occupationSkills ? occupationSkills : null,
      missingFiles: (Object.keys(TABLES) as TableName[])
        .filter((table) => !sources.tables[table])
        .map((table) => EXPECTED_NAMES[table]),
    };
  } finally {
    sources.close();
  }
}

function escoSkill(record: Record<string, string>): ImportedSkill {
  const label = requiredCell(record, 'preferredLabel');
  const skillType = optionalCell(record, 'skillType');
  if (skillType !== null && skillType !== 'knowledge' && skillType !== 'skill/competence') {
    throw new RowError(`skillType must be "skill/competence" or "knowledge", got "${skillType}"`);
  }
  const facts: Record<string, unknown> = {};
  const reuseLevel = optionalCell(record, 'reuseLevel');
  if (reuseLevel) facts.reuseLevel = reuseLevel;
  const scopeNote = optionalCell(record, 'scopeNote');
  if (scopeNote) facts.scopeNote = scopeNote;
  return {
    uri: uriCell(record, 'conceptUri'),
    label,
    altLabels: splitLabels(record.altLabels, label),
    description: optionalCell(record, 'description') ?? optionalCell(record, 'definition'),
    // Six v1.1.1 concepts (digital competence headings) leave skillType empty; they are used as skills.
    type: skillType === 'knowledge' ? 'knowledge' : 'skill',
    facts,
  };
}

function escoSkillGroup(record: Record<string, string>): ImportedSkill {
  const label = requiredCell(record, 'preferredLabel');
  const code = optionalCell(record, 'code');
  return {
    uri: uriCell(record, 'conceptUri'),
    label,
    altLabels: splitLabels(record.altLabels, label),
    description: optionalCell(record, 'description'),
    type: 'skill-group',
    facts: code ? { code } : {},
  };
}

function escoOccupation(record: Record<string, string>): ImportedOccupation {
  const label = requiredCell(record, 'preferredLabel');
  return {
    uri: uriCell(record, 'conceptUri'),
    code: optionalCell(record, 'code'),
    label,
    altLabels: splitLabels(record.altLabels, label),
    description: optionalCell(record, 'description') ?? optionalCell(record, 'definition'),
    iscoGroup: optionalCell(record, 'iscoGroup'),
  };
}

function escoOccupationSkill(record: Record<string, string>): ImportedOccupationSkill {
  const relation = requiredCell(record, 'relationType');
  if (relation !== 'essential' && relation !== 'optional') {
    throw new RowError(`relationType must be "essential" or "optional", got "${relation}"`);
  }
  return {
    occupationUri: uriCell(record, 'occupationUri'),
    skillUri: uriCell(record, 'skillUri'),
    relation,
  };
}

/** Finds the tables in the folder's zip files and CSV files (and those of its direct subfolders). */
async function findSources(folder: string): Promise<Sources> {
  const info = await stat(folder).catch(() => undefined);
  if (!info) throw new AppError('not_found', `The folder ${folder} does not exist`);
  if (!info.isDirectory()) throw importError(`${folder} is not a folder`);

  const candidates: Array<{ table: TableName; language: string | null; source: TableSource }> = [];
  const zips: yauzl.ZipFile[] = [];
  let version: string | null = versionIn(basename(folder));
  const close = () => {
    for (const zip of zips) zip.close();
  };

  const addFile = (table: TableName, language: string | null, source: TableSource) =>
    candidates.push({ table, language, source });

  try {
    const scan = async (dir: string, depth: number) => {
      const entries = await readdir(dir, { withFileTypes: true });
      for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        const path = join(dir, entry.name);
        if (entry.isDirectory() && depth === 0) {
          await scan(path, 1);
        } else if (entry.isFile() && /\.zip$/i.test(entry.name)) {
          version = versionIn(entry.name) ?? version;
          let zip: yauzl.ZipFile;
          try {
            zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false });
          } catch (error) {
            throw importError(`Cannot read the zip file ${path}: ${(error as Error).message}`);
          }
          zips.push(zip);
          for await (const zipEntry of zip.eachEntry()) {
            const name = basename(zipEntry.fileName);
            const match = matchTable(name);
            if (!match) continue;
            addFile(match.table, match.language, {
              name: `${entry.name}:${zipEntry.fileName}`,
              open: () => zip.openReadStreamPromise(zipEntry),
            });
          }
        } else if (entry.isFile()) {
          const match = matchTable(entry.name);
          if (match) {
            addFile(match.table, match.language, {
              name: entry.name,
              open: async () => createReadStream(path),
            });
          }
        }
      }
    };
    await scan(folder, 0);
  } catch (error) {
    close();
    if (error instanceof AppError) throw error;
    throw importError(`Cannot read ${folder}: ${(error as Error).message}`);
  }

  const tables: Partial<Record<TableName, TableSource>> = {};
  for (const table of Object.keys(TABLES) as TableName[]) {
    const found = candidates.filter((candidate) => candidate.table === table);
    const preferred =
      found.find((candidate) => candidate.language === 'en') ??
      found.find((candidate) => candidate.language === null) ??
      found[0];
    if (preferred) tables[table] = preferred.source;
  }
  return { tables, version, close };
}

function matchTable(fileName: string): { table: TableName; language: string | null } | undefined {
  for (const table of Object.keys(TABLES) as TableName[]) {
    const match = TABLES[table].exec(fileName);
    if (match) return { table, language: match[1]?.toLowerCase() ?? null };
  }
  return undefined;
}

/** `ESCO dataset - v1.1.1 - classification - en - csv.zip` or `esco-v1.1.1` → `v1.1.1`. */
function versionIn(name: string): string | null {
  const match = /\bv(\d+(?:\.\d+)+)\b/i.exec(name);
  return match ? `v${match[1]}` : null;
}
