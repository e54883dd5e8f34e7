import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import type { Item } from './items.ts';
import { createZip } from './zip.ts';

/**
 * QTI 3.0 export of a test's item bank, pure: one qti-assessment-item per item, a qti-assessment-test that
 * draws and orders them as the test does, and an IMS content package manifest, zipped.
 *
 * Mapping: choice, multiple response and true/false items → qti-choice-interaction (identifier responses,
 * single or multiple cardinality, standard template match_correct); numeric → qti-text-entry-interaction
 * with a float response (match_correct, or a qti-equal with an absolute tolerance when there is one);
 * short text → qti-text-entry-interaction with a string response and a qti-mapping of every accepted answer
 * (template map_response). Items score 0/1 in SCORE; their points become weights in the test, whose SCORE
 * is the weighted sum. Credstack's pass mark, attempt limit and cooldown have no QTI element and are not
 * exported, nor is item feedback; whitespace is not normalised by QTI text matching.
 */

export const QTI_NAMESPACE = 'http://www.imsglobal.org/xsd/imsqtiasi_v3p0';
export const QTI_CP_NAMESPACE = 'http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1';
const QTI_SCHEMA = 'https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
export const RP_TEMPLATES = {
  matchCorrect: 'https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml',
  mapResponse: 'https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/map_response.xml',
} as const;

export interface QtiTest {
  id: string;
  title: string;
  /** BCP 47, e.g. `en`. */
  language: string | null;
  itemsPerAttempt: number | null;
  shuffleItems: boolean;
  shuffleOptions: boolean;
  timeLimitSeconds: number | null;
  items: Item[];
}

export function qtiItemIdentifier(itemId: string): string {
  return `item-${itemId}`;
}

export function qtiItemPath(itemId: string): string {
  return `items/${qtiItemIdentifier(itemId)}.xml`;
}

export const QTI_TEST_PATH = 'assessment-test.xml';

/** XML 1.0 cannot carry most C0 control characters; they are dropped rather than failing the export. */
function xmlText(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters XML forbids
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
}

function root(name: string, attributes: Record<string, string>): XMLBuilder {
  return create({ version: '1.0', encoding: 'UTF-8' }).ele(QTI_NAMESPACE, name, {
    'xmlns:xsi': XSI,
    'xsi:schemaLocation': `${QTI_NAMESPACE} ${QTI_SCHEMA}`,
    ...attributes,
  });
}

