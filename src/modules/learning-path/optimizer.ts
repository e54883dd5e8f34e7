import highsModule, { type Highs } from 'highs';
import { explainSteps } from './explain.ts';
import type {
  GapSkill,
  LearningPath,
  PathCandidate,
  PathObjective,
  PathRequest,
  UncoveredReason,
} from './path.model.ts';
import { scheduleSteps } from './schedule.ts';

/** The solver's default wall-clock limit. */
export const DEFAULT_TIME_LIMIT_MS = 2000;
/** At most this many candidates per gap skill reach the solver (best value per covered weight first). */
export const PER_SKILL_CAP = 30;

/**
 * A usable candidate as the solver sees it. `value` is its share of the objective (cost, hours or 1);
 * `requires` and `closure` are indexes into the problem's items (prerequisites not already held).
 */
export interface PlanItem {
  index: number;
  candidate: PathCandidate;
  value: number;
  cost: number;
  hours: number;
  /** Indexes into the problem's gap. */
  covers: number[];
  requires: number[];
  /** Every transitive prerequisite (not held), sorted. */
  closure: number[];
}

/** The normalised problem: what the solvers, the schedule and the explanations share. */
export interface PlanProblem {
  request: PathRequest;
  objective: PathObjective;
  gap: GapSkill[];
  /** The currency costs are counted in (the budget's, else the most common among aligned candidates). */
  currency: string | null;
  maxCost: number | null;
  maxHours: number | null;
  /** Every input candidate, one per series, in stable order. */
  all: PathCandidate[];
  /** Why an input candidate cannot be on the path (filters, unknown cost/hours, currency, prerequisites). */
  excluded: Map<string, string>;
  /** What the solver sees after pruning. */
  items: PlanItem[];
  /** Per gap skill: whether any input candidate aligns to it, and whether any usable one does. */
  taught: boolean[];
  usable: boolean[];
}

export interface Selection {
  chosen: number[];
  method: 'ilp' | 'greedy';
  optimal: boolean;
  timedOut: boolean;
}

const EPSILON = 1e-6;

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function primaryLanguage(tag: string): string {
  return tag.split('-')[0]!.toLowerCase();
}

function filterProblem(candidate: PathCandidate, request: PathRequest): string | null {
  const filters = request.filters ?? {};
  if (filters.sources && filters.sources.length > 0 && !filters.sources.includes(candidate.source)) {
    return `source ${candidate.source} not selected`;
  }
  if (filters.minQuality !== undefined) {
    if (candidate.qualityScore === null) return 'no quality score';
    if (candidate.qualityScore < filters.minQuality) {
      return `quality ${candidate.qualityScore} below ${filters.minQuality}`;
    }
  }
  if (filters.deliveryModes && filters.deliveryModes.length > 0) {
    if (candidate.deliveryMode === null || !filters.deliveryModes.includes(candidate.deliveryMode)) {
      return `delivery mode ${candidate.deliveryMode ?? 'unknown'} not selected`;
    }
  }
  if (filters.languages && filters.languages.length > 0) {
    const wanted = new Set(filters.languages.map(primaryLanguage));
    if (!candidate.languages.some((language) => wanted.has(primaryLanguage(language)))) {
      return 'not offered in a selected language';
    }
  }
  return null;
}

/** The most common currency among candidates with a positive cost (ties: alphabetical). */
function dominantCurrency(candidates: PathCandidate[]): string | null {
  const counts = new Map<string, number>();
  for (const candidate of candidates) {
    if (candidate.cost !== null && candidate.cost > 0 && candidate.currency !== null) {
      const currency = candidate.currency.toUpperCase();
      counts.set(currency, (counts.get(currency) ?? 0) + 1);
    }
  }
  let best: string | null = null;
  for (const [currency, count] of [...counts].sort((a, b) => compareStrings(a[0], b[0]))) {
    if (best === null || count > counts.get(best)!) best = currency;
  }
  return best;
}

