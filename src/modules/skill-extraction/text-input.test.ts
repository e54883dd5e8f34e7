import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { isAppError } from '../../core/errors.ts';
import { detectDocumentKind, MAX_DOCUMENT_BYTES, readDocumentText, stripMarkdown } from './text-input.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../../../test/fixtures/documents/${name}`, import.meta.url));
const EXPECTED = /use Python and manage databases/;

async function rejectsWith(promise: Promise<unknown>, code: string, detail?: RegExp) {
  await assert.rejects(promise, (error) => {
    assert.ok(isAppError(error), String(error));
    assert.equal(error.code, code);
    if (detail) assert.match(error.message, detail);
    return true;
  });
}

describe('readDocumentText', () => {
  test('reads .txt, .md (markup stripped), .pdf and .docx', async () => {
    const text = await readDocumentText({
      filename: 'job.txt',
      content: Buffer.from('\uFEFFUse Python.\r\n'),
    });
    assert.equal(text, 'Use Python.');
    const markdown = await readDocumentText({ filename: 'job.md', content: fixture('job.md') });
    assert.equal(markdown, 'Backend developer\n\nYou will use Python and manage databases.\nSQL is a plus.');
    assert.match(await readDocumentText({ filename: 'job.pdf', content: fixture('job.pdf') }), EXPECTED);
    assert.match(await readDocumentText({ filename: 'job.docx', content: fixture('job.docx') }), EXPECTED);
  });

  test('detects the type by content when the name says otherwise', async () => {
    assert.equal(detectDocumentKind('job.txt', fixture('job.pdf')), 'pdf');
    assert.equal(detectDocumentKind('upload', fixture('job.docx')), 'docx');
    assert.match(await readDocumentText({ filename: 'job.txt', content: fixture('job.docx') }), EXPECTED);
  });

  test('refuses empty, binary, corrupt, unsupported and oversized documents clearly', async () => {
    await rejectsWith(
      readDocumentText({ filename: 'a.txt', content: Buffer.alloc(0) }),
      'document_unreadable',
      /empty/,
    );
    await rejectsWith(
      readDocumentText({ filename: 'a.txt', content: Buffer.from([0x00, 0x01, 0xfe, 0xff, 0x41]) }),
      'document_unreadable',
      /not UTF-8/,
    );
    await rejectsWith(
      readDocumentText({ filename: 'a.txt', content: Buffer.from('a\u0000b\u0001c\u0002d\u0003 text') }),
      'document_unreadable',
      /binary/,
    );
    await rejectsWith(
      readDocumentText({ filename: 'a.txt', content: Buffer.from(' \n 123 \n') }),
      'document_unreadable',
      /no text/,
    );
    await rejectsWith(
      readDocumentText({ filename: 'job.pdf', content: Buffer.from('%PDF-1.4\nbroken') }),
      'document_unreadable',
      /PDF/,
    );
    await rejectsWith(
      readDocumentText({ filename: 'job.docx', content: Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]) }),
      'document_unreadable',
      /Word/,
    );
    await rejectsWith(
      readDocumentText({ filename: 'photo.png', content: Buffer.from('abc') }),
      'unsupported_media_type',
    );
    await rejectsWith(
      readDocumentText({ filename: 'big.txt', content: Buffer.alloc(MAX_DOCUMENT_BYTES + 1, 0x41) }),
      'payload_too_large',
    );
  });
});

describe('stripMarkdown', () => {
  test('keeps the words and drops the markup', () => {
    const stripped = stripMarkdown(
      '## Skills\n> Note\n1. **Go** and _Rust_\n```sh\nmake\n```\n| a | b |\n|---|---|',
    );
    assert.equal(stripped.replace(/\s+/g, ' ').trim(), 'Skills Note Go and Rust make a b');
    assert.equal(stripped.split('\n')[2], 'Go and Rust', 'one line per line');
  });
});
