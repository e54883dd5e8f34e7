import { AppError } from '../../core/errors.ts';

/** Documents larger than this are refused before they are parsed (the routes stop reading at it too). */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

export type DocumentKind = 'text' | 'markdown' | 'pdf' | 'docx';

const EXTENSIONS: Record<string, DocumentKind> = {
  txt: 'text',
  text: 'text',
  md: 'markdown',
  markdown: 'markdown',
  pdf: 'pdf',
  docx: 'docx',
};

function unreadable(filename: string, why: string, cause?: unknown): AppError {
  return new AppError('document_unreadable', 'The document cannot be read', {
    detail: `${filename}: ${why}`,
    cause,
  });
}

/**
 * The document's kind, by its magic bytes first (a PDF renamed .txt is still a PDF) and then by its
 * extension or media type. A ZIP that is not a Word document, and anything else binary, is unsupported.
 */
export function detectDocumentKind(filename: string, content: Buffer, mediaType?: string): DocumentKind {
  if (content.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
  const isZip = content.length >= 4 && content.readUInt32LE(0) === 0x04034b50;
  const extension = filename.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1] ?? '';
  const byName = EXTENSIONS[extension];
  if (isZip) {
    if (byName === 'docx' || mediaType?.includes('wordprocessingml')) return 'docx';
    // A .docx is a ZIP holding word/document.xml; the name appears in the local file headers.
    if (content.includes('word/document.xml')) return 'docx';
    throw unsupported(filename);
  }
  if (byName === 'pdf' || byName === 'docx') return byName;
  if (byName) return byName;
  if (mediaType === 'text/markdown') return 'markdown';
  if (mediaType?.startsWith('text/') || !extension) return 'text';
  throw unsupported(filename);
}

function unsupported(filename: string): AppError {
  return new AppError('unsupported_media_type', 'Unsupported document type', {
    detail: `${filename}: send a .txt, .md, .pdf or .docx document`,
  });
}

/**
 * The plain text of an uploaded document: .txt and .md (UTF-8; markdown markup stripped), .pdf (unpdf),
 * .docx (mammoth). Throws `document_unreadable` (422) for a corrupt, encrypted or binary document or one
 * with no text, `unsupported_media_type` (415) for other types, `payload_too_large` (413) beyond
 * {@link MAX_DOCUMENT_BYTES}.
 */
export async function readDocumentText(options: {
  filename: string;
  content: Buffer;
  mediaType?: string;
}): Promise<string> {
  const { filename, content } = options;
  if (content.length > MAX_DOCUMENT_BYTES) {
    throw new AppError('payload_too_large', 'The document is too large', {
      detail: `Documents may be at most ${MAX_DOCUMENT_BYTES / (1024 * 1024)} MB`,
    });
  }
  if (content.length === 0) throw unreadable(filename, 'the file is empty');
  const kind = detectDocumentKind(filename, content, options.mediaType);
  let text: string;
  switch (kind) {
    case 'text':
    case 'markdown': {
      const decoded = decodeUtf8(filename, content);
      text = kind === 'markdown' ? stripMarkdown(decoded) : decoded;
      break;
    }
    case 'pdf':
      text = await readPdf(filename, content);
      break;
    case 'docx':
      text = await readDocx(filename, content);
      break;
  }
  const normalised = text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+\n/g, '\n')
    .trim();
  if (!/[\p{L}]{2}/u.test(normalised)) throw unreadable(filename, 'there is no text in it');
  return normalised;
}

function decodeUtf8(filename: string, content: Buffer): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch (error) {
    throw unreadable(filename, 'it is not UTF-8 text (a binary file?)', error);
  }
  text = text.replace(/^\uFEFF/, '');
  // Control characters other than whitespace mark binary content that happens to be valid UTF-8.
  if (looksBinary(text)) throw unreadable(filename, 'it holds binary data, not text');
  return text;
}

/**
 * Control characters other than whitespace (NUL, BEL, ESC…) mark binary content that happens to decode;
 * a few stray ones in a long text are tolerated.
 */
export function looksBinary(text: string): boolean {
  let controls = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && (code < 0x09 || code > 0x0d)) controls++;
  }
  return controls > Math.max(2, text.length / 1000);
}

/** Markdown to its readable text: code fences, links, images, emphasis, headings and list markers go. */
export function stripMarkdown(markdown: string): string {
  return markdown
    .replace(/^(```|~~~)[^\n]*$/gm, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^[ \t]{0,3}#{1,6}[ \t]+/gm, '')
    .replace(/^[ \t]{0,3}>[ \t]?/gm, '')
    .replace(/^[ \t]*(?:[-*_][ \t]*){3,}$/gm, '')
    .replace(/^[ \t]*(?:[-*+]|\d+[.)])[ \t]+/gm, '')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|[\s(])[*_]([^*_\n]+)[*_](?=[\s).,;:!?]|$)/gm, '$1$2')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/<\/?[a-z][^>]*>/gi, '')
    .replace(/^[ \t]*\|?(?:[ \t]*:?-{3,}:?[ \t]*\|)+[ \t]*$/gm, '')
    .replace(/\|/g, ' ');
}

async function readPdf(filename: string, content: Buffer): Promise<string> {
  try {
    const { extractText, getDocumentProxy } = await import('unpdf');
    const pdf = await getDocumentProxy(new Uint8Array(content));
    const { text } = await extractText(pdf, { mergePages: true });
    return text;
  } catch (error) {
    throw unreadable(filename, 'the PDF is corrupt or encrypted', error);
  }
}

async function readDocx(filename: string, content: Buffer): Promise<string> {
  try {
    const mammoth = await import('mammoth');
    const result = await mammoth.extractRawText({ buffer: content });
    return result.value;
  } catch (error) {
    throw unreadable(filename, 'the Word document is corrupt', error);
  }
}
