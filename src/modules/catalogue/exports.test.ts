import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import jsonld from 'jsonld';
import { sampleFacts } from '../../../test/helpers/definition-facts.ts';
import { sampleDefinitionContent } from '../../../test/helpers/definitions.ts';
import {
  BUNDLED_CONTEXTS,
  CONTEXT_URLS,
  createDocumentLoader,
  JSONLD_SAFE_MODE,
} from '../../core/vc/contexts.ts';
import { buildOpenBadgeCredential, checkOpenBadgeShape } from '../../core/vc/open-badges.ts';
import type { DefinitionFacts } from './definition.model.ts';
import {
  ACHIEVEMENT_CONTEXT,
  achievementInputFor,
  CTDL_CONTEXT,
  ctdlClassFor,
  obAchievementType,
  toCtdl,
  toOpenBadgeAchievement,
} from './exports.ts';

type Json = Record<string, unknown>;

const ESCO = 'http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d';

/** A definition with every field OB 3.0 has a term for, and a previous version. */
function richFacts(): DefinitionFacts {
  return sampleFacts({
    version: 2,
    previousVersionUri: 'https://credstack.example/definitions/0b6f3c3e-2f7a-4c55-9a51-1d2b3c4d5e6f/v1',
    uri: 'https://credstack.example/definitions/0b6f3c3e-2f7a-4c55-9a51-1d2b3c4d5e6f/v2',
    content: sampleDefinitionContent({
      humanCode: 'RAG-101',
      fieldOfStudy: 'Computer science',
      image: 'https://academy.example/badge.png',
      tags: ['rag', 'llm'],
      criteria: { narrative: 'Pass the test.', url: 'https://academy.example/rag/criteria' },
      skills: [{ uri: ESCO, label: 'use retrieval-augmented generation', framework: 'esco' }],
      learningOutcomes: [
        {
          id: 'lo-1',
          statement: 'The learner can build a retrieval pipeline.',
          skills: [
            { uri: 'https://skills.example/rag', label: 'RAG' },
            { uri: ESCO },
            { uri: 'urn:org:skill:private' },
          ],
        },
      ],
      occupations: [
        { uri: 'http://data.europa.eu/esco/occupation/x', label: 'data scientist', framework: 'esco' },
      ],
      industries: ['Software publishing'],
      endorsements: [{ name: 'AI Industry Council', url: 'https://council.example' }],
      qualityAssurance: {
        statement: 'Reviewed yearly by the academic board.',
        reviewProcess: 'Items and outcomes are reviewed every year.',
        accreditations: [{ name: 'National QA Agency', country: 'ES' }],
      },
      prerequisites: { narrative: 'Python basics.' },
      stackability: {
        standalone: false,
        partOf: [{ name: 'MSc Applied AI', url: 'https://academy.example/msc' }],
        creditRecognition: '1 ECTS towards the MSc Applied AI.',
      },
      validity: { months: 24, renewal: 'Pass the current version of the test.' },
      cost: { amount: 120, currency: 'EUR', description: 'Exam fee' },
    }),
  });
}

async function expandSafely(document: unknown): Promise<unknown[]> {
  return jsonld.expand(document, { documentLoader: createDocumentLoader(), ...JSONLD_SAFE_MODE });
}

function walkKeys(value: unknown, visit: (key: string, value: unknown) => void): void {
  if (Array.isArray(value)) for (const item of value) walkKeys(item, visit);
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      visit(key, item);
      walkKeys(item, visit);
    }
  }
}

