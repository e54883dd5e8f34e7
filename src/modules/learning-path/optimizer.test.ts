import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { candidate, gapOf } from '../../../test/helpers/path-candidates.ts';
import { planLearningPath, prepareProblem, solveGreedy } from './optimizer.ts';
import type { LearningPath, PathRequest } from './path.model.ts';

function request(overrides: Partial<PathRequest> = {}): PathRequest {
  return { gap: gapOf('a', 'b', 'c'), heldSeriesIds: [], objective: 'cost', ...overrides };
}

const chosenIds = (path: LearningPath) => path.steps.map((step) => step.candidate.definitionId);

describe('planLearningPath', () => {
  it('covers the gap at the least cost, not with the fewest credentials', async () => {
    const path = await planLearningPath({
      request: request(),
      candidates: [
        candidate('all', ['a', 'b', 'c'], { cost: 500 }),
        candidate('ab', ['a', 'b'], { cost: 120 }),
        candidate('c', ['c'], { cost: 90 }),
        candidate('unrelated', ['z'], { cost: 1 }),
      ],
    });
    assert.equal(path.status, 'complete');
    assert.deepEqual(chosenIds(path).sort(), ['def-ab', 'def-c']);
    assert.deepEqual(path.totals, { cost: 210, currency: 'USD', hours: 20, count: 2 });
    assert.equal(path.solver.method, 'ilp');
    assert.equal(path.solver.optimal, true);
    const count = await planLearningPath({
      request: request({ objective: 'count' }),
      candidates: [
        candidate('all', ['a', 'b', 'c'], { cost: 500 }),
        candidate('ab', ['a', 'b'], { cost: 120 }),
        candidate('c', ['c'], { cost: 90 }),
      ],
    });
    assert.deepEqual(chosenIds(count), ['def-all']);
  });

  it('adds prerequisites, schedules them first and skips those already held', async () => {
    const candidates = [
      candidate('advanced', ['a'], { cost: 50, prerequisiteSeriesIds: ['series-basics'] }),
      candidate('basics', ['z'], { cost: 40 }),
      candidate('standalone', ['a'], { cost: 100 }),
    ];
    const path = await planLearningPath({ request: request({ gap: gapOf('a') }), candidates });
    assert.deepEqual(chosenIds(path), ['def-basics', 'def-advanced']);
    assert.deepEqual(path.steps[0]!.prerequisiteFor, ['series-advanced']);
    assert.match(path.steps[0]!.reason, /Required first by Credential advanced/);
    assert.deepEqual(path.steps[1]!.requires, ['series-basics']);
    assert.equal(path.totals.cost, 90);

    const held = await planLearningPath({
      request: request({ gap: gapOf('a'), heldSeriesIds: ['series-basics'] }),
      candidates,
    });
    assert.deepEqual(chosenIds(held), ['def-advanced']);
  });

  it('returns the best partial cover within the budget and says why the rest is uncovered', async () => {
    const path = await planLearningPath({
      request: {
        gap: [
          { uri: 'a', label: 'A', weight: 2 },
          { uri: 'b', label: 'B', weight: 1 },
          { uri: 'c', label: 'C', weight: 1 },
          { uri: 'd', label: 'D', weight: 1 },
          { uri: 'e', label: 'E', weight: 1 },
        ],
        heldSeriesIds: [],
        objective: 'cost',
        budget: { maxCost: 150, currency: 'USD' },
        filters: { minQuality: 50 },
      },
      candidates: [
        candidate('a', ['a'], { cost: 100 }),
        candidate('b', ['b'], { cost: 60 }),
        candidate('c', ['c'], { cost: 40 }),
        candidate('low', ['d'], { cost: 1, qualityScore: 10 }),
      ],
    });
    assert.equal(path.status, 'partial');
    // Weight 3 (a + c) beats weight 2 (b + c) and weight 2 (a alone).
    assert.deepEqual(path.covered, ['a', 'c']);
    assert.deepEqual(path.uncovered, [
      { uri: 'b', label: 'B', reason: 'over-budget' },
      { uri: 'd', label: 'D', reason: 'filtered-out' },
      { uri: 'e', label: 'E', reason: 'no-credential' },
    ]);
    assert.equal(path.totals.cost, 140);
  });

  it('treats prerequisite cycles and missing prerequisites as unusable instead of hanging', async () => {
    const path = await planLearningPath({
      request: request({ gap: gapOf('a', 'b') }),
      candidates: [
        candidate('x', ['a', 'b'], { cost: 1, prerequisiteSeriesIds: ['series-y'] }),
        candidate('y', ['a'], { cost: 1, prerequisiteSeriesIds: ['series-x'] }),
        candidate('self', ['a', 'b'], { cost: 1, prerequisiteSeriesIds: ['series-self'] }),
        candidate('orphan', ['a', 'b'], { cost: 1, prerequisiteSeriesIds: ['series-gone'] }),
        candidate('fine', ['a', 'b'], { cost: 300 }),
      ],
    });
    assert.deepEqual(chosenIds(path), ['def-fine']);
    const alternatives = path.steps[0]!.alternatives.map((alternative) => alternative.why);
    assert.ok(
      alternatives.every((why) => why.startsWith('Not eligible')),
      alternatives.join('; '),
    );
  });

  it('excludes credentials of unknown cost or another currency under a cost objective', async () => {
    const path = await planLearningPath({
      request: request({ gap: gapOf('a') }),
      candidates: [
        candidate('unknown', ['a'], { cost: null }),
        candidate('euro', ['a'], { cost: 5, currency: 'EUR' }),
        candidate('usd1', ['a'], { cost: 80 }),
        candidate('usd2', ['a'], { cost: 90 }),
      ],
    });
    assert.deepEqual(chosenIds(path), ['def-usd1']);
    const whys = path.steps[0]!.alternatives.map((alternative) => alternative.why);
    assert.equal(whys.length, 3);
    assert.match(whys.join(' | '), /More expensive/);
    assert.match(whys.join(' | '), /Not eligible: unknown cost/);
    assert.match(whys.join(' | '), /Not eligible: priced in EUR/);
  });

  it('prunes dominated candidates before the solver', () => {
    const problem = prepareProblem(request({ gap: gapOf('a', 'b') }), [
      candidate('best', ['a', 'b'], { cost: 50 }),
      candidate('worse', ['a'], { cost: 60 }),
      candidate('twin', ['a', 'b'], { cost: 50 }),
      candidate('off-gap', ['q'], { cost: 1 }),
    ]);
    assert.deepEqual(
      problem.items.map((item) => item.candidate.definitionId),
      ['def-best'],
    );
  });

  it('answers an empty gap with nothing to do', async () => {
    const path = await planLearningPath({
      request: request({ gap: [] }),
      candidates: [candidate('a', ['a'])],
    });
    assert.equal(path.status, 'nothing-to-do');
    assert.deepEqual(path.steps, []);
  });

  it('is deterministic whatever the candidate order', async () => {
    const candidates = Array.from({ length: 12 }, (_, i) =>
      candidate(`c${i}`, [`s${i % 5}`, `s${(i * 3) % 7}`], { cost: 50 + (i % 3) * 10 }),
    );
    const gap = gapOf('s0', 's1', 's2', 's3', 's4', 's5', 's6');
    const first = await planLearningPath({ request: request({ gap }), candidates });
    const second = await planLearningPath({
      request: request({ gap }),
      candidates: [...candidates].reverse(),
    });
    const strip = (path: LearningPath) => ({ ...path, solver: { ...path.solver, timeMs: 0 } });
    assert.deepEqual(strip(second), strip(first));
  });

  it('falls back to greedy when the time limit is reached, with a valid answer', async () => {
    let seed = 42;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const skills = Array.from({ length: 60 }, (_, i) => `k${i}`);
    const candidates = Array.from({ length: 400 }, (_, i) =>
      candidate(
        `r${String(i).padStart(3, '0')}`,
        Array.from({ length: 2 + Math.floor(next() * 5) }, () => skills[Math.floor(next() * skills.length)]!),
        {
          cost: 10 + Math.floor(next() * 200),
          prerequisiteSeriesIds:
            i > 10 && next() < 0.2 ? [`series-r${String(Math.floor(next() * i)).padStart(3, '0')}`] : [],
        },
      ),
    );
    const path = await planLearningPath({
      request: request({ gap: gapOf(...skills), timeLimitMs: 1, budget: { maxCost: 2000 } }),
      candidates,
    });
    assert.equal(path.solver.method, 'greedy');
    assert.equal(path.solver.timedOut, true);
    assert.equal(path.solver.optimal, false);
    assert.ok(path.totals.cost <= 2000);
    const onPath = new Set(path.steps.map((step) => step.candidate.seriesId));
    const seen = new Set<string>();
    for (const step of path.steps) {
      for (const required of step.candidate.prerequisiteSeriesIds) {
        assert.ok(
          onPath.has(required) && seen.has(required),
          `${required} scheduled before ${step.candidate.seriesId}`,
        );
      }
      seen.add(step.candidate.seriesId);
    }
  });

  it('greedy honours the budget and counts prerequisite costs', () => {
    const problem = prepareProblem(request({ gap: gapOf('a', 'b'), budget: { maxCost: 100 } }), [
      candidate('cheap-but-needs', ['a', 'b'], { cost: 10, prerequisiteSeriesIds: ['series-pre'] }),
      candidate('pre', [], { cost: 200 }),
      candidate('a', ['a'], { cost: 40 }),
      candidate('b', ['b'], { cost: 50 }),
    ]);
    const chosen = solveGreedy(problem).map((index) => problem.items[index]!.candidate.definitionId);
    assert.deepEqual(chosen.sort(), ['def-a', 'def-b']);
  });
});
