import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sampleFacts } from '../../../test/helpers/definition-facts.ts';
import { sampleDefinitionContent } from '../../../test/helpers/definitions.ts';
import { buildOpenBadgeCredential } from '../../core/vc/open-badges.ts';
import { conformanceReport } from './conformance.ts';
import type { DefinitionContent } from './definition.model.ts';
import { achievementInputFor, toCtdl, toOpenBadgeAchievement } from './exports.ts';
import {
  type ImportResult,
  MAX_IMPORT_ENTRIES,
  parseCatalogueCsv,
  parseCtdl,
  parseLevel,
  parseOpenBadgeAchievements,
} from './imports.ts';

const ESCO = 'http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d';

function only(result: ImportResult) {
  assert.deepEqual(result.problems, []);
  assert.equal(result.entries.length, 1);
  return result.entries[0]!;
}

function without(object: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = { ...object };
  delete copy[key];
  return copy;
}

function messages(result: ImportResult): string[] {
  return result.problems.map((problem) => `${problem.location}: ${problem.message}`);
}

/** A definition with most fields filled, for round trips. */
function fullContent(): DefinitionContent {
  return sampleDefinitionContent({
    humanCode: 'RAG-101',
    fieldOfStudy: 'Computer science',
    image: 'https://academy.example/badge.png',
    tags: ['rag', 'llm'],
    subjectWebpage: 'https://academy.example/rag',
    criteria: { narrative: 'Pass the test.', url: 'https://academy.example/rag/criteria' },
    skills: [{ uri: ESCO, label: 'use retrieval-augmented generation', framework: 'esco' }],
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
    assessment: {
      type: 'portfolio',
      description: 'Three artefacts.',
      supervision: 'supervised-onsite-id',
      gradingScheme: 'pass/fail',
      passMark: 60,
      passCriteria: 'Every rubric criterion at least "meets".',
    },
    validity: { months: 24, renewal: 'Pass the current version.' },
    cost: { amount: 120, currency: 'EUR', description: 'Exam fee' },
    level: { framework: 'difficulty', value: 'advanced' },
    participation: { mode: 'blended' },
  });
}

