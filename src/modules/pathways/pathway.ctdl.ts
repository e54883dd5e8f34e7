import { convertCredits } from './pathway.credits.ts';
import {
  type ComponentNode,
  GROUP_TYPES,
  type GroupNode,
  type GroupType,
  isGroup,
  type Level,
  type LevelConstraint,
  PATHWAY_CREDIT_FRAMEWORKS,
  type PathwayContent,
  type PathwayCreditFramework,
  type RuleNode,
  walk,
} from './pathway.model.ts';
import { type PathwayProblem, validatePathway } from './pathway.validate.ts';

/**
 * A pathway as CTDL Pathway JSON-LD, and back.
 *
 * Shape: one `ceterms:Pathway` whose `ceterms:hasDestinationComponent` is a `ceterms:CredentialComponent`
 * standing for the target credential. Its one `ceterms:ComponentCondition` requires the component of the
 * root node. Every group is a `ceterms:BasicComponent` with one condition (`ceterms:requiredNumber` of its
 * `ceterms:targetComponent`s); every leaf a `ceterms:CredentialComponent` whose `ceterms:proxyFor` is the
 * definition's URI, with `ceterms:creditValue` and `ceterms:prerequisite` / `ceterms:precedes`. What CTDL has
 * no term for here (the group kind, hours, levels, group minimums, validity at completion) goes under the
 * `credstack:` prefix so our own export reads back exactly; another publisher's file without them still
 * imports (all/any/n-of then follow from requiredNumber). docs/pathways.md lists the terms.
 *
 * Credit units follow the catalogue's CTDL export: a `ceterms:creditValue` names its framework in
 * `schema:description` (written when the pathway has a `creditFramework`, which `credstack:creditFramework`
 * carries); on import a component's credit value in another framework is converted when it can be
 * (pathway.credits.ts) and refused otherwise.
 */

type Json = Record<string, unknown>;

/** The same context as the catalogue's CTDL exports (catalogue/exports.ts). */
const CTDL_CONTEXT = 'https://credreg.net/ctdl/schema/context/json';
export const CREDSTACK_PATHWAY_NS = 'https://credstack.dev/ns/pathway#';
const CONTEXT = [CTDL_CONTEXT, { credstack: CREDSTACK_PATHWAY_NS }];

export interface CtdlExportOptions {
  /** The pathway's URI (its public page); component URIs are made under it. */
  uri: string;
  /** The URI of a definition series (our definition page, or the external entry's source URI). */
  definitionUri: (seriesId: string) => string;
  ctid?: string;
}

export interface CtdlImportOptions {
  /** The series a `ceterms:proxyFor` URI stands for; undefined when the catalogue does not know it. */
  seriesIdFor: (uri: string) => string | undefined;
}

export type CtdlImportResult =
  | { ok: true; content: PathwayContent }
  | { ok: false; problems: PathwayProblem[] };

const componentUri = (base: string, id: string) => `${base}/components/${encodeURIComponent(id)}`;
const DESTINATION_ID = '_destination';

function levelJson(level: Level): Json {
  return { 'credstack:levelFramework': level.framework, 'credstack:levelValue': level.value };
}

