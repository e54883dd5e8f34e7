import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';

/**
 * The badge image of a credential: the achievement's own image when it is embedded as a data: URL (PNG or
 * SVG), otherwise one drawn here from the achievement name, the issuer name and a colour derived from the
 * definition. A remote image URL is never fetched (the server makes no requests a credential asks for).
 */

export const BADGE_SIZE = 512;
/** A data: URL image larger than this is ignored (the default badge is drawn instead). */
const MAX_EMBEDDED_IMAGE_BYTES = 5 * 1024 * 1024;
const FONT_DIR = '/usr/share/fonts/truetype/dejavu';
const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf']
  .map((file) => `${FONT_DIR}/${file}`)
  .filter((path) => existsSync(path));

export interface EmbeddedImage {
  format: 'png' | 'svg';
  bytes: Uint8Array;
}

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** A stable hue (0–359) for a seed such as the definition id, so every badge of one definition matches. */
export function hueFor(seed: string): number {
  const digest = createHash('sha256').update(seed).digest();
  return digest.readUInt16BE(0) % 360;
}

/** Greedy word wrap to `width` characters; over-long words are cut; at most `maxLines`, the last ellipsised. */
export function wrapText(text: string, width: number, maxLines: number): string[] {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let current = '';
  for (let word of words) {
    while ([...word].length > width) {
      if (current) lines.push(current);
      current = '';
      lines.push([...word].slice(0, width).join(''));
      word = [...word].slice(width).join('');
    }
    if (!current) current = word;
    else if ([...`${current} ${word}`].length <= width) current = `${current} ${word}`;
    else {
      lines.push(current);
      current = word;
    }
  }
  if (current) lines.push(current);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  const last = [...(kept[maxLines - 1] ?? '')];
  kept[maxLines - 1] = `${last.slice(0, Math.max(0, width - 1)).join('')}…`;
  return kept;
}

/** The default badge: a coloured medallion with the achievement name wrapped inside and the issuer below. */
export function defaultBadgeSvg(options: {
  achievementName: string;
  issuerName: string;
  seed: string;
}): string {
  const hue = hueFor(options.seed);
  const dark = `hsl(${hue}, 55%, 28%)`;
  const light = `hsl(${hue}, 60%, 45%)`;
  const lines = wrapText(options.achievementName || 'Credential', 16, 4);
  const fontSize = lines.length <= 2 ? 40 : 34;
  const lineHeight = fontSize * 1.2;
  const firstBaseline = 230 - ((lines.length - 1) * lineHeight) / 2;
  const issuer = wrapText(options.issuerName, 30, 1)[0] ?? '';
  const title = lines
    .map(
      (line, index) =>
        `<text x="256" y="${(firstBaseline + index * lineHeight).toFixed(1)}" font-size="${fontSize}" font-weight="bold">${escapeXml(line)}</text>`,
    )
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${BADGE_SIZE}" height="${BADGE_SIZE}" viewBox="0 0 512 512">` +
    `<title>${escapeXml(`${options.achievementName} — ${options.issuerName}`)}</title>` +
    `<defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${light}"/>` +
    `<stop offset="1" stop-color="${dark}"/></linearGradient></defs>` +
    `<circle cx="256" cy="256" r="248" fill="${dark}"/>` +
    `<circle cx="256" cy="256" r="232" fill="url(#g)" stroke="#ffffff" stroke-width="6"/>` +
    `<g font-family="DejaVu Sans, sans-serif" fill="#ffffff" text-anchor="middle">${title}` +
    `<rect x="96" y="352" width="320" height="2" fill="#ffffff" opacity="0.7"/>` +
    `<text x="256" y="392" font-size="22">${escapeXml(issuer)}</text></g></svg>`
  );
}

/** Renders an SVG we drew ourselves to PNG (DejaVu fonts; system fonts as fallback). */
export function renderSvgToPng(svg: string): Uint8Array {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: BADGE_SIZE },
    font: { loadSystemFonts: true, fontFiles: FONT_FILES, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}

/**
 * The image of a `data:image/png` or `data:image/svg+xml` URL (base64 or percent-encoded); `null` for any
 * other URL (remote images are not fetched), another type, a broken encoding or an image over 5 MB.
 */
export function imageFromDataUrl(url: string): EmbeddedImage | null {
  const match = /^data:(image\/png|image\/svg\+xml)((?:;[^,;]*)*?)(;base64)?,(.*)$/is.exec(url.trim());
  if (!match) return null;
  const [, mediaType, , base64, payload = ''] = match;
  const format = mediaType?.toLowerCase() === 'image/png' ? 'png' : 'svg';
  let bytes: Uint8Array;
  try {
    bytes = base64
      ? new Uint8Array(Buffer.from(payload, 'base64'))
      : new TextEncoder().encode(decodeURIComponent(payload));
  } catch {
    return null;
  }
  if (bytes.length === 0 || bytes.length > MAX_EMBEDDED_IMAGE_BYTES) return null;
  return { format, bytes };
}

/** An SVG showing a PNG (for an SVG badge of an achievement whose own image is a PNG). */
export function svgAroundPng(png: Uint8Array, title: string): string {
  const href = `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${BADGE_SIZE}" ` +
    `height="${BADGE_SIZE}" viewBox="0 0 512 512"><title>${escapeXml(title)}</title>` +
    `<image width="512" height="512" href="${href}" xlink:href="${href}"/></svg>`
  );
}