function title(text: string): string {
  const flat = xmlText(text).replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 79)}…` : flat;
}

function floatValue(value: number): string {
  return String(value);
}

function setScore(parent: XMLBuilder, value: string): void {
  parent
    .ele('qti-set-outcome-value', { identifier: 'SCORE' })
    .ele('qti-base-value', { 'base-type': 'float' })
    .txt(value);
}

/** One item as a standalone qti-assessment-item document. */
export function buildQtiItem(
  item: Item,
  options: { shuffleOptions: boolean; language: string | null },
): string {
  const attributes: Record<string, string> = {
    identifier: qtiItemIdentifier(item.id),
    title: title(item.prompt),
    adaptive: 'false',
    'time-dependent': 'false',
  };
  if (options.language) attributes['xml:lang'] = options.language;
  const doc = root('qti-assessment-item', attributes);
  const key = item.key;

  const isChoice =
    item.type === 'single_choice' || item.type === 'multiple_response' || item.type === 'true_false';
  const cardinality = item.type === 'multiple_response' ? 'multiple' : 'single';
  const baseType = isChoice ? 'identifier' : item.type === 'numeric' ? 'float' : 'string';
  const declaration = doc.ele('qti-response-declaration', {
    identifier: 'RESPONSE',
    cardinality,
    'base-type': baseType,
  });
  const correct = declaration.ele('qti-correct-response');
  if (key.kind === 'choice') for (const id of key.correct) correct.ele('qti-value').txt(id);
  if (key.kind === 'numeric') correct.ele('qti-value').txt(floatValue(key.value));
  if (key.kind === 'text') {
    correct.ele('qti-value').txt(xmlText(key.accepted[0] ?? ''));
    const mapping = declaration.ele('qti-mapping', {
      'default-value': '0',
      'lower-bound': '0',
      'upper-bound': '1',
    });
    for (const accepted of key.accepted) {
      mapping.ele('qti-map-entry', {
        'map-key': xmlText(accepted),
        'mapped-value': '1',
        'case-sensitive': String(key.caseSensitive),
      });
    }
  }
  doc
    .ele('qti-outcome-declaration', { identifier: 'SCORE', cardinality: 'single', 'base-type': 'float' })
    .ele('qti-default-value')
    .ele('qti-value')
    .txt('0');

  const body = doc.ele('qti-item-body');
  if (isChoice) {
    const interaction = body.ele('qti-choice-interaction', {
      'response-identifier': 'RESPONSE',
      // True/false keeps its order: "False, True" only confuses.
      shuffle: String(options.shuffleOptions && item.type !== 'true_false'),
      'max-choices': item.type === 'multiple_response' ? String(item.options.length) : '1',
      'min-choices': '0',
    });
    interaction.ele('qti-prompt').txt(xmlText(item.prompt));
    for (const option of item.options) {
      interaction.ele('qti-simple-choice', { identifier: option.id }).txt(xmlText(option.text));
    }
  } else {
    body.ele('p').txt(xmlText(item.prompt));
    body.ele('p').ele('qti-text-entry-interaction', {
      'response-identifier': 'RESPONSE',
      'expected-length': item.type === 'numeric' ? '10' : '40',
    });
  }

  if (key.kind === 'numeric' && key.tolerance > 0) {
    const condition = doc.ele('qti-response-processing').ele('qti-response-condition');
    const when = condition.ele('qti-response-if');
    const equal = when.ele('qti-equal', {
      'tolerance-mode': 'absolute',
      tolerance: `${floatValue(key.tolerance)} ${floatValue(key.tolerance)}`,
      'include-lower-bound': 'true',
      'include-upper-bound': 'true',
    });
    equal.ele('qti-variable', { identifier: 'RESPONSE' });
    equal.ele('qti-correct', { identifier: 'RESPONSE' });
    setScore(when, '1');
    setScore(condition.ele('qti-response-else'), '0');
  } else {
    doc.ele('qti-response-processing', {
      template: key.kind === 'text' ? RP_TEMPLATES.mapResponse : RP_TEMPLATES.matchCorrect,
    });
  }
  return doc.end({ prettyPrint: true });
}

/** The qti-assessment-test: one part, one section that selects and orders the items like the test does. */
export function buildQtiTest(test: QtiTest): string {
  const attributes: Record<string, string> = { identifier: `test-${test.id}`, title: title(test.title) };
  if (test.language) attributes['xml:lang'] = test.language;
  const doc = root('qti-assessment-test', attributes);
  doc.ele('qti-outcome-declaration', { identifier: 'SCORE', cardinality: 'single', 'base-type': 'float' });
  const part = doc.ele('qti-test-part', {
    identifier: 'part-1',
    'navigation-mode': 'nonlinear',
    'submission-mode': 'simultaneous',
  });
  if (test.timeLimitSeconds !== null)
    part.ele('qti-time-limits', { 'max-time': String(test.timeLimitSeconds) });
  const section = part.ele('qti-assessment-section', {
    identifier: 'section-1',
    title: 'Items',
    visible: 'true',
  });
  if (test.itemsPerAttempt !== null && test.itemsPerAttempt < test.items.length) {
    section.ele('qti-selection', { select: String(test.itemsPerAttempt) });
  }
  if (test.shuffleItems) section.ele('qti-ordering', { shuffle: 'true' });
  for (const item of test.items) {
    section
      .ele('qti-assessment-item-ref', { identifier: qtiItemIdentifier(item.id), href: qtiItemPath(item.id) })
      .ele('qti-weight', { identifier: 'WEIGHT', value: floatValue(item.points) });
  }
  doc
    .ele('qti-outcome-processing')
    .ele('qti-set-outcome-value', { identifier: 'SCORE' })
    .ele('qti-sum')
    .ele('qti-test-variables', { 'variable-identifier': 'SCORE', 'weight-identifier': 'WEIGHT' });
  return doc.end({ prettyPrint: true });
}

/** The content package's imsmanifest.xml: the test resource depends on every item resource. */
export function buildQtiManifest(test: QtiTest): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' }).ele(QTI_CP_NAMESPACE, 'manifest', {
    identifier: `manifest-${test.id}`,
  });
  const metadata = doc.ele('metadata');
  metadata.ele('schema').txt('QTI Package');
  metadata.ele('schemaversion').txt('3.0.0');
  doc.ele('organizations');
  const resources = doc.ele('resources');
  const testResource = resources.ele('resource', {
    identifier: `test-${test.id}`,
    type: 'imsqti_test_xmlv3p0',
    href: QTI_TEST_PATH,
  });
  testResource.ele('file', { href: QTI_TEST_PATH });
  for (const item of test.items)
    testResource.ele('dependency', { identifierref: qtiItemIdentifier(item.id) });
  for (const item of test.items) {
    resources
      .ele('resource', {
        identifier: qtiItemIdentifier(item.id),
        type: 'imsqti_item_xmlv3p0',
        href: qtiItemPath(item.id),
      })
      .ele('file', { href: qtiItemPath(item.id) });
  }
  return doc.end({ prettyPrint: true });
}

/** The whole content package as a zip. */
export function buildQtiPackage(test: QtiTest, modifiedAt: Date): Buffer {
  return createZip(
    [
      { name: 'imsmanifest.xml', data: buildQtiManifest(test) },
      { name: QTI_TEST_PATH, data: buildQtiTest(test) },
      ...test.items.map((item) => ({
        name: qtiItemPath(item.id),
        data: buildQtiItem(item, { shuffleOptions: test.shuffleOptions, language: test.language }),
      })),
    ],
    modifiedAt,
  );
}
