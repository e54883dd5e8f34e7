import type { FastifyRequest } from 'fastify';
import { AppError } from '../../core/errors.ts';
import { FILE_FIELD, readSingleFilePart } from '../../http/multipart.ts';
import { cleanFileName } from './portfolio.files.ts';
import { HARD_MAX_FILE_BYTES } from './portfolio.rubric.ts';
import type { UploadedFile } from './portfolio.service.ts';

/**
 * Reads the one file of a multipart/form-data upload into memory, stopping at the hard cap (25 MB) so an
 * oversized upload is refused without being read to the end. The rubric's own (lower) limits, the file
 * count and the file type are the service's to check.
 */
export async function readSingleUpload(request: FastifyRequest): Promise<UploadedFile> {
  const part = await readSingleFilePart(request, {
    maxBytes: HARD_MAX_FILE_BYTES,
    noun: 'file',
    sizeDetail: `No file may be larger than ${HARD_MAX_FILE_BYTES / (1024 * 1024)} MB (and the assessment may allow less)`,
  });
  const fileName = cleanFileName(part.filename);
  if (fileName === undefined) {
    throw AppError.validation('The file needs a name with its extension, e.g. report.pdf', [
      { in: 'body', pointer: `/${FILE_FIELD}`, message: 'has no file name' },
    ]);
  }
  return { fileName, bytes: part.content };
}
