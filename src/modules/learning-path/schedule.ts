import type { PlanProblem } from './optimizer.ts';

/** A chosen candidate in schedule order, before its explanation. */
export interface ScheduledStep {
  order: number;
  itemIndex: number;
  /** Gap skill URIs it covers. */
  coversGapSkills: string[];
  /** Series ids of chosen steps it requires (its direct prerequisites on this path). */
  requires: string[];
  /** Series ids of chosen steps that require it. */
  prerequisiteFor: string[];
}

/**
 * Orders the chosen candidates so every prerequisite comes before the steps that need it (Kahn's algorithm).
 * Among steps ready at the same time: the one covering more gap skills first, then by title, then by id,
 * so the same choice always gives the same schedule.
 */
export function scheduleSteps(problem: PlanProblem, chosen: number[]): ScheduledStep[] {
  const chosenSet = new Set(chosen);
  const requires = new Map(
    chosen.map((index) => [index, problem.items[index]!.requires.filter((r) => chosenSet.has(r))]),
  );
  const requiredBy = new Map<number, number[]>(chosen.map((index) => [index, []]));
  for (const [index, list] of requires) for (const r of list) requiredBy.get(r)!.push(index);
  const pending = new Map(chosen.map((index) => [index, requires.get(index)!.length]));
  const rank = (a: number, b: number): number => {
    const itemA = problem.items[a]!;
    const itemB = problem.items[b]!;
    return (
      itemB.covers.length - itemA.covers.length ||
      itemA.candidate.title.localeCompare(itemB.candidate.title, 'en') ||
      (itemA.candidate.definitionId < itemB.candidate.definitionId ? -1 : 1)
    );
  };
  const ready = chosen.filter((index) => pending.get(index) === 0);
  const ordered: number[] = [];
  while (ready.length > 0) {
    ready.sort(rank);
    const next = ready.shift()!;
    ordered.push(next);
    for (const dependent of requiredBy.get(next)!) {
      const left = pending.get(dependent)! - 1;
      pending.set(dependent, left);
      if (left === 0) ready.push(dependent);
    }
  }
  const seriesOf = (index: number) => problem.items[index]!.candidate.seriesId;
  return ordered.map((index, position) => ({
    order: position + 1,
    itemIndex: index,
    coversGapSkills: problem.items[index]!.covers.map((skill) => problem.gap[skill]!.uri),
    requires: requires.get(index)!.map(seriesOf).sort(),
    prerequisiteFor: requiredBy.get(index)!.map(seriesOf).sort(),
  }));
}