describe('parseCtdl', () => {
  test('round trip: toCtdl → parseCtdl gives back the same content', () => {
    const facts = sampleFacts({ content: fullContent() });
    const entry = only(parseCtdl(JSON.stringify(toCtdl(facts))));
    assert.equal(entry.externalId, facts.ctid);
    assert.equal(entry.sourceUri, facts.uri);
    assert.deepEqual(entry.provider, {
      name: 'Example Academy',
      url: 'https://academy.example',
      country: 'ES',
    });
    assert.equal(entry.verifiable, false);
    const original = fullContent();
    const expected: DefinitionContent = {
      ...original,
      // CTDL has no outcome-level alignment: outcome skills come back on the credential.
      learningOutcomes: [{ id: 'lo-1', statement: original.learningOutcomes![0]!.statement }],
      skills: [
        { uri: ESCO, label: 'use retrieval-augmented generation', framework: 'esco' },
        { uri: 'https://skills.example/rag', label: 'retrieval-augmented generation' },
      ],
      // Self-pacing has no CTDL term.
      participation: { mode: 'blended' },
    };
    assert.deepEqual(entry.content, expected);
  });

  test('round trip of the sample keeps every core field', () => {
    const facts = sampleFacts();
    const entry = only(parseCtdl(JSON.stringify(toCtdl(facts))));
    const original = facts.content;
    for (const key of [
      'title',
      'description',
      'achievementType',
      'workload',
      'level',
      'assessment',
      'languages',
      'cost',
      'duration',
      'validity',
      'qualityAssurance',
      'criteria',
      'issuerCountries',
      'awardingBodies',
    ] as const) {
      assert.deepEqual(entry.content[key], original[key], key);
    }
  });

  test('reads arrays and registry @graph documents, resolving owners by @id', () => {
    const graph = {
      '@context': 'https://credreg.net/ctdl/schema/context/json',
      '@graph': [
        {
          '@id': 'https://credentialengineregistry.org/resources/ce-00000000-0000-4000-8000-000000000001',
          '@type': 'ceterms:CredentialOrganization',
          'ceterms:name': { 'en-US': 'Cloud Vendor Inc.' },
          'ceterms:subjectWebpage': 'https://cloud.example',
          'ceterms:address': [{ '@type': 'ceterms:Place', 'ceterms:addressCountry': 'us' }],
        },
        {
          '@id': 'https://credentialengineregistry.org/resources/ce-00000000-0000-4000-8000-000000000002',
          '@type': 'ceterms:Certification',
          'ceterms:ctid': 'ce-00000000-0000-4000-8000-000000000002',
          'ceterms:name': { 'en-US': 'Cloud Architect', es: 'Arquitecto cloud' },
          'ceterms:description': 'Plain string description.',
          'ceterms:ownedBy': [
            'https://credentialengineregistry.org/resources/ce-00000000-0000-4000-8000-000000000001',
          ],
          'ceterms:inLanguage': ['en-US'],
          'ceterms:keyword': { 'en-US': ['cloud', 'architecture'] },
          'ceterms:audienceLevelType': ['audLevel:BachelorsDegreeLevel'],
          'ceterms:learningDeliveryType': [{ 'ceterms:targetNode': 'deliveryType:OnlineOnly' }],
        },
        {
          '@type': 'ceterms:OpenBadge',
          'ceterms:ctid': 'ce-00000000-0000-4000-8000-000000000003',
          'ceterms:name': 'Cloud Practitioner Badge',
          'ceterms:offeredBy': [{ 'ceterms:name': 'Training Partner' }],
        },
      ],
    };
    const result = parseCtdl(JSON.stringify(graph));
    assert.deepEqual(result.problems, []);
    assert.equal(result.entries.length, 2, 'the organisation node is not an entry');
    const [certification, badge] = result.entries;
    assert.equal(certification!.content.achievementType, 'Certification');
    assert.equal(certification!.content.title, 'Cloud Architect', 'English preferred in language maps');
    assert.equal(certification!.content.description, 'Plain string description.');
    assert.deepEqual(certification!.provider, {
      name: 'Cloud Vendor Inc.',
      url: 'https://cloud.example',
      country: 'US',
    });
    assert.deepEqual(certification!.content.issuerCountries, ['US']);
    assert.deepEqual(certification!.content.tags, ['cloud', 'architecture']);
    assert.deepEqual(certification!.content.level, { framework: 'EQF', value: '6' });
    assert.deepEqual(certification!.content.participation, { mode: 'online' });
    assert.equal(badge!.content.achievementType, 'Badge');
    assert.equal(badge!.verifiable, true);
    assert.equal(badge!.provider.name, 'Training Partner');

    const array = parseCtdl(
      JSON.stringify([graph['@graph'][2], { ...graph['@graph'][2], 'ceterms:ctid': 'ce-x' }]),
    );
    assert.equal(array.entries.length, 2);
  });

  test('a credential without a name is reported at its pointer; the rest are imported', () => {
    const good = toCtdl(sampleFacts());
    const nameless = without({ ...good, 'ceterms:ctid': 'ce-other' }, 'ceterms:name');
    const result = parseCtdl(JSON.stringify([good, nameless]));
    assert.equal(result.entries.length, 1);
    assert.deepEqual(messages(result), ['/1: has no ceterms:name']);
    const single = parseCtdl(JSON.stringify(nameless));
    assert.deepEqual(messages(single), [': has no ceterms:name']);
  });

  test('malformed JSON, non-credentials, missing owners and invalid values are problems, never throws', () => {
    const malformed = parseCtdl('{"@type": "ceterms:Certification", ');
    assert.equal(malformed.problems.length, 1);
    assert.match(malformed.problems[0]!.message, /^Not valid JSON/);
    assert.deepEqual(messages(parseCtdl('42')), [
      ': Expected a CTDL credential, an array of them or a document with an @graph',
    ]);
    assert.match(
      messages(parseCtdl('[{"@type":"ceterms:Course","ceterms:name":"x"}]'))[0]!,
      /^\/0: is not a CTDL credential/,
    );
    assert.deepEqual(messages(parseCtdl('["x"]')), ['/0: must be a JSON object']);
    const ownerless = parseCtdl(
      JSON.stringify({ '@type': 'ceterms:Badge', 'ceterms:ctid': 'ce-1', 'ceterms:name': 'B' }),
    );
    assert.deepEqual(messages(ownerless), [': has no provider (name the awarding organisation)']);
    const withDefault = parseCtdl(
      JSON.stringify({ '@type': 'ceterms:Badge', 'ceterms:ctid': 'ce-1', 'ceterms:name': 'B' }),
      {
        defaultProvider: { name: 'Importer' },
      },
    );
    assert.equal(only(withDefault).provider.name, 'Importer');
    const badLanguage = parseCtdl(
      JSON.stringify({
        ...toCtdl(sampleFacts()),
        'ceterms:inLanguage': ['English!'],
        'ceterms:renewalFrequency': 'P0M',
      }),
    );
    assert.equal(badLanguage.entries.length, 0);
    assert.ok(
      messages(badLanguage).some((message) => message.includes('/languages/0')),
      messages(badLanguage).join('\n'),
    );
  });

  test('duplicate CTIDs in one file are reported', () => {
    const credential = toCtdl(sampleFacts());
    const result = parseCtdl(JSON.stringify([credential, credential]));
    assert.equal(result.entries.length, 1);
    assert.deepEqual(messages(result), [`/1: duplicate id "${credential['ceterms:ctid']}" (first at /0)`]);
  });

  test('more than the maximum number of entries is one problem', () => {
    const credential = {
      '@type': 'ceterms:Badge',
      'ceterms:name': 'B',
      'ceterms:ownedBy': [{ 'ceterms:name': 'O' }],
    };
    const result = parseCtdl(
      JSON.stringify(Array.from({ length: MAX_IMPORT_ENTRIES + 1 }, () => credential)),
    );
    assert.equal(result.entries.length, 0);
    assert.equal(result.problems.length, 1);
    assert.match(result.problems[0]!.message, /at most 20000/);
  });

  test('imported entries get the conformance report like our own', () => {
    const entry = only(parseCtdl(JSON.stringify(toCtdl(sampleFacts()))));
    const report = conformanceReport(
      sampleFacts({
        source: 'external',
        content: entry.content,
        provider: entry.provider,
        verifiable: entry.verifiable,
      }),
    );
    assert.equal(report.publishable, true);
  });
});

