import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { candidate } from '../../../test/helpers/path-candidates.ts';
import { planLearningPath, prepareProblem, solveGreedy } from './optimizer.ts';
import type { LearningPath, PathCandidate, PathObjective, PathRequest } from './path.model.ts';

/** Small random instances: ≤ 12 candidates over ≤ 6 gap skills, acyclic prerequisites (to earlier ones). */
const instance = fc
  .record({
    skillCount: fc.integer({ min: 1, max: 6 }),
    weights: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 6, maxLength: 6 }),
    specs: fc.array(
      fc.record({
        skills: fc.uniqueArray(fc.integer({ min: 0, max: 7 }), { minLength: 0, maxLength: 3 }),
        cost: fc.integer({ min: 0, max: 200 }),
        hours: fc.integer({ min: 1, max: 60 }),
        prerequisites: fc.uniqueArray(fc.integer({ min: 0, max: 12 }), { maxLength: 2 }),
        held: fc.boolean(),
      }),
      { minLength: 1, maxLength: 12 },
    ),
    objective: fc.constantFrom<PathObjective>('cost', 'hours', 'count'),
    maxCost: fc.option(fc.integer({ min: 0, max: 400 }), { nil: undefined }),
    maxHours: fc.option(fc.integer({ min: 0, max: 120 }), { nil: undefined }),
  })
  .map(({ skillCount, weights, specs, objective, maxCost, maxHours }) => {
    const candidates: PathCandidate[] = specs.map((spec, index) =>
      candidate(
        `c${String(index).padStart(2, '0')}`,
        spec.skills.map((skill) => `s${skill}`),
        {
          cost: spec.cost,
          hours: spec.hours,
          // Only earlier candidates (acyclic); an index past the end is a prerequisite missing from the data.
          prerequisiteSeriesIds: spec.prerequisites
            .filter((p) => p < index || p >= specs.length)
            .map((p) => `series-c${String(p).padStart(2, '0')}`),
        },
      ),
    );
    const request: PathRequest = {
      gap: Array.from({ length: skillCount }, (_, i) => ({
        uri: `s${i}`,
        label: `S${i}`,
        weight: weights[i]!,
      })),
      heldSeriesIds: specs.flatMap((spec, index) =>
        spec.held && index % 3 === 0 ? [`series-c${String(index).padStart(2, '0')}`] : [],
      ),
      objective,
      budget:
        maxCost === undefined && maxHours === undefined ? undefined : { maxCost, maxHours, currency: 'USD' },
    };
    return { request, candidates };
  });

function objectiveOf(objective: PathObjective, chosen: PathCandidate[]): number {
  if (objective === 'count') return chosen.length;
  return chosen.reduce((sum, c) => sum + ((objective === 'cost' ? c.cost : c.hours) ?? 0), 0);
}

function weightOf(request: PathRequest, chosen: PathCandidate[]): number {
  const covered = new Set(chosen.flatMap((c) => c.skillUris));
  return request.gap.filter((skill) => covered.has(skill.uri)).reduce((sum, skill) => sum + skill.weight, 0);
}

function isValid(request: PathRequest, chosen: PathCandidate[]): boolean {
  const series = new Set([...chosen.map((c) => c.seriesId), ...request.heldSeriesIds]);
  if (chosen.some((c) => request.heldSeriesIds.includes(c.seriesId))) return false;
  if (chosen.some((c) => c.prerequisiteSeriesIds.some((p) => !series.has(p)))) return false;
  const cost = chosen.reduce((sum, c) => sum + (c.cost ?? 0), 0);
  const hours = chosen.reduce((sum, c) => sum + (c.hours ?? 0), 0);
  if (request.budget?.maxCost !== undefined && cost > request.budget.maxCost) return false;
  if (request.budget?.maxHours !== undefined && hours > request.budget.maxHours) return false;
  return true;
}

/** Every subset: the most gap weight, then the least objective. */
function bruteForce(
  request: PathRequest,
  candidates: PathCandidate[],
): { weight: number; objective: number } {
  let best = { weight: 0, objective: 0 };
  for (let mask = 1; mask < 1 << candidates.length; mask++) {
    const chosen = candidates.filter((_, i) => mask & (1 << i));
    if (!isValid(request, chosen)) continue;
    const weight = weightOf(request, chosen);
    const objective = objectiveOf(request.objective, chosen);
    if (weight > best.weight || (weight === best.weight && objective < best.objective))
      best = { weight, objective };
  }
  return best;
}

const chosenOf = (path: LearningPath) => path.steps.map((step) => step.candidate);

describe('planLearningPath on random small instances', () => {
  it('matches brute force: same covered weight, same objective; valid; deterministic', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(instance, async ({ request, candidates }) => {
        const path = await planLearningPath({ request, candidates });
        const chosen = chosenOf(path);
        assert.ok(isValid(request, chosen), 'closed under prerequisites and within budget');
        assert.equal(path.solver.method, 'ilp');
        const best = bruteForce(request, candidates);
        assert.equal(weightOf(request, chosen), best.weight);
        assert.ok(Math.abs(objectiveOf(request.objective, chosen) - best.objective) < 1e-6);
        runs++;
        if (runs % 4 !== 0) return;
        const again = await planLearningPath({ request, candidates: [...candidates].reverse() });
        assert.deepEqual(
          again.steps.map((step) => step.candidate.definitionId),
          path.steps.map((step) => step.candidate.definitionId),
        );
      }),
      { numRuns: 100 },
    );
  });

  it('greedy is always valid, and covers everything coverable when there is no budget', () => {
    fc.assert(
      fc.property(instance, ({ request, candidates }) => {
        const problem = prepareProblem(request, candidates);
        const chosen = solveGreedy(problem).map((index) => problem.items[index]!.candidate);
        assert.ok(isValid(request, chosen));
        if (request.budget === undefined) {
          const coverable = new Set(problem.items.flatMap((item) => item.covers));
          const covered = new Set(chosen.flatMap((c) => c.skillUris));
          for (const skill of coverable) assert.ok(covered.has(problem.gap[skill]!.uri));
        }
      }),
      { numRuns: 100 },
    );
  });
});
