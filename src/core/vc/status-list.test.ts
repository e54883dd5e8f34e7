import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { sharedPath } from '../../../test/helpers/shared.ts';
import { createDocumentLoader } from './contexts.ts';
import { didKeyFor, didKeyVerificationMethodId } from './did.ts';
import { VcError } from './errors.ts';
import { Ed25519KeyPair } from './keys.ts';
import { CRYPTOSUITES, signCredential, verifyDataIntegrity } from './proofs.ts';
import { createLocalSigner } from './signer.ts';
import {
  Bitstring,
  buildStatusEntry,
  buildStatusListCredential,
  checkStatus,
  DEFAULT_BITSTRING_LENGTH,
  findStatusEntries,
  MAX_BITSTRING_LENGTH,
  MIN_BITSTRING_LENGTH,
  randomIndex,
  type StatusCheck,
  StatusListError,
} from './status-list.ts';

const LIST_URL = 'https://credstack.example/status/7';
const ISSUER = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';

/** The encodedList of the spec's examples (§2.2 and Appendix): an empty 131,072-bit list. */
const SPEC_ENCODED_LIST = 'uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA';

function expectReason(result: StatusCheck, reason: string) {
  assert.equal(result.ok, false, JSON.stringify(result));
  if (result.ok) return;
  assert.equal(result.reason, reason, result.message);
  assert.ok(result.message.length > 0);
  assert.match(
    result.specError,
    /^(STATUS_VERIFICATION_ERROR|MALFORMED_VALUE_ERROR|STATUS_LIST_LENGTH_ERROR|RANGE_ERROR)$/,
  );
}

function throwsReason(fn: () => unknown, reason: string) {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof StatusListError, String(error));
    assert.ok(error instanceof VcError);
    assert.equal(error.code, 'invalid_input');
    assert.equal(error.reason, reason, error.message);
    return true;
  });
}

function listCredential(list: Bitstring, overrides: Record<string, unknown> = {}) {
  return {
    ...buildStatusListCredential({
      id: LIST_URL,
      issuer: ISSUER,
      statusPurpose: 'revocation',
      encodedList: list.encode(),
    }),
    ...overrides,
  };
}

