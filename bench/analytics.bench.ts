import assert from 'node:assert/strict';
import { argv } from 'node:process';
import { sql } from 'kysely';
import { systemActor } from '../src/core/actor.ts';
import { buildTestApp } from '../test/helpers/app.ts';
import { createOrganisation, issueAs } from '../test/helpers/credentials.ts';

/**
 * Organisation analytics and the verification counter over many credentials:
 *
 *   node --import tsx bench/analytics.bench.ts                  100,000 credentials on PGlite
 *   TEST_DB=postgres TEST_DATABASE_URL=… node --import tsx bench/analytics.bench.ts   on PostgreSQL
 *   node --import tsx bench/analytics.bench.ts --rows 10000     fewer
 *
 * Credentials are copies of one issued credential spread over the past year (one in ten revoked), each
 * verified once; the report is the median time of a year of analytics by week and by day, the issuer page,
 * and one counted verification.
 */
const rowsArg = argv.indexOf('--rows');
const rowCount = rowsArg >= 0 ? Number(argv[rowsArg + 1]) : 100_000;
assert.ok(Number.isInteger(rowCount) && rowCount > 0 && rowCount <= 1_000_000, '--rows takes 1 to 1000000');

async function median(runs: number, work: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const ctx = await buildTestApp();
try {
  const { owner, slug, id: organisationId } = await createOrganisation(ctx, { prefix: 'bench' });
  const issued = await issueAs(owner, slug);
  const db = ctx.deps.database.db;
  const now = ctx.clock.now();
  const start = performance.now();
  await sql`
    insert into credentials (id, organisation_id, credential_uri, format, cryptosuite, types, document, issuer,
      key_id, name, achievement_name, recipient_email, status, status_changed_at, issued_at, issued_via,
      definition_id, issued_by_type)
    select gen_random_uuid(), organisation_id, credential_uri || '#' || n, format, cryptosuite, types, document,
      issuer, key_id, name, achievement_name, recipient_email,
      case when n % 10 = 0 then 'revoked' else 'active' end,
      case when n % 10 = 0 then ${now}::timestamptz - (n % 300) * interval '1 day' end,
      ${now}::timestamptz - (n % 365) * interval '1 day', issued_via, definition_id, issued_by_type
    from credentials, generate_series(1, ${rowCount}) as n
    where id = ${issued.id}`.execute(db);
  await sql`
    insert into credential_verification_events (credential_id, organisation_id, verdict, verified_at)
    select id, organisation_id, 'valid', issued_at + interval '1 hour' from credentials
    where organisation_id = ${organisationId}`.execute(db);
  await sql`analyze`.execute(db);
  const seedMs = performance.now() - start;

  const actor = systemActor('bench');
  const from = new Date(now.getTime() - 365 * 86_400_000).toISOString();
  const { analytics, credentials } = ctx.deps.services;
  const year = await analytics.getOrgAnalytics({ actor, slug, from, bucket: 'week' });
  assert.equal(year.totals.issued, rowCount + 1);
  const weekMs = await median(7, () => analytics.getOrgAnalytics({ actor, slug, from, bucket: 'week' }));
  const dayMs = await median(7, () => analytics.getOrgAnalytics({ actor, slug, from, bucket: 'day' }));
  const issuerMs = await median(7, () => analytics.getIssuerPage({ slug }));
  const credentialUri = (issued.verifiableCredential as { id: string }).id;
  assert.ok(await credentials.findByCredentialUri({ credentialUri }));
  const countMs = await median(51, () => analytics.countVerification({ credentialUri, verdict: 'valid' }));

  console.log(`\n## analytics (${process.env.TEST_DB === 'postgres' ? 'PostgreSQL' : 'PGlite'})`);
  console.log(`seeded ${rowCount} credentials and verifications in ${(seedMs / 1000).toFixed(1)} s`);
  console.log(`a year by week:             ${weekMs.toFixed(1)} ms (median of 7)`);
  console.log(`a year by day:              ${dayMs.toFixed(1)} ms (median of 7)`);
  console.log(`issuer page:                ${issuerMs.toFixed(1)} ms (median of 7)`);
  console.log(`one counted verification:   ${countMs.toFixed(2)} ms (median of 51)`);
} finally {
  await ctx.close();
}
