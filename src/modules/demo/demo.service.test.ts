import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, test } from 'node:test';
import { buildTestApp, type TestContext } from '../../../test/helpers/app.ts';
import { systemActor } from '../../core/actor.ts';
import { isAppError } from '../../core/errors.ts';
import {
  createDemoService,
  DEMO_ORGANISATION,
  DEMO_USERS,
  type DemoService,
  formatDemoLogins,
  generatePassword,
  writeDemoLogins,
} from './demo.service.ts';

const actor = systemActor('test');

describe('demo seed', () => {
  let ctx: TestContext;
  let demo: DemoService;
  let counter = 0;

  beforeEach(async () => {
    ctx = await buildTestApp();
    const { services } = ctx.deps;
    demo = createDemoService({
      db: ctx.deps.database.db,
      accounts: services.accounts,
      organisations: services.organisations,
      audit: services.audit,
      generatePassword: () => `demo-password-${++counter}`,
    });
  });
  afterEach(() => ctx.close());

  test('an empty database is empty until a user exists', async () => {
    assert.equal(await demo.isDatabaseEmpty(), true);
    await demo.seed({ actor });
    assert.equal(await demo.isDatabaseEmpty(), false);
  });

  test('creates the organisation, the users with their roles and a demo.seeded event', async () => {
    const result = await demo.seed({ actor });
    assert.equal(result.organisation.slug, 'demo-academy');
    assert.equal(result.organisation.name, 'Demo Academy');
    assert.deepEqual(
      result.logins.map((login) => login.label),
      DEMO_USERS.map((spec) => spec.label),
    );
    assert.equal(new Set(result.logins.map((login) => login.password)).size, DEMO_USERS.length);

    const { accounts, organisations, audit } = ctx.deps.services;
    for (const login of result.logins) {
      const spec = DEMO_USERS.find((s) => s.label === login.label)!;
      const user = await accounts.findUserByEmail(login.email);
      assert.ok(user, login.email);
      assert.ok(user.email_verified_at, 'demo users can sign in at once');
      assert.equal(user.is_platform_admin, spec.platformAdmin);
    }
    const members = await organisations.listMembers({ actor, slug: DEMO_ORGANISATION.slug });
    const roles = Object.fromEntries(members.map((member) => [member.email, member.role]));
    assert.deepEqual(roles, {
      'owner@demo-academy.example': 'owner',
      'issuer@demo-academy.example': 'issuer',
      'assessor@demo-academy.example': 'assessor',
    });

    // A printed password really signs in.
    const owner = result.logins[0]!;
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: owner.email, password: owner.password },
    });
    assert.equal(response.statusCode, 200, response.body);

    const events = await ctx.deps.database.db
      .selectFrom('audit_events')
      .select(['type', 'organisation_id', 'data'])
      .orderBy('seq')
      .execute();
    const seeded = events.filter((event) => event.type === 'demo.seeded');
    assert.equal(seeded.length, 1);
    assert.equal(seeded[0]!.organisation_id, result.organisation.id);
    assert.deepEqual(seeded[0]!.data, { organisationSlug: 'demo-academy' });
    assert.equal((await audit.verifyChain()).ok, true);
  });

  test('refuses a second time and changes nothing', async () => {
    await demo.seed({ actor });
    const before = await ctx.deps.services.accounts.listUsers({ actor, limit: 100, offset: 0 });
    await assert.rejects(demo.seed({ actor }), (error: unknown) => {
      assert.ok(isAppError(error));
      assert.equal(error.code, 'conflict');
      assert.match(error.message, /demo-academy" already exists; nothing was changed/);
      return true;
    });
    const after = await ctx.deps.services.accounts.listUsers({ actor, limit: 100, offset: 0 });
    assert.equal(after.total, before.total);
  });

  test('refuses when a demo address is taken, before creating anything', async () => {
    await ctx.deps.services.accounts.createUser({
      actor,
      email: 'learner@demo-academy.example',
      name: 'Someone',
      password: 'a perfectly fine password',
      emailVerified: true,
      via: 'cli',
    });
    await assert.rejects(demo.seed({ actor }), /learner@demo-academy\.example already exists/);
    const users = await ctx.deps.services.accounts.listUsers({ actor, limit: 100, offset: 0 });
    assert.equal(users.total, 1);
    assert.equal(await ctx.deps.services.organisations.findOrganisationBySlug('demo-academy'), undefined);
  });
});