/**
 * Normalises the input (one candidate per series, stable order), applies filters, resolves prerequisites
 * (missing or cyclic ones make a candidate unusable) and prunes: candidates covering no gap skill unless a
 * prerequisite, dominated ones, and all but the best PER_SKILL_CAP per gap skill.
 */
export function prepareProblem(request: PathRequest, candidates: PathCandidate[]): PlanProblem {
  const objective = request.objective;
  const gapByUri = new Map<string, GapSkill>();
  for (const skill of request.gap) {
    const existing = gapByUri.get(skill.uri);
    if (!existing || skill.weight > existing.weight) gapByUri.set(skill.uri, skill);
  }
  const gap = [...gapByUri.values()].sort((a, b) => compareStrings(a.uri, b.uri));
  const gapIndex = new Map(gap.map((skill, index) => [skill.uri, index]));

  const bySeries = new Map<string, PathCandidate>();
  for (const candidate of [...candidates].sort(
    (a, b) => compareStrings(a.seriesId, b.seriesId) || compareStrings(a.definitionId, b.definitionId),
  )) {
    if (!bySeries.has(candidate.seriesId)) bySeries.set(candidate.seriesId, candidate);
  }
  const all = [...bySeries.values()];
  const held = new Set(request.heldSeriesIds);
  const costMatters = objective === 'cost' || request.budget?.maxCost !== undefined;
  const hoursMatter = objective === 'hours' || request.budget?.maxHours !== undefined;
  const aligned = all.filter((candidate) => candidate.skillUris.some((uri) => gapIndex.has(uri)));
  const currency = request.budget?.currency?.toUpperCase() ?? dominantCurrency(aligned);

  const excluded = new Map<string, string>();
  for (const candidate of all) {
    if (held.has(candidate.seriesId)) {
      excluded.set(candidate.definitionId, 'already held');
      continue;
    }
    const problem = filterProblem(candidate, request);
    if (problem) excluded.set(candidate.definitionId, problem);
    else if (costMatters && candidate.cost === null) excluded.set(candidate.definitionId, 'unknown cost');
    else if (
      costMatters &&
      candidate.cost !== null &&
      candidate.cost > 0 &&
      candidate.currency?.toUpperCase() !== currency
    ) {
      excluded.set(candidate.definitionId, `priced in ${candidate.currency ?? 'an unknown currency'}`);
    } else if (hoursMatter && candidate.hours === null) excluded.set(candidate.definitionId, 'unknown hours');
    else if ((candidate.cost ?? 0) < 0 || (candidate.hours ?? 0) < 0) {
      excluded.set(candidate.definitionId, 'negative cost or hours');
    }
  }

  // Prerequisites: Kahn's order over the usable candidates; whatever is never released needs a missing,
  // excluded or cyclic prerequisite and is unusable too. Iterative, so a long chain cannot overflow.
  const usableSeries = new Map<string, PathCandidate>();
  for (const candidate of all) {
    if (!excluded.has(candidate.definitionId)) usableSeries.set(candidate.seriesId, candidate);
  }
  const needs = new Map<string, string[]>();
  for (const candidate of usableSeries.values()) {
    const required = [...new Set(candidate.prerequisiteSeriesIds)]
      .filter((series) => !held.has(series))
      .sort(compareStrings);
    const missing = required.find((series) => !usableSeries.has(series));
    if (missing !== undefined) {
      const reason = bySeries.has(missing)
        ? 'a prerequisite is excluded'
        : 'a prerequisite is not in the catalogue';
      excluded.set(candidate.definitionId, reason);
    }
    needs.set(candidate.seriesId, required);
  }
  const pending = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  const ready: string[] = [];
  for (const [series, required] of needs) {
    if (excluded.has(usableSeries.get(series)!.definitionId)) continue;
    pending.set(series, required.length);
    if (required.length === 0) ready.push(series);
    for (const requirement of required) {
      const list = dependents.get(requirement) ?? [];
      list.push(series);
      dependents.set(requirement, list);
    }
  }
  const closures = new Map<string, Set<string>>();
  while (ready.length > 0) {
    const series = ready.pop()!;
    const closure = new Set<string>();
    for (const requirement of needs.get(series)!) {
      closure.add(requirement);
      for (const transitive of closures.get(requirement)!) closure.add(transitive);
    }
    closures.set(series, closure);
    for (const dependent of dependents.get(series) ?? []) {
      const left = pending.get(dependent);
      if (left === undefined) continue;
      pending.set(dependent, left - 1);
      if (left - 1 === 0) ready.push(dependent);
    }
  }
  for (const series of pending.keys()) {
    if (!closures.has(series)) {
      excluded.set(usableSeries.get(series)!.definitionId, 'its prerequisites form a cycle or are unusable');
    }
  }

  const objectiveValue = (candidate: PathCandidate): number =>
    objective === 'cost' ? (candidate.cost ?? 0) : objective === 'hours' ? (candidate.hours ?? 0) : 1;
  const coverCache = new Map<string, number[]>();
  const coversOf = (candidate: PathCandidate): number[] => {
    let covers = coverCache.get(candidate.seriesId);
    if (covers === undefined) {
      covers = [...new Set(candidate.skillUris.flatMap((uri) => gapIndex.get(uri) ?? []))].sort(
        (a, b) => a - b,
      );
      coverCache.set(candidate.seriesId, covers);
    }
    return covers;
  };

  const taught = gap.map(() => false);
  const usableGap = gap.map(() => false);
  for (const candidate of all) {
    for (const index of coversOf(candidate)) {
      taught[index] = true;
      if (!excluded.has(candidate.definitionId)) usableGap[index] = true;
    }
  }

  // Pruning among the usable candidates that cover a gap skill.
  const covering = all.filter(
    (candidate) => !excluded.has(candidate.definitionId) && coversOf(candidate).length > 0,
  );
  const neededAsPrerequisite = new Set<string>();
  for (const candidate of covering) {
    for (const series of closures.get(candidate.seriesId)!) neededAsPrerequisite.add(series);
  }
  const closureValue = (candidate: PathCandidate, pick: (c: PathCandidate) => number): number => {
    let total = pick(candidate);
    for (const series of closures.get(candidate.seriesId)!) total += pick(usableSeries.get(series)!);
    return total;
  };
  // Dominance: A goes when some B covers a superset of A's gap skills, is no worse on the objective and on
  // every budgeted dimension, and needs a subset of A's prerequisites (exact ties: the earlier one stays).
  // Gap-skill sets as 32-bit words, so the pairwise subset test is a few integer operations.
  const words = Math.ceil(gap.length / 32);
  const masks = new Uint32Array(covering.length * words);
  covering.forEach((candidate, row) => {
    for (const index of coversOf(candidate)) masks[row * words + (index >>> 5)]! |= 1 << (index & 31);
  });
  const isSubset = (a: number, b: number): boolean => {
    for (let w = 0; w < words; w++) {
      if ((masks[a * words + w]! & ~masks[b * words + w]!) !== 0) return false;
    }
    return true;
  };
  const sizes = covering.map((candidate) => coversOf(candidate).length);
  const dims = covering.map((candidate) => [
    objectiveValue(candidate),
    costMatters ? (candidate.cost ?? 0) : 0,
    hoursMatter ? (candidate.hours ?? 0) : 0,
  ]);
  const dominated = new Set<number>();
  for (let a = 0; a < covering.length; a++) {
    const candidateA = covering[a]!;
    if (neededAsPrerequisite.has(candidateA.seriesId)) continue;
    const dimsA = dims[a]!;
    const closureA = closures.get(candidateA.seriesId)!;
    for (let b = 0; b < covering.length; b++) {
      if (a === b || sizes[a]! > sizes[b]! || !isSubset(a, b)) continue;
      const dimsB = dims[b]!;
      if (dimsA[0]! < dimsB[0]! || dimsA[1]! < dimsB[1]! || dimsA[2]! < dimsB[2]!) continue;
      const closureB = closures.get(covering[b]!.seriesId)!;
      if (closureB.size > closureA.size) continue;
      let subset = true;
      for (const series of closureB) {
        if (!closureA.has(series)) {
          subset = false;
          break;
        }
      }
      if (!subset) continue;
      const strictly =
        sizes[a]! < sizes[b]! ||
        dimsA[0]! > dimsB[0]! ||
        dimsA[1]! > dimsB[1]! ||
        dimsA[2]! > dimsB[2]! ||
        closureB.size < closureA.size;
      if (strictly || b < a) {
        dominated.add(a);
        break;
      }
    }
  }

  // Per gap skill, the best few by value (prerequisites included) per weight covered.
  const kept = new Set<string>();
  const survivors = covering.filter((_, index) => !dominated.has(index));
  const efficiency = new Map(
    survivors.map((candidate) => {
      const weight = coversOf(candidate).reduce((sum, index) => sum + Math.max(gap[index]!.weight, 0), 0);
      return [candidate.seriesId, closureValue(candidate, objectiveValue) / Math.max(weight, EPSILON)];
    }),
  );
  const ranked = [...survivors].sort(
    (a, b) =>
      efficiency.get(a.seriesId)! - efficiency.get(b.seriesId)! ||
      (b.qualityScore ?? -1) - (a.qualityScore ?? -1) ||
      compareStrings(a.seriesId, b.seriesId),
  );
  const perSkill = gap.map(() => 0);
  for (const candidate of ranked) {
    const covers = coversOf(candidate);
    if (!covers.some((skill) => perSkill[skill]! < PER_SKILL_CAP)) continue;
    for (const skill of covers) perSkill[skill]!++;
    kept.add(candidate.seriesId);
    for (const series of closures.get(candidate.seriesId)!) kept.add(series);
  }

  const keptCandidates = all.filter((candidate) => kept.has(candidate.seriesId));
  const indexBySeries = new Map(keptCandidates.map((candidate, index) => [candidate.seriesId, index]));
  const items: PlanItem[] = keptCandidates.map((candidate, index) => ({
    index,
    candidate,
    value: objectiveValue(candidate),
    cost: candidate.cost ?? 0,
    hours: candidate.hours ?? 0,
    covers: coversOf(candidate),
    requires: needs
      .get(candidate.seriesId)!
      .map((series) => indexBySeries.get(series)!)
      .sort((a, b) => a - b),
    closure: [...closures.get(candidate.seriesId)!]
      .map((series) => indexBySeries.get(series)!)
      .sort((a, b) => a - b),
  }));

  return {
    request,
    objective,
    gap,
    currency,
    maxCost: request.budget?.maxCost ?? null,
    maxHours: request.budget?.maxHours ?? null,
    all,
    excluded,
    items,
    taught,
    usable: usableGap,
  };
}

