/**
 * Errors thrown by the verifiable-credentials layer. They are plain errors with a stable snake_case
 * `code` (not {@link AppError}s): this layer knows nothing about HTTP, so the service that calls it decides
 * which application error each becomes (usually `validation_failed` or `internal_error`).
 */
export const VC_ERROR_CODES = [
  /** A JSON-LD context or document URL that is not bundled was requested; nothing is ever fetched. */
  'unknown_context',
  /** A DID (or DID URL) could not be resolved, or its fragment names no verification method. */
  'unknown_did',
  /** Key material is malformed (bad multibase, wrong length, public key not matching the secret). */
  'invalid_key',
  /** An encrypted private key could not be decrypted (wrong master key, tampered, or bound to another id). */
  'key_decryption_failed',
  /** The input cannot be signed (not a credential, unsupported option, missing previous proof). */
  'invalid_input',
  /** A DID or URL is not valid for the operation (e.g. not a did:web). */
  'invalid_did',
  /** A DID or status list lives on another host and this server is configured not to fetch other hosts. */
  'remote_fetch_disabled',
  /** A status list URL on our own host names no status list we publish. */
  'status_list_not_found',
] as const;

export type VcErrorCode = (typeof VC_ERROR_CODES)[number];

export class VcError extends Error {
  readonly code: VcErrorCode;

  constructor(code: VcErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'VcError';
    this.code = code;
  }
}

/** A JSON-LD document loader was asked for a URL it does not bundle. The message names the URL. */
export class UnknownContextError extends VcError {
  readonly url: string;

  constructor(url: string) {
    super(
      'unknown_context',
      `Unknown JSON-LD context or document "${url}": only bundled contexts are served`,
    );
    this.name = 'UnknownContextError';
    this.url = url;
  }
}

export function isVcError(value: unknown): value is VcError {
  return value instanceof VcError;
}

/** Walks `cause` chains (and jsonld's `details.cause`) looking for a {@link VcError}. */
export function findVcError(error: unknown, depth = 0): VcError | undefined {
  if (depth > 8 || error === null || typeof error !== 'object') return undefined;
  if (error instanceof VcError) return error;
  const candidate = error as { cause?: unknown; details?: { cause?: unknown } };
  return findVcError(candidate.cause, depth + 1) ?? findVcError(candidate.details?.cause, depth + 1);
}