describe('toOpenBadgeAchievement', () => {
  test('uses exactly the VC 2.0 and OB 3.0.3 contexts the VC layer bundles', () => {
    const achievement = toOpenBadgeAchievement(sampleFacts());
    assert.deepEqual(achievement['@context'], [CONTEXT_URLS.VC_V2, CONTEXT_URLS.OB_V3P0_3]);
    assert.deepEqual(achievement['@context'], [...ACHIEVEMENT_CONTEXT]);
    for (const url of ACHIEVEMENT_CONTEXT) assert.ok(BUNDLED_CONTEXTS.has(url), url);
  });

  test('maps the definition to the Achievement fields', () => {
    const facts = richFacts();
    const achievement = toOpenBadgeAchievement(facts) as Json;
    assert.equal(achievement.id, facts.uri);
    assert.deepEqual(achievement.type, ['Achievement']);
    assert.equal(achievement.name, facts.content.title);
    assert.equal(achievement.description, facts.content.description);
    assert.deepEqual(achievement.criteria, {
      id: 'https://academy.example/rag/criteria',
      narrative: 'Pass the test.',
    });
    assert.equal(achievement.achievementType, 'MicroCredential');
    assert.equal(achievement.creditsAvailable, 1);
    assert.equal(achievement.fieldOfStudy, 'Computer science');
    assert.equal(achievement.humanCode, 'RAG-101');
    assert.equal(achievement.inLanguage, 'en');
    assert.equal(achievement.version, '2');
    assert.deepEqual(achievement.tag, ['rag', 'llm']);
    assert.deepEqual(achievement.image, { id: 'https://academy.example/badge.png', type: 'Image' });
    assert.deepEqual(achievement.related, [
      { id: facts.previousVersionUri, type: ['Related'], version: '1' },
    ]);
    assert.deepEqual(achievement.creator, {
      id: 'https://academy.example',
      type: ['Profile'],
      name: 'Example Academy',
      url: 'https://academy.example',
      address: { type: ['Address'], addressCountryCode: 'ES' },
    });
    assert.deepEqual(achievement.resultDescription, [
      {
        type: ['ResultDescription'],
        id: `${facts.uri}#result`,
        name: 'Test result',
        resultType: 'Percent',
        requiredValue: '70',
        valueMin: '0',
        valueMax: '100',
      },
    ]);
    // Skills of the definition and its outcomes, once each; URN-only skills stay out (targetUrl is a URL).
    assert.deepEqual(achievement.alignment, [
      {
        type: ['Alignment'],
        targetName: 'use retrieval-augmented generation',
        targetUrl: ESCO,
        targetType: 'ceasn:Competency',
        targetFramework: 'esco',
      },
      {
        type: ['Alignment'],
        targetName: 'RAG',
        targetUrl: 'https://skills.example/rag',
        targetType: 'ceasn:Competency',
      },
    ]);
  });

  test('EU/NMF facts OB has no term for stay out of the achievement', () => {
    const achievement = toOpenBadgeAchievement(richFacts());
    const serialised = JSON.stringify(achievement);
    for (const absent of [
      'Reviewed yearly',
      'P4W',
      'Exam fee',
      'Python basics',
      'MSc Applied AI',
      'data scientist',
      'EQF',
    ]) {
      assert.ok(!serialised.includes(absent), absent);
    }
  });

  test('every property is a term of the bundled OB 3.0 context (JSON-LD safe-mode expansion)', async () => {
    for (const facts of [
      sampleFacts(),
      richFacts(),
      sampleFacts({ content: { title: 'Draft' }, provider: { name: 'P' } }),
    ]) {
      const expanded = await expandSafely(toOpenBadgeAchievement(facts));
      assert.equal(expanded.length, 1);
      const serialised = JSON.stringify(expanded);
      // Nothing fell through to VC 2.0's issuer-dependent @vocab either.
      assert.ok(!serialised.includes('issuer-dependent'), serialised);
      let keys = 0;
      walkKeys(expanded, (key) => {
        if (!key.startsWith('@')) {
          keys++;
          assert.match(
            key,
            /^https:\/\/(purl\.imsglobal\.org\/spec\/vc\/ob\/vocab\.html#|schema\.org\/)/,
            key,
          );
        }
      });
      assert.ok(keys >= 5);
    }
  });

  test('the expansion check fails on a property the OB context does not define (control)', async () => {
    const achievement = { ...toOpenBadgeAchievement(sampleFacts()), volumeOfLearning: 'PT25H' };
    await assert.rejects(expandSafely(achievement), (error: unknown) => {
      assert.equal((error as Error).name, 'jsonld.ValidationError');
      return true;
    });
  });

  test('an achievement type outside the OB vocabulary becomes an ext: term', () => {
    assert.equal(obAchievementType(undefined), 'MicroCredential');
    assert.equal(obAchievementType('Certification'), 'Certification');
    assert.equal(obAchievementType('ext:Nanodegree'), 'ext:Nanodegree');
    assert.equal(obAchievementType('Nano degree!'), 'ext:Nanodegree');
    assert.equal(obAchievementType('!!!'), 'MicroCredential');
    const achievement = toOpenBadgeAchievement(
      sampleFacts({ content: sampleDefinitionContent({ achievementType: 'Skill Badge' }) }),
    );
    assert.equal(achievement.achievementType, 'ext:SkillBadge');
  });
});

describe('achievementInputFor', () => {
  const issue = (facts: DefinitionFacts) =>
    buildOpenBadgeCredential({
      id: 'urn:uuid:5a1f0c2e-8a55-4b43-9d0e-4b9ac2f5f0a1',
      name: facts.content.title,
      issuer: { id: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', name: facts.provider.name },
      validFrom: '2026-06-01T00:00:00Z',
      recipient: { email: 'learner@example.org', salt: 'abc' },
      achievement: achievementInputFor(facts),
      result: [{ resultDescription: `${facts.uri}#result`, value: '85', status: 'Completed' }],
    });

  test('is accepted by buildOpenBadgeCredential and passes checkOpenBadgeShape', async () => {
    for (const facts of [sampleFacts(), richFacts()]) {
      const credential = issue(facts);
      assert.deepEqual(checkOpenBadgeShape(credential), []);
      assert.equal(credential.credentialSubject.achievement.id, facts.uri);
      // The whole credential expands in safe mode too: it can be signed.
      await expandSafely(credential);
    }
  });

  test('a draft with only a title still yields a valid achievement (description and criteria derived)', () => {
    const facts = sampleFacts({ content: { title: 'Draft' }, provider: { name: 'P' } });
    const input = achievementInputFor(facts);
    assert.equal(input.description, 'Draft');
    assert.ok(input.criteria.narrative);
    assert.deepEqual(checkOpenBadgeShape(issue(facts)), []);
  });

  test('criteria fall back to the assessment: pass criteria, then the pass mark and outcomes', () => {
    const practical = sampleFacts({
      content: sampleDefinitionContent({
        criteria: undefined,
        assessment: { type: 'practical', passCriteria: 'A working pipeline, reviewed by an assessor.' },
      }),
    });
    assert.equal(
      achievementInputFor(practical).criteria.narrative,
      'A working pipeline, reviewed by an assessor.',
    );
    const test_ = achievementInputFor(
      sampleFacts({ content: sampleDefinitionContent({ criteria: undefined }) }),
    );
    assert.match(test_.criteria.narrative ?? '', /at least 70%/);
    assert.match(test_.criteria.narrative ?? '', /build a retrieval pipeline/);
  });

  test('pass/fail grading without a pass mark becomes a Status result description', () => {
    const facts = sampleFacts({
      content: sampleDefinitionContent({ assessment: { type: 'practical', gradingScheme: 'Pass/Fail' } }),
    });
    assert.deepEqual(achievementInputFor(facts).resultDescription, [
      {
        id: `${facts.uri}#result`,
        name: 'Practical result',
        resultType: 'Status',
        allowedValue: ['Passed', 'Failed'],
        requiredValue: 'Passed',
      },
    ]);
    assert.deepEqual(checkOpenBadgeShape(issue(facts)), []);
  });
});

describe('toCtdl', () => {
  test('carries the CTDL essentials', () => {
    const facts = sampleFacts();
    const ctdl = toCtdl(facts);
    assert.equal(ctdl['@context'], CTDL_CONTEXT);
    assert.equal(ctdl['@type'], 'ceterms:MicroCredential');
    assert.equal(ctdl['@id'], facts.uri);
    assert.equal(ctdl['ceterms:ctid'], facts.ctid);
    assert.deepEqual(ctdl['ceterms:name'], { en: facts.content.title });
    assert.deepEqual(ctdl['ceterms:description'], { en: facts.content.description });
    assert.equal(ctdl['ceterms:subjectWebpage'], facts.uri, 'our public URI is the subject webpage');
    assert.deepEqual(ctdl['ceterms:inLanguage'], ['en']);
    const owner = (ctdl['ceterms:ownedBy'] as Json[])[0]!;
    assert.deepEqual(owner['ceterms:name'], { en: 'Example Academy' });
    assert.deepEqual(ctdl['ceterms:renewalFrequency'], 'P36M');
    assert.equal(ctdl['ceterms:dateEffective'], '2026-03-01');
    assert.deepEqual(ctdl['ceterms:estimatedCost'], [
      {
        '@type': 'ceterms:CostProfile',
        'ceterms:price': 0,
        'ceterms:currency': 'EUR',
        'ceterms:description': { en: 'Cost of earning the credential' },
      },
    ]);
    assert.deepEqual(
      (ctdl['ceterms:audienceLevelType'] as Json[])[0]!['ceterms:targetNode'],
      'http://data.europa.eu/snb/eqf/6',
    );
    assert.deepEqual(
      (ctdl['ceterms:learningDeliveryType'] as Json[])[0]!['ceterms:targetNode'],
      'deliveryType:OnlineOnly',
    );
  });

  test('maps the optional facts: versions, conditions, QA, stackability, occupations', () => {
    const facts = richFacts();
    const ctdl = toCtdl(facts);
    assert.equal(ctdl['ceterms:previousVersion'], facts.previousVersionUri);
    assert.equal((ctdl['ceterms:versionIdentifier'] as Json[])[0]!['ceterms:identifierValueCode'], '2');
    assert.equal(ctdl['ceterms:codedNotation'], 'RAG-101');
    assert.deepEqual(ctdl['ceterms:keyword'], { en: ['rag', 'llm'] });
    const requires = ctdl['ceterms:requires'] as Json[];
    assert.equal(requires.length, 2);
    assert.deepEqual(requires[1]!['ceterms:description'], { en: 'Python basics.' });
    const competencies = requires[0]!['ceterms:targetCompetency'] as Json[];
    assert.ok(
      competencies.some((item) => item['ceterms:targetNode'] === 'urn:org:skill:private'),
      'CTDL keeps URN skills',
    );
    const assessment = (requires[0]!['ceterms:targetAssessment'] as Json[])[0]!;
    assert.equal(assessment['ceterms:isProctored'], true);
    assert.deepEqual((ctdl['ceterms:accreditedBy'] as Json[]).length, 1);
    assert.deepEqual((ctdl['ceterms:recognizedBy'] as Json[]).length, 1);
    assert.deepEqual(
      (ctdl['ceterms:isPartOf'] as Json[])[0]!['ceterms:subjectWebpage'],
      'https://academy.example/msc',
    );
    assert.deepEqual(
      (ctdl['ceterms:occupationType'] as Json[])[0]!['ceterms:targetNode'],
      'http://data.europa.eu/esco/occupation/x',
    );
    assert.deepEqual(ctdl['ceterms:renewal'], [
      {
        '@type': 'ceterms:ConditionProfile',
        'ceterms:description': { en: 'Pass the current version of the test.' },
      },
    ]);
    assert.deepEqual(ctdl['ceterms:maintenanceProcess'], [
      {
        '@type': 'ceterms:ProcessProfile',
        'ceterms:description': { en: 'Items and outcomes are reviewed every year.' },
      },
    ]);
  });

  test('every key is a JSON-LD keyword or a ceterms:/schema: term; no empty arrays', () => {
    walkKeys(toCtdl(richFacts()), (key, value) => {
      assert.match(
        key,
        /^(@(context|id|type)|ceterms:[a-zA-Z]+|schema:[a-zA-Z]+|[a-z]{2}(-[A-Za-z0-9]+)*)$/,
        key,
      );
      if (Array.isArray(value)) assert.ok(value.length > 0, `${key} is an empty array`);
    });
  });

  test('maps achievement types to CTDL credential classes', () => {
    assert.equal(ctdlClassFor(undefined), 'ceterms:MicroCredential');
    assert.equal(ctdlClassFor('Badge'), 'ceterms:DigitalBadge');
    assert.equal(ctdlClassFor('Certification'), 'ceterms:Certification');
    assert.equal(ctdlClassFor('Competency'), 'ceterms:Credential');
    assert.equal(ctdlClassFor('ext:Nanodegree'), 'ceterms:Credential');
  });

  test('uses the first language as the language-map key', () => {
    const ctdl = toCtdl(sampleFacts({ content: sampleDefinitionContent({ languages: ['es', 'en'] }) }));
    assert.deepEqual(Object.keys(ctdl['ceterms:name'] as Json), ['es']);
  });
});