describe('demo logins', () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  test('generated passwords are long, varied and free of look-alike characters', () => {
    const passwords = Array.from({ length: 200 }, () => generatePassword());
    for (const password of passwords) {
      assert.match(password, /^[a-km-zA-HJ-NP-Z2-9]{5}(-[a-km-zA-HJ-NP-Z2-9]{5}){3}$/);
    }
    assert.equal(new Set(passwords).size, passwords.length);
  });

  test('the logins file is aligned and mode 0600, even when an older file was readable', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'credstack-demo-'));
    dirs.push(dataDir);
    const path = join(dataDir, 'demo-logins.txt');
    writeFileSync(path, 'old');
    chmodSync(path, 0o644);
    const logins = [
      { label: 'owner', email: 'owner@demo-academy.example', name: 'O', password: 'pw-one' },
      { label: 'platform admin', email: 'admin@credstack.example', name: 'A', password: 'pw-two' },
    ];
    const written = writeDemoLogins(
      dataDir,
      { organisation: { name: 'Demo Academy', slug: 'demo-academy' } as never, logins, catalogue: null },
      new Date('2026-01-01T00:00:00Z'),
    );
    assert.equal(written, path);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const text = readFileSync(path, 'utf8');
    assert.match(text, /generated 2026-01-01T00:00:00\.000Z/);
    for (const line of formatDemoLogins(logins)) assert.ok(text.includes(line));
    assert.deepEqual(formatDemoLogins(logins), [
      '  owner           owner@demo-academy.example  pw-one',
      '  platform admin  admin@credstack.example     pw-two',
    ]);
  });
});

describe('demo catalogue', () => {
  let ctx: TestContext;
  after(() => ctx?.close());

  test('skills, published definitions with ready assessments, a draft, external entries and an award', async () => {
    ctx = await buildTestApp();
    const { services } = ctx.deps;
    const demo = createDemoService({
      db: ctx.deps.database.db,
      accounts: services.accounts,
      organisations: services.organisations,
      audit: services.audit,
      catalogue: services,
      generatePassword: () => 'demo-catalogue-password',
    });
    const result = await demo.seed({ actor });
    const catalogue = result.catalogue;
    assert.ok(catalogue);
    assert.ok(catalogue.skills >= 20, `${catalogue.skills} demo skills`);
    assert.deepEqual(
      catalogue.definitions.map((definition) => definition.status),
      ['published', 'published', 'published', 'draft'],
    );
    assert.equal(catalogue.externalEntries, 5);

    // Each published definition passed the publish rule, so its assessment is ready; the draft is not
    // publishable and says why.
    for (const definition of catalogue.definitions) {
      const details = await services.catalogue.getDefinition({
        actor,
        slug: DEMO_ORGANISATION.slug,
        id: definition.id,
      });
      assert.equal(details.conformance.publishable, definition.status === 'published', definition.title);
      if (definition.status === 'draft') assert.ok(details.conformance.missing.length > 5);
    }

    // The public catalogue lists the three own and five external entries; the red-flag entry scores low.
    const search = await services.catalogue.searchCatalogue({ limit: 50, offset: 0 });
    assert.equal(search.total, 8);
    const flagged = search.entries.find((entry) => entry.title === 'AI Master Certificate');
    assert.ok(flagged);
    assert.ok((flagged.quality_score ?? 100) < 40, `red-flag entry scored ${flagged.quality_score}`);

    // The learner holds the awarded credential, for the published definition version.
    const [award] = catalogue.awarded;
    assert.ok(award);
    const learner = result.logins.find((login) => login.label === 'learner')!;
    const credential = await ctx.deps.database.db
      .selectFrom('credentials')
      .select(['recipient_email', 'definition_id', 'issued_via', 'valid_until'])
      .where('id', '=', award.credentialId)
      .executeTakeFirstOrThrow();
    assert.equal(credential.recipient_email, learner.email);
    assert.equal(credential.definition_id, catalogue.definitions[2]!.id);
    assert.equal(credential.issued_via, 'external-result');
    assert.ok(credential.valid_until, 'validity comes from the definition (36 months)');

    // The public role profile gives the learner a gap and a learning path with nothing imported: Responsible
    // AI is covered by the award, the two other published credentials close most of the rest, and what no
    // published credential teaches is reported as not covered.
    const learnerRow = await ctx.deps.database.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', learner.email)
      .executeTakeFirstOrThrow();
    const learnerActor = {
      kind: 'user' as const,
      userId: learnerRow.id,
      isPlatformAdmin: false,
      emailVerified: true,
      sessionId: null,
    };
    const targets = await services.skillProfile.listTargetRoleProfiles({ actor: learnerActor });
    assert.deepEqual(targets, [{ id: catalogue.roleProfile.id, name: 'AI product engineer', mine: false }]);
    const { gap, path } = await services.skillProfile.recommendPath({
      actor: learnerActor,
      target: { kind: 'role-profile', id: catalogue.roleProfile.id },
      objective: 'cost',
    });
    assert.deepEqual(
      gap.skills.filter((entry) => entry.coverage === 'covered').map((entry) => entry.label),
      ['responsible AI'],
    );
    assert.deepEqual(path.steps.map((step) => step.candidate.title).sort(), [
      'Prompt Engineering Foundations',
      'Retrieval-Augmented Generation in Practice',
    ]);
    assert.deepEqual(path.uncovered.map((skill) => skill.label).sort(), [
      'AI agent design',
      'LLM evaluation',
    ]);
    assert.equal(path.status, 'partial');
  });
});
