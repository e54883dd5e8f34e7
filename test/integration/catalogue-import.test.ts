import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildTestApp, type TestContext } from '../helpers/app.ts';
import {
  apiToken,
  createOrganisation,
  type LooseJson,
  memberWithRole,
  problem,
  withToken,
} from '../helpers/credentials.ts';
import type { Session } from '../helpers/factories.ts';

let ctx: TestContext;
let owner: Session;
let slug: string;
let organisationId: string;

before(async () => {
  ctx = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: '100000' } });
  ({ owner, slug, id: organisationId } = await createOrganisation(ctx, { prefix: 'imp' }));
});
after(async () => {
  await ctx.close();
});

const HEADER =
  'id,title,provider,description,skills,outcomes,hours,level,cost,currency,delivery_mode,languages,assessment_type,verifiable';

function csvRow(id: string, title: string, extra: { hours?: number; provider?: string } = {}): string {
  return [
    id,
    title,
    extra.provider ?? 'Cloud Academy',
    `${title}: what it covers.`,
    'https://skills.example/cloud',
    'The learner can describe cloud services.',
    String(extra.hours ?? 20),
    'introductory',
    '100',
    'USD',
    'online',
    'en',
    'exam',
    'true',
  ].join(',');
}

function csv(...rows: string[]): string {
  return `${HEADER}\n${rows.join('\n')}\n`;
}

const url = () => `/api/v1/orgs/${slug}/catalogue/imports`;

async function importFile(session: Session, payload: Record<string, unknown>) {
  return session.request({ method: 'POST', url: url(), payload });
}

