import { Value } from '@sinclair/typebox/value';
import {
  componentCreditFrameworks,
  componentsCountedByCreditMinimums,
  convertCredits,
  convertible,
  effectiveCreditFramework,
  hasCreditMinimums,
  statedFramework,
} from './pathway.credits.ts';
import {
  type ComponentNode,
  type CreditFramework,
  componentsOf,
  type GroupNode,
  type HoldingFacts,
  isGroup,
  type Level,
  type LevelConstraint,
  levelRank,
  meetsLevel,
  type PathwayContent,
  PathwayContentSchema,
  type RuleNode,
  walk,
} from './pathway.model.ts';

/**
 * Structural checks of a pathway version, all problems at once, each with a JSON pointer into the content.
 * What needs the catalogue (retired or unknown definitions) is left to the service: it reads
 * {@link referencedSeriesIds} and passes what it knows of each series as `definitionFacts`, which also lets
 * the credit checks use the definitions' own credit points, credit frameworks and hours.
 */

export type PathwayProblemCode =
  | 'schema'
  | 'duplicate_node_id'
  | 'duplicate_component'
  | 'empty_group'
  | 'invalid_n'
  | 'unknown_requirement'
  | 'cyclic_requirement'
  | 'unrankable_level'
  | 'unreachable_minimum'
  | 'incompatible_credit_framework'
  | 'mixed_credit_frameworks';

export interface PathwayProblem {
  code: PathwayProblemCode;
  pointer: string;
  message: string;
}

export interface ValidateOptions {
  /** What the catalogue says of a series; minimums whose subtree has a component with unknown facts are not checked. */
  definitionFacts?: (seriesId: string) => HoldingFacts | undefined;
}

/** Every definition series the pathway refers to (the target first, when it is one of ours), without repeats. */
export function referencedSeriesIds(content: PathwayContent): string[] {
  const ids = [
    ...(content.target.kind === 'definition' ? [content.target.seriesId] : []),
    ...componentsOf(content.root).map((component) => component.seriesId),
  ];
  return [...new Set(ids)];
}

function schemaProblems(input: unknown): PathwayProblem[] {
  return [...Value.Errors(PathwayContentSchema, input)].map((error) => ({
    code: 'schema' as const,
    pointer: error.path === '' ? '/' : error.path,
    message: error.message,
  }));
}

/** Validates untrusted input: the schema first, then (only when it holds) the structure. */
export function validatePathway(input: unknown, options: ValidateOptions = {}): PathwayProblem[] {
  const problems = schemaProblems(input);
  if (problems.length > 0) return dedupe(problems);
  return structuralProblems(input as PathwayContent, options);
}

