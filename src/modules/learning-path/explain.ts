import type { PlanProblem } from './optimizer.ts';
import type { PathCandidate, PathStep } from './path.model.ts';
import type { ScheduledStep } from './schedule.ts';

const MAX_ALTERNATIVES = 3;

function formatValue(problem: PlanProblem, value: number): string {
  if (problem.objective === 'cost') return `${problem.currency ?? ''} ${value.toFixed(2)}`.trim();
  if (problem.objective === 'hours') return `${Math.round(value * 10) / 10} h`;
  return `${value} credential${value === 1 ? '' : 's'}`;
}

function listLabels(problem: PlanProblem, uris: string[]): string {
  const labels = uris.map((uri) => problem.gap.find((skill) => skill.uri === uri)?.label ?? uri);
  return labels.length <= 3
    ? labels.join(', ')
    : `${labels.slice(0, 3).join(', ')} and ${labels.length - 3} more`;
}

/**
 * Turns scheduled steps into explained ones: why each was chosen (the gap skills it covers, or the later
 * steps that need it) and the best alternatives for the same gap skills with why they lost.
 */
export function explainSteps(problem: PlanProblem, scheduled: ScheduledStep[]): PathStep[] {
  const chosenSeries = new Set(scheduled.map((step) => problem.items[step.itemIndex]!.candidate.seriesId));
  const titleOfSeries = new Map(problem.all.map((candidate) => [candidate.seriesId, candidate.title]));
  const itemBySeries = new Map(problem.items.map((item) => [item.candidate.seriesId, item]));
  const gapUris = new Set(problem.gap.map((skill) => skill.uri));
  // Only candidates aligned to some gap skill can be an alternative.
  const aligned = problem.all.filter((other) => other.skillUris.some((uri) => gapUris.has(uri)));

  /** Objective value with the prerequisites it would add (not held), or null when unknown. */
  const valueWithPrerequisites = (candidate: PathCandidate): number | null => {
    const item = itemBySeries.get(candidate.seriesId);
    if (!item) {
      const own =
        problem.objective === 'cost' ? candidate.cost : problem.objective === 'hours' ? candidate.hours : 1;
      return own;
    }
    return item.closure.reduce((sum, index) => sum + problem.items[index]!.value, item.value);
  };

  return scheduled.map((step) => {
    const item = problem.items[step.itemIndex]!;
    const candidate = item.candidate;
    const reasonParts: string[] = [];
    if (step.coversGapSkills.length > 0) {
      reasonParts.push(
        `Covers ${step.coversGapSkills.length} of ${problem.gap.length} gap skills: ${listLabels(problem, step.coversGapSkills)}.`,
      );
    }
    if (step.prerequisiteFor.length > 0) {
      const titles = step.prerequisiteFor.map((series) => titleOfSeries.get(series) ?? series);
      reasonParts.push(`Required first by ${titles.join(', ')}.`);
    }
    const covers = new Set(step.coversGapSkills);
    const ownValue = valueWithPrerequisites(candidate) ?? 0;
    const alternatives =
      covers.size === 0
        ? []
        : aligned
            .filter(
              (other) => !chosenSeries.has(other.seriesId) && other.skillUris.some((uri) => covers.has(uri)),
            )
            .map((other) => ({
              other,
              overlap: other.skillUris.filter((uri) => covers.has(uri)).length,
              value: valueWithPrerequisites(other),
              why: problem.excluded.get(other.definitionId),
            }))
            .filter((entry) => entry.overlap > 0)
            .sort(
              (a, b) =>
                b.overlap - a.overlap ||
                Number(a.why !== undefined) - Number(b.why !== undefined) ||
                (a.value ?? Number.POSITIVE_INFINITY) - (b.value ?? Number.POSITIVE_INFINITY) ||
                (b.other.qualityScore ?? -1) - (a.other.qualityScore ?? -1) ||
                (a.other.definitionId < b.other.definitionId ? -1 : 1),
            )
            .slice(0, MAX_ALTERNATIVES)
            .map(({ other, overlap, value, why }) => {
              let reason: string;
              if (why !== undefined) reason = `Not eligible: ${why}.`;
              else if (overlap < covers.size) {
                reason = `Covers fewer of these gap skills (${overlap} of ${covers.size}).`;
              } else if (value !== null && value > ownValue + 1e-9) {
                reason = `More ${problem.objective === 'count' ? 'credentials' : problem.objective === 'cost' ? 'expensive' : 'hours'}, prerequisites included (${formatValue(problem, value)} against ${formatValue(problem, ownValue)}).`;
              } else if ((other.qualityScore ?? -1) < (candidate.qualityScore ?? -1)) {
                reason = `As good on ${problem.objective} but lower quality (${other.qualityScore ?? 'unscored'} against ${candidate.qualityScore}).`;
              } else {
                reason = `As good on its own, but the chosen one gives the better whole path (budget, overlap with other steps) or wins the stable tie-break.`;
              }
              return { definitionId: other.definitionId, title: other.title, why: reason };
            });
    return {
      order: step.order,
      candidate,
      coversGapSkills: step.coversGapSkills,
      prerequisiteFor: step.prerequisiteFor,
      requires: step.requires,
      reason: reasonParts.join(' '),
      alternatives,
    };
  });
}
