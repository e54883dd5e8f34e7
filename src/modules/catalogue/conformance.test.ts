import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { sampleFacts } from '../../../test/helpers/definition-facts.ts';
import { sampleDefinitionContent } from '../../../test/helpers/definitions.ts';
import { type ConformanceReport, conformanceReport, STANDARDS } from './conformance.ts';

const content = sampleDefinitionContent;

function element(report: ConformanceReport, id: string) {
  const found = report.elements.find((item) => item.id === id);
  assert.ok(found, `no element ${id}`);
  return found;
}

/** Every field pointer must name a property the content schema has (first segment at least). */
const CONTENT_KEYS = new Set([
  'title',
  'description',
  'achievementType',
  'humanCode',
  'awardingBodies',
  'issuerCountries',
  'criteria',
  'learningOutcomes',
  'skills',
  'workload',
  'level',
  'assessment',
  'participation',
  'qualityAssurance',
  'prerequisites',
  'stackability',
  'validity',
  'languages',
  'cost',
  'duration',
  'occupations',
  'industries',
  'endorsements',
  'subjectWebpage',
  'image',
  'tags',
  'fieldOfStudy',
  'furtherInformation',
]);

describe('conformanceReport', () => {
  test('the complete sample is publishable in all four standards', () => {
    const report = conformanceReport(sampleFacts());
    assert.deepEqual(report.missing, []);
    assert.equal(report.publishable, true);
    for (const standard of STANDARDS) {
      assert.equal(report.summary[standard].required, report.summary[standard].requiredPresent, standard);
      assert.ok(report.summary[standard].required > 0, standard);
    }
  });

  test('a title-only draft lists every missing mandatory element with its field and what to add', () => {
    const report = conformanceReport(
      sampleFacts({ content: { title: 'Prompt engineering' }, provider: { name: 'Org' } }),
    );
    assert.equal(report.publishable, false);
    assert.deepEqual(report.missing.map((item) => item.id).sort(), [
      'ctdl.description',
      'ctdl.in-language',
      'eu.assessment-type',
      'eu.issuer-country',
      'eu.learning-outcomes',
      'eu.level',
      'eu.participation',
      'eu.quality-assurance',
      'eu.workload',
      'nmf.assessment',
      'nmf.cost',
      'nmf.delivery-mode',
      'nmf.duration',
      'nmf.learning-outcomes',
      'nmf.quality-assurance',
      'nmf.volume-of-learning',
      'ob3.criteria',
      'ob3.description',
    ]);
    for (const missing of report.missing) {
      assert.equal(missing.required, true);
      assert.equal(missing.present, false);
      assert.ok(missing.message && missing.message.length > 10, `${missing.id} says what to add`);
      assert.match(missing.field ?? '', /^\/[a-zA-Z]+/, `${missing.id} points at a field`);
    }
  });

  test('EU 1 (learner) and 5 (date of issuing) are provided at issue and always present', () => {
    const report = conformanceReport(sampleFacts({ content: { title: 'x' } }));
    for (const id of ['eu.learner', 'eu.date-of-issuing']) {
      const item = element(report, id);
      assert.equal(item.required, true);
      assert.equal(item.present, true);
      assert.equal(item.providedAtIssue, true);
      assert.ok(item.message);
    }
  });

  test('every element has a unique id in its standard namespace, a label, and a pointer into the content', () => {
    const report = conformanceReport(sampleFacts());
    const ids = report.elements.map((item) => item.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const item of report.elements) {
      assert.ok(item.id.startsWith(`${item.standard}.`), item.id);
      assert.ok(item.label.length > 1, item.id);
      if (item.field !== undefined) {
        const first = item.field.split('/')[1]!;
        assert.ok(CONTENT_KEYS.has(first), `${item.id}: ${item.field}`);
      }
      if (item.present && !item.providedAtIssue) assert.equal(item.message, undefined, item.id);
    }
    // The guide's required OB 3.0 and CTDL elements.
    for (const id of ['ob3.id', 'ob3.type', 'ob3.name', 'ob3.description', 'ob3.criteria']) {
      assert.equal(element(report, id).required, true, id);
    }
    for (const id of [
      'ctdl.type',
      'ctdl.name',
      'ctdl.description',
      'ctdl.ctid',
      'ctdl.owner',
      'ctdl.subject-webpage',
      'ctdl.in-language',
    ]) {
      assert.equal(element(report, id).required, true, id);
    }
  });

  test('EU level is required; a difficulty level satisfies it when no framework applies', () => {
    const { level: _level, ...withoutLevel } = content();
    assert.deepEqual(
      conformanceReport(sampleFacts({ content: withoutLevel })).missing.map((item) => item.id),
      ['eu.level'],
    );
    const difficulty = conformanceReport(
      sampleFacts({ content: content({ level: { framework: 'difficulty', value: 'intermediate' } }) }),
    );
    assert.equal(difficulty.publishable, true);
  });

  test('NMF volume of learning: under one hour is missing with the reason; credit points alone suffice', () => {
    const short = conformanceReport(sampleFacts({ content: content({ workload: { hours: 0.5 } }) }));
    const volume = element(short, 'nmf.volume-of-learning');
    assert.equal(volume.present, false);
    assert.match(volume.message ?? '', /0\.5 h/);
    assert.equal(element(short, 'eu.workload').present, true, 'EU only asks for a workload');
    const credits = conformanceReport(
      sampleFacts({ content: content({ workload: { creditPoints: { value: 1, framework: 'ECTS' } } }) }),
    );
    assert.equal(element(credits, 'nmf.volume-of-learning').present, true);
    assert.equal(
      element(
        conformanceReport(sampleFacts({ content: content({ workload: { hours: 1 } }) })),
        'nmf.volume-of-learning',
      ).present,
      true,
    );
  });

  test('issuer country comes from issuerCountries, an awarding body, or the provider', () => {
    const bare = content({ issuerCountries: undefined, awardingBodies: [{ name: 'A' }] });
    assert.equal(
      element(conformanceReport(sampleFacts({ content: bare, provider: { name: 'P' } })), 'eu.issuer-country')
        .present,
      false,
    );
    assert.equal(
      element(
        conformanceReport(sampleFacts({ content: bare, provider: { name: 'P', country: 'AU' } })),
        'eu.issuer-country',
      ).present,
      true,
    );
    const body = content({ issuerCountries: undefined, awardingBodies: [{ name: 'A', country: 'FR' }] });
    assert.equal(
      element(conformanceReport(sampleFacts({ content: body, provider: { name: 'P' } })), 'eu.issuer-country')
        .present,
      true,
    );
  });

  test('OB criteria: a narrative, a criteria page or the assessment pass criteria satisfy it', () => {
    const none = content({ criteria: undefined });
    assert.equal(element(conformanceReport(sampleFacts({ content: none })), 'ob3.criteria').present, false);
    const page = content({ criteria: { url: 'https://academy.example/criteria' } });
    assert.equal(element(conformanceReport(sampleFacts({ content: page })), 'ob3.criteria').present, true);
    const pass = content({
      criteria: undefined,
      assessment: { type: 'practical', passCriteria: 'A working pipeline reviewed by an assessor.' },
    });
    assert.equal(element(conformanceReport(sampleFacts({ content: pass })), 'ob3.criteria').present, true);
  });

  test('CTDL subject webpage: our own public URI counts; an external entry needs its own page', () => {
    const own = conformanceReport(sampleFacts());
    assert.equal(element(own, 'ctdl.subject-webpage').present, true);
    const external = conformanceReport(
      sampleFacts({ source: 'external', uri: 'https://provider.example/badge/1' }),
    );
    assert.equal(element(external, 'ctdl.subject-webpage').present, false);
    const withPage = conformanceReport(
      sampleFacts({
        source: 'external',
        content: content({ subjectWebpage: 'https://provider.example/badge' }),
      }),
    );
    assert.equal(element(withPage, 'ctdl.subject-webpage').present, true);
  });

  test('CTDL CTID must look like ce-<uuid>', () => {
    assert.equal(element(conformanceReport(sampleFacts({ ctid: 'abc' })), 'ctdl.ctid').present, false);
    assert.equal(element(conformanceReport(sampleFacts({ ctid: '' })), 'ctdl.ctid').present, false);
  });

  test('optional elements never block publishing and are reported present when filled', () => {
    const full = conformanceReport(
      sampleFacts({
        previousVersionUri: 'https://credstack.example/definitions/x/v1',
        version: 2,
        content: content({
          prerequisites: { narrative: 'Python basics.' },
          furtherInformation: 'See the syllabus.',
          stackability: { standalone: false, creditRecognition: '1 ECTS towards the MSc AI.' },
          endorsements: [{ name: 'AI Industry Council' }],
          qualityAssurance: {
            statement: 'Board review.',
            reviewProcess: 'Yearly review of outcomes and items.',
          },
          tags: ['rag'],
          occupations: [{ uri: 'http://data.europa.eu/esco/occupation/x' }],
          industries: ['Software'],
          image: 'https://academy.example/badge.png',
          humanCode: 'RAG-101',
          fieldOfStudy: 'Computer science',
        }),
      }),
    );
    assert.equal(full.publishable, true);
    for (const standard of STANDARDS) {
      const summary = full.summary[standard];
      assert.ok(summary.optionalPresent >= summary.optional - 3, `${standard}: ${JSON.stringify(summary)}`);
    }
    for (const id of [
      'eu.prerequisites',
      'nmf.credit-recognition',
      'nmf.industry-recognition',
      'nmf.review-process',
      'ob3.related',
      'ctdl.previous-version',
    ]) {
      assert.equal(element(full, id).present, true, id);
    }
  });

  test('docs/definition-standards.md lists every element id', () => {
    const doc = readFileSync(new URL('../../../docs/definition-standards.md', import.meta.url), 'utf8');
    for (const item of conformanceReport(sampleFacts()).elements) {
      assert.ok(doc.includes(`\`${item.id}\``), `docs/definition-standards.md lacks ${item.id}`);
    }
  });
});