describe('Bitstring', () => {
  test('defaults to exactly 131,072 bits, all clear', () => {
    const list = new Bitstring();
    assert.equal(DEFAULT_BITSTRING_LENGTH, 131_072);
    assert.equal(list.length, 131_072);
    assert.equal(list.toBytes().length, 16_384);
    assert.deepEqual([...list.setIndexes()], []);
  });

  test('refuses lists under 16 KiB, not a multiple of 8 or over the maximum', () => {
    throwsReason(() => new Bitstring(MIN_BITSTRING_LENGTH - 8), 'list_too_short');
    throwsReason(() => new Bitstring(MIN_BITSTRING_LENGTH + 1), 'malformed_list');
    throwsReason(() => new Bitstring(MAX_BITSTRING_LENGTH + 8), 'malformed_list');
    assert.equal(new Bitstring(MIN_BITSTRING_LENGTH * 2).length, 262_144);
    assert.equal(new Bitstring(64, { minLength: 64 }).length, 64, 'a lower minimum is explicit');
  });

  test('bit order: index 0 is the left-most bit of the first byte', () => {
    const list = new Bitstring();
    list.set(0);
    list.set(9);
    list.set(131_071);
    const bytes = list.toBytes();
    assert.equal(bytes[0], 0b1000_0000);
    assert.equal(bytes[1], 0b0100_0000);
    assert.equal(bytes[16_383], 0b0000_0001);
    assert.deepEqual([...list.setIndexes()], [0, 9, 131_071]);
    list.set(9, false);
    assert.equal(list.get(9), false);
    assert.equal(list.toBytes()[1], 0);
    assert.equal(list.get(0), true);
  });

  test('get/set outside the list throw index_out_of_range', () => {
    const list = new Bitstring();
    for (const index of [-1, 131_072, 1.5, Number.NaN]) {
      throwsReason(() => list.get(index), 'index_out_of_range');
      throwsReason(() => list.set(index), 'index_out_of_range');
    }
  });

  test('an empty list encodes exactly as the spec example', () => {
    assert.equal(new Bitstring().encode(), SPEC_ENCODED_LIST);
  });

  test('encode → decode round trip keeps every bit (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 131_071 }), { maxLength: 200 }), (indexes) => {
        const list = new Bitstring();
        for (const index of indexes) list.set(index);
        const encoded = list.encode();
        assert.match(encoded, /^u[A-Za-z0-9_-]+$/, 'multibase base64url, no padding');
        const decoded = Bitstring.decode(encoded);
        assert.equal(decoded.length, 131_072);
        assert.deepEqual(
          [...decoded.setIndexes()],
          [...indexes].sort((a, b) => a - b),
        );
      }),
      { numRuns: 50 },
    );
  });

  test('decode validates the multibase prefix, base64url, GZIP and the length', () => {
    const good = new Bitstring().encode();
    throwsReason(() => Bitstring.decode(good.slice(1)), 'malformed_list');
    throwsReason(() => Bitstring.decode(`z${good.slice(1)}`), 'malformed_list');
    throwsReason(() => Bitstring.decode(`${good}==`), 'malformed_list');
    throwsReason(
      () => Bitstring.decode(`u${Buffer.from(new Bitstring().encode()).toString('base64')}+/`),
      'malformed_list',
    );
    throwsReason(() => Bitstring.decode(`u${Buffer.alloc(16_384).toString('base64url')}`), 'malformed_list');
    throwsReason(() => Bitstring.decode(good.slice(0, -6)), 'malformed_list'); // truncated stream
    throwsReason(() => Bitstring.decode(42 as unknown as string), 'malformed_list');
    const short = `u${gzipSync(Buffer.alloc(1024)).toString('base64url')}`;
    throwsReason(() => Bitstring.decode(short), 'list_too_short');
    assert.equal(Bitstring.decode(short, { minLength: 8192 }).length, 8192);
  });

  test('decode refuses a GZIP bomb past the maximum length', () => {
    const bomb = `u${gzipSync(Buffer.alloc(MAX_BITSTRING_LENGTH / 8 + 1)).toString('base64url')}`;
    assert.ok(bomb.length < 40_000, 'a few KiB of input');
    throwsReason(() => Bitstring.decode(bomb), 'malformed_list');
  });
});

describe('randomIndex', () => {
  test('stays inside the list and spreads across it', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const index = randomIndex();
      assert.ok(Number.isInteger(index) && index >= 0 && index < DEFAULT_BITSTRING_LENGTH);
      seen.add(index);
    }
    assert.ok(seen.size > 1900, 'random, not sequential or clustered');
    assert.ok([...seen].some((index) => index > 65_536) && [...seen].some((index) => index < 65_536));
    assert.equal(randomIndex(1), 0);
    assert.throws(() => randomIndex(0), VcError);
    assert.throws(() => randomIndex(2 ** 49), VcError);
  });
});

