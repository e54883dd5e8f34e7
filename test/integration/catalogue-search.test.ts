import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { systemActor } from '../../src/core/actor.ts';
import type { DefinitionContent } from '../../src/modules/catalogue/definition.model.ts';
import { buildTestApp, type TestContext } from '../helpers/app.ts';
import { createOrganisation, type LooseJson } from '../helpers/credentials.ts';
import { insertDefinition, sampleDefinitionContent } from '../helpers/definitions.ts';

let ctx: TestContext;
const actor = systemActor('test');
const ids: Record<string, string> = {};

const SQL_SKILL = 'http://data.europa.eu/esco/skill/sql';
const RAG_SKILL = 'https://skills.example/rag';

function content(overrides: Partial<DefinitionContent>): DefinitionContent {
  return sampleDefinitionContent({
    assessment: { type: 'external', supervision: 'supervised-online-id', gradingScheme: 'pass/fail' },
    ...overrides,
  });
}

async function publish(slug: string, name: string, definition: DefinitionContent): Promise<void> {
  const { catalogue } = ctx.deps.services;
  const draft = await catalogue.createDefinition({ actor, slug, content: definition });
  await catalogue.submitDefinition({ actor, slug, id: draft.record.id });
  await catalogue.publishDefinition({ actor, slug, id: draft.record.id });
  ids[name] = draft.record.id;
}

async function search(query: string): Promise<{ entries: LooseJson[]; total: number; totalExact: boolean }> {
  const response = await ctx.app.inject({ method: 'GET', url: `/api/v1/catalogue${query}` });
  assert.equal(response.statusCode, 200, response.body);
  return response.json() as { entries: LooseJson[]; total: number; totalExact: boolean };
}

function titles(result: { entries: LooseJson[] }): string[] {
  return result.entries.map((entry) => entry.title).sort();
}

before(async () => {
  ctx = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: '100000' } });
  const first = await createOrganisation(ctx, { prefix: 'search-a' });
  const second = await createOrganisation(ctx, { prefix: 'search-b' });
  await publish(first.slug, 'rag', content({}));
  await publish(
    first.slug,
    'sql',
    content({
      title: 'Analytical SQL',
      description: 'Write window functions and joins over large tables.',
      learningOutcomes: [
        {
          statement: 'The learner can query databases with SQL.',
          skills: [{ uri: SQL_SKILL, label: 'use databases' }],
        },
      ],
      level: { framework: 'difficulty', value: 'intermediate' },
      workload: { hours: 8 },
      cost: { amount: 120, currency: 'EUR' },
      participation: { mode: 'blended' },
      languages: ['en-GB', 'es'],
    }),
  );
  await publish(
    second.slug,
    'welding',
    content({
      title: 'Underwater welding safety',
      description: 'Safe practice for wet welding.',
      learningOutcomes: [{ statement: 'The learner can weld safely under water.' }],
      level: { framework: 'EQF', value: '4' },
      workload: { hours: 60 },
      cost: { amount: 900, currency: 'USD' },
      participation: { mode: 'onsite' },
      languages: ['de'],
    }),
  );
  // Neither a draft nor a retired version is listed.
  const draft = await ctx.deps.services.catalogue.createDefinition({
    actor,
    slug: second.slug,
    content: content({ title: 'Secret draft about SQL' }),
  });
  ids.draft = draft.record.id;
  await publish(second.slug, 'retired', content({ title: 'Retired SQL course' }));
  await ctx.deps.services.catalogue.retireDefinition({
    actor,
    slug: second.slug,
    id: ids.retired!,
    reason: 'gone',
  });
  // A row written without the catalogue (as other modules' tests do) is still listed and filtered.
  const raw = await insertDefinition(ctx, {
    organisationId: second.id,
    content: content({ title: 'Raw insert' }),
  });
  ids.raw = raw.id;
});
after(async () => {
  await ctx.close();
});

