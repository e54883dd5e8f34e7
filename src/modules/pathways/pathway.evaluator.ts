import { convertCredits } from './pathway.credits.ts';
import {
  type ComponentNode,
  type CreditFramework,
  componentsOf,
  type GroupNode,
  type Holding,
  type HoldingFacts,
  isGroup,
  type Level,
  type LevelConstraint,
  meetsLevel,
  type PathwayContent,
  type RuleNode,
  requiredChildren,
  walk,
} from './pathway.model.ts';

/**
 * Evaluates a learner's holdings against a pathway version. Pure and deterministic: the same content,
 * holdings and `now` give the same result whatever order the holdings come in. docs/pathways.md states
 * the semantics; in short:
 *
 * 1. A holding is usable at `now` when it was earned at or before `now`, is not revoked or suspended, and,
 *    if the pathway says `mustBeValidAtCompletion`, is not expired at `now`.
 * 2. A component's completion time is the earliest earning time of a usable holding of it that comes
 *    strictly after the completion time of every component it `requires`; a component with no such holding
 *    is not counted. (Earliest is best for everything downstream, so this is the most the learner can count.)
 * 3. Groups are evaluated bottom up: a group is satisfied when enough children are satisfied (all, one, N)
 *    and its minimums hold over the components counted in its satisfied children.
 *
 * Credits are counted in the pathway's credit framework: a holding's credits in another framework are
 * converted where an official conversion exists (ECTS ↔ CATS, pathway.credits.ts) and count 0 otherwise.
 */

export type NotCountedReason =
  | 'not-held'
  | 'not-yet-earned'
  | 'revoked'
  | 'suspended'
  | 'expired'
  | 'prerequisites-missing'
  | 'earned-before-prerequisites';

/** The facts a counted component contributes: the pathway's overrides, else what its holding says. */
export interface CountedComponent {
  completedAt: Date;
  holdingId?: string;
  /** In the pathway's credit framework. */
  creditPoints: number;
  hours: number;
  level?: Level;
}

export interface LevelProgress {
  constraint: LevelConstraint;
  creditPoints: number;
  hours: number;
  components: number;
  satisfied: boolean;
}

export interface Remaining {
  /** Satisfied children still needed (groups). */
  children?: number;
  creditPoints?: number;
  hours?: number;
  /** Shortfalls of the level constraints that do not hold, in the order they are declared. */
  levels?: {
    framework: Level['framework'];
    atLeast: string;
    creditPoints?: number;
    hours?: number;
    components?: number;
  }[];
  /** Component: earn it (again), after these prerequisites. */
  earn?: { seriesId: string; after: string[] };
}

export interface NodeProgress {
  id: string;
  type: RuleNode['type'];
  pointer: string;
  satisfied: boolean;
  /** Credits and hours counted: a component's own when counted; a group's from its satisfied children. */
  creditPoints: number;
  hours: number;
  /** Groups: satisfied children / children needed. */
  satisfiedChildren?: number;
  requiredChildren?: number;
  levels?: LevelProgress[];
  /** Components: what counts, or why nothing does. */
  holdingId?: string;
  completedAt?: Date;
  reason?: NotCountedReason;
  remaining: Remaining;
}

export interface PathwayEvaluation {
  satisfied: boolean;
  evaluatedAt: Date;
  /** The framework every credit amount of the result is in; absent when the pathway has none. */
  creditFramework?: CreditFramework;
  creditPoints: number;
  hours: number;
  /** Every node, depth first (the order of the rule tree). */
  nodes: NodeProgress[];
}