describe('buildStatusListCredential and buildStatusEntry', () => {
  test('build the spec shapes', () => {
    const list = new Bitstring();
    const credential = buildStatusListCredential({
      id: LIST_URL,
      issuer: ISSUER,
      statusPurpose: 'suspension',
      encodedList: list.encode(),
      validFrom: new Date('2026-01-01T00:00:00Z'),
      validUntil: '2026-02-01T00:00:00.500+01:00',
    });
    assert.deepEqual(credential, {
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      id: LIST_URL,
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: ISSUER,
      validFrom: '2026-01-01T00:00:00Z',
      validUntil: '2026-01-31T23:00:00.500Z',
      credentialSubject: {
        id: `${LIST_URL}#list`,
        type: 'BitstringStatusList',
        statusPurpose: 'suspension',
        encodedList: SPEC_ENCODED_LIST,
      },
    });
    assert.deepEqual(
      buildStatusEntry({ listCredentialUrl: LIST_URL, index: 94_567, statusPurpose: 'revocation' }),
      {
        id: `${LIST_URL}#94567`,
        type: 'BitstringStatusListEntry',
        statusPurpose: 'revocation',
        statusListIndex: '94567',
        statusListCredential: LIST_URL,
      },
    );
  });

  test('refuse bad input with VcError invalid_input', () => {
    const encodedList = new Bitstring().encode();
    const base = { id: LIST_URL, issuer: ISSUER, statusPurpose: 'revocation' as const, encodedList };
    const bad: Array<Record<string, unknown>> = [
      { id: 'not a url' },
      { id: `${LIST_URL}#frag` },
      { id: 'ftp://example.com/list' },
      { issuer: '' },
      { issuer: { name: 'no id' } },
      { statusPurpose: 'message' },
      { encodedList: 'uAAAA' },
      { validFrom: 'yesterday' },
      { validFrom: '2026-01-01T00:00:00' },
      { validFrom: '2026-02-30T00:00:00Z' },
      { validFrom: '2026-01-01T24:00:00Z' },
      { validFrom: '2026-02-01T00:00:00Z', validUntil: '2026-01-01T00:00:00Z' },
      { ttl: -1 },
    ];
    for (const override of bad) {
      assert.throws(
        () => buildStatusListCredential({ ...base, ...override } as typeof base),
        (error: unknown) => error instanceof VcError && error.code === 'invalid_input',
        JSON.stringify(override),
      );
    }
    for (const override of [
      { index: -1 },
      { index: 1.5 },
      { listCredentialUrl: 'x' },
      { statusPurpose: 'refresh' },
    ]) {
      assert.throws(
        () =>
          buildStatusEntry({
            listCredentialUrl: LIST_URL,
            index: 1,
            statusPurpose: 'revocation',
            ...override,
          } as Parameters<typeof buildStatusEntry>[0]),
        VcError,
      );
    }
  });

  test('findStatusEntries reads one object or an array', () => {
    const entry = buildStatusEntry({ listCredentialUrl: LIST_URL, index: 3, statusPurpose: 'revocation' });
    assert.deepEqual(findStatusEntries({ credentialStatus: entry }), [entry]);
    assert.deepEqual(findStatusEntries({ credentialStatus: [{ type: 'Other' }, entry] }), [entry]);
    assert.deepEqual(findStatusEntries({}), []);
    assert.deepEqual(findStatusEntries(null), []);
  });
});

