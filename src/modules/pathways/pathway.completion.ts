import {
  type CountedComponent,
  countedCredits,
  evaluatePathway,
  evaluateTree,
  type PathwayEvaluation,
  resolveComponents,
  roundAmount,
} from './pathway.evaluator.ts';
import {
  type ComponentNode,
  type CreditFramework,
  componentsOf,
  type Holding,
  type Level,
  type PathwayContent,
} from './pathway.model.ts';

/**
 * The cheapest and the shortest ways to finish a pathway: the sets of not-yet-counted components whose
 * earning (from now on, in an order that honours `requires`) satisfies the rule tree at the least total
 * cost, and at the least total hours.
 *
 * Exact by exhaustive branch and bound rather than an ILP: the tree semantics (credits counted only through
 * satisfied children, level constraints, ordering closure) would need many big-M auxiliary variables,
 * while the search reuses the evaluator itself, so the plan is satisfied by the very code that judges
 * progress. Two facts keep it small: satisfaction is monotone in the set of counted components (every rule
 * is an "at least"), so a branch is cut as soon as adding every remaining candidate cannot satisfy the
 * tree; and costs are non-negative, so a branch is cut once it costs no less than the best plan found.
 * Real pathways have tens of components; `maxSteps` bounds the search and the result says whether it
 * finished (`exact`).
 */

export interface ComponentOffer {
  /** What earning the component costs the learner (any currency, the same for all offers). */
  cost: number;
  /** Learning hours it takes (what "shortest" minimises); also what it counts towards hour minimums unless the pathway overrides it. */
  hours: number;
  creditPoints?: number;
  /** The framework `creditPoints` is in (the definition's); absent: the pathway's. Converted like a holding's. */
  creditFramework?: CreditFramework;
  level?: Level;
}

export interface CompletionPlan {
  /** Component ids to earn, in an order that honours `requires`. */
  components: string[];
  cost: number;
  hours: number;
}

export interface CompletionOptions {
  content: PathwayContent;
  holdings: readonly Holding[];
  now: Date;
  /** Per component id: what earning it would take. Components without an offer cannot be planned. */
  offers: ReadonlyMap<string, ComponentOffer>;
  /** Evaluations of the tree the search may spend per objective. */
  maxSteps?: number;
  /** The framework to count credits in when the content names none (as for evaluatePathway). */
  creditFramework?: CreditFramework;
}

export interface CompletionResult {
  evaluation: PathwayEvaluation;
  /** Undefined when the pathway is already complete, or no set of offered components completes it. */
  cheapest?: CompletionPlan;
  shortest?: CompletionPlan;
  /** False when the pathway is unfinished and even every offered component would not complete it. */
  completable: boolean;
  /** False when the search hit `maxSteps`: the plans are then the best found, not proven optimal. */
  exact: boolean;
}

const DEFAULT_MAX_STEPS = 20_000;

