/**
 * Properties of the exports and imports over generated definitions: whatever valid content an author
 * writes, the OB 3.0 achievement is accepted by the credential builder and the shape check and expands in
 * JSON-LD safe mode, and the CTDL export reads back to the same content.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import jsonld from 'jsonld';
import { sampleFacts } from '../../../test/helpers/definition-facts.ts';
import { createDocumentLoader, JSONLD_SAFE_MODE } from '../../core/vc/contexts.ts';
import { buildOpenBadgeCredential, checkOpenBadgeShape } from '../../core/vc/open-badges.ts';
import {
  ASSESSMENT_TYPES,
  DELIVERY_MODES,
  type DefinitionContent,
  DIFFICULTY_LEVELS,
  SUPERVISION_LEVELS,
} from './definition.model.ts';
import { achievementInputFor, toCtdl, toOpenBadgeAchievement } from './exports.ts';
import { parseCtdl, parseOpenBadgeAchievements } from './imports.ts';

/** Single-line text without surrounding blanks (readers trim, so untrimmed text would not round-trip). */
const line = fc
  .string({ minLength: 1, maxLength: 60 })
  .map((value) => value.replace(/\s+/g, ' ').trim())
  .filter((value) => value !== '' && !/^(Grading scheme|Pass mark):/i.test(value));
const url = fc.webUrl({ withFragments: false, withQueryParameters: false });
/** Achievement types whose CTDL class maps back to them. */
const ROUND_TRIP_TYPES = [
  'MicroCredential',
  'Badge',
  'Certificate',
  'Certification',
  'License',
  'Diploma',
  'BachelorDegree',
  'Achievement',
];

const content: fc.Arbitrary<DefinitionContent> = fc
  .record(
    {
      title: line,
      description: line,
      achievementType: fc.constantFrom(...ROUND_TRIP_TYPES),
      humanCode: line,
      languages: fc.uniqueArray(fc.constantFrom('en', 'es', 'fr-CA', 'de'), { minLength: 1, maxLength: 3 }),
      skills: fc.uniqueArray(fc.record({ uri: url, label: line }, { requiredKeys: ['uri'] }), {
        maxLength: 4,
        selector: (skill) => skill.uri,
      }),
      learningOutcomes: fc.array(
        fc.record({ id: fc.constantFrom('lo-1', 'lo-2'), statement: line }, { requiredKeys: ['statement'] }),
        {
          minLength: 1,
          maxLength: 3,
        },
      ),
      workload: fc.record(
        {
          hours: fc.integer({ min: 0, max: 4000 }).map((quarters) => quarters / 4),
          creditPoints: fc.record({
            value: fc.integer({ min: 0, max: 120 }),
            framework: fc.constantFrom('ECTS', 'CATS', 'other' as const),
          }),
        },
        { requiredKeys: [] },
      ),
      level: fc.oneof(
        fc.record({ framework: fc.constant('EQF' as const), value: fc.constantFrom('1', '4', '8') }),
        fc.record({ framework: fc.constant('AQF' as const), value: fc.constantFrom('5', '10') }),
        fc.record({
          framework: fc.constant('difficulty' as const),
          value: fc.constantFrom(...DIFFICULTY_LEVELS),
        }),
      ),
      assessment: fc.record(
        {
          type: fc.constantFrom(...ASSESSMENT_TYPES),
          description: line,
          supervision: fc.constantFrom(...SUPERVISION_LEVELS),
          gradingScheme: line,
          passMark: fc.integer({ min: 0, max: 100 }),
          passCriteria: line,
        },
        { requiredKeys: ['type'] },
      ),
      participation: fc.record({ mode: fc.constantFrom(...DELIVERY_MODES) }),
      qualityAssurance: fc.record({ statement: line, reviewProcess: line }, { requiredKeys: ['statement'] }),
      validity: fc.record({ months: fc.integer({ min: 1, max: 600 }), renewal: line }, { requiredKeys: [] }),
      cost: fc.record(
        {
          amount: fc.integer({ min: 0, max: 100_000 }).map((cents) => cents / 100),
          currency: fc.constantFrom('EUR', 'AUD'),
          description: line,
        },
        { requiredKeys: ['amount', 'currency'] },
      ),
      duration: fc.constantFrom('P4W', 'P1Y2M', 'P3D', 'PT90M'),
      tags: fc.uniqueArray(line, { minLength: 1, maxLength: 3 }),
      image: url,
      fieldOfStudy: line,
      criteria: fc.record({ narrative: line, url }, { requiredKeys: ['narrative'] }),
      prerequisites: fc.record({ narrative: line }),
    },
    { requiredKeys: ['title', 'languages', 'criteria'] },
    // Plain JSON objects, as definitions arrive (fast-check records have no prototype).
  )
  .map((value) => JSON.parse(JSON.stringify(value)) as DefinitionContent);

