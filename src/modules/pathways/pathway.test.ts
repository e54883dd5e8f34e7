import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planCompletion } from './pathway.completion.ts';
import { convertCredits, effectiveCreditFramework } from './pathway.credits.ts';
import { fromCtdlPathway, toCtdlPathway } from './pathway.ctdl.ts';
import { evaluatePathway } from './pathway.evaluator.ts';
import type { ComponentNode, CreditFramework, GroupNode, Holding, PathwayContent } from './pathway.model.ts';
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

describe('credit frameworks', () => {
  /** Two components under an overall credit minimum; the definitions' frameworks come from `facts`. */
  function credits(minCreditPoints: number | undefined, overrides: Partial<PathwayContent> = {}) {
    const content: PathwayContent = {
      title: 'Credit pathway',
      target: { kind: 'definition', seriesId: series(100) },
      mustBeValidAtCompletion: false,
      root: {
        id: 'root',
        type: 'any',
        ...(minCreditPoints !== undefined ? { minCreditPoints } : {}),
        children: [
          { id: 'a', type: 'component', seriesId: series(1) },
          { id: 'b', type: 'component', seriesId: series(2) },
        ],
      },
      ...overrides,
    };
    return content;
  }
  const facts =
    (frameworks: Record<number, { creditPoints: number; creditFramework: CreditFramework }>) =>
    (seriesId: string) =>
      frameworks[Number(seriesId.slice(-12))];
  const earned = (n: number, creditPoints: number, creditFramework?: CreditFramework): Holding => ({
    kind: 'credential',
    id: `h${n}`,
    seriesId: series(n),
    earnedAt: day(1),
    status: 'active',
    creditPoints,
    ...(creditFramework ? { creditFramework } : {}),
  });

  test('only ECTS and CATS convert (1 ECTS = 2 CATS); the same framework counts as it is', () => {
    assert.equal(convertCredits(30, 'CATS', 'ECTS'), 15);
    assert.equal(convertCredits(7.5, 'ECTS', 'CATS'), 15);
    assert.equal(convertCredits(4, 'ECVET', 'ECVET'), 4);
    for (const [from, to] of [
      ['ECVET', 'ECTS'],
      ['US-credit-hour', 'CATS'],
      ['AQF-credit', 'ECTS'],
      ['other', 'ECTS'],
      ['ECTS', 'US-credit-hour'],
    ] as const)
      assert.equal(convertCredits(3, from, to), undefined, `${from} → ${to}`);
    // Stated in no framework: already the pathway's. A stated one with no pathway framework: not countable.
    assert.equal(convertCredits(3, undefined, 'ECTS'), 3);
    assert.equal(convertCredits(3, 'ECTS', undefined), undefined);
  });

  test('30 CATS credits meet a 15 ECTS minimum; credits that cannot be converted count 0', () => {
    const content = credits(15, { creditFramework: 'ECTS' });
    const met = evaluatePathway({ content, holdings: [earned(1, 30, 'CATS')], now: NOW });
    assert.equal(met.satisfied, true);
    assert.equal(met.creditFramework, 'ECTS');
    assert.equal(met.creditPoints, 15);
    const short = evaluatePathway({ content, holdings: [earned(1, 28, 'CATS')], now: NOW });
    assert.equal(short.satisfied, false);
    assert.deepEqual(node(short, 'root').remaining, { creditPoints: 1 });
    // A definition changed to ECVET after publishing: its credits count nothing.
    const ecvet = evaluatePathway({ content, holdings: [earned(2, 60, 'ECVET')], now: NOW });
    assert.equal(ecvet.creditPoints, 0);
    assert.equal(ecvet.satisfied, false);
    // In a CATS pathway, ECTS doubles; an override is in the pathway's framework whatever the definition's.
    const cats = credits(15, { creditFramework: 'CATS' });
    (groupOf(cats).children[1] as ComponentNode).creditPoints = 15;
    assert.equal(
      evaluatePathway({ content: cats, holdings: [earned(1, 7.5, 'ECTS')], now: NOW }).creditPoints,
      15,
    );
    assert.equal(
      evaluatePathway({ content: cats, holdings: [earned(2, 1, 'ECVET')], now: NOW }).satisfied,
      true,
    );
  });

  test('without creditFramework the caller’s inferred framework is used; with neither, stated credits count 0', () => {
    const content = credits(20);
    const holdings = [earned(1, 10, 'ECTS')];
    assert.equal(evaluatePathway({ content, holdings, now: NOW, creditFramework: 'CATS' }).creditPoints, 20);
    assert.equal(evaluatePathway({ content, holdings, now: NOW, creditFramework: 'CATS' }).satisfied, true);
    const none = evaluatePathway({ content, holdings, now: NOW });
    assert.equal(none.creditPoints, 0);
    assert.equal(none.creditFramework, undefined);
    // Credits that state no framework (a recognition decision's) count as they are.
    assert.equal(evaluatePathway({ content, holdings: [earned(1, 20)], now: NOW }).satisfied, true);
  });

  test('an ECVET component in an ECTS pathway is refused while a credit minimum counts it', () => {
    const content = credits(10, { creditFramework: 'ECTS' });
    const definitionFacts = facts({
      1: { creditPoints: 20, creditFramework: 'CATS' },
      2: { creditPoints: 8, creditFramework: 'ECVET' },
    });
    const problems = validatePathway(content, { definitionFacts });
    assert.deepEqual(
      problems.map(({ code, pointer }) => `${code} ${pointer}`),
      ['incompatible_credit_framework /root/children/1'],
    );
    assert.match(problems[0]?.message ?? '', /ECVET.*no official conversion.*ECTS/);
    // Overriding its credits (in ECTS) settles it.
    const overridden = credits(10, { creditFramework: 'ECTS' });
    (groupOf(overridden).children[1] as ComponentNode).creditPoints = 4;
    assert.deepEqual(validatePathway(overridden, { definitionFacts }), []);
    // A level constraint's credit minimum counts only the components at its level.
    const levelled = credits(undefined, { creditFramework: 'ECTS' });
    groupOf(levelled).levelConstraints = [{ framework: 'EQF', atLeast: '5', minCreditPoints: 5 }];
    (groupOf(levelled).children[0] as ComponentNode).level = { framework: 'EQF', value: '6' };
    (groupOf(levelled).children[1] as ComponentNode).level = { framework: 'EQF', value: '4' };
    assert.deepEqual(validatePathway(levelled, { definitionFacts }), []);
    (groupOf(levelled).children[1] as ComponentNode).level = { framework: 'EQF', value: '5' };
    assert.deepEqual(
      validatePathway(levelled, { definitionFacts }).map((problem) => problem.pointer),
      ['/root/children/1'],
    );
  });

  test('mixed frameworks without creditFramework are refused; one framework is inferred; converted credits reach minimums', () => {
    const definitionFacts = facts({
      1: { creditPoints: 5, creditFramework: 'ECTS' },
      2: { creditPoints: 10, creditFramework: 'CATS' },
    });
    const mixed = validatePathway(credits(10), { definitionFacts });
    assert.deepEqual(
      mixed.map(({ code, pointer }) => `${code} ${pointer}`),
      ['mixed_credit_frameworks /creditFramework'],
    );
    assert.match(mixed[0]?.message ?? '', /CATS, ECTS.*set creditFramework/);
    // With a framework, CATS converts: 5 + 10/2 = 10 ECTS at most.
    assert.deepEqual(validatePathway(credits(10, { creditFramework: 'ECTS' }), { definitionFacts }), []);
    assert.deepEqual(
      validatePathway(credits(11, { creditFramework: 'ECTS' }), { definitionFacts }).map((p) => p.code),
      ['unreachable_minimum'],
    );
    assert.deepEqual(validatePathway(credits(20, { creditFramework: 'CATS' }), { definitionFacts }), []);
    // All CATS: inferred, and the minimum is read in CATS.
    const allCats = facts({
      1: { creditPoints: 10, creditFramework: 'CATS' },
      2: { creditPoints: 10, creditFramework: 'CATS' },
    });
    assert.equal(effectiveCreditFramework(credits(20), allCats), 'CATS');
    assert.deepEqual(validatePathway(credits(20), { definitionFacts: allCats }), []);
    assert.equal(effectiveCreditFramework(credits(20), definitionFacts), undefined);
  });

  test('a pathway without credit minimums needs no framework, whatever its components state', () => {
    const definitionFacts = facts({
      1: { creditPoints: 5, creditFramework: 'ECTS' },
      2: { creditPoints: 8, creditFramework: 'ECVET' },
    });
    assert.deepEqual(validatePathway(credits(undefined), { definitionFacts }), []);
    assert.deepEqual(
      validatePathway(credits(undefined, { creditFramework: 'CATS' }), { definitionFacts }),
      [],
    );
  });

  test('the planner counts offers’ credits converted', () => {
    const content = credits(10, { creditFramework: 'ECTS' });
    const offers = new Map([
      ['a', { cost: 10, hours: 1, creditPoints: 20, creditFramework: 'CATS' as const }],
      ['b', { cost: 1, hours: 1, creditPoints: 40, creditFramework: 'ECVET' as const }],
    ]);
    const result = planCompletion({ content, holdings: [], now: NOW, offers });
    assert.deepEqual(result.cheapest?.components, ['a'], 'b’s ECVET credits count nothing');
  });

  test('CTDL: the framework travels; another publisher’s credit values are converted or refused', () => {
    const uriOf = (seriesId: string) => `https://credstack.test/definitions/series/${seriesId}`;
    const seriesIdFor = (uri: string) => uri.split('/').pop();
    const content = credits(10, { creditFramework: 'CATS' });
    (groupOf(content).children[0] as ComponentNode).creditPoints = 20;
    const document = toCtdlPathway(content, { uri: 'https://x.test/p', definitionUri: uriOf }) as {
      '@graph': Record<string, unknown>[];
    } & Record<string, unknown>;
    assert.equal(document['credstack:creditFramework'], 'CATS');
    const a = document['@graph'].find((item) => item['credstack:nodeId'] === 'a') as Record<string, unknown>;
    assert.deepEqual(a['ceterms:creditValue'], [
      { '@type': 'schema:QuantitativeValue', 'schema:value': 20, 'schema:description': { en: 'CATS' } },
    ]);
    assert.deepEqual(fromCtdlPathway(JSON.parse(JSON.stringify(document)), { seriesIdFor }), {
      ok: true,
      content,
    });
    // Declared ECTS, a value in CATS: converted.
    const ects = structuredClone(document);
    ects['credstack:creditFramework'] = 'ECTS';
    const back = fromCtdlPathway(ects, { seriesIdFor });
    assert.equal(back.ok, true);
    if (back.ok) {
      assert.equal(back.content.creditFramework, 'ECTS');
      assert.equal((groupOf(back.content).children[0] as ComponentNode).creditPoints, 10);
    }
    // Undeclared: the one framework the values name is the pathway's.
    const undeclared = structuredClone(document);
    delete undeclared['credstack:creditFramework'];
    const inferred = fromCtdlPathway(undeclared, { seriesIdFor });
    assert.equal(inferred.ok && inferred.content.creditFramework, 'CATS');
    // A value in ECVET cannot be counted in ECTS.
    const ecvet = structuredClone(ects);
    const value = (
      ecvet['@graph'].find((item) => item['credstack:nodeId'] === 'a') as Record<string, unknown>
    )['ceterms:creditValue'] as Record<string, unknown>[];
    (value[0] as Record<string, unknown>)['schema:description'] = { en: 'ECVET' };
    const refused = fromCtdlPathway(ecvet, { seriesIdFor });
    assert.equal(refused.ok, false);
    if (!refused.ok) {
      assert.deepEqual(
        refused.problems.map((problem) => problem.code),
        ['incompatible_credit_framework'],
      );
      assert.match(refused.problems[0]?.pointer ?? '', /^\/@graph\/\d+\/ceterms:creditValue\/0$/);
    }
  });
});
