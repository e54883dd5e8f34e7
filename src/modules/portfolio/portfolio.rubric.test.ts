import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AppError } from '../../core/errors.ts';
import {
  HARD_MAX_FILE_BYTES,
  marksDisagree,
  normaliseRubric,
  type RubricCriterion,
  type RubricInput,
  rubricReadiness,
  scoreMark,
} from './portfolio.rubric.ts';

function criterion(id: string, overrides: Partial<RubricCriterion> = {}): RubricCriterion {
  return {
    id,
    name: `Criterion ${id}`,
    levels: [
      { id: 'not-yet', name: 'Not yet', descriptor: 'Missing or wrong', points: 0 },
      { id: 'competent', name: 'Competent', descriptor: 'Works as asked', points: 2 },
      { id: 'excellent', name: 'Excellent', descriptor: 'Beyond what was asked', points: 3 },
    ],
    ...overrides,
  };
}

const options = { learningOutcomeIds: ['lo-1'] };

function fieldsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof AppError);
    assert.equal(error.code, 'validation_failed');
    return (error.fields ?? []).map((field) => `${field.pointer} ${field.message}`);
  }
  assert.fail('expected a validation error');
}

describe('normaliseRubric', () => {
  test('fills in the default settings and keeps the criteria', () => {
    const rubric = normaliseRubric(
      { criteria: [criterion('a', { learningOutcomeId: 'lo-1' })], passRule: { minimumTotalPoints: 2 } },
      { ...options, defaultSupervision: 'supervised-online-id' },
    );
    assert.equal(rubric.criteria.length, 1);
    assert.deepEqual(rubric.passRule, { minimumTotalPoints: 2 });
    assert.deepEqual(rubric.settings.allowedKinds, ['text', 'links', 'files']);
    assert.equal(rubric.settings.supervision, 'supervised-online-id');
    assert.equal(rubric.settings.maxFiles, 5);
    assert.equal(rubric.settings.secondMarker.required, false);
    assert.equal(rubric.settings.maxAttempts, null);
  });

  test('reports every inconsistency with a pointer', () => {
    const input: RubricInput = {
      criteria: [
        criterion('a', { learningOutcomeId: 'lo-9', minimumLevelId: 'nope' }),
        criterion('a', {
          levels: [
            { id: 'x', name: 'X', descriptor: 'x', points: 1 },
            { id: 'x', name: 'Y', descriptor: 'y', points: 1 },
          ],
        }),
      ],
      passRule: { minimumTotalPoints: 99, minimumLevelOnEveryCriterion: true },
      settings: { maxFileBytes: HARD_MAX_FILE_BYTES + 1, allowedKinds: ['files'], allowedFileTypes: [] },
    };
    const fields = fieldsOf(() => normaliseRubric(input, options));
    for (const expected of [
      '/criteria/0/learningOutcomeId',
      '/criteria/0/minimumLevelId "nope" is not one',
      '/criteria/1/id repeats',
      '/criteria/1/levels/1/id repeats',
      '/criteria/1/levels/1/points',
      '/criteria/1/minimumLevelId is required',
      '/passRule/minimumTotalPoints is 99',
      '/settings/maxFileBytes',
      '/settings/allowedFileTypes',
    ]) {
      assert.ok(
        fields.some((field) => field.startsWith(expected)),
        `${expected} not in ${fields.join(' | ')}`,
      );
    }
  });

  test('an incomplete draft rubric is accepted (readiness reports what is missing)', () => {
    const rubric = normaliseRubric({ criteria: [], passRule: {} }, options);
    assert.deepEqual(rubric.criteria, []);
  });
});

