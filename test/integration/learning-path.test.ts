import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { systemActor } from '../../src/core/actor.ts';
import { AppError } from '../../src/core/errors.ts';
import type { PathRequest } from '../../src/modules/learning-path/path.model.ts';
import { buildTestApp, type TestContext } from '../helpers/app.ts';

const SKILL = (name: string) => `https://skills.example/path/${name}`;

describe('learning path over the catalogue', () => {
  let ctx: TestContext;
  let organisationId: string;
  const series: Record<string, string> = {};

  async function insert(
    key: string,
    options: {
      skills: string[];
      cost?: number | null;
      hours?: number | null;
      status?: 'published' | 'draft' | 'retired';
      version?: number;
      prerequisites?: string[];
      quality?: number;
      mode?: string;
    },
  ): Promise<string> {
    series[key] ??= randomUUID();
    const id = randomUUID();
    const now = new Date();
    const content = {
      title: `Path ${key}`,
      ...(options.prerequisites ? { prerequisites: { definitionIds: options.prerequisites } } : {}),
    };
    await ctx.deps.database.db
      .insertInto('credential_definitions')
      .values({
        id,
        series_id: series[key]!,
        version: options.version ?? 1,
        organisation_id: organisationId,
        source: 'external',
        status: options.status ?? 'published',
        title: `Path ${key} v${options.version ?? 1}`,
        content: JSON.stringify(content),
        provider_name: 'Path provider',
        quality_score: options.quality ?? 70,
        hours: options.hours === undefined ? 10 : options.hours,
        cost_amount: options.cost === undefined ? 100 : options.cost,
        cost_currency: 'USD',
        delivery_mode: options.mode ?? 'online',
        languages: ['en'],
        skill_uris: options.skills,
        created_by_type: 'system',
        created_at: now,
        updated_at: now,
        published_at: options.status === 'draft' ? null : now,
      })
      .execute();
    return id;
  }

  before(async () => {
    ctx = await buildTestApp();
    const organisation = await ctx.deps.services.organisations.createOrganisation({
      actor: systemActor('test'),
      slug: 'path-provider',
      name: 'Path provider',
    });
    organisationId = organisation.id;
    series.foundations = randomUUID();
    series.basics = randomUUID();
    // foundations ← basics ← advanced: a two-level prerequisite chain; only `advanced` teaches the gap skill.
    await insert('foundations', { skills: [SKILL('unrelated')], cost: 20, version: 1, status: 'retired' });
    await insert('foundations', { skills: [SKILL('unrelated')], cost: 25, version: 2 });
    await insert('basics', { skills: [SKILL('other')], cost: 30, prerequisites: [series.foundations] });
    await insert('advanced', {
      skills: [SKILL('ml'), SKILL('stats')],
      cost: 40,
      prerequisites: [series.basics],
    });
    await insert('pricey', { skills: [SKILL('ml'), SKILL('stats')], cost: 500 });
    await insert('draft', { skills: [SKILL('ml'), SKILL('stats')], cost: 1, status: 'draft' });
    await insert('onsite', { skills: [SKILL('ml')], cost: 5, mode: 'onsite' });
    await insert('sql', { skills: [SKILL('sql')], cost: 60, quality: 30 });
  });
  after(() => ctx.close());

  it('reads aligned published entries passing the filters, with their transitive prerequisites', async () => {
    const candidates = await ctx.deps.services.catalogue.findPathCandidates({
      skillUris: [SKILL('ml'), SKILL('stats'), SKILL('sql')],
      filters: { deliveryModes: ['online'], minQuality: 50 },
      budgetCurrency: 'usd',
    });
    const titles = candidates.map((c) => c.title).sort();
    assert.deepEqual(titles, ['Path advanced v1', 'Path basics v1', 'Path foundations v2', 'Path pricey v1']);
    const advanced = candidates.find((c) => c.title === 'Path advanced v1')!;
    assert.deepEqual(advanced.prerequisiteSeriesIds, [series.basics]);
    assert.equal(advanced.cost, 40);
    assert.match(advanced.url, /\/definitions\//);
  });

  it('recommends a scheduled path through the service, prerequisites first, inside a transaction too', async () => {
    const request: PathRequest = {
      gap: [
        { uri: SKILL('ml'), label: 'machine learning', weight: 2 },
        { uri: SKILL('stats'), label: 'statistics', weight: 1 },
        { uri: SKILL('nobody'), label: 'underwater welding', weight: 1 },
      ],
      heldSeriesIds: [],
      objective: 'cost',
      filters: { deliveryModes: ['online'] },
    };
    const path = await ctx.deps.database.db
      .transaction()
      .execute((trx) =>
        ctx.deps.services.learningPath.recommendPath({ actor: systemActor('test'), request, trx }),
      );
    assert.deepEqual(
      path.steps.map((step) => step.candidate.title),
      ['Path foundations v2', 'Path basics v1', 'Path advanced v1'],
    );
    assert.equal(path.status, 'partial');
    assert.deepEqual(path.uncovered, [
      { uri: SKILL('nobody'), label: 'underwater welding', reason: 'no-credential' },
    ]);
    assert.deepEqual(path.totals, { cost: 95, currency: 'USD', hours: 30, count: 3 });
    assert.equal(path.solver.method, 'ilp');
    assert.match(path.steps[2]!.alternatives[0]!.why, /More expensive/);

    const held = await ctx.deps.services.learningPath.recommendPath({
      actor: systemActor('test'),
      request: { ...request, heldSeriesIds: [series.basics!] },
    });
    assert.deepEqual(
      held.steps.map((step) => step.candidate.title),
      ['Path advanced v1'],
    );
  });

  it('keeps the skill-alignment copy in step with catalogue writes (trigger of migration 0012)', async () => {
    const db = ctx.deps.database.db;
    const read = async () =>
      (
        await ctx.deps.services.catalogue.findPathCandidates({
          skillUris: [SKILL('sql')],
          objective: 'count',
        })
      ).map((c) => `${c.title}:${c.cost}`);
    assert.deepEqual(await read(), ['Path sql v1:60']);
    await db
      .updateTable('credential_definitions')
      .set({ cost_amount: null })
      .where('series_id', '=', series.sql!)
      .execute();
    assert.deepEqual(await read(), ['Path sql v1:null']);
    await db
      .updateTable('credential_definitions')
      .set({ cost_amount: 70 })
      .where('series_id', '=', series.sql!)
      .execute();
    assert.deepEqual(await read(), ['Path sql v1:70']);
    await db
      .updateTable('credential_definitions')
      .set({ status: 'retired' })
      .where('series_id', '=', series.sql!)
      .execute();
    assert.deepEqual(await read(), []);
  });

  it('keeps per skill the entries covering more of the gap first, and leaves out what alone breaks the budget', async () => {
    await insert('cap-a-cheap', { skills: [SKILL('cap-a')], cost: 1, hours: 50 });
    await insert('cap-b-cheap', { skills: [SKILL('cap-b')], cost: 1 });
    await insert('cap-both', { skills: [SKILL('cap-a'), SKILL('cap-b')], cost: 90 });
    await insert('cap-a-short', { skills: [SKILL('cap-a')], cost: 5, hours: 4 });
    const titles = async (options: { objective: 'count' | 'cost'; maxHours?: number }) =>
      (
        await ctx.deps.services.catalogue.findPathCandidates({
          skillUris: options.maxHours === undefined ? [SKILL('cap-a'), SKILL('cap-b')] : [SKILL('cap-a')],
          objective: options.objective,
          budget: options.maxHours === undefined ? undefined : { maxHours: options.maxHours },
          perSkill: 1,
        })
      ).map((candidate) => candidate.title);
    // The cheapest entry of each skill would fill a cap of one; the one covering both skills comes first.
    assert.deepEqual(await titles({ objective: 'count' }), ['Path cap-both v1']);
    assert.deepEqual(await titles({ objective: 'cost' }), ['Path cap-both v1']);
    // Cheapest for cap-a alone is 50 hours long: under a 10-hour budget the next cheapest that fits is kept.
    assert.deepEqual(await titles({ objective: 'cost', maxHours: 10 }), ['Path cap-a-short v1']);
  });

  it('refuses a malformed request with a validation error', async () => {
    await assert.rejects(
      ctx.deps.services.learningPath.recommendPath({
        actor: systemActor('test'),
        request: {
          gap: [{ uri: SKILL('ml'), label: 'ml', weight: -1 }],
          heldSeriesIds: [],
          objective: 'fastest' as never,
          budget: { maxCost: -5, currency: 'dollars' },
          timeLimitMs: 0,
        },
      }),
      (error: unknown) => {
        assert.ok(error instanceof AppError);
        assert.equal(error.code, 'validation_failed');
        assert.deepEqual(
          error.fields?.map((field) => field.pointer),
          ['/objective', '/gap/0/weight', '/budget/maxCost', '/budget/currency', '/timeLimitMs'],
        );
        return true;
      },
    );
  });
});