function dedupe(problems: PathwayProblem[]): PathwayProblem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.pointer} ${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function structuralProblems(content: PathwayContent, options: ValidateOptions = {}): PathwayProblem[] {
  const problems: PathwayProblem[] = [];
  const nodes = [...walk(content.root)];
  const componentPointers = new Map<string, string>();
  const nodeIds = new Map<string, string>();
  const seriesSeen = new Map<string, string>();

  for (const { node, pointer } of nodes) {
    const earlier = nodeIds.get(node.id);
    if (earlier !== undefined) {
      problems.push({
        code: 'duplicate_node_id',
        pointer: `${pointer}/id`,
        message: `Node id "${node.id}" is already used at ${earlier}; node ids must be unique.`,
      });
    } else nodeIds.set(node.id, pointer);

    if (!isGroup(node)) {
      if (!componentPointers.has(node.id)) componentPointers.set(node.id, pointer);
      const first = seriesSeen.get(node.seriesId);
      if (first !== undefined) {
        problems.push({
          code: 'duplicate_component',
          pointer: `${pointer}/seriesId`,
          message: `Definition series ${node.seriesId} is already a component at ${first}; a credential can count only once.`,
        });
      } else seriesSeen.set(node.seriesId, pointer);
      if (node.level && levelRank(node.level.framework, node.level.value) === undefined) {
        problems.push({
          code: 'unrankable_level',
          pointer: `${pointer}/level/value`,
          message: `"${node.level.value}" is not a level of the ${node.level.framework} framework.`,
        });
      }
      continue;
    }
    problems.push(...groupProblems(node, pointer));
  }

  problems.push(...requirementProblems(content.root, componentPointers));
  const framework = effectiveCreditFramework(content, options.definitionFacts);
  problems.push(...creditFrameworkProblems(content, framework, options));
  problems.push(...minimumProblems(content.root, framework, options));
  return problems;
}

/**
 * Credit minimums must be able to count every component they count: with `creditFramework` set, a component
 * whose definition states credits in a framework that does not convert to it is refused; without it, the
 * components' definitions must agree on one framework (it is then inferred). No minimum, no check.
 */
function creditFrameworkProblems(
  content: PathwayContent,
  framework: CreditFramework | undefined,
  options: ValidateOptions,
): PathwayProblem[] {
  if (!hasCreditMinimums(content.root)) return [];
  if (!content.creditFramework) {
    const frameworks = componentCreditFrameworks(content, options.definitionFacts);
    if (frameworks.length < 2) return [];
    return [
      {
        code: 'mixed_credit_frameworks',
        pointer: '/creditFramework',
        message: `The components' definitions state credits in ${frameworks.join(', ')}; set creditFramework to the framework the credit minimums are in (only ECTS and CATS convert: 1 ECTS credit = 2 CATS credits).`,
      },
    ];
  }
  const problems: PathwayProblem[] = [];
  for (const { component, pointer } of componentsCountedByCreditMinimums(
    content.root,
    options.definitionFacts,
  )) {
    const stated = statedFramework(component, options.definitionFacts);
    if (stated === undefined || convertible(stated, framework)) continue;
    problems.push({
      code: 'incompatible_credit_framework',
      pointer,
      message: `Component "${component.id}" states its credits in ${stated}, which has no official conversion to the pathway's ${content.creditFramework}; a credit minimum counts it. Override its creditPoints in ${content.creditFramework}, or take it out of the credit minimums.`,
    });
  }
  return problems;
}

function groupProblems(group: GroupNode, pointer: string): PathwayProblem[] {
  const problems: PathwayProblem[] = [];
  const count = group.children.length;
  if (count === 0) {
    problems.push({
      code: 'empty_group',
      pointer: `${pointer}/children`,
      message: `Group "${group.id}" has no children; a group needs at least one.`,
    });
  }
  if (group.type === 'n-of') {
    if (group.n === undefined)
      problems.push({ code: 'invalid_n', pointer, message: `N-of-M group "${group.id}" needs n.` });
    else if (group.n < 1)
      problems.push({
        code: 'invalid_n',
        pointer: `${pointer}/n`,
        message: `N-of-M group "${group.id}" has n = ${group.n}; n must be at least 1.`,
      });
    else if (group.n > count && count > 0)
      problems.push({
        code: 'invalid_n',
        pointer: `${pointer}/n`,
        message: `N-of-M group "${group.id}" asks for ${group.n} of ${count} children; n cannot exceed the number of children.`,
      });
  } else if (group.n !== undefined) {
    problems.push({
      code: 'invalid_n',
      pointer: `${pointer}/n`,
      message: `Group "${group.id}" is "${group.type}"; only "n-of" groups take n.`,
    });
  }
  for (const [index, constraint] of (group.levelConstraints ?? []).entries()) {
    if (levelRank(constraint.framework, constraint.atLeast) === undefined)
      problems.push({
        code: 'unrankable_level',
        pointer: `${pointer}/levelConstraints/${index}/atLeast`,
        message: `"${constraint.atLeast}" is not a level of the ${constraint.framework} framework.`,
      });
  }
  return problems;
}

function requirementProblems(root: RuleNode, pointers: Map<string, string>): PathwayProblem[] {
  const problems: PathwayProblem[] = [];
  const components = new Map(componentsOf(root).map((component) => [component.id, component]));
  for (const component of components.values()) {
    const pointer = pointers.get(component.id) ?? '';
    for (const [index, required] of (component.requires ?? []).entries()) {
      if (!components.has(required))
        problems.push({
          code: 'unknown_requirement',
          pointer: `${pointer}/requires/${index}`,
          message: `Component "${component.id}" requires "${required}", which is not a component of this pathway.`,
        });
    }
  }
  // Each cycle is reported once, at the requires entry of the component where the search closed it.
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): void => {
    state.set(id, 'visiting');
    stack.push(id);
    const component = components.get(id) as ComponentNode;
    for (const [index, required] of (component.requires ?? []).entries()) {
      if (!components.has(required)) continue;
      if (state.get(required) === 'visiting') {
        const cycle = [...stack.slice(stack.indexOf(required)), required];
        problems.push({
          code: 'cyclic_requirement',
          pointer: `${pointers.get(id) ?? ''}/requires/${index}`,
          message: `Prerequisites form a cycle: ${cycle.join(' → ')}; no learner could ever complete them.`,
        });
      } else if (!state.has(required)) visit(required);
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const id of [...components.keys()].sort()) if (!state.has(id)) visit(id);
  return problems;
}

interface Potential {
  creditPoints?: number;
  hours?: number;
}

function minimumProblems(
  root: RuleNode,
  framework: CreditFramework | undefined,
  options: ValidateOptions,
): PathwayProblem[] {
  const problems: PathwayProblem[] = [];
  const factsOf = (component: ComponentNode) => {
    const facts = options.definitionFacts?.(component.seriesId);
    // In the pathway's framework; credits that cannot be converted are unknown (reported above, or mixed).
    const credits =
      facts?.creditPoints === undefined
        ? undefined
        : convertCredits(facts.creditPoints, facts.creditFramework, framework);
    return {
      creditPoints: component.creditPoints ?? credits,
      hours: component.hours ?? facts?.hours,
      level: component.level ?? facts?.level,
      levelKnown: component.level !== undefined || facts !== undefined,
    };
  };
  // The most a group can count is everything beneath it: earning every component satisfies every child.
  const potential = (
    components: ComponentNode[],
    pick: (c: ReturnType<typeof factsOf>) => number | undefined,
  ) => {
    let total = 0;
    for (const component of components) {
      const value = pick(factsOf(component));
      if (value === undefined) return undefined;
      total += value;
    }
    return total;
  };
  const check = (pointer: string, what: string, minimum: number | undefined, most: number | undefined) => {
    if (minimum === undefined || most === undefined || most + 1e-9 >= minimum) return;
    problems.push({
      code: 'unreachable_minimum',
      pointer,
      message: `${what} asks for ${minimum} but all its components together give at most ${most}.`,
    });
  };
  for (const { node, pointer } of walk(root)) {
    if (!isGroup(node)) continue;
    const components = componentsOf(node);
    const most: Potential = {
      creditPoints: potential(components, (facts) => facts.creditPoints),
      hours: potential(components, (facts) => facts.hours),
    };
    check(
      `${pointer}/minCreditPoints`,
      `Group "${node.id}" credit minimum`,
      node.minCreditPoints,
      most.creditPoints,
    );
    check(`${pointer}/minHours`, `Group "${node.id}" hours minimum`, node.minHours, most.hours);
    for (const [index, constraint] of (node.levelConstraints ?? []).entries()) {
      problems.push(
        ...levelProblems(`${pointer}/levelConstraints/${index}`, node, constraint, components, factsOf),
      );
    }
  }
  return problems;
}

function levelProblems(
  pointer: string,
  group: GroupNode,
  constraint: LevelConstraint,
  components: ComponentNode[],
  factsOf: (component: ComponentNode) => {
    creditPoints?: number;
    hours?: number;
    level?: Level;
    levelKnown: boolean;
  },
): PathwayProblem[] {
  const facts = components.map(factsOf);
  if (facts.some((item) => !item.levelKnown)) return [];
  const matching = facts.filter((item) => meetsLevel(item.level, constraint.framework, constraint.atLeast));
  const label = `Group "${group.id}" level constraint (${constraint.framework} ≥ ${constraint.atLeast})`;
  const problems: PathwayProblem[] = [];
  const needed = constraint.minComponents ?? 1;
  if (matching.length < needed)
    problems.push({
      code: 'unreachable_minimum',
      pointer,
      message: `${label} needs ${needed} component(s) at that level but only ${matching.length} qualify.`,
    });
  const sum = (pick: (item: (typeof facts)[number]) => number | undefined) =>
    matching.some((item) => pick(item) === undefined)
      ? undefined
      : matching.reduce((total, item) => total + (pick(item) ?? 0), 0);
  for (const [key, minimum, most] of [
    ['minCreditPoints', constraint.minCreditPoints, sum((item) => item.creditPoints)],
    ['minHours', constraint.minHours, sum((item) => item.hours)],
  ] as const) {
    if (minimum !== undefined && most !== undefined && most + 1e-9 < minimum)
      problems.push({
        code: 'unreachable_minimum',
        pointer: `${pointer}/${key}`,
        message: `${label} asks for ${minimum} but the components at that level give at most ${most}.`,
      });
  }
  return problems;
}
