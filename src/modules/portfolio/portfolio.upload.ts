import type { FastifyRequest } from 'fastify';
import { AppError, isAppError } from '../../core/errors.ts';
import { cleanFileName } from './portfolio.files.ts';
import { HARD_MAX_FILE_BYTES } from './portfolio.rubric.ts';
import type { UploadedFile } from './portfolio.service.ts';

/** The form field that carries the file. */
export const FILE_FIELD = 'file';

/**
 * Reads the one file of a multipart/form-data upload into memory, stopping at the hard cap (25 MB) so an
 * oversized upload is refused without being read to the end. The rubric's own (lower) limits, the file
 * count and the file type are the service's to check.
 */
export async function readSingleUpload(request: FastifyRequest): Promise<UploadedFile> {
  if (!request.isMultipart()) {
    throw new AppError('unsupported_media_type', 'Send the file as multipart/form-data', {
      detail: `Upload the file as multipart/form-data with one part named "${FILE_FIELD}"`,
    });
  }
  try {
    const part = await request.file({
      limits: { fileSize: HARD_MAX_FILE_BYTES, files: 1, fields: 0, parts: 1 },
      throwFileSizeLimit: true,
    });
    if (!part || part.fieldname !== FILE_FIELD) {
      throw AppError.validation(`The upload needs one file part named "${FILE_FIELD}"`, [
        { in: 'body', pointer: `/${FILE_FIELD}`, message: 'is missing' },
      ]);
    }
    const fileName = cleanFileName(part.filename);
    if (fileName === undefined) {
      throw AppError.validation('The file needs a name with its extension, e.g. report.pdf', [
        { in: 'body', pointer: `/${FILE_FIELD}`, message: 'has no file name' },
      ]);
    }
    const bytes = await part.toBuffer();
    return { fileName, bytes };
  } catch (error) {
    throw uploadError(error);
  }
}

function uploadError(error: unknown): unknown {
  if (isAppError(error)) return error;
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return new AppError('payload_too_large', 'The file is too large', {
        detail: `No file may be larger than ${HARD_MAX_FILE_BYTES / (1024 * 1024)} MB (and the assessment may allow less)`,
      });
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return AppError.validation(
        `Upload one file per request, in a part named "${FILE_FIELD}", and no other fields`,
        [{ in: 'body', pointer: '', message: 'must hold exactly one file part' }],
      );
    default:
      // Anything else went wrong while parsing the caller's body (no boundary, truncated stream…).
      return new AppError('malformed_request', 'The multipart body is malformed', {
        detail: `The multipart/form-data body could not be read: ${(error as Error | null)?.message ?? 'unknown error'}`,
      });
  }
}
