import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ClosedAttempt, computeStatistics, pearson } from '../../src/modules/assessments/statistics.ts';

const near = (actual: number | null, expected: number) => {
  assert.ok(actual !== null, 'expected a number');
  assert.ok(Math.abs(actual - expected) < 1e-4, `${actual} is not ≈ ${expected}`);
};

test('pearson: perfect, inverse, undefined', () => {
  near(pearson([1, 2, 3], [2, 4, 6]), 1);
  near(pearson([1, 2, 3], [3, 2, 1]), -1);
  assert.equal(pearson([1, 1, 1], [1, 2, 3]), null);
  assert.equal(pearson([1], [1]), null);
});

/**
 * Four learners, three 1-point items (1 = correct):
 *
 *            q1 q2 q3  total
 *   A         1  1  1    3
 *   B         1  1  0    2
 *   C         1  0  0    1
 *   D         0  0  0    0
 *
 * Difficulty: q1 3/4, q2 2/4, q3 1/4.
 * Discrimination (item vs rest score, Pearson):
 *   q1: x = 1,1,1,0; rest = 2,1,0,0. dx = .25,.25,.25,-.75; dr = 1.25,.25,-.75,-.75.
 *       Σdxdr = .75; Σdx² = .75; Σdr² = 2.75 → r = .75 / √(.75·2.75) = .52223
 *   q2: x = 1,1,0,0; rest = 2,1,1,0. dx = ±.5; dr = 1,0,0,-1 → r = 1 / √(1·2) = .70711
 *   q3: x = 1,0,0,0; rest = 2,2,1,0. dx = .75,-.25,-.25,-.25; dr = .75,.75,-.25,-1.25 → r = .52223
 */
test('difficulty and corrected item–total discrimination on hand-computed data', () => {
  const table = [
    ['a', [1, 1, 1]],
    ['b', [1, 1, 0]],
    ['c', [1, 0, 0]],
    ['d', [0, 0, 0]],
  ] as const;
  const choices: Record<string, string[]> = { a: ['A'], b: ['A'], c: ['A'], d: ['B'] };
  const attempts: ClosedAttempt[] = table.map(([learner, marks]) => ({
    score: marks.reduce<number>((sum, mark) => sum + mark, 0),
    maxScore: 3,
    items: marks.map((mark, index) => ({
      itemId: `q${index + 1}`,
      points: 1,
      earned: mark,
      answer: index === 0 ? (choices[learner]![0] as string) : index === 1 ? mark === 1 : null,
    })),
  }));
  const stats = computeStatistics(
    [
      { id: 'q1', type: 'single_choice', points: 1, optionIds: ['A', 'B', 'C'] },
      { id: 'q2', type: 'true_false', points: 1, optionIds: ['true', 'false'] },
      { id: 'q3', type: 'numeric', points: 1, optionIds: [] },
      { id: 'unused', type: 'numeric', points: 1, optionIds: [] },
    ],
    attempts,
  );
  assert.equal(stats.attempts, 4);
  near(stats.meanPercent, 50);
  const [q1, q2, q3, unused] = stats.items;
  near(q1!.difficulty, 0.75);
  near(q2!.difficulty, 0.5);
  near(q3!.difficulty, 0.25);
  near(q1!.discrimination, 0.52223);
  near(q2!.discrimination, 1 / Math.sqrt(2));
  near(q3!.discrimination, 0.52223);
  assert.deepEqual([q1!.attempts, q1!.answered, q1!.correct], [4, 4, 3]);
  assert.deepEqual([q3!.attempts, q3!.answered, q3!.correct], [4, 0, 1]);
  assert.deepEqual(q1!.optionCounts, { A: 3, B: 1, C: 0 });
  assert.deepEqual(q2!.optionCounts, { true: 2, false: 2 });
  assert.equal(q3!.optionCounts, null);
  assert.deepEqual(unused, {
    itemId: 'unused',
    attempts: 0,
    answered: 0,
    correct: 0,
    difficulty: null,
    discrimination: null,
    optionCounts: null,
  });
});

test('weighted points and drawn subsets: difficulty is a proportion of the points, rest scores are proportions', () => {
  // q1 is worth 2 points. Attempt 1 drew q1+q2 (max 3), attempt 2 drew q1+q3 (max 3), attempt 3 drew q2+q3 (max 2).
  const stats = computeStatistics(
    [
      { id: 'q1', type: 'numeric', points: 2, optionIds: [] },
      { id: 'q2', type: 'numeric', points: 1, optionIds: [] },
      { id: 'q3', type: 'numeric', points: 1, optionIds: [] },
    ],
    [
      {
        score: 3,
        maxScore: 3,
        items: [
          { itemId: 'q1', points: 2, earned: 2, answer: 1 },
          { itemId: 'q2', points: 1, earned: 1, answer: 1 },
        ],
      },
      {
        score: 0,
        maxScore: 3,
        items: [
          { itemId: 'q1', points: 2, earned: 0, answer: 0 },
          { itemId: 'q3', points: 1, earned: 0, answer: 0 },
        ],
      },
      {
        score: 1,
        maxScore: 2,
        items: [
          { itemId: 'q2', points: 1, earned: 0, answer: 0 },
          { itemId: 'q3', points: 1, earned: 1, answer: 1 },
        ],
      },
    ],
  );
  const [q1, q2, q3] = stats.items;
  near(q1!.difficulty, 0.5); // 2 of 4 points
  assert.equal(q1!.attempts, 2);
  near(q2!.difficulty, 0.5);
  near(q3!.difficulty, 0.5);
  // q1: item scores 1, 0; rest proportions 1/1, 0/1 → r = 1.
  near(q1!.discrimination, 1);
  // q3: item scores 0, 1; rest proportions 0/2, 0/1 → rest does not vary → null.
  assert.equal(q3!.discrimination, null);
  near(stats.meanPercent, (100 + 0 + 50) / 3);
});
