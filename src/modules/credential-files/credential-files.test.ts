import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodePDFRawStream, PDFArray, PDFDocument, PDFRawStream } from 'pdf-lib';
import { extractText, extractTextItems } from 'unpdf';
import { bakePng, bakeSvg, unbakeCredential } from '../../core/baking.ts';
import {
  defaultBadgeSvg,
  hueFor,
  imageFromDataUrl,
  renderSvgToPng,
  svgAroundPng,
  wrapText,
} from './badge-image.ts';
import { type CertificateFacts, certificatePdf, REPLACEMENT } from './certificate-pdf.ts';
import { fileStem } from './credential-files.service.ts';
import { embedHtml, linkedInAddToProfileUrl, type ShareFacts } from './share-links.ts';

const SHARE: ShareFacts = {
  publicUrl: 'https://credstack.test/credentials/0b9c',
  credentialId: 'https://credstack.test/credentials/0b9c',
  achievementName: 'SQL <Basics> & "more"',
  issuerName: 'Academy & Co',
  issuedAt: new Date('2026-03-15T10:00:00Z'),
  expiresAt: new Date('2028-12-31T23:00:00Z'),
  imageUrl: 'https://cdn.example/badge.png?a=1&b=2',
};

const CERTIFICATE: CertificateFacts = {
  achievementName: 'Data Analysis with SQL',
  description: 'Writes analytical SQL against real datasets.',
  learnerName: 'Zoë Ångström',
  issuerName: 'Academy of Data',
  issuedAt: new Date('2026-03-15T10:00:00Z'),
  validUntil: new Date('2028-03-15T10:00:00Z'),
  skills: ['Use databases', 'Query languages'],
  learningOutcomes: ['Write joins and window functions'],
  credentialId: 'https://credstack.test/credentials/7d1e1c6b-2b9f-4c36-9d2e-0d7f6f0e8a11',
  verificationUrl: 'https://credstack.test/credentials/7d1e1c6b-2b9f-4c36-9d2e-0d7f6f0e8a11',
  status: 'active',
  statusChangedAt: null,
  hue: 200,
  now: new Date('2026-03-16T00:00:00Z'),
};

describe('share links', () => {
  test('the LinkedIn link carries LinkedIn’s documented parameters, months 1–12, expiry when set', () => {
    const url = new URL(linkedInAddToProfileUrl(SHARE));
    assert.equal(`${url.origin}${url.pathname}`, 'https://www.linkedin.com/profile/add');
    assert.deepEqual(Object.fromEntries(url.searchParams), {
      startTask: 'CERTIFICATION_NAME',
      name: SHARE.achievementName,
      organizationName: 'Academy & Co',
      issueYear: '2026',
      issueMonth: '3',
      expirationYear: '2028',
      expirationMonth: '12',
      certUrl: SHARE.publicUrl,
      certId: SHARE.credentialId,
    });
    const noExpiry = new URL(
      linkedInAddToProfileUrl({ ...SHARE, expiresAt: null, linkedInOrganizationId: '1337' }),
    );
    assert.equal(noExpiry.searchParams.get('organizationId'), '1337');
    assert.equal(noExpiry.searchParams.has('organizationName'), false);
    assert.equal(noExpiry.searchParams.has('expirationYear'), false);
  });

  test('the embed snippet escapes every value and links the public page', () => {
    const html = embedHtml(SHARE);
    assert.ok(html.includes('href="https://credstack.test/credentials/0b9c"'));
    assert.ok(html.includes('src="https://cdn.example/badge.png?a=1&amp;b=2"'));
    assert.ok(html.includes('alt="SQL &lt;Basics&gt; &amp; &quot;more&quot; — Academy &amp; Co"'));
    assert.doesNotMatch(html, /<Basics>|"more"/);
  });

  test('file names are plain ASCII stems', () => {
    assert.equal(fileStem('Zoë’s SQL: Advanced / Part 2'), 'zoe-s-sql-advanced-part-2');
    assert.equal(fileStem('日本語'), 'credential');
  });
});

