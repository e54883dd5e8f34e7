import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { CONTEXT_URLS, OB_CONTEXT_URL } from './contexts.ts';
import { VcError } from './errors.ts';
import {
  BITSTRING_STATUS_LIST_ENTRY,
  type BitstringStatusListEntry,
  isDateTimeStamp,
  toDateTimeStamp,
} from './status-list.ts';

/**
 * Open Badges 3.0 (1EdTech, https://www.imsglobal.org/spec/ob/v3p0/) on the W3C VC Data Model 2.0: a builder
 * for the unsigned `OpenBadgeCredential` Credstack issues, the recipient e-mail `IdentityObject` (salted
 * SHA-256, so the address itself is never published), and {@link checkOpenBadgeShape}, the hand-written
 * equivalent of the spec's AchievementCredential JSON Schema that the verifier runs as its "schema" step.
 *
 * The rules follow the spec's data model (ob_v3p0 / common_credentials: cardinalities, `type` constraints,
 * enumerations); the 1EdTech JSON Schema itself is generated from that model and is not bundled.
 */

type JsonObject = Record<string, unknown>;

/** The JSON Schema every OB 3.0 AchievementCredential names in `credentialSchema`. */
export const OB_ACHIEVEMENT_CREDENTIAL_SCHEMA = {
  id: 'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json',
  type: '1EdTechJsonSchemaValidator2019',
} as const;

/**
 * The `@context` of new credentials: VC 2.0 first, then the OB 3.0.3 context (the order OB requires), then
 * the OB extensions context. The last one defines the `1EdTechJsonSchemaValidator2019` type of
 * `credentialSchema`, which neither of the first two does: without it that type is a relative IRI, which
 * JSON-LD safe mode (and so signing) refuses and plain RDFC silently leaves unsigned. The spec's complete
 * example credential carries the same three contexts.
 */
export const OPEN_BADGE_CONTEXT = [
  CONTEXT_URLS.VC_V2,
  OB_CONTEXT_URL,
  CONTEXT_URLS.OB_V3P0_EXTENSIONS,
] as const;

/** OB 3.0 AchievementType vocabulary (extensible: other values must start with `ext:`). */
export const ACHIEVEMENT_TYPES = [
  'Achievement',
  'ApprenticeshipCertificate',
  'Assessment',
  'Assignment',
  'AssociateDegree',
  'Award',
  'Badge',
  'BachelorDegree',
  'Certificate',
  'CertificateOfCompletion',
  'Certification',
  'CommunityService',
  'Competency',
  'Course',
  'CoCurricular',
  'Degree',
  'Diploma',
  'DoctoralDegree',
  'Fieldwork',
  'GeneralEducationDevelopment',
  'JourneymanCertificate',
  'LearningProgram',
  'License',
  'Membership',
  'ProfessionalDoctorate',
  'QualityAssuranceCredential',
  'MasterCertificate',
  'MasterDegree',
  'MicroCredential',
  'ResearchDoctorate',
  'SecondarySchoolDiploma',
] as const;

/** OB 3.0 AlignmentTargetType vocabulary (extensible with `ext:`). */
export const ALIGNMENT_TARGET_TYPES = [
  'ceasn:Competency',
  'ceterms:Credential',
  'CFItem',
  'CFRubric',
  'CFRubricCriterion',
  'CFRubricCriterionLevel',
  'CTDL',
] as const;

/** OB 3.0 ResultType vocabulary (extensible with `ext:`). */
export const RESULT_TYPES = [
  'GradePointAverage',
  'LetterGrade',
  'Percent',
  'PerformanceLevel',
  'PredictedScore',
  'RawScore',
  'Result',
  'RubricCriterion',
  'RubricCriterionLevel',
  'RubricScore',
  'ScaledScore',
  'Status',
] as const;

/** OB 3.0 ResultStatusType (closed). */
export const RESULT_STATUSES = [
  'Completed',
  'Enrolled',
  'Failed',
  'InProgress',
  'OnHold',
  'Provisional',
  'Withdrew',
] as const;
export type ResultStatus = (typeof RESULT_STATUSES)[number];

/** The naming convention of extended OB vocabularies. */
const EXTENSION_TERM = /^ext:[a-zA-Z0-9.\-_]+$/;
/** The `@context` entry an OB 3.0 credential carries second (any published OB 3.0 context version). */
const OB_CONTEXT_PATTERN = /^https:\/\/purl\.imsglobal\.org\/spec\/ob\/v3p0\/context(-3\.\d\.\d)*\.json$/;
/** RFC 3986 absolute URI (scheme ":" …), e.g. https:, did:, urn:. */
const URI = /^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]+$/;
const DID = /^did:[a-z0-9]+:[A-Za-z0-9._:%-]*[A-Za-z0-9._%-]$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** OB IdentityHash: `sha256$` + 64 hex or `md5$` + 32 hex (either case). */
const IDENTITY_HASH = /^(sha256\$[0-9a-fA-F]{64}|md5\$[0-9a-fA-F]{32})$/;

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** For typed inputs: checks an object at run time without narrowing its static type to a record. */
function isRecord(value: unknown): boolean {
  return isObject(value);
}

