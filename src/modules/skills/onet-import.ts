import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
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
  type TableSource,
} from './framework-import.ts';

export const ONET_ATTRIBUTION =
  'This service includes information from the O*NET Database by the U.S. Department of Labor, Employment and ' +
  'Training Administration (USDOL/ETA), used under the CC BY 4.0 license. O*NET® is a trademark of USDOL/ETA.';

/**
 * URIs for O*NET concepts. O*NET publishes no identifiers for technology examples or their commodity
 * classes, so Credstack mints URNs from what is stable across releases: the example's exact name
 * (percent-encoded, so "C", "C#" and "C++" stay distinct) and the UNSPSC commodity code. Occupations use
 * their O*NET OnLine summary page, the public page O*NET keeps for every O*NET-SOC code.
 */
export const onetUris = {
  technology: (example: string) => `urn:onet:technology:${encodeURIComponent(example)}`,
  commodity: (code: string) => `urn:onet:commodity:${code}`,
  occupation: (socCode: string) => `https://www.onetonline.org/link/summary/${socCode}`,
};

const TECHNOLOGY_FILE = 'Technology Skills.txt';
const OCCUPATION_FILE = 'Occupation Data.txt';
const SOC_CODE = /^\d{2}-\d{4}\.\d{2}$/;

/**
 * Reads O*NET Technology Skills from `folder` (the tab-separated text files of the O*NET database):
 * every distinct technology example becomes an `onet` skill (type `technology`) under its commodity class
 * (type `technology-class`), linked to the occupations that use it with the Hot Technology and In Demand
 * flags. `Occupation Data.txt` adds the occupations' descriptions.
 */
export async function readOnetDistribution(
  folder: string,
  options: { version?: string | null; onProgress?: ProgressCallback } = {},
): Promise<FrameworkImport> {
  const info = await stat(folder).catch(() => undefined);
  if (!info) throw new AppError('not_found', `The folder ${folder} does not exist`);
  if (!info.isDirectory()) throw importError(`${folder} is not a folder`);
  const names = new Set(await readdir(folder));
  if (!names.has(TECHNOLOGY_FILE)) {
    throw importError(
      names.has(OCCUPATION_FILE)
        ? `${folder}: "${TECHNOLOGY_FILE}" is missing`
        : `No O*NET files found in ${folder}: expected "${TECHNOLOGY_FILE}" (and "${OCCUPATION_FILE}") from the O*NET database's text files`,
    );
  }
  const source = (file: string): TableSource => ({
    name: file,
    open: async () => createReadStream(join(folder, file)),
  });
  const progress = (file: string) => (records: number) =>
    options.onProgress?.({ phase: 'reading', file, done: records, total: null });

  const occupations = new Map<string, ImportedOccupation>();
  const missingFiles: string[] = [];
  if (names.has(OCCUPATION_FILE)) {
    await readTable(source(OCCUPATION_FILE), {
      delimiter: '\t',
      quoted: false,
      required: ['O*NET-SOC Code', 'Title'],
      onRecord: (record) => {
        const code = socCode(record);
        occupations.set(code, {
          uri: onetUris.occupation(code),
          code,
          label: requiredCell(record, 'Title'),
          altLabels: [],
          description: optionalCell(record, 'Description'),
          iscoGroup: null,
        });
      },
      onCount: progress(OCCUPATION_FILE),
    });
  } else {
    missingFiles.push(OCCUPATION_FILE);
  }

  const technologies = new Map<string, ImportedSkill & { commodityCodes: string[] }>();
  const commodities = new Map<string, ImportedSkill>();
  const links = new Map<string, ImportedOccupationSkill>();
  await readTable(source(TECHNOLOGY_FILE), {
    delimiter: '\t',
    quoted: false,
    required: ['O*NET-SOC Code', 'Title', 'Example', 'Commodity Code', 'Commodity Title', 'Hot Technology'],
    onRecord: (record) => {
      const code = socCode(record);
      const example = requiredCell(record, 'Example');
      const commodityCode = requiredCell(record, 'Commodity Code');
      if (!/^\d{8}$/.test(commodityCode)) {
        throw new RowError(`Commodity Code must be an 8-digit UNSPSC code, got "${commodityCode}"`);
      }
      const hot = flag(record, 'Hot Technology');
      // In Demand arrived with O*NET 28.0; older releases simply lack the column.
      const inDemand = record['In Demand'] === undefined ? false : flag(record, 'In Demand');
      if (!occupations.has(code)) {
        occupations.set(code, {
          uri: onetUris.occupation(code),
          code,
          label: requiredCell(record, 'Title'),
          altLabels: [],
          description: null,
          iscoGroup: null,
        });
      }
      if (!commodities.has(commodityCode)) {
        commodities.set(commodityCode, {
          uri: onetUris.commodity(commodityCode),
          label: requiredCell(record, 'Commodity Title'),
          altLabels: [],
          description: null,
          type: 'technology-class',
          facts: { unspscCode: commodityCode },
        });
      }
      const uri = onetUris.technology(example);
      const technology = technologies.get(uri) ?? {
        uri,
        label: example,
        altLabels: [],
        description: null,
        type: 'technology' as const,
        hotTechnology: false,
        inDemand: false,
        commodityCodes: [],
      };
      technology.hotTechnology = technology.hotTechnology || hot;
      technology.inDemand = technology.inDemand || inDemand;
      if (!technology.commodityCodes.includes(commodityCode)) technology.commodityCodes.push(commodityCode);
      technologies.set(uri, technology);
      links.set(`${code}\n${uri}`, {
        occupationUri: onetUris.occupation(code),
        skillUri: uri,
        relation: 'technology',
        hotTechnology: hot,
        inDemand,
      });
    },
    onCount: progress(TECHNOLOGY_FILE),
  });

  const skills: ImportedSkill[] = [...commodities.values()];
  const hierarchy: Array<[string, string]> = [];
  for (const { commodityCodes, ...technology } of technologies.values()) {
    skills.push({ ...technology, facts: { unspscCodes: commodityCodes } });
    for (const commodityCode of commodityCodes) {
      hierarchy.push([technology.uri, onetUris.commodity(commodityCode)]);
    }
  }
  return {
    framework: {
      slug: 'onet',
      name: 'O*NET Technology Skills',
      version: options.version ?? versionIn(basename(folder)),
      sourceUri: 'https://www.onetcenter.org/database.html',
      attribution: ONET_ATTRIBUTION,
    },
    skills,
    hierarchy,
    occupations: [...occupations.values()],
    occupationSkills: [...links.values()],
    missingFiles,
  };
}

function socCode(record: Record<string, string>): string {
  const code = requiredCell(record, 'O*NET-SOC Code');
  if (!SOC_CODE.test(code)) throw new RowError(`O*NET-SOC Code must look like 15-1252.00, got "${code}"`);
  return code;
}

function flag(record: Record<string, string>, column: string): boolean {
  const value = requiredCell(record, column);
  if (value !== 'Y' && value !== 'N') throw new RowError(`${column} must be Y or N, got "${value}"`);
  return value === 'Y';
}

/** `onet-29.3` or `db_29_3_text` → `29.3`. */
function versionIn(name: string): string | null {
  const match = /(\d{2})[._](\d)(?!\d)/.exec(name);
  return match ? `${match[1]}.${match[2]}` : null;
}
