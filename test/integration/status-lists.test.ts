import assert from 'node:assert/strict';
import { randomInt, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import pino from 'pino';
import { systemActor } from '../../src/core/actor.ts';
import { Bitstring } from '../../src/core/vc/status-list.ts';
import { type DatabaseHandle, openDatabase } from '../../src/db/database.ts';
import { buildDeps } from '../../src/deps.ts';
import {
  type CredentialsService,
  createCredentialsService,
} from '../../src/modules/credentials/credentials.service.ts';
import {
  STATUS_LIST_CAPACITY,
  STATUS_LIST_SIZE,
} from '../../src/modules/credentials/status-lists.service.ts';
import { createMemoryTransport } from '../../src/modules/mail/mail.transport.ts';
import { buildTestApp, type TestContext } from '../helpers/app.ts';
import { ACHIEVEMENT, createOrganisation } from '../helpers/credentials.ts';
import { testDatabaseKind } from '../helpers/database.ts';
import { independentStatusBits } from '../helpers/independent-vc.ts';

let ctx: TestContext;
const system = systemActor('test');

before(async () => {
  ctx = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: '100000' } });
});
after(async () => {
  await ctx.close();
});

let emailCounter = 0;
function issueWith(service: CredentialsService, slug: string) {
  emailCounter++;
  return service.issueCredential({
    actor: system,
    slug,
    achievement: ACHIEVEMENT,
    recipient: { email: `holder.${emailCounter}@example.org` },
  });
}

/** A credentials service over `deps` whose position draws come from `draw` (to force collisions). */
function serviceWithDraws(deps: TestContext['deps'], draw: (size: number) => number): CredentialsService {
  const { audit, mail, organisations, keys, accounts } = deps.services;
  return createCredentialsService({
    db: deps.database.db,
    clock: deps.clock,
    ids: deps.ids,
    config: deps.config,
    audit,
    mail,
    organisations,
    keys,
    accounts,
    randomIndex: draw,
  });
}

async function positionsOf(organisationId: string) {
  return ctx.deps.database.db
    .selectFrom('status_list_entries')
    .innerJoin('status_lists', 'status_lists.id', 'status_list_entries.list_id')
    .select([
      'status_list_entries.list_id',
      'status_list_entries.status_index',
      'status_list_entries.credential_id',
      'status_list_entries.purpose',
    ])
    .where('status_lists.organisation_id', '=', organisationId)
    .execute();
}

/** Every position is unique per list, each credential has one per purpose, and its document agrees. */
async function assertConsistent(organisationId: string, expectedCredentials: number) {
  const db = ctx.deps.database.db;
  const credentials = await db
    .selectFrom('credentials')
    .select(['id', 'document'])
    .where('organisation_id', '=', organisationId)
    .execute();
  assert.equal(credentials.length, expectedCredentials);
  const positions = await positionsOf(organisationId);
  assert.equal(positions.length, expectedCredentials * 2);
  const keys = new Set(positions.map((p) => `${p.list_id}#${p.status_index}`));
  assert.equal(keys.size, positions.length, 'every (list, index) is used once');
  const byCredential = new Map<string, Set<string>>();
  for (const position of positions) {
    const purposes = byCredential.get(position.credential_id) ?? new Set();
    purposes.add(position.purpose);
    byCredential.set(position.credential_id, purposes);
  }
  for (const credential of credentials) {
    assert.deepEqual([...(byCredential.get(credential.id) ?? [])].sort(), ['revocation', 'suspension']);
    const document = JSON.parse(credential.document) as { credentialStatus: Array<Record<string, string>> };
    for (const entry of document.credentialStatus) {
      const listId = entry.statusListCredential!.split('/').at(-1);
      assert.ok(keys.has(`${listId}#${entry.statusListIndex}`), 'the signed entry is the stored position');
    }
  }
  const lists = await db
    .selectFrom('status_lists')
    .select(['id', 'allocated', 'purpose'])
    .where('organisation_id', '=', organisationId)
    .execute();
  for (const list of lists) {
    assert.equal(
      list.allocated,
      positions.filter((p) => p.list_id === list.id).length,
      `the allocation count of the ${list.purpose} list`,
    );
  }
  return { positions, lists };
}

