import { CONTEXT_URLS } from './contexts.ts';
import { isDateTimeStamp } from './status-list.ts';

/**
 * The W3C VC Data Model rules a verifier must enforce itself, including the ones the libraries skip
 * (`@digitalbazaar/vc` checks types of `credentialStatus`/`evidence`/`termsOfUse`, but not
 * `credentialSchema`, `refreshService`, `relatedResource`, or that every `id` is a URL). Pure functions:
 * they look at the JSON only, never at signatures, clocks or the network, and return every problem found.
 *
 * VC 2.0 (`@context[0]` = https://www.w3.org/ns/credentials/v2) is the model Credstack issues. VC 1.1
 * documents (`https://www.w3.org/2018/credentials/v1` first, as early OB 3.0 credentials were) are held
 * to the 1.1 rules (`issuanceDate` required, `expirationDate`) so they can still be verified.
 *
 * Paths are dotted with array indexes, as in {@link checkOpenBadgeShape}'s problems:
 * `credentialSchema[0].type`, `relatedResource[1].id`; a single (non-array) entry has no index.
 */

export interface VcRuleProblem {
  /** Stable snake_case id of the rule broken (see {@link VC_RULE_CODES}). */
  code: VcRuleCode;
  /** A sentence for people. */
  message: string;
  /** Where: `credentialSubject.achievement.id`; `(credential)` for the document itself. */
  path: string;
}

export const VC_RULE_CODES = [
  /** The credential (or presentation) is not a JSON object. */
  'not_an_object',
  /** `@context` is absent. */
  'missing_context',
  /** `@context` is not an ordered set starting with the VC context, or holds something other than URLs/objects. */
  'invalid_context',
  /** `type` is absent. */
  'missing_type',
  /** `type` holds something other than non-empty strings. */
  'invalid_type',
  /** `type` does not include `VerifiableCredential` (or `VerifiablePresentation`). */
  'missing_base_type',
  /** An `id` is not an absolute URL (VC 2.0 §4.4). */
  'invalid_id',
  /** `issuer` is absent. */
  'missing_issuer',
  /** `issuer` is not a URL or an object whose `id` is a URL. */
  'invalid_issuer',
  /** `credentialSubject` is absent. */
  'missing_credential_subject',
  /** A `credentialSubject` is not an object with at least one property. */
  'invalid_credential_subject',
  /** A date (`validFrom`, `validUntil`, `issuanceDate`, `expirationDate`) is not a dateTimeStamp. */
  'invalid_date',
  /** A VC 1.1 credential without `issuanceDate`. */
  'missing_issuance_date',
  /** `validFrom` is after `validUntil`. */
  'invalid_validity_period',
  /** An entry of `credentialStatus`, `credentialSchema`, `refreshService`, … is not an object. */
  'invalid_entry',
  /** An entry that must carry a `type` has none. */
  'missing_entry_type',
  /** An entry that must carry an `id` (`credentialSchema`, `relatedResource`) has none. */
  'missing_entry_id',
  /** Two `relatedResource` entries have the same `id`. */
  'duplicate_related_resource_id',
  /** A `relatedResource` entry has neither `digestSRI` nor `digestMultibase`. */
  'missing_related_resource_digest',
  /** A `digestSRI` or `digestMultibase` is not in its format. */
  'invalid_related_resource_digest',
  /** `name` or `description` is not a string or a language value object. */
  'invalid_language_value',
  /** `holder` (presentations) is not a URL or an object whose `id` is a URL. */
  'invalid_holder',
  /** A presentation's `verifiableCredential` entry is not an object. */
  'invalid_verifiable_credential',
] as const;

