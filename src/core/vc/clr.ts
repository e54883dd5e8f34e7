import { CLR_CONTEXT_URL } from './clr-context.ts';
import { CONTEXT_URLS, OB_CONTEXT_URL } from './contexts.ts';
import { VcError } from './errors.ts';
import {
  buildIssuerProfile,
  checkAchievementShape,
  checkProfileShape,
  type IssuerProfileInput,
} from './open-badges.ts';
import { toDateTimeStamp } from './status-list.ts';

export { CLR_CONTEXT_URL, CLR_V2P0_CONTEXT } from './clr-context.ts';

/**
 * Comprehensive Learner Record 2.0 (1EdTech, https://www.imsglobal.org/spec/clr/v2p0/): a `ClrCredential`
 * whose `ClrSubject` embeds the learner's signed credentials unchanged (each keeps its own proof and status),
 * lists their achievements, and relates achievements with `Association`s (`isPartOf`, `precedes`, …).
 *
 * Only the CLR terms whose IRIs the 1EdTech CLR 2.0 test vector pins down are used (see CLR_V2P0_CONTEXT):
 * `ClrCredential`, `ClrSubject`, `verifiableCredential`, `achievement`, `association`, `Association`,
 * `associationType`, `sourceId`, `targetId`. Everything else comes from VC 2.0 and OB 3.0.
 */

type JsonObject = Record<string, unknown>;

/** The JSON Schema a ClrCredential names in `credentialSchema` (as in the 1EdTech vector). */
export const CLR_CREDENTIAL_SCHEMA = {
  id: 'https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_clrcredential_schema.json',
  type: '1EdTechJsonSchemaValidator2019',
} as const;

/** VC 2.0, CLR 2.0, OB 3.0 and the OB extensions (for the schema validator type), the vector's order. */
export const CLR_CONTEXT = [
  CONTEXT_URLS.VC_V2,
  CLR_CONTEXT_URL,
  OB_CONTEXT_URL,
  CONTEXT_URLS.OB_V3P0_EXTENSIONS,
] as const;

/** CLR 2.0 AssociationType vocabulary. */
export const ASSOCIATION_TYPES = [
  'exactMatchOf',
  'isChildOf',
  'isParentOf',
  'isPartOf',
  'isPeerOf',
  'isRelatedTo',
  'precedes',
  'replacedBy',
] as const;
export type AssociationType = (typeof ASSOCIATION_TYPES)[number];

export interface AssociationInput {
  associationType: AssociationType;
  /** The achievement the association starts from (its `id`). */
  sourceId: string;
  targetId: string;
}

export interface BuildClrOptions {
  /** The CLR's own id (a `urn:uuid:` or URL). */
  id: string;
  name: string;
  description?: string;
  issuer: IssuerProfileInput;
  validFrom: Date | string;
  /** Identifies the learner (a DID, URL or `urn:uuid:`): ClrSubject needs an `id` or an `identifier`. */
  subjectId: string;
  /** The learner's signed credentials, embedded unchanged (Data Integrity JSON objects). */
  credentials: readonly JsonObject[];
  /** Extra achievements (for associations) beside those of the embedded credentials. */
  achievements?: readonly JsonObject[];
  associations?: readonly AssociationInput[];
}

const URI = /^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]+$/;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function fail(message: string): never {
  throw new VcError('invalid_input', message);
}

/** The achievement a credential is for (`credentialSubject.achievement`), if it has exactly one subject. */
export function achievementOf(credential: JsonObject): JsonObject | undefined {
  const subjects = asList(credential.credentialSubject);
  const subject = subjects.length === 1 ? subjects[0] : undefined;
  return isObject(subject) && isObject(subject.achievement) ? subject.achievement : undefined;
}

/**
 * The unsigned ClrCredential. Achievements are the embedded credentials' (first occurrence of each id) then
 * `achievements`; every association must name achievements in that list.
 */
export function buildClrCredential(options: BuildClrOptions): JsonObject {
  if (!URI.test(options.id)) fail(`id must be an absolute URI, got "${options.id}"`);
  if (!URI.test(options.subjectId)) fail(`subjectId must be an absolute URI, got "${options.subjectId}"`);
  if (typeof options.name !== 'string' || options.name.trim() === '') fail('name is required');
  if (options.credentials.length === 0) fail('A CLR needs at least one credential');
  const achievements = new Map<string, JsonObject>();
  for (const [index, credential] of options.credentials.entries()) {
    if (!isObject(credential) || (!isObject(credential.proof) && !Array.isArray(credential.proof))) {
      fail(`credentials[${index}] must be a signed credential object (Data Integrity)`);
    }
    const achievement = achievementOf(credential);
    if (achievement && typeof achievement.id === 'string' && !achievements.has(achievement.id)) {
      achievements.set(achievement.id, achievement);
    }
  }
  for (const achievement of options.achievements ?? []) {
    if (typeof achievement.id !== 'string') fail('Every extra achievement needs an id');
    if (!achievements.has(achievement.id)) achievements.set(achievement.id, achievement);
  }
  const associations = (options.associations ?? []).map((association, index) => {
    if (!ASSOCIATION_TYPES.includes(association.associationType)) {
      fail(`associations[${index}].associationType must be one of ${ASSOCIATION_TYPES.join(', ')}`);
    }
    for (const end of ['sourceId', 'targetId'] as const) {
      if (!achievements.has(association[end])) {
        fail(`associations[${index}].${end} names no achievement of the CLR: ${association[end]}`);
      }
    }
    return {
      type: 'Association',
      associationType: association.associationType,
      sourceId: association.sourceId,
      targetId: association.targetId,
    };
  });
  const credentialSubject: JsonObject = {
    id: options.subjectId,
    type: 'ClrSubject',
    verifiableCredential: [...options.credentials],
    ...(achievements.size > 0 ? { achievement: [...achievements.values()] } : {}),
    ...(associations.length > 0 ? { association: associations } : {}),
  };
  const description = options.description?.trim();
  return {
    '@context': [...CLR_CONTEXT],
    id: options.id,
    type: ['VerifiableCredential', 'ClrCredential'],
    issuer: buildIssuerProfile(options.issuer),
    validFrom: toDateTimeStamp(options.validFrom, 'validFrom'),
    name: options.name.trim(),
    ...(description ? { description } : {}),
    credentialSubject,
    credentialSchema: [{ ...CLR_CREDENTIAL_SCHEMA }],
  };
}

