import { type Answer, type Item, normaliseSpaces } from './items.ts';

/**
 * Scoring, pure. Every item is all-or-nothing: its points for a correct answer, 0 otherwise (a multiple
 * response item is correct when exactly the correct options are chosen). An unanswered item earns 0.
 */

export interface ItemScore {
  itemId: string;
  points: number;
  earned: number;
  correct: boolean;
  answered: boolean;
}

export interface AttemptScore {
  score: number;
  maxScore: number;
  /** score / maxScore × 100, rounded to two decimals (0 when maxScore is 0). */
  percent: number;
  passed: boolean;
  items: ItemScore[];
}

/** Relative slack for numeric comparisons, so 0.1 + 0.2 counts as 0.3. */
const NUMERIC_EPSILON = 1e-9;

export function isCorrect(item: Pick<Item, 'type' | 'key'>, answer: Answer | null | undefined): boolean {
  if (answer === null || answer === undefined) return false;
  const key = item.key;
  switch (item.type) {
    case 'single_choice':
      return (
        key.kind === 'choice' &&
        typeof answer === 'string' &&
        key.correct.length === 1 &&
        key.correct[0] === answer
      );
    case 'multiple_response': {
      if (key.kind !== 'choice' || !Array.isArray(answer)) return false;
      const chosen = new Set(answer);
      return chosen.size === key.correct.length && key.correct.every((id) => chosen.has(id));
    }
    case 'true_false':
      return key.kind === 'choice' && typeof answer === 'boolean' && key.correct[0] === String(answer);
    case 'numeric': {
      if (key.kind !== 'numeric' || typeof answer !== 'number' || !Number.isFinite(answer)) return false;
      const slack = NUMERIC_EPSILON * Math.max(1, Math.abs(key.value));
      return Math.abs(answer - key.value) <= key.tolerance + slack;
    }
    case 'short_text': {
      if (key.kind !== 'text' || typeof answer !== 'string') return false;
      const fold = (text: string) =>
        key.caseSensitive ? normaliseSpaces(text) : normaliseSpaces(text).toLowerCase();
      const given = fold(answer);
      return given.length > 0 && key.accepted.some((accepted) => fold(accepted) === given);
    }
  }
}

export function scoreItem(
  item: Pick<Item, 'id' | 'type' | 'key' | 'points'>,
  answer: Answer | null | undefined,
): ItemScore {
  const correct = isCorrect(item, answer);
  return {
    itemId: item.id,
    points: item.points,
    earned: correct ? item.points : 0,
    correct,
    answered: answer !== null && answer !== undefined,
  };
}

/**
 * Scores the items drawn for an attempt against the saved answers. Passing compares the exact ratio with the
 * pass mark (a pass mark of 70 needs 7 of 10 points, whatever the rounding of the displayed percent).
 */
export function scoreAttempt(
  items: ReadonlyArray<Pick<Item, 'id' | 'type' | 'key' | 'points'>>,
  answers: ReadonlyMap<string, Answer | null>,
  passMark: number,
): AttemptScore {
  const scored = items.map((item) => scoreItem(item, answers.get(item.id)));
  const score = scored.reduce((sum, item) => sum + item.earned, 0);
  const maxScore = scored.reduce((sum, item) => sum + item.points, 0);
  const ratio = maxScore > 0 ? score / maxScore : 0;
  return {
    score,
    maxScore,
    percent: Math.round(ratio * 10_000) / 100,
    passed: maxScore > 0 && ratio * 100 >= passMark - NUMERIC_EPSILON,
    items: scored,
  };
}