function isUri(value: unknown): value is string {
  if (typeof value !== 'string' || !URI.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

function isHttpUrl(value: unknown): value is string {
  if (!isUri(value)) return false;
  const { protocol } = new URL(value);
  return protocol === 'https:' || protocol === 'http:';
}

/** OB's DateTimeZ (a date-time with a time zone); DateTime values are held to the same form. */
function isDateTime(value: unknown): value is string {
  return isDateTimeStamp(value);
}

function isTerm(value: unknown, vocabulary: readonly string[]): boolean {
  return typeof value === 'string' && (vocabulary.includes(value) || EXTENSION_TERM.test(value));
}

// ---------------------------------------------------------------------------------------------------
// Recipient identity (IdentityObject)

export interface IdentityObject {
  type: 'IdentityObject';
  hashed: boolean;
  identityHash: string;
  identityType: string;
  salt?: string;
}

/** E-mail addresses are hashed trimmed and lower-cased, so the learner's casing at login does not matter. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** 16 random bytes, hex: a fresh salt for each credential, so hashes cannot be linked across credentials. */
export function randomSalt(): string {
  return randomBytes(16).toString('hex');
}

function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/**
 * The OB 3.0 IdentityObject for a recipient e-mail: `identityHash` = `sha256$` + hex(SHA-256(email ‖ salt))
 * (UTF-8), the spec's IdentityHash. The address is normalised first ({@link normalizeEmail}).
 */
export function hashEmailIdentity(email: string, salt: string): IdentityObject {
  if (typeof email !== 'string' || !EMAIL.test(normalizeEmail(email))) {
    throw new VcError('invalid_input', 'The recipient e-mail address is not valid');
  }
  if (typeof salt !== 'string' || salt === '') {
    throw new VcError('invalid_input', 'An identity hash needs a non-empty salt');
  }
  return {
    type: 'IdentityObject',
    hashed: true,
    identityHash: `sha256$${sha256Hex(normalizeEmail(email) + salt)}`,
    identityType: 'emailAddress',
    salt,
  };
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Whether an IdentityObject names `email` (OB 3.0 Verification §"Recipient"): for a hashed object, the
 * hash of the address (as given, trimmed, and normalised, since other issuers may not lower-case) plus the
 * salt must match, with `sha256$` or `md5$`; for a plain one, the addresses must match case-insensitively.
 * Only `identityType: emailAddress` objects can match.
 */
export function verifyEmailIdentity(identity: unknown, email: string): boolean {
  if (!isObject(identity) || identity.type !== 'IdentityObject' || identity.identityType !== 'emailAddress') {
    return false;
  }
  if (typeof identity.identityHash !== 'string' || typeof email !== 'string') return false;
  if (identity.hashed === false) return normalizeEmail(identity.identityHash) === normalizeEmail(email);
  if (identity.hashed !== true || !IDENTITY_HASH.test(identity.identityHash)) return false;
  const salt = identity.salt === undefined ? '' : identity.salt;
  if (typeof salt !== 'string') return false;
  const [algorithm, expected] = identity.identityHash.split('$') as [string, string];
  const candidates = new Set([email, email.trim(), normalizeEmail(email)]);
  for (const candidate of candidates) {
    const digest = createHash(algorithm)
      .update(candidate + salt, 'utf8')
      .digest('hex');
    if (sameText(digest, expected.toLowerCase())) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------
// Builder

/** An image URL (or data: URI), or one with a caption. Output is always an OB `Image` object. */
export type ImageInput = string | { id: string; caption?: string };

export interface OpenBadgeImage {
  id: string;
  type: 'Image';
  caption?: string;
}

export interface IssuerProfileInput {
  /** The issuer's DID: proofs must be made with one of its keys. */
  id: string;
  name: string;
  url?: string;
  email?: string;
  image?: ImageInput;
  description?: string;
}

export interface AlignmentInput {
  targetName: string;
  targetUrl: string;
  targetCode?: string;
  targetDescription?: string;
  targetFramework?: string;
  /** An {@link ALIGNMENT_TARGET_TYPES} value or `ext:…`. */
  targetType?: string;
}

export interface ResultDescriptionInput {
  id: string;
  name: string;
  /** A {@link RESULT_TYPES} value or `ext:…`. */
  resultType: string;
  allowedValue?: string[];
  requiredValue?: string;
  valueMin?: string;
  valueMax?: string;
}

export interface AchievementInput {
  /** Unique URI of the achievement definition. */
  id: string;
  name: string;
  description: string;
  /** At least one of `narrative` (Markdown) or `id` (a criteria web page). */
  criteria: { narrative?: string; id?: string };
  /** An {@link ACHIEVEMENT_TYPES} value or `ext:…`. */
  achievementType?: string;
  alignment?: AlignmentInput[];
  image?: ImageInput;
  tag?: string[];
  creditsAvailable?: number;
  fieldOfStudy?: string;
  humanCode?: string;
  specialization?: string;
  inLanguage?: string;
  version?: string;
  resultDescription?: ResultDescriptionInput[];
}

export interface ResultInput {
  /** The `id` of one of the achievement's result descriptions. */
  resultDescription?: string;
  value?: string;
  status?: ResultStatus;
  achievedLevel?: string;
  alignment?: AlignmentInput[];
}

export interface EvidenceInput {
  /** URL of the evidence (or a data: URI). */
  id?: string;
  name?: string;
  description?: string;
  narrative?: string;
  genre?: string;
  audience?: string;
}

export interface RecipientInput {
  /** The learner's DID or profile URL. */
  id?: string;
  /** The learner's e-mail, published only as a salted hash. */
  email?: string;
  /** Salt for the e-mail hash; random when omitted. */
  salt?: string;
}

export interface BuildOpenBadgeOptions {
  /** The credential's URI (a URL where it can be fetched, or `urn:uuid:…`). */
  id: string;
  /** Display name for wallets. */
  name: string;
  description?: string;
  image?: ImageInput;
  issuer: IssuerProfileInput;
  validFrom: Date | string;
  validUntil?: Date | string;
  /** When the credential was awarded (credential-level in OB 3.0). */
  awardedDate?: Date | string;
  /** At least one of `id` or `email`. */
  recipient: RecipientInput;
  achievement: AchievementInput;
  result?: ResultInput[];
  activityStartDate?: Date | string;
  activityEndDate?: Date | string;
  /** Narrative connecting the evidence (AchievementSubject.narrative, Markdown). */
  narrative?: string;
  evidence?: EvidenceInput[];
  /** Bitstring status list entries (status-list.ts): one per purpose. */
  credentialStatus?: BitstringStatusListEntry | readonly BitstringStatusListEntry[];
}

/** An unsigned OB 3.0 credential as built here; a plain JSON object for signCredential. */
export type OpenBadgeCredential = JsonObject & {
  '@context': string[];
  id: string;
  type: string[];
  name: string;
  issuer: JsonObject & { id: string; type: string[] };
  validFrom: string;
  credentialSubject: JsonObject & { type: string[]; achievement: JsonObject };
  credentialSchema: JsonObject[];
};

function fail(message: string): never {
  throw new VcError('invalid_input', message);
}

function text(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') fail(`${what} must be a non-empty string`);
  return value;
}

function optionalText(value: unknown, what: string): string | undefined {
  return value === undefined ? undefined : text(value, what);
}

function uri(value: unknown, what: string): string {
  if (!isUri(value)) fail(`${what} must be an absolute URI, got "${String(value)}"`);
  return value;
}

function httpUrl(value: unknown, what: string): string {
  if (!isHttpUrl(value)) fail(`${what} must be an http(s) URL, got "${String(value)}"`);
  return value;
}

function term(value: unknown, vocabulary: readonly string[], what: string): string {
  if (!isTerm(value, vocabulary)) {
    fail(`${what} "${String(value)}" is not in the OB 3.0 vocabulary (or an "ext:" extension)`);
  }
  return value as string;
}

function image(value: ImageInput | undefined, what: string): OpenBadgeImage | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return { id: uri(value, what), type: 'Image' };
  if (!isRecord(value)) fail(`${what} must be a URL or { id, caption }`);
  const caption = optionalText(value.caption, `${what}.caption`);
  return { id: uri(value.id, `${what}.id`), type: 'Image', ...(caption ? { caption } : {}) };
}

function list<T>(value: readonly T[] | undefined, what: string): readonly T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(`${what} must be an array`);
  return value;
}

/** Drops undefined values, so optional fields are absent rather than `undefined`. */
function compact(object: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}

function alignment(input: AlignmentInput, what: string): JsonObject {
  if (!isRecord(input)) fail(`${what} must be an object`);
  return compact({
    type: ['Alignment'],
    targetCode: optionalText(input.targetCode, `${what}.targetCode`),
    targetDescription: optionalText(input.targetDescription, `${what}.targetDescription`),
    targetName: text(input.targetName, `${what}.targetName`),
    targetFramework: optionalText(input.targetFramework, `${what}.targetFramework`),
    targetType:
      input.targetType === undefined
        ? undefined
        : term(input.targetType, ALIGNMENT_TARGET_TYPES, `${what}.targetType`),
    targetUrl: httpUrl(input.targetUrl, `${what}.targetUrl`),
  });
}

function alignments(value: AlignmentInput[] | undefined, what: string): JsonObject[] | undefined {
  const items = list(value, what).map((item, i) => alignment(item, `${what}[${i}]`));
  return items.length > 0 ? items : undefined;
}

function texts(value: string[] | undefined, what: string): string[] | undefined {
  const items = list(value, what).map((item, i) => text(item, `${what}[${i}]`));
  return items.length > 0 ? [...items] : undefined;
}

function achievement(input: AchievementInput): JsonObject {
  if (!isRecord(input)) fail('achievement must be an object');
  const criteria = input.criteria;
  if (!isRecord(criteria)) fail('achievement.criteria must be an object');
  const criteriaId = criteria.id === undefined ? undefined : uri(criteria.id, 'achievement.criteria.id');
  const narrative = optionalText(criteria.narrative, 'achievement.criteria.narrative');
  if (!criteriaId && !narrative) fail('achievement.criteria needs a narrative or an id (criteria URL)');
  if (
    input.creditsAvailable !== undefined &&
    (typeof input.creditsAvailable !== 'number' ||
      !Number.isFinite(input.creditsAvailable) ||
      input.creditsAvailable < 0)
  ) {
    fail('achievement.creditsAvailable must be a non-negative number');
  }
  const resultDescriptions = list(input.resultDescription, 'achievement.resultDescription').map((item, i) => {
    const what = `achievement.resultDescription[${i}]`;
    if (!isRecord(item)) fail(`${what} must be an object`);
    return compact({
      id: uri(item.id, `${what}.id`),
      type: ['ResultDescription'],
      name: text(item.name, `${what}.name`),
      resultType: term(item.resultType, RESULT_TYPES, `${what}.resultType`),
      allowedValue: texts(item.allowedValue, `${what}.allowedValue`),
      requiredValue: optionalText(item.requiredValue, `${what}.requiredValue`),
      valueMin: optionalText(item.valueMin, `${what}.valueMin`),
      valueMax: optionalText(item.valueMax, `${what}.valueMax`),
    });
  });
  return compact({
    id: uri(input.id, 'achievement.id'),
    type: ['Achievement'],
    name: text(input.name, 'achievement.name'),
    description: text(input.description, 'achievement.description'),
    criteria: compact({ id: criteriaId, narrative }),
    achievementType:
      input.achievementType === undefined
        ? undefined
        : term(input.achievementType, ACHIEVEMENT_TYPES, 'achievement.achievementType'),
    alignment: alignments(input.alignment, 'achievement.alignment'),
    image: image(input.image, 'achievement.image'),
    tag: texts(input.tag, 'achievement.tag'),
    creditsAvailable: input.creditsAvailable,
    fieldOfStudy: optionalText(input.fieldOfStudy, 'achievement.fieldOfStudy'),
    humanCode: optionalText(input.humanCode, 'achievement.humanCode'),
    specialization: optionalText(input.specialization, 'achievement.specialization'),
    inLanguage: optionalText(input.inLanguage, 'achievement.inLanguage'),
    version: optionalText(input.version, 'achievement.version'),
    resultDescription: resultDescriptions.length > 0 ? resultDescriptions : undefined,
  });
}

function issuerProfile(input: IssuerProfileInput): JsonObject & { id: string; type: string[] } {
  if (!isRecord(input)) fail('issuer must be an object');
  if (typeof input.id !== 'string' || !DID.test(input.id)) {
    fail(`issuer.id must be a DID without fragment, got "${String(input.id)}"`);
  }
  const email = optionalText(input.email, 'issuer.email');
  if (email !== undefined && !EMAIL.test(email)) fail('issuer.email is not a valid e-mail address');
  return compact({
    id: input.id,
    type: ['Profile'],
    name: text(input.name, 'issuer.name'),
    url: input.url === undefined ? undefined : httpUrl(input.url, 'issuer.url'),
    email,
    image: image(input.image, 'issuer.image'),
    description: optionalText(input.description, 'issuer.description'),
  }) as JsonObject & { id: string; type: string[] };
}

function statusEntries(value: BuildOpenBadgeOptions['credentialStatus']): unknown {
  if (value === undefined) return undefined;
  const entries = Array.isArray(value) ? value : [value];
  const purposes = new Set<string>();
  for (const [i, entry] of entries.entries()) {
    const what = `credentialStatus[${i}]`;
    if (!isRecord(entry) || entry.type !== BITSTRING_STATUS_LIST_ENTRY) {
      fail(`${what} must be a BitstringStatusListEntry (status-list.ts buildStatusEntry)`);
    }
    uri(entry.id, `${what}.id`);
    httpUrl(entry.statusListCredential, `${what}.statusListCredential`);
    if (typeof entry.statusListIndex !== 'string' || !/^\d+$/.test(entry.statusListIndex)) {
      fail(`${what}.statusListIndex must be a base-10 string`);
    }
    if (purposes.has(entry.statusPurpose)) fail(`Two credentialStatus entries for "${entry.statusPurpose}"`);
    purposes.add(entry.statusPurpose);
  }
  if (entries.length === 0) return undefined;
  // OB 3.0 models credentialStatus as 0..1: a single entry stays an object; VC 2.0 allows a list for several.
  return entries.length === 1 ? structuredClone(entries[0]) : structuredClone([...entries]);
}

/**
 * Builds the unsigned OB 3.0 `OpenBadgeCredential` (VC DM 2.0): contexts, types, issuer Profile,
 * AchievementSubject with its Achievement, `credentialSchema` naming the OB JSON Schema, and the optional
 * results, evidence and status entries. The recipient e-mail appears only as a salted hash. Throws
 * {@link VcError} `invalid_input` with a message naming the offending field.
 */
export function buildOpenBadgeCredential(options: BuildOpenBadgeOptions): OpenBadgeCredential {
  if (!isRecord(options)) fail('Options must be an object');
  const validFrom = toDateTimeStamp(options.validFrom, 'validFrom');
  const validUntil =
    options.validUntil === undefined ? undefined : toDateTimeStamp(options.validUntil, 'validUntil');
  if (validUntil !== undefined && Date.parse(validUntil) <= Date.parse(validFrom)) {
    fail('validUntil must be after validFrom');
  }
  const date = (value: Date | string | undefined, what: string) =>
    value === undefined ? undefined : toDateTimeStamp(value, what);
  const activityStartDate = date(options.activityStartDate, 'activityStartDate');
  const activityEndDate = date(options.activityEndDate, 'activityEndDate');
  if (activityStartDate && activityEndDate && Date.parse(activityEndDate) < Date.parse(activityStartDate)) {
    fail('activityEndDate must not be before activityStartDate');
  }

  const recipient = options.recipient;
  if (!isRecord(recipient)) fail('recipient must be an object');
  if (recipient.id === undefined && recipient.email === undefined) {
    fail('recipient needs an id (DID or profile URL) or an email');
  }
  const subjectId = recipient.id === undefined ? undefined : uri(recipient.id, 'recipient.id');
  const identifier =
    recipient.email === undefined
      ? undefined
      : [
          hashEmailIdentity(
            recipient.email,
            recipient.salt === undefined ? randomSalt() : text(recipient.salt, 'recipient.salt'),
          ),
        ];

  const results = list(options.result, 'result').map((input, i) => {
    const what = `result[${i}]`;
    if (!isRecord(input)) fail(`${what} must be an object`);
    if (input.status !== undefined && !RESULT_STATUSES.includes(input.status)) {
      fail(`${what}.status must be one of ${RESULT_STATUSES.join(', ')}`);
    }
    return compact({
      type: ['Result'],
      resultDescription:
        input.resultDescription === undefined
          ? undefined
          : uri(input.resultDescription, `${what}.resultDescription`),
      value: optionalText(input.value, `${what}.value`),
      status: input.status,
      achievedLevel:
        input.achievedLevel === undefined ? undefined : uri(input.achievedLevel, `${what}.achievedLevel`),
      alignment: alignments(input.alignment, `${what}.alignment`),
    });
  });

  const evidence = list(options.evidence, 'evidence').map((input, i) => {
    const what = `evidence[${i}]`;
    if (!isRecord(input)) fail(`${what} must be an object`);
    const item = compact({
      id: input.id === undefined ? undefined : uri(input.id, `${what}.id`),
      type: ['Evidence'],
      narrative: optionalText(input.narrative, `${what}.narrative`),
      name: optionalText(input.name, `${what}.name`),
      description: optionalText(input.description, `${what}.description`),
      genre: optionalText(input.genre, `${what}.genre`),
      audience: optionalText(input.audience, `${what}.audience`),
    });
    if (Object.keys(item).length === 1) fail(`${what} needs at least an id, name, description or narrative`);
    return item;
  });

  const credentialSubject = compact({
    id: subjectId,
    type: ['AchievementSubject'],
    identifier,
    activityStartDate,
    activityEndDate,
    narrative: optionalText(options.narrative, 'narrative'),
    achievement: achievement(options.achievement),
    result: results.length > 0 ? results : undefined,
  });

  return compact({
    '@context': [...OPEN_BADGE_CONTEXT],
    id: uri(options.id, 'id'),
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: text(options.name, 'name'),
    description: optionalText(options.description, 'description'),
    image: image(options.image, 'image'),
    issuer: issuerProfile(options.issuer),
    validFrom,
    validUntil,
    awardedDate: date(options.awardedDate, 'awardedDate'),
    credentialSubject,
    evidence: evidence.length > 0 ? evidence : undefined,
    credentialSchema: [{ ...OB_ACHIEVEMENT_CREDENTIAL_SCHEMA }],
    credentialStatus: statusEntries(options.credentialStatus),
  }) as OpenBadgeCredential;
}

// ---------------------------------------------------------------------------------------------------
// Shape check

export interface OpenBadgeShapeProblem {
  /** Where, as a dotted path with indexes: `credentialSubject.achievement.criteria`. */
  path: string;
  message: string;
}

class Problems {
  readonly list: OpenBadgeShapeProblem[] = [];

  add(path: string, message: string): void {
    this.list.push({ path: path || '(credential)', message });
  }

  /** A required property: reports it missing and returns false, else true. */
  required(object: JsonObject, key: string, path: string): boolean {
    if (object[key] === undefined || object[key] === null) {
      this.add(join(path, key), 'is required');
      return false;
    }
    return true;
  }

  string(object: JsonObject, key: string, path: string, required = false): void {
    if (required && !this.required(object, key, path)) return;
    const value = object[key];
    if (value !== undefined && typeof value !== 'string') this.add(join(path, key), 'must be a string');
  }

  uri(object: JsonObject, key: string, path: string, required = false): void {
    if (required && !this.required(object, key, path)) return;
    const value = object[key];
    if (value !== undefined && !isUri(value)) this.add(join(path, key), 'must be an absolute URI');
  }

  dateTime(object: JsonObject, key: string, path: string, required = false): void {
    if (required && !this.required(object, key, path)) return;
    const value = object[key];
    if (value !== undefined && !isDateTime(value)) {
      this.add(join(path, key), 'must be a date-time with a time zone (e.g. 2024-01-01T00:00:00Z)');
    }
  }

  number(object: JsonObject, key: string, path: string): void {
    const value = object[key];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
      this.add(join(path, key), 'must be a number');
    }
  }

  /** `type` as an IRI or array of IRIs that must contain one of `names`. */
  types(object: JsonObject, path: string, names: readonly string[]): void {
    if (!this.required(object, 'type', path)) return;
    const value = object.type;
    const items = Array.isArray(value) ? value : [value];
    if (items.length === 0 || items.some((item) => typeof item !== 'string')) {
      this.add(join(path, 'type'), 'must be a string or a non-empty array of strings');
    } else if (!items.some((item) => names.includes(item as string))) {
      this.add(join(path, 'type'), `must include ${names.map((name) => `"${name}"`).join(' or ')}`);
    }
  }

  /** A 0..* property: absent, or an array whose items are checked by `each`. */
  array(object: JsonObject, key: string, path: string, each: (item: unknown, path: string) => void): void {
    const value = object[key];
    if (value === undefined) return;
    if (!Array.isArray(value)) {
      this.add(join(path, key), 'must be an array');
      return;
    }
    for (const [i, item] of value.entries()) each(item, `${join(path, key)}[${i}]`);
  }

  /** A 0..* array-compacted property: absent, one item, or an array of items. */
  compacted(
    object: JsonObject,
    key: string,
    path: string,
    each: (item: unknown, path: string) => void,
  ): void {
    const value = object[key];
    if (value === undefined) return;
    if (!Array.isArray(value)) {
      each(value, join(path, key));
      return;
    }
    for (const [i, item] of value.entries()) each(item, `${join(path, key)}[${i}]`);
  }

  object(value: unknown, path: string): value is JsonObject {
    if (isObject(value)) return true;
    this.add(path, 'must be an object');
    return false;
  }

  onlyKeys(object: JsonObject, path: string, keys: readonly string[]): void {
    for (const key of Object.keys(object)) {
      if (!keys.includes(key)) this.add(join(path, key), 'is not allowed here');
    }
  }
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function checkImage(p: Problems, value: unknown, path: string): void {
  if (!p.object(value, path)) return;
  p.uri(value, 'id', path, true);
  if (p.required(value, 'type', path) && value.type !== 'Image') p.add(join(path, 'type'), 'must be "Image"');
  p.string(value, 'caption', path);
  p.onlyKeys(value, path, ['id', 'type', 'caption']);
}

function checkProfile(p: Problems, value: unknown, path: string): void {
  if (!p.object(value, path)) return;
  p.uri(value, 'id', path, true);
  p.types(value, path, ['Profile']);
  p.string(value, 'name', path);
  p.uri(value, 'url', path);
  p.string(value, 'description', path);
  p.string(value, 'email', path);
  p.string(value, 'phone', path);
  if (value.image !== undefined) checkImage(p, value.image, join(path, 'image'));
  if (value.parentOrg !== undefined) checkProfile(p, value.parentOrg, join(path, 'parentOrg'));
}

function checkAlignment(p: Problems, value: unknown, path: string): void {
  if (!p.object(value, path)) return;
  p.types(value, path, ['Alignment']);
  p.string(value, 'targetName', path, true);
  p.uri(value, 'targetUrl', path, true);
  for (const key of ['targetCode', 'targetDescription', 'targetFramework']) p.string(value, key, path);
  if (value.targetType !== undefined && !isTerm(value.targetType, ALIGNMENT_TARGET_TYPES)) {
    p.add(join(path, 'targetType'), 'is not an AlignmentTargetType (or "ext:" extension)');
  }
}

function checkAchievement(p: Problems, value: unknown, path: string): void {
  if (!p.object(value, path)) return;
  p.uri(value, 'id', path, true);
  p.types(value, path, ['Achievement']);
  p.string(value, 'name', path, true);
  p.string(value, 'description', path, true);
  if (p.required(value, 'criteria', path) && p.object(value.criteria, join(path, 'criteria'))) {
    p.uri(value.criteria, 'id', join(path, 'criteria'));
    p.string(value.criteria, 'narrative', join(path, 'criteria'));
  }
  if (value.achievementType !== undefined && !isTerm(value.achievementType, ACHIEVEMENT_TYPES)) {
    p.add(join(path, 'achievementType'), 'is not an AchievementType (or "ext:" extension)');
  }
  p.array(value, 'alignment', path, (item, at) => checkAlignment(p, item, at));
  if (value.image !== undefined) checkImage(p, value.image, join(path, 'image'));
  if (value.creator !== undefined) checkProfile(p, value.creator, join(path, 'creator'));
  p.number(value, 'creditsAvailable', path);
  for (const key of ['fieldOfStudy', 'humanCode', 'specialization', 'inLanguage', 'version']) {
    p.string(value, key, path);
  }
  p.array(value, 'tag', path, (item, at) => {
    if (typeof item !== 'string') p.add(at, 'must be a string');
  });
  p.array(value, 'resultDescription', path, (item, at) => {
    if (!p.object(item, at)) return;
    p.uri(item, 'id', at, true);
    p.types(item, at, ['ResultDescription']);
    p.string(item, 'name', at, true);
    if (p.required(item, 'resultType', at) && !isTerm(item.resultType, RESULT_TYPES)) {
      p.add(join(at, 'resultType'), 'is not a ResultType (or "ext:" extension)');
    }
    p.array(item, 'alignment', at, (inner, innerAt) => checkAlignment(p, inner, innerAt));
  });
}

function checkIdentityObject(p: Problems, value: unknown, path: string): void {
  if (!p.object(value, path)) return;
  if (p.required(value, 'type', path) && value.type !== 'IdentityObject') {
    p.add(join(path, 'type'), 'must be "IdentityObject"');
  }
  if (p.required(value, 'hashed', path) && typeof value.hashed !== 'boolean') {
    p.add(join(path, 'hashed'), 'must be a boolean');
  }
  p.string(value, 'identityHash', path, true);
  p.string(value, 'identityType', path, true);
  p.string(value, 'salt', path);
  if (
    value.hashed === true &&
    typeof value.identityHash === 'string' &&
    !IDENTITY_HASH.test(value.identityHash)
  ) {
    p.add(join(path, 'identityHash'), 'must be "sha256$" + 64 hex digits or "md5$" + 32 hex digits');
  }
  p.onlyKeys(value, path, ['type', 'hashed', 'identityHash', 'identityType', 'salt']);
}

function checkSubject(p: Problems, value: unknown, path: string): void {
  if (Array.isArray(value)) {
    p.add(path, 'must be a single AchievementSubject object');
    return;
  }
  if (!p.object(value, path)) return;
  p.uri(value, 'id', path);
  p.types(value, path, ['AchievementSubject']);
  p.array(value, 'identifier', path, (item, at) => checkIdentityObject(p, item, at));
  const identifiers = Array.isArray(value.identifier) ? value.identifier : [];
  if (value.id === undefined && identifiers.length === 0) {
    p.add(path, 'needs an id or at least one identifier');
  }
  if (p.required(value, 'achievement', path))
    checkAchievement(p, value.achievement, join(path, 'achievement'));
  p.dateTime(value, 'activityStartDate', path);
  p.dateTime(value, 'activityEndDate', path);
  p.number(value, 'creditsEarned', path);
  for (const key of ['licenseNumber', 'narrative', 'role', 'term']) p.string(value, key, path);
  if (value.image !== undefined) checkImage(p, value.image, join(path, 'image'));
  if (value.source !== undefined) checkProfile(p, value.source, join(path, 'source'));
  p.array(value, 'result', path, (item, at) => {
    if (!p.object(item, at)) return;
    p.types(item, at, ['Result']);
    p.uri(item, 'resultDescription', at);
    p.uri(item, 'achievedLevel', at);
    p.string(item, 'value', at);
    if (item.status !== undefined && !RESULT_STATUSES.includes(item.status as ResultStatus)) {
      p.add(join(at, 'status'), `must be one of ${RESULT_STATUSES.join(', ')}`);
    }
    p.array(item, 'alignment', at, (inner, innerAt) => checkAlignment(p, inner, innerAt));
  });
}

/** `{ id, type }` objects: credentialSchema, credentialStatus, refreshService (id required), termsOfUse. */
function checkTyped(p: Problems, value: unknown, path: string, idRequired: boolean): void {
  if (!p.object(value, path)) return;
  p.uri(value, 'id', path, idRequired);
  p.string(value, 'type', path, true);
}

/**
 * Checks a credential against the OB 3.0 AchievementCredential data model, as its JSON Schema would:
 * `@context` order, `type`, `id`, `issuer` (a URI or a Profile; a Profile for VC 1.1 credentials),
 * `validFrom` (VC 2.0) or `issuanceDate` (VC 1.1), the AchievementSubject (an `id` or an `identifier`,
 * its Achievement's id / type / name / description / criteria), IdentityObjects, results, evidence,
 * images, and the `{id, type}` objects. Returns every problem found; an empty list means the shape is
 * right. Says nothing about signatures, status or dates relative to now.
 */
export function checkOpenBadgeShape(credential: unknown): OpenBadgeShapeProblem[] {
  const p = new Problems();
  if (!p.object(credential, '')) return p.list;
  const contexts = credential['@context'];
  const isV1 = Array.isArray(contexts) && contexts[0] === CONTEXT_URLS.VC_V1;
  if (!Array.isArray(contexts) || contexts.length < 2) {
    p.add('@context', 'must be an array of at least two contexts');
  } else {
    if (contexts[0] !== CONTEXT_URLS.VC_V2 && !isV1) {
      p.add('@context[0]', `must be "${CONTEXT_URLS.VC_V2}"`);
    }
    if (typeof contexts[1] !== 'string' || !OB_CONTEXT_PATTERN.test(contexts[1])) {
      p.add(
        '@context[1]',
        'must be an OB 3.0 context URL (https://purl.imsglobal.org/spec/ob/v3p0/context-3.x.x.json)',
      );
    }
  }
  p.uri(credential, 'id', '', true);
  if (p.required(credential, 'type', '')) {
    p.types(credential, '', ['VerifiableCredential']);
    p.types(credential, '', ['AchievementCredential', 'OpenBadgeCredential']);
  }
  p.string(credential, 'name', '', isV1);
  p.string(credential, 'description', '');
  if (credential.image !== undefined) checkImage(p, credential.image, 'image');
  if (p.required(credential, 'issuer', '')) {
    if (typeof credential.issuer === 'string' && !isV1) {
      if (!isUri(credential.issuer)) p.add('issuer', 'must be an absolute URI or a Profile');
    } else {
      checkProfile(p, credential.issuer, 'issuer');
    }
  }
  if (isV1) {
    p.dateTime(credential, 'issuanceDate', '', true);
    p.dateTime(credential, 'expirationDate', '');
  } else {
    p.dateTime(credential, 'validFrom', '', true);
    p.dateTime(credential, 'validUntil', '');
  }
  p.dateTime(credential, 'awardedDate', '');
  if (p.required(credential, 'credentialSubject', '')) {
    checkSubject(p, credential.credentialSubject, 'credentialSubject');
  }
  p.array(credential, 'evidence', '', (item, at) => {
    if (!p.object(item, at)) return;
    p.uri(item, 'id', at);
    p.types(item, at, ['Evidence']);
    for (const key of ['narrative', 'name', 'description', 'genre', 'audience']) p.string(item, key, at);
  });
  p.compacted(credential, 'credentialSchema', '', (item, at) => checkTyped(p, item, at, true));
  if (credential.credentialSchema !== undefined) {
    const schemas = [credential.credentialSchema].flat();
    const named = schemas.some(
      (item) =>
        isObject(item) &&
        typeof item.id === 'string' &&
        /^https:\/\/purl\.imsglobal\.org\/spec\/ob\/v3p0\/schema\/json\/ob_v3p0_achievementcredential_schema\.json$/.test(
          item.id,
        ) &&
        item.type === OB_ACHIEVEMENT_CREDENTIAL_SCHEMA.type,
    );
    if (!named) p.add('credentialSchema', 'must include the OB 3.0 AchievementCredential JSON Schema');
  }
  p.compacted(credential, 'credentialStatus', '', (item, at) => checkTyped(p, item, at, true));
  p.compacted(credential, 'refreshService', '', (item, at) => checkTyped(p, item, at, true));
  p.compacted(credential, 'termsOfUse', '', (item, at) => checkTyped(p, item, at, false));
  p.compacted(credential, 'proof', '', (item, at) => {
    if (p.object(item, at)) p.string(item, 'type', at, true);
  });
  p.array(credential, 'endorsement', '', (item, at) => {
    p.object(item, at);
  });
  p.array(credential, 'endorsementJwt', '', (item, at) => {
    if (typeof item !== 'string' || !/^[a-zA-Z0-9_-]+\.[a-zA-Z0-9_-]*\.[a-zA-Z0-9_-]+$/.test(item)) {
      p.add(at, 'must be a compact JWS');
    }
  });
  return p.list;
}

/** The issuer `Profile` object new credentials carry (also the issuer of a CLR, clr.ts). */
export function buildIssuerProfile(input: IssuerProfileInput): JsonObject & { id: string; type: string[] } {
  return issuerProfile(input);
}

/** The OB 3.0 `Achievement` rules alone, for documents that list achievements outside a credential (CLR). */
export function checkAchievementShape(value: unknown, path: string): OpenBadgeShapeProblem[] {
  const problems = new Problems();
  checkAchievement(problems, value, path);
  return problems.list;
}

/** The OB 3.0 `Profile` rules alone (a CLR's issuer). */
export function checkProfileShape(value: unknown, path: string): OpenBadgeShapeProblem[] {
  const problems = new Problems();
  checkProfile(problems, value, path);
  return problems.list;
}
