import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { type ComponentOffer, planCompletion } from './pathway.completion.ts';
import { countedCredits, evaluatePathway, evaluateTree, resolveComponents } from './pathway.evaluator.ts';
import type {
  ComponentNode,
  CreditFramework,
  GroupNode,
  Holding,
  HoldingFacts,
  HoldingStatus,
  Level,
  LevelConstraint,
  PathwayContent,
  RuleNode,
} from './pathway.model.ts';
import { componentsOf } from './pathway.model.ts';
import { referenceEvaluate } from './pathway.reference.ts';

/**
 * Property tests over generated small pathways and holdings: the evaluator agrees with the brute-force
 * reference (pathway.reference.ts) on every node, and the completion planner's plans are optimal against
 * a brute force over every subset of offered components. Holdings state their credits in ECTS, CATS, ECVET,
 * `other` or nothing, and the pathway counts in ECTS, CATS or (inferred) `other`, or in none.
 */

const SERIES = [
  '00000000-0000-4000-8000-000000000001',
  '00000000-0000-4000-8000-000000000002',
  '00000000-0000-4000-8000-000000000003',
  '00000000-0000-4000-8000-000000000004',
  '00000000-0000-4000-8000-000000000005',
  '00000000-0000-4000-8000-000000000006',
] as const;
const TARGET_SERIES = '00000000-0000-4000-8000-0000000000ff';
const DAY = 86_400_000;
const EPOCH = Date.UTC(2026, 0, 1);
const NOW = new Date(EPOCH + 5 * DAY);

type Shape =
  | { leaf: true }
  | {
      leaf: false;
      type: GroupNode['type'];
      n: number;
      children: Shape[];
      min?: number;
      level?: LevelConstraint;
    };

const level: fc.Arbitrary<Level> = fc.oneof(
  fc.integer({ min: 3, max: 7 }).map((value) => ({ framework: 'EQF' as const, value: String(value) })),
  fc
    .constantFrom('introductory', 'intermediate', 'advanced')
    .map((value) => ({ framework: 'difficulty' as const, value })),
);
const levelConstraint: fc.Arbitrary<LevelConstraint> = fc.record(
  {
    framework: fc.constant('EQF' as const),
    atLeast: fc.integer({ min: 3, max: 5 }).map(String),
    minCreditPoints: fc.integer({ min: 1, max: 4 }),
    minComponents: fc.integer({ min: 1, max: 2 }),
  },
  { requiredKeys: ['framework', 'atLeast'] },
);

const shape: fc.Arbitrary<Shape> = fc.letrec<{ node: Shape; group: Shape }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant({ leaf: true as const }),
    tie('group'),
  ),
  group: fc
    .record(
      {
        type: fc.constantFrom('all' as const, 'any' as const, 'n-of' as const),
        n: fc.integer({ min: 1, max: 3 }),
        children: fc.array(tie('node'), { minLength: 1, maxLength: 3 }),
        min: fc.integer({ min: 1, max: 6 }),
        level: levelConstraint,
      },
      { requiredKeys: ['type', 'n', 'children'] },
    )
    .map((group) => ({ leaf: false as const, ...group })),
})).group;

function leaves(node: Shape): number {
  return node.leaf ? 1 : node.children.reduce((sum, child) => sum + leaves(child), 0);
}

interface Scenario {
  content: PathwayContent;
  holdings: Holding[];
  facts: Map<string, HoldingFacts>;
  /** The framework to count in when the content names none. */
  inferred?: CreditFramework;
}

const componentExtras = fc.record(
  {
    creditPoints: fc.integer({ min: 0, max: 5 }),
    level,
    requiresMask: fc.integer({ min: 0, max: 63 }),
  },
  { requiredKeys: ['requiresMask'] },
);
const seriesFacts = fc.record(
  {
    creditPoints: fc.integer({ min: 0, max: 5 }),
    creditFramework: fc.constantFrom<CreditFramework>('ECTS', 'ECTS', 'CATS', 'CATS', 'ECVET', 'other'),
    hours: fc.integer({ min: 0, max: 40 }),
    level,
  },
  { requiredKeys: [] },
);
/** The pathway's own framework, and the one a caller inferred (used only when the content has none). */
const frameworks = fc.record({
  own: fc.option(fc.constantFrom('ECTS' as const, 'CATS' as const), { nil: undefined }),
  inferred: fc.option(fc.constantFrom<CreditFramework>('ECTS', 'CATS', 'other'), { nil: undefined }),
});
const holdingDraft = fc.record({
  day: fc.integer({ min: 0, max: 6 }),
  status: fc.constantFrom<HoldingStatus>(
    'active',
    'active',
    'active',
    'active',
    'active',
    'expired',
    'revoked',
    'suspended',
  ),
  validForDays: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
  recognition: fc.boolean(),
});