describe('the public catalogue', () => {
  test('lists published entries of every organisation, never drafts or retired ones, each with its quality', async () => {
    const all = await search('?limit=100');
    const listed = all.entries.map((entry) => entry.id);
    for (const name of ['rag', 'sql', 'welding', 'raw']) assert.ok(listed.includes(ids[name]), name);
    assert.ok(!listed.includes(ids.draft));
    assert.ok(!listed.includes(ids.retired));
    assert.equal(all.total, 4);
    assert.equal(all.totalExact, true);
    const rag = all.entries.find((entry) => entry.id === ids.rag)!;
    assert.equal(typeof rag.quality.score, 'number');
    assert.ok(rag.quality.topReasons.length > 0 && rag.quality.topReasons.length <= 3);
    assert.ok(rag.quality.topReasons[0].message);
    assert.equal(rag.url, `http://credstack.test/definitions/${ids.rag}`);
    assert.equal(rag.source, 'own');
    assert.equal(rag.relevance, null);
    assert.deepEqual(rag.skills, [{ uri: RAG_SKILL, label: 'retrieval-augmented generation' }]);
    // Sorted by quality (the default without text), best first.
    const scores = all.entries.map((entry) => entry.quality.score ?? -1);
    assert.deepEqual(
      scores,
      [...scores].sort((a, b) => b - a),
    );
  });

  test('full text: stemming, skill labels, provider, web-search syntax, relevance', async () => {
    // The raw insert shares the RAG description: test helpers compute the search text as the catalogue does.
    assert.deepEqual(titles(await search('?q=pipelines')), [
      'Raw insert',
      'Retrieval-augmented generation in practice',
    ]);
    assert.deepEqual(titles(await search('?q=databases')), ['Analytical SQL']);
    assert.deepEqual(titles(await search('?q=%22window%20functions%22')), ['Analytical SQL']);
    assert.deepEqual(titles(await search('?q=weld%20-underwater')), []);
    assert.deepEqual(titles(await search('?q=welding%20or%20sql')), [
      'Analytical SQL',
      'Underwater welding safety',
    ]);
    const ranked = await search('?q=sql');
    assert.ok(ranked.entries.every((entry) => typeof entry.relevance === 'number' && entry.relevance > 0));
    assert.equal((await search('?q=zzzznothing')).total, 0);
    assert.equal((await search('?q=')).total, 4);
  });

  test('every filter narrows the result', async () => {
    const cases: Array<[string, string[]]> = [
      [`?skill=${encodeURIComponent(SQL_SKILL)}`, ['Analytical SQL']],
      ['?levelFramework=difficulty&level=Intermediate', ['Analytical SQL']],
      ['?levelFramework=EQF&level=4', ['Underwater welding safety']],
      ['?minHours=50', ['Underwater welding safety']],
      ['?maxHours=10', ['Analytical SQL']],
      ['?minHours=20&maxHours=30', ['Raw insert', 'Retrieval-augmented generation in practice']],
      ['?maxCost=200&currency=EUR&q=sql', ['Analytical SQL']],
      ['?maxCost=1000&currency=USD', ['Underwater welding safety']],
      ['?deliveryMode=blended', ['Analytical SQL']],
      ['?deliveryMode=onsite', ['Underwater welding safety']],
      ['?language=en&q=sql', ['Analytical SQL']],
      ['?language=en-GB', ['Analytical SQL']],
      ['?language=de', ['Underwater welding safety']],
      ['?source=external', []],
      ['?assessmentType=test', []],
    ];
    for (const [query, expected] of cases) {
      assert.deepEqual(titles(await search(query)), expected.sort(), query);
    }
    const provider = (await search(`?q=welding`)).entries[0]!.provider.name as string;
    assert.deepEqual(titles(await search(`?provider=${encodeURIComponent(provider.toUpperCase())}`)), [
      'Underwater welding safety',
    ]);
    assert.deepEqual(titles(await search('?provider=test%20organisation')), ['Raw insert']);
    const best = (await search('?limit=1')).entries[0]!.quality.score as number;
    assert.ok((await search(`?minQuality=${best}`)).entries.every((entry) => entry.quality.score >= best));
  });

  test('pagination with limit, offset and total; sort newest', async () => {
    const first = await search('?limit=2&offset=0');
    const second = await search('?limit=2&offset=2');
    assert.equal(first.total, 4);
    assert.equal(second.total, 4);
    assert.equal(first.entries.length, 2);
    assert.equal(second.entries.length, 2);
    const seen = [...first.entries, ...second.entries].map((entry) => entry.id);
    assert.equal(new Set(seen).size, 4);
    assert.equal((await search('?limit=2&offset=4')).entries.length, 0);
    const newest = await search('?sort=newest&limit=10');
    const dates = newest.entries.map((entry) => entry.publishedAt as string);
    assert.deepEqual(dates, [...dates].sort().reverse());
  });

  test('bad queries are 400 with the parameter named', async () => {
    for (const query of [
      '?limit=0',
      '?limit=101',
      '?offset=-1',
      '?sort=random',
      '?colour=blue',
      '?minQuality=x',
    ]) {
      const response = await ctx.app.inject({ method: 'GET', url: `/api/v1/catalogue${query}` });
      assert.equal(response.statusCode, 400, query);
      assert.equal(response.json().code, 'invalid_request');
    }
  });

  test('one entry with its full conformance and quality reports', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: `/api/v1/catalogue/${ids.sql}` });
    assert.equal(response.statusCode, 200, response.body);
    const entry = response.json().entry as LooseJson;
    assert.equal(entry.title, 'Analytical SQL');
    assert.equal(entry.status, 'published');
    assert.ok(Array.isArray(entry.conformance.elements) && entry.conformance.elements.length > 0);
    assert.equal(entry.conformance.publishable, true);
    assert.ok(Array.isArray(entry.qualityReport.reasons));
    assert.equal(entry.quality.score, Math.round(entry.qualityReport.score));
    assert.equal(entry.content.cost.amount, 120);
    assert.equal(entry.organisation, entry.organisation?.toString());
    assert.equal('reviewComment' in entry, false);
  });
});