async function externalCount(): Promise<number> {
  const row = await ctx.deps.database.db
    .selectFrom('credential_definitions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('organisation_id', '=', organisationId)
    .where('source', '=', 'external')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function auditCount(): Promise<number> {
  const row = await ctx.deps.database.db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('importing an external catalogue', () => {
  test('CSV: entries become published external entries with reports; re-import is idempotent; a change updates', async () => {
    const file = csv(
      csvRow('aws-cp', 'Cloud Practitioner'),
      csvRow('gcp-ace', 'Cloud Engineer', { hours: 40 }),
    );
    const first = await importFile(owner, { format: 'csv', content: file });
    assert.equal(first.statusCode, 200, first.body);
    const report = first.json() as LooseJson;
    assert.deepEqual(
      [report.created, report.updated, report.unchanged, report.skipped, report.problems.length],
      [2, 0, 0, 0, 0],
    );
    assert.equal(report.dryRun, false);
    const entry = report.entries.find((item: LooseJson) => item.externalId === 'aws-cp');
    assert.equal(entry.change, 'created');

    const listed = await owner.request({
      method: 'GET',
      url: `/api/v1/orgs/${slug}/definitions?source=external`,
    });
    assert.equal(listed.json().total, 2);
    const stored = listed.json().definitions.find((item: LooseJson) => item.id === entry.id);
    assert.equal(stored.status, 'published');
    assert.equal(stored.source, 'external');
    assert.equal(stored.externalId, 'aws-cp');
    assert.equal(stored.provider.name, 'Cloud Academy');
    assert.equal(typeof stored.quality.score, 'number');

    const publicEntry = await ctx.app.inject({ method: 'GET', url: `/api/v1/catalogue/${entry.id}` });
    assert.equal(publicEntry.statusCode, 200);
    assert.equal(publicEntry.json().entry.source, 'external');
    assert.equal(publicEntry.json().entry.organisation, null);
    assert.ok(publicEntry.json().entry.conformance.elements.length > 0);
    const search = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/catalogue?source=external&q=practitioner',
    });
    assert.deepEqual(
      search.json().entries.map((item: LooseJson) => item.id),
      [entry.id],
    );

    const events = await auditCount();
    const again = await importFile(owner, { format: 'csv', content: file });
    assert.equal(again.statusCode, 200);
    assert.deepEqual([again.json().created, again.json().updated, again.json().unchanged], [0, 0, 2]);
    assert.equal(
      await auditCount(),
      events,
      'an unchanged re-import writes nothing, not even an audit event',
    );

    const changed = csv(
      csvRow('aws-cp', 'Cloud Practitioner (2024)'),
      csvRow('gcp-ace', 'Cloud Engineer', { hours: 40 }),
    );
    const update = await importFile(owner, { format: 'csv', content: changed });
    assert.deepEqual([update.json().created, update.json().updated, update.json().unchanged], [0, 1, 1]);
    const updated = update.json().entries.find((item: LooseJson) => item.externalId === 'aws-cp');
    assert.equal(updated.id, entry.id, 'updated in place, same id');
    const after = await owner.request({ method: 'GET', url: `/api/v1/orgs/${slug}/definitions/${entry.id}` });
    assert.equal(after.json().definition.title, 'Cloud Practitioner (2024)');
    assert.equal(after.json().definition.version, 1);
    assert.equal(await externalCount(), 2);
    const types = await ctx.deps.database.db
      .selectFrom('audit_events')
      .select('type')
      .where('subject_id', '=', entry.id)
      .orderBy('seq')
      .execute();
    assert.deepEqual(
      types.map((row) => row.type),
      ['definition.imported', 'definition.imported'],
    );

    // External entries change only by import.
    const put = await owner.request({
      method: 'PUT',
      url: `/api/v1/orgs/${slug}/definitions/${entry.id}`,
      payload: { title: 'Mine now' },
    });
    assert.equal(put.statusCode, 409);
    assert.match(problem(put).detail, /Re-import/);
    for (const action of ['versions', 'submit', 'publish']) {
      const response = await owner.request({
        method: 'POST',
        url: `/api/v1/orgs/${slug}/definitions/${entry.id}/${action}`,
      });
      assert.equal(response.statusCode, 409, action);
    }
  });

  test('all or nothing: one bad row refuses the file with every problem; skipInvalid imports the rest', async () => {
    const before = await externalCount();
    const bad = csv(
      csvRow('ok-1', 'Good entry'),
      'bad-1,,Cloud Academy',
      csvRow('bad-2', 'Bad hours').replace(',20,', ',many,'),
    );
    const refused = await importFile(owner, { format: 'csv', content: bad });
    assert.equal(refused.statusCode, 422, refused.body);
    const body = refused.json() as { code: string; detail: string; errors: LooseJson[] };
    assert.equal(body.code, 'validation_failed');
    assert.ok(body.errors.length >= 2, JSON.stringify(body.errors));
    assert.ok(body.errors.every((error) => error.in === 'file' && error.message));
    assert.match(body.detail, /nothing was imported/);
    assert.equal(await externalCount(), before);

    const skipped = await importFile(owner, { format: 'csv', content: bad, skipInvalid: true });
    assert.equal(skipped.statusCode, 200, skipped.body);
    assert.equal(skipped.json().created, 1);
    assert.ok(skipped.json().problems.length >= 2);
    assert.equal(await externalCount(), before + 1);
  });

  test('a CSV with 1 good and 9,999 bad rows is refused whole, every row reported', async () => {
    const before = await externalCount();
    const rows = [csvRow('lone-good', 'The only good one')];
    for (let i = 0; i < 9999; i++) rows.push(`bad-${i},,`);
    const response = await importFile(owner, { format: 'csv', content: csv(...rows) });
    assert.equal(response.statusCode, 422);
    assert.ok((response.json() as { errors: unknown[] }).errors.length >= 9999);
    assert.equal(await externalCount(), before);
  });

  test('dry run reports and writes nothing', async () => {
    const before = await externalCount();
    const events = await auditCount();
    const response = await importFile(owner, {
      format: 'csv',
      content: csv(csvRow('dry-1', 'Dry one'), csvRow('dry-2', 'Dry two')),
      dryRun: true,
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.json().dryRun, true);
    assert.equal(response.json().created, 2);
    assert.equal(await externalCount(), before);
    assert.equal(await auditCount(), events);
  });

  test('OB 3.0 Achievement JSON and CTDL JSON-LD, also uploaded raw', async () => {
    const achievements = JSON.stringify([
      {
        '@context': [
          'https://www.w3.org/ns/credentials/v2',
          'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
        ],
        id: 'https://badges.example/achievements/k8s',
        type: ['Achievement'],
        name: 'Kubernetes administrator',
        description: 'Runs production clusters.',
        criteria: { narrative: 'Pass the hands-on performance exam.' },
        creator: { id: 'https://cncf.example', type: ['Profile'], name: 'Cloud Native Foundation' },
      },
    ]);
    const ob = await importFile(owner, { format: 'ob3', content: achievements });
    assert.equal(ob.statusCode, 200, ob.body);
    assert.equal(ob.json().created, 1);
    const obId = ob.json().entries[0].id as string;
    const obEntry = (await ctx.app.inject({ method: 'GET', url: `/api/v1/catalogue/${obId}` })).json().entry;
    assert.equal(obEntry.provider.name, 'Cloud Native Foundation');
    assert.equal(obEntry.sourceUri, 'https://badges.example/achievements/k8s');
    assert.equal(obEntry.verifiable, true);

    const ctid = 'ce-11111111-2222-3333-4444-555555555555';
    const ctdl = JSON.stringify({
      '@context': 'https://credreg.net/ctdl/schema/context/json',
      '@id': `https://credentialengineregistry.org/resources/${ctid}`,
      '@type': 'ceterms:Certification',
      'ceterms:ctid': ctid,
      'ceterms:name': { en: 'Certified Welder' },
      'ceterms:description': { en: 'Welding certification.' },
      'ceterms:subjectWebpage': 'https://welding.example/cw',
      'ceterms:inLanguage': ['en'],
      'ceterms:ownedBy': [
        { '@type': 'ceterms:CredentialOrganization', 'ceterms:name': { en: 'Welding Society' } },
      ],
    });
    const raw = await owner.request({
      method: 'POST',
      url: `${url()}?dryRun=false`,
      headers: { 'content-type': 'application/ld+json' },
      payload: ctdl,
    });
    assert.equal(raw.statusCode, 200, raw.body);
    assert.equal(raw.json().format, 'ctdl');
    assert.equal(raw.json().created, 1);
    const ctdlId = raw.json().entries[0].id as string;
    const exported = await ctx.app.inject({ method: 'GET', url: `/api/v1/catalogue/${ctdlId}/ctdl` });
    assert.equal(exported.statusCode, 200);
    assert.equal(exported.json()['ceterms:ctid'], ctid);

    const csvRaw = await owner.request({
      method: 'POST',
      url: `${url()}?skipInvalid=true`,
      headers: { 'content-type': 'text/csv' },
      payload: csv(csvRow('raw-1', 'Raw upload'), 'raw-bad,,'),
    });
    assert.equal(csvRaw.statusCode, 200, csvRaw.body);
    assert.equal(csvRaw.json().created, 1);
    assert.ok(csvRaw.json().problems.length >= 1);

    const mixed = await owner.request({
      method: 'POST',
      url: `${url()}?skipInvalid=true`,
      payload: { format: 'csv', content: csv(csvRow('x-1', 'X')) },
    });
    assert.equal(mixed.statusCode, 400);
  });

  test('malformed input is a clear 422 or 400 and writes nothing', async () => {
    const before = await externalCount();
    const cases: Array<[Record<string, unknown>, number, RegExp?]> = [
      [{ format: 'ctdl', content: '{not json' }, 422, /not valid json/i],
      [{ format: 'ob3', content: '[1, 2]' }, 422],
      [{ format: 'csv', content: `${HEADER}\n` }, 422, /no catalogue entries|no entries/i],
      [{ format: 'csv', content: 'just one line without columns' }, 422],
      [{ format: 'xml', content: '<a/>' }, 422],
      [{ format: 'csv', content: '' }, 422],
      [{ format: 'csv' }, 422],
      [{ format: 'csv', content: csv(csvRow('a', 'A')), extra: true }, 422],
    ];
    for (const [payload, status, detail] of cases) {
      const response = await importFile(owner, payload);
      assert.equal(response.statusCode, status, `${JSON.stringify(payload).slice(0, 80)}: ${response.body}`);
      if (detail) assert.match(problem(response).detail, detail);
    }
    const unsupported = await owner.request({
      method: 'POST',
      url: url(),
      headers: { 'content-type': 'application/xml' },
      payload: '<a/>',
    });
    assert.equal(unsupported.statusCode, 415);
    const empty = await owner.request({ method: 'POST', url: url() });
    assert.equal(empty.statusCode, 422, empty.body);
    assert.match(problem(empty).detail, /JSON body/);
    assert.equal(await externalCount(), before);
  });

  test('only members with definitions:manage import; other organisations are 404; per-organisation ids', async () => {
    const file = { format: 'csv', content: csv(csvRow('perm-1', 'Permission check')) };
    const viewer = await memberWithRole(ctx, slug, 'viewer');
    const viewerImport = await importFile(viewer, file);
    assert.equal(viewerImport.statusCode, 403);
    const reader = withToken(ctx, await apiToken(ctx, slug, ['definitions:read']));
    const readerImport = await reader({ method: 'POST', url: url(), payload: file });
    assert.equal(readerImport.statusCode, 403);
    assert.equal(problem(readerImport).code, 'insufficient_scope');
    const manager = withToken(ctx, await apiToken(ctx, slug, ['definitions:manage']));
    assert.equal(
      (await manager({ method: 'POST', url: url(), payload: { ...file, dryRun: true } })).statusCode,
      200,
    );

    const other = await createOrganisation(ctx, { prefix: 'imp-other' });
    const stranger = await other.owner.request({ method: 'POST', url: url(), payload: file });
    assert.equal(stranger.statusCode, 404);
    // The same external id in another organisation is that organisation's own entry.
    const theirs = await other.owner.request({
      method: 'POST',
      url: `/api/v1/orgs/${other.slug}/catalogue/imports`,
      payload: { format: 'csv', content: csv(csvRow('aws-cp', 'Cloud Practitioner')) },
    });
    assert.equal(theirs.statusCode, 200, theirs.body);
    assert.equal(theirs.json().created, 1);
  });
});
