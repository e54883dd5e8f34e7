import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ERROR_TITLES, type ErrorCode, type FieldProblem } from '../core/errors.ts';
import { sendWebPage } from './web.ts';

/** RFC 9457 problem details, plus our stable `code`, the request id and offending fields. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ format: 'uri-reference' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    code: Type.String(),
    requestId: Type.String(),
    errors: Type.Optional(
      Type.Array(Type.Object({ in: Type.String(), pointer: Type.String(), message: Type.String() })),
    ),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);

export function problemTypeUri(code: ErrorCode): string {
  return `/docs/errors#${code}`;
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: AppError): FastifyReply {
  if (error.code === 'not_found' && wantsWebPage(request)) {
    return sendWebPage(request, reply, {
      status: 404,
      data: { page: 'notFound', props: {} },
      meta: { title: 'Not found' },
    }) as FastifyReply;
  }
  const body: Record<string, unknown> = {
    type: problemTypeUri(error.code),
    title: ERROR_TITLES[error.code],
    status: error.status,
    detail: error.message,
    instance: request.url.split('?')[0],
    code: error.code,
    requestId: request.id,
  };
  if (error.fields && error.fields.length > 0) body.errors = error.fields;
  if (error.retryAfterSeconds !== undefined)
    reply.header('retry-after', String(Math.ceil(error.retryAfterSeconds)));
  return reply.status(error.status).type('application/problem+json; charset=utf-8').send(body);
}

/**
 * A person's browser asking for a page (not the API, not a machine-readable document): a missing page is
 * shown as a page, not as problem+json.
 */
function wantsWebPage(request: FastifyRequest): boolean {
  if (request.method !== 'GET') return false;
  const path = request.url.split('?')[0] ?? '';
  if (/^\/(api|vc-api|status-lists|\.well-known|assets)(\/|$)/.test(path) || path.endsWith('.json'))
    return false;
  const accept = request.headers.accept ?? '';
  return accept.split(',')[0]?.trim().startsWith('text/html') === true;
}

interface AjvError {
  instancePath: string;
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
}

/** Turns Ajv errors into one entry per offending field, naming unknown and missing properties. */
export function fieldsFromValidation(part: string, errors: AjvError[]): FieldProblem[] {
  return errors.map((error) => {
    let pointer = error.instancePath;
    let message = error.message ?? 'is invalid';
    if (error.keyword === 'additionalProperties') {
      pointer = `${pointer}/${String(error.params.additionalProperty)}`;
      message = 'is not a known property';
    } else if (error.keyword === 'required') {
      pointer = `${pointer}/${String(error.params.missingProperty)}`;
      message = 'is required';
    }
    return { in: part, pointer, message };
  });
}

/** Maps Fastify's own error codes (body parsing, limits, media types) to ours. */
export function appErrorFromFastify(error: {
  code?: string;
  statusCode?: number;
  message: string;
}): AppError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_BODY_TOO_LARGE_FOR_CONTENT_LENGTH':
      return new AppError('malformed_request', 'The request body is not valid JSON', {
        detail:
          error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
            ? 'The request body is empty but Content-Type says JSON'
            : 'The request body is not valid JSON',
      });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large', 'The request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_TYPE':
      return new AppError('unsupported_media_type', 'Unsupported Content-Type', {
        detail: 'This endpoint accepts application/json bodies',
      });
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_ASYNC_CONSTRAINT':
      return new AppError('invalid_request', 'The request URL is malformed');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new AppError('invalid_request', 'The request URL is malformed', {
        detail: 'A path parameter is too long',
      });
    default:
      break;
  }
  if (error.statusCode === 413) return new AppError('payload_too_large', 'The request body is too large');
  if (error.statusCode === 415) return new AppError('unsupported_media_type', 'Unsupported Content-Type');
  if (error.statusCode === 400)
    return new AppError('malformed_request', 'Malformed request', { detail: error.message });
  // Other client errors raised by plugins (e.g. the static file server's 403 and 404) stay client errors.
  switch (error.statusCode) {
    case 401:
      return new AppError('unauthenticated', 'Authentication required');
    case 403:
      return new AppError('forbidden', 'Forbidden');
    case 404:
      return new AppError('not_found', 'Not found');
    case 405:
      return new AppError('method_not_allowed', 'Method not allowed');
    case 409:
      return new AppError('conflict', 'Conflict');
    case 422:
      return new AppError('validation_failed', 'The request is invalid');
    default:
      break;
  }
  if (
    error.statusCode !== undefined &&
    error.statusCode > 400 &&
    error.statusCode < 500 &&
    error.statusCode !== 429
  )
    return new AppError('invalid_request', 'The request cannot be served');
  return undefined;
}
