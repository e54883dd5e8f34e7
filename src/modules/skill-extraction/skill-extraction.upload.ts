import type { FastifyRequest } from 'fastify';
import { AppError, isAppError } from '../../core/errors.ts';
import { MAX_DOCUMENT_BYTES } from './text-input.ts';

/** The form field that carries the document. */
export const FILE_FIELD = 'file';

/**
 * Reads the one document of a multipart/form-data upload, stopping at {@link MAX_DOCUMENT_BYTES}: a larger
 * upload is refused with 413 as soon as the limit is crossed, without buffering the rest.
 */
export async function readDocumentUpload(
  request: FastifyRequest,
): Promise<{ filename: string; content: Buffer; mediaType?: string }> {
  if (!request.isMultipart()) {
    throw new AppError('unsupported_media_type', 'Send the document as multipart/form-data', {
      detail: `Upload the document as multipart/form-data with one part named "${FILE_FIELD}"`,
    });
  }
  try {
    const part = await request.file({
      limits: { fileSize: MAX_DOCUMENT_BYTES, files: 1, fields: 0, parts: 1 },
      throwFileSizeLimit: true,
    });
    if (!part || part.fieldname !== FILE_FIELD) {
      throw AppError.validation(`The upload needs one file part named "${FILE_FIELD}"`, [
        { in: 'body', pointer: `/${FILE_FIELD}`, message: 'is missing' },
      ]);
    }
    const content = await part.toBuffer();
    const filename = (part.filename || 'document')
      .replace(/[\\/]/g, '_')
      .replace(/\p{Cc}/gu, '_')
      .slice(-200);
    return part.mimetype ? { filename, content, mediaType: part.mimetype } : { filename, content };
  } catch (error) {
    if (isAppError(error)) throw error;
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new AppError('payload_too_large', 'The document is too large', {
        detail: `Documents may be at most ${MAX_DOCUMENT_BYTES / (1024 * 1024)} MB`,
      });
    }
    if (code === 'FST_PARTS_LIMIT' || code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT') {
      throw AppError.validation(`Upload one document, in a part named "${FILE_FIELD}", and no other fields`, [
        { in: 'body', pointer: '', message: 'must hold exactly one file part' },
      ]);
    }
    throw new AppError('malformed_request', 'The multipart body is malformed', {
      detail: `The multipart/form-data body could not be read: ${(error as Error | null)?.message ?? 'unknown error'}`,
    });
  }
}
