import type { FastifyRequest } from 'fastify';
import { readSingleFilePart } from '../../http/multipart.ts';
import { MAX_DOCUMENT_BYTES } from './text-input.ts';

/**
 * Reads the one document of a multipart/form-data upload, stopping at {@link MAX_DOCUMENT_BYTES}: a larger
 * upload is refused with 413 as soon as the limit is crossed, without buffering the rest.
 */
export async function readDocumentUpload(
  request: FastifyRequest,
): Promise<{ filename: string; content: Buffer; mediaType?: string }> {
  const part = await readSingleFilePart(request, {
    maxBytes: MAX_DOCUMENT_BYTES,
    noun: 'document',
    sizeDetail: `Documents may be at most ${MAX_DOCUMENT_BYTES / (1024 * 1024)} MB`,
  });
  const filename = (part.filename || 'document')
    .replace(/[\\/]/g, '_')
    .replace(/\p{Cc}/gu, '_')
    .slice(-200);
  return part.mimetype
    ? { filename, content: part.content, mediaType: part.mimetype }
    : { filename, content: part.content };
}
