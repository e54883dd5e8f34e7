import assert from 'node:assert/strict';
import { argv } from 'node:process';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import { systemActor } from '../src/core/actor.ts';
import { createCatalogueRepository } from '../src/modules/catalogue/catalogue.repository.ts';
import { buildTestApp } from '../test/helpers/app.ts';

/**
 * "Responsive with 100,000+ entries": the public catalogue search (GET /api/v1/catalogue through
 * app.inject, so validation, SQL, presenter and serialisation all count) on PGlite holding 100,000
 * published entries, with and without filters. Each case reports p50 / p95 latency and its p50 as a ratio
 * against a baseline measured in the same run: the same text query as a plain `ILIKE '%word%'` scan over
 * title and search text (the repository's `searchByIlike`), which is what a catalogue without the
 * full-text index would do.
 *
 * Seeding is one `insert … select from generate_series` inside the database, so 100,000 rows take seconds,
 * not minutes. Every timed request checks its status and that it found something, so a broken query
 * aborts the run instead of being timed.
 *
 *   node --import tsx bench/catalogue.bench.ts [--quick] [--entries=N]
 */

const TOPICS = [
  'python',
  'kubernetes',
  'welding',
  'nursing',
  'accounting',
  'carpentry',
  'statistics',
  'marketing',
  'cybersecurity',
  'plumbing',
  'photography',
  'logistics',
  'robotics',
  'spanish',
  'leadership',
  'excel',
  'networking',
  'biology',
  'chemistry',
  'electrics',
  'hospitality',
  'negotiation',
  'design',
  'geology',
  'agriculture',
  'aviation',
  'banking',
  'coaching',
  'dentistry',
  'ethics',
  'forestry',
  'gaming',
  'hydraulics',
  'insurance',
  'journalism',
  'law',
  'machining',
  'nutrition',
  'optics',
  'pharmacy',
  'quantum',
  'radiology',
  'sales',
  'taxation',
  'urbanism',
  'veterinary',
  'warehousing',
  'xray',
  'yoga',
  'zoology',
];
const LEVELS = ['introductory', 'intermediate', 'advanced', 'expert'];
const MODES = ['online', 'onsite', 'blended'];
const LANGUAGES = ['en', 'de', 'es', 'fr', 'it'];
const ASSESSMENTS = ['test', 'practical', 'portfolio', 'exam', 'external'];

type Latency = { name: string; p50: number; p95: number; samples: number };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function time(
  name: string,
  run: () => Promise<void>,
  samples: number,
  warmup: number,
): Promise<Latency> {
  for (let i = 0; i < warmup; i++) await run();
  const durations: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    await run();
    durations.push(performance.now() - start);
  }
  durations.sort((a, b) => a - b);
  return { name, p50: percentile(durations, 50), p95: percentile(durations, 95), samples };
}

function print(title: string, baseline: Latency, results: Latency[]): void {
  console.log(`\n## ${title}`);
  console.log(
    `baseline: ${baseline.name}: p50 ${baseline.p50.toFixed(1)} ms, p95 ${baseline.p95.toFixed(1)} ms (${baseline.samples} runs)`,
  );
  for (const result of results) {
    console.log(
      `${result.name.padEnd(64)} p50 ${result.p50.toFixed(1).padStart(7)} ms  p95 ${result.p95.toFixed(1).padStart(7)} ms  ${(result.p50 / baseline.p50).toFixed(3)}× baseline`,
    );
  }
}