describe('checkStatus', () => {
  test('a set bit reads as set, a clear bit as not set', () => {
    const list = new Bitstring();
    list.set(42);
    const credential = listCredential(list);
    const revoked = buildStatusEntry({ listCredentialUrl: LIST_URL, index: 42, statusPurpose: 'revocation' });
    const fine = buildStatusEntry({ listCredentialUrl: LIST_URL, index: 43, statusPurpose: 'revocation' });
    assert.deepEqual(checkStatus({ entry: revoked, listCredential: credential }), {
      ok: true,
      purpose: 'revocation',
      set: true,
      index: 42,
      listLength: 131_072,
    });
    assert.deepEqual(checkStatus({ entry: fine, listCredential: credential }), {
      ok: true,
      purpose: 'revocation',
      set: false,
      index: 43,
      listLength: 131_072,
    });
  });

  test("the spec's examples: the example list has nothing set at the example indexes", () => {
    // §2.1's entries (94567 revocation, 23452 suspension) against §2.2's list credential, re-pointed.
    const specList = {
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      id: 'https://example.com/credentials/status/3',
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: 'did:example:12345',
      validFrom: '2021-04-05T14:27:40Z',
      credentialSubject: {
        id: 'https://example.com/status/3#list',
        type: 'BitstringStatusList',
        statusPurpose: 'revocation',
        encodedList: SPEC_ENCODED_LIST,
      },
    };
    const entry = {
      id: 'https://example.com/credentials/status/3#94567',
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: '94567',
      statusListCredential: 'https://example.com/credentials/status/3',
    };
    const result = checkStatus({ entry, listCredential: specList, expectedIssuer: 'did:example:12345' });
    assert.deepEqual(result, {
      ok: true,
      purpose: 'revocation',
      set: false,
      index: 94_567,
      listLength: 131_072,
    });
    const decoded = Bitstring.decode(SPEC_ENCODED_LIST);
    assert.equal(decoded.length, 131_072);
    assert.deepEqual([...decoded.setIndexes()], []);
    // The suspension entry points at the revocation list: purpose mismatch.
    expectReason(
      checkStatus({
        entry: { ...entry, statusPurpose: 'suspension', statusListIndex: '23452' },
        listCredential: specList,
      }),
      'purpose_mismatch',
    );
    // §2.1's message example: index 492847 is beyond a 131,072-entry list, and statusSize 2 is refused.
    expectReason(
      checkStatus({ entry: { ...entry, statusListIndex: '492847' }, listCredential: specList }),
      'index_out_of_range',
    );
    expectReason(
      checkStatus({ entry: { ...entry, statusPurpose: 'message', statusSize: 2 }, listCredential: specList }),
      'unsupported_status_size',
    );
  });

  test('a list with several purposes matches any of them', () => {
    const list = new Bitstring();
    list.set(5);
    const credential = listCredential(list);
    (credential.credentialSubject as { statusPurpose: unknown }).statusPurpose = ['revocation', 'suspension'];
    const entry = buildStatusEntry({ listCredentialUrl: LIST_URL, index: 5, statusPurpose: 'suspension' });
    assert.equal((checkStatus({ entry, listCredential: credential }) as { set: boolean }).set, true);
  });

  test('one failure per malformed entry', () => {
    const credential = listCredential(new Bitstring());
    const entry = buildStatusEntry({ listCredentialUrl: LIST_URL, index: 1, statusPurpose: 'revocation' });
    const cases: Array<[Record<string, unknown> | null, string]> = [
      [null, 'malformed_entry'],
      [{ ...entry, type: 'StatusList2021Entry' }, 'malformed_entry'],
      [{ ...entry, statusPurpose: undefined }, 'malformed_entry'],
      [{ ...entry, statusListIndex: 1 }, 'malformed_entry'],
      [{ ...entry, statusListIndex: '-1' }, 'malformed_entry'],
      [{ ...entry, statusListIndex: '12abc' }, 'malformed_entry'],
      [{ ...entry, statusListIndex: '0x10' }, 'malformed_entry'],
      [{ ...entry, statusListCredential: undefined }, 'malformed_entry'],
      [{ ...entry, id: LIST_URL }, 'malformed_entry'],
      [{ ...entry, statusSize: 2 }, 'unsupported_status_size'],
      [{ ...entry, statusListIndex: '131072' }, 'index_out_of_range'],
      [{ ...entry, statusListIndex: '99999999999999999999' }, 'index_out_of_range'],
      [{ ...entry, statusPurpose: 'suspension' }, 'purpose_mismatch'],
      [{ ...entry, statusListCredential: 'https://credstack.example/status/8' }, 'list_id_mismatch'],
    ];
    for (const [bad, reason] of cases)
      expectReason(checkStatus({ entry: bad, listCredential: credential }), reason);
  });

  test('one failure per bad list credential', () => {
    const entry = buildStatusEntry({ listCredentialUrl: LIST_URL, index: 1, statusPurpose: 'revocation' });
    const good = listCredential(new Bitstring());
    const subject = good.credentialSubject;
    const short = `u${gzipSync(Buffer.alloc(1024)).toString('base64url')}`;
    const cases: Array<[unknown, string]> = [
      ['https://credstack.example/status/7', 'invalid_list_credential'],
      [{ ...good, type: ['VerifiableCredential'] }, 'invalid_list_credential'],
      [{ ...good, credentialSubject: { ...subject, type: 'StatusList2021' } }, 'invalid_list_credential'],
      [{ ...good, credentialSubject: [subject] }, 'invalid_list_credential'],
      [{ ...good, credentialSubject: { ...subject, encodedList: 'H4sIAAAA' } }, 'malformed_list'],
      [{ ...good, credentialSubject: { ...subject, encodedList: undefined } }, 'malformed_list'],
      [{ ...good, credentialSubject: { ...subject, encodedList: short } }, 'list_too_short'],
      [{ ...good, validFrom: 'soon' }, 'invalid_list_credential'],
      [{ ...good, validFrom: '2999-01-01T00:00:00Z' }, 'list_not_yet_valid'],
      [{ ...good, validUntil: '2000-01-01T00:00:00Z' }, 'list_expired'],
    ];
    for (const [bad, reason] of cases) expectReason(checkStatus({ entry, listCredential: bad }), reason);
    expectReason(
      checkStatus({ entry, listCredential: good, expectedIssuer: 'did:key:other' }),
      'list_issuer_mismatch',
    );
    assert.equal(checkStatus({ entry, listCredential: good, expectedIssuer: ISSUER }).ok, true);
    const { id: _id, ...noId } = good;
    assert.equal(checkStatus({ entry, listCredential: noId }).ok, true, 'the list id is optional');
  });
});

