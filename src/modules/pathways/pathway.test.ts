import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planCompletion } from './pathway.completion.ts';
import { fromCtdlPathway, toCtdlPathway } from './pathway.ctdl.ts';
import { evaluatePathway } from './pathway.evaluator.ts';
import type { ComponentNode, GroupNode, Holding, PathwayContent } from './pathway.model.ts';
import { referencedSeriesIds, validatePathway } from './pathway.validate.ts';

const series = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const day = (n: number) => new Date(Date.UTC(2026, 0, 1 + n));
const NOW = day(30);

/** A diploma: a core (intro then advanced), two of three electives, 10 credits overall with 5 at EQF ≥ 5. */
function diploma(overrides: Partial<PathwayContent> = {}): PathwayContent {
  return {
    title: 'Data analytics diploma',
    target: { kind: 'definition', seriesId: series(100) },
    mustBeValidAtCompletion: false,
    root: {
      id: 'root',
      type: 'all',
      minCreditPoints: 10,
      levelConstraints: [{ framework: 'EQF', atLeast: '5', minCreditPoints: 5 }],
      children: [
        {
          id: 'core',
          type: 'all',
          children: [
            {
              id: 'intro',
              type: 'component',
              seriesId: series(1),
              creditPoints: 2,
              level: { framework: 'EQF', value: '4' },
            },
            { id: 'advanced', type: 'component', seriesId: series(2), requires: ['intro'] },
          ],
        },
        {
          id: 'electives',
          type: 'n-of',
          n: 2,
          children: [
            { id: 'sql', type: 'component', seriesId: series(3) },
            { id: 'viz', type: 'component', seriesId: series(4) },
            { id: 'ml', type: 'component', seriesId: series(5), hours: 60 },
          ],
        },
      ],
    },
    ...overrides,
  };
}

const groupOf = (content: PathwayContent) => content.root as GroupNode;

const held = (n: number, earned: number, extra: Partial<Holding> = {}): Holding =>
  ({
    kind: 'credential',
    id: `h${n}-${earned}`,
    seriesId: series(n),
    earnedAt: day(earned),
    status: 'active',
    creditPoints: 3,
    hours: 30,
    level: { framework: 'EQF', value: '5' },
    ...extra,
  }) as Holding;

const node = (evaluation: ReturnType<typeof evaluatePathway>, id: string) => {
  const found = evaluation.nodes.find((item) => item.id === id);
  assert.ok(found, id);
  return found;
};

describe('validatePathway', () => {
  test('a sound pathway has no problems, and its referenced series are listed', () => {
    assert.deepEqual(validatePathway(diploma()), []);
    assert.deepEqual(referencedSeriesIds(diploma()), [100, 1, 2, 3, 4, 5].map(series));
  });

  test('lists every structural problem at once, each with a pointer', () => {
    const content = diploma();
    const root = groupOf(content);
    const [core, electives] = root.children as [GroupNode, GroupNode];
    const [intro, advanced] = core.children as [ComponentNode, ComponentNode];
    intro.requires = ['advanced'];
    advanced.requires = ['intro', 'nowhere'];
    electives.n = 4;
    (electives.children[2] as ComponentNode).seriesId = series(3);
    root.children.push({ id: 'empty', type: 'any', children: [] });
    root.minCreditPoints = 1000;
    const problems = validatePathway(content, {
      definitionFacts: () => ({ creditPoints: 3, level: { framework: 'EQF', value: '5' } }),
    });
    const found = problems.map(({ code, pointer }) => `${code} ${pointer}`).sort();
    assert.deepEqual(found, [
      'cyclic_requirement /root/children/0/children/0/requires/0',
      'duplicate_component /root/children/1/children/2/seriesId',
      'empty_group /root/children/2/children',
      'invalid_n /root/children/1/n',
      'unknown_requirement /root/children/0/children/1/requires/1',
      'unreachable_minimum /root/minCreditPoints',
    ]);
    assert.match(
      problems.find((p) => p.code === 'cyclic_requirement')?.message ?? '',
      /advanced → intro → advanced|intro → advanced → intro/,
    );
  });

  test('n below 1 and schema errors are refused; unknown credits skip the minimum check', () => {
    const content = diploma();
    (groupOf(content).children[1] as GroupNode).n = 0;
    assert.deepEqual(
      validatePathway(content).map((p) => p.code),
      ['invalid_n'],
    );
    const bad = validatePathway({
      title: 'x',
      target: { kind: 'definition', seriesId: 'nope' },
      root: {},
      extra: 1,
    });
    assert.ok(bad.length > 0 && bad.every((p) => p.code === 'schema' && p.pointer.startsWith('/')));
    const tooMuch = diploma();
    groupOf(tooMuch).minCreditPoints = 1000;
    assert.deepEqual(validatePathway(tooMuch), []);
  });

  test('level constraints no component can meet are reported', () => {
    const content = diploma();
    groupOf(content).levelConstraints = [{ framework: 'EQF', atLeast: '7', minComponents: 1 }];
    const problems = validatePathway(content, {
      definitionFacts: () => ({ creditPoints: 3, level: { framework: 'EQF', value: '5' } }),
    });
    assert.deepEqual(
      problems.map((p) => p.pointer),
      ['/root/levelConstraints/0'],
    );
  });
});