function weightCovered(problem: PlanProblem, chosen: Iterable<number>): number {
  const covered = new Set<number>();
  for (const index of chosen) for (const skill of problem.items[index]!.covers) covered.add(skill);
  let total = 0;
  for (const skill of covered) total += problem.gap[skill]!.weight;
  return total;
}

/** Drops chosen items nothing needs (no other chosen item requires them, their gap skills stay covered). */
function withoutRedundant(problem: PlanProblem, chosen: number[]): number[] {
  const set = new Set(chosen);
  let changed = true;
  while (changed) {
    changed = false;
    const order = [...set].sort((a, b) => problem.items[b]!.value - problem.items[a]!.value || b - a);
    for (const index of order) {
      const item = problem.items[index]!;
      if ([...set].some((other) => other !== index && problem.items[other]!.requires.includes(index)))
        continue;
      const stillCovered = item.covers.every((skill) =>
        [...set].some((other) => other !== index && problem.items[other]!.covers.includes(skill)),
      );
      if (!stillCovered) continue;
      set.delete(index);
      changed = true;
      break;
    }
  }
  return [...set].sort((a, b) => a - b);
}

/**
 * Weighted set cover, greedily: repeatedly add the candidate (with its missing prerequisites) that covers the
 * most uncovered gap weight per unit of objective, as long as it fits the budget. Always valid: closed under
 * prerequisites and within budget.
 */
