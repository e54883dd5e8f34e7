import type { Answer, ItemType } from './items.ts';

/**
 * Classical item statistics over closed attempts, pure.
 *
 * - **Difficulty** (facility): the proportion of the available points earned on the item by the attempts
 *   that drew it: Σ earned / (n × points). 1 = everyone got it right.
 * - **Discrimination**: the corrected item–total correlation (point-biserial): Pearson's r between the item's
 *   score (earned / points) and the attempt's *rest* score, its score on the other items as a proportion of
 *   their points ((score − earned) / (maxScore − points)). Leaving the item out of the total keeps it from
 *   correlating with itself; the proportion keeps attempts that drew different subsets comparable. Null when
 *   fewer than two attempts drew the item or either side does not vary.
 */

export interface StatisticsItem {
  id: string;
  type: ItemType;
  points: number;
  /** Choice items' option ids (true/false: `true`, `false`); empty for numeric and short text. */
  optionIds: string[];
}

export interface ClosedAttemptItem {
  itemId: string;
  points: number;
  earned: number;
  answer: Answer | null;
}

export interface ClosedAttempt {
  score: number;
  maxScore: number;
  items: ClosedAttemptItem[];
}

export interface ItemStatistics {
  itemId: string;
  /** Attempts that drew the item. */
  attempts: number;
  answered: number;
  correct: number;
  difficulty: number | null;
  discrimination: number | null;
  /** Choice items: how many attempts chose each option. Null for numeric and short text. */
  optionCounts: Record<string, number> | null;
}

export interface TestStatistics {
  attempts: number;
  /** Mean of the attempts' score / maxScore × 100. */
  meanPercent: number | null;
  items: ItemStatistics[];
}

export function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  const n = xs.length;
  if (n < 2 || ys.length !== n) return null;
  const meanX = xs.reduce((a, b) => a + b, 0) / n;
  const meanY = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - meanX;
    const dy = ys[i]! - meanY;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx < 1e-12 || syy < 1e-12) return null;
  return sxy / Math.sqrt(sxx * syy);
}

function chosenOptions(answer: Answer | null): string[] {
  if (answer === null) return [];
  if (Array.isArray(answer)) return answer;
  if (typeof answer === 'boolean') return [String(answer)];
  return typeof answer === 'string' ? [answer] : [];
}

export function computeStatistics(
  items: readonly StatisticsItem[],
  attempts: readonly ClosedAttempt[],
): TestStatistics {
  const meanPercent =
    attempts.length === 0
      ? null
      : attempts.reduce((sum, a) => sum + (a.maxScore > 0 ? (a.score / a.maxScore) * 100 : 0), 0) /
        attempts.length;
  return {
    attempts: attempts.length,
    meanPercent,
    items: items.map((item) => {
      const isChoice = item.optionIds.length > 0;
      const optionCounts: Record<string, number> | null = isChoice
        ? Object.fromEntries(item.optionIds.map((id) => [id, 0]))
        : null;
      const itemScores: number[] = [];
      const restScores: number[] = [];
      let drawn = 0;
      let answered = 0;
      let correct = 0;
      let earned = 0;
      for (const attempt of attempts) {
        const entry = attempt.items.find((candidate) => candidate.itemId === item.id);
        if (!entry) continue;
        drawn++;
        earned += entry.earned;
        if (entry.answer !== null) answered++;
        if (entry.earned >= entry.points) correct++;
        if (optionCounts) {
          for (const id of chosenOptions(entry.answer)) {
            if (id in optionCounts) optionCounts[id] = optionCounts[id]! + 1;
          }
        }
        const restMax = attempt.maxScore - entry.points;
        if (restMax > 0) {
          itemScores.push(entry.earned / entry.points);
          restScores.push((attempt.score - entry.earned) / restMax);
        }
      }
      return {
        itemId: item.id,
        attempts: drawn,
        answered,
        correct,
        difficulty: drawn > 0 ? earned / (drawn * item.points) : null,
        discrimination: pearson(itemScores, restScores),
        optionCounts,
      };
    }),
  };
}
