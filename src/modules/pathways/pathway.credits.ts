import {
  type ComponentNode,
  type CreditFramework,
  componentsOf,
  type HoldingFacts,
  isGroup,
  type LevelConstraint,
  meetsLevel,
  type PathwayContent,
  type RuleNode,
  walk,
} from './pathway.model.ts';

/**
 * Credit frameworks in pathways: which credit amounts convert into which framework, and which framework a
 * pathway counts in. docs/pathways.md ("Credit frameworks") states the rules and their sources.
 *
 * Only conversions with an official basis are made: 1 ECTS credit = 2 UK (CATS) credits, as the QAA's
 * "Higher education credit framework for England" (2021) states. ECVET points, US credit hours and AQF
 * credit have no fixed official conversion to anything else, and `other` is no unit at all: they convert
 * only to themselves.
 */

/** Credits in `to` per credit in `from`, for the pairs with an official basis. */
const FACTORS: Partial<Record<CreditFramework, Partial<Record<CreditFramework, number>>>> = {
  ECTS: { CATS: 2 },
  CATS: { ECTS: 0.5 },
};

/** How many `to` credits one `from` credit is worth, or undefined when there is no official conversion. */
export function creditFactor(from: CreditFramework, to: CreditFramework): number | undefined {
  if (from === to) return 1;
  return FACTORS[from]?.[to];
}

/** Whether credits stated in `from` can be counted in a pathway whose credits are in `to`. */
export function convertible(from: CreditFramework, to: CreditFramework | undefined): boolean {
  return to !== undefined && creditFactor(from, to) !== undefined;
}

/**
 * An amount stated in `from` as an amount in the pathway's framework `to`. An amount that states no
 * framework is already in the pathway's (component overrides, recognition decisions). Undefined when it
 * cannot be converted: no official conversion, or a stated framework while the pathway has none. Zero is
 * zero in every framework.
 */
export function convertCredits(
  value: number,
  from: CreditFramework | undefined,
  to: CreditFramework | undefined,
): number | undefined {
  if (from === undefined || value === 0) return value;
  if (to === undefined) return undefined;
  const factor = creditFactor(from, to);
  return factor === undefined ? undefined : value * factor;
}

/** Whether any rule of the tree asks for credits (a group's or a level constraint's `minCreditPoints`). */
export function hasCreditMinimums(root: RuleNode): boolean {
  return [...walk(root)].some(
    ({ node }) =>
      isGroup(node) &&
      (node.minCreditPoints !== undefined ||
        (node.levelConstraints ?? []).some((constraint) => constraint.minCreditPoints !== undefined)),
  );
}

/** What a definition's facts say of a component's credits, unless the pathway overrides them. */
export type DefinitionFactsOf = (seriesId: string) => HoldingFacts | undefined;

/**
 * The frameworks the components' definitions state credits in (sorted, without repeats). A component counts
 * when its definition states a positive amount in a framework and the pathway does not override its credits
 * (an override is in the pathway's framework).
 */
export function componentCreditFrameworks(
  content: PathwayContent,
  definitionFacts: DefinitionFactsOf | undefined,
): CreditFramework[] {
  const found = new Set<CreditFramework>();
  for (const component of componentsOf(content.root)) {
    const framework = statedFramework(component, definitionFacts);
    if (framework) found.add(framework);
  }
  return [...found].sort();
}

/** The framework a component's definition states its (positive) credits in, when the pathway counts them. */
export function statedFramework(
  component: ComponentNode,
  definitionFacts: DefinitionFactsOf | undefined,
): CreditFramework | undefined {
  if (component.creditPoints !== undefined) return undefined;
  const facts = definitionFacts?.(component.seriesId);
  return facts?.creditFramework !== undefined && (facts.creditPoints ?? 0) > 0
    ? facts.creditFramework
    : undefined;
}

/**
 * The framework the pathway counts credits in: its own `creditFramework`, else the one framework all its
 * credit-bearing components' definitions state (possibly `other`: those are then counted as stated, as
 * before frameworks were looked at), else none (no component states credits, or they mix).
 */
export function effectiveCreditFramework(
  content: PathwayContent,
  definitionFacts: DefinitionFactsOf | undefined,
): CreditFramework | undefined {
  if (content.creditFramework) return content.creditFramework;
  const frameworks = componentCreditFrameworks(content, definitionFacts);
  return frameworks.length === 1 ? frameworks[0] : undefined;
}

/**
 * The components whose credits some credit minimum counts, with their pointers: every component beneath a
 * group with `minCreditPoints`, and the components beneath a level constraint with `minCreditPoints` whose
 * level (the override, else the definition's) meets it.
 */
export function componentsCountedByCreditMinimums(
  root: RuleNode,
  definitionFacts: DefinitionFactsOf | undefined,
): { component: ComponentNode; pointer: string }[] {
  const found: { component: ComponentNode; pointer: string }[] = [];
  const visit = (
    node: RuleNode,
    pointer: string,
    underMinimum: boolean,
    constraints: LevelConstraint[],
  ): void => {
    if (!isGroup(node)) {
      const level = node.level ?? definitionFacts?.(node.seriesId)?.level;
      if (
        underMinimum ||
        constraints.some((constraint) => meetsLevel(level, constraint.framework, constraint.atLeast))
      )
        found.push({ component: node, pointer });
      return;
    }
    const minimum = underMinimum || node.minCreditPoints !== undefined;
    const levelMinimums = [
      ...constraints,
      ...(node.levelConstraints ?? []).filter((constraint) => constraint.minCreditPoints !== undefined),
    ];
    node.children.forEach((child, index) => {
      visit(child, `${pointer}/children/${index}`, minimum, levelMinimums);
    });
  };
  visit(root, '/root', false, []);
  return found;
}
