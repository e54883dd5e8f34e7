import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import fontkit, { type Font } from '@pdf-lib/fontkit';
import { PDFDocument, type PDFFont, type PDFPage, rgb } from 'pdf-lib';
import QRCode from 'qrcode';

/** What a certificate shows. The learner's name is null when the holder keeps it off public views. */
export interface CertificateFacts {
  achievementName: string;
  description: string | null;
  learnerName: string | null;
  issuerName: string;
  issuedAt: Date;
  validUntil: Date | null;
  skills: string[];
  learningOutcomes: string[];
  /** The credential's `id` as signed. */
  credentialId: string;
  /** The public verification page; the QR code points here. */
  verificationUrl: string;
  status: 'active' | 'suspended' | 'revoked';
  statusChangedAt: Date | null;
  /** Hue 0–359 of the accent colour (the badge's). */
  hue: number;
  /** Written into the PDF's metadata dates, so a certificate is reproducible. */
  now: Date;
}

const WIDTH = 842; // A4 landscape, in points
const HEIGHT = 595;
const MARGIN = 56;
const MAX_LISTED = 8;
const FOOTER_TOP = 80;

/**
 * DejaVu Sans (regular and bold) from the `dejavu-fonts-ttf` package, embedded as subsets (only the glyphs
 * drawn): Latin with every European diacritic, Greek, Cyrillic, Armenian, Georgian and more (the package's
 * `unicover.txt`), where pdf-lib's standard Helvetica encodes WinAnsi only. No CJK, few emoji. A line all
 * in Hebrew or Arabic is shaped and drawn right to left (fontkit), but there is no bidi algorithm: in a line
 * that mixes them with Latin, the right-to-left words come out unjoined and left to right.
 */