export async function runCatalogueBenchmarks(options: { entries: number; samples: number; warmup: number }) {
  const ctx = await buildTestApp();
  try {
    const { app, deps } = ctx;
    const db = deps.database.db;
    const organisationIds: string[] = [];
    for (let i = 0; i < 5; i++) {
      const organisation = await deps.services.organisations.createOrganisation({
        actor: systemActor('bench'),
        slug: `bench-${i}`,
        name: `Bench Provider ${i}`,
      });
      organisationIds.push(organisation.id);
    }

    const seedStart = performance.now();
    // A bulk load builds GIN indexes far faster in one go than row by row: drop the two text/array indexes
    // and create them again exactly as migration 0006 does.
    await sql`drop index credential_definitions_search_idx`.execute(db);
    await sql`drop index credential_definitions_skills_idx`.execute(db);
    // Rows are derived from i: topic i % 50, a rare word every 1,000th row, levels, modes, hours, cost and
    // quality cycling at coprime periods so filters combine into varied result sizes.
    await sql`
      insert into credential_definitions (
        id, series_id, version, organisation_id, source, status, title, content, external_id, provider_name,
        verifiable, quality_score, quality, level_framework, level_value, hours, cost_amount, cost_currency,
        delivery_mode, assessment_type, languages, skill_uris, search_text, created_by_type, created_at,
        updated_at, published_at)
      select gen_random_uuid(), gen_random_uuid(), 1, (${organisationIds}::uuid[])[1 + i % 5],
        case when i % 3 = 0 then 'external' else 'own' end, 'published', t.title,
        jsonb_build_object('title', t.title, 'description', t.description,
          'learningOutcomes', jsonb_build_array(jsonb_build_object('id', 'lo-1', 'statement', t.outcome))),
        case when i % 3 = 0 then 'bench-' || i end,
        'Bench Provider ' || (i % 5), i % 7 <> 0, (i * 37) % 101,
        jsonb_build_object('score', (i * 37) % 101, 'band', 'medium', 'redFlags', jsonb_build_array(),
          'reasons', jsonb_build_array(jsonb_build_object('id', 'assessed', 'kind', 'indicator', 'points', 10,
            'message', 'Formally assessed.'))),
        'difficulty', (${LEVELS}::text[])[1 + i % 4], 1 + (i % 120), (i % 50) * 20, 'EUR',
        (${MODES}::text[])[1 + i % 3], (${ASSESSMENTS}::text[])[1 + i % 5],
        array[(${LANGUAGES}::text[])[1 + i % 5]], array['https://skills.example/' || (i % 500)],
        t.description || E'\n' || t.outcome || E'\n' || 'Bench Provider ' || (i % 5),
        'system', now(), now(), now() - (i || ' minutes')::interval
      from generate_series(1, ${options.entries}) as i,
      lateral (select
        initcap((${TOPICS}::text[])[1 + i % 50]) || ' ' || (${LEVELS}::text[])[1 + i % 4] || ' ' || i as title,
        'A course on ' || (${TOPICS}::text[])[1 + (i * 7) % 50] || ' and ' || (${TOPICS}::text[])[1 + i % 50]
          || case when i % 1000 = 0 then ' with zebrafish husbandry' else '' end as description,
        'The learner can apply ' || (${TOPICS}::text[])[1 + i % 50] || ' in practice.' as outcome) as t
    `.execute(db);
    await sql`create index credential_definitions_search_idx on credential_definitions using gin (search_vector) where status = 'published'`.execute(
      db,
    );
    await sql`create index credential_definitions_skills_idx on credential_definitions using gin (skill_uris) where status = 'published'`.execute(
      db,
    );
    await sql`analyze credential_definitions`.execute(db);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const count = await db
      .selectFrom('credential_definitions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    console.log(`\nseeded ${Number(count.n)} catalogue entries in ${seedSeconds.toFixed(1)} s`);

    const search =
      (query: string, atLeast = 1) =>
      async () => {
        const response = await app.inject({ method: 'GET', url: `/api/v1/catalogue${query}` });
        assert.equal(response.statusCode, 200, response.body);
        const body = response.json() as { entries: unknown[]; total: number };
        assert.ok(body.total >= atLeast, `${query}: ${body.total} results`);
      };
    const repo = createCatalogueRepository();
    const ilike = (word: string) => async () => {
      const rows = await repo.searchByIlike(db, word, 20);
      assert.ok(rows.length > 0);
    };
    const { samples, warmup } = options;

    const baselineCommon = await time(
      "ILIKE '%python%' scan, best quality first (baseline)",
      ilike('python'),
      samples,
      warmup,
    );
    const common = [
      await time('q=python (2% of entries), relevance', search('?q=python'), samples, warmup),
      await time('q=python, sort=quality', search('?q=python&sort=quality'), samples, warmup),
      await time(
        'q=python + level, maxHours, language, deliveryMode',
        search(
          '?q=python&levelFramework=difficulty&level=intermediate&maxHours=100&language=en&deliveryMode=online',
          0,
        ),
        samples,
        warmup,
      ),
      await time('q=python, offset=500', search('?q=python&offset=500'), samples, warmup),
    ];
    print(`Catalogue search, ${Number(count.n)} entries: common word`, baselineCommon, common);

    const baselineRare = await time(
      "ILIKE '%zebrafish%' scan (baseline)",
      ilike('zebrafish'),
      samples,
      warmup,
    );
    const rare = [
      await time('q=zebrafish (0.1% of entries)', search('?q=zebrafish'), samples, warmup),
      await time(
        'q="zebrafish husbandry" (phrase)',
        search('?q=%22zebrafish%20husbandry%22'),
        samples,
        warmup,
      ),
    ];
    print(`Catalogue search, ${Number(count.n)} entries: rare word`, baselineRare, rare);

    const filters = [
      await time('no text, best quality first', search('?'), samples, warmup),
      await time('no text, newest first', search('?sort=newest'), samples, warmup),
      await time(
        'skill filter (0.2% of entries)',
        search(`?skill=${encodeURIComponent('https://skills.example/42')}`),
        samples,
        warmup,
      ),
      await time(
        'minQuality=90 + maxCost=200 + source=external',
        search('?minQuality=90&maxCost=200&currency=EUR&source=external'),
        samples,
        warmup,
      ),
      await time(
        'provider + assessmentType',
        search('?provider=bench%20provider%203&assessmentType=exam'),
        samples,
        warmup,
      ),
    ];
    print(`Catalogue filters without text, ${Number(count.n)} entries`, baselineCommon, filters);
  } finally {
    await ctx.close();
  }
}

if (import.meta.url === pathToFileURL(argv[1] ?? '').href) {
  const quick = argv.includes('--quick');
  const entriesArg = argv.find((arg) => arg.startsWith('--entries='));
  await runCatalogueBenchmarks({
    entries: entriesArg ? Number(entriesArg.slice('--entries='.length)) : 100_000,
    samples: quick ? 20 : 100,
    warmup: quick ? 3 : 10,
  });
}