export function solveGreedy(problem: PlanProblem): number[] {
  const chosen = new Set<number>();
  const covered = new Set<number>();
  let spentCost = 0;
  let spentHours = 0;
  for (;;) {
    let best: { add: number[]; gain: number; value: number; index: number } | null = null;
    for (const item of problem.items) {
      if (chosen.has(item.index)) continue;
      const add = [item.index, ...item.closure.filter((index) => !chosen.has(index))];
      let gain = 0;
      const newly = new Set<number>();
      for (const index of add) {
        for (const skill of problem.items[index]!.covers) {
          if (!covered.has(skill) && !newly.has(skill)) {
            newly.add(skill);
            gain += problem.gap[skill]!.weight;
          }
        }
      }
      if (gain <= 0) continue;
      const cost = add.reduce((sum, index) => sum + problem.items[index]!.cost, 0);
      const hours = add.reduce((sum, index) => sum + problem.items[index]!.hours, 0);
      if (problem.maxCost !== null && spentCost + cost > problem.maxCost + EPSILON) continue;
      if (problem.maxHours !== null && spentHours + hours > problem.maxHours + EPSILON) continue;
      const value = add.reduce((sum, index) => sum + problem.items[index]!.value, 0);
      if (best === null) {
        best = { add, gain, value, index: item.index };
        continue;
      }
      // gain/value compared by cross-multiplication, so zero-value candidates rank first without dividing.
      const lhs = gain * best.value;
      const rhs = best.gain * value;
      if (
        lhs > rhs + EPSILON ||
        (Math.abs(lhs - rhs) <= EPSILON && (gain > best.gain || (gain === best.gain && value < best.value)))
      ) {
        best = { add, gain, value, index: item.index };
      }
    }
    if (best === null) break;
    for (const index of best.add) {
      chosen.add(index);
      spentCost += problem.items[index]!.cost;
      spentHours += problem.items[index]!.hours;
      for (const skill of problem.items[index]!.covers) covered.add(skill);
    }
  }
  return withoutRedundant(problem, [...chosen]);
}