describe('signed status list credentials', () => {
  for (const cryptosuite of CRYPTOSUITES) {
    test(`${cryptosuite}: a signed list verifies and tampering with a bit is detected`, async () => {
      const keyPair = Ed25519KeyPair.generate();
      const issuer = didKeyFor(keyPair.publicKeyMultibase);
      const signer = createLocalSigner({
        keyPair,
        id: didKeyVerificationMethodId(keyPair.publicKeyMultibase),
      });
      const documentLoader = createDocumentLoader();
      const list = new Bitstring();
      list.set(1234);
      const unsigned = buildStatusListCredential({
        id: LIST_URL,
        issuer,
        statusPurpose: 'revocation',
        encodedList: list.encode(),
        validFrom: '2026-01-01T00:00:00Z',
      });
      const signed = await signCredential({
        credential: { ...unsigned },
        signer,
        cryptosuite,
        documentLoader,
      });
      const verified = await verifyDataIntegrity({ document: signed, documentLoader });
      assert.equal(verified.verified, true, JSON.stringify(verified));
      const entry = buildStatusEntry({
        listCredentialUrl: LIST_URL,
        index: 1234,
        statusPurpose: 'revocation',
      });
      assert.equal(
        (checkStatus({ entry, listCredential: signed, expectedIssuer: issuer }) as { set: boolean }).set,
        true,
      );

      list.set(1234, false);
      const tampered = structuredClone(signed) as typeof signed & {
        credentialSubject: { encodedList: string };
      };
      tampered.credentialSubject.encodedList = list.encode();
      const result = await verifyDataIntegrity({ document: tampered, documentLoader });
      assert.equal(result.verified, false);
      assert.equal(result.failure?.code, 'signature_mismatch');
    });
  }
});

const SPEC = sharedPath('specs/vc-bitstring-status-list.html');

describe('the specification document', {
  skip: existsSync(SPEC) ? false : `${SPEC} not found (../shared is absent)`,
}, () => {
  test('every encodedList in the spec decodes to a valid 131,072-bit list', () => {
    const text = readFileSync(SPEC, 'utf8').replace(/<[^>]+>/g, ''); // examples wrap values in <span>s
    const found = [...text.matchAll(/"encodedList":\s*"([^"]+)"/g)].map((match) => match[1] as string);
    assert.equal(found.length, 2, 'the spec has two encodedList examples');
    for (const encoded of found) {
      const list = Bitstring.decode(encoded);
      assert.equal(list.length, 131_072);
      assert.equal(list.encode(), encoded, 're-encoding reproduces the example byte for byte');
    }
  });
});
