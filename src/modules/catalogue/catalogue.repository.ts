import { type Insertable, sql, type Updateable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { CredentialDefinitionRow, CredentialDefinitionsTable } from '../../db/tables/catalogue.ts';
import type { DefinitionSource, DefinitionStatus } from './definition.model.ts';

/** Search counts matching entries exactly up to this many; beyond it `totalExact` is false. */
export const SEARCH_COUNT_CAP = 10_000;

export type NewDefinitionRow = Insertable<CredentialDefinitionsTable>;
export type DefinitionRowPatch = Updateable<CredentialDefinitionsTable>;

/** Every column but the generated `search_vector`, which only the search query reads. */
const COLUMNS = [
  'id',
  'series_id',
  'version',
  'organisation_id',
  'source',
  'status',
  'title',
  'content',
  'external_id',
  'source_uri',
  'source_fingerprint',
  'provider_name',
  'provider_url',
  'verifiable',
  'conformance',
  'quality_score',
  'quality',
  'level_framework',
  'level_value',
  'hours',
  'credit_points',
  'cost_amount',
  'cost_currency',
  'delivery_mode',
  'assessment_type',
  'languages',
  'skill_uris',
  'search_text',
  'supersedes_id',
  'superseded_by_id',
  'review_comment',
  'created_by_type',
  'created_by_id',
  'created_at',
  'updated_at',
  'submitted_at',
  'published_at',
  'retired_at',
] as const;

const CD = 'credential_definitions' as const;

/** What a learning path reads of a definition; `prerequisites` is `content.prerequisites.definitionIds`. */
export interface PathCandidateRow {
  id: string;
  series_id: string;
  title: string;
  provider_name: string;
  source: DefinitionSource;
  skill_uris: string[];
  cost_amount: number | null;
  cost_currency: string | null;
  hours: number | null;
  quality_score: number | null;
  delivery_mode: string | null;
  languages: string[];
  prerequisites: unknown;
}

const PATH_COLUMNS =
  "id, series_id, title, provider_name, source, skill_uris, cost_amount, cost_currency, hours, quality_score, delivery_mode, languages, content #> '{prerequisites,definitionIds}' as prerequisites";

export interface PathCandidateFilter {
  skillUris: string[];
  minQuality?: number;
  deliveryModes?: string[];
  /** Lower-case BCP 47 primary tags. */
  languages?: string[];
  sources?: DefinitionSource[];
  requireCost?: boolean;
  /** Upper-case ISO 4217: only entries priced in it (or free). */
  currency?: string;
  requireHours?: boolean;
  /** Entries that alone exceed a budget can never be on a path within it. */
  maxCost?: number;
  maxHours?: number;
  /** Within a skill, after the entries covering more of the gap: cheapest or shortest first (unknown last). */
  order: 'cost' | 'hours';
  perSkill: number;
  /** Entries per skill, in the measure's order, among which coverage is counted (at least `perSkill`). */
  window: number;
}

const qualified = COLUMNS.map((column) => `${CD}.${column}` as const);

export interface DefinitionListFilter {
  organisationId: string;
  status?: DefinitionStatus;
  source?: DefinitionSource;
  limit: number;
  offset: number;
}

/** The public catalogue's filters; every one optional. Text filters are compared case-insensitively. */
export interface CatalogueSearchFilter {
  /** Web-search syntax (`"exact phrase"`, `-excluded`, `or`), English stemming. */
  text?: string;
  skillUri?: string;
  levelFramework?: string;
  level?: string;
  minHours?: number;
  maxHours?: number;
  maxCost?: number;
  currency?: string;
  provider?: string;
  deliveryMode?: string;
  language?: string;
  minQuality?: number;
  source?: DefinitionSource;
  assessmentType?: string;
  sort: 'relevance' | 'quality' | 'newest';
  limit: number;
  offset: number;
}

export type CatalogueSearchRow = Pick<
  CredentialDefinitionRow,
  | 'id'
  | 'series_id'
  | 'version'
  | 'source'
  | 'status'
  | 'title'
  | 'content'
  | 'provider_name'
  | 'provider_url'
  | 'source_uri'
  | 'verifiable'
  | 'quality_score'
  | 'quality'
  | 'level_framework'
  | 'level_value'
  | 'hours'
  | 'cost_amount'
  | 'cost_currency'
  | 'delivery_mode'
  | 'assessment_type'
  | 'languages'
  | 'skill_uris'
  | 'published_at'
  | 'updated_at'
> & { organisation_slug: string; rank: number | null };

/** SQL for credential definitions; the service passes the transaction it runs in. */
export function createCatalogueRepository() {
  function searchQuery(db: Db, filter: CatalogueSearchFilter) {
    const tsquery = filter.text ? sql`websearch_to_tsquery('english', ${filter.text})` : null;
    // No join here: counting needs only the definitions; the page joins organisations for their slugs.
    let query = db.selectFrom(CD).where(`${CD}.status`, '=', 'published');
    if (tsquery) query = query.where(sql<boolean>`${sql.ref(`${CD}.search_vector`)} @@ ${tsquery}`);
    if (filter.skillUri !== undefined) {
      query = query.where(sql<boolean>`${sql.ref(`${CD}.skill_uris`)} @> array[${filter.skillUri}]::text[]`);
    }
    if (filter.levelFramework !== undefined) {
      query = query.where(
        sql<boolean>`lower(${sql.ref(`${CD}.level_framework`)}) = lower(${filter.levelFramework})`,
      );
    }
    if (filter.level !== undefined) {
      query = query.where(sql<boolean>`lower(${sql.ref(`${CD}.level_value`)}) = lower(${filter.level})`);
    }
    if (filter.minHours !== undefined) query = query.where(`${CD}.hours`, '>=', filter.minHours);
    if (filter.maxHours !== undefined) query = query.where(`${CD}.hours`, '<=', filter.maxHours);
    if (filter.maxCost !== undefined) query = query.where(`${CD}.cost_amount`, '<=', filter.maxCost);
    if (filter.currency !== undefined) query = query.where(`${CD}.cost_currency`, '=', filter.currency);
    if (filter.provider !== undefined) {
      query = query.where(sql<boolean>`lower(${sql.ref(`${CD}.provider_name`)}) = lower(${filter.provider})`);
    }
    if (filter.deliveryMode !== undefined)
      query = query.where(`${CD}.delivery_mode`, '=', filter.deliveryMode);
    if (filter.language !== undefined) {
      // Stored lower-case; `en` also matches `en-GB`.
      const language = filter.language.toLowerCase();
      query = query.where((eb) =>
        eb.or([
          eb(sql<boolean>`${sql.ref(`${CD}.languages`)} @> array[${language}]::text[]`, '=', true),
          eb(
            sql<boolean>`exists (select 1 from unnest(${sql.ref(`${CD}.languages`)}) as l(tag) where l.tag like ${`${language}-%`})`,
            '=',
            true,
          ),
        ]),
      );
    }
    if (filter.minQuality !== undefined) query = query.where(`${CD}.quality_score`, '>=', filter.minQuality);
    if (filter.source !== undefined) query = query.where(`${CD}.source`, '=', filter.source);
    if (filter.assessmentType !== undefined) {
      query = query.where(`${CD}.assessment_type`, '=', filter.assessmentType);
    }
    return { query, tsquery };
  }

  return {
    insertDefinition: (db: Db, row: NewDefinitionRow) =>
      db.insertInto(CD).values(row).returning(COLUMNS).executeTakeFirstOrThrow(),

    updateDefinition: (db: Db, id: string, patch: DefinitionRowPatch) =>
      db.updateTable(CD).set(patch).where('id', '=', id).returning(COLUMNS).executeTakeFirstOrThrow(),

    /** A version of the organisation's, or undefined (another organisation's is as good as missing). */
    findDefinition: (db: Db, organisationId: string, id: string) =>
      db
        .selectFrom(CD)
        .select(COLUMNS)
        .where('organisation_id', '=', organisationId)
        .where('id', '=', id)
        .executeTakeFirst(),

    /** As {@link findDefinition}, locking the row for the rest of the transaction. */
    lockDefinition: (db: Db, organisationId: string, id: string) =>
      db
        .selectFrom(CD)
        .select(COLUMNS)
        .where('organisation_id', '=', organisationId)
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst(),

    /** By id alone, for other modules (behind a port) and public pages. */
    findById: (db: Db, id: string) =>
      db.selectFrom(CD).select(COLUMNS).where('id', '=', id).executeTakeFirst(),

    findByIds: (db: Db, ids: string[]) =>
      ids.length === 0
        ? Promise.resolve([])
        : db.selectFrom(CD).select(COLUMNS).where('id', 'in', ids).execute(),

    /** A version the public may see (published, or retired: earned credentials still point at it). */
    findPublicDefinition: (db: Db, id: string) =>
      db
        .selectFrom(CD)
        .innerJoin('organisations', 'organisations.id', `${CD}.organisation_id`)
        .select(qualified)
        .select('organisations.slug as organisation_slug')
        .where(`${CD}.id`, '=', id)
        .where(`${CD}.status`, 'in', ['published', 'retired'])
        .executeTakeFirst(),

    listDefinitions: async (db: Db, filter: DefinitionListFilter) => {
      let query = db.selectFrom(CD).where('organisation_id', '=', filter.organisationId);
      if (filter.status) query = query.where('status', '=', filter.status);
      if (filter.source) query = query.where('source', '=', filter.source);
      const rows = await query
        .select(COLUMNS)
        .orderBy('updated_at', 'desc')
        .orderBy('id', 'desc')
        .limit(filter.limit)
        .offset(filter.offset)
        .execute();
      const count = await query
        .select((eb) => eb.fn.countAll<number>().as('total'))
        .executeTakeFirstOrThrow();
      return { rows, total: Number(count.total) };
    },

    /** Every version of a series, newest first. */
    seriesVersions: (db: Db, seriesId: string) =>
      db
        .selectFrom(CD)
        .select([
          'id',
          'version',
          'status',
          'published_at',
          'retired_at',
          'superseded_by_id',
          'supersedes_id',
        ])
        .where('series_id', '=', seriesId)
        .orderBy('version', 'desc')
        .execute(),

    /** The ids of the organisation's versions of a series (none when the series is another's). */
    seriesVersionIdsOf: async (db: Db, organisationId: string, seriesId: string): Promise<string[]> =>
      (
        await db
          .selectFrom(CD)
          .select('id')
          .where('series_id', '=', seriesId)
          .where('organisation_id', '=', organisationId)
          .execute()
      ).map((row) => row.id),

    /** Locks every version of a series (publishing and versioning change two rows of it together). */
    lockSeries: (db: Db, seriesId: string) =>
      db
        .selectFrom(CD)
        .select(COLUMNS)
        .where('series_id', '=', seriesId)
        .orderBy('version', 'desc')
        .forUpdate()
        .execute(),

    findExternalEntries: (db: Db, organisationId: string, externalIds: string[]) =>
      externalIds.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom(CD)
            .select(COLUMNS)
            .where('organisation_id', '=', organisationId)
            .where('source', '=', 'external')
            .where('external_id', 'in', externalIds)
            .execute(),

    /** One page of the public catalogue and the number of matching entries. */
    search: async (db: Db, filter: CatalogueSearchFilter) => {
      const { query, tsquery } = searchQuery(db, filter);
      const rank = tsquery
        ? sql<number>`ts_rank(${sql.ref(`${CD}.search_vector`)}, ${tsquery})`
        : sql<number | null>`null::real`;
      let page = query
        .innerJoin('organisations', 'organisations.id', `${CD}.organisation_id`)
        .select([
          `${CD}.id`,
          `${CD}.series_id`,
          `${CD}.version`,
          `${CD}.source`,
          `${CD}.status`,
          `${CD}.title`,
          `${CD}.content`,
          `${CD}.provider_name`,
          `${CD}.provider_url`,
          `${CD}.source_uri`,
          `${CD}.verifiable`,
          `${CD}.quality_score`,
          `${CD}.quality`,
          `${CD}.level_framework`,
          `${CD}.level_value`,
          `${CD}.hours`,
          `${CD}.cost_amount`,
          `${CD}.cost_currency`,
          `${CD}.delivery_mode`,
          `${CD}.assessment_type`,
          `${CD}.languages`,
          `${CD}.skill_uris`,
          `${CD}.published_at`,
          `${CD}.updated_at`,
          'organisations.slug as organisation_slug',
        ])
        .select(rank.as('rank'));
      if (filter.sort === 'relevance' && tsquery) page = page.orderBy(sql`rank`, 'desc');
      if (filter.sort === 'newest') {
        page = page.orderBy(sql`${sql.ref(`${CD}.published_at`)} desc nulls last`);
      } else {
        page = page.orderBy(sql`${sql.ref(`${CD}.quality_score`)} desc nulls last`);
      }
      const rows = await page.orderBy(`${CD}.id`).limit(filter.limit).offset(filter.offset).execute();
      // An exact count reads every matching row; past SEARCH_COUNT_CAP the answer says "more than".
      const count = await db
        .selectFrom(
          query
            .select(sql<number>`1`.as('one'))
            .limit(SEARCH_COUNT_CAP + 1)
            .as('matches'),
        )
        .select((eb) => eb.fn.countAll<number>().as('total'))
        .executeTakeFirstOrThrow();
      const matches = Number(count.total);
      return {
        rows: rows as CatalogueSearchRow[],
        total: Math.min(matches, SEARCH_COUNT_CAP),
        totalExact: matches <= SEARCH_COUNT_CAP,
      };
    },

    /**
     * Learning-path candidates: for each gap skill the first `perSkill` published entries aligned to it that
     * pass the filters, those covering more of the gap's skills first, then cheapest (or shortest), then by
     * id. Counting every entry's coverage would read every aligned row of the gap (100,000–400,000 rows at
     * 1.85 M entries, over 200 ms), so coverage is counted within a window: the first `window` entries of
     * each skill in the measure's order, each one short range of the narrow `credential_skill_alignments`
     * index (migration 0012). The wide rows are then read by primary key, once each.
     */
    findPathCandidateRows: async (db: Db, filter: PathCandidateFilter): Promise<PathCandidateRow[]> => {
      if (filter.skillUris.length === 0) return [];
      const conditions = [sql`true`];
      if (filter.minQuality !== undefined) conditions.push(sql`quality_score >= ${filter.minQuality}`);
      if (filter.deliveryModes && filter.deliveryModes.length > 0) {
        conditions.push(sql`delivery_mode = any(${filter.deliveryModes}::text[])`);
      }
      if (filter.languages && filter.languages.length > 0) {
        conditions.push(
          sql`exists (select 1 from unnest(languages) as l where split_part(lower(l), '-', 1) = any(${filter.languages}::text[]))`,
        );
      }
      if (filter.sources && filter.sources.length > 0)
        conditions.push(sql`source = any(${filter.sources}::text[])`);
      if (filter.requireCost) conditions.push(sql`cost_amount is not null`);
      if (filter.currency !== undefined)
        conditions.push(sql`(cost_amount = 0 or cost_currency = ${filter.currency})`);
      if (filter.requireHours) conditions.push(sql`hours is not null`);
      if (filter.maxCost !== undefined) conditions.push(sql`cost_amount <= ${filter.maxCost}`);
      if (filter.maxHours !== undefined) conditions.push(sql`hours <= ${filter.maxHours}`);
      const where = sql.join(conditions, sql` and `);
      const measure = filter.order === 'hours' ? sql`hours` : sql`cost_amount`;
      const windows = filter.skillUris.map(
        (uri) =>
          sql`(select skill_uri, definition_id, ${measure} as measure from credential_skill_alignments
            where skill_uri = ${uri} and ${where} order by ${measure}, definition_id limit ${filter.window})`,
      );
      const result = await sql<PathCandidateRow>`
        with windows as (${sql.join(windows, sql` union all `)}),
        counted as (
          select skill_uri, definition_id, measure, count(*) over (partition by definition_id) as covers
          from windows
        ), ranked as (
          select definition_id,
            row_number() over (partition by skill_uri order by covers desc, measure, definition_id) as rank
          from counted
        )
        select ${sql.raw(PATH_COLUMNS)} from credential_definitions
        where id in (select definition_id from ranked where rank <= ${filter.perSkill}) and status = 'published'
        order by id`.execute(db);
      return result.rows;
    },

    /** The published version of each series (at most one per series). */
    findPublishedBySeries: (db: Db, seriesIds: string[]) =>
      seriesIds.length === 0
        ? Promise.resolve([] as PathCandidateRow[])
        : sql<PathCandidateRow>`
            select distinct on (series_id) ${sql.raw(PATH_COLUMNS)} from credential_definitions
            where series_id = any(${seriesIds}::uuid[]) and status = 'published'
            order by series_id, version desc`
            .execute(db)
            .then((result) => result.rows),

    /** Per series: the published version, else the latest one (pathways judge the status). */
    findSeriesSummaryRows: (db: Db, seriesIds: string[]) =>
      seriesIds.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom(CD)
            .select([
              'id',
              'series_id',
              'version',
              'status',
              'source',
              'organisation_id',
              'title',
              'source_uri',
              'credit_points',
              'hours',
              'level_framework',
              'level_value',
              'cost_amount',
              'cost_currency',
              'skill_uris',
            ])
            .distinctOn('series_id')
            .where('series_id', 'in', seriesIds)
            .orderBy('series_id')
            .orderBy(sql`status = 'published'`, 'desc')
            .orderBy('version', 'desc')
            .execute(),

    /**
     * The same filtered search with a plain `ILIKE` scan instead of the text index: the benchmark's
     * baseline, kept here so both run the identical filters.
     */
    searchByIlike: (db: Db, text: string, limit: number) =>
      db
        .selectFrom(CD)
        .select(['id', 'title', 'quality_score'])
        .where('status', '=', 'published')
        .where((eb) => eb.or([eb('title', 'ilike', `%${text}%`), eb('search_text', 'ilike', `%${text}%`)]))
        .orderBy(sql`quality_score desc nulls last`)
        .orderBy('id')
        .limit(limit)
        .execute(),
  };
}

export type CatalogueRepository = ReturnType<typeof createCatalogueRepository>;