export function planCompletion(options: CompletionOptions): CompletionResult {
  const { content, holdings, now, offers } = options;
  const framework = content.creditFramework ?? options.creditFramework;
  const evaluation = evaluatePathway({
    content,
    holdings,
    now,
    ...(framework ? { creditFramework: framework } : {}),
  });
  if (evaluation.satisfied) return { evaluation, completable: true, exact: true };

  const { counted } = resolveComponents(content, holdings, now, framework);
  const components = componentsOf(content.root);
  // A held component blocked by ordering is a candidate too: it must be earned again after its prerequisites.
  const candidates = components
    .filter((component) => !counted.has(component.id) && offers.has(component.id))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const topological = topologicalOrder(components);
  const future = new Date(Number.MAX_SAFE_INTEGER);

  const countsWith = (planned: ReadonlySet<string>): Map<string, CountedComponent> => {
    const result = new Map(counted);
    for (const component of topological) {
      if (!planned.has(component.id) || result.has(component.id)) continue;
      if (!(component.requires ?? []).every((required) => result.has(required))) continue;
      const offer = offers.get(component.id) as ComponentOffer;
      const level = component.level ?? offer.level;
      result.set(component.id, {
        completedAt: future,
        creditPoints: countedCredits(component, offer, framework),
        hours: component.hours ?? offer.hours,
        ...(level ? { level } : {}),
      });
    }
    return result;
  };
  const completes = (planned: ReadonlySet<string>) =>
    evaluateTree(content.root, countsWith(planned)).satisfied;

  if (!completes(new Set(candidates.map((component) => component.id))))
    return { evaluation, completable: false, exact: true };

  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  const cheapest = search(candidates, (id) => offers.get(id) as ComponentOffer, 'cost', completes, maxSteps);
  const shortest = search(candidates, (id) => offers.get(id) as ComponentOffer, 'hours', completes, maxSteps);
  const order = (ids: string[]) =>
    topological.map((component) => component.id).filter((id) => ids.includes(id));
  const plan = (found: Found): CompletionPlan | undefined =>
    found.best
      ? {
          components: order(found.best.ids),
          cost: roundAmount(found.best.ids.reduce((sum, id) => sum + (offers.get(id)?.cost ?? 0), 0)),
          hours: roundAmount(found.best.ids.reduce((sum, id) => sum + (offers.get(id)?.hours ?? 0), 0)),
        }
      : undefined;
  const cheapestPlan = plan(cheapest);
  const shortestPlan = plan(shortest);
  return {
    evaluation,
    ...(cheapestPlan ? { cheapest: cheapestPlan } : {}),
    ...(shortestPlan ? { shortest: shortestPlan } : {}),
    completable: true,
    exact: cheapest.exact && shortest.exact,
  };
}

/** Components with prerequisites after them (the graph is acyclic once validated; a cycle is cut anywhere). */
function topologicalOrder(components: ComponentNode[]): ComponentNode[] {
  const byId = new Map(components.map((component) => [component.id, component]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const order: ComponentNode[] = [];
  const visit = (component: ComponentNode) => {
    if (done.has(component.id) || visiting.has(component.id)) return;
    visiting.add(component.id);
    for (const required of component.requires ?? []) {
      const prerequisite = byId.get(required);
      if (prerequisite) visit(prerequisite);
    }
    visiting.delete(component.id);
    done.add(component.id);
    order.push(component);
  };
  for (const component of components) visit(component);
  return order;
}

interface Found {
  best?: { ids: string[]; key: number[] };
  exact: boolean;
}

function less(a: number[], b: number[]): boolean {
  for (let index = 0; index < a.length; index += 1) {
    const x = a[index] ?? 0;
    const y = b[index] ?? 0;
    if (x < y - 1e-9) return true;
    if (x > y + 1e-9) return false;
  }
  return false;
}

/**
 * Lexicographic minimum of (objective, the other measure, number of components) over the sets that
 * complete the pathway. Candidates are tried cheapest first so a good bound comes early.
 */
function search(
  candidates: ComponentNode[],
  offerOf: (id: string) => ComponentOffer,
  objective: 'cost' | 'hours',
  completes: (planned: ReadonlySet<string>) => boolean,
  maxSteps: number,
): Found {
  const other = objective === 'cost' ? 'hours' : 'cost';
  const sorted = [...candidates].sort(
    (a, b) =>
      offerOf(a.id)[objective] - offerOf(b.id)[objective] ||
      offerOf(a.id)[other] - offerOf(b.id)[other] ||
      (a.id < b.id ? -1 : 1),
  );
  const found: Found = { exact: true };
  let steps = 0;
  const chosen = new Set<string>();
  const visit = (index: number, key: number[]): void => {
    if (found.best && !less(key, found.best.key)) return;
    if (steps >= maxSteps) {
      found.exact = false;
      return;
    }
    steps += 1;
    if (completes(chosen)) {
      found.best = { ids: [...chosen], key };
      return;
    }
    if (index >= sorted.length) return;
    const rest = new Set(chosen);
    for (const component of sorted.slice(index)) rest.add(component.id);
    steps += 1;
    if (!completes(rest)) return;
    const component = sorted[index] as ComponentNode;
    const offer = offerOf(component.id);
    chosen.add(component.id);
    visit(index + 1, [
      (key[0] as number) + offer[objective],
      (key[1] as number) + offer[other],
      (key[2] as number) + 1,
    ]);
    chosen.delete(component.id);
    visit(index + 1, key);
  };
  visit(0, [0, 0, 0]);
  return found;
}
