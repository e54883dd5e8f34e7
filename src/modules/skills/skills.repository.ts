import { type Expression, type SqlBool, sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type {
  OccupationRow,
  OccupationSkillRelation,
  SkillFrameworkRow,
  SkillMatch,
  SkillRow,
  SkillType,
} from '../../db/tables/skills.ts';

export interface NewSkill {
  id: string;
  framework_id: string;
  organisation_id: string | null;
  uri: string;
  preferred_label: string;
  alt_labels: string[];
  alt_labels_text: string;
  description: string | null;
  type: SkillType;
  hot_technology: boolean;
  in_demand: boolean;
  facts: string;
  created_at: Date;
  updated_at: Date;
}

export interface NewOccupation {
  id: string;
  framework_id: string;
  uri: string;
  code: string | null;
  preferred_label: string;
  alt_labels: string[];
  alt_labels_text: string;
  description: string | null;
  isco_group: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface NewOccupationSkill {
  occupation_id: string;
  skill_id: string;
  relation: OccupationSkillRelation;
  hot_technology: boolean;
  in_demand: boolean;
}

/** A skill with its framework's slug, as searches and lookups return it. */
export type SkillWithFramework = Omit<SkillRow, 'search_vector'> & { framework_slug: string };
export type OccupationWithFramework = Omit<OccupationRow, 'search_vector'> & { framework_slug: string };

export interface TextSearch {
  /** The query as typed; also what `websearch_to_tsquery` reads. */
  text: string;
  /** A prefix tsquery (`machin & learn:*`), or null when the query has no word characters. */
  prefixQuery: string | null;
}

export interface SkillSearchFilter {
  search: TextSearch | null;
  /** Global frameworks only; the organisation's own skills are listed through {@link listOrgSkills}. */
  frameworkSlug?: string;
  type?: SkillType;
  limit: number;
  offset: number;
}

const SKILL_COLUMNS = [
  'skills.id',
  'skills.framework_id',
  'skills.organisation_id',
  'skills.uri',
  'skills.preferred_label',
  'skills.alt_labels',
  'skills.alt_labels_text',
  'skills.description',
  'skills.type',
  'skills.hot_technology',
  'skills.in_demand',
  'skills.facts',
  'skills.created_at',
  'skills.updated_at',
  'skills.deleted_at',
] as const;

const OCCUPATION_COLUMNS = [
  'occupations.id',
  'occupations.framework_id',
  'occupations.uri',
  'occupations.code',
  'occupations.preferred_label',
  'occupations.alt_labels',
  'occupations.alt_labels_text',
  'occupations.description',
  'occupations.isco_group',
  'occupations.created_at',
  'occupations.updated_at',
] as const;

/** `%` and `_` are LIKE wildcards; a user's "c_" must match literally. */
function likeLiteral(text: string): string {
  return text.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`);
}

/**
 * The match condition and rank of a text search over `table` (skills or occupations): full text (label,
 * alternative labels, description; whole words and a prefix of the last word) or the label containing the
 * query as typed (for "C++", "Node.js" and fragments such as "sql" in "PostgreSQL"). An exact label comes
 * first, then labels starting with the query, then full-text rank.
 */
function textMatch(table: 'skills' | 'occupations', search: TextSearch) {
  const vector = sql.ref(`${table}.search_vector`);
  const label = sql`lower(${sql.ref(`${table}.preferred_label`)})`;
  const words = sql`websearch_to_tsquery('english', ${search.text})`;
  const prefix =
    search.prefixQuery === null ? sql`''::tsquery` : sql`to_tsquery('english', ${search.prefixQuery})`;
  const lowered = search.text.toLowerCase();
  const contains = `%${likeLiteral(search.text)}%`;
  const starts = `${likeLiteral(search.text)}%`;
  const where = sql<SqlBool>`(${vector} @@ ${words} or ${vector} @@ ${prefix} or ${label} like ${contains})`;
  const rank = sql<number>`(case when ${label} = ${lowered} then 4 when ${label} like ${starts} then 2 when ${label} like ${contains} then 0.5 else 0 end + ts_rank_cd(${vector}, ${words}) + 0.5 * ts_rank_cd(${vector}, ${prefix}))`;
  return { where, rank };
}

/** SQL for frameworks, skills, hierarchy, mappings and occupations; services pass their transaction. */
export function createSkillsRepository() {
  return {
    // Frameworks ------------------------------------------------------------------------------------

    upsertFramework: (
      db: Db,
      row: {
        id: string;
        slug: string;
        name: string;
        version: string | null;
        source_uri: string | null;
        attribution: string | null;
        organisation_id: string | null;
        imported_at: Date | null;
        now: Date;
      },
    ) =>
      db
        .insertInto('skill_frameworks')
        .values({
          id: row.id,
          slug: row.slug,
          name: row.name,
          version: row.version,
          source_uri: row.source_uri,
          attribution: row.attribution,
          organisation_id: row.organisation_id,
          imported_at: row.imported_at,
          created_at: row.now,
          updated_at: row.now,
        })
        .onConflict((oc) =>
          oc.column('slug').doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            version: eb.ref('excluded.version'),
            source_uri: eb.ref('excluded.source_uri'),
            attribution: eb.ref('excluded.attribution'),
            imported_at: eb.ref('excluded.imported_at'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .returningAll()
        .executeTakeFirstOrThrow(),

    findFrameworkBySlug: (db: Db, slug: string) =>
      db.selectFrom('skill_frameworks').selectAll().where('slug', '=', slug).executeTakeFirst(),

    findOrgFramework: (db: Db, organisationId: string) =>
      db
        .selectFrom('skill_frameworks')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .executeTakeFirst(),

    /** Inserts the organisation's framework unless a concurrent request did; returns the row either way. */
    async ensureOrgFramework(
      db: Db,
      row: { id: string; slug: string; name: string; organisationId: string; now: Date },
    ): Promise<SkillFrameworkRow> {
      await db
        .insertInto('skill_frameworks')
        .values({
          id: row.id,
          slug: row.slug,
          name: row.name,
          version: null,
          source_uri: null,
          attribution: null,
          organisation_id: row.organisationId,
          imported_at: null,
          created_at: row.now,
          updated_at: row.now,
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
      return db
        .selectFrom('skill_frameworks')
        .selectAll()
        .where('organisation_id', '=', row.organisationId)
        .executeTakeFirstOrThrow();
    },

    /** Global frameworks with their number of skills and occupations. */
    listGlobalFrameworks: (db: Db) =>
      db
        .selectFrom('skill_frameworks')
        .selectAll('skill_frameworks')
        .select((eb) => [
          eb
            .selectFrom('skills')
            .select(eb.fn.countAll<number>().as('n'))
            .whereRef('skills.framework_id', '=', 'skill_frameworks.id')
            .as('skill_count'),
          eb
            .selectFrom('occupations')
            .select(eb.fn.countAll<number>().as('n'))
            .whereRef('occupations.framework_id', '=', 'skill_frameworks.id')
            .as('occupation_count'),
        ])
        .where('skill_frameworks.organisation_id', 'is', null)
        .orderBy('skill_frameworks.slug')
        .execute(),

    // Import -----------------------------------------------------------------------------------------

    /**
     * Inserts or updates skills by URI, all rows in one statement through unnest (nine array parameters
     * however many rows). Only rows of `frameworkId` are updated: a URI that belongs to another framework
     * is left alone and missing from the result. The alternative labels travel joined by newlines.
     */
    upsertSkills: async (db: Db, frameworkId: string, rows: NewSkill[], now: Date) => {
      const result = await sql<{ id: string; uri: string }>`
        insert into skills (id, framework_id, organisation_id, uri, preferred_label, alt_labels, alt_labels_text,
          description, type, hot_technology, in_demand, facts, created_at, updated_at)
        select v.id, ${frameworkId}::uuid, null, v.uri, v.label,
          case when v.alt = '' then '{}'::text[] else string_to_array(v.alt, E'\n') end, v.alt,
          v.description, v.type, v.hot, v.in_demand, v.facts::jsonb, ${now}::timestamptz, ${now}::timestamptz
        from unnest(
          ${rows.map((row) => row.id)}::uuid[],
          ${rows.map((row) => row.uri)}::text[],
          ${rows.map((row) => row.preferred_label)}::text[],
          ${rows.map((row) => row.alt_labels_text)}::text[],
          ${rows.map((row) => row.description)}::text[],
          ${rows.map((row) => row.type)}::text[],
          ${rows.map((row) => row.hot_technology)}::boolean[],
          ${rows.map((row) => row.in_demand)}::boolean[],
          ${rows.map((row) => row.facts)}::text[]
        ) as v(id, uri, label, alt, description, type, hot, in_demand, facts)
        on conflict (uri) do update set
          preferred_label = excluded.preferred_label,
          alt_labels = excluded.alt_labels,
          alt_labels_text = excluded.alt_labels_text,
          description = excluded.description,
          type = excluded.type,
          hot_technology = excluded.hot_technology,
          in_demand = excluded.in_demand,
          facts = excluded.facts,
          updated_at = excluded.updated_at
        where skills.framework_id = excluded.framework_id
        returning id, uri`.execute(db);
      return result.rows;
    },

    /** URI → id of the framework's skills already stored (relations may name skills of an earlier import). */
    frameworkSkillIds: async (db: Db, frameworkId: string) => {
      const rows = await db
        .selectFrom('skills')
        .select(['id', 'uri'])
        .where('framework_id', '=', frameworkId)
        .execute();
      return new Map(rows.map((row) => [row.uri, row.id]));
    },

    frameworkOccupationIds: async (db: Db, frameworkId: string) => {
      const rows = await db
        .selectFrom('occupations')
        .select(['id', 'uri'])
        .where('framework_id', '=', frameworkId)
        .execute();
      return new Map(rows.map((row) => [row.uri, row.id]));
    },

    deleteFrameworkHierarchy: (db: Db, frameworkId: string) =>
      db
        .deleteFrom('skill_relations')
        .where('narrower_skill_id', 'in', (eb) =>
          eb.selectFrom('skills').select('skills.id').where('skills.framework_id', '=', frameworkId),
        )
        .executeTakeFirst(),

    /** Array parameters through unnest: two parameters per statement however many rows, parsed fast. */
    insertHierarchy: (db: Db, rows: Array<{ narrower_skill_id: string; broader_skill_id: string }>) =>
      sql`insert into skill_relations (narrower_skill_id, broader_skill_id)
          select * from unnest(${rows.map((row) => row.narrower_skill_id)}::uuid[], ${rows.map((row) => row.broader_skill_id)}::uuid[])
          on conflict do nothing`.execute(db),

    /** As {@link upsertSkills}, for occupations. */
    upsertOccupations: async (db: Db, frameworkId: string, rows: NewOccupation[], now: Date) => {
      const result = await sql<{ id: string; uri: string }>`
        insert into occupations (id, framework_id, uri, code, preferred_label, alt_labels, alt_labels_text,
          description, isco_group, created_at, updated_at)
        select v.id, ${frameworkId}::uuid, v.uri, v.code, v.label,
          case when v.alt = '' then '{}'::text[] else string_to_array(v.alt, E'\n') end, v.alt,
          v.description, v.isco_group, ${now}::timestamptz, ${now}::timestamptz
        from unnest(
          ${rows.map((row) => row.id)}::uuid[],
          ${rows.map((row) => row.uri)}::text[],
          ${rows.map((row) => row.code)}::text[],
          ${rows.map((row) => row.preferred_label)}::text[],
          ${rows.map((row) => row.alt_labels_text)}::text[],
          ${rows.map((row) => row.description)}::text[],
          ${rows.map((row) => row.isco_group)}::text[]
        ) as v(id, uri, code, label, alt, description, isco_group)
        on conflict (uri) do update set
          code = excluded.code,
          preferred_label = excluded.preferred_label,
          alt_labels = excluded.alt_labels,
          alt_labels_text = excluded.alt_labels_text,
          description = excluded.description,
          isco_group = excluded.isco_group,
          updated_at = excluded.updated_at
        where occupations.framework_id = excluded.framework_id
        returning id, uri`.execute(db);
      return result.rows;
    },

    deleteFrameworkOccupationSkills: (db: Db, frameworkId: string) =>
      db
        .deleteFrom('occupation_skills')
        .where('occupation_id', 'in', (eb) =>
          eb
            .selectFrom('occupations')
            .select('occupations.id')
            .where('occupations.framework_id', '=', frameworkId),
        )
        .executeTakeFirst(),

    insertOccupationSkills: (db: Db, rows: NewOccupationSkill[]) =>
      sql`insert into occupation_skills (occupation_id, skill_id, relation, hot_technology, in_demand)
          select * from unnest(
            ${rows.map((row) => row.occupation_id)}::uuid[],
            ${rows.map((row) => row.skill_id)}::uuid[],
            ${rows.map((row) => row.relation)}::text[],
            ${rows.map((row) => row.hot_technology)}::boolean[],
            ${rows.map((row) => row.in_demand)}::boolean[])
          on conflict do nothing`.execute(db),

    countFrameworkSkills: async (db: Db, frameworkId: string) => {
      const rows = await db
        .selectFrom('skills')
        .select(['type', (eb) => eb.fn.countAll<number>().as('n')])
        .where('framework_id', '=', frameworkId)
        .groupBy('type')
        .execute();
      return new Map(rows.map((row) => [row.type, Number(row.n)]));
    },

    // Skills -----------------------------------------------------------------------------------------

    /** Framework skills (global frameworks only), ranked when there is a text query. */
    searchSkills: (db: Db, filter: SkillSearchFilter) => {
      let query = db
        .selectFrom('skills')
        .innerJoin('skill_frameworks', 'skill_frameworks.id', 'skills.framework_id')
        .select(SKILL_COLUMNS)
        .select('skill_frameworks.slug as framework_slug')
        .where('skill_frameworks.organisation_id', 'is', null)
        .where('skills.deleted_at', 'is', null);
      if (filter.frameworkSlug) query = query.where('skill_frameworks.slug', '=', filter.frameworkSlug);
      if (filter.type) query = query.where('skills.type', '=', filter.type);
      if (filter.search) {
        const { where, rank } = textMatch('skills', filter.search);
        query = query.where(where).orderBy(rank, 'desc');
      }
      return query
        .orderBy(sql`lower(skills.preferred_label) collate "C"`)
        .orderBy('skills.preferred_label')
        .orderBy('skills.id')
        .limit(filter.limit)
        .offset(filter.offset)
        .execute() as Promise<SkillWithFramework[]>;
    },

    findSkill: (db: Db, where: { uri: string } | { id: string }) =>
      db
        .selectFrom('skills')
        .innerJoin('skill_frameworks', 'skill_frameworks.id', 'skills.framework_id')
        .select(SKILL_COLUMNS)
        .select('skill_frameworks.slug as framework_slug')
        .where((eb) => ('uri' in where ? eb('skills.uri', '=', where.uri) : eb('skills.id', '=', where.id)))
        .executeTakeFirst() as Promise<SkillWithFramework | undefined>,

    findSkillsByUris: (db: Db, uris: readonly string[]) =>
      uris.length === 0
        ? Promise.resolve([] as SkillWithFramework[])
        : (db
            .selectFrom('skills')
            .innerJoin('skill_frameworks', 'skill_frameworks.id', 'skills.framework_id')
            .select(SKILL_COLUMNS)
            .select('skill_frameworks.slug as framework_slug')
            .where('skills.uri', 'in', [...uris])
            .execute() as Promise<SkillWithFramework[]>),

    /** The skills directly broader than `skillId` (its parents). */
    broaderOf: (db: Db, skillId: string) =>
      db
        .selectFrom('skill_relations')
        .innerJoin('skills', 'skills.id', 'skill_relations.broader_skill_id')
        .innerJoin('skill_frameworks', 'skill_frameworks.id', 'skills.framework_id')
        .select(SKILL_COLUMNS)
        .select('skill_frameworks.slug as framework_slug')
        .where('skill_relations.narrower_skill_id', '=', skillId)
        .orderBy(sql`lower(skills.preferred_label) collate "C"`)
        .orderBy('skills.preferred_label')
        .execute() as Promise<SkillWithFramework[]>,

    /** The skills directly narrower than `skillId` (its children), at most `limit`. */
    narrowerOf: (db: Db, skillId: string, limit: number) =>
      db
        .selectFrom('skill_relations')
        .innerJoin('skills', 'skills.id', 'skill_relations.narrower_skill_id')
        .innerJoin('skill_frameworks', 'skill_frameworks.id', 'skills.framework_id')
        .select(SKILL_COLUMNS)
        .select('skill_frameworks.slug as framework_slug')
        .where('skill_relations.broader_skill_id', '=', skillId)
        .orderBy(sql`lower(skills.preferred_label) collate "C"`)
        .orderBy('skills.preferred_label')
        .limit(limit)
        .execute() as Promise<SkillWithFramework[]>,

    /** Occupations that need the skill, essential first, at most `limit`. */
    occupationsOfSkill: (db: Db, skillId: string, limit: number) =>
      db
        .selectFrom('occupation_skills')
        .innerJoin('occupations', 'occupations.id', 'occupation_skills.occupation_id')
        .innerJoin('skill_frameworks', 'skill_frameworks.id', 'occupations.framework_id')
        .select(OCCUPATION_COLUMNS)
        .select([
          'skill_frameworks.slug as framework_slug',
          'occupation_skills.relation',
          'occupation_skills.hot_technology as relation_hot',
          'occupation_skills.in_demand as relation_in_demand',
        ])
        .where('occupation_skills.skill_id', '=', skillId)
        .orderBy('occupation_skills.relation')
        .orderBy(sql`lower(occupations.preferred_label) collate "C"`)
        .orderBy('occupations.preferred_label')
        .limit(limit)
        .execute(),

    countOccupationsOfSkill: async (db: Db, skillId: string) => {
      const row = await db
        .selectFrom('occupation_skills')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('skill_id', '=', skillId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    // Organisation skills ----------------------------------------------------------------------------

    listOrgSkills: (
      db: Db,
      filter: { organisationId: string; search: TextSearch | null; limit: number; offset: number },
    ) => {
      let query = db
        .selectFrom('skills')
        .innerJoin('skill_frameworks', 'skill_frameworks.id', 'skills.framework_id')
        .select(SKILL_COLUMNS)
        .select('skill_frameworks.slug as framework_slug')
        .where('skills.organisation_id', '=', filter.organisationId)
        .where('skills.deleted_at', 'is', null);
      if (filter.search) {
        const { where, rank } = textMatch('skills', filter.search);
        query = query.where(where).orderBy(rank, 'desc');
      }
      return query
        .orderBy(sql`lower(skills.preferred_label) collate "C"`)
        .orderBy('skills.preferred_label')
        .orderBy('skills.id')
        .limit(filter.limit)
        .offset(filter.offset)
        .execute() as Promise<SkillWithFramework[]>;
    },

    /** A live skill of the organisation; another organisation's, or a retired one, is not found. */
    findOrgSkill: (db: Db, organisationId: string, id: string, forUpdate = false) => {
      let query = db
        .selectFrom('skills')
        .innerJoin('skill_frameworks', 'skill_frameworks.id', 'skills.framework_id')
        .select(SKILL_COLUMNS)
        .select('skill_frameworks.slug as framework_slug')
        .where('skills.organisation_id', '=', organisationId)
        .where('skills.id', '=', id)
        .where('skills.deleted_at', 'is', null);
      if (forUpdate) query = query.forUpdate('skills');
      return query.executeTakeFirst() as Promise<SkillWithFramework | undefined>;
    },

    findOrgSkillByLabel: (db: Db, organisationId: string, label: string) =>
      db
        .selectFrom('skills')
        .select(['id', 'uri', 'preferred_label'])
        .where('organisation_id', '=', organisationId)
        .where('deleted_at', 'is', null)
        .where(sql<string>`lower(preferred_label)`, '=', label.toLowerCase())
        .executeTakeFirst(),

    insertSkill: (db: Db, row: NewSkill) =>
      db.insertInto('skills').values(row).returningAll().executeTakeFirstOrThrow(),

    updateSkill: (
      db: Db,
      id: string,
      changes: {
        preferred_label?: string;
        alt_labels?: string[];
        alt_labels_text?: string;
        description?: string | null;
        updated_at: Date;
      },
    ) => db.updateTable('skills').set(changes).where('id', '=', id).execute(),

    retireSkill: (db: Db, id: string, now: Date) =>
      db.updateTable('skills').set({ deleted_at: now, updated_at: now }).where('id', '=', id).execute(),

    // Mappings ---------------------------------------------------------------------------------------

    /** The mappings of the given skills, with the target skill when its framework has been imported. */
    mappingsOf: (db: Db, skillIds: readonly string[]) =>
      skillIds.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('skill_mappings')
            .leftJoin('skills as target', (join) =>
              join
                .onRef('target.uri', '=', 'skill_mappings.target_uri')
                .on('target.organisation_id', 'is', null),
            )
            .leftJoin('skill_frameworks as target_framework', 'target_framework.id', 'target.framework_id')
            .select([
              'skill_mappings.skill_id',
              'skill_mappings.target_uri',
              'skill_mappings.match_type',
              'skill_mappings.created_at',
              'target.preferred_label as target_label',
              'target.type as target_type',
              'target_framework.slug as target_framework',
            ])
            .where('skill_mappings.skill_id', 'in', [...skillIds])
            .orderBy('skill_mappings.skill_id')
            .orderBy('skill_mappings.target_uri')
            .execute(),

    insertMappings: (
      db: Db,
      rows: Array<{ skill_id: string; target_uri: string; match_type: SkillMatch; created_at: Date }>,
    ) =>
      rows.length === 0
        ? Promise.resolve()
        : db
            .insertInto('skill_mappings')
            .values(rows)
            .onConflict((oc) =>
              oc
                .columns(['skill_id', 'target_uri'])
                .doUpdateSet((eb) => ({ match_type: eb.ref('excluded.match_type') })),
            )
            .execute()
            .then(() => undefined),

    deleteMappings: (db: Db, skillId: string, targetUris: readonly string[]) =>
      targetUris.length === 0
        ? Promise.resolve()
        : db
            .deleteFrom('skill_mappings')
            .where('skill_id', '=', skillId)
            .where('target_uri', 'in', [...targetUris])
            .execute()
            .then(() => undefined),

    /** Which of `uris` are skills of a global framework (valid mapping targets). */
    frameworkSkillUris: async (db: Db, uris: readonly string[]) => {
      if (uris.length === 0) return new Set<string>();
      const rows = await db
        .selectFrom('skills')
        .select('uri')
        .where('uri', 'in', [...uris])
        .where('organisation_id', 'is', null)
        .execute();
      return new Set(rows.map((row) => row.uri));
    },

    /** For demand signals: framework skills by URI with their flags. */
    frameworkSkillFlags: (db: Db, uris: readonly string[]) =>
      uris.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('skills')
            .select(['id', 'uri', 'hot_technology', 'in_demand'])
            .where('uri', 'in', [...uris])
            .where('organisation_id', 'is', null)
            .execute(),

    /**
     * The direct hierarchy neighbours of `uris` (one level up and down) and the organisation mappings that
     * touch them (an organisation skill's targets, and the organisation skills mapped onto a framework skill).
     */
    relatedByUris: async (db: Db, uris: readonly string[]) => {
      if (uris.length === 0) return [];
      const list = [...uris];
      const broader = await db
        .selectFrom('skill_relations')
        .innerJoin('skills as s', 's.id', 'skill_relations.narrower_skill_id')
        .innerJoin('skills as o', 'o.id', 'skill_relations.broader_skill_id')
        .select(['s.uri as uri', 'o.uri as related_uri'])
        .where('s.uri', 'in', list)
        .execute();
      const narrower = await db
        .selectFrom('skill_relations')
        .innerJoin('skills as s', 's.id', 'skill_relations.broader_skill_id')
        .innerJoin('skills as o', 'o.id', 'skill_relations.narrower_skill_id')
        .select(['s.uri as uri', 'o.uri as related_uri'])
        .where('s.uri', 'in', list)
        .execute();
      const mappedTo = await db
        .selectFrom('skill_mappings')
        .innerJoin('skills as s', 's.id', 'skill_mappings.skill_id')
        .select(['s.uri as uri', 'skill_mappings.target_uri as related_uri'])
        .where('s.uri', 'in', list)
        .execute();
      const mappedFrom = await db
        .selectFrom('skill_mappings')
        .innerJoin('skills as s', 's.id', 'skill_mappings.skill_id')
        .select(['skill_mappings.target_uri as uri', 's.uri as related_uri'])
        .where('skill_mappings.target_uri', 'in', list)
        .where('s.deleted_at', 'is', null)
        .execute();
      return [
        ...broader.map((row) => ({ ...row, relation: 'broader' as const })),
        ...narrower.map((row) => ({ ...row, relation: 'narrower' as const })),
        ...[...mappedTo, ...mappedFrom].map((row) => ({ ...row, relation: 'mapped' as const })),
      ];
    },

    /**
     * Every live skill of the global frameworks (optionally only `frameworks`) and, when given, of one
     * organisation, with what the extractor's priors need: the number of occupations naming each skill.
     * Skill groups and O*NET technology classes are left out (too broad to be asked for).
     */
    listSkillsForIndex: (db: Db, options: { frameworks?: readonly string[]; organisationId?: string }) => {
      let query = db
        .selectFrom('skills')
        .innerJoin('skill_frameworks as f', 'f.id', 'skills.framework_id')
        .select((eb) => [
          'skills.uri',
          'skills.preferred_label',
          'skills.alt_labels',
          'skills.description',
          'skills.type',
          'skills.hot_technology',
          'skills.in_demand',
          'f.slug as framework',
          eb
            .selectFrom('occupation_skills')
            .select((inner) => inner.fn.countAll<string | number>().as('n'))
            .whereRef('occupation_skills.skill_id', '=', 'skills.id')
            .as('occupation_count'),
        ])
        .where('skills.deleted_at', 'is', null)
        .where('skills.type', 'not in', ['skill-group', 'technology-class'])
        .where((eb) =>
          eb.or([
            eb.and([
              eb('skills.organisation_id', 'is', null),
              ...(options.frameworks ? [eb('f.slug', 'in', [...options.frameworks, ''])] : []),
            ]),
            ...(options.organisationId ? [eb('skills.organisation_id', '=', options.organisationId)] : []),
          ]),
        );
      query = query.orderBy('skills.uri');
      return query.execute();
    },

    /** Changes whenever a skill is added, changed or retired: the extractor's cache key. */
    skillsVersion: async (db: Db) => {
      const row = await db
        .selectFrom('skills')
        .select((eb) => [eb.fn.countAll<string | number>().as('n'), eb.fn.max('updated_at').as('latest')])
        .executeTakeFirst();
      const latest = row?.latest ? new Date(row.latest as Date | string).toISOString() : '';
      return `${row?.n ?? 0}:${latest}`;
    },

    /** Distinct occupations needing any of `skillIds`. */
    countOccupationsOfAny: async (db: Db, skillIds: readonly string[]) => {
      if (skillIds.length === 0) return 0;
      const row = await db
        .selectFrom('occupation_skills')
        .select(sql<number>`count(distinct occupation_id)`.as('n'))
        .where('skill_id', 'in', [...skillIds])
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    // Occupations ------------------------------------------------------------------------------------

    searchOccupations: (
      db: Db,
      filter: { search: TextSearch | null; frameworkSlug?: string; limit: number; offset: number },
    ) => {
      let query = db
        .selectFrom('occupations')
        .innerJoin('skill_frameworks', 'skill_frameworks.id', 'occupations.framework_id')
        .select(OCCUPATION_COLUMNS)
        .select('skill_frameworks.slug as framework_slug');
      if (filter.frameworkSlug) query = query.where('skill_frameworks.slug', '=', filter.frameworkSlug);
      if (filter.search) {
        const { where, rank } = textMatch('occupations', filter.search);
        query = query.where(where as Expression<SqlBool>).orderBy(rank, 'desc');
      }
      return query
        .orderBy(sql`lower(occupations.preferred_label) collate "C"`)
        .orderBy('occupations.preferred_label')
        .orderBy('occupations.id')
        .limit(filter.limit)
        .offset(filter.offset)
        .execute() as Promise<OccupationWithFramework[]>;
    },

    findOccupation: (db: Db, where: { uri: string } | { code: string; frameworkSlug: string }) =>
      db
        .selectFrom('occupations')
        .innerJoin('skill_frameworks', 'skill_frameworks.id', 'occupations.framework_id')
        .select(OCCUPATION_COLUMNS)
        .select('skill_frameworks.slug as framework_slug')
        .where((eb) =>
          'uri' in where
            ? eb('occupations.uri', '=', where.uri)
            : eb.and([
                eb('occupations.code', '=', where.code),
                eb('skill_frameworks.slug', '=', where.frameworkSlug),
              ]),
        )
        .executeTakeFirst() as Promise<OccupationWithFramework | undefined>,

    /** The occupation's skills: essential, then optional, then technology; hot, then in-demand ones first. */
    skillsOfOccupation: (db: Db, occupationId: string) =>
      db
        .selectFrom('occupation_skills')
        .innerJoin('skills', 'skills.id', 'occupation_skills.skill_id')
        .innerJoin('skill_frameworks', 'skill_frameworks.id', 'skills.framework_id')
        .select(SKILL_COLUMNS)
        .select([
          'skill_frameworks.slug as framework_slug',
          'occupation_skills.relation',
          'occupation_skills.hot_technology as relation_hot',
          'occupation_skills.in_demand as relation_in_demand',
        ])
        .where('occupation_skills.occupation_id', '=', occupationId)
        .orderBy('occupation_skills.relation')
        .orderBy('occupation_skills.hot_technology', 'desc')
        .orderBy('occupation_skills.in_demand', 'desc')
        .orderBy(sql`lower(skills.preferred_label) collate "C"`)
        .orderBy('skills.preferred_label')
        .execute(),
  };
}

export type SkillsRepository = ReturnType<typeof createSkillsRepository>;