/** What CTDL gives back: empty objects are not written, so they do not come back either. */
function withoutEmpty(value: DefinitionContent): DefinitionContent {
  const out: Record<string, unknown> = { ...value };
  for (const [key, item] of Object.entries(out)) {
    if (
      Array.isArray(item)
        ? item.length === 0
        : item !== null && typeof item === 'object' && Object.keys(item).length === 0
    ) {
      delete out[key];
    }
  }
  if (value.validity && value.validity.months === undefined && value.validity.renewal === undefined)
    delete out.validity;
  return out as DefinitionContent;
}

describe('exports and imports over generated definitions (property)', () => {
  test('toCtdl → parseCtdl gives back the same content', () => {
    fc.assert(
      fc.property(content, (generated) => {
        const facts = sampleFacts({
          content: generated,
          provider: { name: 'Provider', url: 'https://provider.example' },
        });
        const result = parseCtdl(JSON.stringify(toCtdl(facts)));
        assert.deepEqual(result.problems, []);
        const entry = result.entries[0]!;
        const expected = withoutEmpty({
          ...generated,
          achievementType: generated.achievementType ?? 'MicroCredential',
          subjectWebpage: facts.uri,
          awardingBodies: [{ name: 'Provider', url: 'https://provider.example' }],
        });
        assert.deepEqual(withoutEmpty(entry.content), expected);
      }),
      { numRuns: 150 },
    );
  });

  test('the OB 3.0 achievement builds a credential with no shape problem and reads back', () => {
    fc.assert(
      fc.property(content, (generated) => {
        const facts = sampleFacts({ content: generated });
        const credential = buildOpenBadgeCredential({
          id: 'urn:uuid:5a1f0c2e-8a55-4b43-9d0e-4b9ac2f5f0a1',
          name: generated.title,
          issuer: { id: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', name: 'Provider' },
          validFrom: '2026-06-01T00:00:00Z',
          recipient: { id: 'did:example:learner' },
          achievement: achievementInputFor(facts),
        });
        assert.deepEqual(checkOpenBadgeShape(credential), []);
        const entry = parseOpenBadgeAchievements(JSON.stringify(toOpenBadgeAchievement(facts))).entries[0]!;
        assert.equal(entry.content.title, generated.title);
        assert.deepEqual(entry.content.criteria, generated.criteria);
        assert.deepEqual(entry.content.skills ?? [], generated.skills ?? []);
      }),
      { numRuns: 150 },
    );
  });

  test('the OB 3.0 achievement expands in JSON-LD safe mode', async () => {
    await fc.assert(
      fc.asyncProperty(content, async (generated) => {
        const achievement = toOpenBadgeAchievement(sampleFacts({ content: generated }));
        await jsonld.expand(achievement, { documentLoader: createDocumentLoader(), ...JSONLD_SAFE_MODE });
      }),
      { numRuns: 25 },
    );
  });
});
