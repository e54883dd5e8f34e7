import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromContent, nextOutcomeId, toContent } from './definition-form.ts';
import type { DefinitionContent } from './types.ts';

const complete: DefinitionContent = {
  title: 'Data analysis with Python',
  description: 'Clean, explore and chart data.',
  criteria: { narrative: 'Pass the test.' },
  issuerCountries: ['ES', 'PT'],
  awardingBodies: [
    { name: 'Example Academy', url: 'https://academy.example', country: 'ES' },
    { name: 'Partner University' },
  ],
  learningOutcomes: [
    {
      id: 'lo-1',
      statement: 'The learner can clean a data set.',
      skills: [{ uri: 'http://skills.example/1', label: 'Python' }],
    },
  ],
  skills: [{ uri: 'http://skills.example/2', label: 'statistics', framework: 'esco' }],
  workload: { hours: 25, creditPoints: { value: 1, framework: 'ECTS' } },
  level: { framework: 'EQF', value: '5' },
  assessment: { type: 'test', supervision: 'supervised-online-id', gradingScheme: 'pass/fail', passMark: 70 },
  participation: { mode: 'online' },
  qualityAssurance: { statement: 'Reviewed yearly.' },
  stackability: { standalone: true },
  validity: { months: 36 },
  languages: ['en', 'es'],
  cost: { amount: 0, currency: 'EUR' },
  duration: 'P4W',
  tags: ['data'],
};

test('the editor form round-trips a complete definition, keeping fields it has no control for', () => {
  assert.deepEqual(toContent(fromContent(complete)), complete);
});

test('empty fields are left out, numbers parsed (decimal comma too), lists split and codes upper-cased', () => {
  const form = fromContent({ title: '  New  ' });
  const content = toContent({
    ...form,
    hours: '12,5',
    issuerCountries: 'es, de ,',
    languages: 'en,  ',
    costAmount: '',
    passMark: 'not a number',
    assessmentType: 'test',
    duration: 'p6w',
    outcomes: [{ id: 'lo-1', statement: '   ', skills: [] }],
  });
  assert.deepEqual(content, {
    title: 'New',
    issuerCountries: ['ES', 'DE'],
    workload: { hours: 12.5 },
    assessment: { type: 'test' },
    stackability: { standalone: true },
    languages: ['en'],
    duration: 'P6W',
  });
});

test('a new learning outcome gets the next free id, so items and criteria keep pointing at theirs', () => {
  assert.equal(nextOutcomeId([]), 'lo-1');
  assert.equal(
    nextOutcomeId([
      { id: 'lo-1', statement: '', skills: [] },
      { id: 'lo-4', statement: '', skills: [] },
      { id: 'custom', statement: '', skills: [] },
    ]),
    'lo-5',
  );
});
