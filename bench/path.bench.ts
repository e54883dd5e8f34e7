import assert from 'node:assert/strict';
import { argv } from 'node:process';
import { pathToFileURL } from 'node:url';
import { systemActor } from '../src/core/actor.ts';
import { systemClock } from '../src/core/clock.ts';
import { randomId } from '../src/core/ids.ts';
import { seededRandom as random } from '../src/modules/assessments/randomness.ts';
import type { AuditService } from '../src/modules/audit/audit.service.ts';
import { createCatalogueService } from '../src/modules/catalogue/catalogue.service.ts';
import { createLearningPathService } from '../src/modules/learning-path/learning-path.service.ts';
import { planLearningPath } from '../src/modules/learning-path/optimizer.ts';
import type { GapSkill, LearningPath, PathRequest } from '../src/modules/learning-path/path.model.ts';
import type { OrganisationsService } from '../src/modules/organisations/organisations.service.ts';
import { testConfig } from '../test/helpers/app.ts';
import {
  FIELD_SKILLS,
  FIELDS,
  FULL_CATALOGUE_SIZE,
  openSyntheticCatalogue,
  skillUri,
  TRANSVERSAL_SKILLS,
} from './synthetic-catalogue.ts';

/**
 * Learning-path recommendation at the scale of the U.S. credential ecosystem: 1,850,034 published
 * credentials in embedded PGlite (bench/synthetic-catalogue.ts, generated once and cached in
 * `.bench-cache/`). For a few hundred random gaps of 3–15 skills (drawn like the catalogue's own skill
 * popularity: mostly one field's skills, some transversal ones; objectives, budgets and filters varied),
 * it times the candidate query and the solve, and reports p50 / p95 of the whole recommendation, of each
 * part, the ratio against the candidate query alone (the baseline measured in the same run), and peak RSS.
 *
 *   node --import tsx bench/path.bench.ts [--quick] [--entries=N] [--samples=N]
 */

type Latencies = { p50: number; p95: number; max: number };

function percentiles(values: number[]): Latencies {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
  return { p50: at(50), p95: at(95), max: sorted[sorted.length - 1]! };
}

function zipf(next: () => number, size: number): number {
  return Math.min(size - 1, Math.floor(Math.exp(next() * Math.log(size + 1))) - 1);
}

function randomRequest(next: () => number, index: number): PathRequest {
  const field = Math.floor(next() * FIELDS);
  const size = 3 + Math.floor(next() * 13);
  const uris = new Set<string>();
  while (uris.size < size) {
    const skill =
      next() < 0.75
        ? field * FIELD_SKILLS + zipf(next, FIELD_SKILLS)
        : FIELDS * FIELD_SKILLS + zipf(next, TRANSVERSAL_SKILLS);
    uris.add(skillUri(skill));
  }
  const gap: GapSkill[] = [...uris].map((uri, position) => ({
    uri,
    label: uri.slice(uri.lastIndexOf('/') + 1),
    weight: position < size / 2 ? 2 : 1,
  }));
  const objective = (['cost', 'hours', 'count'] as const)[index % 3]!;
  return {
    gap,
    heldSeriesIds: [],
    objective,
    budget: index % 4 === 0 ? { maxCost: 1500, currency: 'USD' } : undefined,
    filters: index % 5 === 0 ? { minQuality: 60, languages: ['en'] } : undefined,
    timeLimitMs: 2000,
  };
}

