import { randomInt } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { CONTEXT_URLS } from './contexts.ts';
import { VcError } from './errors.ts';

/**
 * W3C Bitstring Status List v1.0 (https://www.w3.org/TR/vc-bitstring-status-list/): how an issuer says
 * "revoked" or "suspended" about a credential without learning who checks it. Every credential gets a
 * random position (`statusListIndex`) in a list of at least 131,072 bits; the list is published as a
 * `BitstringStatusListCredential` whose `encodedList` is `u` + base64url(GZIP(bits)), and a verifier
 * downloads the whole list, so the issuer cannot tell which credential was looked at.
 *
 * Pure code: building the list credential, encoding, decoding and reading a bit. Signing the list
 * credential (proofs.ts), serving it and storing indexes (unique per list, enforced by the database) live
 * elsewhere.
 */

/** The spec's minimum list length (16 KiB uncompressed): below it, holders lose their herd privacy. */
export const MIN_BITSTRING_LENGTH = 131_072;
/** New lists have exactly the minimum length. */
export const DEFAULT_BITSTRING_LENGTH = MIN_BITSTRING_LENGTH;
/**
 * The longest list {@link Bitstring.decode} inflates (16 MiB, 134M entries). A hostile `encodedList` of a
 * few KiB could otherwise GZIP-expand into gigabytes in the verifier's memory.
 */
export const MAX_BITSTRING_LENGTH = 16 * 1024 * 1024 * 8;

export const STATUS_PURPOSES = ['revocation', 'suspension'] as const;
/** The purposes Credstack issues: `revocation` (final) and `suspension` (reversible). */
export type StatusPurpose = (typeof STATUS_PURPOSES)[number];

export const BITSTRING_STATUS_LIST_ENTRY = 'BitstringStatusListEntry';
export const BITSTRING_STATUS_LIST_CREDENTIAL = 'BitstringStatusListCredential';
export const BITSTRING_STATUS_LIST = 'BitstringStatusList';

/**
 * Why a status list or an entry cannot be used. Each maps to one of the spec's processing errors
 * (§3.6), given in {@link STATUS_SPEC_ERRORS}.
 */
export type StatusFailureCode =
  /** The `credentialStatus` entry is malformed: type, `statusListIndex`, `statusListCredential`, `id`. */
  | 'malformed_entry'
  /** The entry has a `statusSize` other than 1 (multi-bit `message` lists are not supported). */
  | 'unsupported_status_size'
  /** The status list credential is not a `BitstringStatusListCredential` with a `BitstringStatusList` subject. */
  | 'invalid_list_credential'
  /** The list credential's `id` is not the URL the entry points to (a list for another URL was supplied). */
  | 'list_id_mismatch'
  /** The list credential was issued by someone other than the expected issuer. */
  | 'list_issuer_mismatch'
  /** The list's `statusPurpose` does not include the entry's. */
  | 'purpose_mismatch'
  /** `encodedList` is not multibase base64url (`u…`, no padding) of GZIP data, or inflates past the maximum. */
  | 'malformed_list'
  /** The decoded list is shorter than 131,072 entries. */
  | 'list_too_short'
  /** `statusListIndex` is outside the list. */
  | 'index_out_of_range'
  /** The list credential's `validFrom` is in the future. */
  | 'list_not_yet_valid'
  /** The list credential's `validUntil` has passed: a fresher list is needed. */
  | 'list_expired';

/** The Bitstring Status List processing error each failure corresponds to. */
export const STATUS_SPEC_ERRORS: Readonly<Record<StatusFailureCode, string>> = {
  malformed_entry: 'MALFORMED_VALUE_ERROR',
  unsupported_status_size: 'MALFORMED_VALUE_ERROR',
  invalid_list_credential: 'STATUS_VERIFICATION_ERROR',
  list_id_mismatch: 'STATUS_VERIFICATION_ERROR',
  list_issuer_mismatch: 'STATUS_VERIFICATION_ERROR',
  purpose_mismatch: 'STATUS_VERIFICATION_ERROR',
  malformed_list: 'MALFORMED_VALUE_ERROR',
  list_too_short: 'STATUS_LIST_LENGTH_ERROR',
  index_out_of_range: 'RANGE_ERROR',
  list_not_yet_valid: 'STATUS_VERIFICATION_ERROR',
  list_expired: 'STATUS_VERIFICATION_ERROR',
};

/** A {@link VcError} `invalid_input` that also says which status failure it is. */
export class StatusListError extends VcError {
  readonly reason: StatusFailureCode;