describe('status list positions', () => {
  test('the database refuses a second credential at a taken position', async () => {
    const { slug, id } = await createOrganisation(ctx, { prefix: 'dup' });
    const { record } = await issueWith(ctx.deps.services.credentials, slug);
    const [taken] = await positionsOf(id);
    assert.ok(taken);
    await assert.rejects(
      ctx.deps.database.db
        .insertInto('status_list_entries')
        .values({
          list_id: taken.list_id,
          status_index: taken.status_index,
          credential_id: randomUUID(),
          purpose: taken.purpose,
        })
        .execute(),
      (error: { code?: string; constraint?: string }) => {
        assert.equal(error.code, '23505', 'unique_violation');
        return true;
      },
    );
    // The same credential cannot hold two positions for one purpose either.
    await assert.rejects(
      ctx.deps.database.db
        .insertInto('status_list_entries')
        .values({
          list_id: taken.list_id,
          status_index: (taken.status_index + 1) % STATUS_LIST_SIZE,
          credential_id: record.id,
          purpose: taken.purpose,
        })
        .execute(),
      (error: { code?: string }) => error.code === '23505',
    );
    // And the index stays inside the list.
    await assert.rejects(
      sql`insert into status_list_entries (list_id, status_index, credential_id, purpose)
          values (${taken.list_id}, -1, ${randomUUID()}, 'revocation')`.execute(ctx.deps.database.db),
      (error: { code?: string }) => error.code === '23514',
    );
  });

  test('positions are drawn at random, not in issuing order', async () => {
    const { slug, id } = await createOrganisation(ctx, { prefix: 'rand' });
    for (let i = 0; i < 24; i++) await issueWith(ctx.deps.services.credentials, slug);
    const { positions } = await assertConsistent(id, 24);
    const revocation = positions.filter((p) => p.purpose === 'revocation').map((p) => p.status_index);
    // 24 random draws from 131,072 are in increasing order with probability 1/24!: never.
    assert.notDeepEqual(
      revocation,
      [...revocation].sort((a, b) => a - b),
    );
    assert.ok(Math.max(...revocation) - Math.min(...revocation) > 1000, 'spread over the list');
  });

  test('a drawn position that is taken is retried, inside the same transaction', async () => {
    const { slug, id } = await createOrganisation(ctx, { prefix: 'retry' });
    // Every credential draws 7, 7, 7, … then one fresh position per purpose; collisions are certain.
    const script: number[] = [];
    const service = serviceWithDraws(ctx.deps, () => script.shift() ?? 0);
    script.push(7, 7);
    await issueWith(service, slug);
    script.push(7, 7, 7, 9, 7, 11);
    const second = await issueWith(service, slug);
    assert.deepEqual(
      second.statusEntries.map((entry) => [entry.purpose, entry.index]),
      [
        ['revocation', 9],
        ['suspension', 11],
      ],
    );
    assert.equal(script.length, 0, 'every scripted draw was used');
    await assertConsistent(id, 2);
  });

  test('a list that reaches its capacity is closed and the next credential opens a new one', async () => {
    const { slug, id } = await createOrganisation(ctx, { prefix: 'full' });
    const db = ctx.deps.database.db;
    const first = await issueWith(ctx.deps.services.credentials, slug);
    const firstLists = first.statusEntries.map((entry) => entry.listId);
    await db.updateTable('status_lists').set({ capacity: 2 }).where('id', 'in', firstLists).execute();
    const second = await issueWith(ctx.deps.services.credentials, slug);
    assert.deepEqual(
      second.statusEntries.map((entry) => entry.listId),
      firstLists,
      'the second fits',
    );
    const closed = await db
      .selectFrom('status_lists')
      .select(['id', 'state', 'allocated'])
      .where('id', 'in', firstLists)
      .execute();
    assert.deepEqual(
      closed.map((list) => [list.state, list.allocated]),
      [
        ['full', 2],
        ['full', 2],
      ],
    );
    const third = await issueWith(ctx.deps.services.credentials, slug);
    const thirdLists = third.statusEntries.map((entry) => entry.listId);
    for (const listId of thirdLists) assert.equal(firstLists.includes(listId), false, 'a new list');
    const fresh = await db
      .selectFrom('status_lists')
      .select(['state', 'size', 'capacity'])
      .where('id', 'in', thirdLists)
      .execute();
    assert.deepEqual(
      fresh.map((list) => [list.state, list.size, list.capacity]),
      [
        ['active', STATUS_LIST_SIZE, STATUS_LIST_CAPACITY],
        ['active', STATUS_LIST_SIZE, STATUS_LIST_CAPACITY],
      ],
    );
    const events = await db
      .selectFrom('audit_events')
      .select(['type', 'data'])
      .where('organisation_id', '=', id)
      .where('type', 'in', ['status_list.created', 'status_list.filled'])
      .orderBy('seq')
      .execute();
    assert.deepEqual(
      events.map((event) => event.type),
      [
        'status_list.created',
        'status_list.created',
        'status_list.filled',
        'status_list.filled',
        'status_list.created',
        'status_list.created',
      ],
    );
    assert.deepEqual(events[2]!.data, { purpose: 'revocation', allocated: 2, capacity: 2 });

    // A closed list still serves and changes: revoking a credential in it re-signs it.
    await ctx.deps.services.credentials.revokeCredential({
      actor: system,
      slug,
      id: first.record.id,
      reason: 'Test',
    });
    assert.deepEqual(await independentStatusBits(ctx, first.verifiableCredential), {
      revocation: true,
      suspension: false,
    });
    assert.deepEqual(await independentStatusBits(ctx, third.verifiableCredential), {
      revocation: false,
      suspension: false,
    });
    await assertConsistent(id, 3);
  });

  test('the capacity is half of a 131,072-entry list', () => {
    assert.equal(STATUS_LIST_SIZE, 131_072);
    assert.equal(STATUS_LIST_CAPACITY, 65_536);
  });
});

