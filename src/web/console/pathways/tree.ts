/**
 * The pathway builder's pure helpers: the rule tree's shapes as the API takes them (docs/pathways.md), edits
 * that return a new tree (React state stays immutable), fresh node ids, and which node a validation
 * problem's JSON pointer belongs to. Browser code, so nothing here imports the server's model.
 */

export const GROUP_TYPES = ['all', 'any', 'n-of'] as const;
export type GroupType = (typeof GROUP_TYPES)[number];
export const LEVEL_FRAMEWORKS = ['EQF', 'NQF', 'AQF', 'QF-EHEA', 'difficulty'] as const;
/** The frameworks a pathway may count credits in (the catalogue's, less `other`). */
export const CREDIT_FRAMEWORKS = ['ECTS', 'CATS', 'ECVET', 'US-credit-hour', 'AQF-credit'] as const;
export type CreditFramework = (typeof CREDIT_FRAMEWORKS)[number];

export interface LevelConstraint {
  framework: string;
  atLeast: string;
  minCreditPoints?: number;
  minHours?: number;
  minComponents?: number;
}

export interface ComponentNode {
  id: string;
  type: 'component';
  seriesId: string;
  source?: 'own' | 'external';
  title?: string;
  creditPoints?: number;
  hours?: number;
  level?: { framework: string; value: string };
  requires?: string[];
}

export interface GroupNode {
  id: string;
  type: GroupType;
  title?: string;
  n?: number;
  children: RuleNode[];
  minCreditPoints?: number;
  minHours?: number;
  levelConstraints?: LevelConstraint[];
}

export type RuleNode = ComponentNode | GroupNode;

export type PathwayTarget =
  | { kind: 'definition'; seriesId: string }
  | { kind: 'external'; uri: string; name?: string };

export interface PathwayContent {
  title: string;
  description?: string;
  target: PathwayTarget;
  /** Absent: inferred from the components' definitions (docs/pathways.md, "Credit frameworks"). */
  creditFramework?: CreditFramework;
  root: RuleNode;
  mustBeValidAtCompletion: boolean;
}

export interface ContentProblem {
  code: string;
  pointer: string;
  message: string;
}

export function isGroup(node: RuleNode): node is GroupNode {
  return node.type !== 'component';
}

/** Every node with its JSON pointer (`/root`, `/root/children/0`, …), depth first. */
export function nodesWithPointers(
  root: RuleNode,
  pointer = '/root',
): Array<{ node: RuleNode; pointer: string }> {
  const out = [{ node: root, pointer }];
  if (isGroup(root)) {
    root.children.forEach((child, index) => {
      out.push(...nodesWithPointers(child, `${pointer}/children/${index}`));
    });
  }
  return out;
}

export function componentsOf(root: RuleNode): ComponentNode[] {
  return nodesWithPointers(root).flatMap(({ node }) => (isGroup(node) ? [] : [node]));
}

/** The first `<prefix><n>` id not used in the tree. */
export function freshId(root: RuleNode, prefix: 'c' | 'g'): string {
  const used = new Set(nodesWithPointers(root).map(({ node }) => node.id));
  let n = 1;
  while (used.has(`${prefix}${n}`)) n++;
  return `${prefix}${n}`;
}

/** The tree with the node `id` replaced by what `change` returns (null removes it). */
export function updateNode(
  root: RuleNode,
  id: string,
  change: (node: RuleNode) => RuleNode | null,
): RuleNode {
  if (root.id === id) return change(root) ?? root;
  if (!isGroup(root)) return root;
  const children: RuleNode[] = [];
  for (const child of root.children) {
    if (child.id === id) {
      const changed = change(child);
      if (changed) children.push(changed);
    } else {
      children.push(updateNode(child, id, change));
    }
  }
  return { ...root, children };
}

/** Removes a node and every `requires` entry pointing at a component inside it. */
export function removeNode(root: RuleNode, id: string): RuleNode {
  const target = nodesWithPointers(root).find(({ node }) => node.id === id)?.node;
  if (!target || target === root) return root;
  const gone = new Set(nodesWithPointers(target).map(({ node }) => node.id));
  const without = updateNode(root, id, () => null);
  const prune = (node: RuleNode): RuleNode => {
    if (isGroup(node)) return { ...node, children: node.children.map(prune) };
    if (!node.requires?.some((required) => gone.has(required))) return node;
    const requires = node.requires.filter((required) => !gone.has(required));
    const { requires: _dropped, ...rest } = node;
    return requires.length > 0 ? { ...rest, requires } : rest;
  };
  return prune(without);
}

/** Sets an optional field: `undefined` removes it, so the content sent has no empty keys. */
export function withOptional<T extends object, K extends keyof T>(
  node: T,
  key: K,
  value: T[K] | undefined,
): T {
  const copy = { ...node };
  if (value === undefined) delete copy[key];
  else copy[key] = value;
  return copy;
}

/** A number typed in a field: empty or not a number is "not set". */
export function parseAmount(text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const value = Number(text.replace(',', '.'));
  return Number.isFinite(value) ? value : undefined;
}

/**
 * Which node each problem is about: the deepest node whose pointer starts the problem's pointer
 * (`/root/children/1/n` belongs to `/root/children/1`). Problems outside the tree (title, target) go under
 * `''`. Pointers may come prefixed with `/content` (a 400 from the schema check).
 */
export function problemsByNode(root: RuleNode, problems: ContentProblem[]): Map<string, ContentProblem[]> {
  const pointers = nodesWithPointers(root)
    .map(({ pointer }) => pointer)
    .sort((a, b) => b.length - a.length);
  const out = new Map<string, ContentProblem[]>();
  for (const problem of problems) {
    const pointer = problem.pointer.replace(/^\/content(?=\/|$)/, '');
    const owner =
      pointers.find((candidate) => pointer === candidate || pointer.startsWith(`${candidate}/`)) ?? '';
    out.set(owner, [...(out.get(owner) ?? []), { ...problem, pointer }]);
  }
  return out;
}

/** A new pathway: an all-of group with one component slot to fill in. */
export function emptyContent(): PathwayContent {
  return {
    title: '',
    target: { kind: 'definition', seriesId: '' },
    mustBeValidAtCompletion: false,
    root: { id: 'root', type: 'all', children: [] },
  };
}

/** What the browser can tell without asking: the blanks the schema would refuse (codes, shown translated). */
export function localProblems(content: PathwayContent): ContentProblem[] {
  const problems: ContentProblem[] = [];
  if (content.title.trim() === '') problems.push({ code: 'missing_title', pointer: '/title', message: '' });
  if (content.target.kind === 'definition' && content.target.seriesId === '') {
    problems.push({ code: 'missing_target', pointer: '/target/seriesId', message: '' });
  }
  for (const { node, pointer } of nodesWithPointers(content.root)) {
    if (!isGroup(node) && node.seriesId === '') {
      problems.push({ code: 'missing_definition', pointer: `${pointer}/seriesId`, message: '' });
    }
    if (isGroup(node) && node.children.length === 0) {
      problems.push({ code: 'empty_group', pointer, message: '' });
    }
  }
  return problems;
}