describe('evaluatePathway', () => {
  test('complete: core in order, two electives, credits and level minimums met', () => {
    const evaluation = evaluatePathway({
      content: diploma(),
      holdings: [held(1, 1), held(2, 5), held(3, 6), held(5, 7)],
      now: NOW,
    });
    assert.equal(evaluation.satisfied, true);
    // intro's override (2) wins over its definition (3).
    assert.equal(evaluation.creditPoints, 2 + 3 + 3 + 3);
    assert.equal(node(evaluation, 'ml').hours, 60);
    assert.equal(evaluation.hours, 30 + 30 + 30 + 60);
    assert.deepEqual(node(evaluation, 'root').remaining, {});
  });

  test('ordering: a component earned before its prerequisite does not count until earned again', () => {
    const before = evaluatePathway({
      content: diploma(),
      holdings: [held(1, 5), held(2, 1), held(3, 6), held(4, 7)],
      now: NOW,
    });
    assert.equal(before.satisfied, false);
    assert.equal(node(before, 'advanced').reason, 'earned-before-prerequisites');
    assert.deepEqual(node(before, 'advanced').remaining, { earn: { seriesId: series(2), after: ['intro'] } });
    // Earned at the same moment is not "before" either.
    const same = evaluatePathway({ content: diploma(), holdings: [held(1, 5), held(2, 5)], now: NOW });
    assert.equal(node(same, 'advanced').satisfied, false);
    const again = evaluatePathway({
      content: diploma(),
      holdings: [held(1, 5), held(2, 1), held(2, 9), held(3, 6), held(4, 7)],
      now: NOW,
    });
    assert.equal(again.satisfied, true);
    assert.equal(node(again, 'advanced').holdingId, 'h2-9');
  });

  test('validity: expired components count unless the pathway requires validity at completion', () => {
    const holdings = [held(1, 1), held(2, 5, { validUntil: day(20) }), held(3, 6), held(4, 7)];
    assert.equal(evaluatePathway({ content: diploma(), holdings, now: NOW }).satisfied, true);
    const strict = evaluatePathway({
      content: diploma({ mustBeValidAtCompletion: true }),
      holdings,
      now: NOW,
    });
    assert.equal(strict.satisfied, false);
    assert.equal(node(strict, 'advanced').reason, 'expired');
    // Revoked and suspended never count; holdings dated after `now` are not yet earned.
    const revoked = evaluatePathway({
      content: diploma(),
      holdings: [held(1, 1), held(2, 5, { status: 'revoked' }), held(3, 40)],
      now: NOW,
    });
    assert.equal(node(revoked, 'advanced').reason, 'revoked');
    assert.equal(node(revoked, 'sql').reason, 'not-yet-earned');
  });

  test('what is left: children, credits and level shortfalls per group', () => {
    const evaluation = evaluatePathway({
      content: diploma(),
      holdings: [
        held(1, 1, { level: { framework: 'EQF', value: '4' } }),
        held(3, 2, { creditPoints: 1, level: { framework: 'EQF', value: '4' } }),
      ],
      now: NOW,
    });
    assert.deepEqual(node(evaluation, 'electives').remaining, { children: 1 });
    assert.equal(node(evaluation, 'electives').creditPoints, 1);
    assert.deepEqual(node(evaluation, 'root').remaining, {
      children: 2,
      creditPoints: 10,
      levels: [{ framework: 'EQF', atLeast: '5', creditPoints: 5, components: 1 }],
    });
  });

  test('recognition of prior learning grants a component by id', () => {
    const rpl: Holding = {
      kind: 'recognition',
      id: 'rpl-1',
      componentId: 'intro',
      earnedAt: day(2),
      status: 'active',
    };
    const evaluation = evaluatePathway({ content: diploma(), holdings: [rpl, held(2, 5)], now: NOW });
    assert.equal(node(evaluation, 'advanced').satisfied, true);
    assert.equal(node(evaluation, 'intro').holdingId, 'rpl-1');
  });
});