describe('several server instances issuing at once on one PostgreSQL database', () => {
  const INSTANCES = 4;
  const WORKERS_PER_INSTANCE = 3;
  const CREDENTIALS_PER_WORKER = 6;

  test('separate pools race to open the lists and to take positions; every (list, index) stays unique', {
    skip: testDatabaseKind !== 'postgres' && 'needs PostgreSQL (TEST_DB=postgres): PGlite has one connection',
  }, async () => {
    const url = process.env.TEST_DATABASE_URL!;
    const schema = (
      await sql<{ schema: string }>`select current_schema() as schema`.execute(ctx.deps.database.db)
    ).rows[0]!.schema;
    const { slug, id } = await createOrganisation(ctx, { prefix: 'race' });
    // The first signing key is the keys module's business; create it before the race.
    await ctx.deps.services.keys.issuerFor({ organisationId: id });

    const handles: DatabaseHandle[] = [];
    let draws = 0;
    try {
      const instances: CredentialsService[] = [];
      for (let i = 0; i < INSTANCES; i++) {
        const handle = await openDatabase({ kind: 'postgres', url, schema, poolMax: WORKERS_PER_INSTANCE });
        handles.push(handle);
        const deps = await buildDeps(ctx.deps.config, pino({ level: 'silent' }), {
          database: handle,
          clock: ctx.clock,
          mailTransport: createMemoryTransport(),
        });
        // 72 credentials per list drawing from 256 positions: collisions (and retries) are certain.
        instances.push(
          serviceWithDraws(deps, () => {
            draws++;
            return randomInt(256);
          }),
        );
      }
      // Issued through each instance in turn, to be suspended while the race is on.
      const early: string[] = [];
      for (const service of instances) early.push((await issueWith(service, slug)).record.id);

      const started = performance.now();
      const results = await Promise.allSettled([
        ...instances.flatMap((service) =>
          Array.from({ length: WORKERS_PER_INSTANCE }, async () => {
            for (let n = 0; n < CREDENTIALS_PER_WORKER; n++) await issueWith(service, slug);
          }),
        ),
        // Status changes (which lock the organisation and re-sign the lists) alongside the issuers.
        ...early.map((credentialId, i) =>
          instances[i]!.suspendCredential({ actor: system, slug, id: credentialId, reason: 'Race' }),
        ),
      ]);
      const elapsed = performance.now() - started;
      const failures = results.filter((result) => result.status === 'rejected');
      assert.deepEqual(failures, [], 'every issuance and status change succeeded');

      const total = INSTANCES * WORKERS_PER_INSTANCE * CREDENTIALS_PER_WORKER + INSTANCES;
      const suspensionList = (
        await ctx.deps.services.credentials.getCredential({ actor: system, slug, id: early[0]! })
      ).statusEntries.find((entry) => entry.purpose === 'suspension')!;
      const published = await ctx.deps.services.credentials.loadLocalStatusList(suspensionList.listUrl);
      const bits = Bitstring.decode((published!.credentialSubject as { encodedList: string }).encodedList);
      const setPositions = await ctx.deps.database.db
        .selectFrom('status_list_entries')
        .select('status_index')
        .where('list_id', '=', suspensionList.listId)
        .where('is_set', '=', true)
        .execute();
      assert.equal(setPositions.length, INSTANCES);
      assert.deepEqual(
        [...bits.setIndexes()],
        setPositions.map((row) => row.status_index).sort((a, b) => a - b),
        'the published list carries exactly the suspended positions',
      );
      const { positions, lists } = await assertConsistent(id, total);
      assert.equal(
        lists.length,
        2,
        'one revocation and one suspension list: the race to open them had one winner',
      );
      assert.ok(positions.every((p) => p.status_index < 256));
      assert.ok(
        draws > positions.length,
        `collisions were retried (${draws} draws for ${positions.length} positions)`,
      );
      const events = await ctx.deps.database.db
        .selectFrom('audit_events')
        .select('type')
        .where('organisation_id', '=', id)
        .where('type', '=', 'status_list.created')
        .execute();
      assert.equal(events.length, 2);
      assert.equal((await ctx.deps.services.audit.verifyChain()).ok, true);
      console.log(
        `# ${total - INSTANCES} credentials by ${INSTANCES} instances × ${WORKERS_PER_INSTANCE} workers and ` +
          `${INSTANCES} suspensions in ${elapsed.toFixed(0)} ms ` +
          `(${(((total - INSTANCES) * 1000) / elapsed).toFixed(1)} issued/s); ${draws} draws for ${positions.length} positions`,
      );
    } finally {
      for (const handle of handles) await handle.close();
    }
  });
});