export function toCtdlPathway(content: PathwayContent, options: CtdlExportOptions): Json {
  const uriOf = (id: string) => componentUri(options.uri, id);
  const precedes = new Map<string, string[]>();
  for (const { node } of walk(content.root)) {
    if (isGroup(node)) continue;
    for (const required of node.requires ?? [])
      precedes.set(required, [...(precedes.get(required) ?? []), uriOf(node.id)]);
  }
  const destinationUri = uriOf(DESTINATION_ID);
  const graph: Json[] = [
    {
      '@id': destinationUri,
      '@type': 'ceterms:CredentialComponent',
      'ceterms:name': {
        en: content.target.kind === 'external' ? (content.target.name ?? 'Target credential') : content.title,
      },
      'ceterms:isDestinationComponentOf': options.uri,
      'ceterms:proxyFor':
        content.target.kind === 'definition'
          ? options.definitionUri(content.target.seriesId)
          : content.target.uri,
      'ceterms:hasCondition': [
        {
          '@type': 'ceterms:ComponentCondition',
          'ceterms:requiredNumber': 1,
          'ceterms:targetComponent': [uriOf(content.root.id)],
        },
      ],
    },
  ];
  const parents = new Map<string, string>();
  for (const { node } of walk(content.root)) {
    if (isGroup(node)) for (const child of node.children) parents.set(child.id, node.id);
  }
  for (const { node } of walk(content.root)) {
    const common: Json = {
      '@id': uriOf(node.id),
      'credstack:nodeId': node.id,
      'ceterms:isChildOf': [uriOf(parents.get(node.id) ?? DESTINATION_ID)],
      ...(node.title ? { 'ceterms:name': { en: node.title } } : {}),
    };
    if (isGroup(node)) {
      graph.push({
        ...common,
        '@type': 'ceterms:BasicComponent',
        'ceterms:hasChild': node.children.map((child) => uriOf(child.id)),
        'ceterms:hasCondition': [
          {
            '@type': 'ceterms:ComponentCondition',
            'ceterms:requiredNumber':
              node.type === 'all' ? node.children.length : node.type === 'any' ? 1 : node.n,
            'ceterms:targetComponent': node.children.map((child) => uriOf(child.id)),
            'credstack:groupType': node.type,
            ...(node.minCreditPoints !== undefined
              ? { 'credstack:minCreditPoints': node.minCreditPoints }
              : {}),
            ...(node.minHours !== undefined ? { 'credstack:minHours': node.minHours } : {}),
            ...(node.levelConstraints?.length
              ? {
                  'credstack:levelConstraint': node.levelConstraints.map((constraint) => ({
                    '@type': 'credstack:LevelConstraint',
                    'credstack:levelFramework': constraint.framework,
                    'credstack:atLeast': constraint.atLeast,
                    ...(constraint.minCreditPoints !== undefined
                      ? { 'credstack:minCreditPoints': constraint.minCreditPoints }
                      : {}),
                    ...(constraint.minHours !== undefined
                      ? { 'credstack:minHours': constraint.minHours }
                      : {}),
                    ...(constraint.minComponents !== undefined
                      ? { 'credstack:minComponents': constraint.minComponents }
                      : {}),
                  })),
                }
              : {}),
          },
        ],
      });
      continue;
    }
    graph.push({
      ...common,
      '@type': 'ceterms:CredentialComponent',
      'ceterms:proxyFor': options.definitionUri(node.seriesId),
      ...(node.source ? { 'credstack:source': node.source } : {}),
      ...(node.creditPoints !== undefined
        ? {
            'ceterms:creditValue': [
              {
                '@type': 'schema:QuantitativeValue',
                'schema:value': node.creditPoints,
                ...(content.creditFramework ? { 'schema:description': { en: content.creditFramework } } : {}),
              },
            ],
          }
        : {}),
      ...(node.hours !== undefined ? { 'credstack:hours': node.hours } : {}),
      ...(node.level ? levelJson(node.level) : {}),
      ...(node.requires?.length ? { 'ceterms:prerequisite': node.requires.map(uriOf) } : {}),
      ...(precedes.has(node.id) ? { 'ceterms:precedes': precedes.get(node.id) } : {}),
    });
  }
  return {
    '@context': CONTEXT,
    '@id': options.uri,
    '@type': 'ceterms:Pathway',
    ...(options.ctid ? { 'ceterms:ctid': options.ctid } : {}),
    'ceterms:name': { en: content.title },
    ...(content.description ? { 'ceterms:description': { en: content.description } } : {}),
    'ceterms:hasDestinationComponent': [destinationUri],
    'ceterms:hasChild': [uriOf(content.root.id)],
    ...(content.creditFramework ? { 'credstack:creditFramework': content.creditFramework } : {}),
    'credstack:mustBeValidAtCompletion': content.mustBeValidAtCompletion,
    '@graph': graph,
  };
}

/** Reads the text of a CTDL language map (or a plain string): the first value. */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const entry of Object.values(value)) {
      const found = Array.isArray(entry) ? text(entry[0]) : text(entry);
      if (found) return found;
    }
  }
  return undefined;
}