export type VcRuleCode = (typeof VC_RULE_CODES)[number];

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** RFC 3986 absolute URI (a scheme, then no white space): https:, did:, urn:uuid:, data:… */
const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|\\^`]*$/;

/** Whether `value` is an absolute URL as VC 2.0 requires for `id`, `issuer` and friends. */
export function isUrl(value: unknown): value is string {
  if (typeof value !== 'string' || !ABSOLUTE_URI.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

/** Which data model the document claims, from its first `@context` entry. */
export type DataModelVersion = '2.0' | '1.1';

export function dataModelVersion(document: unknown): DataModelVersion | undefined {
  if (!isObject(document)) return undefined;
  const first = [document['@context']].flat()[0];
  if (first === CONTEXT_URLS.VC_V2) return '2.0';
  if (first === CONTEXT_URLS.VC_V1) return '1.1';
  return undefined;
}

class Problems {
  readonly list: VcRuleProblem[] = [];

  add(code: VcRuleCode, path: string, message: string): void {
    this.list.push({ code, path: path || '(credential)', message });
  }
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/** `value` as entries with their paths: one object keeps the bare path, an array gets indexes. */
function entries(value: unknown, path: string): Array<[unknown, string]> {
  if (Array.isArray(value)) return value.map((item, index) => [item, join(path, index)]);
  return [[value, path]];
}

function checkContext(p: Problems, document: JsonObject, baseType: string): void {
  const context = document['@context'];
  if (context === undefined) {
    p.add('missing_context', '@context', '@context is required');
    return;
  }
  const list = [context].flat();
  if (!Array.isArray(context) && list[0] !== CONTEXT_URLS.VC_V1) {
    p.add('invalid_context', '@context', '@context must be an ordered set (an array)');
  }
  const first = list[0];
  if (first !== CONTEXT_URLS.VC_V2 && first !== CONTEXT_URLS.VC_V1) {
    p.add(
      'invalid_context',
      Array.isArray(context) ? '@context[0]' : '@context',
      `The first @context entry must be "${CONTEXT_URLS.VC_V2}" for a ${baseType}`,
    );
  }
  list.forEach((entry, index) => {
    if (!(typeof entry === 'string' && isUrl(entry)) && !isObject(entry)) {
      p.add('invalid_context', join('@context', index), 'A @context entry must be a URL or an object');
    }
  });
}

function checkType(p: Problems, document: JsonObject, baseType: string): void {
  if (document.type === undefined) {
    p.add('missing_type', 'type', 'type is required');
    return;
  }
  const types = [document.type].flat();
  if (types.length === 0 || types.some((type) => typeof type !== 'string' || type === '')) {
    p.add('invalid_type', 'type', 'type must be one or more non-empty strings');
  }
  if (!types.includes(baseType)) p.add('missing_base_type', 'type', `type must include "${baseType}"`);
}

/** Every `id` anywhere (outside `@context`) is a URL: the VC context maps `id` to `@id` everywhere. */
function checkIds(p: Problems, value: unknown, path: string, depth = 0): void {
  if (depth > 64) return;
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      checkIds(p, item, join(path, index), depth + 1);
    });
    return;
  }
  if (!isObject(value)) return;
  for (const [key, item] of Object.entries(value)) {
    if (key === '@context') continue;
    if ((key === 'id' || key === '@id') && !isUrl(item)) {
      p.add('invalid_id', join(path, key), `${key} must be a URL, got ${JSON.stringify(item)}`);
      continue;
    }
    checkIds(p, item, join(path, key), depth + 1);
  }
}

function checkIssuerLike(
  p: Problems,
  value: unknown,
  key: 'issuer' | 'holder',
  invalid: 'invalid_issuer' | 'invalid_holder',
): void {
  if (typeof value === 'string') {
    if (!isUrl(value)) p.add(invalid, key, `${key} must be a URL`);
  } else if (isObject(value)) {
    if (!isUrl(value.id)) p.add(invalid, join(key, 'id'), `${key}.id must be a URL`);
  } else {
    p.add(invalid, key, `${key} must be a URL or an object with an id`);
  }
}

function checkLanguageValue(p: Problems, document: JsonObject, key: 'name' | 'description'): void {
  const value = document[key];
  if (value === undefined) return;
  const ok = (item: unknown) =>
    typeof item === 'string' ||
    (isObject(item) &&
      typeof item['@value'] === 'string' &&
      (item['@language'] === undefined || typeof item['@language'] === 'string') &&
      (item['@direction'] === undefined || typeof item['@direction'] === 'string'));
  if (!(Array.isArray(value) ? value.length > 0 && value.every(ok) : ok(value))) {
    p.add(
      'invalid_language_value',
      key,
      `${key} must be a string or language value objects ({"@value", "@language"})`,
    );
  }
}

/** `{ type, id? }` entries: credentialStatus, credentialSchema, refreshService, termsOfUse, evidence, … */
function checkTypedEntries(
  p: Problems,
  document: JsonObject,
  key: string,
  options: { idRequired: boolean },
): void {
  const value = document[key];
  if (value === undefined) return;
  for (const [entry, at] of entries(value, key)) {
    if (!isObject(entry)) {
      p.add('invalid_entry', at, `Each ${key} entry must be an object`);
      continue;
    }
    const type = entry.type;
    const types = [type].flat();
    if (type === undefined || types.length === 0 || types.some((t) => typeof t !== 'string' || t === '')) {
      p.add('missing_entry_type', join(at, 'type'), `Each ${key} entry must have a type`);
    }
    if (options.idRequired && entry.id === undefined) {
      p.add('missing_entry_id', join(at, 'id'), `Each ${key} entry must have an id (a URL)`);
    }
  }
}

const SRI = /^(sha256|sha384|sha512)-[A-Za-z0-9+/]+={0,2}$/;
/** Multibase base64url (`u`) or base58btc (`z`), the encodings Data Integrity uses for digests. */
const DIGEST_MULTIBASE = /^(u[A-Za-z0-9_-]+|z[1-9A-HJ-NP-Za-km-z]+)$/;

function checkRelatedResources(p: Problems, document: JsonObject): void {
  const value = document.relatedResource;
  if (value === undefined) return;
  const seen = new Map<string, string>();
  for (const [entry, at] of entries(value, 'relatedResource')) {
    if (!isObject(entry)) {
      p.add('invalid_entry', at, 'Each relatedResource entry must be an object');
      continue;
    }
    if (entry.id === undefined) {
      p.add('missing_entry_id', join(at, 'id'), 'Each relatedResource entry must have an id (a URL)');
    } else if (typeof entry.id === 'string') {
      const first = seen.get(entry.id);
      if (first !== undefined) {
        p.add(
          'duplicate_related_resource_id',
          join(at, 'id'),
          `relatedResource id "${entry.id}" is listed twice (first at ${first})`,
        );
      } else {
        seen.set(entry.id, at);
      }
    }
    const sri = entry.digestSRI;
    const multibase = entry.digestMultibase;
    if (sri === undefined && multibase === undefined) {
      p.add(
        'missing_related_resource_digest',
        at,
        'Each relatedResource entry must have a digestSRI or a digestMultibase',
      );
    }
    if (sri !== undefined && (typeof sri !== 'string' || !SRI.test(sri))) {
      p.add(
        'invalid_related_resource_digest',
        join(at, 'digestSRI'),
        'digestSRI must be a Subresource Integrity value (sha256-…, sha384-… or sha512-…)',
      );
    }
    if (multibase !== undefined && (typeof multibase !== 'string' || !DIGEST_MULTIBASE.test(multibase))) {
      p.add(
        'invalid_related_resource_digest',
        join(at, 'digestMultibase'),
        'digestMultibase must be a multibase string (base64url "u…" or base58btc "z…")',
      );
    }
  }
}

function checkDate(p: Problems, document: JsonObject, key: string): number | undefined {
  const value = document[key];
  if (value === undefined) return undefined;
  if (!isDateTimeStamp(value)) {
    p.add('invalid_date', key, `${key} must be a date-time with a time zone (e.g. 2026-01-01T00:00:00Z)`);
    return undefined;
  }
  return Date.parse(value);
}

/**
 * Checks a credential (the unsecured document: an embedded `proof` is ignored, a vc+jwt payload as is)
 * against the VC Data Model: `@context`, `type`, `id` values, `issuer`, `credentialSubject`, the
 * validity dates and their order, and the typed entries (`credentialStatus`, `credentialSchema`,
 * `refreshService`, `termsOfUse`, `evidence`, `confidenceMethod`, `renderMethod`) and `relatedResource`.
 * An empty list means the credential follows the model.
 */
export function checkCredentialDataModel(credential: unknown): VcRuleProblem[] {
  const p = new Problems();
  if (!isObject(credential)) {
    p.add('not_an_object', '', 'A credential must be a JSON object');
    return p.list;
  }
  const version = dataModelVersion(credential);
  checkContext(p, credential, 'credential');
  checkType(p, credential, 'VerifiableCredential');
  const { proof: _proof, ...unsecured } = credential;
  checkIds(p, unsecured, '');

  if (credential.issuer === undefined) p.add('missing_issuer', 'issuer', 'issuer is required');
  else checkIssuerLike(p, credential.issuer, 'issuer', 'invalid_issuer');

  const subject = credential.credentialSubject;
  if (subject === undefined) {
    p.add('missing_credential_subject', 'credentialSubject', 'credentialSubject is required');
  } else {
    const subjects = entries(subject, 'credentialSubject');
    if (Array.isArray(subject) && subject.length === 0) {
      p.add('invalid_credential_subject', 'credentialSubject', 'credentialSubject must not be empty');
    }
    for (const [item, at] of subjects) {
      if (!isObject(item) || Object.keys(item).length === 0) {
        p.add('invalid_credential_subject', at, 'A credentialSubject must be an object with properties');
      }
    }
  }

  checkLanguageValue(p, credential, 'name');
  checkLanguageValue(p, credential, 'description');

  if (version === '1.1') {
    if (credential.issuanceDate === undefined) {
      p.add('missing_issuance_date', 'issuanceDate', 'A VC 1.1 credential must have an issuanceDate');
    }
    const from = checkDate(p, credential, 'issuanceDate');
    const until = checkDate(p, credential, 'expirationDate');
    if (from !== undefined && until !== undefined && from > until) {
      p.add('invalid_validity_period', 'expirationDate', 'expirationDate is before issuanceDate');
    }
  } else {
    const from = checkDate(p, credential, 'validFrom');
    const until = checkDate(p, credential, 'validUntil');
    if (from !== undefined && until !== undefined && from > until) {
      p.add('invalid_validity_period', 'validUntil', 'validUntil is before validFrom');
    }
  }

  checkTypedEntries(p, credential, 'credentialStatus', { idRequired: false });
  checkTypedEntries(p, credential, 'credentialSchema', { idRequired: true });
  // VC 2.0 §5.4 requires only a type (its own example has no id); OB 3.0 adds the id (checkOpenBadgeShape).
  checkTypedEntries(p, credential, 'refreshService', { idRequired: false });
  checkTypedEntries(p, credential, 'termsOfUse', { idRequired: false });
  checkTypedEntries(p, credential, 'evidence', { idRequired: false });
  checkTypedEntries(p, credential, 'confidenceMethod', { idRequired: false });
  checkTypedEntries(p, credential, 'renderMethod', { idRequired: false });
  checkRelatedResources(p, credential);
  return p.list;
}

/**
 * Checks a presentation's own shape: `@context`, `type` (with `VerifiablePresentation`), `id` values of
 * the presentation itself, `holder`, `termsOfUse`, and that each `verifiableCredential` is an object
 * (VC 2.0 forbids bare strings: a compact vc+jwt belongs in an EnvelopedVerifiableCredential; 1.1
 * presentations may still carry them).
 * The credentials inside are checked one by one with {@link checkCredentialDataModel}.
 */
export function checkPresentationDataModel(presentation: unknown): VcRuleProblem[] {
  const p = new Problems();
  if (!isObject(presentation)) {
    p.add('not_an_object', '', 'A presentation must be a JSON object');
    return p.list;
  }
  checkContext(p, presentation, 'presentation');
  checkType(p, presentation, 'VerifiablePresentation');
  if (presentation.id !== undefined && !isUrl(presentation.id)) {
    p.add('invalid_id', 'id', 'id must be a URL');
  }
  if (presentation.holder !== undefined) checkIssuerLike(p, presentation.holder, 'holder', 'invalid_holder');
  checkTypedEntries(p, presentation, 'termsOfUse', { idRequired: false });
  const credentials = presentation.verifiableCredential;
  // VC 1.1 presentations could carry compact JWTs as bare strings; 2.0 wraps them in envelopes.
  if (credentials !== undefined && dataModelVersion(presentation) !== '1.1') {
    for (const [item, at] of entries(credentials, 'verifiableCredential')) {
      if (!isObject(item)) {
        p.add(
          'invalid_verifiable_credential',
          at,
          'Each verifiableCredential must be an object (a credential or an EnvelopedVerifiableCredential)',
        );
      }
    }
  }
  return p.list;
}
