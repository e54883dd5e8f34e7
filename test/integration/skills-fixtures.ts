import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

/**
 * Small hand-written ESCO and O*NET files in the published formats (same file names and columns), written
 * to temporary folders by the skills tests.
 */

export const ESCO = {
  python: 'http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d',
  machineLearning: 'http://data.europa.eu/esco/skill/3a2d5b45-56e4-4f5a-a55a-4a4a65afdc43',
  useDatabases: 'http://data.europa.eu/esco/skill/4463a721-69f3-413d-8321-43e3af13a4f1',
  teamwork: 'http://data.europa.eu/esco/skill/test-0000-teamwork',
  writeSql: 'http://data.europa.eu/esco/skill/test-0000-write-sql',
  ictGroup: 'http://data.europa.eu/esco/skill/test-group-ict',
  programmingGroup: 'http://data.europa.eu/esco/skill/test-group-programming',
  dataScientist: 'http://data.europa.eu/esco/occupation/258e46f9-0075-4a2e-adae-1ff0477e0f30',
  softwareDeveloper: 'http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1',
} as const;

const SKILLS_HEADER =
  'conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,hiddenLabels,status,modifiedDate,scopeNote,definition,inScheme,description';

/** skills_en.csv: quoted multi-line alternative labels, a knowledge concept, a comma inside a label. */
export function escoSkillsCsv(overrides: { pythonLabel?: string } = {}): string {
  const row = (uri: string, type: string, label: string, alt: string, description: string) =>
    `KnowledgeSkillCompetence,${uri},${type},cross-sector,${label},"${alt}",,released,2016-12-20T17:43:43Z,,,http://data.europa.eu/esco/concept-scheme/skills,"${description}"`;
  return [
    SKILLS_HEADER,
    row(
      ESCO.python,
      'knowledge',
      overrides.pythonLabel ?? 'Python (computer programming)',
      'Python\nprogramming in Python',
      'Techniques of software development in a general-purpose scripting language.',
    ),
    row(
      ESCO.machineLearning,
      'knowledge',
      'machine learning',
      'ML\nstatistical learning',
      'Methods by which computers learn from examples, without being told each rule.',
    ),
    row(
      ESCO.useDatabases,
      'skill/competence',
      'use databases',
      'work with databases\nuse a database',
      'Store, query and maintain data with database management tools.',
    ),
    row(
      ESCO.writeSql,
      'skill/competence',
      '"write SQL queries, joins included"',
      'SQL',
      'Write queries in SQL.',
    ),
    row(
      ESCO.teamwork,
      'skill/competence',
      'work in teams',
      'teamwork',
      'Cooperate with colleagues towards shared goals.',
    ),
  ].join('\n');
}

function escoGroupsCsv(): string {
  return [
    'conceptType,conceptUri,preferredLabel,altLabels,hiddenLabels,status,modifiedDate,scopeNote,inScheme,description,code',
    `SkillGroup,${ESCO.ictGroup},information and communication technologies,,,released,,,http://data.europa.eu/esco/concept-scheme/skills,Working with computers and networks.,06`,
    `SkillGroup,${ESCO.programmingGroup},software and applications development,,,released,,,http://data.europa.eu/esco/concept-scheme/skills,,061`,
  ].join('\n');
}

function escoHierarchyCsv(): string {
  return [
    'conceptType,conceptUri,broaderType,broaderUri',
    `SkillGroup,${ESCO.programmingGroup},SkillGroup,${ESCO.ictGroup}`,
    `KnowledgeSkillCompetence,${ESCO.python},SkillGroup,${ESCO.programmingGroup}`,
    `KnowledgeSkillCompetence,${ESCO.machineLearning},SkillGroup,${ESCO.programmingGroup}`,
    `KnowledgeSkillCompetence,${ESCO.writeSql},KnowledgeSkillCompetence,${ESCO.useDatabases}`,
    // Names a concept that is not in the files: skipped and counted.
    `KnowledgeSkillCompetence,${ESCO.teamwork},SkillGroup,http://data.europa.eu/esco/skill/not-in-the-files`,
  ].join('\n');
}

