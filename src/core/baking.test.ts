import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import encodeChunks from 'png-chunks-encode';
import extractChunks from 'png-chunks-extract';
import { sharedPath } from '../../test/helpers/shared.ts';
import { bakePng, bakeSvg, PNG_CREDENTIAL_KEYWORD, sniffCredentialFile, unbakeCredential } from './baking.ts';
import { AppError } from './errors.ts';

const SPEC = sharedPath('specs/openbadges-3.0/docformat.md');
const specSkip = existsSync(SPEC) ? false : `${SPEC} not found (../shared is absent)`;
const CREDENTIAL = {
  '@context': ['https://www.w3.org/ns/credentials/v2'],
  id: 'urn:uuid:3732',
  type: ['VerifiableCredential', 'OpenBadgeCredential'],
  name: 'Tricky ]]> <name> & "quotes" — ünïcode',
};
const JWS = 'eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJkaWQ6ZXhhbXBsZSJ9.c2lnbmF0dXJl';
const SVG =
  '<?xml version="1.0" encoding="UTF-8"?>\n<!-- <openbadges:credential>not this one</openbadges:credential> -->\n' +
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>\n';

/** A 1×1 grey PNG, built by hand so the test depends on no image library. */
function tinyPng(): Uint8Array {
  const header = new Uint8Array([0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
  return encodeChunks([
    { name: 'IHDR', data: header },
    { name: 'IDAT', data: new Uint8Array(deflateSync(Buffer.from([0, 128]))) },
    { name: 'IEND', data: new Uint8Array() },
  ]);
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function rejects(run: () => unknown, code: string, message: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof AppError);
    assert.equal(error.code, code);
    assert.match(error.message, message);
    return true;
  });
}

const credentialArbitrary = fc.oneof(
  fc.dictionary(fc.string(), fc.jsonValue()).map((value) => JSON.parse(JSON.stringify(value)) as object),
  fc
    .tuple(...[1, 2, 3].map(() => fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/)))
    .map((parts) => parts.join('.')),
);

describe('the spec’s baking examples (OB 3.0 docformat §Baked Badge)', { skip: specSkip }, () => {
  const spec = specSkip ? '' : readFileSync(SPEC, 'utf8');
  const examples = [...spec.matchAll(/<pre class="xml example"[^>]*>([\s\S]*?)<\/pre>/g)].map((match) =>
    (match[1] ?? '').replaceAll('&lt;', '<').trim(),
  );

  test('the VC-JWT SVG example yields its verify attribute, the embedded one its JSON', () => {
    assert.equal(examples.length, 2);
    assert.deepEqual(unbakeCredential(utf8(examples[0] ?? '')), {
      format: 'svg',
      credential: 'header.payload.signature',
    });
    const embedded = unbakeCredential(utf8(examples[1] ?? ''));
    assert.equal(embedded.format, 'svg');
    assert.equal((embedded.credential as { id: string }).id, 'http://example.edu/credentials/3732');
  });

  test('our PNG chunk is the spec’s: iTXt, keyword openbadgecredential, no compression, empty tags', () => {
    const baked = bakePng(tinyPng(), JWS);
    const chunk = extractChunks(baked).find((c) => c.name === 'iTXt');
    assert.ok(chunk);
    assert.deepEqual(Buffer.from(chunk.data).toString('latin1'), `${PNG_CREDENTIAL_KEYWORD}\0\0\0\0\0${JWS}`);
  });
});

describe('bake → unbake', () => {
  test('is the identity for PNG and SVG, JSON and VC-JWT credentials (property)', () => {
    const png = tinyPng();
    fc.assert(
      fc.property(credentialArbitrary, (credential) => {
        assert.deepEqual(unbakeCredential(bakePng(png, credential)), { format: 'png', credential });
        assert.deepEqual(unbakeCredential(utf8(bakeSvg(SVG, credential))), { format: 'svg', credential });
      }),
      { numRuns: 150 },
    );
  });

  test('baking twice replaces the credential, never duplicates it (property)', () => {
    const png = tinyPng();
    fc.assert(
      fc.property(credentialArbitrary, credentialArbitrary, (first, second) => {
        const twicePng = bakePng(bakePng(png, first), second);
        assert.deepEqual(twicePng, bakePng(png, second));
        assert.equal(extractChunks(twicePng).filter((chunk) => chunk.name === 'iTXt').length, 1);
        const twiceSvg = bakeSvg(bakeSvg(SVG, first), second);
        assert.equal(twiceSvg, bakeSvg(SVG, second));
        // One element after the <svg> tag (the one in the leading comment is no element).
        assert.equal(twiceSvg.slice(twiceSvg.indexOf('<svg')).split('<openbadges:credential').length, 2);
      }),
      { numRuns: 100 },
    );
  });

  test('the SVG keeps its content, gains the namespace once, and a self-closing root is opened', () => {
    const baked = bakeSvg(SVG, CREDENTIAL);
    assert.match(
      baked,
      /<svg [^>]*xmlns:openbadges="https:\/\/purl\.imsglobal\.org\/ob\/v3p0"[^>]*><openbadges:credential>/,
    );
    assert.ok(baked.includes('<rect width="10" height="10"/>'));
    assert.ok(baked.includes('<!-- <openbadges:credential>not this one'), 'comments are left alone');
    const opened = bakeSvg('<svg xmlns="http://www.w3.org/2000/svg"/>', JWS);
    assert.equal(
      opened,
      '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">' +
        `<openbadges:credential verify="${JWS}"></openbadges:credential></svg>`,
    );
  });

  test('a credential under another prefix bound to the OB namespace is found and replaced', () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" xmlns:ob="https://purl.imsglobal.org/ob/v3p0">' +
      `<ob:credential verify="${JWS}"/></svg>`;
    assert.equal(unbakeCredential(utf8(svg)).credential, JWS);
    const rebaked = bakeSvg(svg, CREDENTIAL);
    assert.ok(!rebaked.includes('<ob:credential'));
    assert.deepEqual(unbakeCredential(utf8(rebaked)).credential, CREDENTIAL);
  });
});