describe('badge images', () => {
  test('wraps long names, cuts over-long words, ellipsises beyond the line limit', () => {
    assert.deepEqual(wrapText('Data Analysis with SQL', 16, 4), ['Data Analysis', 'with SQL']);
    assert.deepEqual(wrapText('Supercalifragilistic', 8, 4), ['Supercal', 'ifragili', 'stic']);
    const lines = wrapText('one two three four five six seven eight nine ten', 7, 2);
    assert.equal(lines.length, 2);
    assert.ok(lines[1]?.endsWith('…'));
  });

  test('the default badge escapes names, takes its colour from the seed, and renders to a PNG', () => {
    const svg = defaultBadgeSvg({ achievementName: 'A <b> & c', issuerName: 'Org "X"', seed: 'def-1' });
    assert.ok(svg.includes('A &lt;b&gt; &amp; c'));
    assert.ok(svg.includes(`hsl(${hueFor('def-1')}, 55%, 28%)`));
    assert.notEqual(hueFor('def-1'), hueFor('def-2'));
    const png = renderSvgToPng(svg);
    assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]);
    assert.equal(Buffer.from(png).readUInt32BE(16), 512, 'width from the IHDR chunk');
  });

  test('only data: URLs of PNG or SVG become images; remote URLs are never fetched', () => {
    assert.equal(imageFromDataUrl('https://example.org/badge.png'), null);
    assert.equal(imageFromDataUrl('data:image/gif;base64,R0lGODlh'), null);
    assert.equal(imageFromDataUrl('data:image/png;base64,'), null);
    const svg = imageFromDataUrl('data:image/svg+xml;charset=utf-8,%3Csvg%2F%3E');
    assert.deepEqual(svg && { format: svg.format, text: new TextDecoder().decode(svg.bytes) }, {
      format: 'svg',
      text: '<svg/>',
    });
    const png = renderSvgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>');
    const decoded = imageFromDataUrl(`data:image/png;base64,${Buffer.from(png).toString('base64')}`);
    assert.ok(decoded && Buffer.from(decoded.bytes).equals(Buffer.from(png)));
    assert.match(svgAroundPng(png, 'T & <x>'), /<title>T &amp; &lt;x&gt;<\/title><image /);
  });
});

