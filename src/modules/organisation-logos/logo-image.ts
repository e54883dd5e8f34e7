import type { LogoContentType } from '../../db/tables/organisation-logos.ts';

/** Logos are shown small; 256 KB is plenty for a PNG, JPEG or SVG mark. */
export const MAX_LOGO_BYTES = 256 * 1024;

export type LogoCheck =
  | { ok: true; contentType: LogoContentType }
  | { ok: false; reason: 'unsupported_type' | 'unsafe_svg'; detail: string };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return signature.every((byte, index) => bytes[index] === byte);
}

/**
 * Decides what an uploaded logo is from its bytes (never from the client's declared type or file name):
 * a PNG or JPEG by its magic bytes, an SVG by its root element. SVG is accepted only when
 * {@link findSvgHazard} finds nothing active or external in it.
 */
export function checkLogo(bytes: Uint8Array): LogoCheck {
  if (startsWith(bytes, PNG_SIGNATURE)) return { ok: true, contentType: 'image/png' };
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { ok: true, contentType: 'image/jpeg' };
  const text = decodeUtf8(bytes);
  if (text !== null && isSvgDocument(text)) {
    const hazard = findSvgHazard(text);
    if (hazard) return { ok: false, reason: 'unsafe_svg', detail: `The SVG logo is refused: ${hazard}` };
    return { ok: true, contentType: 'image/svg+xml' };
  }
  return {
    ok: false,
    reason: 'unsupported_type',
    detail: 'The logo must be a PNG, JPEG or SVG image (checked from its content, not its name)',
  };
}

function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** An XML prolog, a DOCTYPE and comments may come first; the first element must be `<svg`. */
function isSvgDocument(text: string): boolean {
  const body = text
    .replace(/^\uFEFF/, '')
    .replace(/^\s*<\?xml[^>]*\?>/, '')
    .replace(/^(\s*<!--[\s\S]*?-->)*/, '')
    .replace(/^\s*<!DOCTYPE\s+svg\b[^>[]*(\[[\s\S]*?\])?\s*>/i, '')
    .replace(/^(\s*<!--[\s\S]*?-->)*/, '')
    .trimStart();
  return /^<svg[\s>/]/i.test(body);
}

/**
 * The first reason an SVG could run code or fetch something when shown, or null when it looks inert.
 * Deliberately strict instead of sanitising: a logo needs none of these, so refusing is the safe answer
 * and the owner can export a plain SVG (or a PNG) instead.
 */
export function findSvgHazard(svg: string): string | null {
  // Exporters write a plain DOCTYPE (harmless: images never load external DTDs); entities are not.
  if (/<!ENTITY|<!DOCTYPE[^>]*\[/i.test(svg)) return 'it declares XML entities';
  if (/<script[\s>/]/i.test(svg)) return 'it contains a <script> element';
  if (/<foreignObject[\s>/]/i.test(svg)) return 'it contains a <foreignObject> element';
  if (/<(iframe|embed|object|audio|video)[\s>/]/i.test(svg)) {
    return 'it embeds other content (<iframe>, <object>, <embed>, <audio> or <video>)';
  }
  if (/attributeName\s*=\s*["']?(?:xlink:)?href/i.test(svg)) return 'it animates a link attribute';
  if (/\son[a-z]+\s*=/i.test(svg)) return 'it has an event handler attribute (on…=)';
  if (/javascript:/i.test(svg)) return 'it contains a javascript: address';
  if (/@import/i.test(svg)) return 'its style imports another stylesheet';
  for (const match of svg.matchAll(/\b(?:xlink:)?href\s*=\s*(["'])(.*?)\1/gis)) {
    const target = (match[2] ?? '').trim();
    if (!target.startsWith('#') && !/^data:image\/(png|jpeg|gif|webp);/i.test(target)) {
      return `it links to "${target.slice(0, 60)}" (only #fragment and data:image links are allowed)`;
    }
  }
  if (/\b(?:xlink:)?href\s*=\s*[^"'\s]/i.test(svg)) return 'it has an unquoted link attribute';
  for (const match of svg.matchAll(/url\(\s*(["']?)(.*?)\1\s*\)/gis)) {
    const target = (match[2] ?? '').trim();
    if (!target.startsWith('#')) return `it refers to "${target.slice(0, 60)}" with url(…)`;
  }
  return null;
}
