import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { UUID_PATTERN } from '../../core/ids.ts';
import { CREDIT_FRAMEWORKS, DIFFICULTY_LEVELS, LEVEL_FRAMEWORKS } from '../catalogue/definition.model.ts';

/**
 * The content of one pathway version: the credential issued on completion and the rule tree that earns it.
 * Pure data; docs/pathways.md states the evaluation semantics (pathway.evaluator.ts implements them,
 * pathway.reference.ts restates them by brute force).
 *
 * Node ids are chosen by the author (or minted by the builder) and stay stable across versions, so progress,
 * recognition of prior learning and `requires` can point at them.
 */

const strict = <T extends Record<string, TSchema>>(properties: T, description?: string) =>
  Type.Object(properties, { additionalProperties: false, ...(description ? { description } : {}) });
const Opt = Type.Optional;

/** Stable node id: short, URL- and JSON-pointer-safe. */
export const NODE_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$';
const NodeId = Type.String({ pattern: NODE_ID_PATTERN, description: 'Stable node id within the pathway' });
/** A credential definition series id (own definitions and external catalogue entries alike). */
const SeriesId = Type.String({ pattern: UUID_PATTERN, description: 'Credential definition series id' });

/** A credit framework as the catalogue's definitions state it (`workload.creditPoints.framework`). */
export type CreditFramework = (typeof CREDIT_FRAMEWORKS)[number];
/** The frameworks a pathway may count its credits in: every named one; `other` is no unit to count in. */
export const PATHWAY_CREDIT_FRAMEWORKS = CREDIT_FRAMEWORKS.filter(
  (framework): framework is Exclude<CreditFramework, 'other'> => framework !== 'other',
);
export type PathwayCreditFramework = Exclude<CreditFramework, 'other'>;

export const LevelSchema = strict({
  framework: Type.Union(LEVEL_FRAMEWORKS.map((value) => Type.Literal(value))),
  /** EQF/NQF/AQF/QF-EHEA: a number as text; `difficulty`: one of DIFFICULTY_LEVELS. */
  value: Type.String({ minLength: 1, maxLength: 50 }),
});
export type Level = Static<typeof LevelSchema>;

/**
 * "At least `minCreditPoints` credits (and/or `minHours` hours, and/or `minComponents` components) at a
 * level ≥ `atLeast` in `framework`". Components with no level, or a level in another framework, do not count.
 */
export const LevelConstraintSchema = strict({
  framework: Type.Union(LEVEL_FRAMEWORKS.map((value) => Type.Literal(value))),
  atLeast: Type.String({ minLength: 1, maxLength: 50 }),
  minCreditPoints: Opt(Type.Number({ exclusiveMinimum: 0, maximum: 10000 })),
  minHours: Opt(Type.Number({ exclusiveMinimum: 0, maximum: 1000000 })),
  minComponents: Opt(Type.Integer({ minimum: 1, maximum: 1000 })),
});
export type LevelConstraint = Static<typeof LevelConstraintSchema>;

/** Minimums a group (and, on the root, the pathway overall) adds to its structural rule. */
const groupMinimums = {
  minCreditPoints: Opt(Type.Number({ exclusiveMinimum: 0, maximum: 10000 })),
  minHours: Opt(Type.Number({ exclusiveMinimum: 0, maximum: 1000000 })),
  levelConstraints: Opt(Type.Array(LevelConstraintSchema, { maxItems: 10 })),
};

export const ComponentNodeSchema = strict(
  {
    id: NodeId,
    type: Type.Literal('component'),
    seriesId: SeriesId,
    /** Informational: whether the series is ours or an external catalogue entry. */
    source: Opt(Type.Union([Type.Literal('own'), Type.Literal('external')])),
    title: Opt(Type.String({ minLength: 1, maxLength: 500 })),
    /**
     * Overrides of what the definition says, for this pathway only (e.g. a partner's credit agreement).
     * `creditPoints` is in the pathway's credit framework, whatever the definition's is.
     */
    creditPoints: Opt(Type.Number({ minimum: 0, maximum: 1000 })),
    hours: Opt(Type.Number({ minimum: 0, maximum: 100000 })),
    level: Opt(LevelSchema),
    /** Component node ids that must be earned strictly before this one for it to count. */
    requires: Opt(Type.Array(NodeId, { maxItems: 50 })),
  },
  'A leaf: one credential definition series',
);
export type ComponentNode = Static<typeof ComponentNodeSchema>;

export const GROUP_TYPES = ['all', 'any', 'n-of'] as const;
export type GroupType = (typeof GROUP_TYPES)[number];

/** The recursive rule tree. `n` is required for `n-of` and refused elsewhere (pathway.validate.ts). */
export const RuleNodeSchema = Type.Recursive(
  (Self) =>
    Type.Union([
      ComponentNodeSchema,
      strict({
        id: NodeId,
        type: Type.Union(GROUP_TYPES.map((value) => Type.Literal(value))),
        title: Opt(Type.String({ minLength: 1, maxLength: 500 })),
        n: Opt(Type.Integer({ minimum: -1000, maximum: 1000 })),
        children: Type.Array(Self, { maxItems: 200 }),
        ...groupMinimums,
      }),
    ]),
  { $id: 'PathwayRuleNode' },
);

