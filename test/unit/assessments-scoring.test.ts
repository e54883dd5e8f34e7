import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AppError } from '../../src/core/errors.ts';
import { readinessProblems } from '../../src/modules/assessments/assessments.service.ts';
import {
  type Answer,
  checkAnswer,
  type Item,
  keyProblems,
  normaliseItemInput,
} from '../../src/modules/assessments/items.ts';
import { cryptoRandom, drawItems, seededRandom, shuffled } from '../../src/modules/assessments/randomness.ts';
import { isCorrect, scoreAttempt } from '../../src/modules/assessments/scoring.ts';

const context = { learningOutcomeIds: ['lo-1'] };

function item(id: string, input: Parameters<typeof normaliseItemInput>[0]): Item {
  return { id, ...normaliseItemInput(input, context) };
}

const single = item('single', {
  type: 'single_choice',
  prompt: 'Which store holds embeddings?',
  options: [{ text: 'A vector index', correct: true }, { text: 'A CSV file' }, { text: 'A cookie' }],
});
const multiple = item('multiple', {
  type: 'multiple_response',
  prompt: 'Which are retrieval strategies?',
  points: 2,
  options: [
    { id: 'bm25', text: 'BM25', correct: true },
    { id: 'dense', text: 'Dense retrieval', correct: true },
    { id: 'gzip', text: 'gzip' },
  ],
});
const trueFalse = item('tf', { type: 'true_false', prompt: 'Chunking affects recall.', correctAnswer: true });
const numeric = item('num', { type: 'numeric', prompt: 'Cosine of 0?', value: 1, tolerance: 0.05 });
const exact = item('exact', { type: 'numeric', prompt: '0.1 + 0.2?', value: 0.3 });
const text = item('text', {
  type: 'short_text',
  prompt: 'Capital of France?',
  acceptedAnswers: ['Paris', '  Paris,   France '],
});
const caseSensitive = item('case', {
  type: 'short_text',
  prompt: 'The SQL keyword to read rows?',
  acceptedAnswers: ['SELECT'],
  caseSensitive: true,
});

describe('items', () => {
  test('input becomes an item with default option ids, 1 point and a choice key', () => {
    assert.deepEqual(
      single.options.map((option) => option.id),
      ['A', 'B', 'C'],
    );
    assert.deepEqual(single.key, { kind: 'choice', correct: ['A'] });
    assert.equal(single.points, 1);
    assert.deepEqual(trueFalse.key, { kind: 'choice', correct: ['true'] });
    assert.deepEqual(text.key, { kind: 'text', accepted: ['Paris', 'Paris, France'], caseSensitive: false });
  });

  test('bad input is refused with every problem and its pointer', () => {
    const attempt = () =>
      normaliseItemInput(
        {
          type: 'single_choice',
          prompt: '  ',
          options: [
            { id: 'x', text: 'one', correct: true },
            { id: 'x', text: 'two', correct: true },
          ],
          value: 3,
          learningOutcomeId: 'lo-9',
        },
        context,
      );
    assert.throws(attempt, (error: unknown) => {
      assert.ok(error instanceof AppError);
      assert.equal(error.code, 'validation_failed');
      const pointers = (error.fields ?? []).map((field) => field.pointer).sort();
      assert.deepEqual(pointers, ['/learningOutcomeId', '/options', '/options/1/id', '/prompt', '/value']);
      return true;
    });
    assert.throws(
      () =>
        normaliseItemInput(
          { type: 'multiple_response', prompt: 'p', options: [{ text: 'a' }, { text: 'b' }] },
          context,
        ),
      /at least one option must be correct/,
    );
    assert.throws(() => normaliseItemInput({ type: 'true_false', prompt: 'p' }, context), /correctAnswer/);
    assert.throws(() => normaliseItemInput({ type: 'numeric', prompt: 'p' }, context), /\/value/);
    assert.throws(
      () => normaliseItemInput({ type: 'short_text', prompt: 'p', acceptedAnswers: [' '] }, context),
      /blank/,
    );
  });

  test('keyProblems finds keys that cannot score', () => {
    for (const good of [single, multiple, trueFalse, numeric, text]) assert.deepEqual(keyProblems(good), []);
    assert.deepEqual(keyProblems({ ...single, key: { kind: 'choice', correct: ['Z'] } }), [
      'its key names an unknown option',
    ]);
    assert.ok(keyProblems({ ...single, key: { kind: 'choice', correct: ['A', 'B'] } }).length > 0);
    assert.ok(keyProblems({ ...text, key: { kind: 'text', accepted: [], caseSensitive: false } }).length > 0);
  });

  test('answers must fit the item type', () => {
    assert.equal(checkAnswer(single, 'B'), 'B');
    assert.throws(() => checkAnswer(single, 'Z'), /options/);
    assert.throws(() => checkAnswer(single, ['A']), /options/);
    assert.deepEqual(checkAnswer(multiple, ['bm25']), ['bm25']);
    assert.throws(() => checkAnswer(multiple, ['bm25', 'bm25']), /twice/);
    assert.throws(() => checkAnswer(trueFalse, 'true'), /true or false/);
    assert.throws(() => checkAnswer(numeric, '1'), /number/);
    assert.throws(() => checkAnswer(text, 3), /text/);
    assert.throws(() => checkAnswer(text, 'x'.repeat(501)), /500/);
  });
});

