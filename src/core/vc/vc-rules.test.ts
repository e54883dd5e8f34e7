import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  checkCredentialDataModel,
  checkPresentationDataModel,
  dataModelVersion,
  isUrl,
  type VcRuleCode,
} from './vc-rules.ts';

type Json = Record<string, unknown>;

const V2 = 'https://www.w3.org/ns/credentials/v2';
const V1 = 'https://www.w3.org/2018/credentials/v1';
const SRI = 'sha384-S57yQDg1MTzF56Oi9DbSQ14u7jBy0RDdx0YbeV7shwhCS88G8SCXeFq82PafhCrW';

function credential(extra: Json = {}): Json {
  return {
    '@context': [V2],
    id: 'urn:uuid:9b7d3c1e-2f4a-4c8b-8e6d-5a1f0c9b2d33',
    type: ['VerifiableCredential', 'ExampleCredential'],
    issuer: 'did:example:issuer',
    validFrom: '2026-01-01T00:00:00Z',
    credentialSubject: { id: 'did:example:subject', skill: 'x' },
    ...extra,
  };
}

/** Asserts exactly these [code, path] problems (order-insensitive). */
function expectProblems(value: unknown, expected: Array<[VcRuleCode, string]>) {
  const problems = checkCredentialDataModel(value);
  for (const problem of problems) assert.ok(problem.message.length > 0);
  assert.deepEqual(
    problems.map((p) => [p.code, p.path]).sort(),
    [...expected].sort(),
    JSON.stringify(problems, null, 2),
  );
}