/** Sums are rounded so that 0.1 + 0.2 meets a minimum of 0.3. */
export function roundAmount(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function unusableReason(holding: Holding, now: Date, mustBeValid: boolean): NotCountedReason | undefined {
  if (holding.earnedAt.getTime() > now.getTime()) return 'not-yet-earned';
  if (holding.status === 'revoked') return 'revoked';
  if (holding.status === 'suspended') return 'suspended';
  if (mustBeValid) {
    const expired =
      holding.status === 'expired' ||
      (holding.validUntil !== undefined && holding.validUntil.getTime() <= now.getTime());
    if (expired) return 'expired';
  }
  return undefined;
}

/** Why the most promising rejected holding did not count, for the learner's progress view. */
const REASON_RANK: NotCountedReason[] = [
  'not-held',
  'revoked',
  'suspended',
  'not-yet-earned',
  'expired',
  'prerequisites-missing',
  'earned-before-prerequisites',
];

function holdingsOf(component: ComponentNode, holdings: readonly Holding[]): Holding[] {
  return holdings
    .filter((holding) =>
      holding.kind === 'credential'
        ? holding.seriesId === component.seriesId
        : holding.componentId === component.id,
    )
    .sort((a, b) => a.earnedAt.getTime() - b.earnedAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * A counted component's credits in the pathway's framework `framework`: the pathway's override as it is,
 * else the facts' amount converted from the framework they state; 0 when it cannot be converted.
 */
export function countedCredits(
  component: ComponentNode,
  facts: Pick<HoldingFacts, 'creditPoints' | 'creditFramework'>,
  framework: CreditFramework | undefined,
): number {
  if (component.creditPoints !== undefined) return component.creditPoints;
  return convertCredits(facts.creditPoints ?? 0, facts.creditFramework, framework) ?? 0;
}

function factsOf(
  component: ComponentNode,
  facts: HoldingFacts,
  framework: CreditFramework | undefined,
  completedAt: Date,
  holdingId?: string,
): CountedComponent {
  const level = component.level ?? facts.level;
  return {
    completedAt,
    ...(holdingId !== undefined ? { holdingId } : {}),
    creditPoints: countedCredits(component, facts, framework),
    hours: component.hours ?? facts.hours ?? 0,
    ...(level ? { level } : {}),
  };
}

export interface ComponentResolution {
  counted: Map<string, CountedComponent>;
  reasons: Map<string, NotCountedReason>;
}

/**
 * Rule 1 and 2 above: which components count, when, and with which facts. `creditFramework` is the
 * framework to count in when the content names none (the service infers it from the definitions).
 */
export function resolveComponents(
  content: PathwayContent,
  holdings: readonly Holding[],
  now: Date,
  creditFramework?: CreditFramework,
): ComponentResolution {
  const framework = content.creditFramework ?? creditFramework;
  const components = new Map(componentsOf(content.root).map((component) => [component.id, component]));
  const counted = new Map<string, CountedComponent>();
  const reasons = new Map<string, NotCountedReason>();
  const state = new Map<string, 'visiting' | 'done'>();

  const resolve = (id: string): CountedComponent | undefined => {
    if (state.get(id) === 'done') return counted.get(id);
    // A cycle (refused by the validator) makes every component on it uncountable rather than looping.
    if (state.get(id) === 'visiting') return undefined;
    const component = components.get(id);
    if (!component) return undefined;
    state.set(id, 'visiting');
    const prerequisites = (component.requires ?? []).map((required) => resolve(required));
    const prerequisitesMet = prerequisites.every((item) => item !== undefined);
    const latestPrerequisite = Math.max(
      Number.NEGATIVE_INFINITY,
      ...prerequisites.map((item) => item?.completedAt.getTime() ?? Number.POSITIVE_INFINITY),
    );
    let reason: NotCountedReason = 'not-held';
    let result: CountedComponent | undefined;
    for (const holding of holdingsOf(component, holdings)) {
      const unusable = unusableReason(holding, now, content.mustBeValidAtCompletion);
      const candidate: NotCountedReason | undefined =
        unusable ??
        (!prerequisitesMet
          ? 'prerequisites-missing'
          : holding.earnedAt.getTime() <= latestPrerequisite
            ? 'earned-before-prerequisites'
            : undefined);
      if (candidate === undefined) {
        result = factsOf(component, holding, framework, holding.earnedAt, holding.id);
        break;
      }
      if (REASON_RANK.indexOf(candidate) > REASON_RANK.indexOf(reason)) reason = candidate;
    }
    state.set(id, 'done');
    if (result) counted.set(id, result);
    else reasons.set(id, reason);
    return result;
  };

  for (const id of components.keys()) resolve(id);
  return { counted, reasons };
}

interface Measured {
  satisfied: boolean;
  creditPoints: number;
  hours: number;
  /** Components counted through satisfied children: what group minimums and level constraints read. */
  contributing: CountedComponent[];
}

function levelProgress(constraint: LevelConstraint, contributing: CountedComponent[]): LevelProgress {
  const matching = contributing.filter((item) =>
    meetsLevel(item.level, constraint.framework, constraint.atLeast),
  );
  const creditPoints = roundAmount(matching.reduce((sum, item) => sum + item.creditPoints, 0));
  const hours = roundAmount(matching.reduce((sum, item) => sum + item.hours, 0));
  const satisfied =
    matching.length > 0 &&
    creditPoints >= (constraint.minCreditPoints ?? 0) &&
    hours >= (constraint.minHours ?? 0) &&
    matching.length >= (constraint.minComponents ?? 1);
  return { constraint, creditPoints, hours, components: matching.length, satisfied };
}

/**
 * Rule 3: evaluates the tree over a fixed set of counted components. The completion planner calls this
 * with hypothetical components added.
 */
export function evaluateTree(
  root: RuleNode,
  counted: ReadonlyMap<string, CountedComponent>,
  visit?: (
    node: RuleNode,
    measured: Measured,
    group?: { satisfiedChildren: number; levels: LevelProgress[] },
  ) => void,
): Measured {
  const measure = (node: RuleNode): Measured => {
    if (!isGroup(node)) {
      const item = counted.get(node.id);
      const measured: Measured = item
        ? { satisfied: true, creditPoints: item.creditPoints, hours: item.hours, contributing: [item] }
        : { satisfied: false, creditPoints: 0, hours: 0, contributing: [] };
      visit?.(node, measured);
      return measured;
    }
    const children = node.children.map(measure);
    const satisfiedChildren = children.filter((child) => child.satisfied);
    const contributing = satisfiedChildren.flatMap((child) => child.contributing);
    const creditPoints = roundAmount(satisfiedChildren.reduce((sum, child) => sum + child.creditPoints, 0));
    const hours = roundAmount(satisfiedChildren.reduce((sum, child) => sum + child.hours, 0));
    const levels = (node.levelConstraints ?? []).map((constraint) => levelProgress(constraint, contributing));
    const satisfied =
      node.children.length > 0 &&
      satisfiedChildren.length >= requiredChildren(node) &&
      creditPoints >= (node.minCreditPoints ?? 0) &&
      hours >= (node.minHours ?? 0) &&
      levels.every((level) => level.satisfied);
    const measured: Measured = { satisfied, creditPoints, hours, contributing };
    visit?.(node, measured, { satisfiedChildren: satisfiedChildren.length, levels });
    return measured;
  };
  return measure(root);
}

function groupRemaining(
  group: GroupNode,
  measured: Measured,
  satisfiedChildren: number,
  levels: LevelProgress[],
): Remaining {
  const remaining: Remaining = {};
  const children = requiredChildren(group) - satisfiedChildren;
  if (children > 0) remaining.children = children;
  if (group.minCreditPoints !== undefined && measured.creditPoints < group.minCreditPoints)
    remaining.creditPoints = roundAmount(group.minCreditPoints - measured.creditPoints);
  if (group.minHours !== undefined && measured.hours < group.minHours)
    remaining.hours = roundAmount(group.minHours - measured.hours);
  const shortfalls = levels
    .filter((level) => !level.satisfied)
    .map(({ constraint, creditPoints, hours, components }) => ({
      framework: constraint.framework,
      atLeast: constraint.atLeast,
      ...(constraint.minCreditPoints !== undefined && creditPoints < constraint.minCreditPoints
        ? { creditPoints: roundAmount(constraint.minCreditPoints - creditPoints) }
        : {}),
      ...(constraint.minHours !== undefined && hours < constraint.minHours
        ? { hours: roundAmount(constraint.minHours - hours) }
        : {}),
      ...(components < (constraint.minComponents ?? 1)
        ? { components: (constraint.minComponents ?? 1) - components }
        : {}),
    }));
  if (shortfalls.length > 0) remaining.levels = shortfalls;
  return remaining;
}

export function evaluatePathway(input: {
  content: PathwayContent;
  holdings: readonly Holding[];
  now: Date;
  /**
   * The framework credits are counted in when the content names none: the one the components' definitions
   * all state (pathway.credits.ts `effectiveCreditFramework`). Absent with no `content.creditFramework`: only
   * credits that state no framework count.
   */
  creditFramework?: CreditFramework;
}): PathwayEvaluation {
  const { content, holdings, now } = input;
  const { counted, reasons } = resolveComponents(content, holdings, now, input.creditFramework);
  const pointers = new Map([...walk(content.root)].map(({ node, pointer }) => [node, pointer]));
  const progress = new Map<RuleNode, NodeProgress>();

  const root = evaluateTree(content.root, counted, (node, measured, group) => {
    const base = {
      id: node.id,
      type: node.type,
      pointer: pointers.get(node) ?? '',
      satisfied: measured.satisfied,
      creditPoints: measured.creditPoints,
      hours: measured.hours,
    };
    if (isGroup(node) && group) {
      progress.set(node, {
        ...base,
        satisfiedChildren: group.satisfiedChildren,
        requiredChildren: requiredChildren(node),
        levels: group.levels,
        remaining: groupRemaining(node, measured, group.satisfiedChildren, group.levels),
      });
      return;
    }
    if (isGroup(node)) return;
    const item = counted.get(node.id);
    progress.set(
      node,
      item
        ? {
            ...base,
            completedAt: item.completedAt,
            ...(item.holdingId ? { holdingId: item.holdingId } : {}),
            remaining: {},
          }
        : {
            ...base,
            reason: reasons.get(node.id) ?? 'not-held',
            remaining: { earn: { seriesId: node.seriesId, after: [...(node.requires ?? [])] } },
          },
    );
  });

  const nodes = [...walk(content.root)].flatMap(({ node }) => {
    const item = progress.get(node);
    return item ? [item] : [];
  });
  const creditFramework = content.creditFramework ?? input.creditFramework;
  return {
    satisfied: root.satisfied,
    evaluatedAt: now,
    ...(creditFramework ? { creditFramework } : {}),
    creditPoints: root.creditPoints,
    hours: root.hours,
    nodes,
  };
}
