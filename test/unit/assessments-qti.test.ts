import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { type Item, normaliseItemInput } from '../../src/modules/assessments/items.ts';
import {
  buildQtiItem,
  buildQtiPackage,
  QTI_CP_NAMESPACE,
  QTI_NAMESPACE,
  RP_TEMPLATES,
} from '../../src/modules/assessments/qti.ts';
import { crc32, createZip } from '../../src/modules/assessments/zip.ts';
import { unzip } from '../helpers/assessments.ts';

// biome-ignore lint/suspicious/noExplicitAny: parsed XML is walked loosely in assertions
type Xml = Record<string, any>;
const parser = new XMLParser({
  ignoreAttributes: false,
  parseTagValue: false,
  attributeNamePrefix: '@',
  isArray: (name) =>
    [
      'qti-simple-choice',
      'qti-value',
      'qti-map-entry',
      'resource',
      'dependency',
      'qti-assessment-item-ref',
      'p',
    ].includes(name),
});
const parse = (xml: string | Buffer): Xml => parser.parse(String(xml)) as Xml;

describe('zip writer', () => {
  test('CRC-32 of known inputs', () => {
    assert.equal(crc32(Buffer.from('')), 0);
    assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
    assert.equal(crc32(Buffer.from('The quick brown fox jumps over the lazy dog')), 0x414fa339);
  });

  test('yauzl reads back stored and deflated entries, UTF-8 names and an empty file', async () => {
    const big = 'retrieval '.repeat(5000);
    const zip = createZip(
      [
        { name: 'small.txt', data: 'ab' },
        { name: 'dir/big.txt', data: big },
        { name: 'unicodé/ñame.xml', data: Buffer.from('<x>é</x>') },
        { name: 'empty', data: '' },
      ],
      new Date('2026-03-04T05:06:08Z'),
    );
    assert.ok(zip.length < big.length / 10, 'the repetitive entry is deflated');
    const files = await unzip(zip);
    assert.deepEqual([...files.keys()], ['small.txt', 'dir/big.txt', 'unicodé/ñame.xml', 'empty']);
    assert.equal(String(files.get('small.txt')), 'ab');
    assert.equal(String(files.get('dir/big.txt')), big);
    assert.equal(String(files.get('unicodé/ñame.xml')), '<x>é</x>');
    assert.equal(files.get('empty')!.length, 0);
  });
});

const context = { learningOutcomeIds: [] };
const make = (id: string, input: Parameters<typeof normaliseItemInput>[0]): Item => ({
  id,
  ...normaliseItemInput(input, context),
});
const ids = {
  single: '11111111-1111-4111-8111-111111111111',
  multiple: '22222222-2222-4222-8222-222222222222',
  tf: '33333333-3333-4333-8333-333333333333',
  numeric: '44444444-4444-4444-8444-444444444444',
  exact: '55555555-5555-4555-8555-555555555555',
  text: '66666666-6666-4666-8666-666666666666',
};
const items: Item[] = [
  make(ids.single, {
    type: 'single_choice',
    prompt: 'Pick <one> & only one',
    options: [{ text: 'x' }, { text: 'y', correct: true }],
  }),
  make(ids.multiple, {
    type: 'multiple_response',
    prompt: 'Pick many',
    points: 3,
    options: [
      { id: 'p', text: 'P', correct: true },
      { id: 'q', text: 'Q' },
      { id: 'r', text: 'R', correct: true },
    ],
  }),
  make(ids.tf, { type: 'true_false', prompt: 'Sky is green', correctAnswer: false }),
  make(ids.numeric, { type: 'numeric', prompt: 'π to two places', value: 3.14, tolerance: 0.01 }),
  make(ids.exact, { type: 'numeric', prompt: '6 × 7', value: 42 }),
  make(ids.text, {
    type: 'short_text',
    prompt: 'Capital of France',
    acceptedAnswers: ['Paris', 'Paris, France'],
  }),
];