describe('certificate PDF', () => {
  test('is a valid one-page PDF whose text names the learner, the achievement and the verification URL', async () => {
    const bytes = await certificatePdf(CERTIFICATE);
    const parsed = await PDFDocument.load(bytes);
    assert.equal(parsed.getPageCount(), 1);
    assert.equal(parsed.getCreator(), 'Credstack');
    const { text } = await extractText(new Uint8Array(bytes), { mergePages: true });
    for (const expected of [
      'Zoë Ångström',
      'Data Analysis with SQL',
      'Academy of Data',
      CERTIFICATE.verificationUrl,
      'Valid until 15 March 2028',
      'Use databases',
      'Write joins and window functions',
    ]) {
      assert.ok(text.includes(expected), `missing "${expected}" in: ${text}`);
    }
  });

  test('a hidden name stays out, a revoked status is stated, unencodable characters do not break it', async () => {
    const bytes = await certificatePdf({
      ...CERTIFICATE,
      learnerName: null,
      achievementName: 'Datenanalyse 数据分析',
      status: 'revoked',
      statusChangedAt: new Date('2026-04-01T00:00:00Z'),
    });
    const { text } = await extractText(new Uint8Array(bytes), { mergePages: true });
    assert.ok(!text.includes('Zoë'));
    assert.ok(text.includes('awarded to the holder of this credential'));
    assert.ok(text.includes('The issuer revoked this credential on 1 April 2026.'));
    assert.ok(text.includes(`Datenanalyse ${REPLACEMENT.repeat(4)}`), text);
    assert.ok(!text.includes('?'), 'an undrawable character is U+FFFD, never a "?" that could be in a name');
  });

  test('names in any European script come out exactly, drawn with real glyphs; an emoji does not break it', async () => {
    const bytes = await certificatePdf({
      ...CERTIFICATE,
      achievementName: 'Dvořák und Ωμέγα für Жанна',
      learnerName: 'Łukasz Żółć 🦄',
      issuerName: 'Akademie Dvor\u030Ca\u0301k', // decomposed (NFD): drawn as the composed letters
      skills: ['Ğ ğ İ ı ő Ő ű ř Ř ł ß €–…'],
      learningOutcomes: ['👩‍💻 pair programming'],
    });
    const parsed = await PDFDocument.load(bytes);
    assert.equal(
      parsed.getTitle(),
      'Dvořák und Ωμέγα für Жанна — certificate',
      'metadata keeps every character',
    );
    const { text } = await extractText(new Uint8Array(bytes), { mergePages: true });
    for (const expected of [
      'Łukasz Żółć',
      'Dvořák',
      'Ωμέγα',
      'Жанна',
      'Dvořák und Ωμέγα für Жанна',
      'by Akademie Dvořák',
      'Ğ ğ İ ı ő Ő ű ř Ř ł ß €–…',
      `Łukasz Żółć ${REPLACEMENT}`, // the unicorn: DejaVu Sans has no glyph for it
      `${REPLACEMENT} pair programming`, // one U+FFFD for the whole ZWJ sequence
    ]) {
      assert.ok(text.includes(expected), `missing "${expected}" in: ${text}`);
    }
    assert.ok(!text.includes('?'), text);
    // Text extraction reads the ToUnicode map, which names a character even where the font drew its empty
    // .notdef box: glyph 0 must never be drawn.
    const glyphs = await drawnGlyphIds(bytes);
    assert.ok(glyphs.length > 100, `glyph ids found: ${glyphs.length}`);
    assert.ok(!glyphs.includes(0), 'a .notdef glyph was drawn');
  });

  test('is reproducible: the fonts parsed once and shared between certificates leave nothing behind', async () => {
    const first = await certificatePdf(CERTIFICATE);
    await certificatePdf({ ...CERTIFICATE, learnerName: 'Жанна Ωμέγα Łukasz Żółć 😀' });
    const again = await certificatePdf(CERTIFICATE);
    assert.ok(Buffer.from(again).equals(Buffer.from(first)), 'the same facts give the same bytes');
    assert.ok(first.length < 40_000, `only the glyphs used are embedded: ${first.length} bytes`);
  });

  test('wrapping and centring use the embedded font’s widths', async () => {
    const wide = 'Жжжжж Шшшшш Щщщщщ Ωωωωω ŁŁŁŁŁ ŽŽŽŽŽ WWWWW MMMMM';
    const bytes = await certificatePdf({
      ...CERTIFICATE,
      achievementName: `${wide} ${wide}`,
      learnerName: wide,
      description: `${wide} `.repeat(6),
    });
    const { items } = await extractTextItems(new Uint8Array(bytes));
    const page = (items[0] ?? []).filter((item) => item.str.trim());
    const textRight = 842 - 56 - 170; // the text column ends where the QR code's column starts
    const body = page.filter((item) => item.y > 80);
    assert.ok(body.filter((item) => item.str.includes('Жжжжж')).length >= 4, 'the long lines wrapped');
    for (const item of body) {
      assert.ok(item.x + item.width <= textRight + 0.5, `"${item.str}" ends at ${item.x + item.width}`);
    }
    const scan = page.find((item) => item.str === 'Scan to verify');
    assert.ok(scan, 'the QR caption is there');
    const qrCentre = 842 - 56 - 140 / 2;
    assert.ok(
      Math.abs(scan.x + scan.width / 2 - qrCentre) < 0.5,
      `caption centred at ${scan.x + scan.width / 2}`,
    );
  });
});

/** The glyph ids that the page's text-showing operators draw (two-byte CIDs of the embedded fonts). */
async function drawnGlyphIds(bytes: Uint8Array): Promise<number[]> {
  const pdf = await PDFDocument.load(bytes);
  const contents = pdf.getPage(0).node.Contents();
  const streams =
    contents instanceof PDFArray ? contents.asArray().map((ref) => pdf.context.lookup(ref)) : [contents];
  const ids: number[] = [];
  for (const stream of streams) {
    assert.ok(stream instanceof PDFRawStream, 'a content stream');
    const operators = new TextDecoder('latin1').decode(decodePDFRawStream(stream).decode());
    for (const [, hex = ''] of operators.matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g)) {
      assert.equal(hex.length % 4, 0, `two-byte glyph ids: <${hex}>`);
      for (let index = 0; index < hex.length; index += 4)
        ids.push(Number.parseInt(hex.slice(index, index + 4), 16));
    }
  }
  return ids;
}

describe('baked default badge', () => {
  test('a drawn SVG badge carries the credential', () => {
    const svg = defaultBadgeSvg({ achievementName: 'X & <Y>', issuerName: 'Y', seed: 'z' });
    const credential = { id: 'urn:x', name: 'X & <Y>' };
    assert.deepEqual(unbakeCredential(new TextEncoder().encode(bakeSvg(svg, credential))), {
      format: 'svg',
      credential,
    });
    const png = bakePng(renderSvgToPng(svg), credential);
    assert.deepEqual(unbakeCredential(png), { format: 'png', credential });
  });
});