describe('parseOpenBadgeAchievements', () => {
  test('round trip: toOpenBadgeAchievement → parse gives back the core content', () => {
    const facts = sampleFacts({ content: fullContent() });
    const entry = only(parseOpenBadgeAchievements(JSON.stringify(toOpenBadgeAchievement(facts))));
    assert.equal(entry.externalId, facts.uri);
    assert.equal(entry.verifiable, true);
    assert.deepEqual(entry.provider, {
      name: 'Example Academy',
      url: 'https://academy.example',
      country: 'ES',
    });
    const c = entry.content;
    const original = facts.content;
    for (const key of [
      'title',
      'description',
      'achievementType',
      'humanCode',
      'fieldOfStudy',
      'image',
      'tags',
      'criteria',
      'languages',
    ] as const) {
      assert.deepEqual(c[key], original[key], key);
    }
    assert.deepEqual(c.skills, [
      { uri: ESCO, label: 'use retrieval-augmented generation', framework: 'esco' },
      { uri: 'https://skills.example/rag', label: 'retrieval-augmented generation' },
    ]);
    assert.deepEqual(c.workload, { creditPoints: { value: 1, framework: 'other' } });
    assert.deepEqual(c.assessment, { type: 'external', passMark: 60 });
  });

  test('reads an OpenBadgeCredential and a list of them, taking the issuer when there is no creator', () => {
    const input = achievementInputFor(sampleFacts());
    const credential = buildOpenBadgeCredential({
      id: 'urn:uuid:5a1f0c2e-8a55-4b43-9d0e-4b9ac2f5f0a1',
      name: 'RAG',
      issuer: {
        id: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
        name: 'Issuer Org',
        url: 'https://issuer.example',
      },
      validFrom: '2026-06-01T00:00:00Z',
      recipient: { email: 'learner@example.org', salt: 'abc' },
      achievement: input,
    });
    const entry = only(parseOpenBadgeAchievements(JSON.stringify(credential)));
    assert.equal(entry.content.title, input.name);
    assert.deepEqual(entry.provider, { name: 'Issuer Org', url: 'https://issuer.example' });
    const other = structuredClone(credential);
    other.credentialSubject.achievement.id = 'https://credstack.example/definitions/other';
    const list = parseOpenBadgeAchievements(
      JSON.stringify([
        credential,
        other,
        toOpenBadgeAchievement(sampleFacts({ uri: 'https://x.example/a' })),
      ]),
    );
    assert.deepEqual(list.problems, []);
    assert.equal(list.entries.length, 3);
  });

  test('problems: malformed JSON, wrong types, missing name/id/creator, duplicates, each at its pointer', () => {
    assert.match(messages(parseOpenBadgeAchievements('not json'))[0]!, /^: Not valid JSON/);
    const achievement = toOpenBadgeAchievement(sampleFacts()) as Record<string, unknown>;
    const nameless = without({ ...achievement, id: 'https://x.example/nameless' }, 'name');
    const idless = without(achievement, 'id');
    const creatorless = without({ ...achievement, id: 'https://x.example/creatorless' }, 'creator');
    const result = parseOpenBadgeAchievements(
      JSON.stringify([
        achievement,
        nameless,
        idless,
        creatorless,
        achievement,
        { type: ['Thing'] },
        7,
        { type: 'OpenBadgeCredential' },
      ]),
    );
    assert.equal(result.entries.length, 1);
    assert.deepEqual(messages(result), [
      '/5: is neither an Achievement nor an OpenBadgeCredential (type ["Thing"])',
      '/6: must be an Achievement or an OpenBadgeCredential object',
      '/7/credentialSubject/achievement: the credential has no achievement',
      '/1: has no name',
      '/2: has no id',
      '/3: has no provider (name the awarding organisation)',
      `/4: duplicate id "${achievement.id}" (first at /0)`,
    ]);
  });

  test('alignments to credentials are not skills; an unknown achievement type is kept', () => {
    const achievement = {
      ...toOpenBadgeAchievement(sampleFacts()),
      achievementType: 'ext:Nanodegree',
      alignment: [
        {
          type: ['Alignment'],
          targetName: 'Other credential',
          targetUrl: 'https://x.example/c',
          targetType: 'ceterms:Credential',
        },
        { type: ['Alignment'], targetName: 'Skill', targetUrl: 'https://x.example/s' },
      ],
    };
    const entry = only(parseOpenBadgeAchievements(JSON.stringify(achievement)));
    assert.deepEqual(entry.content.skills, [{ uri: 'https://x.example/s', label: 'Skill' }]);
    assert.equal(entry.content.achievementType, 'ext:Nanodegree');
  });
});