export function isClrCredential(document: unknown): document is JsonObject {
  return isObject(document) && asList(document.type).includes('ClrCredential');
}

/** The embedded credentials of a ClrCredential (objects and compact JWTs alike), in order. */
export function embeddedCredentialsOf(clr: JsonObject): unknown[] {
  const subjects = asList(clr.credentialSubject);
  return subjects.flatMap((subject) => (isObject(subject) ? asList(subject.verifiableCredential) : []));
}

export interface ClrShapeProblem {
  path: string;
  message: string;
}

/**
 * The CLR 2.0 ClrCredential data model rules for the parts Credstack understands: contexts, types, issuer
 * Profile, a ClrSubject with an id and at least one credential, well-formed achievements and associations
 * whose ends name listed achievements. The embedded credentials are checked by verifying each of them.
 */
export function checkClrShape(document: unknown): ClrShapeProblem[] {
  const problems: ClrShapeProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path: path || '(credential)', message });
  if (!isObject(document)) {
    add('', 'must be a JSON object');
    return problems;
  }
  const contexts = asList(document['@context']);
  if (contexts[0] !== CONTEXT_URLS.VC_V2) add('@context', `must start with ${CONTEXT_URLS.VC_V2}`);
  if (
    !contexts.some((context) => typeof context === 'string' && /\/spec\/clr\/v2p0\/context/.test(context))
  ) {
    add('@context', 'must include the CLR 2.0 context');
  }
  const types = asList(document.type);
  if (!types.includes('VerifiableCredential') || !types.includes('ClrCredential')) {
    add('type', 'must include "VerifiableCredential" and "ClrCredential"');
  }
  if (typeof document.name !== 'string' || document.name === '') add('name', 'is required');
  for (const problem of checkProfileShape(document.issuer, 'issuer')) add(problem.path, problem.message);
  const subjects = asList(document.credentialSubject);
  if (subjects.length !== 1 || !isObject(subjects[0])) {
    add('credentialSubject', 'must be one ClrSubject object');
    return problems;
  }
  const subject = subjects[0] as JsonObject;
  if (!asList(subject.type).includes('ClrSubject'))
    add('credentialSubject.type', 'must include "ClrSubject"');
  if (subject.id === undefined && subject.identifier === undefined) {
    add('credentialSubject', 'needs an id or an identifier');
  } else if (subject.id !== undefined && (typeof subject.id !== 'string' || !URI.test(subject.id))) {
    add('credentialSubject.id', 'must be an absolute URI');
  }
  const credentials = asList(subject.verifiableCredential);
  if (credentials.length === 0)
    add('credentialSubject.verifiableCredential', 'needs at least one credential');
  credentials.forEach((credential, index) => {
    if (!isObject(credential) && typeof credential !== 'string') {
      add(`credentialSubject.verifiableCredential[${index}]`, 'must be a credential object or a compact JWT');
    }
  });
  const ids = new Set<string>();
  asList(subject.achievement).forEach((achievement, index) => {
    const path = `credentialSubject.achievement[${index}]`;
    for (const problem of checkAchievementShape(achievement, path)) add(problem.path, problem.message);
    if (isObject(achievement) && typeof achievement.id === 'string') ids.add(achievement.id);
  });
  asList(subject.association).forEach((association, index) => {
    const path = `credentialSubject.association[${index}]`;
    if (!isObject(association)) {
      add(path, 'must be an object');
      return;
    }
    if (!asList(association.type).includes('Association')) add(`${path}.type`, 'must be "Association"');
    if (!ASSOCIATION_TYPES.includes(association.associationType as AssociationType)) {
      add(`${path}.associationType`, `must be one of ${ASSOCIATION_TYPES.join(', ')}`);
    }
    for (const end of ['sourceId', 'targetId'] as const) {
      const value = association[end];
      if (typeof value !== 'string' || !URI.test(value)) add(`${path}.${end}`, 'must be an absolute URI');
      else if (!ids.has(value)) add(`${path}.${end}`, 'names no achievement listed in the CLR');
    }
  });
  return problems;
}
