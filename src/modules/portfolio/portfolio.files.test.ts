import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkFileType, cleanFileName, contentDisposition, sniffContent } from './portfolio.files.ts';
import { FILE_TYPES } from './portfolio.rubric.ts';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n');
const PNG = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0]);
const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, 8, 0]);
const TEXT = Buffer.from('# My report\n\nIt works – really.\n', 'utf8');
const BINARY = Buffer.from([0x00, 0x01, 0x02, 0xfe, 0xff]);

describe('sniffContent', () => {
  test('recognises each format by its leading bytes, and clean UTF-8 as text', () => {
    assert.equal(sniffContent(PDF), 'pdf');
    assert.equal(sniffContent(PNG), 'png');
    assert.equal(sniffContent(JPEG), 'jpeg');
    assert.equal(sniffContent(ZIP), 'zip');
    assert.equal(sniffContent(TEXT), 'text');
    assert.equal(sniffContent(BINARY), 'unknown');
    assert.equal(sniffContent(Buffer.from([0xc3, 0x28])), 'unknown', 'invalid UTF-8');
  });
});

describe('checkFileType', () => {
  const all = [...FILE_TYPES];

  test('accepts a file whose extension and content agree', () => {
    assert.deepEqual(checkFileType('report.PDF', PDF, all), {
      ok: true,
      type: 'pdf',
      mediaType: 'application/pdf',
    });
    assert.equal(checkFileType('photo.jpeg', JPEG, all).ok, true);
    assert.equal(checkFileType('photo.jpg', JPEG, all).ok, true);
    assert.equal(checkFileType('notes.md', TEXT, all).ok, true);
    assert.equal(checkFileType('notes.txt', TEXT, all).ok, true);
    assert.equal(checkFileType('code.zip', ZIP, all).ok, true);
  });

  test('refuses a lying extension, naming what the content is and what is allowed', () => {
    const png = checkFileType('report.pdf', PNG, all);
    assert.equal(png.ok, false);
    assert.match(!png.ok ? png.reason : '', /named as PDF but its content is a PNG image/);
    assert.match(!png.ok ? png.reason : '', /Allowed: PDF \(\.pdf\), PNG image \(\.png\)/);
    const zip = checkFileType('notes.txt', ZIP, all);
    assert.match(!zip.ok ? zip.reason : '', /content is a ZIP archive/);
    const binary = checkFileType('notes.md', BINARY, all);
    assert.match(!binary.ok ? binary.reason : '', /not a recognised format/);
    const text = checkFileType('photo.png', TEXT, all);
    assert.match(!text.ok ? text.reason : '', /content is a text file/);
  });

  test('refuses unknown extensions and types the rubric does not allow', () => {
    const exe = checkFileType('setup.exe', BINARY, all);
    assert.match(!exe.ok ? exe.reason : '', /"setup.exe" is not an allowed file type/);
    const onlyPdf = checkFileType('photo.png', PNG, ['pdf']);
    assert.equal(onlyPdf.ok, false);
    assert.match(!onlyPdf.ok ? onlyPdf.reason : '', /Allowed: PDF \(\.pdf\)$/);
  });
});

describe('file names', () => {
  test('cleanFileName keeps the last segment without control or quote characters', () => {
    assert.equal(cleanFileName('../../etc/passwd.txt'), 'passwd.txt');
    assert.equal(cleanFileName('C:\\Users\\me\\report.pdf'), 'report.pdf');
    assert.equal(cleanFileName('bad\u0000"name".md'), 'badname.md');
    assert.equal(cleanFileName('..'), undefined);
    assert.equal(cleanFileName(''), undefined);
    assert.equal(cleanFileName(undefined), undefined);
    const long = cleanFileName(`${'x'.repeat(300)}.pdf`);
    assert.equal(long?.length, 200);
    assert.ok(long?.endsWith('.pdf'));
  });

  test('contentDisposition gives an ASCII fallback and the exact UTF-8 name', () => {
    assert.equal(
      contentDisposition('résumé final.pdf'),
      `attachment; filename="r_sum_ final.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%20final.pdf`,
    );
  });
});