describe('checkCredentialDataModel', () => {
  test('a minimal VC 2.0 credential has no problems', () => expectProblems(credential(), []));

  test('not an object', () => {
    expectProblems('x', [['not_an_object', '(credential)']]);
    expectProblems([credential()], [['not_an_object', '(credential)']]);
  });

  test('@context: required, an ordered set, VC 2.0 first, URLs or objects', () => {
    const { '@context': _c, ...noContext } = credential();
    expectProblems(noContext, [['missing_context', '@context']]);
    expectProblems(credential({ '@context': V2 }), [['invalid_context', '@context']]);
    expectProblems(credential({ '@context': ['https://example.org/ctx', V2] }), [
      ['invalid_context', '@context[0]'],
    ]);
    expectProblems(credential({ '@context': [V2, 42] }), [['invalid_context', '@context[1]']]);
    expectProblems(credential({ '@context': [V2, { '@vocab': 'https://example.org/#' }] }), []);
  });

  test('type: required, strings, includes VerifiableCredential', () => {
    const { type: _t, ...noType } = credential();
    expectProblems(noType, [['missing_type', 'type']]);
    expectProblems(credential({ type: ['ExampleCredential'] }), [['missing_base_type', 'type']]);
    expectProblems(credential({ type: ['VerifiableCredential', 7] }), [['invalid_type', 'type']]);
    expectProblems(credential({ type: 'VerifiableCredential' }), []);
  });

  test('every id is a URL, wherever it is (but not inside @context or proof)', () => {
    expectProblems(credential({ id: 'not a url' }), [['invalid_id', 'id']]);
    expectProblems(credential({ credentialSubject: { id: 'learner-42', skill: 'x' } }), [
      ['invalid_id', 'credentialSubject.id'],
    ]);
    expectProblems(credential({ evidence: [{ id: 'evidence 1', type: 'Evidence' }] }), [
      ['invalid_id', 'evidence[0].id'],
    ]);
    expectProblems(credential({ credentialSubject: { id: 42 } }), [['invalid_id', 'credentialSubject.id']]);
    expectProblems(credential({ '@context': [V2, { id: '@id', x: { '@id': 'https://x.example' } }] }), []);
    expectProblems(credential({ proof: { id: 'whatever', type: 'DataIntegrityProof' } }), []);
  });

  test('issuer: required; a URL or an object with a URL id', () => {
    const { issuer: _i, ...noIssuer } = credential();
    expectProblems(noIssuer, [['missing_issuer', 'issuer']]);
    expectProblems(credential({ issuer: 'Acme Academy' }), [['invalid_issuer', 'issuer']]);
    expectProblems(credential({ issuer: { name: 'Acme' } }), [['invalid_issuer', 'issuer.id']]);
    expectProblems(credential({ issuer: ['did:example:a', 'did:example:b'] }), [
      ['invalid_issuer', 'issuer'],
    ]);
    expectProblems(credential({ issuer: { id: 'did:example:issuer', name: 'Acme' } }), []);
  });

  test('credentialSubject: required, objects with properties', () => {
    const { credentialSubject: _s, ...noSubject } = credential();
    expectProblems(noSubject, [['missing_credential_subject', 'credentialSubject']]);
    expectProblems(credential({ credentialSubject: {} }), [
      ['invalid_credential_subject', 'credentialSubject'],
    ]);
    expectProblems(credential({ credentialSubject: [] }), [
      ['invalid_credential_subject', 'credentialSubject'],
    ]);
    expectProblems(credential({ credentialSubject: [{ skill: 'a' }, 'b'] }), [
      ['invalid_credential_subject', 'credentialSubject[1]'],
    ]);
  });

  test('validFrom/validUntil are dateTimeStamps, in order', () => {
    expectProblems(credential({ validFrom: '2026-01-01' }), [['invalid_date', 'validFrom']]);
    expectProblems(credential({ validFrom: '2026-01-01T00:00:00' }), [['invalid_date', 'validFrom']]);
    expectProblems(credential({ validUntil: '2026-02-30T00:00:00Z' }), [['invalid_date', 'validUntil']]);
    expectProblems(credential({ validUntil: '2025-01-01T00:00:00Z' }), [
      ['invalid_validity_period', 'validUntil'],
    ]);
    expectProblems(credential({ validUntil: '2026-01-01T01:00:00+01:00' }), []);
  });

  test('VC 1.1 credentials: issuanceDate required, expirationDate after it', () => {
    const v1 = {
      ...credential({ '@context': [V1] }),
      validFrom: undefined,
      issuanceDate: '2026-01-01T00:00:00Z',
    };
    expectProblems(JSON.parse(JSON.stringify(v1)), []);
    const { issuanceDate: _d, ...noDate } = JSON.parse(JSON.stringify(v1));
    expectProblems(noDate, [['missing_issuance_date', 'issuanceDate']]);
    expectProblems({ ...JSON.parse(JSON.stringify(v1)), expirationDate: '2025-01-01T00:00:00Z' }, [
      ['invalid_validity_period', 'expirationDate'],
    ]);
  });

  test('credentialSchema entries need a type and an id', () => {
    expectProblems(credential({ credentialSchema: { id: 'https://schemas.example/a.json' } }), [
      ['missing_entry_type', 'credentialSchema.type'],
    ]);
    expectProblems(credential({ credentialSchema: [{ type: 'JsonSchema' }] }), [
      ['missing_entry_id', 'credentialSchema[0].id'],
    ]);
    expectProblems(credential({ credentialSchema: ['https://schemas.example/a.json'] }), [
      ['invalid_entry', 'credentialSchema[0]'],
    ]);
    expectProblems(
      credential({ credentialSchema: [{ id: 'https://schemas.example/a.json', type: 'JsonSchema' }] }),
      [],
    );
  });

  test('refreshService entries need a type (VC 2.0 does not require an id)', () => {
    expectProblems(credential({ refreshService: { url: 'https://refresh.example' } }), [
      ['missing_entry_type', 'refreshService.type'],
    ]);
    expectProblems(credential({ refreshService: { type: 'VerifiableCredentialRefreshService2021' } }), []);
  });

  test('credentialStatus, termsOfUse, evidence, confidenceMethod, renderMethod entries need a type', () => {
    for (const key of ['credentialStatus', 'termsOfUse', 'evidence', 'confidenceMethod', 'renderMethod']) {
      expectProblems(credential({ [key]: [{ id: 'https://x.example/1' }] }), [
        ['missing_entry_type', `${key}[0].type`],
      ]);
      expectProblems(credential({ [key]: [{ id: 'https://x.example/1', type: ['', 'X'] }] }), [
        ['missing_entry_type', `${key}[0].type`],
      ]);
      expectProblems(credential({ [key]: { type: 'SomeType' } }), []);
    }
  });

  test('relatedResource: an id each, unique, with a digest in a valid format', () => {
    expectProblems(credential({ relatedResource: [{ digestSRI: SRI }] }), [
      ['missing_entry_id', 'relatedResource[0].id'],
    ]);
    expectProblems(
      credential({
        relatedResource: [
          { id: 'https://x.example/logo.png', digestSRI: SRI },
          {
            id: 'https://x.example/other.png',
            digestMultibase: 'uEiBZlVztZpfWHgPyslVv6-UwirFoQoRvW1htfx963sknNA',
          },
          { id: 'https://x.example/logo.png', digestSRI: SRI },
        ],
      }),
      [['duplicate_related_resource_id', 'relatedResource[2].id']],
    );
    expectProblems(credential({ relatedResource: [{ id: 'https://x.example/logo.png' }] }), [
      ['missing_related_resource_digest', 'relatedResource[0]'],
    ]);
    expectProblems(credential({ relatedResource: [{ id: 'https://x.example/a', digestSRI: 'md5-abc' }] }), [
      ['invalid_related_resource_digest', 'relatedResource[0].digestSRI'],
    ]);
    expectProblems(
      credential({ relatedResource: [{ id: 'https://x.example/a', digestMultibase: 'Mabc' }] }),
      [['invalid_related_resource_digest', 'relatedResource[0].digestMultibase']],
    );
    expectProblems(credential({ relatedResource: 'https://x.example/a' }), [
      ['invalid_entry', 'relatedResource'],
    ]);
  });

  test('name and description: strings or language values', () => {
    expectProblems(
      credential({ name: 'Badge', description: [{ '@value': 'Abzeichen', '@language': 'de' }] }),
      [],
    );
    expectProblems(credential({ name: 42 }), [['invalid_language_value', 'name']]);
    expectProblems(credential({ description: { text: 'x' } }), [['invalid_language_value', 'description']]);
  });

  test('a document breaking several rules reports each', () => {
    const problems = checkCredentialDataModel({ '@context': ['x'], type: 'Foo', credentialSchema: [{}] });
    const codes = new Set(problems.map((p) => p.code));
    for (const code of [
      'invalid_context',
      'missing_base_type',
      'missing_issuer',
      'missing_credential_subject',
      'missing_entry_type',
      'missing_entry_id',
    ] as const) {
      assert.ok(codes.has(code), code);
    }
  });
});