type HighsLoader = () => Promise<Highs>;
// A CommonJS module: depending on the loader, the default import is the function or a namespace holding it.
const highsLoader: HighsLoader =
  typeof highsModule === 'function'
    ? (highsModule as HighsLoader)
    : (highsModule as unknown as { default: HighsLoader }).default;

let highsInstance: Promise<Highs> | null = null;
async function loadHighs(): Promise<Highs> {
  highsInstance ??= highsLoader();
  try {
    return await highsInstance;
  } catch (error) {
    highsInstance = null;
    throw error;
  }
}

function coefficient(value: number): string {
  return Number(value.toFixed(6)).toString();
}

function linear(terms: Array<[number, string]>): string {
  const parts = terms
    .filter(([value]) => value !== 0)
    .map(([value, name]) => `${value < 0 ? '-' : '+'} ${coefficient(Math.abs(value))} ${name}`);
  return parts.length === 0 ? `0 ${terms[0]?.[1] ?? 'x0'}` : parts.join(' ');
}

type IlpOutcome =
  | { status: 'optimal'; chosen: number[]; objective: number }
  | { status: 'infeasible' }
  | { status: 'timeout' }
  | { status: 'failed' };

/** Builds and solves one model. `mode`: full cover / maximise covered weight / minimise at a covered weight. */
function solveModel(
  highs: Highs,
  problem: PlanProblem,
  coverable: number[],
  mode: { kind: 'cover-all' } | { kind: 'max-weight' } | { kind: 'min-at-weight'; weight: number },
  seconds: number,
): IlpOutcome {
  const items = problem.items;
  const lines: string[] = [];
  const x = (index: number) => `x${index}`;
  const y = (skill: number) => `y${skill}`;
  if (mode.kind === 'max-weight') {
    lines.push(
      'Maximize',
      ` obj: ${linear(coverable.map((skill) => [problem.gap[skill]!.weight, y(skill)]))}`,
    );
  } else {
    lines.push('Minimize', ` obj: ${linear(items.map((item) => [item.value, x(item.index)]))}`);
  }
  lines.push('Subject To');
  const coverers = new Map<number, number[]>();
  for (const item of items) {
    for (const skill of item.covers) coverers.set(skill, [...(coverers.get(skill) ?? []), item.index]);
  }
  for (const skill of coverable) {
    const terms = coverers.get(skill)!.map((index): [number, string] => [1, x(index)]);
    if (mode.kind === 'cover-all') lines.push(` c${skill}: ${linear(terms)} >= 1`);
    else lines.push(` c${skill}: ${linear([...terms, [-1, y(skill)]])} >= 0`);
  }
  for (const item of items) {
    for (const requirement of item.requires) {
      lines.push(
        ` p${item.index}_${requirement}: ${linear([
          [1, x(item.index)],
          [-1, x(requirement)],
        ])} <= 0`,
      );
    }
  }
  if (problem.maxCost !== null && items.some((item) => item.cost > 0)) {
    lines.push(
      ` budget_cost: ${linear(items.map((item) => [item.cost, x(item.index)]))} <= ${coefficient(problem.maxCost)}`,
    );
  }
  if (problem.maxHours !== null && items.some((item) => item.hours > 0)) {
    lines.push(
      ` budget_hours: ${linear(items.map((item) => [item.hours, x(item.index)]))} <= ${coefficient(problem.maxHours)}`,
    );
  }
  if (mode.kind === 'min-at-weight') {
    const terms = coverable.map((skill): [number, string] => [problem.gap[skill]!.weight, y(skill)]);
    lines.push(` weight: ${linear(terms)} >= ${coefficient(mode.weight - EPSILON)}`);
  }
  lines.push('Binary', ...items.map((item) => ` ${x(item.index)}`));
  if (mode.kind !== 'cover-all') lines.push(...coverable.map((skill) => ` ${y(skill)}`));
  lines.push('End');
  let solution: ReturnType<Highs['solve']>;
  try {
    solution = highs.solve(lines.join('\n'), {
      time_limit: Math.max(seconds, 0.001),
      mip_rel_gap: 0,
      mip_abs_gap: 1e-7,
      output_flag: false,
      log_to_console: false,
    });
  } catch {
    highsInstance = null;
    return { status: 'failed' };
  }
  if (solution.Status === 'Infeasible') return { status: 'infeasible' };
  if (solution.Status === 'Time limit reached') return { status: 'timeout' };
  if (solution.Status !== 'Optimal') return { status: 'failed' };
  const chosen = items
    .filter((item) => (solution.Columns[x(item.index)]?.Primal ?? 0) > 0.5)
    .map((item) => item.index);
  return { status: 'optimal', chosen, objective: solution.ObjectiveValue };
}