describe('scoring', () => {
  test('single choice: only the correct option', () => {
    assert.equal(isCorrect(single, 'A'), true);
    assert.equal(isCorrect(single, 'B'), false);
    assert.equal(isCorrect(single, null), false);
  });

  test('multiple response: exactly the correct set, in any order', () => {
    assert.equal(isCorrect(multiple, ['dense', 'bm25']), true);
    assert.equal(isCorrect(multiple, ['bm25']), false);
    assert.equal(isCorrect(multiple, ['bm25', 'dense', 'gzip']), false);
    assert.equal(isCorrect(multiple, []), false);
  });

  test('true/false', () => {
    assert.equal(isCorrect(trueFalse, true), true);
    assert.equal(isCorrect(trueFalse, false), false);
  });

  test('numeric: inside the tolerance, bounds included, float noise ignored', () => {
    assert.equal(isCorrect(numeric, 1.05), true);
    assert.equal(isCorrect(numeric, 0.95), true);
    assert.equal(isCorrect(numeric, 1.051), false);
    assert.equal(isCorrect(exact, 0.1 + 0.2), true);
    assert.equal(isCorrect(exact, 0.31), false);
  });

  test('short text: case and whitespace insensitive by default; case-sensitive when asked', () => {
    assert.equal(isCorrect(text, '  paris '), true);
    assert.equal(isCorrect(text, 'PARIS,\tfrance'), true);
    assert.equal(isCorrect(text, 'Lyon'), false);
    assert.equal(isCorrect(text, '   '), false);
    assert.equal(isCorrect(caseSensitive, ' SELECT '), true);
    assert.equal(isCorrect(caseSensitive, 'select'), false);
  });

  test('an attempt: points per item, percent, pass by the exact ratio', () => {
    const items = [single, multiple, trueFalse, numeric, text];
    const answers = new Map<string, string | boolean | number | string[] | null>([
      ['single', 'A'],
      ['multiple', ['bm25']],
      ['tf', true],
      ['num', 1],
    ]);
    const score = scoreAttempt(items, answers, 50);
    assert.equal(score.maxScore, 6);
    assert.equal(score.score, 3);
    assert.equal(score.percent, 50);
    assert.equal(score.passed, true);
    assert.deepEqual(
      score.items.map((entry) => [entry.itemId, entry.earned, entry.correct, entry.answered]),
      [
        ['single', 1, true, true],
        ['multiple', 0, false, true],
        ['tf', 1, true, true],
        ['num', 1, true, true],
        ['text', 0, false, false],
      ],
    );
    assert.equal(scoreAttempt(items, answers, 50.01).passed, false);
    // 2 of 3 is 66.67% shown, and passes a pass mark of 66.67 only by rounding: it must not.
    const three = [single, trueFalse, text];
    const twoRight = new Map<string, Answer>([
      ['single', 'A'],
      ['tf', true],
    ]);
    const twoOfThree = scoreAttempt(three, twoRight, 66.67);
    assert.equal(twoOfThree.percent, 66.67);
    assert.equal(twoOfThree.passed, false);
    assert.equal(scoreAttempt(three, twoRight, 66.6).passed, true);
  });
});

describe('randomness', () => {
  test('the default source gives numbers in [0, 1)', () => {
    for (let i = 0; i < 1000; i++) {
      const value = cryptoRandom();
      assert.ok(value >= 0 && value < 1, String(value));
    }
  });

  test('a seed gives the same draw; shuffles are permutations', () => {
    const bank = Array.from({ length: 20 }, (_, index) => index);
    assert.deepEqual(shuffled(bank, seededRandom(7)), shuffled(bank, seededRandom(7)));
    assert.notDeepEqual(shuffled(bank, seededRandom(7)), shuffled(bank, seededRandom(8)));
    assert.deepEqual(
      [...shuffled(bank, seededRandom(7))].sort((a, b) => a - b),
      bank,
    );
  });

  test('drawItems: a subset of the requested size, in bank order when not shuffled', () => {
    const bank = Array.from({ length: 10 }, (_, index) => index);
    const drawn = drawItems(bank, { count: 4, shuffle: false }, seededRandom(1));
    assert.equal(drawn.length, 4);
    assert.deepEqual(
      drawn,
      [...drawn].sort((a, b) => a - b),
    );
    assert.equal(new Set(drawn).size, 4);
    assert.deepEqual(drawItems(bank, { count: null, shuffle: false }, seededRandom(1)), bank);
    assert.equal(drawItems(bank, { count: 50, shuffle: true }, seededRandom(1)).length, 10);
    // Every item can be drawn.
    const seen = new Set<number>();
    const random = seededRandom(3);
    for (let i = 0; i < 50; i++)
      for (const value of drawItems(bank, { count: 2, shuffle: true }, random)) seen.add(value);
    assert.equal(seen.size, 10);
  });
});

describe('readiness', () => {
  const test0 = {
    id: 't',
    definition_id: 'd',
    organisation_id: 'o',
    pass_mark: 70,
    attempt_limit: null,
    cooldown_seconds: 0,
    time_limit_seconds: null,
    items_per_attempt: null,
    shuffle_items: true,
    shuffle_options: true,
    supervision: 'unsupervised-no-id',
    created_at: new Date(),
    updated_at: new Date(),
  };
  test('items, pass mark, draw size and keys', () => {
    assert.deepEqual(readinessProblems(test0, [single, text]), []);
    assert.deepEqual(readinessProblems({ ...test0, pass_mark: null }, []), [
      'the test has no items',
      'the test has no pass mark',
    ]);
    assert.deepEqual(readinessProblems({ ...test0, items_per_attempt: 5 }, [single, text]), [
      'the test has 2 item(s) but draws 5 per attempt',
    ]);
    assert.deepEqual(readinessProblems(test0, [{ ...single, key: { kind: 'choice', correct: [] } }]), [
      'item 1: it has the wrong number of correct options',
    ]);
  });
});
