import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  alignmentsOf,
  analyse,
  type CredentialSource,
  credentialPayload,
  credentialState,
  dedupeTarget,
  gapSkillsForPath,
  type ProfileSkill,
  statusOf,
} from './gap.ts';

const now = new Date('2026-06-01T00:00:00Z');
const credential = (state: 'active' | 'expired', title = 'SQL badge'): CredentialSource => ({
  kind: 'credential',
  credentialId: `00000000-0000-4000-8000-00000000000${state === 'active' ? 1 : 2}`,
  title,
  issuer: 'Academy',
  state,
  validUntil: state === 'expired' ? new Date('2026-01-01T00:00:00Z') : null,
  via: 'definition',
});
const skill = (uri: string, sources: ProfileSkill['sources']): ProfileSkill => ({
  uri,
  label: uri.toUpperCase(),
  framework: 'esco',
  status: statusOf(sources),
  sources,
});

describe('credentialState', () => {
  test('active and in validity counts; expired is expired; revoked, suspended and future do not count', () => {
    const base = { valid_from: new Date('2026-01-01T00:00:00Z'), valid_until: null };
    assert.equal(credentialState({ ...base, status: 'active' }, now), 'active');
    assert.equal(credentialState({ ...base, status: 'active', valid_until: now }, now), 'expired');
    assert.equal(credentialState({ ...base, status: 'revoked' }, now), null);
    assert.equal(credentialState({ ...base, status: 'suspended' }, now), null);
    assert.equal(
      credentialState({ status: 'active', valid_from: new Date('2027-01-01'), valid_until: null }, now),
      null,
    );
  });
});

describe('alignmentsOf', () => {
  test('reads achievement, result-description and result alignments, skips malformed ones, decodes a vc+jwt', () => {
    const document = {
      credentialSubject: {
        achievement: {
          alignment: [
            { targetUrl: 'http://esco/a', targetName: 'A' },
            { targetUrl: 'not a uri' },
            { targetName: 'no url' },
            'junk',
          ],
          resultDescription: [
            { id: 'urn:r:1', alignment: [{ targetUrl: 'http://esco/c', targetName: 'C' }] },
            {
              id: 'urn:r:2',
              alignment: [{ targetUrl: 'https://academy.example/d', targetCode: 'http://case/d' }],
            },
          ],
        },
        result: [
          {
            alignment: [
              { targetUrl: 'http://esco/b' },
              { targetUrl: 'http://esco/a' },
              { targetName: 'E', targetCode: 'http://case/e' },
              { targetUrl: 'http://esco/f', targetCode: 'F-12' },
            ],
          },
        ],
      },
    };
    assert.deepEqual(alignmentsOf(document), [
      { uris: ['http://esco/a'], label: 'A' },
      { uris: ['http://esco/c'], label: 'C' },
      { uris: ['https://academy.example/d', 'http://case/d'], label: null },
      { uris: ['http://esco/b'], label: null },
      { uris: ['http://case/e'], label: 'E' },
      { uris: ['http://esco/f'], label: null },
    ]);
    const jwt = `e30.${Buffer.from(JSON.stringify(document)).toString('base64url')}.sig`;
    assert.deepEqual(alignmentsOf(credentialPayload(jwt)), alignmentsOf(document));
    assert.equal(credentialPayload('not-a-jwt'), null);
    assert.equal(credentialPayload('a.!!!.c'), null);
    assert.deepEqual(alignmentsOf(null), []);
    assert.deepEqual(alignmentsOf({ credentialSubject: 'x' }), []);
  });
});

describe('analyse', () => {
  const profile = [
    skill('sql', [credential('active')]),
    skill('python', [credential('expired', 'Python 2019')]),
    skill('teamwork', [{ kind: 'declared', declaredAt: now }]),
    skill('databases', [credential('active', 'DB badge')]),
  ];
  const related = new Map([['write-sql', [{ uri: 'databases', relation: 'broader' as const }]]]);

  test('covered, partly (expired, declared, related) and missing, with weighted coverage', () => {
    const result = analyse(
      [
        { uri: 'sql', label: 'SQL', importance: 'essential' },
        { uri: 'python', label: 'Python', importance: 'essential' },
        { uri: 'teamwork', label: 'Teamwork', importance: 'optional' },
        { uri: 'write-sql', label: 'Write SQL', importance: 'optional' },
        { uri: 'ml', label: 'ML', importance: 'essential' },
      ],
      profile,
      related,
    );
    assert.deepEqual(
      result.skills.map((s) => [s.uri, s.coverage, s.reasons.map((r) => r.kind)]),
      [
        ['sql', 'covered', ['verified']],
        ['python', 'partly', ['expired']],
        ['teamwork', 'partly', ['declared']],
        ['write-sql', 'partly', ['related']],
        ['ml', 'missing', []],
      ],
    );
    // weights 2,2,1,1,2 = 8; earned 2 + 1 + 0.5 + 0.5 + 0 = 4 → 50%
    assert.equal(result.coveragePercent, 50);
    assert.deepEqual(result.counts, { covered: 1, partly: 3, missing: 1 });
    assert.deepEqual(
      gapSkillsForPath(result).map((s) => [s.uri, s.weight]),
      [
        ['python', 2],
        ['teamwork', 1],
        ['write-sql', 1],
        ['ml', 2],
      ],
    );
  });

  test('a related skill counts only when verified', () => {
    const result = analyse(
      [{ uri: 'x', label: 'X', importance: 'essential' }],
      profile,
      new Map([['x', [{ uri: 'python', relation: 'narrower' as const }]]]),
    );
    assert.equal(result.skills[0]?.coverage, 'missing');
    assert.equal(result.coveragePercent, 0);
  });

  test('dedupeTarget keeps one entry per URI, essential winning', () => {
    assert.deepEqual(
      dedupeTarget([
        { uri: 'a', label: 'A', importance: 'optional' },
        { uri: 'a', label: 'A again', importance: 'essential' },
        { uri: 'b', label: 'B', importance: 'essential' },
      ]),
      [
        { uri: 'a', label: 'A', importance: 'essential' },
        { uri: 'b', label: 'B', importance: 'essential' },
      ],
    );
  });
});
