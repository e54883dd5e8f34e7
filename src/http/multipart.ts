import type { FastifyRequest } from 'fastify';
import { AppError, isAppError } from '../core/errors.ts';

/** The form field every single-file upload carries its file in. */
export const FILE_FIELD = 'file';

export interface UploadedPart {
  /** As the client named it (untrusted; each caller cleans it its own way). */
  filename: string;
  /** As the client declared it (untrusted). */
  mimetype: string;
  content: Buffer;
}

/**
 * Reads the one file part of a multipart/form-data upload into memory, stopping at `maxBytes`: a larger
 * upload is refused with 413 as soon as the limit is crossed, without reading the rest. `noun` names the
 * thing in messages ("file", "document"); `sizeDetail` says what the limit is.
 */
export async function readSingleFilePart(
  request: FastifyRequest,
  options: { maxBytes: number; noun: string; sizeDetail: string },
): Promise<UploadedPart> {
  const { noun } = options;
  if (!request.isMultipart()) {
    throw new AppError('unsupported_media_type', `Send the ${noun} as multipart/form-data`, {
      detail: `Upload the ${noun} as multipart/form-data with one part named "${FILE_FIELD}"`,
    });
  }
  try {
    const part = await request.file({
      limits: { fileSize: options.maxBytes, files: 1, fields: 0, parts: 1 },
      throwFileSizeLimit: true,
    });
    if (!part || part.fieldname !== FILE_FIELD) {
      throw AppError.validation(`The upload needs one file part named "${FILE_FIELD}"`, [
        { in: 'body', pointer: `/${FILE_FIELD}`, message: 'is missing' },
      ]);
    }
    const content = await part.toBuffer();
    return { filename: part.filename, mimetype: part.mimetype, content };
  } catch (error) {
    throw uploadError(error, options);
  }
}

function uploadError(error: unknown, options: { noun: string; sizeDetail: string }): unknown {
  if (isAppError(error)) return error;
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return new AppError('payload_too_large', `The ${options.noun} is too large`, {
        detail: options.sizeDetail,
      });
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return AppError.validation(
        `Upload one ${options.noun} per request, in a part named "${FILE_FIELD}", and no other fields`,
        [{ in: 'body', pointer: '', message: 'must hold exactly one file part' }],
      );
    default:
      // Anything else went wrong while parsing the caller's body (no boundary, truncated stream…).
      return new AppError('malformed_request', 'The multipart body is malformed', {
        detail: `The multipart/form-data body could not be read: ${(error as Error | null)?.message ?? 'unknown error'}`,
      });
  }
}