/**
 * Exact selection by integer programming: cover every coverable gap skill at the least objective; when the
 * budget makes that infeasible, first the most gap weight the budget allows, then the least objective at
 * that weight. Falls back to greedy when the time limit is reached or the solver fails.
 */
export async function selectCandidates(problem: PlanProblem, timeLimitMs: number): Promise<Selection> {
  const deadline = performance.now() + timeLimitMs;
  const secondsLeft = () => (deadline - performance.now()) / 1000;
  const greedy = (timedOut: boolean): Selection => ({
    chosen: solveGreedy(problem),
    method: 'greedy',
    optimal: false,
    timedOut,
  });
  const coverable = [...new Set(problem.items.flatMap((item) => item.covers))].sort((a, b) => a - b);
  if (coverable.length === 0) return { chosen: [], method: 'ilp', optimal: true, timedOut: false };
  let highs: Highs;
  try {
    highs = await loadHighs();
  } catch {
    return greedy(false);
  }
  const run = (mode: Parameters<typeof solveModel>[3]): IlpOutcome =>
    secondsLeft() <= 0 ? { status: 'timeout' } : solveModel(highs, problem, coverable, mode, secondsLeft());
  const full = run({ kind: 'cover-all' });
  if (full.status === 'optimal') {
    return { chosen: withoutRedundant(problem, full.chosen), method: 'ilp', optimal: true, timedOut: false };
  }
  if (full.status !== 'infeasible') return greedy(full.status === 'timeout');
  const best = run({ kind: 'max-weight' });
  if (best.status !== 'optimal') return greedy(best.status === 'timeout');
  const weight = weightCovered(problem, best.chosen);
  if (weight <= EPSILON) return { chosen: [], method: 'ilp', optimal: true, timedOut: false };
  const cheapest = run({ kind: 'min-at-weight', weight });
  if (cheapest.status !== 'optimal') return greedy(cheapest.status === 'timeout');
  return {
    chosen: withoutRedundant(problem, cheapest.chosen),
    method: 'ilp',
    optimal: true,
    timedOut: false,
  };
}

