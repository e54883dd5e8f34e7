import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IndexedSkill } from './extraction.model.ts';
import {
  buildSkillIndex,
  extractFromText,
  MAX_TEXT_LENGTH,
  rankSentence,
  splitSentences,
} from './extractor.ts';

const skill = (
  uri: string,
  preferredLabel: string,
  altLabels: string[] = [],
  description: string | null = null,
  type: IndexedSkill['type'] = 'skill',
  prior = 0,
): IndexedSkill => ({ uri, framework: 'esco', preferredLabel, altLabels, description, type, prior });

const SKILLS: IndexedSkill[] = [
  skill(
    'esco:python',
    'Python (computer programming)',
    ['Python'],
    'Techniques of software development in Python.',
    'knowledge',
  ),
  skill(
    'esco:databases',
    'manage databases',
    ['administer databases'],
    'Apply database design schemes and query languages.',
  ),
  skill(
    'esco:teams',
    'work in teams',
    ['teamwork', 'cooperate with colleagues'],
    'Work confidently within a group.',
  ),
  skill(
    'esco:textile-teams',
    'work in textile manufacturing teams',
    ['work in team'],
    'Work in teams in the textile industry.',
  ),
  skill(
    'esco:javascript',
    'JavaScript',
    [],
    'Techniques of software development in JavaScript.',
    'knowledge',
  ),
  skill('esco:cpp', 'C++', [], 'Techniques of software development in C++.', 'knowledge'),
  skill(
    'esco:customer',
    'provide customer service',
    ['assist customers'],
    'Help customers with their questions.',
    'skill',
    0.8,
  ),
  skill(
    'esco:accounting',
    'accounting',
    ['bookkeeping'],
    'Recording and summarising financial transactions.',
    'knowledge',
  ),
];
const index = buildSkillIndex(SKILLS);
const uris = (text: string, limit = 10) => extractFromText(index, text, { limit }).skills.map((s) => s.uri);

describe('extractFromText', () => {
  test('finds skills by the object of a verb-phrase label, with spans pointing into the text', () => {
    const text = 'We are hiring.\nYou will administer our databases and write Python every day.';
    const result = extractFromText(index, text, { limit: 5 });
    const found = result.skills.map((s) => s.uri);
    assert.ok(found.includes('esco:databases'), found.join());
    assert.ok(found.includes('esco:python'), found.join());
    assert.ok(!found.includes('esco:accounting'));
    for (const extracted of result.skills) {
      assert.ok(extracted.confidence > 0 && extracted.confidence <= 1);
      for (const span of extracted.spans) assert.equal(text.slice(span.start, span.end), span.text);
    }
    const python = result.skills.find((s) => s.uri === 'esco:python');
    assert.equal(python?.spans[0]?.text, 'Python');
    assert.equal(result.sentenceCount, 2);
    assert.equal(result.truncated, false);
  });

  test('a specific label fully said beats a longer one it shares words with', () => {
    assert.equal(rankSentence(index, 'You enjoy working in teams.', 2)[0]?.skill, 2);
  });

  test('keeps technical names whole (C++, JavaScript) and ignores unrelated text', () => {
    assert.deepEqual(uris('Experience with C++ is required.').slice(0, 1), ['esco:cpp']);
    assert.deepEqual(uris('The weather was lovely on Sunday afternoon.'), []);
  });

  test('matches a near-miss spelling', () => {
    assert.ok(uris('Strong Javscript developer').includes('esco:javascript'));
  });

  test('a skill asked for in several sentences ranks above one named once', () => {
    const text = 'Bookkeeping is part of the job. You assist customers. You assist customers by phone too.';
    const found = extractFromText(index, text, { limit: 5 }).skills;
    assert.equal(found[0]?.uri, 'esco:customer');
    assert.ok(found[0] && found[0].spans.length >= 2);
  });

  test('respects the limit and truncates very long text', () => {
    assert.equal(uris('Python, C++, JavaScript and accounting.', 2).length, 2);
    const long = `${'Python developer. '.repeat(Math.ceil(MAX_TEXT_LENGTH / 18))}Bookkeeping.`;
    const result = extractFromText(index, long, { limit: 5 });
    assert.equal(result.truncated, true);
    assert.equal(result.characterCount, MAX_TEXT_LENGTH);
    assert.ok(!result.skills.some((s) => s.uri === 'esco:accounting'), 'the cut tail is not read');
  });

  test('several indexes are read as one (frameworks plus an organisation)', () => {
    const org = buildSkillIndex([
      { ...skill('urn:uuid:1', 'Kubernetes operations'), framework: 'org:acme', type: 'organisation' },
    ]);
    const found = extractFromText([index, org], 'You run Kubernetes operations and write Python.').skills;
    assert.deepEqual(found.map((s) => s.framework).sort(), ['esco', 'org:acme']);
  });

  test('is deterministic', () => {
    const text = 'Python developer who manages databases in a team, with customer service skills.';
    assert.deepEqual(extractFromText(index, text), extractFromText(index, text));
  });
});

describe('splitSentences', () => {
  test('splits at full stops and line breaks but not inside names like React.js', () => {
    const text = 'Skills\nWe use React.js daily. You write tests.\n- Bullet one\n  continued here';
    const sentences = splitSentences(text).map(({ start, end }) => text.slice(start, end));
    assert.deepEqual(sentences, [
      'Skills',
      'We use React.js daily.',
      'You write tests.',
      '- Bullet one\n  continued here',
    ]);
  });
});
