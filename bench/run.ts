import { argv } from 'node:process';
import { systemActor } from '../src/core/actor.ts';
import { buildTestApp } from '../test/helpers/app.ts';
import { login } from '../test/helpers/factories.ts';
import { runCatalogueBenchmarks } from './catalogue.bench.ts';
import { measure, report } from './harness.ts';
import { runPathBenchmarks } from './path.bench.ts';
import { FULL_CATALOGUE_SIZE } from './synthetic-catalogue.ts';
import { runVcBenchmarks } from './vc.bench.ts';

/**
 * `npm run bench`: throughput of the foundation's hot paths on the embedded database, each as a ratio
 * against a baseline measured in the same run, then VC signing and verification against independent
 * libraries run side by side (vc.bench.ts), then catalogue search at scale (catalogue.bench.ts).
 * `npm run bench -- --quick` for a short run; `npm run bench:issuance` for bulk issue of 10,000 rows.
 */
const quick = argv.includes('--quick');
const timing = quick
  ? { warmupMs: 100, windowMs: 200, windows: 3 }
  : { warmupMs: 500, windowMs: 1000, windows: 5 };

const ctx = await buildTestApp();
try {
  const { app, deps } = ctx;
  const user = await deps.services.accounts.createUser({
    actor: systemActor('bench'),
    email: 'bench@example.test',
    name: 'Bench',
    password: 'benchmark password',
    emailVerified: true,
    via: 'cli',
  });
  const session = await login(ctx, user.email, 'benchmark password');

  const baseline = await measure(
    { name: 'GET /healthz (no database)', run: () => app.inject({ method: 'GET', url: '/healthz' }) },
    timing,
  );
  const results = [
    await measure(
      {
        name: 'GET /readyz (one database round trip)',
        run: () => app.inject({ method: 'GET', url: '/readyz' }),
      },
      timing,
    ),
    await measure(
      {
        name: 'GET /api/v1/me (session lookup + user read)',
        run: () => session.request({ method: 'GET', url: '/api/v1/me' }),
      },
      timing,
    ),
    await measure(
      {
        name: 'PATCH /api/v1/me (write + audit event in one transaction)',
        run: (() => {
          let i = 0;
          return () =>
            session.request({ method: 'PATCH', url: '/api/v1/me', payload: { name: `Bench ${i++}` } });
        })(),
      },
      timing,
    ),
    await measure(
      {
        name: 'POST /api/v1/auth/signup invalid body (validation → 422)',
        run: () => app.inject({ method: 'POST', url: '/api/v1/auth/signup', payload: { email: 1 } }),
      },
      timing,
    ),
  ];
  report('HTTP API on PGlite (app.inject, no socket)', baseline, results);

  const chain = await deps.services.audit.verifyChain();
  const verifyTiming = { ...timing, windows: 3 };
  const verify = await measure(
    { name: `audit verify (${chain.events} events)`, run: () => deps.services.audit.verifyChain() },
    verifyTiming,
  );
  report('Audit chain', baseline, [verify]);
} finally {
  await ctx.close();
}

await runVcBenchmarks(timing);

// The catalogue at scale: 100,000 entries (20,000 with --quick), search against an ILIKE scan baseline.
await runCatalogueBenchmarks({
  entries: quick ? 20_000 : 100_000,
  samples: quick ? 20 : 50,
  warmup: quick ? 3 : 5,
});
// Learning paths over the synthetic U.S.-sized catalogue (1,850,034 entries; 100,000 with --quick), generated
// once into .bench-cache/ (minutes) and reused: `npm run bench:path` runs it alone.
await runPathBenchmarks({
  entries: quick ? 100_000 : FULL_CATALOGUE_SIZE,
  samples: quick ? 100 : 300,
  warmup: quick ? 10 : 20,
});
// Bulk issue of 10,000 rows takes minutes on PGlite: `npm run bench:issuance` (--quick for 300 rows).