/** A pathway of at most `maxComponents` components and the learner's holdings for it. */
function scenario(maxComponents = 5): fc.Arbitrary<Scenario> {
  return shape
    .filter((tree) => leaves(tree) <= maxComponents)
    .chain((tree) => {
      const count = leaves(tree);
      return fc.record({
        tree: fc.constant(tree),
        extras: fc.array(componentExtras, { minLength: count, maxLength: count }),
        facts: fc.array(seriesFacts, { minLength: count, maxLength: count }),
        holdings: fc.array(
          fc.oneof(
            { weight: 1, arbitrary: fc.constant([]) },
            { weight: 4, arbitrary: fc.array(holdingDraft, { minLength: 1, maxLength: 2 }) },
          ),
          { minLength: count, maxLength: count },
        ),
        mustBeValid: fc.boolean(),
        framework: frameworks,
      });
    })
    .map(({ tree, extras, facts, holdings, mustBeValid, framework }) => {
      let leafIndex = 0;
      let groupIndex = 0;
      const build = (node: Shape): RuleNode => {
        if (node.leaf) {
          const index = leafIndex++;
          const extra = extras[index] ?? { requiresMask: 0 };
          // Only earlier components may be required, so the graph is acyclic like a validated pathway.
          const requires = Array.from({ length: index }, (_, earlier) => earlier)
            .filter((earlier) => (extra.requiresMask >> (earlier + 1)) & 1)
            .map((earlier) => `c${earlier}`);
          const component: ComponentNode = {
            id: `c${index}`,
            type: 'component',
            seriesId: SERIES[index] ?? TARGET_SERIES,
            ...(extra.creditPoints !== undefined ? { creditPoints: extra.creditPoints } : {}),
            ...(extra.level ? { level: extra.level } : {}),
            ...(requires.length > 0 && (extra.requiresMask & 1) === 1 ? { requires } : {}),
          };
          return component;
        }
        const id = `g${groupIndex++}`;
        const children = node.children.map(build);
        return {
          id,
          type: node.type,
          ...(node.type === 'n-of' ? { n: Math.min(node.n, children.length) } : {}),
          children,
          ...(node.min !== undefined ? { minCreditPoints: node.min } : {}),
          ...(node.level ? { levelConstraints: [node.level] } : {}),
        };
      };
      const root = build(tree);
      const factsBySeries = new Map<string, HoldingFacts>();
      const held: Holding[] = [];
      holdings.forEach((drafts, index) => {
        const seriesId = SERIES[index] ?? TARGET_SERIES;
        const seriesFact = facts[index] ?? {};
        factsBySeries.set(seriesId, seriesFact);
        drafts.forEach((draft, position) => {
          const earnedAt = new Date(EPOCH + draft.day * DAY);
          const common = {
            id: `h${index}-${position}`,
            earnedAt,
            status: draft.status,
            ...(draft.validForDays !== undefined
              ? { validUntil: new Date(earnedAt.getTime() + draft.validForDays * DAY) }
              : {}),
            ...seriesFact,
          };
          held.push(
            draft.recognition
              ? { kind: 'recognition', componentId: `c${index}`, ...common }
              : { kind: 'credential', seriesId, ...common },
          );
        });
      });
      const content: PathwayContent = {
        title: 'Generated pathway',
        target: { kind: 'definition', seriesId: TARGET_SERIES },
        ...(framework.own ? { creditFramework: framework.own } : {}),
        root,
        mustBeValidAtCompletion: mustBeValid,
      };
      return {
        content,
        holdings: held,
        facts: factsBySeries,
        ...(framework.inferred ? { inferred: framework.inferred } : {}),
      };
    });
}