export interface GroupNode {
  id: string;
  type: GroupType;
  title?: string;
  /** `n-of` only: how many children must be satisfied. */
  n?: number;
  children: RuleNode[];
  minCreditPoints?: number;
  minHours?: number;
  levelConstraints?: LevelConstraint[];
}
export type RuleNode = ComponentNode | GroupNode;

export const TargetSchema = Type.Union([
  strict({ kind: Type.Literal('definition'), seriesId: SeriesId }),
  strict({
    kind: Type.Literal('external'),
    uri: Type.String({ minLength: 3, maxLength: 2000, pattern: '^[A-Za-z][A-Za-z0-9+.-]*:\\S+$' }),
    name: Opt(Type.String({ minLength: 1, maxLength: 500 })),
  }),
]);
export type PathwayTarget = Static<typeof TargetSchema>;

export const PathwayContentSchema = strict({
  title: Type.String({ minLength: 1, maxLength: 500 }),
  description: Opt(Type.String({ minLength: 1, maxLength: 10000 })),
  target: TargetSchema,
  /**
   * The framework every credit amount of the pathway is in (minimums, overrides, progress). Absent: inferred
   * from the components' definitions when they all state one (docs/pathways.md, "Credit frameworks").
   */
  creditFramework: Opt(
    Type.Union(
      PATHWAY_CREDIT_FRAMEWORKS.map((value) => Type.Literal(value)),
      { description: 'The credit framework the pathway counts credits in (ECTS and CATS convert)' },
    ),
  ),
  /** The rule tree; minimums on the root are the pathway's overall minimums. */
  root: RuleNodeSchema,
  /** When true a component counts only while its credential is still valid at the moment of completion. */
  mustBeValidAtCompletion: Type.Boolean(),
});

export interface PathwayContent {
  title: string;
  description?: string;
  target: PathwayTarget;
  creditFramework?: PathwayCreditFramework;
  root: RuleNode;
  mustBeValidAtCompletion: boolean;
}

export const HOLDING_STATUSES = ['active', 'expired', 'suspended', 'revoked'] as const;
export type HoldingStatus = (typeof HOLDING_STATUSES)[number];

/** What the definition (or the recognition decision) says about a held credential. */
export interface HoldingFacts {
  creditPoints?: number;
  /**
   * The framework `creditPoints` is in (a definition's). Absent: already in the pathway's framework, as a
   * recognition decision's credits are.
   */
  creditFramework?: CreditFramework;
  hours?: number;
  level?: Level;
}

/**
 * One thing the learner holds: an issued or imported credential of a definition series, or an accepted
 * recognition-of-prior-learning decision granting one pathway component.
 */
export type Holding =
  | (HoldingFacts & {
      kind: 'credential';
      id: string;
      seriesId: string;
      earnedAt: Date;
      validUntil?: Date;
      status: HoldingStatus;
    })
  | (HoldingFacts & {
      kind: 'recognition';
      id: string;
      componentId: string;
      /** When the recognition was decided: it orders like an earning date. */
      earnedAt: Date;
      validUntil?: Date;
      status: HoldingStatus;
    });

export function isGroup(node: RuleNode): node is GroupNode {
  return node.type !== 'component';
}

/** Every node, depth first, with its JSON pointer relative to the content (`/root/children/0`). */
export function* walk(node: RuleNode, pointer = '/root'): Generator<{ node: RuleNode; pointer: string }> {
  yield { node, pointer };
  if (isGroup(node)) {
    for (const [index, child] of node.children.entries()) yield* walk(child, `${pointer}/children/${index}`);
  }
}

export function componentsOf(node: RuleNode): ComponentNode[] {
  return [...walk(node)].flatMap(({ node: item }) => (isGroup(item) ? [] : [item]));
}

/** How many satisfied children a group needs. */
export function requiredChildren(group: GroupNode): number {
  if (group.type === 'all') return group.children.length;
  if (group.type === 'any') return 1;
  return group.n ?? 1;
}

/**
 * A level's rank within its framework, or undefined when it cannot be ranked (a non-numeric EQF value, an
 * unknown difficulty).
 */
export function levelRank(framework: Level['framework'], value: string): number | undefined {
  if (framework === 'difficulty') {
    const index = (DIFFICULTY_LEVELS as readonly string[]).indexOf(value);
    return index < 0 ? undefined : index;
  }
  const number = Number(value.trim());
  return value.trim() !== '' && Number.isFinite(number) ? number : undefined;
}

/** Whether `level` meets "at least `atLeast` in `framework`". */
export function meetsLevel(
  level: Level | undefined,
  framework: Level['framework'],
  atLeast: string,
): boolean {
  if (!level || level.framework !== framework) return false;
  const rank = levelRank(framework, level.value);
  const threshold = levelRank(framework, atLeast);
  return rank !== undefined && threshold !== undefined && rank >= threshold;
}
