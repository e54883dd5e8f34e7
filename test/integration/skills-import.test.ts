import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { systemActor } from '../../src/core/actor.ts';
import { AppError } from '../../src/core/errors.ts';
import { buildTestApp, type TestContext } from '../helpers/app.ts';
import {
  ESCO,
  escoFiles,
  escoRelationsCsv,
  escoSkillsCsv,
  ONET,
  onetFiles,
  removeFolders,
  writeFolder,
  zipOf,
} from './skills-fixtures.ts';

const actor = systemActor('test');
let ctx: TestContext;

before(async () => {
  ctx = await buildTestApp();
});
after(async () => {
  await ctx.close();
  removeFolders();
});

function skills() {
  return ctx.deps.services.skills;
}

async function count(
  table: 'skills' | 'occupations' | 'occupation_skills' | 'skill_relations',
): Promise<number> {
  const row = await ctx.deps.database.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function importError(work: () => Promise<unknown>): Promise<AppError> {
  try {
    await work();
  } catch (error) {
    assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the import to fail');
}

describe('ESCO import', () => {
  test('bad inputs are refused with the file and line, and nothing is written', async () => {
    const importEsco = (folder: string) => skills().importEsco({ actor, folder });

    const missing = await importError(() => importEsco('/nonexistent/esco-folder'));
    assert.equal(missing.code, 'not_found');
    assert.match(missing.message, /The folder \/nonexistent\/esco-folder does not exist/);

    const empty = await importError(() => importEsco(writeFolder({ 'README.txt': 'nothing here' })));
    assert.equal(empty.code, 'validation_failed');
    assert.match(empty.message, /No ESCO files found in .*skills_en\.csv/);

    const noSkills = await importError(() =>
      importEsco(writeFolder({ 'occupations_en.csv': escoFiles()['occupations_en.csv'] })),
    );
    assert.match(noSkills.message, /the ESCO skills table \(skills_en\.csv\) is missing/);

    const missingColumn = await importError(() =>
      importEsco(
        writeFolder(
          escoFiles({ 'skills_en.csv': 'conceptType,conceptUri,altLabels\nX,http://a.example/1,' }),
        ),
      ),
    );
    assert.match(missingColumn.message, /^skills_en\.csv line 1: missing column preferredLabel/);

    // A row with a field too many (an unquoted comma).
    const badLength = escoRelationsCsv().split('\n');
    badLength.splice(3, 0, `${ESCO.dataScientist},essential,knowledge,${ESCO.python},extra`);
    const malformed = await importError(() =>
      importEsco(writeFolder(escoFiles({ 'occupationSkillRelations.csv': badLength.join('\n') }))),
    );
    assert.match(malformed.message, /^occupationSkillRelations\.csv line 4: Invalid Record Length/);

    // An unclosed quote runs to the end of the file.
    const unclosed = await importError(() =>
      importEsco(
        writeFolder(escoFiles({ 'skills_en.csv': `${escoSkillsCsv()}\nKnowledgeSkillCompetence,"http://x` })),
      ),
    );
    assert.match(unclosed.message, /^skills_en\.csv line \d+: Quote Not Closed/);

    const badValue = await importError(() =>
      importEsco(
        writeFolder(
          escoFiles({
            'occupationSkillRelations.csv': `occupationUri,relationType,skillType,skillUri\n${ESCO.dataScientist},mandatory,knowledge,${ESCO.python}`,
          }),
        ),
      ),
    );
    assert.match(
      badValue.message,
      /^occupationSkillRelations\.csv line 2: relationType must be "essential" or "optional", got "mandatory"/,
    );

    const notUri = await importError(() =>
      importEsco(
        writeFolder(
          escoFiles({
            'skills_en.csv': `${escoSkillsCsv()}\nKnowledgeSkillCompetence,not a uri,knowledge,,label,,,,,,,,`,
          }),
        ),
      ),
    );
    assert.match(notUri.message, /^skills_en\.csv line 10: conceptUri is not a URI/);

    // Inside a zip, the message names the zip and the entry.
    const zipped = await importError(() =>
      importEsco(
        writeFolder({
          'esco-classification.zip': zipOf({
            'skills_en.csv': 'conceptUri,preferredLabel\nhttp://a.example/1',
          }),
        }),
      ),
    );
    assert.match(zipped.message, /^esco-classification\.zip:skills_en\.csv line 2: Invalid Record Length/);

    const notZip = await importError(() =>
      importEsco(writeFolder({ 'broken.zip': 'this is not a zip file' })),
    );
    assert.match(notZip.message, /Cannot read the zip file .*broken\.zip/);

    assert.equal(await count('skills'), 0);
    assert.deepEqual(await skills().listFrameworks(), []);
  });

  test('imports the unzipped CSVs: skills, groups, hierarchy, occupations and relations', async () => {
    const folder = writeFolder(escoFiles());
    const phases = new Set<string>();
    const summary = await skills().importEsco({
      actor,
      folder,
      version: 'v1.1.1',
      onProgress: (progress) => phases.add(progress.phase),
    });
    assert.deepEqual(
      { ...summary, durationMs: 0 },
      {
        framework: 'esco',
        version: 'v1.1.1',
        skills: 5,
        skillGroups: 2,
        hierarchy: 4,
        occupations: 2,
        occupationSkills: 5,
        skipped: { hierarchy: 1, occupationSkills: 1 },
        missingFiles: [],
        durationMs: 0,
      },
    );
    assert.deepEqual([...phases].sort(), [
      'hierarchy',
      'occupation-skills',
      'occupations',
      'reading',
      'skills',
    ]);

    const [framework] = await skills().listFrameworks();
    assert.equal(framework?.slug, 'esco');
    assert.equal(
      framework?.attribution,
      'This service uses the ESCO classification of the European Commission.',
    );
    assert.equal(framework?.skill_count, 7);
    assert.equal(framework?.occupation_count, 2);

    const python = await skills().getSkill({ uri: ESCO.python });
    assert.equal(python.skill.preferred_label, 'Python (computer programming)');
    assert.deepEqual(python.skill.alt_labels, ['Python', 'programming in Python']);
    assert.equal(python.skill.type, 'knowledge');
    assert.deepEqual(python.skill.facts, { reuseLevel: 'cross-sector' });
    assert.deepEqual(
      python.broader.map((skill) => skill.uri),
      [ESCO.programmingGroup],
    );
    assert.equal(python.occupationCount, 2);
    assert.deepEqual(
      python.occupations.map((occupation) => [occupation.preferred_label, occupation.relation]),
      [
        ['data scientist', 'essential'],
        ['software developer', 'essential'],
      ],
    );

    const sql = await skills().getSkill({ uri: ESCO.writeSql });
    assert.equal(sql.skill.preferred_label, 'write SQL queries, joins included');
    const databases = await skills().getSkill({ uri: ESCO.useDatabases });
    assert.deepEqual(
      databases.narrower.map((skill) => skill.uri),
      [ESCO.writeSql],
    );
    const group = await skills().getSkill({ uri: ESCO.programmingGroup });
    assert.equal(group.skill.type, 'skill-group');
    assert.deepEqual(
      group.broader.map((skill) => skill.uri),
      [ESCO.ictGroup],
    );
    assert.deepEqual(
      group.narrower.map((skill) => skill.preferred_label),
      ['machine learning', 'Python (computer programming)'],
    );

    const scientist = await skills().getOccupation({ uri: ESCO.dataScientist });
    assert.equal(scientist.occupation.code, '2511.4');
    assert.equal(scientist.occupation.isco_group, '2511');
    assert.deepEqual(scientist.occupation.alt_labels, ['data science specialist', 'ML scientist']);
    assert.deepEqual(
      scientist.skills.map((skill) => [skill.preferred_label, skill.relation]),
      [
        ['machine learning', 'essential'],
        ['Python (computer programming)', 'essential'],
        ['use databases', 'optional'],
      ],
    );

    const events = await ctx.deps.database.db
      .selectFrom('audit_events')
      .select(['type', 'data'])
      .where('type', '=', 'skills.imported')
      .execute();
    assert.equal(events.length, 1);
    assert.equal(events[0]?.data.skills, 5);
    assert.equal(events[0]?.data.skipped, 2);
  });

  test('importing again updates in place: same ids, no duplicates, relations replaced', async () => {
    const before = await skills().getSkill({ uri: ESCO.python });
    const counts = [await count('skills'), await count('occupations'), await count('skill_relations')];

    const folder = writeFolder(
      escoFiles({
        'skills_en.csv': escoSkillsCsv({ pythonLabel: 'Python' }),
        'occupationSkillRelations.csv': escoRelationsCsv({ withTeamwork: false }),
      }),
    );
    const summary = await skills().importEsco({ actor, folder });
    assert.equal(summary.skills, 5);
    assert.equal(summary.occupationSkills, 4);
    assert.equal(summary.version, null);

    const afterImport = await skills().getSkill({ uri: ESCO.python });
    assert.equal(afterImport.skill.id, before.skill.id);
    assert.equal(afterImport.skill.preferred_label, 'Python');
    assert.deepEqual(afterImport.skill.alt_labels, ['programming in Python']);
    assert.deepEqual(
      [await count('skills'), await count('occupations'), await count('skill_relations')],
      counts,
    );
    const developer = await skills().getOccupation({ uri: ESCO.softwareDeveloper });
    assert.deepEqual(
      developer.skills.map((skill) => skill.preferred_label),
      ['Python'],
    );
    assert.equal((await skills().listFrameworks()).length, 1);
  });

  test('reads the tables from zip files, as the ESCO distribution is published', async () => {
    const files = escoFiles();
    const folder = writeFolder({
      'ESCO dataset - v1.1.1 - classification - en - csv.zip': zipOf({
        'skills_en.csv': files['skills_en.csv'],
        'skillGroups_en.csv': files['skillGroups_en.csv'],
        'occupations_en.csv': files['occupations_en.csv'],
      }),
      'ESCO dataset - v1.1.1 - classification - relations - csv.zip': zipOf({
        'broaderRelationsSkillPillar.csv': files['broaderRelationsSkillPillar.csv'],
        'occupationSkillRelations.csv': files['occupationSkillRelations.csv'],
      }),
    });
    const summary = await skills().importEsco({ actor, folder });
    assert.equal(summary.version, 'v1.1.1');
    assert.equal(summary.skills, 5);
    assert.equal(summary.occupationSkills, 5);
    assert.equal(
      (await skills().getSkill({ uri: ESCO.python })).skill.preferred_label,
      'Python (computer programming)',
    );
  });

  test('unzipped CSVs in subfolders are found; missing optional tables are reported', async () => {
    const folder = writeFolder({});
    mkdirSync(join(folder, 'classification'));
    writeFileSync(join(folder, 'classification', 'skills_en.csv'), escoSkillsCsv());
    const summary = await skills().importEsco({ actor, folder });
    assert.equal(summary.skills, 5);
    assert.deepEqual(summary.missingFiles, [
      'skillGroups_en.csv',
      'occupations_en.csv',
      'broaderRelationsSkillPillar.csv',
      'occupationSkillRelations.csv',
    ]);
  });
});

describe('O*NET import', () => {
  test('technologies under their commodity classes, linked to occupations with the flags', async () => {
    const folder = writeFolder(onetFiles());
    const summary = await skills().importOnet({ actor, folder, version: '29.3' });
    assert.deepEqual(
      { ...summary, durationMs: 0 },
      {
        framework: 'onet',
        version: '29.3',
        skills: 3,
        skillGroups: 2,
        hierarchy: 3,
        occupations: 3,
        occupationSkills: 4,
        skipped: { hierarchy: 0, occupationSkills: 0 },
        missingFiles: [],
        durationMs: 0,
      },
    );
    const python = await skills().getSkill({ uri: ONET.python });
    assert.equal(python.skill.type, 'technology');
    assert.equal(python.skill.framework_slug, 'onet');
    assert.equal(python.skill.hot_technology, true);
    assert.equal(python.skill.in_demand, true, 'in demand for data scientists');
    assert.deepEqual(
      python.broader.map((skill) => skill.uri),
      [ONET.objectOriented],
    );
    assert.deepEqual(
      python.occupations.map((occupation) => [occupation.code, occupation.relation_in_demand]),
      [
        ['15-2051.00', true],
        ['15-1252.00', false],
      ],
    );
    const cpp = await skills().getSkill({ uri: ONET.cpp });
    assert.equal(cpp.skill.preferred_label, 'C++');
    const developers = await skills().getOccupation({ uri: ONET.softwareDevelopers });
    assert.equal(
      developers.occupation.description,
      'Research, design, and develop computer and network software.',
    );
    assert.deepEqual(
      developers.skills.map((skill) => [skill.preferred_label, skill.relation, skill.relation_hot]),
      [
        ['C++', 'technology', true],
        ['Python', 'technology', true],
      ],
    );
    const frameworks = await skills().listFrameworks();
    assert.match(
      frameworks.find((f) => f.slug === 'onet')?.attribution ?? '',
      /CC BY 4\.0.*O\*NET® is a trademark of USDOL\/ETA/,
    );

    // Again: nothing doubles.
    const skillCount = await count('skills');
    await skills().importOnet({ actor, folder });
    assert.equal(await count('skills'), skillCount);
  });

  test('bad O*NET files are refused with the file and line', async () => {
    const missing = await importError(() =>
      skills().importOnet({ actor, folder: writeFolder({ 'x.txt': '' }) }),
    );
    assert.match(missing.message, /No O\*NET files found in .*Technology Skills\.txt/);
    const badFlag = onetFiles()['Technology Skills.txt']!.replace('\tY\tN', '\tyes\tN');
    const flag = await importError(() =>
      skills().importOnet({ actor, folder: writeFolder(onetFiles({ 'Technology Skills.txt': badFlag })) }),
    );
    assert.match(flag.message, /^Technology Skills\.txt line 3: Hot Technology must be Y or N, got "yes"/);
    const badCode = await importError(() =>
      skills().importOnet({
        actor,
        folder: writeFolder(
          onetFiles({
            'Technology Skills.txt':
              'O*NET-SOC Code\tTitle\tExample\tCommodity Code\tCommodity Title\tHot Technology\n15-2051\tX\tPython\t43232405\tY\tN',
          }),
        ),
      }),
    );
    assert.match(
      badCode.message,
      /^Technology Skills\.txt line 2: O\*NET-SOC Code must look like 15-1252\.00/,
    );
  });
});

describe('for other modules', () => {
  test('resolveSkills and skillSignals: framework skills, org skills mapped or not, unknown URIs', async () => {
    const slug = `skills-resolve-${process.pid}`;
    await ctx.deps.services.organisations.createOrganisation({ actor, slug, name: 'Resolve Academy' });
    const mapped = await skills().createOrgSkill({
      actor,
      slug,
      label: 'Python for data',
      mappings: [
        { targetUri: ONET.python, match: 'closeMatch' },
        { targetUri: ESCO.python, match: 'narrowMatch' },
      ],
    });
    const unmapped = await skills().createOrgSkill({ actor, slug, label: 'Storytelling' });

    const uris = [
      ESCO.python,
      ONET.excel,
      mapped.skill.uri,
      unmapped.skill.uri,
      'http://unknown.example/skill',
    ];
    const resolved = await skills().resolveSkills({ uris });
    assert.deepEqual(resolved.get(ESCO.python), {
      uri: ESCO.python,
      label: 'Python (computer programming)',
      framework: 'esco',
      type: 'knowledge',
      isFrameworkSkill: true,
    });
    assert.equal(resolved.get(ONET.excel)?.framework, 'onet');
    assert.deepEqual(resolved.get(mapped.skill.uri), {
      uri: mapped.skill.uri,
      label: 'Python for data',
      framework: `org:${slug}`,
      type: 'organisation',
      isFrameworkSkill: true,
    });
    assert.equal(resolved.get(unmapped.skill.uri)?.isFrameworkSkill, false);
    assert.equal(resolved.has('http://unknown.example/skill'), false);

    const signals = await ctx.deps.database.db
      .transaction()
      .execute((trx) => skills().skillSignals({ uris, trx }));
    assert.deepEqual(signals.get(ONET.excel), { hot: true, inDemand: false, occupationCount: 1 });
    assert.deepEqual(signals.get(ESCO.python), { hot: false, inDemand: false, occupationCount: 2 });
    // Python (O*NET: 2 occupations, hot, in demand) and Python (ESCO: 2 occupations) → 4 distinct occupations.
    assert.deepEqual(signals.get(mapped.skill.uri), { hot: true, inDemand: true, occupationCount: 4 });
    assert.deepEqual(signals.get(unmapped.skill.uri), { hot: false, inDemand: false, occupationCount: 0 });
    assert.equal(signals.has('http://unknown.example/skill'), false);
  });
});
