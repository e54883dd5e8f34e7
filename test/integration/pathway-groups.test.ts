import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildTestApp, json, type TestContext } from '../helpers/app.ts';
import { apiToken, createOrganisation, memberWithRole, problem } from '../helpers/credentials.ts';
import {
  type InsertedDefinition,
  insertDefinition,
  sampleDefinitionContent,
} from '../helpers/definitions.ts';
import {
  DEFAULT_PASSWORD,
  lastMailTo,
  login,
  type Session,
  signedInUser,
  uniqueEmail,
} from '../helpers/factories.ts';
import { awardADayLater, revokeHeldCredential } from '../helpers/issuance.ts';
import { allOfPathway, createPathway, createPublishedPathway } from '../helpers/pathways.ts';

let ctx: TestContext;
let owner: Session;
let slug: string;
let orgId: string;
let otherOrg: { owner: Session; slug: string };
let core: InsertedDefinition;
let elective: InsertedDefinition;
let target: InsertedDefinition;
let pathwayId: string;
let draftId: string;

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies inspected by tests
type Body = Record<string, any>;
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';

function isProblem(response: LightMyRequestResponse, status: number, code: string) {
  assert.equal(response.statusCode, status, response.body);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  assert.equal(problem(response).code, code);
}

function groupsUrl(id = pathwayId, orgSlug = slug) {
  return `/api/v1/orgs/${orgSlug}/pathways/${id}/groups`;
}

function send(session: Session, method: Method, url: string, payload?: unknown) {
  const options: InjectOptions = { method, url };
  if (payload !== undefined) options.payload = payload as object;
  return session.request(options);
}

function withBearer(token: string) {
  return (method: Method, url: string, payload?: unknown) =>
    ctx.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
}

async function definition(title: string) {
  return insertDefinition(ctx, {
    organisationId: orgId,
    content: sampleDefinitionContent({
      title,
      workload: { hours: 10, creditPoints: { value: 2, framework: 'ECTS' } },
    }),
  });
}

/** Core, then the elective (core must come first); the target is issued. */
function newPathway(title: string, publish: boolean): Promise<string> {
  const content = allOfPathway({
    title,
    target,
    components: [
      { id: 'core', seriesId: core.seriesId, title: 'Core' },
      { id: 'elective', seriesId: elective.seriesId, requires: ['core'] },
    ],
  });
  return publish ? createPublishedPathway(owner, slug, content) : createPathway(owner, slug, content);
}

async function createGroup(name: string, session = owner): Promise<Body> {
  const response = await send(session, 'POST', groupsUrl(), { name });
  assert.equal(response.statusCode, 201, response.body);
  return json<{ group: Body }>(response).group;
}

async function addMembers(groupId: string, emails: string[]): Promise<Body> {
  const response = await send(owner, 'POST', `${groupsUrl()}/${groupId}/members`, { emails });
  assert.equal(response.statusCode, 200, response.body);
  return json(response);
}

async function progressOf(groupId: string, query = ''): Promise<Body> {
  const response = await send(owner, 'GET', `${groupsUrl()}/${groupId}/progress${query}`);
  assert.equal(response.statusCode, 200, response.body);
  return json(response);
}

function memberByEmail(progress: Body, email: string): Body {
  const member = (progress.members as Body[]).find((entry) => entry.email === email);
  assert.ok(member, `${email} is in ${JSON.stringify(progress.members)}`);
  return member;
}

async function auditEvents(groupId: string) {
  return ctx.deps.database.db
    .selectFrom('audit_events')
    .select(['type', 'data', 'organisation_id'])
    .where('subject_type', '=', 'pathway_group')
    .where('subject_id', '=', groupId)
    .orderBy('seq')
    .execute();
}

async function memberCount(groupId: string): Promise<number> {
  const row = await ctx.deps.database.db
    .selectFrom('pathway_group_members')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('group_id', '=', groupId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

before(async () => {
  ctx = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: '100000' } });
  ({ owner, slug, id: orgId } = await createOrganisation(ctx, { prefix: 'groups' }));
  otherOrg = await createOrganisation(ctx, { prefix: 'groups-other' });
  core = await definition('Core data skills');
  elective = await definition('Elective');
  target = await definition('Data engineer (pathway)');
  pathwayId = await newPathway('Data engineering pathway', true);
  draftId = await newPathway('Draft only', false);
});
after(async () => {
  await ctx.close();
});

