import type {
  ComponentNode,
  CreditFramework,
  Holding,
  Level,
  LevelConstraint,
  PathwayContent,
  RuleNode,
} from './pathway.model.ts';

/**
 * A deliberately naive restatement of the pathway semantics, used only by the property test to check
 * pathway.evaluator.ts. It shares no code with the evaluator beyond the types: it tries every way of
 * picking at most one usable holding per component, keeps the picks where every picked component's
 * prerequisites are picked and earned strictly earlier, and asks whether the tree holds over that pick.
 * Exponential on purpose; only for trees of a handful of components.
 *
 * Credits: a component's override is in the pathway's framework; a holding's credits that state a framework
 * count as 2 CATS per ECTS credit, as they are in the same framework, and as nothing otherwise (also when the
 * pathway has no framework); credits that state none count as they are.
 */

interface Pick {
  time: number;
  creditPoints: number;
  hours: number;
  level?: Level;
}

function creditsIn(holding: Holding, pathway: CreditFramework | undefined): number {
  const amount = holding.creditPoints ?? 0;
  const stated = holding.creditFramework;
  if (stated === undefined) return amount;
  if (stated === pathway) return amount;
  if (stated === 'ECTS' && pathway === 'CATS') return amount * 2;
  if (stated === 'CATS' && pathway === 'ECTS') return amount / 2;
  return 0;
}

function components(node: RuleNode): ComponentNode[] {
  return node.type === 'component' ? [node] : node.children.flatMap(components);
}

function usable(holding: Holding, now: number, mustBeValid: boolean): boolean {
  if (holding.earnedAt.getTime() > now) return false;
  if (holding.status === 'revoked' || holding.status === 'suspended') return false;
  if (!mustBeValid) return true;
  if (holding.status === 'expired') return false;
  return holding.validUntil === undefined || holding.validUntil.getTime() > now;
}

function rank(framework: string, value: string): number {
  if (framework === 'difficulty')
    return ['introductory', 'intermediate', 'advanced', 'expert'].indexOf(value);
  return Number(value);
}

function atLevel(level: Level | undefined, constraint: LevelConstraint): boolean {
  if (level === undefined || level.framework !== constraint.framework) return false;
  const mine = rank(level.framework, level.value);
  const needed = rank(constraint.framework, constraint.atLeast);
  return mine >= 0 && needed >= 0 && !Number.isNaN(mine) && !Number.isNaN(needed) && mine >= needed;
}

interface Outcome {
  satisfied: boolean;
  credits: number;
  hours: number;
  picked: Pick[];
}

function holds(node: RuleNode, picks: Map<string, Pick>, out: Map<string, Outcome>): Outcome {
  let outcome: Outcome;
  if (node.type === 'component') {
    const pick = picks.get(node.id);
    outcome = pick
      ? { satisfied: true, credits: pick.creditPoints, hours: pick.hours, picked: [pick] }
      : { satisfied: false, credits: 0, hours: 0, picked: [] };
  } else {
    const children = node.children.map((child) => holds(child, picks, out));
    const good = children.filter((child) => child.satisfied);
    const needed = node.type === 'all' ? node.children.length : node.type === 'any' ? 1 : (node.n ?? 1);
    let credits = 0;
    let hours = 0;
    for (const child of good) {
      credits += child.credits;
      hours += child.hours;
    }
    const picked = good.flatMap((child) => child.picked);
    let levelsHold = true;
    for (const constraint of node.levelConstraints ?? []) {
      const matching = picked.filter((pick) => atLevel(pick.level, constraint));
      let levelCredits = 0;
      let levelHours = 0;
      for (const pick of matching) {
        levelCredits += pick.creditPoints;
        levelHours += pick.hours;
      }
      if (matching.length < (constraint.minComponents ?? 1)) levelsHold = false;
      if (levelCredits + 1e-9 < (constraint.minCreditPoints ?? 0)) levelsHold = false;
      if (levelHours + 1e-9 < (constraint.minHours ?? 0)) levelsHold = false;
    }
    outcome = {
      satisfied:
        node.children.length > 0 &&
        good.length >= needed &&
        credits + 1e-9 >= (node.minCreditPoints ?? 0) &&
        hours + 1e-9 >= (node.minHours ?? 0) &&
        levelsHold,
      credits,
      hours,
      picked,
    };
  }
  out.set(node.id, outcome);
  return outcome;
}

export interface ReferenceResult {
  /** Per node id: satisfied under some admissible pick. */
  satisfied: Map<string, boolean>;
  /** Per node id: the most credits counted under any admissible pick. */
  maxCredits: Map<string, number>;
}

export function referenceEvaluate(
  content: PathwayContent,
  holdings: readonly Holding[],
  now: Date,
  /** The framework to count in when the content names none. */
  creditFramework?: CreditFramework,
): ReferenceResult {
  const pathwayFramework = content.creditFramework ?? creditFramework;
  const list = components(content.root);
  const options = list.map((component) => [
    undefined,
    ...holdings.filter(
      (holding) =>
        (holding.kind === 'credential'
          ? holding.seriesId === component.seriesId
          : holding.componentId === component.id) &&
        usable(holding, now.getTime(), content.mustBeValidAtCompletion),
    ),
  ]);
  const satisfied = new Map<string, boolean>();
  const maxCredits = new Map<string, number>();
  const choice = list.map(() => 0);
  for (;;) {
    const picks = new Map<string, Pick>();
    list.forEach((component, index) => {
      const holding = options[index]?.[choice[index] ?? 0];
      if (holding)
        picks.set(component.id, {
          time: holding.earnedAt.getTime(),
          creditPoints: component.creditPoints ?? creditsIn(holding, pathwayFramework),
          hours: component.hours ?? holding.hours ?? 0,
          ...((component.level ?? holding.level) ? { level: component.level ?? holding.level } : {}),
        });
    });
    const admissible = list.every((component) => {
      const pick = picks.get(component.id);
      if (!pick) return true;
      return (component.requires ?? []).every((required) => {
        const before = picks.get(required);
        return before !== undefined && before.time < pick.time;
      });
    });
    if (admissible) {
      const out = new Map<string, Outcome>();
      holds(content.root, picks, out);
      for (const [id, outcome] of out) {
        satisfied.set(id, (satisfied.get(id) ?? false) || outcome.satisfied);
        maxCredits.set(id, Math.max(maxCredits.get(id) ?? 0, outcome.credits));
      }
    }
    // Next choice, like an odometer.
    let position = 0;
    while (position < list.length) {
      const size = options[position]?.length ?? 1;
      choice[position] = ((choice[position] ?? 0) + 1) % size;
      if (choice[position] !== 0) break;
      position += 1;
    }
    if (position === list.length) break;
  }
  return { satisfied, maxCredits };
}