describe('parseCatalogueCsv', () => {
  const HEADER =
    'ID,Title,Provider,Provider_URL,Provider Country,Description,URL,Skills,Outcomes,Hours,ECTS,Level,Cost,Currency,Delivery_Mode,Self_Paced,Languages,Assessment_Type,Supervision,Pass_Mark,Validity_Months,Verifiable,Duration,Tags,QA_Statement';

  test('reads every documented column', () => {
    const csv = [
      HEADER,
      `aws-1,Cloud Practitioner,Cloud Vendor,https://cloud.example,us,"Foundations, with ""quotes""",https://cloud.example/cp,${ESCO}|https://skills.example/cloud,Explain the cloud|Estimate costs,20,1.5,EQF 5,100,usd,Online,yes,en|es,exam,supervised-online-id,70,36,yes,P2W,cloud|aws,ISO 17024 accredited`,
    ].join('\n');
    const entry = only(parseCatalogueCsv(csv));
    assert.equal(entry.externalId, 'aws-1');
    assert.equal(entry.sourceUri, 'https://cloud.example/cp');
    assert.equal(entry.verifiable, true);
    assert.deepEqual(entry.provider, { name: 'Cloud Vendor', url: 'https://cloud.example', country: 'US' });
    assert.deepEqual(entry.content, {
      title: 'Cloud Practitioner',
      description: 'Foundations, with "quotes"',
      subjectWebpage: 'https://cloud.example/cp',
      tags: ['cloud', 'aws'],
      languages: ['en', 'es'],
      skills: [{ uri: ESCO }, { uri: 'https://skills.example/cloud' }],
      learningOutcomes: [
        { id: 'lo-1', statement: 'Explain the cloud' },
        { id: 'lo-2', statement: 'Estimate costs' },
      ],
      issuerCountries: ['US'],
      workload: { hours: 20, creditPoints: { value: 1.5, framework: 'ECTS' } },
      level: { framework: 'EQF', value: '5' },
      cost: { amount: 100, currency: 'USD' },
      participation: { mode: 'online', selfPaced: true },
      assessment: { type: 'exam', passMark: 70, supervision: 'supervised-online-id' },
      validity: { months: 36 },
      duration: 'P2W',
      qualityAssurance: { statement: 'ISO 17024 accredited' },
    });
  });

  test('level, delivery and assessment aliases', () => {
    assert.deepEqual(parseLevel('EQF level 4'), { framework: 'EQF', value: '4' });
    assert.deepEqual(parseLevel('nqf5'), { framework: 'NQF', value: '5' });
    assert.deepEqual(parseLevel('QF-EHEA 2'), { framework: 'QF-EHEA', value: '2' });
    assert.deepEqual(parseLevel('Beginner'), { framework: 'difficulty', value: 'introductory' });
    assert.equal(parseLevel('level 5'), undefined);
    const entry = only(
      parseCatalogueCsv(
        'id,title,provider,delivery_mode,assessment_type,level\nx,T,P,Hybrid,quiz,advanced\n',
      ),
    );
    assert.deepEqual(entry.content.participation, { mode: 'blended' });
    assert.deepEqual(entry.content.assessment, { type: 'test' });
    assert.deepEqual(entry.content.level, { framework: 'difficulty', value: 'advanced' });
    const none = only(parseCatalogueCsv('id,title,provider,assessment_type\nx,T,P,none\n'));
    assert.equal(none.content.assessment, undefined);
  });

  test('1 good and 9,999 bad rows: every bad row reported with its row and column', () => {
    const rows = ['id,title,provider,hours,cost,currency', 'good-1,Good one,P,10,0,EUR'];
    for (let i = 2; i <= 10_000; i++) rows.push(`bad-${i},Bad ${i},P,ten,5,EUR`);
    const result = parseCatalogueCsv(rows.join('\n'));
    assert.equal(result.entries.length, 1);
    assert.equal(result.entries[0]!.externalId, 'good-1');
    assert.equal(result.problems.length, 9_999);
    assert.deepEqual(result.problems[0], { location: '2', message: 'column "hours": "ten" is not a number' });
    assert.deepEqual(
      result.problems.map((problem) => problem.location),
      Array.from({ length: 9_999 }, (_, i) => String(i + 2)),
    );
  });

  test('schema violations are named by column', () => {
    const csv = `id,title,provider,hours,languages,url,validity_months\nx,${'T'.repeat(501)},P,-1,English!,not a url,0\n`;
    const result = parseCatalogueCsv(csv);
    assert.equal(result.entries.length, 0);
    const found = messages(result);
    for (const column of ['title', 'hours', 'languages', 'url', 'validity_months']) {
      assert.ok(
        found.some((message) => message.startsWith(`1: column "${column}"`)),
        `${column}: ${found.join('\n')}`,
      );
    }
  });

  test('a value outside a closed list names the allowed values once', () => {
    const result = parseCatalogueCsv('id,title,provider,assessment_type,supervision\na,T,P,exam,watched\n');
    assert.deepEqual(messages(result), [
      '1: column "supervision": /assessment/supervision must be one of unsupervised-no-id, supervised-no-id, supervised-online-id, supervised-onsite-id',
    ]);
  });

  test('duplicate ids in one file are reported; the first is kept', () => {
    const result = parseCatalogueCsv('id,title,provider\na,One,P\nb,Two,P\na,Three,P\n');
    assert.deepEqual(
      result.entries.map((entry) => entry.content.title),
      ['One', 'Two'],
    );
    assert.deepEqual(messages(result), ['3: duplicate id "a" (first at 1)']);
    const invalidFirst = parseCatalogueCsv('id,title,provider,hours\na,One,P,x\na,Two,P,1\n');
    assert.equal(invalidFirst.entries.length, 0);
    assert.deepEqual(messages(invalidFirst), [
      '1: column "hours": "x" is not a number',
      '2: duplicate id "a" (first at 1)',
    ]);
  });

  test('header problems: missing required columns, unknown and repeated columns', () => {
    const missing = parseCatalogueCsv('title,hours\nx,1\n');
    assert.deepEqual(messages(missing), ['0: missing required columns: id, provider']);
    const extra = parseCatalogueCsv('id,title,provider,colour,Title\na,T,P,red,Other\n');
    assert.deepEqual(messages(extra), [
      '0: unknown column "colour" (ignored)',
      '0: column "title" appears twice (the first is used)',
    ]);
    assert.equal(extra.entries[0]!.content.title, 'T');
    const withDefault = parseCatalogueCsv('id,title\na,T\n', { defaultProvider: { name: 'Importer' } });
    assert.equal(only(withDefault).provider.name, 'Importer');
  });

  test('malformed CSV, empty files and ragged rows are clear problems', () => {
    const unclosed = parseCatalogueCsv('id,title,provider\n"a,T,P\n');
    assert.equal(unclosed.entries.length, 0);
    assert.equal(unclosed.problems.length, 1);
    assert.match(unclosed.problems[0]!.message, /^Not valid CSV: .*quote/i);
    assert.deepEqual(messages(parseCatalogueCsv('')), ['0: The file is empty: expected a header row']);
    const ragged = parseCatalogueCsv('id,title,provider\n\na,T\nb,T,P\n');
    assert.deepEqual(messages(ragged), ['1: has 2 fields but the header has 3 (line 3)']);
    assert.equal(ragged.entries.length, 1);
  });

  test('cells that need each other, and bad booleans', () => {
    const result = parseCatalogueCsv(
      'id,title,provider,cost,pass_mark,verifiable,self_paced,delivery_mode,level\na,T,P,10,50,maybe,perhaps,online,EQF 9 and a half\n',
    );
    assert.deepEqual(messages(result).sort(), [
      '1: column "currency": needed when a cost is given (ISO 4217, e.g. EUR)',
      '1: column "level": "EQF 9 and a half" is not a level (e.g. "EQF 5", "NQF 4", "intermediate")',
      '1: column "pass_mark": given without an assessment_type',
      '1: column "self_paced": "perhaps" is not yes or no',
      '1: column "verifiable": "maybe" is not yes or no',
    ]);
  });

  test('text PostgreSQL cannot store is refused', () => {
    const result = parseCatalogueCsv('id,title,provider\na,Bad\u0000title,P\n');
    assert.deepEqual(messages(result), ['1: /title: contains a NUL character or invalid Unicode']);
  });

  test('more than 20,000 rows is one problem', () => {
    const rows = ['id,title,provider'];
    for (let i = 0; i <= MAX_IMPORT_ENTRIES; i++) rows.push(`r${i},T,P`);
    const result = parseCatalogueCsv(rows.join('\n'));
    assert.equal(result.entries.length, 0);
    assert.deepEqual(messages(result), [
      `: The file has ${MAX_IMPORT_ENTRIES + 1} entries; at most ${MAX_IMPORT_ENTRIES} are imported at once: split it`,
    ]);
  });
});