describe('groups', () => {
  test('create, list, rename and delete; names are unique per pathway regardless of case; audited', async () => {
    const spring = await createGroup('  Spring 2027 cohort ');
    assert.equal(spring.name, 'Spring 2027 cohort', 'trimmed');
    assert.equal(spring.memberCount, 0);
    assert.equal(spring.pathwayId, pathwayId);
    isProblem(await send(owner, 'POST', groupsUrl(), { name: 'SPRING 2027 COHORT' }), 409, 'conflict');
    isProblem(await send(owner, 'POST', groupsUrl(), { name: '   ' }), 422, 'validation_failed');
    isProblem(await send(owner, 'POST', groupsUrl(), { name: 'x'.repeat(201) }), 422, 'validation_failed');
    isProblem(await send(owner, 'POST', groupsUrl(), { name: 'x', extra: 1 }), 422, 'validation_failed');
    isProblem(await send(owner, 'POST', groupsUrl(draftId), { name: 'On a draft' }), 404, 'not_found');

    const created = await send(owner, 'POST', groupsUrl(), {
      name: 'Data team',
      description: 'Everyone in data',
    });
    assert.equal(created.statusCode, 201, created.body);
    const team = json<{ group: Body }>(created).group;
    assert.equal(created.headers.location, `${groupsUrl()}/${team.id}`);
    assert.equal(team.description, 'Everyone in data');

    const list = await send(owner, 'GET', groupsUrl());
    assert.equal(list.statusCode, 200, list.body);
    assert.deepEqual(
      json<{ groups: Body[] }>(list).groups.map((group) => group.name),
      ['Data team', 'Spring 2027 cohort'],
    );

    isProblem(
      await send(owner, 'PATCH', `${groupsUrl()}/${team.id}`, { name: 'spring 2027 Cohort' }),
      409,
      'conflict',
    );
    isProblem(await send(owner, 'PATCH', `${groupsUrl()}/${team.id}`, {}), 422, 'validation_failed');
    const renamed = await send(owner, 'PATCH', `${groupsUrl()}/${team.id}`, {
      name: 'Data team (Berlin)',
      description: null,
    });
    assert.equal(renamed.statusCode, 200, renamed.body);
    assert.equal(json<{ group: Body }>(renamed).group.name, 'Data team (Berlin)');
    assert.equal(json<{ group: Body }>(renamed).group.description, null);
    // Changing only the case of its own name is a rename, not a clash with itself.
    const recased = await send(owner, 'PATCH', `${groupsUrl()}/${team.id}`, { name: 'DATA team (Berlin)' });
    assert.equal(recased.statusCode, 200, recased.body);
    const unchanged = await send(owner, 'PATCH', `${groupsUrl()}/${team.id}`, { name: 'DATA team (Berlin)' });
    assert.equal(unchanged.statusCode, 200, unchanged.body);

    await addMembers(team.id, ['one@example.org', 'two@example.org']);
    const deleted = await send(owner, 'DELETE', `${groupsUrl()}/${team.id}`);
    assert.equal(deleted.statusCode, 204, deleted.body);
    isProblem(await send(owner, 'GET', `${groupsUrl()}/${team.id}`), 404, 'not_found');
    isProblem(await send(owner, 'DELETE', `${groupsUrl()}/${team.id}`), 404, 'not_found');
    assert.equal(await memberCount(team.id), 0, 'the members went with the group');
    // The name is free again.
    const again = await createGroup('Data team');
    assert.notEqual(again.id, team.id);

    const events = await auditEvents(team.id);
    assert.deepEqual(
      events.map((event) => event.type),
      [
        'pathway_group.created',
        'pathway_group.updated',
        'pathway_group.updated',
        'pathway_group.members_added',
        'pathway_group.deleted',
      ],
      'one event per change; the no-op rename wrote nothing',
    );
    assert.ok(events.every((event) => event.organisation_id === orgId));
    assert.deepEqual(events[1]?.data, {
      pathwayId,
      fields: ['name', 'description'],
      name: 'Data team (Berlin)',
      previousName: 'Data team',
    });
    assert.deepEqual(events[4]?.data, { pathwayId, name: 'DATA team (Berlin)', members: 2 });
  });

  test('two creates racing with one name: one group, the other 409', async () => {
    const responses = await Promise.all(
      ['Race cohort', 'RACE COHORT'].map((name) => send(owner, 'POST', groupsUrl(), { name })),
    );
    assert.deepEqual(
      responses.map((response) => response.statusCode).sort(),
      [201, 409],
      responses.map((response) => response.body).join('\n'),
    );
    const conflict = responses.find((response) => response.statusCode === 409);
    assert.ok(conflict);
    isProblem(conflict, 409, 'conflict');
  });

  test('a viewer reads groups but cannot change them', async () => {
    const viewer = await memberWithRole(ctx, slug, 'viewer');
    const group = await createGroup('Viewer check');
    assert.equal((await send(viewer, 'GET', groupsUrl())).statusCode, 200);
    assert.equal((await send(viewer, 'GET', `${groupsUrl()}/${group.id}/progress`)).statusCode, 200);
    isProblem(await send(viewer, 'POST', groupsUrl(), { name: 'Nope' }), 403, 'forbidden');
    isProblem(
      await send(viewer, 'POST', `${groupsUrl()}/${group.id}/members`, { emails: ['a@example.org'] }),
      403,
      'forbidden',
    );
    isProblem(await send(viewer, 'DELETE', `${groupsUrl()}/${group.id}`), 403, 'forbidden');
  });
});

