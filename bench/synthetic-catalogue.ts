import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { argv } from 'node:process';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import { type DatabaseHandle, type Db, openDatabase } from '../src/db/database.ts';

/**
 * A synthetic catalogue the size of the U.S. credential ecosystem (1,850,034 credentials, Credential Engine
 * 2025) in an embedded PGlite database, for the learning-path benchmark.
 *
 * Everything is computed inside the database (`insert … select from generate_series`, in batches), from
 * `hashint8extended(i, seed)`, which PostgreSQL keeps stable across platforms: the same seed gives the same
 * catalogue. The shape:
 * - 14,000 skill URIs: 200 fields of 68 field skills each, plus 400 transversal skills (communication,
 *   teamwork…). A credential belongs to field `i % 200` and aligns to 3–12 skills, about 80 % from its
 *   field and 20 % transversal, each drawn log-uniformly (Zipf-like, exponent ≈ 1) so a few skills are very
 *   common and most are rare.
 * - Level 1–4 (introductory…expert); hours and cost log-normal by level (3 % unknown hours, 5 % unknown
 *   cost, 10 % free); 95 % USD, 3 % EUR, 2 % GBP; quality 40–99 (5 % unscored); delivery online 55 %,
 *   blended 25 %, onsite 20 %; English everywhere, Spanish 10 %, French 3 %.
 * - Prerequisites: 15 % of credentials above introductory level require one or two earlier credentials of
 *   the same field (a smaller index, so the graph is acyclic).
 * Indexes are dropped during the load and built once afterwards; the skill-alignments copy (migration 0012)
 * is filled in one sorted insert after the load instead of by its trigger row by row. The result is cached under `.bench-cache/`
 * keyed by generator version, size and seed, with a `ready.json` marker written last, so an interrupted
 * generation is redone and a finished one reused.
 *
 *   node --import tsx bench/synthetic-catalogue.ts [--entries=N] [--seed=S]
 */

export const GENERATOR_VERSION = 2;
export const FULL_CATALOGUE_SIZE = 1_850_034;
export const FIELDS = 200;
export const FIELD_SKILLS = 68;
export const TRANSVERSAL_SKILLS = 400;
export const SKILL_COUNT = FIELDS * FIELD_SKILLS + TRANSVERSAL_SKILLS;
const BATCH = 50_000;

export function skillUri(index: number): string {
  return `https://esco.example/skill/${String(index).padStart(5, '0')}`;
}

export interface SyntheticCatalogue {
  database: DatabaseHandle;
  entries: number;
  seed: number;
  dataDir: string;
  /** Seconds spent generating (0 when reused from the cache). */
  generatedSeconds: number;
  reused: boolean;
  sizeBytes: number;
}

export interface GenerationInfo {
  version: number;
  entries: number;
  seed: number;
  seconds: number;
}

async function directorySize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

/** Opens the cached catalogue, generating it first when the cache lacks it. */
export async function openSyntheticCatalogue(
  options: { entries?: number; seed?: number; cacheDir?: string; log?: (line: string) => void } = {},
): Promise<SyntheticCatalogue> {
  const entries = options.entries ?? FULL_CATALOGUE_SIZE;
  const seed = options.seed ?? 7;
  const log = options.log ?? ((line: string) => console.log(line));
  const dataDir = join(
    options.cacheDir ?? '.bench-cache',
    `path-catalogue-v${GENERATOR_VERSION}-n${entries}-s${seed}`,
  );
  const marker = join(dataDir, 'ready.json');
  let generatedSeconds = 0;
  let reused = existsSync(marker);
  if (reused) {
    const info = JSON.parse(readFileSync(marker, 'utf8')) as GenerationInfo;
    generatedSeconds = info.seconds;
  } else {
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });
    reused = false;
  }
  const database = await openDatabase({ kind: 'pglite', dataDir: join(dataDir, 'pg') });
  await database.migrate();
  if (!reused) {
    const start = performance.now();
    await generate(database.db, { entries, seed, log });
    generatedSeconds = (performance.now() - start) / 1000;
    const info: GenerationInfo = { version: GENERATOR_VERSION, entries, seed, seconds: generatedSeconds };
    writeFileSync(marker, JSON.stringify(info));
  }
  return {
    database,
    entries,
    seed,
    dataDir,
    generatedSeconds,
    reused,
    sizeBytes: await directorySize(join(dataDir, 'pg')),
  };
}

