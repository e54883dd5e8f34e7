import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { systemActor } from '../../src/core/actor.ts';
import { buildTestApp, type TestContext } from '../helpers/app.ts';
import { sharedPath } from '../helpers/shared.ts';

/**
 * Imports the real ESCO v1.1.1 zips and O*NET 29.3 files from ../shared (never copied into the
 * repository) and checks the counts published with them and a few known concepts. The ESCO import
 * writes about 160,000 rows and takes tens of seconds on PGlite.
 */
const ESCO_DIR = sharedPath('data/esco-v1.1.1');
const ONET_DIR = sharedPath('data/onet-29.3');
const PYTHON = 'http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d';
const DATA_SCIENTIST = 'http://data.europa.eu/esco/occupation/258e46f9-0075-4a2e-adae-1ff0477e0f30';
const MACHINE_LEARNING = 'http://data.europa.eu/esco/skill/3a2d5b45-56e4-4f5a-a55a-4a4a65afdc43';

const actor = systemActor('test');
let ctx: TestContext;

before(async () => {
  ctx = await buildTestApp();
});
after(async () => {
  await ctx.close();
});

test('the ESCO v1.1.1 distribution: 13,896 skills, 3,007 occupations, their relations and hierarchy', {
  skip: existsSync(ESCO_DIR) ? false : `${ESCO_DIR} is absent (shared data not available)`,
  timeout: 300_000,
}, async () => {
  const skills = ctx.deps.services.skills;
  const summary = await skills.importEsco({ actor, folder: ESCO_DIR });
  assert.equal(summary.version, 'v1.1.1');
  assert.equal(summary.skills, 13_896);
  assert.equal(summary.skillGroups, 640);
  assert.equal(summary.occupations, 3_007);
  // 123,855 published relations, 67 of which name occupations absent from occupations_en.csv.
  assert.equal(summary.occupationSkills + summary.skipped.occupationSkills, 123_855);
  assert.equal(summary.skipped.occupationSkills, 67);
  assert.equal(summary.hierarchy, 20_649);
  assert.deepEqual(summary.missingFiles, []);

  const python = await skills.getSkill({ uri: PYTHON });
  assert.equal(python.skill.preferred_label, 'Python (computer programming)');
  assert.equal(python.skill.type, 'knowledge');
  assert.equal(python.occupationCount, 50);
  assert.ok(python.broader.length > 0, 'Python sits in the skills hierarchy');

  const scientist = await skills.getOccupation({ uri: DATA_SCIENTIST });
  assert.equal(scientist.occupation.preferred_label, 'data scientist');
  assert.equal(scientist.skills.length, 75);
  assert.equal(scientist.skills.filter((skill) => skill.relation === 'essential').length, 54);

  const search = await skills.searchSkills({ q: 'machine learning', limit: 5 });
  assert.equal(search.items[0]?.uri, MACHINE_LEARNING, 'the exact label ranks first');
  const prefix = await skills.searchSkills({ q: 'pytho', framework: 'esco', limit: 5 });
  assert.ok(prefix.items.some((skill) => skill.uri === PYTHON));
  const occupations = await skills.searchOccupations({ q: 'data scientist', limit: 3 });
  assert.equal(occupations.items[0]?.uri, DATA_SCIENTIST);
});

test('O*NET 29.3 Technology Skills: 8,775 technologies across 923 occupations', {
  skip: existsSync(ONET_DIR) ? false : `${ONET_DIR} is absent (shared data not available)`,
  timeout: 120_000,
}, async () => {
  const skills = ctx.deps.services.skills;
  const summary = await skills.importOnet({ actor, folder: ONET_DIR });
  assert.equal(summary.version, '29.3');
  assert.equal(summary.skills, 8_775);
  assert.equal(summary.skillGroups, 135);
  assert.equal(summary.occupations, 1_016);
  assert.equal(summary.occupationSkills, 32_681);
  const withTechnology = await ctx.deps.database.db
    .selectFrom('occupation_skills')
    .innerJoin('occupations', 'occupations.id', 'occupation_skills.occupation_id')
    .innerJoin('skill_frameworks', 'skill_frameworks.id', 'occupations.framework_id')
    .where('skill_frameworks.slug', '=', 'onet')
    .select((eb) => eb.fn.count<number>('occupation_skills.occupation_id').distinct().as('n'))
    .executeTakeFirstOrThrow();
  assert.equal(Number(withTechnology.n), 923);

  const python = await skills.getSkill({ uri: 'urn:onet:technology:Python' });
  assert.equal(python.skill.hot_technology, true);
  assert.equal(python.skill.in_demand, true);
  assert.equal(python.occupationCount, 130);
  const signals = await skills.skillSignals({ uris: ['urn:onet:technology:Python'] });
  assert.deepEqual(signals.get('urn:onet:technology:Python'), {
    hot: true,
    inDemand: true,
    occupationCount: 130,
  });
});