describe('members', () => {
  test('bulk add: normalised, repeats and existing members skipped and reported, each invited by mail', async () => {
    const group = await createGroup('Bulk');
    const first = await addMembers(group.id, [
      'Ana@Example.org',
      ' bo@example.org ',
      'ana@example.org',
      'cy@example.org',
    ]);
    assert.deepEqual(
      (first.added as Body[]).map((member) => member.email),
      ['ana@example.org', 'bo@example.org', 'cy@example.org'],
    );
    assert.deepEqual(first.duplicates, [{ index: 2, email: 'ana@example.org', reason: 'repeated' }]);
    assert.equal(first.group.memberCount, 3);
    const second = await addMembers(group.id, ['CY@example.org', 'di@example.org']);
    assert.deepEqual(
      (second.added as Body[]).map((member) => member.email),
      ['di@example.org'],
    );
    assert.deepEqual(second.duplicates, [{ index: 0, email: 'cy@example.org', reason: 'already_member' }]);
    assert.equal(second.group.memberCount, 4);

    await ctx.deps.services.mail.flush();
    for (const email of ['ana@example.org', 'bo@example.org', 'cy@example.org', 'di@example.org']) {
      const mails = ctx.mail.sent.filter((message) => message.to === email);
      assert.equal(mails.length, 1, `one invitation to ${email}`);
      assert.match(mails[0]?.subject ?? '', /invites you to follow "Data engineering pathway"/);
      assert.ok(mails[0]?.text.includes(`http://credstack.test/wallet/pathways/${pathwayId}`));
      assert.ok(mails[0]?.text.includes('"Bulk"'));
    }
    const events = await auditEvents(group.id);
    const added = events.filter((event) => event.type === 'pathway_group.members_added');
    assert.deepEqual(
      added.map((event) => (event.data as Body).added),
      [3, 1],
    );
    assert.ok(!JSON.stringify(added).includes('@'), 'no addresses in the audit log');

    const list = await send(owner, 'GET', `${groupsUrl()}/${group.id}/members?limit=3`);
    assert.equal(list.statusCode, 200, list.body);
    const page = json<{ members: Body[]; nextCursor: string }>(list);
    assert.deepEqual(
      page.members.map((member) => member.email),
      ['ana@example.org', 'bo@example.org', 'cy@example.org'],
    );
    assert.ok(page.nextCursor);
    const rest = await send(
      owner,
      'GET',
      `${groupsUrl()}/${group.id}/members?limit=3&cursor=${encodeURIComponent(page.nextCursor)}`,
    );
    assert.deepEqual(
      json<{ members: Body[]; nextCursor: string | null }>(rest).members.map((member) => member.email),
      ['di@example.org'],
    );
    assert.equal(json<Body>(rest).nextCursor, null);
    isProblem(
      await send(owner, 'GET', `${groupsUrl()}/${group.id}/members?cursor=not*a*cursor`),
      400,
      'invalid_request',
    );
  });

  test('malformed addresses: 422 naming each by index, nothing written, nothing mailed', async () => {
    const group = await createGroup('Malformed');
    await addMembers(group.id, ['keep@example.org']);
    await ctx.deps.services.mail.flush();
    const mailsBefore = ctx.mail.sent.length;
    const eventsBefore = (await auditEvents(group.id)).length;
    const response = await send(owner, 'POST', `${groupsUrl()}/${group.id}/members`, {
      emails: ['new1@example.org', 'not-an-address', 'new2@example.org', 'x@y', ''],
    });
    isProblem(response, 422, 'validation_failed');
    const fields = (response.json() as { errors: Array<{ pointer: string }> }).errors;
    assert.deepEqual(
      fields.map((field) => field.pointer),
      ['/emails/1', '/emails/3', '/emails/4'],
    );
    assert.equal(await memberCount(group.id), 1, 'all or nothing');
    assert.equal((await auditEvents(group.id)).length, eventsBefore);
    await ctx.deps.services.mail.flush();
    assert.equal(ctx.mail.sent.length, mailsBefore, 'no invitation went out');

    isProblem(
      await send(owner, 'POST', `${groupsUrl()}/${group.id}/members`, {
        emails: Array.from({ length: 501 }, (_, index) => `bulk${index}@example.org`),
      }),
      422,
      'validation_failed',
    );
    isProblem(
      await send(owner, 'POST', `${groupsUrl()}/${group.id}/members`, { emails: [] }),
      422,
      'validation_failed',
    );
    assert.equal(await memberCount(group.id), 1);
  });

  test('a group holds at most 2,000 members: an add past it is refused whole', async () => {
    const group = await createGroup('Large');
    const now = new Date();
    await ctx.deps.database.db
      .insertInto('pathway_group_members')
      .values(
        Array.from({ length: 1999 }, (_, index) => ({
          id: randomUUID(),
          group_id: group.id as string,
          email: `member${String(index).padStart(4, '0')}@large.example`,
          added_by_type: 'system',
          added_by_id: 'test',
          added_at: now,
        })),
      )
      .execute();
    const response = await send(owner, 'POST', `${groupsUrl()}/${group.id}/members`, {
      emails: ['late1@example.org', 'late2@example.org'],
    });
    isProblem(response, 422, 'validation_failed');
    assert.match(problem(response).detail, /at most 2000 members/);
    assert.equal(await memberCount(group.id), 1999);
    // Re-adding existing members does not count against the cap.
    const fits = await addMembers(group.id, ['member0000@large.example', 'late1@example.org']);
    assert.equal(fits.group.memberCount, 2000);
    const progress = await progressOf(group.id);
    assert.equal(progress.members.length, 200, 'progress is computed for at most 200 per request');
    assert.equal(progress.page.limit, 200);
    assert.ok(progress.page.nextCursor);
    assert.equal(progress.totals.members, 200);
    assert.equal(progress.totals.invited, 200);
    isProblem(
      await send(owner, 'GET', `${groupsUrl()}/${group.id}/progress?limit=201`),
      400,
      'invalid_request',
    );
  });

  test('remove a member (audited); unknown members are 404', async () => {
    const group = await createGroup('Removal');
    const { added } = await addMembers(group.id, ['gone@example.org', 'stays@example.org']);
    const gone = (added as Body[]).find((member) => member.email === 'gone@example.org');
    assert.ok(gone);
    const removed = await send(owner, 'DELETE', `${groupsUrl()}/${group.id}/members/${gone.id}`);
    assert.equal(removed.statusCode, 204, removed.body);
    isProblem(await send(owner, 'DELETE', `${groupsUrl()}/${group.id}/members/${gone.id}`), 404, 'not_found');
    isProblem(
      await send(owner, 'DELETE', `${groupsUrl()}/${group.id}/members/${randomUUID()}`),
      404,
      'not_found',
    );
    isProblem(
      await send(owner, 'DELETE', `${groupsUrl()}/${group.id}/members/not-a-uuid`),
      400,
      'invalid_request',
    );
    // A member of another group is not this group's.
    const other = await createGroup('Removal 2');
    const { added: otherAdded } = await addMembers(other.id, ['elsewhere@example.org']);
    isProblem(
      await send(owner, 'DELETE', `${groupsUrl()}/${group.id}/members/${(otherAdded as Body[])[0]?.id}`),
      404,
      'not_found',
    );
    assert.equal(await memberCount(group.id), 1);
    const events = await auditEvents(group.id);
    assert.equal(events.at(-1)?.type, 'pathway_group.member_removed');
    assert.deepEqual(events.at(-1)?.data, { pathwayId, memberId: gone.id });
  });
});