describe('planCompletion', () => {
  const level = { framework: 'EQF' as const, value: '5' };
  const offers = new Map([
    ['advanced', { cost: 500, hours: 40, creditPoints: 3, level }],
    ['sql', { cost: 100, hours: 30, creditPoints: 3, level }],
    ['viz', { cost: 50, hours: 50, creditPoints: 3, level }],
    ['ml', { cost: 400, hours: 10, creditPoints: 3, level }],
  ]);

  test('cheapest and shortest ways differ and respect ordering', () => {
    const result = planCompletion({ content: diploma(), holdings: [held(1, 1)], now: NOW, offers });
    assert.equal(result.completable, true);
    assert.equal(result.exact, true);
    assert.deepEqual(result.cheapest, { components: ['advanced', 'sql', 'viz'], cost: 650, hours: 120 });
    assert.deepEqual(result.shortest, { components: ['advanced', 'sql', 'ml'], cost: 1000, hours: 80 });
  });

  test('nothing to plan when complete; not completable when offers are missing', () => {
    const done = planCompletion({
      content: diploma(),
      holdings: [held(1, 1), held(2, 5), held(3, 6), held(5, 7)],
      now: NOW,
      offers,
    });
    assert.equal(done.evaluation.satisfied, true);
    assert.equal(done.cheapest, undefined);
    const stuck = planCompletion({ content: diploma(), holdings: [], now: NOW, offers });
    assert.equal(stuck.completable, false, 'intro has no offer');
  });
});

describe('CTDL Pathway', () => {
  const uriOf = (seriesId: string) => `https://credstack.test/definitions/series/${seriesId}`;
  const seriesIdFor = (uri: string) =>
    uri.startsWith('https://credstack.test/definitions/series/') ? uri.split('/').pop() : undefined;

  test('export uses CTDL pathway terms and reads back to the same content', () => {
    const content = diploma({ description: 'Stacks five micro-credentials.', mustBeValidAtCompletion: true });
    const document = toCtdlPathway(content, {
      uri: 'https://credstack.test/pathways/p1',
      definitionUri: uriOf,
    });
    assert.equal(document['@type'], 'ceterms:Pathway');
    const graph = document['@graph'] as Record<string, unknown>[];
    const advanced = graph.find((item) => item['credstack:nodeId'] === 'advanced');
    assert.equal(advanced?.['@type'], 'ceterms:CredentialComponent');
    assert.deepEqual(advanced?.['ceterms:prerequisite'], [
      'https://credstack.test/pathways/p1/components/intro',
    ]);
    const electives = graph.find((item) => item['credstack:nodeId'] === 'electives');
    const condition = (electives?.['ceterms:hasCondition'] as Record<string, unknown>[] | undefined)?.[0];
    assert.equal(condition?.['ceterms:requiredNumber'], 2);
    const back = fromCtdlPathway(JSON.parse(JSON.stringify(document)), { seriesIdFor });
    assert.deepEqual(back, { ok: true, content });
  });

  test('without Credstack terms, group kinds follow from requiredNumber', () => {
    const document = toCtdlPathway(diploma(), { uri: 'https://x.test/p', definitionUri: uriOf });
    const stripped = JSON.parse(JSON.stringify(document), (key, value) =>
      key === 'credstack:groupType' ? undefined : value,
    );
    const back = fromCtdlPathway(stripped, { seriesIdFor });
    assert.equal(back.ok, true);
    if (back.ok) assert.deepEqual(back.content, diploma());
  });

  test('malformed input gets clear errors with pointers', () => {
    assert.deepEqual(fromCtdlPathway([], { seriesIdFor }), {
      ok: false,
      problems: [{ code: 'schema', pointer: '/', message: 'Expected a JSON-LD object.' }],
    });
    const noPathway = fromCtdlPathway({ '@type': 'ceterms:Credential' }, { seriesIdFor });
    assert.equal(noPathway.ok, false);
    const document = toCtdlPathway(diploma(), { uri: 'https://x.test/p', definitionUri: uriOf }) as {
      '@graph': Record<string, unknown>[];
    };
    const sqlIndex = document['@graph'].findIndex((item) => item['credstack:nodeId'] === 'sql');
    (document['@graph'][sqlIndex] as Record<string, unknown>)['ceterms:proxyFor'] =
      'https://elsewhere.test/c/1';
    const unknown = fromCtdlPathway(document, { seriesIdFor });
    assert.equal(unknown.ok, false);
    if (!unknown.ok) {
      assert.equal(unknown.problems[0]?.pointer, `/@graph/${sqlIndex}/ceterms:proxyFor`);
      assert.match(unknown.problems[0]?.message ?? '', /not a definition in the catalogue/);
    }
    const cyclic = toCtdlPathway(diploma(), { uri: 'https://x.test/p', definitionUri: uriOf }) as {
      '@graph': Record<string, unknown>[];
    };
    const intro = cyclic['@graph'].find((item) => item['credstack:nodeId'] === 'intro') as Record<
      string,
      unknown
    >;
    intro['ceterms:prerequisite'] = ['https://x.test/p/components/advanced'];
    const refused = fromCtdlPathway(cyclic, { seriesIdFor });
    assert.equal(refused.ok, false);
    if (!refused.ok)
      assert.deepEqual(
        refused.problems.map((p) => p.code),
        ['cyclic_requirement'],
      );
  });
});
