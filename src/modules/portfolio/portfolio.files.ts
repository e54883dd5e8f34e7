import { basename } from 'node:path';
import type { FileType } from './portfolio.rubric.ts';

/**
 * What an uploaded file really is. The client's name and Content-Type are claims; the bytes decide. A file
 * is accepted only when its extension and its content name the same kind, so a PNG renamed `.pdf`, or a
 * ZIP renamed `.txt`, is refused.
 */

export interface FileTypeInfo {
  label: string;
  mediaType: string;
  extensions: readonly string[];
}

export const FILE_TYPE_INFO: Record<FileType, FileTypeInfo> = {
  pdf: { label: 'PDF', mediaType: 'application/pdf', extensions: ['.pdf'] },
  png: { label: 'PNG image', mediaType: 'image/png', extensions: ['.png'] },
  jpeg: { label: 'JPEG image', mediaType: 'image/jpeg', extensions: ['.jpg', '.jpeg'] },
  zip: { label: 'ZIP archive', mediaType: 'application/zip', extensions: ['.zip'] },
  text: { label: 'plain text', mediaType: 'text/plain; charset=utf-8', extensions: ['.txt'] },
  markdown: {
    label: 'Markdown',
    mediaType: 'text/markdown; charset=utf-8',
    extensions: ['.md', '.markdown'],
  },
};

const SIGNATURES: ReadonlyArray<{ type: 'pdf' | 'png' | 'jpeg' | 'zip'; bytes: readonly number[] }> = [
  { type: 'pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
  { type: 'png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'jpeg', bytes: [0xff, 0xd8, 0xff] },
  { type: 'zip', bytes: [0x50, 0x4b, 0x03, 0x04] }, // a local file header
  { type: 'zip', bytes: [0x50, 0x4b, 0x05, 0x06] }, // an empty archive's end record
];

/** What the content looks like: a binary format by its magic bytes, `text` for UTF-8 text, or unknown. */
export type SniffedKind = 'pdf' | 'png' | 'jpeg' | 'zip' | 'text' | 'unknown';

export function sniffContent(bytes: Uint8Array): SniffedKind {
  for (const signature of SIGNATURES) {
    if (signature.bytes.every((byte, i) => bytes[i] === byte)) return signature.type;
  }
  return isUtf8Text(bytes) ? 'text' : 'unknown';
}

/** UTF-8 that decodes cleanly and holds no NUL or other C0 control character besides tab, CR, LF, FF. */
function isUtf8Text(bytes: Uint8Array): boolean {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return false;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: detecting binary content is the point
  return !/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text);
}

/** The kind a file name's extension claims, or undefined for an extension we do not know. */
export function typeFromFileName(fileName: string): FileType | undefined {
  const lower = fileName.toLowerCase();
  for (const [type, info] of Object.entries(FILE_TYPE_INFO) as Array<[FileType, FileTypeInfo]>) {
    if (info.extensions.some((extension) => lower.endsWith(extension))) return type;
  }
  return undefined;
}

export type FileCheck = { ok: true; type: FileType; mediaType: string } | { ok: false; reason: string };

/** A readable list of the allowed types with their extensions, for error messages. */
export function describeAllowed(allowed: readonly FileType[]): string {
  return allowed
    .map((type) => `${FILE_TYPE_INFO[type].label} (${FILE_TYPE_INFO[type].extensions.join(', ')})`)
    .join(', ');
}

/**
 * Accepts a file when its extension names an allowed type and its bytes are that type (text and Markdown
 * must be clean UTF-8 text, the others must start with their format's signature).
 */
export function checkFileType(fileName: string, bytes: Uint8Array, allowed: readonly FileType[]): FileCheck {
  const claimed = typeFromFileName(fileName);
  const allowedText = `Allowed: ${describeAllowed(allowed)}`;
  if (claimed === undefined || !allowed.includes(claimed)) {
    return { ok: false, reason: `"${fileName}" is not an allowed file type. ${allowedText}` };
  }
  const sniffed = sniffContent(bytes);
  const expected: SniffedKind = claimed === 'markdown' ? 'text' : claimed;
  if (sniffed !== expected) {
    const found = sniffed === 'unknown' ? 'not a recognised format' : `a ${describeSniffed(sniffed)}`;
    return {
      ok: false,
      reason: `"${fileName}" is named as ${FILE_TYPE_INFO[claimed].label} but its content is ${found}. ${allowedText}`,
    };
  }
  return { ok: true, type: claimed, mediaType: FILE_TYPE_INFO[claimed].mediaType };
}

function describeSniffed(kind: Exclude<SniffedKind, 'unknown'>): string {
  return kind === 'text' ? 'text file' : FILE_TYPE_INFO[kind].label;
}

const MAX_FILE_NAME = 200;
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const UNSAFE_NAME_CHARACTERS = /[\u0000-\u001f\u007f"<>|*?:]/g;

/**
 * A file name safe to store and to send back in Content-Disposition: the last path segment, control and
 * quote characters removed, at most 200 characters (keeping the extension). Undefined if nothing is left.
 */
export function cleanFileName(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let name = basename(raw.replace(/\\/g, '/')).replace(UNSAFE_NAME_CHARACTERS, '').trim();
  if (name === '' || name === '.' || name === '..') return undefined;
  if (name.length > MAX_FILE_NAME) {
    const dot = name.lastIndexOf('.');
    const extension = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : '';
    name = name.slice(0, MAX_FILE_NAME - extension.length) + extension;
  }
  return name;
}

/** `attachment` with an ASCII fallback and the exact name in RFC 5987 form. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/[\\"]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