describe('evaluator against the brute-force reference', () => {
  test('every node: satisfied and counted credits agree', () => {
    fc.assert(
      fc.property(scenario(5), ({ content, holdings, inferred }) => {
        const evaluation = evaluatePathway({
          content,
          holdings,
          now: NOW,
          ...(inferred ? { creditFramework: inferred } : {}),
        });
        const reference = referenceEvaluate(content, holdings, NOW, inferred);
        for (const node of evaluation.nodes) {
          assert.equal(node.satisfied, reference.satisfied.get(node.id), `satisfied of ${node.id}`);
          assert.equal(node.creditPoints, reference.maxCredits.get(node.id), `credits of ${node.id}`);
        }
        assert.equal(evaluation.satisfied, reference.satisfied.get(content.root.id));
      }),
      { numRuns: 300 },
    );
  });

  test('the holdings order does not change the result', () => {
    fc.assert(
      fc.property(scenario(5), ({ content, holdings, inferred }) => {
        const framework = inferred ? { creditFramework: inferred } : {};
        const forward = evaluatePathway({ content, holdings, now: NOW, ...framework });
        const backward = evaluatePathway({
          content,
          holdings: [...holdings].reverse(),
          now: NOW,
          ...framework,
        });
        assert.deepEqual(backward, forward);
      }),
      { numRuns: 100 },
    );
  });
});

describe('completion planner against brute force', () => {
  const offerFor = fc.record({
    cost: fc.integer({ min: 0, max: 50 }),
    hours: fc.integer({ min: 1, max: 20 }),
  });
  test('the cheapest and shortest plans are optimal and complete the pathway', () => {
    fc.assert(
      fc.property(
        scenario(5).chain((item) =>
          fc.record({
            item: fc.constant(item),
            offers: fc.array(fc.option(offerFor, { nil: undefined, freq: 4 }), {
              minLength: 6,
              maxLength: 6,
            }),
          }),
        ),
        ({ item: { content, holdings, facts, inferred }, offers: drafts }) => {
          const framework = content.creditFramework ?? inferred;
          const components = componentsOf(content.root);
          const offers = new Map<string, ComponentOffer>();
          components.forEach((component, index) => {
            const draft = drafts[index];
            const seriesFacts = facts.get(component.seriesId) ?? {};
            if (draft)
              offers.set(component.id, {
                ...draft,
                ...(seriesFacts.creditPoints !== undefined ? { creditPoints: seriesFacts.creditPoints } : {}),
                ...(seriesFacts.creditFramework ? { creditFramework: seriesFacts.creditFramework } : {}),
                ...(seriesFacts.level ? { level: seriesFacts.level } : {}),
              });
          });
          const result = planCompletion({
            content,
            holdings,
            now: NOW,
            offers,
            ...(inferred ? { creditFramework: inferred } : {}),
          });
          assert.equal(result.exact, true);
          if (result.evaluation.satisfied) return;
          const { counted } = resolveComponents(content, holdings, NOW, framework);
          const open = components.filter(
            (component) => !counted.has(component.id) && offers.has(component.id),
          );
          // Brute force: every subset, its members counted when their prerequisites are counted or planned.
          let bestCost = Number.POSITIVE_INFINITY;
          let bestHours = Number.POSITIVE_INFINITY;
          for (let mask = 0; mask < 1 << open.length; mask += 1) {
            const chosen = open.filter((_, index) => (mask >> index) & 1);
            const withPlan = new Map(counted);
            for (let round = 0; round < chosen.length; round += 1) {
              for (const component of chosen) {
                if (withPlan.has(component.id)) continue;
                if (!(component.requires ?? []).every((required) => withPlan.has(required))) continue;
                const offer = offers.get(component.id) as ComponentOffer;
                const level = component.level ?? offer.level;
                withPlan.set(component.id, {
                  completedAt: NOW,
                  creditPoints: countedCredits(component, offer, framework),
                  hours: component.hours ?? offer.hours,
                  ...(level ? { level } : {}),
                });
              }
            }
            if (!evaluateTree(content.root, withPlan).satisfied) continue;
            bestCost = Math.min(
              bestCost,
              chosen.reduce((sum, c) => sum + (offers.get(c.id)?.cost ?? 0), 0),
            );
            bestHours = Math.min(
              bestHours,
              chosen.reduce((sum, c) => sum + (offers.get(c.id)?.hours ?? 0), 0),
            );
          }
          assert.equal(result.completable, Number.isFinite(bestCost));
          if (!result.completable) return;
          assert.equal(result.cheapest?.cost, bestCost);
          assert.equal(result.shortest?.hours, bestHours);
          for (const plan of [result.cheapest, result.shortest]) {
            const ids = new Set(plan?.components);
            // Planned components come after their prerequisites.
            plan?.components.forEach((id, index) => {
              const component = components.find((item) => item.id === id);
              for (const required of component?.requires ?? [])
                if (ids.has(required)) assert.ok(plan.components.indexOf(required) < index);
            });
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