function escoOccupationsCsv(): string {
  return [
    'conceptType,conceptUri,iscoGroup,preferredLabel,altLabels,hiddenLabels,status,modifiedDate,regulatedProfessionNote,scopeNote,definition,inScheme,description,code',
    `Occupation,${ESCO.dataScientist},2511,data scientist,"data science specialist\nML scientist",,released,,,,,http://data.europa.eu/esco/concept-scheme/occupations,Data scientists find and interpret rich data sources.,2511.4`,
    `Occupation,${ESCO.softwareDeveloper},2512,software developer,programmer,,released,,,,,http://data.europa.eu/esco/concept-scheme/occupations,Software developers implement software.,2512.4`,
  ].join('\n');
}

export function escoRelationsCsv(options: { withTeamwork?: boolean } = {}): string {
  return [
    'occupationUri,relationType,skillType,skillUri',
    `${ESCO.dataScientist},essential,knowledge,${ESCO.python}`,
    `${ESCO.dataScientist},essential,knowledge,${ESCO.machineLearning}`,
    `${ESCO.dataScientist},optional,skill/competence,${ESCO.useDatabases}`,
    `${ESCO.softwareDeveloper},essential,knowledge,${ESCO.python}`,
    ...(options.withTeamwork === false
      ? []
      : [`${ESCO.softwareDeveloper},optional,skill/competence,${ESCO.teamwork}`]),
    // An occupation that is not in the files: skipped and counted.
    `http://data.europa.eu/esco/occupation/not-in-the-files,essential,knowledge,${ESCO.python}`,
  ].join('\n');
}

export type EscoFixture = {
  'skills_en.csv': string;
  'skillGroups_en.csv': string;
  'broaderRelationsSkillPillar.csv': string;
  'occupations_en.csv': string;
  'occupationSkillRelations.csv': string;
};

export function escoFiles(overrides: Partial<EscoFixture> = {}): EscoFixture {
  return {
    'skills_en.csv': escoSkillsCsv(),
    'skillGroups_en.csv': escoGroupsCsv(),
    'broaderRelationsSkillPillar.csv': escoHierarchyCsv(),
    'occupations_en.csv': escoOccupationsCsv(),
    'occupationSkillRelations.csv': escoRelationsCsv(),
    ...overrides,
  };
}

export const ONET = {
  python: 'urn:onet:technology:Python',
  cpp: 'urn:onet:technology:C%2B%2B',
  excel: 'urn:onet:technology:Microsoft%20Excel',
  objectOriented: 'urn:onet:commodity:43232405',
  spreadsheet: 'urn:onet:commodity:43232110',
  dataScientists: 'https://www.onetonline.org/link/summary/15-2051.00',
  softwareDevelopers: 'https://www.onetonline.org/link/summary/15-1252.00',
} as const;

export function onetFiles(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    'Occupation Data.txt': [
      'O*NET-SOC Code\tTitle\tDescription',
      '15-2051.00\tData Scientists\tDevelop and implement methods to turn raw data into insight.',
      '15-1252.00\tSoftware Developers\tResearch, design, and develop computer and network software.',
      '11-1011.00\tChief Executives\tDetermine and formulate policies.',
    ].join('\n'),
    'Technology Skills.txt': [
      'O*NET-SOC Code\tTitle\tExample\tCommodity Code\tCommodity Title\tHot Technology\tIn Demand',
      '15-2051.00\tData Scientists\tPython\t43232405\tObject or component oriented development software\tY\tY',
      '15-2051.00\tData Scientists\tMicrosoft Excel\t43232110\tSpreadsheet software\tY\tN',
      '15-1252.00\tSoftware Developers\tPython\t43232405\tObject or component oriented development software\tY\tN',
      '15-1252.00\tSoftware Developers\tC++\t43232405\tObject or component oriented development software\tY\tY',
    ].join('\n'),
    ...overrides,
  };
}

const tempDirs: string[] = [];

/** A fresh temporary folder holding `files` (name → text). */
export function writeFolder(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'credstack-skills-'));
  tempDirs.push(dir);
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

export function removeFolders(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A minimal zip archive (deflated entries, no directories), enough for yauzl to read like ESCO's zips. */
export function zipOf(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text, 'utf8');
    const compressed = deflateRawSync(data);
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, compressed);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + compressed.length;
  }
  const centralSize = centrals.reduce((sum, part) => sum + part.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}