describe('unbaking refuses what it cannot trust, saying why', () => {
  test('a PNG with a corrupted chunk (CRC mismatch) or a forged length', () => {
    const baked = bakePng(tinyPng(), CREDENTIAL);
    const flipped = Uint8Array.from(baked);
    const at = Buffer.from(flipped).indexOf('Tricky');
    flipped[at] = 'X'.charCodeAt(0);
    rejects(() => unbakeCredential(flipped), 'validation_failed', /corrupt: CRC/);
    const forged = Uint8Array.from(baked);
    forged.set([0x7f, 0xff, 0xff, 0xff], 33); // the chunk after IHDR claims 2 GB
    rejects(() => unbakeCredential(forged), 'validation_failed', /truncated or corrupt/);
  });

  test('an unbaked image, two credentials, a compressed chunk, an OB 2.0 badge', () => {
    rejects(() => unbakeCredential(tinyPng()), 'validation_failed', /no baked credential/);
    rejects(() => unbakeCredential(utf8(SVG)), 'validation_failed', /no baked credential/);
    const chunks = extractChunks(bakePng(tinyPng(), JWS));
    const second = chunks[1];
    assert.ok(second);
    rejects(
      () => unbakeCredential(encodeChunks([...chunks.slice(0, 2), second, ...chunks.slice(2)])),
      'validation_failed',
      /2 baked credentials/,
    );
    const compressed = Uint8Array.from(second.data);
    compressed[PNG_CREDENTIAL_KEYWORD.length + 1] = 1;
    rejects(
      () =>
        unbakeCredential(encodeChunks([chunks[0]!, { name: 'iTXt', data: compressed }, ...chunks.slice(2)])),
      'validation_failed',
      /compressed/,
    );
    const twice = bakeSvg(SVG, JWS).replace('</svg>', `<openbadges:credential verify="${JWS}"/></svg>`);
    rejects(() => unbakeCredential(utf8(twice)), 'validation_failed', /2 baked credentials/);
    const ob2 = encodeChunks([
      chunks[0]!,
      { name: 'iTXt', data: utf8('openbadges\0\0\0\0\0https://example.org/assertion') },
      ...chunks.slice(2),
    ]);
    rejects(() => unbakeCredential(ob2), 'validation_failed', /Open Badges 2\.0/);
  });

  test('SVG with a DOCTYPE/entities, broken XML, or a tampered credential', () => {
    const entities =
      '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "boom">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>';
    rejects(() => unbakeCredential(utf8(entities)), 'validation_failed', /DOCTYPE/);
    rejects(() => bakeSvg(entities, JWS), 'validation_failed', /DOCTYPE/);
    rejects(() => unbakeCredential(utf8('<svg><g></svg>')), 'validation_failed', /not well-formed/);
    rejects(() => bakeSvg('<html></html>', JWS), 'validation_failed', /not <svg>/);
    const broken = bakeSvg(SVG, CREDENTIAL).replace('"id":"urn', '"id"urn');
    rejects(() => unbakeCredential(utf8(broken)), 'validation_failed', /not valid JSON/);
  });

  test('files that are no credential file are unsupported; sniffing tells the three apart', () => {
    rejects(() => unbakeCredential(utf8('hello world')), 'unsupported_media_type', /Not a credential file/);
    rejects(() => unbakeCredential(new Uint8Array([0xff, 0xd8, 0xff])), 'unsupported_media_type', /Not/);
    assert.equal(sniffCredentialFile(tinyPng()), 'png');
    assert.equal(sniffCredentialFile(utf8(SVG)), 'svg');
    assert.equal(sniffCredentialFile(utf8(` \n${JSON.stringify(CREDENTIAL)}`)), 'json');
    assert.equal(sniffCredentialFile(utf8(`${JWS}\n`)), 'json');
    assert.equal(sniffCredentialFile(utf8('<html></html>')), null);
    assert.deepEqual(unbakeCredential(utf8(JSON.stringify(CREDENTIAL))), {
      format: 'json',
      credential: CREDENTIAL,
    });
    rejects(() => unbakeCredential(utf8('[1, 2]')), 'unsupported_media_type', /Not a credential file/);
  });

  test('baking refuses a string that is not a compact JWS and an SVG bound to OB 2.0', () => {
    rejects(() => bakePng(tinyPng(), 'not a jws'), 'validation_failed', /compact JWS/);
    const ob2 = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"/>';
    rejects(() => bakeSvg(ob2, JWS), 'validation_failed', /Open Badges 2\.0/);
  });
});
