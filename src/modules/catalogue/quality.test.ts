import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { sampleFacts } from '../../../test/helpers/definition-facts.ts';
import { sampleDefinitionContent } from '../../../test/helpers/definitions.ts';
import type { DefinitionContent } from './definition.model.ts';
import { QUALITY_WEIGHTS, type QualityContext, type QualityReport, qualityReport } from './quality.ts';

const NOW = new Date('2026-06-01T00:00:00Z');
const ESCO = 'http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d';
const content = sampleDefinitionContent;

function score(
  overrides: Partial<DefinitionContent> = {},
  context: Partial<QualityContext> = {},
  facts = {},
) {
  return qualityReport(sampleFacts({ content: content(overrides), ...facts }), { now: NOW, ...context });
}

function ids(report: QualityReport): string[] {
  return report.reasons.map((reason) => reason.id);
}

function assertExplained(report: QualityReport): void {
  const total = report.reasons.reduce((sum, reason) => sum + reason.points, 0);
  assert.equal(
    report.score,
    Math.max(0, Math.min(100, total)),
    'the score is the clamped sum of the reasons',
  );
  assert.deepEqual(
    report.redFlags,
    report.reasons.filter((reason) => reason.kind === 'red_flag').map((reason) => reason.id),
  );
  for (const reason of report.reasons) {
    assert.ok(reason.message.length > 5, reason.id);
    if (reason.kind === 'indicator') assert.ok(reason.points > 0, reason.id);
    else assert.ok(reason.points < 0, reason.id);
  }
}

/** Every high-quality sign at once. */
function best(): DefinitionContent {
  return content({
    assessment: { type: 'practical', supervision: 'supervised-onsite-id', passMark: 80 },
    skills: [{ uri: ESCO, label: 'use retrieval-augmented generation' }],
    qualityAssurance: { statement: 'Board review.', accreditations: [{ name: 'National QA Agency' }] },
    endorsements: [{ name: 'AI Industry Council' }],
  });
}