describe('who is where', () => {
  test('invited until the learner signs up, verifies and follows; then following, completed, flagged', async () => {
    const group = await createGroup('Consent');
    const lateEmail = uniqueEmail('late');
    const bystander = await signedInUser(ctx);
    await addMembers(group.id, [lateEmail.toUpperCase(), bystander.email]);

    let progress = await progressOf(group.id);
    assert.equal(progress.pathway.id, pathwayId);
    assert.deepEqual(
      (progress.members as Body[]).map((member) => [member.state, member.progress]),
      [
        ['invited', null],
        ['invited', null],
      ],
    );
    assert.deepEqual(
      { ...progress.totals, nodes: undefined },
      { members: 2, invited: 2, following: 0, completed: 0, flagged: 0, nodes: undefined },
    );
    assert.deepEqual(
      (progress.totals.nodes as Body[]).map((node) => [node.id, node.type, node.title, node.satisfied]),
      [
        ['root', 'all', null, 0],
        ['core', 'component', 'Core', 0],
        ['elective', 'component', null, 0],
      ],
    );

    // Signs up (not verified yet) and follows: still invited, the address is not proven theirs.
    const signup = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { email: lateEmail, name: 'Late Learner', password: DEFAULT_PASSWORD },
    });
    assert.equal(signup.statusCode, 201, signup.body);
    const late = await login(ctx, lateEmail);
    const follow = await send(late, 'PUT', `/api/v1/me/pathways/${pathwayId}/subscription`);
    assert.equal(follow.statusCode, 200, follow.body);
    progress = await progressOf(group.id);
    assert.equal(memberByEmail(progress, lateEmail).state, 'invited');

    await ctx.deps.services.mail.flush();
    const token = lastMailTo(ctx, lateEmail)?.token;
    assert.ok(token);
    const verified = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/verify-email',
      payload: { token },
    });
    assert.equal(verified.statusCode, 200, verified.body);
    progress = await progressOf(group.id);
    let member = memberByEmail(progress, lateEmail);
    assert.equal(member.state, 'following');
    assert.equal(member.progress.userId, late.userId);
    assert.equal(member.progress.name, 'Late Learner');
    assert.equal(member.progress.componentsCounted, 0);
    assert.equal(member.progress.components, 2);
    assert.equal(member.progress.completion, null);
    assert.equal(memberByEmail(progress, bystander.email).state, 'invited', 'verified but not following');
    assert.equal(memberByEmail(progress, bystander.email).progress, null);

    await awardADayLater(ctx, core.id, lateEmail);
    progress = await progressOf(group.id);
    member = memberByEmail(progress, lateEmail);
    assert.equal(member.progress.componentsCounted, 1);
    assert.equal(member.progress.creditPoints, 2);
    const nodes = new Map((progress.totals.nodes as Body[]).map((node) => [node.id, node.satisfied]));
    assert.deepEqual(Object.fromEntries(nodes), { root: 0, core: 1, elective: 0 });
    assert.deepEqual([progress.totals.following, progress.totals.invited], [1, 1]);

    // The last component completes the pathway on its own.
    await awardADayLater(ctx, elective.id, lateEmail);
    progress = await progressOf(group.id);
    member = memberByEmail(progress, lateEmail);
    assert.equal(member.state, 'completed');
    assert.equal(member.progress.completion.status, 'complete');
    assert.ok(member.progress.completion.credentialId);
    assert.equal(progress.totals.completed, 1);
    assert.equal((progress.totals.nodes as Body[]).find((node) => node.id === 'root')?.satisfied, 1);

    // A revoked component flags the completion.
    await revokeHeldCredential(ctx, { slug, userId: late.userId, definitionId: core.id });
    progress = await progressOf(group.id);
    member = memberByEmail(progress, lateEmail);
    assert.equal(member.state, 'flagged');
    assert.equal(member.progress.completion.status, 'flagged');
    assert.equal(progress.totals.flagged, 1);

    // Stopping following withdraws consent: invited again, nothing shown.
    const unfollow = await send(late, 'DELETE', `/api/v1/me/pathways/${pathwayId}/subscription`);
    assert.equal(unfollow.statusCode, 200, unfollow.body);
    progress = await progressOf(group.id);
    assert.deepEqual(
      [memberByEmail(progress, lateEmail).state, memberByEmail(progress, lateEmail).progress],
      ['invited', null],
    );
  });

  test('a confirmed further address of an account counts as that account’s', async () => {
    const group = await createGroup('Further addresses');
    const workEmail = uniqueEmail('work');
    await addMembers(group.id, [workEmail]);
    const learner = await signedInUser(ctx);
    await send(learner, 'PUT', `/api/v1/me/pathways/${pathwayId}/subscription`);
    const added = await send(learner, 'POST', '/api/v1/me/emails', { email: workEmail });
    assert.equal(added.statusCode, 201, added.body);
    assert.equal(memberByEmail(await progressOf(group.id), workEmail).state, 'invited', 'not confirmed yet');
    await ctx.deps.services.mail.flush();
    const token = lastMailTo(ctx, workEmail)?.token;
    assert.ok(token);
    const confirmed = await send(learner, 'POST', '/api/v1/me/emails/verify', { token });
    assert.equal(confirmed.statusCode, 200, confirmed.body);
    const member = memberByEmail(await progressOf(group.id), workEmail);
    assert.equal(member.state, 'following');
    assert.equal(member.progress.userId, learner.userId);
  });

  test('progress pages by address with a cursor; totals count the page', async () => {
    const group = await createGroup('Paging');
    const follower = await signedInUser(ctx, { email: `aaa.${uniqueEmail('pager')}` });
    await send(follower, 'PUT', `/api/v1/me/pathways/${pathwayId}/subscription`);
    await addMembers(group.id, [follower.email, 'zz1@example.org', 'zz2@example.org']);
    const first = await progressOf(group.id, '?limit=2');
    assert.deepEqual(
      (first.members as Body[]).map((member) => member.state),
      ['following', 'invited'],
    );
    assert.deepEqual([first.totals.members, first.totals.following, first.totals.invited], [2, 1, 1]);
    assert.equal(first.group.memberCount, 3);
    assert.ok(first.page.nextCursor);
    const second = await progressOf(group.id, `?limit=2&cursor=${first.page.nextCursor}`);
    assert.deepEqual(
      (second.members as Body[]).map((member) => member.email),
      ['zz2@example.org'],
    );
    assert.equal(second.page.nextCursor, null);
  });
});