const DROPPED_INDEXES = [
  'credential_definitions_search_idx',
  'credential_definitions_skills_idx',
  'credential_definitions_quality_idx',
  'credential_definitions_newest_idx',
  'credential_definitions_provider_idx',
  'credential_definitions_org_idx',
  'credential_definitions_external_uq',
  'credential_definitions_series_idx',
  'credential_skill_alignments_cost_idx',
  'credential_skill_alignments_hours_idx',
];

async function generate(db: Db, options: { entries: number; seed: number; log: (line: string) => void }) {
  const { entries, seed, log } = options;
  const organisationId = '00000000-0000-4000-8000-00000000be7c';
  await sql`insert into organisations (id, slug, name, created_at, updated_at)
    values (${organisationId}, 'synthetic-catalogue', 'Synthetic catalogue', now(), now())
    on conflict do nothing`.execute(db);
  // Uniform [0, 1) from (n, salt), stable across platforms.
  await sql`create or replace function bench_u(n bigint, salt integer) returns double precision
    language sql immutable as
    $$ select (hashint8extended(n, salt) & 4503599627370495)::double precision / 4503599627370496.0 $$`.execute(
    db,
  );
  // Standard normal by Box–Muller.
  await sql`create or replace function bench_z(n bigint, salt integer) returns double precision
    language sql immutable as
    $$ select sqrt(-2 * ln(1 - bench_u(n, salt))) * cos(2 * pi() * bench_u(n, salt + 1)) $$`.execute(db);
  // Log-uniform over 0..size-1: rank r has weight ≈ 1/(r+1), a Zipf-like popularity.
  await sql`create or replace function bench_zipf(n bigint, salt integer, size integer) returns integer
    language sql immutable as
    $$ select least(size - 1, floor(exp(bench_u(n, salt) * ln(size + 1)))::integer - 1) $$`.execute(db);

  const indexDefinitions = new Map<string, string>();
  const rows = await sql<{ indexname: string; indexdef: string }>`
    select indexname, indexdef from pg_indexes
    where tablename in ('credential_definitions', 'credential_skill_alignments')`.execute(db);
  for (const row of rows.rows) indexDefinitions.set(row.indexname, row.indexdef);
  for (const name of DROPPED_INDEXES) {
    if (indexDefinitions.has(name)) await sql`drop index ${sql.id(name)}`.execute(db);
  }
  await sql`alter table credential_definitions drop constraint credential_definitions_series_version_uq`.execute(
    db,
  );

  // The alignments copy is filled once after the load, sorted by skill so each skill's rows sit together.
  await sql`alter table credential_definitions disable trigger credential_skill_alignments_sync`.execute(db);

  const s = seed * 64;
  const started = performance.now();
  for (let from = 1; from <= entries; from += BATCH) {
    const to = Math.min(entries, from + BATCH - 1);
    await sql`
      insert into credential_definitions (
        id, series_id, version, organisation_id, source, status, title, content, external_id, provider_name,
        verifiable, quality_score, level_framework, level_value, hours, cost_amount, cost_currency,
        delivery_mode, languages, skill_uris, search_text, created_by_type, created_at, updated_at,
        published_at)
      select md5('d' || ${seed} || '-' || i)::uuid, md5('s' || ${seed} || '-' || i)::uuid, 1, ${organisationId},
        case when bench_u(i, ${s} + 1) < 0.01 then 'own' else 'external' end, 'published', r.title,
        jsonb_build_object('title', r.title) || case when cardinality(r.prerequisites) = 0 then '{}'::jsonb
          else jsonb_build_object('prerequisites', jsonb_build_object('definitionIds', to_jsonb(r.prerequisites))) end,
        'syn-' || i, 'Provider ' || (1 + hashint8extended(i, ${s} + 2) % 5000 + 5000) % 5000,
        true,
        case when bench_u(i, ${s} + 3) < 0.05 then null else 40 + floor(60 * bench_u(i, ${s} + 4))::integer end,
        'difficulty', (array['introductory', 'intermediate', 'advanced', 'expert'])[r.level],
        case when bench_u(i, ${s} + 5) < 0.03 then null
          else round((exp(ln((array[8, 30, 80, 200])[r.level]) + 0.7 * bench_z(i, ${s} + 6)))::numeric, 1)::double precision end,
        case when bench_u(i, ${s} + 8) < 0.05 then null when bench_u(i, ${s} + 9) < 0.10 then 0
          else round((exp(ln((array[60, 250, 900, 2500])[r.level]) + 0.9 * bench_z(i, ${s} + 10)))::numeric, 2)::double precision end,
        case when bench_u(i, ${s} + 12) < 0.95 then 'USD' when bench_u(i, ${s} + 12) < 0.98 then 'EUR' else 'GBP' end,
        case when bench_u(i, ${s} + 13) < 0.55 then 'online' when bench_u(i, ${s} + 13) < 0.80 then 'blended' else 'onsite' end,
        array['en'] || case when bench_u(i, ${s} + 14) < 0.10 then array['es'] else array[]::text[] end
          || case when bench_u(i, ${s} + 15) < 0.03 then array['fr'] else array[]::text[] end,
        r.skills, '', 'system', now(), now(), now()
      from generate_series(${from}::bigint, ${to}::bigint) as i,
      lateral (select
        i % ${FIELDS} as field,
        1 + floor(4 * power(bench_u(i, ${s} + 20), 1.4))::integer as level,
        3 + floor(10 * bench_u(i, ${s} + 21))::integer as skill_count) as f,
      lateral (select
        'Field ' || f.field || ' ' || (array['introductory', 'intermediate', 'advanced', 'expert'])[f.level]
          || ' credential ' || i as title,
        f.level,
        array(select distinct 'https://esco.example/skill/' || lpad(
            (case when bench_u(i * 16 + j, ${s} + 22) < 0.8
              then f.field * ${FIELD_SKILLS} + bench_zipf(i * 16 + j, ${s} + 23, ${FIELD_SKILLS})
              else ${FIELDS * FIELD_SKILLS} + bench_zipf(i * 16 + j, ${s} + 24, ${TRANSVERSAL_SKILLS}) end)::text, 5, '0')
          from generate_series(1, f.skill_count) as j) as skills,
        case when f.level > 1 and bench_u(i, ${s} + 25) < 0.15 then
          array(select distinct md5('s' || ${seed} || '-' || p)::uuid::text from (
            select i - ${FIELDS} * (1 + floor(50 * bench_u(i * 4 + k, ${s} + 26))::bigint) as p
            from generate_series(1, 1 + floor(2 * bench_u(i, ${s} + 27))::integer) as k) as q where p >= 1)
          else array[]::text[] end as prerequisites) as r
    `.execute(db);
    if (to % 250_000 < BATCH || to === entries) {
      log(`  … ${to.toLocaleString('en-US')} rows (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    }
  }

  await sql`set maintenance_work_mem = '256MB'`.execute(db);
  await sql`set work_mem = '256MB'`.execute(db);
  const alignStart = performance.now();
  await sql`
    insert into credential_skill_alignments
      (skill_uri, definition_id, cost_amount, cost_currency, hours, quality_score, delivery_mode, languages, source)
    select skill, d.id, d.cost_amount, upper(d.cost_currency), d.hours, d.quality_score, d.delivery_mode,
      d.languages, d.source
    from credential_definitions as d, unnest(d.skill_uris) as skill
    where d.status = 'published'
    order by skill, d.cost_amount, d.id`.execute(db);
  await sql`alter table credential_definitions enable trigger credential_skill_alignments_sync`.execute(db);
  log(`  skill alignments copied: ${((performance.now() - alignStart) / 1000).toFixed(0)} s`);
  await sql`alter table credential_definitions add constraint credential_definitions_series_version_uq unique (series_id, version)`.execute(
    db,
  );
  for (const name of DROPPED_INDEXES) {
    const definition = indexDefinitions.get(name);
    if (definition === undefined) continue;
    const indexStart = performance.now();
    await sql.raw(definition).execute(db);
    log(`  index ${name}: ${((performance.now() - indexStart) / 1000).toFixed(0)} s`);
  }
  await sql`analyze credential_definitions`.execute(db);
  await sql`analyze credential_skill_alignments`.execute(db);
  await sql`checkpoint`.execute(db);
}

if (import.meta.url === pathToFileURL(argv[1] ?? '').href) {
  const entriesArg = argv.find((a) => a.startsWith('--entries='));
  const seedArg = argv.find((a) => a.startsWith('--seed='));
  const catalogue = await openSyntheticCatalogue({
    entries: entriesArg ? Number(entriesArg.slice('--entries='.length)) : FULL_CATALOGUE_SIZE,
    seed: seedArg ? Number(seedArg.slice('--seed='.length)) : 7,
  });
  console.log(
    `${catalogue.reused ? 'reused' : 'generated'} ${catalogue.entries.toLocaleString('en-US')} credentials in ${catalogue.generatedSeconds.toFixed(0)} s; ${(catalogue.sizeBytes / 2 ** 20).toFixed(0)} MiB at ${catalogue.dataDir}`,
  );
  await catalogue.database.close();
}