export async function runPathBenchmarks(options: { entries: number; samples: number; warmup: number }) {
  const rssBefore = process.memoryUsage().rss;
  const catalogueData = await openSyntheticCatalogue({ entries: options.entries });
  const db = catalogueData.database.db;
  try {
    const config = testConfig();
    // The candidate read touches neither the audit log nor organisations.
    const catalogue = createCatalogueService({
      db,
      clock: systemClock,
      ids: randomId,
      config,
      audit: {} as AuditService,
      organisations: {} as Pick<OrganisationsService, 'requireAccess'>,
      instruments: [],
    });
    const learningPath = createLearningPathService({ catalogue });
    const next = random(20_251_123);
    const requests = Array.from({ length: options.warmup + options.samples }, (_, i) =>
      randomRequest(next, i),
    );

    const query: number[] = [];
    const solve: number[] = [];
    const total: number[] = [];
    const considered: number[] = [];
    const read: number[] = [];
    const outcomes = new Map<string, number>();
    for (const [i, request] of requests.entries()) {
      const start = performance.now();
      const candidates = await catalogue.findPathCandidates({
        skillUris: request.gap.map((skill) => skill.uri),
        filters: request.filters,
        budgetCurrency: request.budget?.currency,
        objective: request.objective,
      });
      const queried = performance.now();
      const path: LearningPath = await planLearningPath({ request, candidates });
      const done = performance.now();
      assert.ok(path.steps.length > 0 || path.status !== 'complete');
      if (i < options.warmup) continue;
      query.push(queried - start);
      solve.push(done - queried);
      total.push(done - start);
      read.push(candidates.length);
      considered.push(path.solver.candidatesConsidered);
      const key = `${path.status}/${path.solver.method}${path.solver.timedOut ? '/timed-out' : ''}`;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }
    // The service end to end once more on a sample, so the wiring (validation included) is exercised.
    const viaService = await learningPath.recommendPath({
      actor: systemActor('bench'),
      request: requests[0]!,
    });
    assert.ok(viaService.solver.candidatesConsidered >= 0);

    const wholeLatency = percentiles(total);
    const queryLatency = percentiles(query);
    const solveLatency = percentiles(solve);
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const { maxRSS } = process.resourceUsage();
    console.log(
      `\n## Learning path on ${catalogueData.entries.toLocaleString('en-US')} published credentials (PGlite)`,
    );
    console.log(
      `catalogue: ${catalogueData.reused ? 'reused from cache' : 'generated'} (generation ${catalogueData.generatedSeconds.toFixed(0)} s), ${(catalogueData.sizeBytes / 2 ** 20).toFixed(0)} MiB on disk`,
    );
    console.log(
      `baseline: candidate query alone: p50 ${queryLatency.p50.toFixed(1)} ms, p95 ${queryLatency.p95.toFixed(1)} ms`,
    );
    const line = (name: string, l: Latencies, ratio?: number) =>
      console.log(
        `${name.padEnd(44)} p50 ${l.p50.toFixed(1).padStart(7)} ms  p95 ${l.p95.toFixed(1).padStart(7)} ms  max ${l.max.toFixed(1).padStart(7)} ms${ratio === undefined ? '' : `  ${ratio.toFixed(2)}× baseline`}`,
      );
    line(
      `recommendation (query + solve), ${total.length} gaps`,
      wholeLatency,
      wholeLatency.p50 / queryLatency.p50,
    );
    line('  candidate query', queryLatency);
    line('  solve (prune, ILP, schedule, explain)', solveLatency);
    console.log(
      `candidates read per gap: mean ${mean(read).toFixed(0)}, max ${Math.max(...read)}; seen by the solver: mean ${mean(considered).toFixed(0)}, max ${Math.max(...considered)}`,
    );
    console.log(`outcomes: ${[...outcomes].map(([key, count]) => `${key} ${count}`).join(', ')}`);
    console.log(
      `peak RSS ${(maxRSS / 1024).toFixed(0)} MiB (${(rssBefore / 2 ** 20).toFixed(0)} MiB before opening the catalogue)`,
    );
    console.log(`target p95 < 100 ms: ${wholeLatency.p95 < 100 ? 'met' : 'missed'}`);
  } finally {
    await catalogueData.database.close();
  }
}

if (import.meta.url === pathToFileURL(argv[1] ?? '').href) {
  const quick = argv.includes('--quick');
  const entriesArg = argv.find((a) => a.startsWith('--entries='));
  const samplesArg = argv.find((a) => a.startsWith('--samples='));
  await runPathBenchmarks({
    entries: entriesArg
      ? Number(entriesArg.slice('--entries='.length))
      : quick
        ? 100_000
        : FULL_CATALOGUE_SIZE,
    samples: samplesArg ? Number(samplesArg.slice('--samples='.length)) : quick ? 100 : 300,
    warmup: quick ? 10 : 20,
  });
}