describe('rubricReadiness', () => {
  test('a complete rubric is ready', () => {
    const rubric = normaliseRubric(
      { criteria: [criterion('a'), criterion('b')], passRule: { minimumTotalPoints: 4 } },
      options,
    );
    assert.deepEqual(rubricReadiness(rubric), { ready: true, problems: [] });
  });

  test('no criteria, too few levels and no pass rule are each reported', () => {
    const empty = normaliseRubric({ criteria: [], passRule: {} }, options);
    const report = rubricReadiness(empty);
    assert.equal(report.ready, false);
    assert.ok(report.problems.some((p) => p.includes('no criteria')));
    assert.ok(report.problems.some((p) => p.includes('no pass rule')));

    const oneLevel = normaliseRubric(
      {
        criteria: [criterion('a', { levels: [{ id: 'only', name: 'Only', descriptor: 'd', points: 1 }] })],
        passRule: { minimumTotalPoints: 1 },
      },
      options,
    );
    const second = rubricReadiness(oneLevel);
    assert.equal(second.ready, false);
    assert.match(second.problems.join(';'), /has 1 level; it needs at least 2/);
  });

  test('a pass rule met by the lowest levels is not a real assessment', () => {
    const rubric = normaliseRubric(
      { criteria: [criterion('a')], passRule: { minimumTotalPoints: 0 } },
      options,
    );
    const report = rubricReadiness(rubric);
    assert.equal(report.ready, false);
    assert.match(report.problems.join(';'), /no one can fail/);
  });
});

describe('scoreMark', () => {
  const rubric = normaliseRubric(
    {
      criteria: [
        criterion('a', { minimumLevelId: 'competent' }),
        criterion('b', { minimumLevelId: 'competent' }),
      ],
      passRule: { minimumTotalPoints: 5, minimumLevelOnEveryCriterion: true },
    },
    options,
  );

  test('totals the points and applies both parts of the pass rule', () => {
    const pass = scoreMark(rubric, [
      { criterionId: 'b', levelId: 'competent', feedback: 'Fine' },
      { criterionId: 'a', levelId: 'excellent' },
    ]);
    assert.equal(pass.totalPoints, 5);
    assert.equal(pass.maxPoints, 6);
    assert.equal(pass.passed, true);
    assert.deepEqual(
      pass.levels.map((l) => [l.criterionId, l.levelId, l.points, l.feedback]),
      [
        ['a', 'excellent', 3, undefined],
        ['b', 'competent', 2, 'Fine'],
      ],
    );

    const lowTotal = scoreMark(rubric, [
      { criterionId: 'a', levelId: 'competent' },
      { criterionId: 'b', levelId: 'competent' },
    ]);
    assert.equal(lowTotal.totalPoints, 4);
    assert.equal(lowTotal.passed, false);

    const belowMinimum = normaliseRubric(
      { criteria: rubric.criteria, passRule: { minimumTotalPoints: 3, minimumLevelOnEveryCriterion: true } },
      options,
    );
    const scored = scoreMark(belowMinimum, [
      { criterionId: 'a', levelId: 'excellent' },
      { criterionId: 'b', levelId: 'not-yet' },
    ]);
    assert.equal(scored.totalPoints, 3);
    assert.equal(scored.passed, false, 'enough points, but criterion b is below its minimum level');
    assert.deepEqual(scored.criteriaBelowMinimum, ['b']);
  });

  test('a missing, repeated or unknown criterion or level is a 422 naming it', () => {
    const fields = fieldsOf(() =>
      scoreMark(rubric, [
        { criterionId: 'a', levelId: 'great' },
        { criterionId: 'zzz', levelId: 'competent' },
        { criterionId: 'zzz', levelId: 'competent' },
      ]),
    );
    assert.ok(fields.some((f) => f.includes('"great" is not a level of criterion "a"')));
    assert.ok(fields.some((f) => f.includes('"zzz" is not a criterion')));
    assert.ok(fields.some((f) => f.includes('is marked twice')));
    assert.ok(fields.some((f) => f.includes('criterion "b" has no level')));
  });
});

test('marksDisagree: different outcomes, or totals further apart than allowed', () => {
  assert.equal(marksDisagree({ totalPoints: 5, passed: true }, { totalPoints: 6, passed: true }, 2), false);
  assert.equal(marksDisagree({ totalPoints: 5, passed: true }, { totalPoints: 8, passed: true }, 2), true);
  assert.equal(marksDisagree({ totalPoints: 5, passed: true }, { totalPoints: 4, passed: false }, 2), true);
});
