import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse as parseCsv } from 'csv-parse/sync';
import { findUnstorableText } from '../../http/validation.ts';
import {
  ASSESSMENT_TYPES,
  type AssessmentSpec,
  CREDIT_FRAMEWORKS,
  DELIVERY_MODES,
  type DefinitionContent,
  DefinitionContentSchema,
  type DIFFICULTY_LEVELS,
  LEVEL_FRAMEWORKS,
  type Party,
  PartySchema,
  type SkillRef,
  SUPERVISION_LEVELS,
} from './definition.model.ts';
import {
  ASSESSMENT_METHODS,
  AUDIENCE_LEVELS,
  CTDL_CREDENTIAL_CLASSES,
  DELIVERY_TYPES,
  PREREQUISITES_CONDITION,
  SUPERVISION_DESCRIPTIONS,
  WORKLOAD_DURATION_LABEL,
} from './exports.ts';

/**
 * Readers for third-party credential catalogues: CTDL JSON-LD, OB 3.0 Achievement JSON and our CSV. They
 * never throw on bad input: every entry is mapped to {@link DefinitionContent}, validated against
 * {@link DefinitionContentSchema}, and every problem is returned with where it is (a JSON pointer, or a CSV
 * row number). Entries with a problem are left out; the caller decides whether to import the rest.
 * docs/definition-standards.md lists the mappings and the CSV columns.
 */

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

export interface ImportOptions {
  /** The provider of entries whose file names none (a CSV without a provider column, an Achievement without a creator). */
  defaultProvider?: { name: string; url?: string; country?: string };
}

/** More entries than this in one file are refused outright (split the file). */
export const MAX_IMPORT_ENTRIES = 20_000;
/** A file longer than this (characters) is refused before parsing. */
export const MAX_IMPORT_CHARACTERS = 64 * 1024 * 1024;

type Json = Record<string, unknown>;
type Provider = ImportedEntry['provider'];

// ---------------------------------------------------------------------------------------------------
// Validation shared by the three readers

let compiled: { content: ValidateFunction; party: ValidateFunction } | undefined;

/** Compiled once, like src/http/validation.ts: all errors, no coercion, formats (uuid) checked. */
function validators(): { content: ValidateFunction; party: ValidateFunction } {
  if (!compiled) {
    const ajv = new Ajv.default({
      allErrors: true,
      strict: false,
      coerceTypes: false,
      removeAdditional: false,
    });
    addFormats.default(ajv);
    compiled = { content: ajv.compile(DefinitionContentSchema), party: ajv.compile(PartySchema) };
  }
  return compiled;
}

function describeError(error: ErrorObject): string {
  const at = error.instancePath === '' ? '(content)' : error.instancePath;
  if (error.keyword === 'additionalProperties') {
    return `${at}: unknown property "${String((error.params as { additionalProperty?: unknown }).additionalProperty)}"`;
  }
  if (error.keyword === 'required') {
    return `${at}: "${String((error.params as { missingProperty?: unknown }).missingProperty)}" is required`;
  }
  return `${at} ${error.message ?? 'is not valid'}`;
}

/**
 * Drops errors that only restate another. A union of literals (assessment type, supervision…) fails once
 * per literal plus once for the `anyOf`: that becomes one "must be one of …" error.
 */
function usefulErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const unionPaths = new Set(
    errors.filter((error) => error.keyword === 'anyOf').map((error) => error.instancePath),
  );
  const seen = new Set<string>();
  const out: ErrorObject[] = [];
  for (const error of errors) {
    if (error.keyword === 'anyOf' || error.keyword === 'if') continue;
    const union = unionPaths.has(error.instancePath) && error.keyword === 'const';
    const key = union ? `${error.instancePath}|union` : `${error.instancePath}|${error.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (!union) {
      out.push(error);
      continue;
    }
    const allowed = errors
      .filter((other) => other.keyword === 'const' && other.instancePath === error.instancePath)
      .map((other) => String((other.params as { allowedValue?: unknown }).allowedValue));
    out.push({ ...error, message: `must be one of ${allowed.join(', ')}` });
  }
  return out;
}

interface Candidate {
  externalId: string | undefined;
  sourceUri: string | null;
  provider: Provider | undefined;
  content: Json;
  verifiable: boolean;
}

/** Where problems of one entry are reported, and how a content pointer is named in the source. */
interface Place {
  location: string;
  /** Names a content pointer in the source's terms (a CSV column); the pointer itself when undefined. */
  nameField?: (pointer: string) => string | undefined;
  /** The source's name for the title, so a missing one reads "has no ceterms:name". */
  titleField?: string;
}

class Collector {
  readonly entries: ImportedEntry[] = [];
  readonly problems: ImportProblem[] = [];
  private readonly seen = new Map<string, string>();

  problem(location: string, message: string): void {
    this.problems.push({ location, message });
  }

  /** Validates a mapped entry; adds it, or its problems. `early` are problems found while mapping. */
  accept(candidate: Candidate, place: Place, early: string[]): void {
    const messages = [...early];
    if (!candidate.externalId) messages.push('has no id');
    const provider = candidate.provider;
    if (!provider) {
      messages.push('has no provider (name the awarding organisation)');
    } else if (!validators().party(provider)) {
      for (const error of usefulErrors(validators().party.errors ?? [])) {
        messages.push(`provider${describeError(error).replace(/^\(content\)/, '')}`);
      }
    }
    if (!validators().content(candidate.content)) {
      for (const error of usefulErrors(validators().content.errors ?? [])) {
        if (
          error.keyword === 'required' &&
          error.instancePath === '' &&
          (error.params as { missingProperty?: unknown }).missingProperty === 'title'
        ) {
          messages.push(`has no ${place.titleField ?? 'title'}`);
          continue;
        }
        const named = place.nameField?.(error.instancePath);
        const message = describeError(error);
        messages.push(named ? `${named}: ${message}` : message);
      }
    }
    const unstorable = findUnstorableText(candidate.content);
    if (unstorable !== undefined)
      messages.push(`${unstorable || '(content)'}: contains a NUL character or invalid Unicode`);
    if (candidate.externalId) {
      // The first occurrence wins even when it is invalid: a file with the id twice is wrong either way.
      const first = this.seen.get(candidate.externalId);
      if (first !== undefined) messages.push(`duplicate id "${candidate.externalId}" (first at ${first})`);
      else this.seen.set(candidate.externalId, place.location);
    }
    if (messages.length > 0) {
      for (const message of messages) this.problem(place.location, message);
      return;
    }
    this.entries.push({
      externalId: candidate.externalId!,
      sourceUri: candidate.sourceUri,
      provider: provider!,
      content: candidate.content as DefinitionContent,
      verifiable: candidate.verifiable,
    });
  }

  result(): ImportResult {
    return { entries: this.entries, problems: this.problems };
  }
}

function tooLarge(input: string): ImportResult | undefined {
  if (typeof input !== 'string')
    return { entries: [], problems: [{ location: '', message: 'The file must be text' }] };
  if (input.length <= MAX_IMPORT_CHARACTERS) return undefined;
  return {
    entries: [],
    problems: [
      {
        location: '',
        message: `The file is larger than ${MAX_IMPORT_CHARACTERS / 1024 / 1024} MiB: split it`,
      },
    ],
  };
}

function tooMany(count: number): ImportResult | undefined {
  if (count <= MAX_IMPORT_ENTRIES) return undefined;
  return {
    entries: [],
    problems: [
      {
        location: '',
        message: `The file has ${count} entries; at most ${MAX_IMPORT_ENTRIES} are imported at once: split it`,
      },
    ],
  };
}

function parseJson(input: string): { value: unknown } | { problem: ImportResult } {
  const large = tooLarge(input);
  if (large) return { problem: large };
  try {
    return { value: JSON.parse(input.replace(/^\uFEFF/, '')) as unknown };
  } catch (error) {
    return {
      problem: {
        entries: [],
        problems: [{ location: '', message: `Not valid JSON: ${(error as Error).message}` }],
      },
    };
  }
}

// ---------------------------------------------------------------------------------------------------
// Small readers of loosely shaped JSON

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function asArray(value: unknown): unknown[] {
  return value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
}

/** JSON pointer of `key` under `base` (RFC 6901 escaping). */
function pointer(base: string, ...keys: (string | number)[]): string {
  return keys.reduce<string>(
    (at, key) => `${at}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`,
    base,
  );
}

/** Preferred languages when a language map has several: English first, then whatever comes first. */
function fromLanguageMap(map: Json): unknown {
  const keys = Object.keys(map);
  const key = keys.find((k) => k === 'en') ?? keys.find((k) => /^en(-|$)/i.test(k)) ?? keys[0];
  return key === undefined ? undefined : map[key];
}

/** A string from a plain string, a language map, a JSON-LD value object or a one-item array. */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.length > 0 ? text(value[0]) : undefined;
  if (isObject(value)) return '@value' in value ? text(value['@value']) : text(fromLanguageMap(value));
  return undefined;
}

/** Strings from a string, an array of strings, or a language map of (arrays of) strings. */
function texts(value: unknown): string[] {
  if (isObject(value) && !('@value' in value)) return texts(fromLanguageMap(value));
  return asArray(value)
    .map((item) => text(item))
    .filter((item): item is string => item !== undefined);
}

function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  if (isObject(value) && '@value' in value) return numberOf(value['@value']);
  return undefined;
}

function countryCode(value: unknown): string | undefined {
  const code = text(value)?.toUpperCase();
  // Only ISO 3166-1 alpha-2 codes are kept; country names ("Spain") are ignored rather than guessed.
  return code && /^[A-Z]{2}$/.test(code) ? code : undefined;
}

function types(node: Json): string[] {
  return asArray(node['@type'] ?? node.type).filter((item): item is string => typeof item === 'string');
}

function setIf(target: Json, key: string, value: unknown): void {
  if (value === undefined || (Array.isArray(value) && value.length === 0)) return;
  target[key] = value;
}

function uniqueSkills(skills: SkillRef[]): SkillRef[] {
  const byUri = new Map<string, SkillRef>();
  for (const skill of skills) if (!byUri.has(skill.uri)) byUri.set(skill.uri, skill);
  return [...byUri.values()];
}

// ---------------------------------------------------------------------------------------------------
// CTDL

/** The OB achievementType of a CTDL node, or undefined when the node is not a credential. */
function ctdlAchievementType(node: Json): string | undefined {
  for (const type of types(node)) {
    const known = CTDL_CREDENTIAL_CLASSES.find(([, ctdl]) => ctdl === type);
    if (known) return known[0];
  }
  // Credential classes added to CTDL after this table was written.
  if (
    types(node).some((type) =>
      /^ceterms:\w*(Credential|Certificate|Certification|Degree|Diploma|Badge|License)$/.test(type),
    )
  ) {
    return 'Achievement';
  }
  return undefined;
}

type Resolve = (value: unknown) => Json | undefined;

function ctdlParty(value: unknown, resolve: Resolve): Party | undefined {
  const node = resolve(value);
  if (!node) return undefined;
  const name = text(node['ceterms:name']) ?? (typeof node['@id'] === 'string' ? node['@id'] : undefined);
  if (!name) return undefined;
  const url = text(node['ceterms:subjectWebpage']);
  const country = asArray(node['ceterms:address'])
    .map((place) => (isObject(place) ? countryCode(place['ceterms:addressCountry']) : undefined))
    .find((code) => code !== undefined);
  return { name, ...(url ? { url } : {}), ...(country ? { country } : {}) };
}

function ctdlCountries(value: unknown, resolve: Resolve): string[] {
  const codes = new Set<string>();
  for (const item of asArray(value)) {
    const node = resolve(item);
    for (const place of asArray(node?.['ceterms:address'])) {
      const code = isObject(place) ? countryCode(place['ceterms:addressCountry']) : undefined;
      if (code) codes.add(code);
    }
  }
  return [...codes];
}

/** A concept-valued property: CredentialAlignmentObjects, or plain concept ids. */
function concepts(value: unknown): { node?: string; name?: string; framework?: string; code?: string }[] {
  return asArray(value).flatMap((item) => {
    if (typeof item === 'string') return [{ node: item }];
    if (!isObject(item)) return [];
    const node = text(item['ceterms:targetNode']);
    const name = text(item['ceterms:targetNodeName']);
    const framework = text(item['ceterms:frameworkName']);
    const code = text(item['ceterms:codedNotation']);
    return [
      {
        ...(node ? { node } : {}),
        ...(name ? { name } : {}),
        ...(framework ? { framework } : {}),
        ...(code ? { code } : {}),
      },
    ];
  });
}

const DEGREE_LEVELS: Record<string, string> = {
  'audLevel:AssociatesDegreeLevel': '5',
  'audLevel:BachelorsDegreeLevel': '6',
  'audLevel:MastersDegreeLevel': '7',
  'audLevel:DoctoralDegreeLevel': '8',
};

function ctdlLevel(value: unknown): DefinitionContent['level'] | undefined {
  for (const concept of concepts(value)) {
    const difficulty = Object.entries(AUDIENCE_LEVELS).find(([, node]) => node === concept.node)?.[0];
    if (difficulty) return { framework: 'difficulty', value: difficulty };
    const eqf = concept.node?.match(/^https?:\/\/data\.europa\.eu\/snb\/eqf\/([1-8])$/)?.[1];
    if (eqf) return { framework: 'EQF', value: eqf };
    const framework = LEVEL_FRAMEWORKS.find(
      (name) => name.toLowerCase() === concept.framework?.toLowerCase(),
    );
    if (framework && concept.name) return { framework, value: concept.name };
    const degree = concept.node ? DEGREE_LEVELS[concept.node] : undefined;
    if (degree) return { framework: 'EQF', value: degree };
  }
  return undefined;
}

function ctdlDeliveryMode(value: unknown): (typeof DELIVERY_MODES)[number] | undefined {
  const nodes = concepts(value).map((concept) => concept.node);
  return DELIVERY_MODES.find((mode) => nodes.includes(DELIVERY_TYPES[mode]));
}

function ctdlAssessment(value: unknown): AssessmentSpec | undefined {
  const profile = asArray(value).find(isObject);
  if (!profile) return undefined;
  const name = text(profile['ceterms:name'])?.toLowerCase();
  const methods = concepts(profile['ceterms:assessmentMethodType']).map((concept) => concept.node);
  const byMethod: Record<string, AssessmentSpec['type']> = {
    [ASSESSMENT_METHODS.exam!]: 'exam',
    [ASSESSMENT_METHODS.practical!]: 'practical',
    [ASSESSMENT_METHODS.portfolio!]: 'portfolio',
  };
  const type =
    ASSESSMENT_TYPES.find((candidate) => candidate === name) ??
    methods.map((method) => (method ? byMethod[method] : undefined)).find((found) => found !== undefined) ??
    'external';
  const assessment: AssessmentSpec = { type };
  const description = text(profile['ceterms:description']);
  if (description) assessment.description = description;
  const method = text(profile['ceterms:assessmentMethodDescription']);
  const supervision = SUPERVISION_LEVELS.find((level) => SUPERVISION_DESCRIPTIONS[level] === method);
  if (supervision) assessment.supervision = supervision;
  else if (profile['ceterms:isProctored'] === true) assessment.supervision = 'supervised-no-id';
  else if (profile['ceterms:isProctored'] === false) assessment.supervision = 'unsupervised-no-id';
  const criteria: string[] = [];
  for (const line of (text(profile['ceterms:scoringMethodDescription']) ?? '').split('\n')) {
    const grading = line.match(/^Grading scheme:\s*(.+)$/i)?.[1];
    const passMark = line.match(/^Pass mark:\s*(\d+(?:\.\d+)?)\s*%\s*$/i)?.[1];
    if (grading) assessment.gradingScheme = grading.trim();
    else if (passMark) assessment.passMark = Number(passMark);
    else criteria.push(line);
  }
  const passCriteria = criteria.join('\n').trim();
  if (passCriteria) assessment.passCriteria = passCriteria;
  return assessment;
}

function monthsOf(duration: string | undefined): number | undefined {
  const match = duration?.match(/^P(?:(\d+)Y)?(?:(\d+)M)?$/);
  if (!match || (match[1] === undefined && match[2] === undefined)) return undefined;
  return Number(match[1] ?? 0) * 12 + Number(match[2] ?? 0);
}

function ctdlContent(node: Json, resolve: Resolve, achievementType: string): Json {
  const content: Json = {};
  setIf(content, 'title', text(node['ceterms:name']));
  setIf(content, 'description', text(node['ceterms:description']));
  content.achievementType = achievementType;
  setIf(content, 'humanCode', text(node['ceterms:codedNotation']));
  setIf(content, 'subjectWebpage', text(node['ceterms:subjectWebpage']));
  setIf(content, 'image', text(node['ceterms:image']));
  setIf(content, 'languages', texts(node['ceterms:inLanguage']));
  setIf(content, 'tags', texts(node['ceterms:keyword']));
  const parties = (key: string) =>
    asArray(node[key])
      .map((item) => ctdlParty(item, resolve))
      .filter((party): party is Party => party !== undefined);
  setIf(content, 'awardingBodies', parties('ceterms:offeredBy'));
  setIf(content, 'issuerCountries', ctdlCountries(node['ceterms:ownedBy'], resolve));
  setIf(content, 'endorsements', parties('ceterms:recognizedBy'));

  const accreditations = parties('ceterms:accreditedBy');
  const qaStatement =
    text(node['ceterms:processStandardsDescription']) ??
    (accreditations.length > 0
      ? `Accredited by ${accreditations.map((party) => party.name).join(', ')}.`
      : undefined);
  if (qaStatement) {
    const qa: Json = { statement: qaStatement };
    const review = asArray(node['ceterms:maintenanceProcess']).find(isObject);
    setIf(qa, 'reviewProcess', review ? text(review['ceterms:description']) : undefined);
    setIf(qa, 'accreditations', accreditations);
    content.qualityAssurance = qa;
  }

  setIf(content, 'level', ctdlLevel(node['ceterms:audienceLevelType']));
  const mode = ctdlDeliveryMode(node['ceterms:learningDeliveryType']);
  if (mode) content.participation = { mode };

  const workload: Json = {};
  for (const profile of asArray(node['ceterms:estimatedDuration']).filter(isObject)) {
    const exact = text(profile['ceterms:exactDuration']) ?? text(profile['ceterms:maximumDuration']);
    const description = text(profile['ceterms:description']) ?? '';
    const hours = exact?.match(/^PT(\d+(?:\.\d+)?)H$/)?.[1];
    if (
      hours &&
      (description === WORKLOAD_DURATION_LABEL ||
        /volume of learning|learning hours|workload/i.test(description))
    ) {
      workload.hours = Number(hours);
    } else if (exact && content.duration === undefined) {
      content.duration = exact;
    }
  }
  const credit = asArray(node['ceterms:creditValue']).find(isObject);
  const creditValue = credit ? numberOf(credit['schema:value']) : undefined;
  if (credit && creditValue !== undefined) {
    const named = text(credit['schema:description'])?.toLowerCase();
    const framework = CREDIT_FRAMEWORKS.find((name) => name.toLowerCase() === named) ?? 'other';
    workload.creditPoints = { value: creditValue, framework };
  }
  if (Object.keys(workload).length > 0) content.workload = workload;

  const cost = asArray(node['ceterms:estimatedCost']).find(
    (item) => isObject(item) && numberOf(item['ceterms:price']) !== undefined,
  ) as Json | undefined;
  if (cost) {
    const costDescription = text(cost['ceterms:description']);
    content.cost = {
      amount: numberOf(cost['ceterms:price']),
      currency: text(cost['ceterms:currency'])?.toUpperCase(),
      // Our own export's placeholder says nothing the amount does not.
      ...(costDescription && costDescription !== 'Cost of earning the credential'
        ? { description: costDescription }
        : {}),
    };
  }

  setIf(
    content,
    'occupations',
    concepts(node['ceterms:occupationType'])
      .filter((concept) => concept.node)
      .map((concept) => ({
        uri: concept.node,
        ...(concept.name ? { label: concept.name } : {}),
        ...(concept.framework ? { framework: concept.framework } : {}),
      })),
  );
  setIf(
    content,
    'industries',
    concepts(node['ceterms:industryType'])
      .map((concept) => concept.name ?? concept.node)
      .filter((name) => name !== undefined),
  );
  setIf(content, 'fieldOfStudy', concepts(node['ceterms:instructionalProgramType'])[0]?.name);

  const outcomes: Json[] = [];
  const skills: SkillRef[] = [];
  for (const condition of asArray(node['ceterms:requires']).filter(isObject)) {
    const name = text(condition['ceterms:name']) ?? '';
    const description = text(condition['ceterms:description']);
    if (name === PREREQUISITES_CONDITION || /prerequisite|entry requirement/i.test(name)) {
      if (description) content.prerequisites = { narrative: description };
      continue;
    }
    if (!content.criteria && (description || text(condition['ceterms:subjectWebpage']))) {
      const criteria: Json = {};
      setIf(criteria, 'narrative', description);
      setIf(criteria, 'url', text(condition['ceterms:subjectWebpage']));
      content.criteria = criteria;
    }
    const assessment = content.assessment ?? ctdlAssessment(condition['ceterms:targetAssessment']);
    if (assessment) content.assessment = assessment;
    for (const concept of concepts(condition['ceterms:targetCompetency'])) {
      if (concept.node) {
        skills.push({
          uri: concept.node,
          ...(concept.name ? { label: concept.name } : {}),
          ...(concept.framework ? { framework: concept.framework } : {}),
        });
      } else if (concept.name) {
        outcomes.push({ ...(concept.code ? { id: concept.code } : {}), statement: concept.name });
      }
    }
  }
  setIf(content, 'learningOutcomes', outcomes);
  setIf(content, 'skills', uniqueSkills(skills));

  const months = monthsOf(text(node['ceterms:renewalFrequency']));
  const renewal = asArray(node['ceterms:renewal']).find(isObject);
  const renewalText = renewal ? text(renewal['ceterms:description']) : undefined;
  if (months !== undefined || renewalText) {
    content.validity = {
      ...(months !== undefined ? { months } : {}),
      ...(renewalText ? { renewal: renewalText } : {}),
    };
  }

  const partOf = asArray(node['ceterms:isPartOf'])
    .map((item) => ctdlParty(item, resolve))
    .filter((party): party is Party => party !== undefined);
  const advancedStanding = asArray(node['ceterms:isAdvancedStandingFor']).find(isObject);
  const creditRecognition = advancedStanding ? text(advancedStanding['ceterms:description']) : undefined;
  if (partOf.length > 0 || creditRecognition) {
    content.stackability = {
      standalone: partOf.length === 0,
      ...(partOf.length > 0 ? { partOf } : {}),
      ...(creditRecognition ? { creditRecognition } : {}),
    };
  }
  return content;
}

/**
 * Reads CTDL JSON-LD: one credential, an array of them, or a registry `@graph` document (whose
 * organisation nodes resolve `ceterms:ownedBy` references). Language maps or plain strings; CTDL credential
 * classes become OB achievement types. Only `ceterms:OpenBadge` entries count as verifiable.
 */
export function parseCtdl(input: string, options: ImportOptions = {}): ImportResult {
  const parsed = parseJson(input);
  if ('problem' in parsed) return parsed.problem;
  const root = parsed.value;
  const out = new Collector();

  let nodes: { node: unknown; location: string }[];
  let fromGraph = false;
  if (Array.isArray(root)) {
    nodes = root.map((node, i) => ({ node, location: pointer('', i) }));
  } else if (isObject(root) && Array.isArray(root['@graph'])) {
    fromGraph = true;
    nodes = root['@graph'].map((node, i) => ({ node, location: pointer('', '@graph', i) }));
  } else if (isObject(root)) {
    nodes = [{ node: root, location: '' }];
  } else {
    out.problem('', 'Expected a CTDL credential, an array of them or a document with an @graph');
    return out.result();
  }
  const byId = new Map<string, Json>();
  for (const { node } of nodes)
    if (isObject(node) && typeof node['@id'] === 'string') byId.set(node['@id'], node);
  const resolve: Resolve = (value) =>
    typeof value === 'string' ? (byId.get(value) ?? { '@id': value }) : isObject(value) ? value : undefined;

  const credentials = nodes.filter(({ node }) => isObject(node) && ctdlAchievementType(node) !== undefined);
  const large = tooMany(credentials.length);
  if (large) return large;

  for (const { node, location } of nodes) {
    if (!isObject(node)) {
      out.problem(location, 'must be a JSON object');
      continue;
    }
    const achievementType = ctdlAchievementType(node);
    if (achievementType === undefined) {
      // Organisations and other nodes of a registry graph are context, not entries.
      if (!fromGraph)
        out.problem(location, `is not a CTDL credential (@type ${JSON.stringify(node['@type'] ?? null)})`);
      continue;
    }
    const owner = asArray(node['ceterms:ownedBy'])[0] ?? asArray(node['ceterms:offeredBy'])[0];
    const party = owner === undefined ? undefined : ctdlParty(owner, resolve);
    const id = typeof node['@id'] === 'string' ? node['@id'] : undefined;
    const webpage = text(node['ceterms:subjectWebpage']);
    out.accept(
      {
        externalId: text(node['ceterms:ctid']) ?? id,
        sourceUri: id && /^https?:\/\//i.test(id) ? id : (webpage ?? null),
        provider: party ?? options.defaultProvider,
        content: ctdlContent(node, resolve, achievementType),
        verifiable: types(node).includes('ceterms:OpenBadge'),
      },
      { location, titleField: 'ceterms:name' },
      [],
    );
  }
  return out.result();
}

// ---------------------------------------------------------------------------------------------------
// OB 3.0 Achievements

const CREDENTIAL_TYPES = ['OpenBadgeCredential', 'AchievementCredential', 'VerifiableCredential'];
/** Alignment targets that are skills or competencies (not credentials or rubric levels). */
const SKILL_TARGETS = new Set(['ceasn:Competency', 'CFItem', 'CFRubricCriterion']);

function obProfile(value: unknown): Provider | undefined {
  if (typeof value === 'string') return undefined;
  if (!isObject(value)) return undefined;
  const name = text(value.name);
  if (!name) return undefined;
  const url =
    text(value.url) ??
    (typeof value.id === 'string' && /^https?:\/\//i.test(value.id) ? value.id : undefined);
  const address = isObject(value.address) ? value.address : undefined;
  const country = countryCode(address?.addressCountryCode);
  return { name, ...(url ? { url } : {}), ...(country ? { country } : {}) };
}

function obContent(achievement: Json): Json {
  const content: Json = {};
  setIf(content, 'title', text(achievement.name));
  setIf(content, 'description', text(achievement.description));
  setIf(content, 'achievementType', text(achievement.achievementType));
  setIf(content, 'humanCode', text(achievement.humanCode));
  setIf(content, 'fieldOfStudy', text(achievement.fieldOfStudy));
  setIf(content, 'languages', texts(achievement.inLanguage));
  setIf(content, 'tags', texts(achievement.tag));
  const image = isObject(achievement.image) ? text(achievement.image.id) : text(achievement.image);
  setIf(content, 'image', image);
  if (isObject(achievement.criteria)) {
    const criteria: Json = {};
    setIf(criteria, 'narrative', text(achievement.criteria.narrative));
    setIf(criteria, 'url', text(achievement.criteria.id));
    if (Object.keys(criteria).length > 0) content.criteria = criteria;
  } else if (typeof achievement.criteria === 'string') {
    content.criteria = { url: achievement.criteria };
  }
  const skills: SkillRef[] = [];
  for (const alignment of asArray(achievement.alignment).filter(isObject)) {
    const targetType = text(alignment.targetType);
    const uri = text(alignment.targetUrl);
    if (!uri || (targetType !== undefined && !SKILL_TARGETS.has(targetType))) continue;
    const label = text(alignment.targetName);
    const framework = text(alignment.targetFramework);
    skills.push({ uri, ...(label && label !== uri ? { label } : {}), ...(framework ? { framework } : {}) });
  }
  setIf(content, 'skills', uniqueSkills(skills));
  const credits = numberOf(achievement.creditsAvailable);
  // OB does not say which credit system: the value is kept, the framework is "other".
  if (credits !== undefined) content.workload = { creditPoints: { value: credits, framework: 'other' } };

  // A result description means the provider assesses: how is not said, so the type is "external".
  const results = asArray(achievement.resultDescription).filter(isObject);
  const percent = results.find(
    (item) => item.resultType === 'Percent' && numberOf(item.requiredValue) !== undefined,
  );
  const status = results.find((item) => item.resultType === 'Status');
  if (percent || status || results.length > 0) {
    const assessment: Json = { type: 'external' };
    if (percent) assessment.passMark = numberOf(percent.requiredValue);
    else if (status) assessment.gradingScheme = 'pass/fail';
    content.assessment = assessment;
  }
  return content;
}

/**
 * Reads OB 3.0 Achievement JSON: one Achievement, an array, an OpenBadgeCredential (its
 * `credentialSubject.achievement`), or a list of credentials. The provider is the achievement's `creator`,
 * else the credential's issuer, else `options.defaultProvider`. OB 3.0 credentials are verifiable.
 */
export function parseOpenBadgeAchievements(input: string, options: ImportOptions = {}): ImportResult {
  const parsed = parseJson(input);
  if ('problem' in parsed) return parsed.problem;
  const root = parsed.value;
  const out = new Collector();
  const items = Array.isArray(root)
    ? root.map((item, i) => ({ item, at: pointer('', i) }))
    : [{ item: root, at: '' }];

  const found: { achievement: Json; location: string; issuer?: Provider }[] = [];
  for (const { item, at } of items) {
    if (!isObject(item)) {
      out.problem(at, 'must be an Achievement or an OpenBadgeCredential object');
      continue;
    }
    const itemTypes = types(item);
    if (itemTypes.includes('Achievement')) {
      found.push({ achievement: item, location: at });
    } else if (itemTypes.some((type) => CREDENTIAL_TYPES.includes(type))) {
      const subject = item.credentialSubject;
      const subjects = Array.isArray(subject) ? subject : [subject];
      const issuer = obProfile(item.issuer);
      subjects.forEach((entry, i) => {
        const subjectAt = Array.isArray(subject)
          ? pointer(at, 'credentialSubject', i)
          : pointer(at, 'credentialSubject');
        if (!isObject(entry) || !isObject(entry.achievement)) {
          out.problem(pointer(subjectAt, 'achievement'), 'the credential has no achievement');
          return;
        }
        found.push({
          achievement: entry.achievement,
          location: pointer(subjectAt, 'achievement'),
          ...(issuer ? { issuer } : {}),
        });
      });
    } else {
      out.problem(
        at,
        `is neither an Achievement nor an OpenBadgeCredential (type ${JSON.stringify(item.type ?? null)})`,
      );
    }
  }
  const large = tooMany(found.length);
  if (large) return large;

  for (const { achievement, location, issuer } of found) {
    const id =
      typeof achievement.id === 'string' && achievement.id.trim() !== '' ? achievement.id : undefined;
    out.accept(
      {
        externalId: id,
        sourceUri: id ?? null,
        provider: obProfile(achievement.creator) ?? issuer ?? options.defaultProvider,
        content: obContent(achievement),
        verifiable: true,
      },
      { location, titleField: 'name' },
      [],
    );
  }
  return out.result();
}

// ---------------------------------------------------------------------------------------------------
// CSV

/** The CSV columns: canonical name → accepted header aliases (compared lower-cased, spaces as `_`). */
export const CSV_COLUMNS = {
  id: ['id', 'external_id', 'code'],
  title: ['title', 'name'],
  provider: ['provider', 'issuer', 'provider_name'],
  provider_url: ['provider_url', 'issuer_url'],
  provider_country: ['provider_country', 'country', 'issuer_country'],
  description: ['description'],
  url: ['url', 'subject_webpage', 'webpage'],
  achievement_type: ['achievement_type', 'type'],
  skills: ['skills', 'skill_uris'],
  outcomes: ['outcomes', 'learning_outcomes'],
  hours: ['hours', 'workload_hours'],
  ects: ['ects'],
  credits: ['credits', 'credit_points'],
  credit_framework: ['credit_framework'],
  level: ['level'],
  cost: ['cost', 'price'],
  currency: ['currency'],
  delivery_mode: ['delivery_mode', 'delivery', 'mode'],
  self_paced: ['self_paced'],
  languages: ['languages', 'language'],
  assessment_type: ['assessment_type', 'assessment'],
  supervision: ['supervision'],
  pass_mark: ['pass_mark'],
  validity_months: ['validity_months', 'validity'],
  verifiable: ['verifiable'],
  duration: ['duration'],
  image: ['image', 'image_url'],
  tags: ['tags', 'keywords'],
  qa_statement: ['qa_statement', 'quality_assurance'],
  field_of_study: ['field_of_study'],
  human_code: ['human_code'],
  criteria: ['criteria'],
  criteria_url: ['criteria_url'],
  prerequisites: ['prerequisites'],
  occupations: ['occupations'],
  industries: ['industries'],
  further_information: ['further_information'],
} as const;

export type CsvColumn = keyof typeof CSV_COLUMNS;

/** Content pointers named by the CSV column that fills them (longest prefix first). */
const CSV_FIELD_COLUMNS: ReadonlyArray<readonly [string, CsvColumn]> = [
  ['/workload/hours', 'hours'],
  ['/workload/creditPoints', 'credits'],
  ['/assessment/passMark', 'pass_mark'],
  ['/assessment/supervision', 'supervision'],
  ['/assessment', 'assessment_type'],
  ['/participation', 'delivery_mode'],
  ['/criteria/url', 'criteria_url'],
  ['/criteria', 'criteria'],
  ['/qualityAssurance', 'qa_statement'],
  ['/validity', 'validity_months'],
  ['/cost/currency', 'currency'],
  ['/cost', 'cost'],
  ['/title', 'title'],
  ['/description', 'description'],
  ['/achievementType', 'achievement_type'],
  ['/skills', 'skills'],
  ['/learningOutcomes', 'outcomes'],
  ['/level', 'level'],
  ['/languages', 'languages'],
  ['/duration', 'duration'],
  ['/image', 'image'],
  ['/tags', 'tags'],
  ['/subjectWebpage', 'url'],
  ['/fieldOfStudy', 'field_of_study'],
  ['/humanCode', 'human_code'],
  ['/prerequisites', 'prerequisites'],
  ['/occupations', 'occupations'],
  ['/industries', 'industries'],
  ['/issuerCountries', 'provider_country'],
  ['/furtherInformation', 'further_information'],
];

function csvColumnOf(contentPointer: string): string | undefined {
  const found = CSV_FIELD_COLUMNS.find(
    ([prefix]) => contentPointer === prefix || contentPointer.startsWith(`${prefix}/`),
  );
  return found ? `column "${found[1]}"` : undefined;
}

function normaliseHeader(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

/** Splits a multi-value cell: `|` always; `,` too for simple lists where values never contain one. */
function split(cell: string, separators = /\|/): string[] {
  return cell
    .split(separators)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

const BOOLEAN_CELLS: Record<string, boolean> = {
  true: true,
  yes: true,
  y: true,
  '1': true,
  false: false,
  no: false,
  n: false,
  '0': false,
};

const DELIVERY_ALIASES: Record<string, (typeof DELIVERY_MODES)[number]> = {
  online: 'online',
  'e-learning': 'online',
  elearning: 'online',
  remote: 'online',
  virtual: 'online',
  onsite: 'onsite',
  'on-site': 'onsite',
  'on site': 'onsite',
  'in person': 'onsite',
  'in-person': 'onsite',
  'face-to-face': 'onsite',
  classroom: 'onsite',
  blended: 'blended',
  hybrid: 'blended',
  mixed: 'blended',
};

const DIFFICULTY_ALIASES: Record<string, (typeof DIFFICULTY_LEVELS)[number]> = {
  introductory: 'introductory',
  beginner: 'introductory',
  basic: 'introductory',
  foundation: 'introductory',
  intermediate: 'intermediate',
  advanced: 'advanced',
  expert: 'expert',
};

const ASSESSMENT_ALIASES: Record<string, AssessmentSpec['type']> = {
  quiz: 'test',
  'multiple choice': 'test',
  examination: 'exam',
  proctored: 'exam',
  'proctored exam': 'exam',
  performance: 'practical',
  lab: 'practical',
  interview: 'oral',
};

/** "EQF 5", "EQF level 5", "nqf4", "QF-EHEA 2", "intermediate", "beginner". */
export function parseLevel(cell: string): DefinitionContent['level'] | undefined {
  const lower = cell.trim().toLowerCase();
  const difficulty = DIFFICULTY_ALIASES[lower];
  if (difficulty) return { framework: 'difficulty', value: difficulty };
  const match = lower.match(/^(eqf|nqf|aqf|qf-ehea)[\s:-]*(?:level\s*)?([0-9]{1,2})$/);
  if (!match) return undefined;
  const framework = LEVEL_FRAMEWORKS.find((name) => name.toLowerCase() === match[1]);
  return framework ? { framework, value: match[2]! } : undefined;
}

interface CsvRow {
  get(column: CsvColumn): string | undefined;
}

function csvContent(row: CsvRow, problems: string[]): Json {
  const content: Json = {};
  const number = (column: CsvColumn): number | undefined => {
    const cell = row.get(column);
    if (cell === undefined) return undefined;
    const value = Number(cell.replace(/\s/g, ''));
    if (!Number.isFinite(value)) {
      problems.push(`column "${column}": "${cell}" is not a number`);
      return undefined;
    }
    return value;
  };

  setIf(content, 'title', row.get('title'));
  setIf(content, 'description', row.get('description'));
  setIf(content, 'achievementType', row.get('achievement_type'));
  setIf(content, 'subjectWebpage', row.get('url'));
  setIf(content, 'image', row.get('image'));
  setIf(content, 'humanCode', row.get('human_code'));
  setIf(content, 'fieldOfStudy', row.get('field_of_study'));
  setIf(content, 'furtherInformation', row.get('further_information'));
  setIf(content, 'tags', split(row.get('tags') ?? '', /[|,]/));
  setIf(content, 'industries', split(row.get('industries') ?? ''));
  setIf(content, 'languages', split(row.get('languages') ?? '', /[|,;\s]+/));
  setIf(
    content,
    'skills',
    split(row.get('skills') ?? '').map((uri) => ({ uri })),
  );
  setIf(
    content,
    'occupations',
    split(row.get('occupations') ?? '').map((uri) => ({ uri })),
  );
  setIf(
    content,
    'learningOutcomes',
    split(row.get('outcomes') ?? '').map((statement, i) => ({ id: `lo-${i + 1}`, statement })),
  );
  const country = row.get('provider_country');
  if (country) content.issuerCountries = [country.toUpperCase()];

  const workload: Json = {};
  const hours = number('hours');
  if (hours !== undefined) workload.hours = hours;
  const ects = number('ects');
  const credits = number('credits');
  if (ects !== undefined) {
    workload.creditPoints = { value: ects, framework: 'ECTS' };
  } else if (credits !== undefined) {
    const named = row.get('credit_framework');
    const framework = named
      ? CREDIT_FRAMEWORKS.find((name) => name.toLowerCase() === named.toLowerCase())
      : 'other';
    if (named && !framework)
      problems.push(`column "credit_framework": "${named}" is not one of ${CREDIT_FRAMEWORKS.join(', ')}`);
    workload.creditPoints = { value: credits, framework: framework ?? 'other' };
  }
  if (Object.keys(workload).length > 0) content.workload = workload;

  const level = row.get('level');
  if (level) {
    const parsed = parseLevel(level);
    if (parsed) content.level = parsed;
    else problems.push(`column "level": "${level}" is not a level (e.g. "EQF 5", "NQF 4", "intermediate")`);
  }

  const cost = number('cost');
  const currency = row.get('currency');
  if (cost !== undefined) {
    if (!currency) problems.push('column "currency": needed when a cost is given (ISO 4217, e.g. EUR)');
    else content.cost = { amount: cost, currency: currency.toUpperCase() };
  }

  const delivery = row.get('delivery_mode');
  if (delivery) {
    const mode = DELIVERY_ALIASES[delivery.toLowerCase()];
    if (!mode) problems.push(`column "delivery_mode": "${delivery}" is not online, onsite or blended`);
    else {
      const participation: Json = { mode };
      const selfPaced = row.get('self_paced');
      if (selfPaced !== undefined) {
        const flag = BOOLEAN_CELLS[selfPaced.toLowerCase()];
        if (flag === undefined) problems.push(`column "self_paced": "${selfPaced}" is not yes or no`);
        else participation.selfPaced = flag;
      }
      content.participation = participation;
    }
  }

  const assessmentCell = row.get('assessment_type');
  if (assessmentCell && !/^(none|completion|no)$/i.test(assessmentCell)) {
    const lower = assessmentCell.toLowerCase();
    const type = ASSESSMENT_TYPES.find((name) => name === lower) ?? ASSESSMENT_ALIASES[lower];
    if (!type)
      problems.push(
        `column "assessment_type": "${assessmentCell}" is not one of ${ASSESSMENT_TYPES.join(', ')}`,
      );
    else {
      const assessment: Json = { type };
      const passMark = number('pass_mark');
      if (passMark !== undefined) assessment.passMark = passMark;
      setIf(assessment, 'supervision', row.get('supervision'));
      content.assessment = assessment;
    }
  } else if (row.get('pass_mark') !== undefined) {
    problems.push('column "pass_mark": given without an assessment_type');
  }

  const validity = number('validity_months');
  if (validity !== undefined) content.validity = { months: validity };
  setIf(content, 'duration', row.get('duration'));
  const qa = row.get('qa_statement');
  if (qa) content.qualityAssurance = { statement: qa };
  const criteria: Json = {};
  setIf(criteria, 'narrative', row.get('criteria'));
  setIf(criteria, 'url', row.get('criteria_url'));
  if (Object.keys(criteria).length > 0) content.criteria = criteria;
  const prerequisites = row.get('prerequisites');
  if (prerequisites) content.prerequisites = { narrative: prerequisites };
  return content;
}

/**
 * Reads the catalogue CSV (columns in {@link CSV_COLUMNS}, header names case-insensitive, `|` between the
 * values of a list). Row numbers count data records from 1 (the header is row 0); each problem names its
 * row and column. A file that is not CSV, lacks the id/title columns or has more than
 * {@link MAX_IMPORT_ENTRIES} rows is one problem.
 */
export function parseCatalogueCsv(input: string, options: ImportOptions = {}): ImportResult {
  const large = tooLarge(input);
  if (large) return large;
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(input, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    return {
      entries: [],
      problems: [{ location: '', message: `Not valid CSV: ${(error as Error).message}` }],
    };
  }
  const out = new Collector();
  const header = records[0]?.record;
  if (!header) {
    out.problem('0', 'The file is empty: expected a header row');
    return out.result();
  }

  const columnIndex = new Map<CsvColumn, number>();
  header.forEach((name, index) => {
    const normalised = normaliseHeader(name);
    const column = (Object.keys(CSV_COLUMNS) as CsvColumn[]).find((key) =>
      (CSV_COLUMNS[key] as readonly string[]).includes(normalised),
    );
    if (!column) out.problem('0', `unknown column "${name}" (ignored)`);
    else if (columnIndex.has(column))
      out.problem('0', `column "${column}" appears twice (the first is used)`);
    else columnIndex.set(column, index);
  });
  const required: CsvColumn[] = options.defaultProvider ? ['id', 'title'] : ['id', 'title', 'provider'];
  const absent = required.filter((column) => !columnIndex.has(column));
  if (absent.length > 0) {
    out.problem('0', `missing required column${absent.length > 1 ? 's' : ''}: ${absent.join(', ')}`);
    return out.result();
  }
  const tooManyRows = tooMany(records.length - 1);
  if (tooManyRows) return tooManyRows;

  for (let rowNumber = 1; rowNumber < records.length; rowNumber++) {
    const { record, info } = records[rowNumber]!;
    const location = String(rowNumber);
    if (record.length !== header.length) {
      out.problem(
        location,
        `has ${record.length} fields but the header has ${header.length} (line ${info.lines})`,
      );
      continue;
    }
    const row: CsvRow = {
      get(column) {
        const index = columnIndex.get(column);
        const cell = index === undefined ? undefined : record[index];
        return cell === undefined || cell === '' ? undefined : cell;
      },
    };
    const early: string[] = [];
    const content = csvContent(row, early);
    const verifiableCell = row.get('verifiable');
    const verifiable = verifiableCell === undefined ? false : BOOLEAN_CELLS[verifiableCell.toLowerCase()];
    if (verifiable === undefined) early.push(`column "verifiable": "${verifiableCell}" is not yes or no`);
    const providerName = row.get('provider');
    const providerUrl = row.get('provider_url');
    const providerCountry = row.get('provider_country')?.toUpperCase();
    const provider: Provider | undefined = providerName
      ? {
          name: providerName,
          ...(providerUrl ? { url: providerUrl } : {}),
          ...(providerCountry ? { country: providerCountry } : {}),
        }
      : options.defaultProvider;
    out.accept(
      {
        externalId: row.get('id'),
        sourceUri: row.get('url') ?? null,
        provider,
        content,
        verifiable: verifiable ?? false,
      },
      { location, nameField: csvColumnOf, titleField: 'title column' },
      early,
    );
  }
  return out.result();
}