describe('checkPresentationDataModel', () => {
  const vp = (extra: Json = {}): Json => ({
    '@context': [V2],
    type: ['VerifiablePresentation'],
    holder: 'did:example:holder',
    verifiableCredential: [credential()],
    ...extra,
  });

  test('a well-formed presentation has no problems', () =>
    assert.deepEqual(checkPresentationDataModel(vp()), []));

  test('type, holder and credentials are checked', () => {
    const codes = (value: unknown) => checkPresentationDataModel(value).map((p) => [p.code, p.path]);
    assert.deepEqual(codes(vp({ type: ['VerifiableCredential'] })), [['missing_base_type', 'type']]);
    assert.deepEqual(codes(vp({ holder: 'someone' })), [['invalid_holder', 'holder']]);
    assert.deepEqual(codes(vp({ verifiableCredential: ['eyJ.eyJ.sig'] })), [
      ['invalid_verifiable_credential', 'verifiableCredential[0]'],
    ]);
    // VC 1.1 presentations could carry compact JWTs as strings.
    assert.deepEqual(codes(vp({ '@context': [V1], verifiableCredential: ['eyJ.eyJ.sig'] })), []);
    assert.deepEqual(codes(null), [['not_an_object', '(credential)']]);
  });
});

describe('helpers', () => {
  test('isUrl accepts absolute URIs only', () => {
    for (const url of [
      'https://x.example/a',
      'did:web:x.example',
      'urn:uuid:1234',
      'data:,x',
      'did:key:z6Mk#z6Mk',
    ]) {
      assert.equal(isUrl(url), true, url);
    }
    for (const value of ['/relative', 'x y:z', 'no-scheme', '', 42, null, 'https://x.example/a b']) {
      assert.equal(isUrl(value), false, String(value));
    }
  });

  test('dataModelVersion reads the first context', () => {
    assert.equal(dataModelVersion(credential()), '2.0');
    assert.equal(dataModelVersion(credential({ '@context': [V1] })), '1.1');
    assert.equal(dataModelVersion(credential({ '@context': ['https://x.example'] })), undefined);
    assert.equal(dataModelVersion('x'), undefined);
  });
});
