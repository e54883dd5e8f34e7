/**
 * One typed error for the whole application. Every code is stable (clients may switch on it) and maps to
 * exactly one HTTP status in {@link ERROR_STATUS}; docs/errors.md documents when each is thrown.
 */
export const ERROR_STATUS = {
  /** The body is not well-formed (bad JSON, wrong encoding). */
  malformed_request: 400,
  /** Path or query parameters are invalid. */
  invalid_request: 400,
  /** No valid session or token was presented. */
  unauthenticated: 401,
  /** The caller is known but the action is not allowed for them (only where the resource is visible). */
  forbidden: 403,
  /** The CSRF token of a cookie-authenticated write is missing or wrong. */
  csrf_failed: 403,
  /** The API token lacks a scope the route needs. */
  insufficient_scope: 403,
  /** The e-mail address is not verified yet and the action requires it. */
  email_not_verified: 403,
  /** The resource does not exist or the caller may not see it. */
  not_found: 404,
  /** The HTTP method is not supported on this path. */
  method_not_allowed: 405,
  /** None of the representations the client accepts is available (Accept header). */
  not_acceptable: 406,
  /** A unique value is already taken (e-mail, slug...). */
  conflict: 409,
  /** The resource changed state and the action no longer applies (e.g. invitation already accepted). */
  invalid_state: 409,
  /** A one-time token (verification, reset, invitation) is unknown, used or expired. */
  token_invalid: 400,
  /** The body exceeds the configured limit. */
  payload_too_large: 413,
  /** The Content-Type is not one the route accepts. */
  unsupported_media_type: 415,
  /** The body is well-formed but breaks the schema or a business rule. */
  validation_failed: 422,
  /** A credential to sign is not a valid VC 2.0 credential (undefined JSON-LD terms, bad shape, wrong issuer). */
  invalid_credential: 422,
  /** A credential names a JSON-LD @context that is not bundled; remote contexts are never fetched. */
  unknown_context: 422,
  /** The credential is revoked, which is final: it cannot be reinstated or suspended. */
  credential_revoked: 409,
  /** A definition cannot be published while a mandatory standard element or its assessment is missing. */
  definition_not_publishable: 422,
  /** Results and bulk issue need a published own definition whose assessment type is `external`. */
  definition_not_issuable: 422,
  /** A gap-analysis target (job text, occupation, role profile, skills) names no skill the skills store knows. */
  target_has_no_skills: 422,
  /** An uploaded document cannot be read as text (corrupt, encrypted, binary, or no text in it). */
  document_unreadable: 422,
  /** A pathway's rules are broken (cycle, N > M, a retired or unknown definition...); `errors` lists each problem. */
  pathway_invalid: 422,
  /** A credential submitted for recognition of prior learning fails verification (forged, altered, revoked). */
  credential_not_verified: 422,
  /** No attempts left at this assessment. */
  attempt_limit_reached: 409,
  /** A new attempt inside the cooldown after the last one; see Retry-After. */
  cooldown_active: 429,
  /** An answer or submission arrived after the attempt's time limit; the attempt is closed. */
  time_limit_exceeded: 409,
  /** Wrong e-mail or password. */
  invalid_credentials: 401,
  /** Too many requests or failed logins; retry later. */
  rate_limited: 429,
  /** Something unexpected broke; details are only in the server log. */
  internal_error: 500,
  /** A dependency (database) is not reachable. */
  unavailable: 503,
  /** The organisation's signing key cannot be unlocked (wrong master key, key store unreachable). */
  issuer_key_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** One offending input field, as a JSON pointer into the request part plus a readable message. */
export interface FieldProblem {
  /** Where: `body`, `querystring`, `params` or `headers`. */
  in: string;
  /** JSON pointer within that part, e.g. `/email`; empty for the whole part. */
  pointer: string;
  message: string;
}

export interface AppErrorOptions {
  detail?: string;
  fields?: FieldProblem[];
  /** Seconds a client should wait before retrying (sets Retry-After). */
  retryAfterSeconds?: number;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly fields: FieldProblem[] | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(options.detail ?? message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.fields = options.fields;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  static notFound(what = 'Resource'): AppError {
    return new AppError('not_found', `${what} not found`);
  }

  static validation(detail: string, fields?: FieldProblem[]): AppError {
    return new AppError('validation_failed', detail, { fields });
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** Human titles for problem+json, one per code. */
export const ERROR_TITLES: Record<ErrorCode, string> = {
  malformed_request: 'Malformed request',
  invalid_request: 'Invalid request',
  unauthenticated: 'Authentication required',
  forbidden: 'Forbidden',
  csrf_failed: 'CSRF check failed',
  insufficient_scope: 'Insufficient token scope',
  email_not_verified: 'E-mail address not verified',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  not_acceptable: 'Not acceptable',
  conflict: 'Conflict',
  invalid_state: 'Invalid state',
  token_invalid: 'Invalid or expired token',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  validation_failed: 'Validation failed',
  invalid_credential: 'Invalid credential',
  unknown_context: 'Unknown JSON-LD context',
  credential_revoked: 'Credential revoked',
  definition_not_publishable: 'Definition not publishable',
  definition_not_issuable: 'Definition not issuable this way',
  target_has_no_skills: 'Target has no known skills',
  document_unreadable: 'Document unreadable',
  pathway_invalid: 'Pathway invalid',
  credential_not_verified: 'Credential not verified',
  attempt_limit_reached: 'Attempt limit reached',
  cooldown_active: 'Cooldown active',
  time_limit_exceeded: 'Time limit exceeded',
  invalid_credentials: 'Invalid credentials',
  rate_limited: 'Too many requests',
  internal_error: 'Internal server error',
  unavailable: 'Service unavailable',
  issuer_key_unavailable: 'Signing key unavailable',
};