  constructor(reason: StatusFailureCode, message: string, options: { cause?: unknown } = {}) {
    super('invalid_input', message, options);
    this.name = 'StatusListError';
    this.reason = reason;
  }
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function asList(value: unknown): unknown[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function checkLength(length: number, min: number, what: string): void {
  if (!Number.isSafeInteger(length) || length <= 0 || length % 8 !== 0) {
    throw new StatusListError(
      'malformed_list',
      `${what} must be a positive multiple of 8 bits, got ${length}`,
    );
  }
  if (length < min) {
    throw new StatusListError('list_too_short', `${what} has ${length} bits; the minimum is ${min}`);
  }
  if (length > MAX_BITSTRING_LENGTH) {
    throw new StatusListError(
      'malformed_list',
      `${what} has ${length} bits; the maximum is ${MAX_BITSTRING_LENGTH}`,
    );
  }
}

export interface BitstringOptions {
  /** Lowest accepted length in bits; defaults to the spec's 131,072. Lower only for another ecosystem's rules. */
  minLength?: number;
}

/**
 * A fixed-length list of status bits. Bit order is the spec's: index 0 is the left-most (most
 * significant) bit of the first byte, index `length - 1` the right-most bit of the last byte.
 */
export class Bitstring {
  /** Number of entries (bits). */
  readonly length: number;
  readonly #bytes: Uint8Array;

  /**
   * An all-zero list of `init` bits (a multiple of 8, at least 131,072; 131,072 by default), or a list over
   * a copy of raw uncompressed bytes.
   */
  constructor(init: number | Uint8Array = DEFAULT_BITSTRING_LENGTH, options: BitstringOptions = {}) {
    const length = typeof init === 'number' ? init : init.length * 8;
    checkLength(length, options.minLength ?? MIN_BITSTRING_LENGTH, 'A status list');
    this.length = length;
    this.#bytes = typeof init === 'number' ? new Uint8Array(length / 8) : Uint8Array.from(init);
  }

  #position(index: number): { byte: number; mask: number } {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.length) {
      throw new StatusListError(
        'index_out_of_range',
        `Status list index ${index} is outside 0..${this.length - 1}`,
      );
    }
    return { byte: Math.floor(index / 8), mask: 0x80 >> (index % 8) };
  }