const list = (value: unknown): unknown[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
const idOf = (value: unknown): string | undefined =>
  typeof value === 'string'
    ? value
    : value && typeof value === 'object'
      ? ((value as Json)['@id'] as string | undefined)
      : undefined;
const typesOf = (node: Json): string[] =>
  list(node['@type']).filter((item): item is string => typeof item === 'string');
const numberOf = (value: unknown): number | undefined => {
  const item = Array.isArray(value) ? value[0] : value;
  const raw = item && typeof item === 'object' ? (item as Json)['@value'] : item;
  const number = typeof raw === 'string' ? Number(raw) : raw;
  return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
};

/**
 * Reads a CTDL Pathway (our export or another publisher's, as one document with `@graph`, or the Registry's
 * envelope-free graph form) into pathway content. Every problem is listed with a JSON pointer into the input;
 * the content is then checked by validatePathway like any other.
 */
export function fromCtdlPathway(input: unknown, options: CtdlImportOptions): CtdlImportResult {
  const problems: PathwayProblem[] = [];
  const fail = (pointer: string, message: string): CtdlImportResult => ({
    ok: false,
    problems: [...problems, { code: 'schema', pointer, message }],
  });
  if (!input || typeof input !== 'object' || Array.isArray(input))
    return fail('/', 'Expected a JSON-LD object.');
  const document = input as Json;
  const graph = list(document['@graph']);
  const nodes: Json[] = [
    document,
    ...graph.filter((item): item is Json => !!item && typeof item === 'object'),
  ];
  const pathwayIndex = nodes.findIndex((node) => typesOf(node).includes('ceterms:Pathway'));
  if (pathwayIndex < 0)
    return fail('/@type', 'No ceterms:Pathway found (neither the document nor an @graph entry).');
  const pathway = nodes[pathwayIndex] as Json;
  const pathwayPointer = pathwayIndex === 0 ? '' : `/@graph/${graph.indexOf(pathway)}`;
  const byUri = new Map<string, { node: Json; pointer: string }>();
  graph.forEach((item, index) => {
    const id = idOf(item);
    if (id && item && typeof item === 'object')
      byUri.set(id, { node: item as Json, pointer: `/@graph/${index}` });
  });

  const title = text(pathway['ceterms:name']);
  if (!title)
    problems.push({
      code: 'schema',
      pointer: `${pathwayPointer}/ceterms:name`,
      message: 'The pathway has no name.',
    });
  const destinationUri = idOf(list(pathway['ceterms:hasDestinationComponent'])[0]);
  const destination = destinationUri ? byUri.get(destinationUri) : undefined;
  if (!destination)
    return fail(
      `${pathwayPointer}/ceterms:hasDestinationComponent`,
      'The pathway has no destination component in its @graph.',
    );
  const targetUri = idOf(destination.node['ceterms:proxyFor']);
  if (!targetUri)
    return fail(
      `${destination.pointer}/ceterms:proxyFor`,
      'The destination component names no credential (ceterms:proxyFor).',
    );
  const targetSeries = options.seriesIdFor(targetUri);
  const target: PathwayContent['target'] = targetSeries
    ? { kind: 'definition', seriesId: targetSeries }
    : {
        kind: 'external',
        uri: targetUri,
        ...(text(destination.node['ceterms:name'])
          ? { name: text(destination.node['ceterms:name']) as string }
          : {}),
      };

  const declaredFramework = pathway['credstack:creditFramework'];
  const pathwayFramework = (PATHWAY_CREDIT_FRAMEWORKS as readonly unknown[]).includes(declaredFramework)
    ? (declaredFramework as PathwayCreditFramework)
    : undefined;
  /** Component credit values that name their framework, settled once the pathway's framework is known. */
  const namedCredits: {
    component: ComponentNode;
    value: number;
    framework: PathwayCreditFramework;
    pointer: string;
  }[] = [];

  const destinationCondition = list(destination.node['ceterms:hasCondition'])[0] as Json | undefined;
  const rootUris = list(destinationCondition?.['ceterms:targetComponent']).map(idOf);
  const rootUri = rootUris.length === 1 ? rootUris[0] : undefined;
  const visiting = new Set<string>();
  const idByUri = new Map<string, string>();
  const pending: { component: ComponentNode; uris: string[]; pointer: string }[] = [];

  const read = (uri: string, from: string): RuleNode | undefined => {
    const entry = byUri.get(uri);
    if (!entry) {
      problems.push({ code: 'schema', pointer: from, message: `Component ${uri} is not in the @graph.` });
      return undefined;
    }
    if (visiting.has(uri)) {
      problems.push({ code: 'schema', pointer: entry.pointer, message: `Component ${uri} contains itself.` });
      return undefined;
    }
    visiting.add(uri);
    const { node, pointer } = entry;
    const id =
      (typeof node['credstack:nodeId'] === 'string' ? node['credstack:nodeId'] : undefined) ??
      lastSegment(uri);
    idByUri.set(uri, id);
    const title = text(node['ceterms:name']);
    const conditions = list(node['ceterms:hasCondition']);
    try {
      if (conditions.length > 0) {
        if (conditions.length > 1)
          problems.push({
            code: 'schema',
            pointer: `${pointer}/ceterms:hasCondition`,
            message:
              'Only one ComponentCondition per component is supported; nest components to combine conditions.',
          });
        const condition = conditions[0] as Json;
        const targets = list(condition['ceterms:targetComponent']).map(idOf);
        const children: RuleNode[] = [];
        targets.forEach((target, index) => {
          const child = target
            ? read(target, `${pointer}/ceterms:hasCondition/0/ceterms:targetComponent/${index}`)
            : undefined;
          if (child) children.push(child);
        });
        const required = numberOf(condition['ceterms:requiredNumber']);
        const declared = condition['credstack:groupType'];
        const type: GroupType =
          typeof declared === 'string' && (GROUP_TYPES as readonly string[]).includes(declared)
            ? (declared as GroupType)
            : required === undefined || required === targets.length
              ? 'all'
              : required === 1
                ? 'any'
                : 'n-of';
        const group: GroupNode = {
          id,
          type,
          ...(title ? { title } : {}),
          ...(type === 'n-of' ? { n: required ?? 0 } : {}),
          children,
          ...(numberOf(condition['credstack:minCreditPoints']) !== undefined
            ? { minCreditPoints: numberOf(condition['credstack:minCreditPoints']) as number }
            : {}),
          ...(numberOf(condition['credstack:minHours']) !== undefined
            ? { minHours: numberOf(condition['credstack:minHours']) as number }
            : {}),
        };
        const constraints = list(condition['credstack:levelConstraint']).map((item) =>
          readConstraint(item as Json),
        );
        if (constraints.length > 0) group.levelConstraints = constraints;
        return group;
      }
      const proxy = idOf(node['ceterms:proxyFor']);
      if (!proxy) {
        problems.push({
          code: 'schema',
          pointer,
          message: `Component ${uri} has neither a condition nor a credential (ceterms:proxyFor).`,
        });
        return undefined;
      }
      const seriesId = options.seriesIdFor(proxy);
      if (!seriesId) {
        problems.push({
          code: 'schema',
          pointer: `${pointer}/ceterms:proxyFor`,
          message: `${proxy} is not a definition in the catalogue; import it into the catalogue first.`,
        });
        return undefined;
      }
      const creditValue = list(node['ceterms:creditValue'])[0] as Json | undefined;
      const credits = numberOf(creditValue ? creditValue['schema:value'] : undefined);
      const creditFramework = creditValue ? frameworkNamed(creditValue['schema:description']) : undefined;
      const hours = numberOf(node['credstack:hours']);
      const framework = node['credstack:levelFramework'];
      const levelValue = node['credstack:levelValue'];
      const source = node['credstack:source'];
      const component: ComponentNode = {
        id,
        type: 'component',
        seriesId,
        ...(source === 'own' || source === 'external' ? { source } : {}),
        ...(title ? { title } : {}),
        ...(credits !== undefined ? { creditPoints: credits } : {}),
        ...(hours !== undefined ? { hours } : {}),
        ...(typeof framework === 'string' && typeof levelValue === 'string'
          ? { level: { framework, value: levelValue } as Level }
          : {}),
      };
      if (credits !== undefined && creditFramework !== undefined)
        namedCredits.push({
          component,
          value: credits,
          framework: creditFramework,
          pointer: `${pointer}/ceterms:creditValue/0`,
        });
      const prerequisites = list(node['ceterms:prerequisite'])
        .map(idOf)
        .filter((item): item is string => !!item);
      pending.push({ component, uris: prerequisites, pointer });
      return component;
    } finally {
      visiting.delete(uri);
    }
  };

  if (!rootUri)
    return fail(
      `${destination.pointer}/ceterms:hasCondition`,
      'The destination component must have one condition with one target component.',
    );
  const root = read(rootUri, `${destination.pointer}/ceterms:hasCondition/0/ceterms:targetComponent/0`);
  // `ceterms:precedes` says the same as `ceterms:prerequisite` from the other end; both are honoured.
  for (const [uri, entry] of byUri) {
    for (const later of list(entry.node['ceterms:precedes']).map(idOf)) {
      const item = pending.find((candidate) => idByUri.get(later ?? '') === candidate.component.id);
      if (item && !item.uris.includes(uri)) item.uris.push(uri);
    }
  }
  for (const { component, uris, pointer } of pending) {
    const requires = uris.map((uri) => {
      const required = idByUri.get(uri);
      if (!required)
        problems.push({
          code: 'unknown_requirement',
          pointer: `${pointer}/ceterms:prerequisite`,
          message: `Prerequisite ${uri} is not a component of this pathway.`,
        });
      return required;
    });
    const known = requires.filter((item): item is string => !!item);
    if (known.length > 0) component.requires = known;
  }
  // The pathway's framework: declared, else the one its components' credit values name. A component's value
  // in another framework is converted where an official conversion exists, and refused otherwise.
  const named = [...new Set(namedCredits.map((item) => item.framework))];
  const creditFramework = pathwayFramework ?? (named.length === 1 ? named[0] : undefined);
  if (!pathwayFramework && named.length > 1)
    problems.push({
      code: 'mixed_credit_frameworks',
      pointer: `${pathwayPointer}/credstack:creditFramework`,
      message: `The components' credit values are in ${named.sort().join(', ')}; the pathway must say which framework it counts in (credstack:creditFramework).`,
    });
  else
    for (const item of namedCredits) {
      const value = convertCredits(item.value, item.framework, creditFramework);
      if (value === undefined)
        problems.push({
          code: 'incompatible_credit_framework',
          pointer: item.pointer,
          message: `A credit value in ${item.framework} has no official conversion to the pathway's ${creditFramework ?? 'framework'}.`,
        });
      else item.component.creditPoints = value;
    }
  if (!root || problems.length > 0) return { ok: false, problems };
  const content: PathwayContent = {
    title: title as string,
    ...(text(pathway['ceterms:description'])
      ? { description: text(pathway['ceterms:description']) as string }
      : {}),
    target,
    ...(creditFramework ? { creditFramework } : {}),
    root,
    mustBeValidAtCompletion: pathway['credstack:mustBeValidAtCompletion'] === true,
  };
  const invalid = validatePathway(content);
  return invalid.length > 0 ? { ok: false, problems: invalid } : { ok: true, content };
}

function readConstraint(item: Json): LevelConstraint {
  const minCreditPoints = numberOf(item['credstack:minCreditPoints']);
  const minHours = numberOf(item['credstack:minHours']);
  const minComponents = numberOf(item['credstack:minComponents']);
  return {
    framework: item['credstack:levelFramework'] as LevelConstraint['framework'],
    atLeast: String(item['credstack:atLeast'] ?? ''),
    ...(minCreditPoints !== undefined ? { minCreditPoints } : {}),
    ...(minHours !== undefined ? { minHours } : {}),
    ...(minComponents !== undefined ? { minComponents } : {}),
  };
}

/**
 * The credit framework a `schema:description` names (the catalogue's CTDL convention), if a named one of
 * ours; `other` names no unit, so such a value is read as in the pathway's framework, as an unnamed one is.
 */
function frameworkNamed(description: unknown): PathwayCreditFramework | undefined {
  const named = text(description)?.toLowerCase();
  return PATHWAY_CREDIT_FRAMEWORKS.find((framework) => framework.toLowerCase() === named);
}

function lastSegment(uri: string): string {
  const segment = uri.split(/[/#]/).pop() ?? uri;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