describe('access', () => {
  test('API tokens: credentials:read reads, definitions:manage writes; other scopes 403; other organisations 404', async () => {
    const reader = withBearer(await apiToken(ctx, slug, ['credentials:read']));
    const manager = withBearer(await apiToken(ctx, slug, ['definitions:manage']));
    const authorOnly = withBearer(await apiToken(ctx, slug, ['definitions:read']));
    const foreign = withBearer(
      await apiToken(ctx, otherOrg.slug, ['credentials:read', 'definitions:manage']),
    );

    const created = await manager('POST', groupsUrl(), { name: 'Made by a token' });
    assert.equal(created.statusCode, 201, created.body);
    const groupId = json<{ group: Body }>(created).group.id as string;
    const added = await manager('POST', `${groupsUrl()}/${groupId}/members`, { emails: ['tok@example.org'] });
    assert.equal(added.statusCode, 200, added.body);
    const renamed = await manager('PATCH', `${groupsUrl()}/${groupId}`, { name: 'Renamed by a token' });
    assert.equal(renamed.statusCode, 200, renamed.body);
    const events = await ctx.deps.database.db
      .selectFrom('audit_events')
      .select(['actor_type'])
      .where('subject_id', '=', groupId)
      .execute();
    assert.ok(events.length === 3 && events.every((event) => event.actor_type === 'token'));

    const read = await reader('GET', `${groupsUrl()}/${groupId}/progress`);
    assert.equal(read.statusCode, 200, read.body);
    assert.equal((await reader('GET', groupsUrl())).statusCode, 200);
    isProblem(await reader('POST', groupsUrl(), { name: 'No' }), 403, 'insufficient_scope');
    isProblem(await manager('GET', `${groupsUrl()}/${groupId}/progress`), 403, 'insufficient_scope');
    isProblem(await authorOnly('GET', groupsUrl()), 403, 'insufficient_scope');
    isProblem(await foreign('GET', groupsUrl()), 404, 'not_found');
    isProblem(await foreign('GET', groupsUrl(pathwayId, otherOrg.slug)), 404, 'not_found');
    isProblem(
      await foreign('POST', `${groupsUrl(pathwayId, otherOrg.slug)}/${groupId}/members`, {
        emails: ['x@example.org'],
      }),
      404,
      'not_found',
    );
    isProblem(await ctx.app.inject({ method: 'GET', url: groupsUrl() }), 401, 'unauthenticated');
  });

  test('every route answers 404 for other organisations, unknown pathways, drafts and unknown groups', async () => {
    const group = await createGroup('Isolation');
    const { added } = await addMembers(group.id, ['iso@example.org']);
    const memberId = (added as Body[])[0]?.id as string;
    const routes = (base: string, groupId: string): Array<[Method, string, unknown?]> => [
      ['GET', base],
      ['POST', base, { name: 'Probe' }],
      ['GET', `${base}/${groupId}`],
      ['PATCH', `${base}/${groupId}`, { name: 'Probe' }],
      ['DELETE', `${base}/${groupId}`],
      ['GET', `${base}/${groupId}/members`],
      ['POST', `${base}/${groupId}/members`, { emails: ['probe@example.org'] }],
      ['DELETE', `${base}/${groupId}/members/${memberId}`],
      ['GET', `${base}/${groupId}/progress`],
    ];
    const cases: Array<[string, Session, string, string]> = [
      ['another organisation’s slug', otherOrg.owner, groupsUrl(), group.id],
      ['their own slug with our pathway', otherOrg.owner, groupsUrl(pathwayId, otherOrg.slug), group.id],
      ['an unknown pathway', owner, groupsUrl(randomUUID()), group.id],
      ['a draft pathway', owner, groupsUrl(draftId), group.id],
    ];
    for (const [label, session, base, groupId] of cases) {
      for (const [method, url, payload] of routes(base, groupId)) {
        const response = await send(session, method, url, payload);
        assert.equal(response.statusCode, 404, `${label}: ${method} ${url} → ${response.body}`);
        assert.equal(problem(response).code, 'not_found');
      }
    }
    // An unknown group: every route below the group.
    for (const [method, url, payload] of routes(groupsUrl(), randomUUID()).slice(2)) {
      const response = await send(owner, method, url, payload);
      assert.equal(response.statusCode, 404, `unknown group: ${method} ${url} → ${response.body}`);
    }
    // Another pathway's group, under this pathway's URL.
    const secondPathway = await newPathway('Second pathway', true);
    const foreignGroup = await send(owner, 'POST', groupsUrl(secondPathway), { name: 'Elsewhere' });
    assert.equal(foreignGroup.statusCode, 201, foreignGroup.body);
    const foreignId = json<{ group: Body }>(foreignGroup).group.id as string;
    for (const [method, url, payload] of routes(groupsUrl(), foreignId).slice(2)) {
      const response = await send(owner, method, url, payload);
      assert.equal(response.statusCode, 404, `other pathway’s group: ${method} ${url} → ${response.body}`);
    }
    assert.equal(await memberCount(group.id), 1, 'nothing changed');
    const still = await send(owner, 'GET', `${groupsUrl()}/${group.id}`);
    assert.equal(json<{ group: Body }>(still).group.name, 'Isolation');
  });
});