  /** Whether the bit at `index` is set (revoked / suspended). */
  get(index: number): boolean {
    const { byte, mask } = this.#position(index);
    return ((this.#bytes[byte] as number) & mask) !== 0;
  }

  /** Sets (`true`, the default) or clears the bit at `index`. */
  set(index: number, value = true): void {
    const { byte, mask } = this.#position(index);
    const current = this.#bytes[byte] as number;
    this.#bytes[byte] = value ? current | mask : current & ~mask;
  }

  /** The indexes whose bit is set, ascending. */
  *setIndexes(): Generator<number> {
    for (let byte = 0; byte < this.#bytes.length; byte++) {
      const value = this.#bytes[byte] as number;
      if (value === 0) continue;
      for (let bit = 0; bit < 8; bit++) if (value & (0x80 >> bit)) yield byte * 8 + bit;
    }
  }

  /** A copy of the raw (uncompressed) bytes. */
  toBytes(): Uint8Array {
    return Uint8Array.from(this.#bytes);
  }

  /**
   * The `encodedList` value: `u` (multibase base64url) + base64url without padding of the GZIP of the bytes.
   * Node's default GZIP output is deterministic (no file name, mtime 0), so equal lists encode identically;
   * an empty 131,072-bit list encodes exactly as the spec's example.
   */
  encode(): string {
    return `u${gzipSync(this.#bytes).toString('base64url')}`;
  }

  /**
   * Parses an `encodedList`, checking the multibase prefix, the base64url alphabet (no padding), the GZIP
   * header and stream, and the length (at least `minLength`, at most {@link MAX_BITSTRING_LENGTH}). Throws a
   * {@link StatusListError}: `malformed_list` or `list_too_short`.
   */
  static decode(encodedList: string, options: BitstringOptions = {}): Bitstring {
    if (typeof encodedList !== 'string' || !encodedList.startsWith('u')) {
      throw new StatusListError(
        'malformed_list',
        'encodedList must be multibase base64url: a string starting with "u"',
      );
    }
    const text = encodedList.slice(1);
    if (!/^[A-Za-z0-9_-]+$/.test(text) || text.length % 4 === 1) {
      throw new StatusListError('malformed_list', 'encodedList is not base64url without padding');
    }
    const compressed = Buffer.from(text, 'base64url');
    // RFC 1952: ID1 ID2 = 1f 8b, CM = 8 (deflate); header 10 bytes + trailer 8.
    if (compressed.length < 18 || compressed[0] !== 0x1f || compressed[1] !== 0x8b || compressed[2] !== 8) {
      throw new StatusListError('malformed_list', 'encodedList does not hold GZIP data');
    }
    let bytes: Buffer;
    try {
      bytes = gunzipSync(compressed, { maxOutputLength: MAX_BITSTRING_LENGTH / 8 });
    } catch (error) {
      const tooLong =
        error instanceof RangeError || (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
      throw new StatusListError(
        'malformed_list',
        tooLong
          ? `encodedList inflates past the maximum of ${MAX_BITSTRING_LENGTH} bits`
          : `encodedList is not valid GZIP: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (bytes.length === 0) throw new StatusListError('list_too_short', 'encodedList inflates to nothing');
    return new Bitstring(bytes, options);
  }
}

/**
 * A random position in a list of `size` entries (crypto.randomInt). The spec asks for random
 * assignment so an index reveals nothing about issuance order or volume; uniqueness within a list is the
 * database's job (retry on conflict).
 */
export function randomIndex(size: number = DEFAULT_BITSTRING_LENGTH): number {
  if (!Number.isSafeInteger(size) || size <= 0 || size > 2 ** 48) {
    throw new VcError('invalid_input', `A status list size must be an integer in 1..2^48, got ${size}`);
  }
  return randomInt(size);
}

// ---------------------------------------------------------------------------------------------------
// Credentials and entries

const DATE_TIME_STAMP = /^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/;

/**
 * Whether `value` is an XML Schema dateTimeStamp (a date-time with a time zone) naming a real instant:
 * `2026-02-30T…` or `T24:61:00` are refused rather than rolled over as `Date` would.
 */
export function isDateTimeStamp(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = DATE_TIME_STAMP.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const offsetOk = match[9] === undefined || (Number(match[9]) <= 14 && Number(match[10]) <= 59);
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    offsetOk &&
    !Number.isNaN(Date.parse(value))
  );
}

/**
 * Dates as VC 2.0 wants them: a `Date`, or a dateTimeStamp string ({@link isDateTimeStamp}), written in
 * UTC with milliseconds only when non-zero. Throws {@link VcError} `invalid_input` naming `what`.
 */
export function toDateTimeStamp(value: Date | string, what: string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime()) || (typeof value === 'string' && !isDateTimeStamp(value))) {
    throw new VcError(
      'invalid_input',
      `${what} must be a date-time with a time zone, got "${String(value)}"`,
    );
  }
  return date.toISOString().replace('.000Z', 'Z');
}

/** An absolute http(s) URL without a fragment, as status list credential ids are dereferenced. */
function checkListUrl(value: unknown, what: string): string {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || /[\s#]/.test(value as string)) {
    throw new VcError(
      'invalid_input',
      `${what} must be an absolute http(s) URL without a fragment, got "${String(value)}"`,
    );
  }
  return value as string;
}

function checkPurpose(value: unknown): StatusPurpose {
  if (!STATUS_PURPOSES.includes(value as StatusPurpose)) {
    throw new VcError(
      'invalid_input',
      `statusPurpose must be one of ${STATUS_PURPOSES.join(', ')}, got "${String(value)}"`,
    );
  }
  return value as StatusPurpose;
}

/** A type (not an interface) so it is assignable to the JSON object type signCredential takes. */
export type BitstringStatusListCredential = {
  '@context': string[];
  id: string;
  type: ['VerifiableCredential', 'BitstringStatusListCredential'];
  issuer: string | ({ id: string } & JsonObject);
  validFrom?: string;
  validUntil?: string;
  credentialSubject: {
    id: string;
    type: 'BitstringStatusList';
    statusPurpose: StatusPurpose;
    encodedList: string;
    ttl?: number;
  };
};

export interface BuildStatusListCredentialOptions {
  /** The URL the list is published at; the entries' `statusListCredential`. */
  id: string;
  /** The issuer's DID (or a profile object with an `id`). */
  issuer: string | ({ id: string } & JsonObject);
  statusPurpose: StatusPurpose;
  /** From {@link Bitstring.encode}; checked by decoding it. */
  encodedList: string;
  validFrom?: Date | string;
  validUntil?: Date | string;
  /** Suggested refresh interval in milliseconds (`credentialSubject.ttl`). */
  ttl?: number;
}

/**
 * The unsigned VC 2.0 `BitstringStatusListCredential` for one list (sign it with proofs.ts, then publish
 * it at `id`). The subject is `${id}#list`. Throws {@link VcError} `invalid_input` on bad options.
 */
export function buildStatusListCredential(
  options: BuildStatusListCredentialOptions,
): BitstringStatusListCredential {
  const id = checkListUrl(options.id, 'The status list credential id');
  const issuerId = typeof options.issuer === 'string' ? options.issuer : options.issuer?.id;
  if (typeof issuerId !== 'string' || !/^[a-z][a-z0-9+.-]*:\S+$/i.test(issuerId)) {
    throw new VcError('invalid_input', 'The status list issuer must be a DID or URL');
  }
  const statusPurpose = checkPurpose(options.statusPurpose);
  Bitstring.decode(options.encodedList);
  const validFrom =
    options.validFrom === undefined ? undefined : toDateTimeStamp(options.validFrom, 'validFrom');
  const validUntil =
    options.validUntil === undefined ? undefined : toDateTimeStamp(options.validUntil, 'validUntil');
  if (validFrom && validUntil && Date.parse(validUntil) < Date.parse(validFrom)) {
    throw new VcError('invalid_input', 'validUntil must not be before validFrom');
  }
  if (options.ttl !== undefined && (!Number.isSafeInteger(options.ttl) || options.ttl < 0)) {
    throw new VcError('invalid_input', 'ttl must be a non-negative integer number of milliseconds');
  }
  return {
    '@context': [CONTEXT_URLS.VC_V2],
    id,
    type: ['VerifiableCredential', BITSTRING_STATUS_LIST_CREDENTIAL],
    issuer: typeof options.issuer === 'string' ? options.issuer : structuredClone(options.issuer),
    ...(validFrom ? { validFrom } : {}),
    ...(validUntil ? { validUntil } : {}),
    credentialSubject: {
      id: `${id}#list`,
      type: BITSTRING_STATUS_LIST,
      statusPurpose,
      encodedList: options.encodedList,
      ...(options.ttl !== undefined ? { ttl: options.ttl } : {}),
    },
  };
}

export type BitstringStatusListEntry = {
  id: string;
  type: 'BitstringStatusListEntry';
  statusPurpose: StatusPurpose;
  /** Base-10 string, as the spec requires. */
  statusListIndex: string;
  statusListCredential: string;
};

/**
 * The `credentialStatus` entry pointing at position `index` of the list published at `listCredentialUrl`.
 * Its `id` is `${listCredentialUrl}#${index}` (never the list URL itself, which the spec forbids).
 */
export function buildStatusEntry(options: {
  listCredentialUrl: string;
  index: number;
  statusPurpose: StatusPurpose;
}): BitstringStatusListEntry {
  const url = checkListUrl(options.listCredentialUrl, 'listCredentialUrl');
  const { index } = options;
  if (!Number.isSafeInteger(index) || index < 0) {
    throw new VcError('invalid_input', `A status list index must be a non-negative integer, got ${index}`);
  }
  return {
    id: `${url}#${index}`,
    type: BITSTRING_STATUS_LIST_ENTRY,
    statusPurpose: checkPurpose(options.statusPurpose),
    statusListIndex: String(index),
    statusListCredential: url,
  };
}

/** The `BitstringStatusListEntry` objects of a credential's `credentialStatus` (one object or an array). */
export function findStatusEntries(credential: unknown): JsonObject[] {
  if (!isObject(credential)) return [];
  return asList(credential.credentialStatus).filter(
    (entry): entry is JsonObject => isObject(entry) && entry.type === BITSTRING_STATUS_LIST_ENTRY,
  );
}

// ---------------------------------------------------------------------------------------------------
// Checking

export type StatusCheck =
  | {
      ok: true;
      /** The entry's purpose (`revocation`, `suspension`, …). */
      purpose: string;
      /** True when the bit is set: the credential is revoked / suspended. */
      set: boolean;
      index: number;
      /** The list's length in entries. */
      listLength: number;
    }
  | {
      ok: false;
      reason: StatusFailureCode;
      /** The spec's processing error name (`STATUS_VERIFICATION_ERROR`, …). */
      specError: string;
      message: string;
    };

export interface CheckStatusOptions {
  /** One `BitstringStatusListEntry` from the credential being verified. */
  entry: unknown;
  /** The list credential the entry's `statusListCredential` dereferenced to (its proof already verified). */
  listCredential: unknown;
  /** When given, the list credential's issuer must be this id (usually the credential's own issuer). */
  expectedIssuer?: string;
  /** Time for the list's validity period; defaults to now. */
  now?: Date;
  /** Minimum list length; the spec's 131,072 by default. */
  minLength?: number;
}

function failure(reason: StatusFailureCode, message: string): StatusCheck {
  return { ok: false, reason, specError: STATUS_SPEC_ERRORS[reason], message };
}

/**
 * The spec's Validate Algorithm (§3.2) for one entry, minus dereferencing and proof checking, which the
 * caller does first (a status list credential is a credential like any other: verify it with
 * proofs.ts, and decide whose lists to trust). Checks the entry, the list credential's type, id, issuer,
 * purpose and validity period, decodes the list and reads the bit. Never throws: a failure says why.
 */
export function checkStatus(options: CheckStatusOptions): StatusCheck {
  const { entry, listCredential } = options;
  const now = options.now ?? new Date();

  // The entry.
  if (!isObject(entry) || entry.type !== BITSTRING_STATUS_LIST_ENTRY) {
    return failure('malformed_entry', 'The status entry is not a BitstringStatusListEntry');
  }
  if (typeof entry.statusPurpose !== 'string' || entry.statusPurpose === '') {
    return failure('malformed_entry', 'The status entry has no statusPurpose');
  }
  if (typeof entry.statusListIndex !== 'string' || !/^\d+$/.test(entry.statusListIndex)) {
    return failure(
      'malformed_entry',
      'statusListIndex must be a non-negative integer written as a base-10 string',
    );
  }
  if (typeof entry.statusListCredential !== 'string' || entry.statusListCredential === '') {
    return failure('malformed_entry', 'The status entry has no statusListCredential URL');
  }
  if (entry.id !== undefined && (typeof entry.id !== 'string' || entry.id === entry.statusListCredential)) {
    return failure('malformed_entry', "The status entry's id must be a URL other than the status list's");
  }
  if (entry.statusSize !== undefined && entry.statusSize !== 1) {
    return failure(
      'unsupported_status_size',
      `statusSize ${String(entry.statusSize)} is not supported (only 1)`,
    );
  }
  const purpose = entry.statusPurpose;
  const index = Number(entry.statusListIndex);

  // The list credential.
  if (!isObject(listCredential) || !asList(listCredential.type).includes(BITSTRING_STATUS_LIST_CREDENTIAL)) {
    return failure('invalid_list_credential', 'The status list is not a BitstringStatusListCredential');
  }
  const subject = listCredential.credentialSubject;
  if (!isObject(subject) || subject.type !== BITSTRING_STATUS_LIST) {
    return failure(
      'invalid_list_credential',
      "The status list credential's subject is not a BitstringStatusList",
    );
  }
  if (listCredential.id !== undefined && listCredential.id !== entry.statusListCredential) {
    return failure(
      'list_id_mismatch',
      `The status list credential is "${String(listCredential.id)}", not "${entry.statusListCredential}"`,
    );
  }
  if (options.expectedIssuer !== undefined) {
    const issuer = listCredential.issuer;
    const issuerId = typeof issuer === 'string' ? issuer : isObject(issuer) ? issuer.id : undefined;
    if (issuerId !== options.expectedIssuer) {
      return failure(
        'list_issuer_mismatch',
        `The status list was issued by "${String(issuerId)}", not "${options.expectedIssuer}"`,
      );
    }
  }
  const listPurposes = asList(subject.statusPurpose);
  if (!listPurposes.includes(purpose)) {
    return failure(
      'purpose_mismatch',
      `The status list is for "${listPurposes.join(', ')}", the entry for "${purpose}"`,
    );
  }
  for (const key of ['validFrom', 'validUntil'] as const) {
    const value = listCredential[key];
    if (value !== undefined && (typeof value !== 'string' || Number.isNaN(Date.parse(value)))) {
      return failure('invalid_list_credential', `The status list credential's ${key} is not a date-time`);
    }
  }
  if (typeof listCredential.validFrom === 'string' && Date.parse(listCredential.validFrom) > now.getTime()) {
    return failure('list_not_yet_valid', `The status list is valid only from ${listCredential.validFrom}`);
  }
  if (
    typeof listCredential.validUntil === 'string' &&
    Date.parse(listCredential.validUntil) < now.getTime()
  ) {
    return failure('list_expired', `The status list expired at ${listCredential.validUntil}`);
  }

  // The bits.
  let list: Bitstring;
  try {
    list = Bitstring.decode(subject.encodedList as string, { minLength: options.minLength });
  } catch (error) {
    if (error instanceof StatusListError) return failure(error.reason, error.message);
    throw error;
  }
  if (!Number.isSafeInteger(index) || index >= list.length) {
    return failure(
      'index_out_of_range',
      `statusListIndex ${entry.statusListIndex} is outside 0..${list.length - 1}`,
    );
  }
  return { ok: true, purpose, set: list.get(index), index, listLength: list.length };
}