const FONT_FILES = { regular: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf' } as const;
/** Drawn for a character (a whole grapheme, e.g. an emoji with its modifiers) the font has no glyph for. */
export const REPLACEMENT = '\uFFFD';

interface FontFile {
  bytes: Uint8Array;
  /** Parsed once: pdf-lib would parse the 0.7 MB file (GSUB, GPOS, cmap…) again for every certificate. */
  parsed: Font;
  /** The code points the font's cmap maps to a glyph. */
  characters: ReadonlySet<number>;
}
type CertificateFonts = Record<keyof typeof FONT_FILES, FontFile>;

/** Read from node_modules once per process and kept in memory (about 1.5 MB for both); never fetched. */
let fontFiles: Promise<CertificateFonts> | undefined;

function loadFontFiles(): Promise<CertificateFonts> {
  fontFiles ??= (async () => {
    const require = createRequire(import.meta.url);
    const load = async (file: string): Promise<FontFile> => {
      const bytes = new Uint8Array(await readFile(require.resolve(`dejavu-fonts-ttf/ttf/${file}`)));
      const parsed = fontkit.create(bytes);
      return { bytes, parsed, characters: new Set(parsed.characterSet) };
    };
    const [regular, bold] = await Promise.all([load(FONT_FILES.regular), load(FONT_FILES.bold)]);
    return { regular, bold };
  })().catch((error: unknown) => {
    fontFiles = undefined; // a later download tries again rather than failing for the life of the process
    throw error;
  });
  return fontFiles;
}

/**
 * fontkit for pdf-lib, answering our font files with their parsed fonts. Each certificate still makes its
 * own subset (`createSubset()`); the shared font only caches what it has read.
 */
function cachedFontkit(files: CertificateFonts): Parameters<PDFDocument['registerFontkit']>[0] {
  const parsed = new Map<Uint8Array, Font>(Object.values(files).map((file) => [file.bytes, file.parsed]));
  return {
    create: (bytes: Uint8Array, postscriptName?: string) =>
      parsed.get(bytes) ?? fontkit.create(bytes, postscriptName),
  };
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
const drawable = new WeakMap<PDFFont, ReadonlySet<number>>();

/**
 * The text as the font can draw it (NFC first, so "o" + U+030B becomes the "ő" the font has): whitespace
 * becomes a plain space, and a grapheme with any code point the font lacks (CJK, most emoji, a control
 * character) becomes one U+FFFD "�", so it is visibly a gap rather than a "?" that could be part of the
 * name. Widths measured on the result are the widths drawn.
 */
function encodable(font: PDFFont, text: string): string {
  const characters = drawable.get(font) ?? new Set(font.getCharacterSet());
  drawable.set(font, characters);
  const replacement = characters.has(REPLACEMENT.codePointAt(0) ?? 0) ? REPLACEMENT : '?';
  let result = '';
  for (const { segment } of graphemes.segment(text.normalize('NFC'))) {
    if (/^\s+$/.test(segment)) result += ' ';
    else if ([...segment].every((char) => characters.has(char.codePointAt(0) ?? -1))) result += segment;
    else result += replacement;
  }
  return result;
}

async function embedFonts(pdf: PDFDocument): Promise<{ regular: PDFFont; bold: PDFFont }> {
  const files = await loadFontFiles();
  pdf.registerFontkit(cachedFontkit(files));
  const embed = async (file: FontFile) => {
    const font = await pdf.embedFont(file.bytes, { subset: true });
    drawable.set(font, file.characters);
    return font;
  };
  return { regular: await embed(files.regular), bold: await embed(files.bold) };
}

function wrap(font: PDFFont, text: string, size: number, maxWidth: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = current ? `${current} ${word}` : word;
    if (current && font.widthOfTextAtSize(candidate, size) > maxWidth) {
      lines.push(current);
      current = word;
    } else current = candidate;
  }
  if (current) lines.push(current);
  return lines;
}

function formatDate(date: Date): string {
  return date.toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

function hslToRgb(hue: number, saturation: number, lightness: number) {
  const a = saturation * Math.min(lightness, 1 - lightness);
  const channel = (n: number) => {
    const k = (n + hue / 30) % 12;
    return lightness - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
  };
  return rgb(channel(0), channel(8), channel(4));
}

function drawQrCode(page: PDFPage, text: string, x: number, y: number, size: number): void {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const quiet = 2;
  const cell = size / (modules.size + quiet * 2);
  page.drawRectangle({ x, y, width: size, height: size, color: rgb(1, 1, 1) });
  for (let row = 0; row < modules.size; row++) {
    for (let column = 0; column < modules.size; column++) {
      if (!modules.get(row, column)) continue;
      page.drawRectangle({
        x: x + (column + quiet) * cell,
        y: y + size - (row + quiet + 1) * cell,
        width: cell,
        height: cell,
        color: rgb(0, 0, 0),
      });
    }
  }
}

/** A one-page A4 certificate with a QR code to the public verification page. */
export async function certificatePdf(facts: CertificateFacts): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const { regular, bold } = await embedFonts(pdf);
  const page = pdf.addPage([WIDTH, HEIGHT]);
  const accent = hslToRgb(facts.hue, 0.55, 0.32);
  const grey = rgb(0.35, 0.35, 0.35);
  const textWidth = WIDTH - 2 * MARGIN - 170;

  // Metadata strings are UTF-16 in the PDF, not drawn: they keep every character.
  pdf.setTitle(`${facts.achievementName.normalize('NFC')} — certificate`);
  pdf.setAuthor(facts.issuerName.normalize('NFC'));
  pdf.setSubject(facts.verificationUrl);
  pdf.setCreator('Credstack');
  pdf.setProducer('Credstack (pdf-lib)');
  pdf.setCreationDate(facts.now);
  pdf.setModificationDate(facts.now);

  page.drawRectangle({ x: 0, y: HEIGHT - 14, width: WIDTH, height: 14, color: accent });
  page.drawRectangle({ x: 0, y: 0, width: WIDTH, height: 6, color: accent });

  let y = HEIGHT - MARGIN - 20;
  const line = (
    text: string,
    options: { font?: PDFFont; size?: number; color?: ReturnType<typeof rgb>; gap?: number },
  ) => {
    const font = options.font ?? regular;
    const size = options.size ?? 11;
    for (const part of wrap(font, encodable(font, text), size, textWidth)) {
      // Below this the footer and QR code live: what does not fit is left out rather than overprinted.
      if (y < FOOTER_TOP) return;
      page.drawText(part, { x: MARGIN, y, size, font, color: options.color ?? rgb(0.1, 0.1, 0.1) });
      y -= size * 1.3;
    }
    y -= options.gap ?? 0;
  };

  line('CERTIFICATE OF ACHIEVEMENT', { font: bold, size: 12, color: accent, gap: 14 });
  line(facts.achievementName, { font: bold, size: 28, gap: 10 });
  line(facts.learnerName ? 'awarded to' : 'awarded to the holder of this credential', {
    size: 12,
    color: grey,
    gap: 4,
  });
  if (facts.learnerName) line(facts.learnerName, { font: bold, size: 20, gap: 10 });
  line(`by ${facts.issuerName}`, { size: 14, gap: 4 });
  line(`Issued ${formatDate(facts.issuedAt)}`, { size: 11, color: grey });
  if (facts.validUntil) line(`Valid until ${formatDate(facts.validUntil)}`, { size: 11, color: grey });
  if (facts.status !== 'active') {
    const when = facts.statusChangedAt ? ` on ${formatDate(facts.statusChangedAt)}` : '';
    line(`The issuer ${facts.status === 'revoked' ? 'revoked' : 'suspended'} this credential${when}.`, {
      font: bold,
      size: 11,
      color: rgb(0.7, 0.1, 0.1),
    });
  }
  y -= 10;
  if (facts.description) {
    const characters = [...facts.description]; // by code point, so an emoji is never cut in half
    const short = characters.length > 300 ? `${characters.slice(0, 299).join('')}…` : facts.description;
    line(short, { size: 10, color: grey, gap: 8 });
  }

  const list = (title: string, items: string[]) => {
    if (items.length === 0) return;
    line(title, { font: bold, size: 11, gap: 2 });
    const shown = items.slice(0, MAX_LISTED);
    for (const item of shown) line(`•  ${item}`, { size: 10 });
    if (items.length > shown.length)
      line(`and ${items.length - shown.length} more`, { size: 10, color: grey });
    y -= 6;
  };
  list('Learning outcomes', facts.learningOutcomes);
  list('Skills', facts.skills);

  const qrSize = 140;
  const qrX = WIDTH - MARGIN - qrSize;
  const qrY = 70;
  drawQrCode(page, facts.verificationUrl, qrX, qrY, qrSize);
  const scan = 'Scan to verify';
  const scanX = qrX + (qrSize - regular.widthOfTextAtSize(scan, 9)) / 2;
  page.drawText(scan, { x: scanX, y: qrY - 14, size: 9, font: regular, color: grey });

  // The URL stays on one line (a wrapped URL cannot be copied); the size shrinks to fit.
  const footer = [`Verify at: ${facts.verificationUrl}`, `Credential ID: ${facts.credentialId}`].map((text) =>
    encodable(regular, text),
  );
  footer.forEach((text, index) => {
    const size = Math.min(
      9,
      (WIDTH - 2 * MARGIN - qrSize - 20) / Math.max(1, regular.widthOfTextAtSize(text, 1)),
    );
    page.drawText(text, { x: MARGIN, y: 46 - index * 14, size, font: regular, color: grey });
  });
  return pdf.save();
}