describe('QTI 3.0', () => {
  test('the content package: manifest, test and one item file per item', async () => {
    const zip = buildQtiPackage(
      {
        id: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
        title: 'RAG in practice',
        language: 'en',
        itemsPerAttempt: 4,
        shuffleItems: true,
        shuffleOptions: true,
        timeLimitSeconds: 900,
        items,
      },
      new Date('2026-01-01T00:00:00Z'),
    );
    const files = await unzip(zip);
    assert.equal(files.size, 2 + items.length);

    const manifest = parse(files.get('imsmanifest.xml')!).manifest;
    assert.equal(manifest['@xmlns'], QTI_CP_NAMESPACE);
    const resources = manifest.resources.resource as Xml[];
    const testResource = resources.find((resource) => resource['@type'] === 'imsqti_test_xmlv3p0')!;
    assert.equal(testResource['@href'], 'assessment-test.xml');
    assert.equal(testResource.dependency.length, items.length);
    const itemResources = resources.filter((resource) => resource['@type'] === 'imsqti_item_xmlv3p0');
    assert.equal(itemResources.length, items.length);
    for (const resource of itemResources)
      assert.ok(files.has(resource['@href']), `${resource['@href']} is in the zip`);

    const qtiTest = parse(files.get('assessment-test.xml')!)['qti-assessment-test'];
    assert.equal(qtiTest['@xmlns'], QTI_NAMESPACE);
    assert.equal(qtiTest['@identifier'], 'test-aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa');
    assert.equal(qtiTest['qti-outcome-declaration']['@identifier'], 'SCORE');
    const part = qtiTest['qti-test-part'];
    assert.equal(part['qti-time-limits']['@max-time'], '900');
    const section = part['qti-assessment-section'];
    assert.equal(section['qti-selection']['@select'], '4');
    assert.equal(section['qti-ordering']['@shuffle'], 'true');
    const refs = section['qti-assessment-item-ref'] as Xml[];
    assert.deepEqual(
      refs.map((ref) => ref['@identifier']),
      items.map((item) => `item-${item.id}`),
    );
    assert.equal(refs[1]!['qti-weight']['@value'], '3');
    assert.equal(
      qtiTest['qti-outcome-processing']['qti-set-outcome-value']['qti-sum']['qti-test-variables'][
        '@weight-identifier'
      ],
      'WEIGHT',
    );
  });

  const itemXml = (item: Item) =>
    parse(buildQtiItem(item, { shuffleOptions: true, language: 'en' }))['qti-assessment-item'];

  test('single choice: identifier response, one correct value, match_correct, escaped text', () => {
    const xml = itemXml(items[0]!);
    assert.equal(xml['@xmlns'], QTI_NAMESPACE);
    assert.equal(xml['@identifier'], `item-${ids.single}`);
    const declaration = xml['qti-response-declaration'];
    assert.deepEqual([declaration['@cardinality'], declaration['@base-type']], ['single', 'identifier']);
    assert.deepEqual(declaration['qti-correct-response']['qti-value'], ['B']);
    assert.equal(xml['qti-outcome-declaration']['@identifier'], 'SCORE');
    const interaction = xml['qti-item-body']['qti-choice-interaction'];
    assert.equal(interaction['@max-choices'], '1');
    assert.equal(interaction['qti-prompt'], 'Pick <one> & only one');
    assert.deepEqual(
      interaction['qti-simple-choice'].map((choice: Xml) => choice['@identifier']),
      ['A', 'B'],
    );
    assert.equal(xml['qti-response-processing']['@template'], RP_TEMPLATES.matchCorrect);
  });

  test('multiple response: multiple cardinality with every correct value', () => {
    const xml = itemXml(items[1]!);
    const declaration = xml['qti-response-declaration'];
    assert.equal(declaration['@cardinality'], 'multiple');
    assert.deepEqual(declaration['qti-correct-response']['qti-value'], ['p', 'r']);
    assert.equal(xml['qti-item-body']['qti-choice-interaction']['@max-choices'], '3');
  });

  test('true/false: a choice interaction over true and false, not shuffled', () => {
    const xml = itemXml(items[2]!);
    assert.deepEqual(xml['qti-response-declaration']['qti-correct-response']['qti-value'], ['false']);
    const interaction = xml['qti-item-body']['qti-choice-interaction'];
    assert.equal(interaction['@shuffle'], 'false');
    assert.deepEqual(
      interaction['qti-simple-choice'].map((choice: Xml) => choice['@identifier']),
      ['true', 'false'],
    );
  });

  test('numeric: float text entry; a tolerance becomes qti-equal, none uses match_correct', () => {
    const xml = itemXml(items[3]!);
    assert.equal(xml['qti-response-declaration']['@base-type'], 'float');
    assert.deepEqual(xml['qti-response-declaration']['qti-correct-response']['qti-value'], ['3.14']);
    assert.ok(xml['qti-item-body'].p[1]['qti-text-entry-interaction']);
    const equal = xml['qti-response-processing']['qti-response-condition']['qti-response-if']['qti-equal'];
    assert.deepEqual([equal['@tolerance-mode'], equal['@tolerance']], ['absolute', '0.01 0.01']);
    const exact = itemXml(items[4]!);
    assert.equal(exact['qti-response-processing']['@template'], RP_TEMPLATES.matchCorrect);
  });

  test('short text: string response, a mapping of every accepted answer, map_response', () => {
    const xml = itemXml(items[5]!);
    const declaration = xml['qti-response-declaration'];
    assert.equal(declaration['@base-type'], 'string');
    assert.deepEqual(
      declaration['qti-mapping']['qti-map-entry'].map((entry: Xml) => [
        entry['@map-key'],
        entry['@case-sensitive'],
      ]),
      [
        ['Paris', 'false'],
        ['Paris, France', 'false'],
      ],
    );
    assert.equal(xml['qti-response-processing']['@template'], RP_TEMPLATES.mapResponse);
  });
});