describe('qualityReport', () => {
  test('the indicators add up to 100: every high-quality sign scores 100, band high', () => {
    const report = qualityReport(sampleFacts({ content: best() }), {
      now: NOW,
      issuerRecognised: true,
      isFrameworkSkill: (uri) => uri === ESCO,
      skillDemand: (uri) => (uri === ESCO ? { hot: true } : undefined),
    });
    assertExplained(report);
    assert.equal(report.score, 100);
    assert.equal(report.band, 'high');
    assert.deepEqual(report.redFlags, []);
    assert.ok(report.reasons.every((reason) => reason.kind === 'indicator'));
  });

  test('the sample scores medium, with each reason explained', () => {
    const report = score();
    assertExplained(report);
    assert.equal(report.band, 'medium');
    assert.deepEqual(ids(report), [
      'assessed',
      'pass-criteria',
      'proctored-or-practical',
      'verifiable',
      'quality-assurance',
      'specific-skills',
      'validity-or-versioning',
      'current',
    ]);
    assert.equal(report.score, 62);
  });

  test('is deterministic', () => {
    assert.deepEqual(score(), score());
  });

  test('formal assessment: pass mark and identity-verified supervision add points; a trivial pass mark is a low-quality sign', () => {
    const unsupervised = score({
      assessment: { type: 'test', supervision: 'unsupervised-no-id', passMark: 70 },
    });
    assert.ok(!ids(unsupervised).includes('proctored-or-practical'));
    assert.equal(score().score - unsupervised.score, QUALITY_WEIGHTS.proctoredOrPractical);
    const supervised = score({ assessment: { type: 'test', supervision: 'supervised-no-id', passMark: 70 } });
    assert.ok(ids(supervised).includes('supervised'));
    const trivial = score({ assessment: { type: 'test', passMark: 20 } });
    assert.ok(ids(trivial).includes('trivial-assessment'));
    assert.ok(!ids(trivial).includes('pass-criteria'));
    const portfolio = score({
      assessment: { type: 'portfolio', passCriteria: 'All rubric criteria at least "meets".' },
    });
    assert.ok(ids(portfolio).includes('proctored-or-practical'));
    assert.ok(ids(portfolio).includes('pass-criteria'));
  });

  test('no assessment is a low-quality sign; with a cost it is a pay-to-get red flag', () => {
    const free = score({ assessment: undefined });
    assert.ok(ids(free).includes('no-assessment'));
    assert.deepEqual(free.redFlags, []);
    const paid = score({ assessment: undefined, cost: { amount: 99, currency: 'EUR' } });
    assert.ok(paid.redFlags.includes('pay-to-get'));
    assert.equal(paid.band, 'low');
    assertExplained(paid);
  });

  test('"guaranteed" issuance language is a red flag even with an assessment', () => {
    const report = score({ description: 'Certificate guaranteed! Learn RAG in a weekend.' });
    assert.ok(report.redFlags.includes('pay-to-get'));
    assert.equal(report.band, 'low');
    assert.ok(
      score({ description: 'No exam required: get your badge instantly.' }).redFlags.includes('pay-to-get'),
    );
    assert.deepEqual(score({ description: 'We guarantee nothing but hard work.' }).redFlags, []);
  });

  test('no learning and no assessment is a red flag', () => {
    const report = qualityReport(sampleFacts({ content: { title: 'Attendance badge' } }), { now: NOW });
    assert.ok(report.redFlags.includes('no-learning-or-assessment'));
    assert.equal(report.band, 'low');
    assertExplained(report);
  });

  test('marketing-only descriptions are a red flag', () => {
    const report = score({
      learningOutcomes: undefined,
      description: 'The world-class, industry-leading programme. Enrol today and boost your career!',
    });
    assert.ok(report.redFlags.includes('marketing-only'));
    assert.deepEqual(score({ description: 'A leading method for retrieval.' }).redFlags, []);
  });

  test('unverifiable credentials are a red flag; verifiable external ones count', () => {
    const external = { source: 'external' as const, verifiable: false };
    const report = qualityReport(sampleFacts({ ...external }), { now: NOW });
    assert.ok(report.redFlags.includes('unverifiable'));
    assert.ok(
      ids(qualityReport(sampleFacts({ verifiable: false }), { now: NOW })).includes('verifiable'),
      'ours always are',
    );
    const verifiable = qualityReport(sampleFacts({ source: 'external', verifiable: true }), { now: NOW });
    assert.ok(ids(verifiable).includes('verifiable'));
    assert.match(verifiable.reasons.find((reason) => reason.id === 'verifiable')!.message, /independently/);
  });

  test('a "certification" that is only course completion is a red flag', () => {
    const noAssessment = score({ achievementType: 'Certification', assessment: undefined });
    assert.ok(noAssessment.redFlags.includes('completion-only-certification'));
    const completion = score({
      achievementType: 'Certificate',
      criteria: { narrative: 'Awarded upon completion of all modules.' },
      assessment: { type: 'external' },
    });
    assert.ok(completion.redFlags.includes('completion-only-certification'));
    const assessed = score({ achievementType: 'Certification' });
    assert.deepEqual(assessed.redFlags, []);
  });

  test('skills: framework-aligned (lookup or known host) beat free ones; none is vague', () => {
    const framework = score({ skills: [{ uri: ESCO }] });
    assert.ok(ids(framework).includes('framework-skills'));
    const lookup = score({}, { isFrameworkSkill: (uri) => uri === 'https://skills.example/rag' });
    assert.ok(ids(lookup).includes('framework-skills'));
    assert.equal(
      lookup.score - score().score,
      QUALITY_WEIGHTS.frameworkSkills - QUALITY_WEIGHTS.specificSkills,
    );
    const vague = score({
      learningOutcomes: [{ statement: 'The learner understands AI.' }],
      skills: undefined,
    });
    assert.ok(ids(vague).includes('vague-skills'));
  });

  test('issuer: recognised adds points; unknown without QA, accreditation or endorsement loses some', () => {
    assert.ok(ids(score({}, { issuerRecognised: true })).includes('recognised-issuer'));
    const unknown = score({ qualityAssurance: undefined });
    assert.ok(ids(unknown).includes('unknown-issuer'));
    const accredited = score({ qualityAssurance: { statement: 'x', accreditations: [{ name: 'TEQSA' }] } });
    assert.ok(ids(accredited).includes('accredited'));
    assert.match(accredited.reasons.find((reason) => reason.id === 'accredited')!.message, /TEQSA/);
  });

  test('validity or versioning; neither is a low-quality sign', () => {
    const none = score({ validity: undefined });
    assert.ok(ids(none).includes('no-expiry-or-versioning'));
    const versioned = score({ validity: undefined }, {}, { version: 3 });
    assert.ok(ids(versioned).includes('validity-or-versioning'));
  });

  test('currency uses context.now: recent is current, older than 36 months is stale', () => {
    const old = new Date('2022-01-01T00:00:00Z');
    const stale = score({}, {}, { updatedAt: old, publishedAt: old });
    assert.ok(ids(stale).includes('stale'));
    const middle = score({}, {}, { updatedAt: new Date('2023-12-01T00:00:00Z'), publishedAt: null });
    assert.ok(!ids(middle).includes('stale') && !ids(middle).includes('current'));
    const undated = score({}, {}, { updatedAt: null, publishedAt: null });
    assert.ok(!ids(undated).includes('current'));
    const later = qualityReport(sampleFacts(), { now: new Date('2030-01-01T00:00:00Z') });
    assert.ok(ids(later).includes('stale'));
  });

  test('demand: hot or in-demand skills, job postings, or no signal', () => {
    const hot = score({}, { skillDemand: () => ({ inDemand: true }) });
    assert.ok(ids(hot).includes('in-demand-skills'));
    const postings = score({}, { skillDemand: () => ({ postings: 12 }) });
    assert.ok(ids(postings).includes('referenced-in-postings'));
    const none = score({}, { skillDemand: () => undefined });
    assert.ok(ids(none).includes('no-demand-signal'));
    assert.ok(!ids(score()).some((id) => id.includes('demand')), 'no lookup, no demand reason');
  });

  test('the score is clamped at 0 and a red flag makes the band low', () => {
    const worst = qualityReport(
      sampleFacts({
        source: 'external',
        verifiable: false,
        content: {
          title: 'Certified AI Expert',
          achievementType: 'Certification',
          description:
            'World-class, exclusive, industry-leading. Buy now: certification guaranteed! 50% off.',
          cost: { amount: 499, currency: 'USD' },
        },
      }),
      { now: NOW },
    );
    assert.equal(worst.score, 0);
    assert.equal(worst.band, 'low');
    assert.deepEqual([...worst.redFlags].sort(), [
      'completion-only-certification',
      'marketing-only',
      'no-learning-or-assessment',
      'pay-to-get',
      'unverifiable',
    ]);
    assertExplained(worst);
  });

  test('docs/definition-standards.md documents every weight', () => {
    const doc = readFileSync(new URL('../../../docs/definition-standards.md', import.meta.url), 'utf8');
    for (const [name, points] of Object.entries(QUALITY_WEIGHTS)) {
      // Rows of the signals table: | `reason-id` | `weightName` | points | …
      const row = doc
        .split('\n')
        .find((line) => new RegExp(`^\\| \`[a-z-]+\` +\\| \`${name}\` +\\|`).test(line));
      assert.ok(row, `docs lack the weight ${name}`);
      const documented = row.split('|')[3]!.trim();
      assert.equal(
        documented,
        points > 0 ? `+${points}` : `${points}`,
        `docs give the wrong points for ${name}`,
      );
    }
  });
});
