import type { AttemptView, ManagedTest } from './assessments.service.ts';
import type { Item } from './items.ts';
import type { TestStatistics } from './statistics.ts';

/**
 * Output whitelists. Managers (`assessments:manage`) see answer keys; learners never do: an attempt shows
 * each item's prompt, options (in the attempt's order) and the learner's own answer, and after scoring only
 * whether each answer was correct, the points earned and the item's feedback, so the bank stays usable for
 * retakes.
 */

/** An item with its key, in the same flat shape managers write (POST/PUT …/test/items). */
export function presentManagedItem(item: Item, position: number) {
  const base = {
    id: item.id,
    position,
    type: item.type,
    prompt: item.prompt,
    points: item.points,
    learningOutcomeId: item.learningOutcomeId,
    feedback: item.feedback,
  };
  const key = item.key;
  switch (item.type) {
    case 'single_choice':
    case 'multiple_response':
      return {
        ...base,
        options: item.options.map((option) => ({
          id: option.id,
          text: option.text,
          correct: key.kind === 'choice' && key.correct.includes(option.id),
        })),
      };
    case 'true_false':
      return { ...base, correctAnswer: key.kind === 'choice' && key.correct[0] === 'true' };
    case 'numeric':
      return key.kind === 'numeric' ? { ...base, value: key.value, tolerance: key.tolerance } : base;
    case 'short_text':
      return key.kind === 'text'
        ? { ...base, acceptedAnswers: [...key.accepted], caseSensitive: key.caseSensitive }
        : base;
  }
}

export function presentManagedTest(managed: ManagedTest) {
  const { test } = managed;
  return {
    id: test.id,
    definitionId: test.definition_id,
    passMark: test.pass_mark,
    attemptLimit: test.attempt_limit,
    cooldownSeconds: test.cooldown_seconds,
    timeLimitSeconds: test.time_limit_seconds,
    itemsPerAttempt: test.items_per_attempt,
    shuffleItems: test.shuffle_items,
    shuffleOptions: test.shuffle_options,
    supervision: test.supervision,
    editable: managed.editable,
    readiness: { ready: managed.readiness.ready, problems: [...managed.readiness.problems] },
    totalPoints: managed.items.reduce((sum, item) => sum + item.points, 0),
    items: managed.items.map((item, index) => presentManagedItem(item, index + 1)),
    createdAt: test.created_at.toISOString(),
    updatedAt: test.updated_at.toISOString(),
  };
}

export function presentStatistics(items: Item[], statistics: TestStatistics) {
  const byId = new Map(statistics.items.map((entry) => [entry.itemId, entry]));
  return {
    attempts: statistics.attempts,
    meanPercent: statistics.meanPercent,
    difficulty: 'proportion of the available points earned by the closed attempts that drew the item',
    discrimination:
      'corrected item–total point-biserial correlation: item score vs. the score on the other items (as a proportion)',
    items: items.map((item, index) => {
      const entry = byId.get(item.id);
      const key = item.key;
      return {
        itemId: item.id,
        position: index + 1,
        type: item.type,
        prompt: item.prompt,
        points: item.points,
        attempts: entry?.attempts ?? 0,
        answered: entry?.answered ?? 0,
        correct: entry?.correct ?? 0,
        difficulty: entry?.difficulty ?? null,
        discrimination: entry?.discrimination ?? null,
        options:
          item.options.length === 0
            ? null
            : item.options.map((option) => ({
                id: option.id,
                text: option.text,
                correct: key.kind === 'choice' && key.correct.includes(option.id),
                chosen: entry?.optionCounts?.[option.id] ?? 0,
              })),
      };
    }),
  };
}

/** An attempt as its learner sees it. No answer keys, ever. */
export function presentAttempt(view: AttemptView, now: Date) {
  const { attempt } = view;
  const open = attempt.status === 'open';
  return {
    id: attempt.id,
    definitionId: attempt.definition_id,
    definitionTitle: view.definitionTitle,
    attemptNumber: attempt.attempt_number,
    status: attempt.status,
    startedAt: attempt.started_at.toISOString(),
    deadlineAt: attempt.deadline_at?.toISOString() ?? null,
    secondsLeft:
      open && attempt.deadline_at
        ? Math.max(0, Math.floor((attempt.deadline_at.getTime() - now.getTime()) / 1000))
        : null,
    closedAt: attempt.closed_at?.toISOString() ?? null,
    passMark: attempt.pass_mark,
    supervision: attempt.supervision,
    items: view.items.map((entry) => ({
      id: entry.item.id,
      type: entry.item.type,
      prompt: entry.item.prompt,
      points: entry.item.points,
      // True/false is answered with a boolean; its two fixed options are not listed.
      options:
        entry.item.type === 'single_choice' || entry.item.type === 'multiple_response'
          ? entry.options.map((option) => ({ id: option.id, text: option.text }))
          : null,
      answer: entry.answer,
      result: entry.result
        ? { correct: entry.result.correct, earned: entry.result.earned, feedback: entry.item.feedback }
        : null,
    })),
    result:
      open || attempt.score === null
        ? null
        : {
            score: attempt.score,
            maxScore: attempt.max_score ?? 0,
            percent: attempt.percent ?? 0,
            passed: attempt.passed === true,
            credentialId: attempt.credential_id,
          },
    retake: view.retake
      ? {
          allowed: view.retake.allowed,
          attemptsLeft: view.retake.attemptsLeft,
          availableAt: view.retake.availableAt?.toISOString() ?? null,
        }
      : null,
  };
}