/** The whole plan: prepare, select, schedule, explain. Deterministic for the same input. */
export async function planLearningPath(input: {
  request: PathRequest;
  candidates: PathCandidate[];
}): Promise<LearningPath> {
  const started = performance.now();
  const problem = prepareProblem(input.request, input.candidates);
  const objective = problem.objective;
  if (problem.gap.length === 0) {
    return {
      status: 'nothing-to-do',
      objective,
      steps: [],
      covered: [],
      uncovered: [],
      totals: { cost: 0, currency: problem.currency, hours: 0, count: 0 },
      solver: { method: 'ilp', optimal: true, timedOut: false, candidatesConsidered: 0, timeMs: 0 },
    };
  }
  const selection = await selectCandidates(problem, input.request.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS);
  const chosenItems = selection.chosen.map((index) => problem.items[index]!);
  const coveredSkills = new Set(chosenItems.flatMap((item) => item.covers));
  const steps = explainSteps(problem, scheduleSteps(problem, selection.chosen));
  const uncovered = problem.gap
    .map((skill, index) => ({ skill, index }))
    .filter(({ index }) => !coveredSkills.has(index))
    .map(({ skill, index }) => {
      const reason: UncoveredReason = !problem.taught[index]
        ? 'no-credential'
        : !problem.usable[index]
          ? 'filtered-out'
          : 'over-budget';
      return { uri: skill.uri, label: skill.label, reason };
    });
  const currency = problem.currency;
  const cost = chosenItems.reduce(
    (sum, item) =>
      item.candidate.cost !== null &&
      (item.candidate.cost === 0 || item.candidate.currency?.toUpperCase() === currency)
        ? sum + item.candidate.cost
        : sum,
    0,
  );
  return {
    status: uncovered.length === 0 ? 'complete' : 'partial',
    objective,
    steps,
    covered: problem.gap.filter((_, index) => coveredSkills.has(index)).map((skill) => skill.uri),
    uncovered,
    totals: {
      cost: Math.round(cost * 100) / 100,
      currency,
      hours: Math.round(chosenItems.reduce((sum, item) => sum + item.hours, 0) * 100) / 100,
      count: chosenItems.length,
    },
    solver: {
      method: selection.method,
      optimal: selection.optimal,
      timedOut: selection.timedOut,
      candidatesConsidered: problem.items.length,
      timeMs: Math.round((performance.now() - started) * 10) / 10,
    },
  };
}
