import { type Insertable, sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type {
  CompletionComponent,
  ComponentRevokedPolicy,
  PathwayCompletionRow,
  PathwayCompletionsTable,
  PathwayRecognitionsTable,
  PathwayVersionRow,
  PathwayVersionsTable,
} from '../../db/tables/pathways.ts';

/** A published version with the owning organisation's slug and name, for the public views. */
export type PublishedPathwayRow = PathwayVersionRow & {
  organisation_id: string;
  organisation_slug: string;
  organisation_name: string;
};

/**
 * A text[] of series ids. Passed as one comma-joined parameter: series ids are UUIDs (the content schema's
 * pattern), and array parameters are serialised differently by pg and PGlite.
 */
function seriesArray(seriesIds: readonly string[]) {
  return sql<string[]>`string_to_array(${seriesIds.join(',')}, ',')`;
}

/** SQL for pathways, their versions, subscriptions, recognitions and completions. */
export function createPathwaysRepository() {
  const publishedQuery = (db: Db) =>
    db
      .selectFrom('pathway_versions as v')
      .innerJoin('pathways as p', 'p.id', 'v.pathway_id')
      .innerJoin('organisations as o', 'o.id', 'p.organisation_id')
      .selectAll('v')
      .select(['p.organisation_id', 'o.slug as organisation_slug', 'o.name as organisation_name'])
      .where('v.status', '=', 'published');

  return {
    insertPathway: (
      db: Db,
      row: {
        id: string;
        organisation_id: string;
        created_by_type: string;
        created_by_id: string | null;
        created_at: Date;
        updated_at: Date;
      },
    ) => db.insertInto('pathways').values(row).execute(),

    /** The pathway of the organisation, locked for the rest of the transaction (FOR UPDATE). */
    lockPathway: (db: Db, organisationId: string, id: string) =>
      db
        .selectFrom('pathways')
        .selectAll()
        .where('id', '=', id)
        .where('organisation_id', '=', organisationId)
        .forUpdate()
        .executeTakeFirst(),

    findPathway: (db: Db, organisationId: string, id: string) =>
      db
        .selectFrom('pathways')
        .selectAll()
        .where('id', '=', id)
        .where('organisation_id', '=', organisationId)
        .executeTakeFirst(),

    touchPathway: (db: Db, id: string, now: Date) =>
      db.updateTable('pathways').set({ updated_at: now }).where('id', '=', id).execute(),

    insertVersion: (db: Db, row: Insertable<PathwayVersionsTable>) =>
      db
        .insertInto('pathway_versions')
        .values({ ...row, component_series_ids: seriesArray(row.component_series_ids ?? []) })
        .returningAll()
        .executeTakeFirstOrThrow(),

    updateDraft: (
      db: Db,
      id: string,
      patch: {
        title: string;
        content: string;
        on_component_revoked: ComponentRevokedPolicy;
        component_series_ids: string[];
        updated_at: Date;
      },
    ) =>
      db
        .updateTable('pathway_versions')
        .set({ ...patch, component_series_ids: seriesArray(patch.component_series_ids) })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow(),

    setVersionStatus: (
      db: Db,
      id: string,
      status: 'published' | 'retired',
      at: Date,
    ): Promise<PathwayVersionRow> =>
      db
        .updateTable('pathway_versions')
        .set(
          status === 'published'
            ? { status, published_at: at, updated_at: at }
            : { status, retired_at: at, updated_at: at },
        )
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow(),

    /** Every version of a pathway, newest first. */
    versionsOf: (db: Db, pathwayId: string) =>
      db
        .selectFrom('pathway_versions')
        .selectAll()
        .where('pathway_id', '=', pathwayId)
        .orderBy('version', 'desc')
        .execute(),

    /** The organisation's pathways with their newest version, newest pathway first. */
    listOrganisationPathways: (db: Db, organisationId: string, limit: number, offset: number) =>
      db
        .selectFrom('pathway_versions as v')
        .innerJoin('pathways as p', 'p.id', 'v.pathway_id')
        .selectAll('v')
        .distinctOn('v.pathway_id')
        .where('p.organisation_id', '=', organisationId)
        .orderBy('v.pathway_id')
        .orderBy('v.version', 'desc')
        .execute()
        .then((rows) =>
          rows
            .sort((a, b) => b.created_at.getTime() - a.created_at.getTime() || (a.id < b.id ? -1 : 1))
            .slice(offset, offset + limit),
        ),

    findPublished: (db: Db, pathwayId: string): Promise<PublishedPathwayRow | undefined> =>
      publishedQuery(db).where('v.pathway_id', '=', pathwayId).executeTakeFirst(),

    /** The published pathways with a component of one of the series (GIN index on component_series_ids). */
    publishedWithComponents: (db: Db, seriesIds: string[]): Promise<PublishedPathwayRow[]> =>
      seriesIds.length === 0
        ? Promise.resolve([])
        : publishedQuery(db)
            .where(sql<boolean>`v.component_series_ids && ${seriesArray(seriesIds)}`)
            .orderBy('v.pathway_id')
            .execute(),

    /**
     * The users an address belongs to: an account's verified sign-in address, or a confirmed further address
     * (user_emails). Addresses are stored normalised (lower-case).
     */
    holdersOfAddress: async (db: Db, email: string): Promise<string[]> => {
      const rows = await db
        .selectFrom('users')
        .select('id')
        .where(sql<boolean>`lower(email) = ${email.toLowerCase()}`)
        .where('email_verified_at', 'is not', null)
        .union(
          db
            .selectFrom('user_emails')
            .select('user_id as id')
            .where('email', '=', email.toLowerCase())
            .where('verified_at', 'is not', null),
        )
        .execute();
      return rows.map((row) => row.id);
    },

    listPublished: (db: Db, limit: number, offset: number): Promise<PublishedPathwayRow[]> =>
      publishedQuery(db)
        .orderBy('v.published_at', 'desc')
        .orderBy('v.id')
        .limit(limit)
        .offset(offset)
        .execute(),

    listPublishedByIds: (db: Db, pathwayIds: string[]): Promise<PublishedPathwayRow[]> =>
      pathwayIds.length === 0
        ? Promise.resolve([])
        : publishedQuery(db).where('v.pathway_id', 'in', pathwayIds).orderBy('v.title').execute(),

    // Subscriptions ------------------------------------------------------------------------------------------

    insertSubscription: async (db: Db, row: { pathway_id: string; user_id: string; created_at: Date }) =>
      (await db
        .insertInto('pathway_subscriptions')
        .values(row)
        .onConflict((oc) => oc.columns(['pathway_id', 'user_id']).doNothing())
        .returning('user_id')
        .executeTakeFirst()) !== undefined,

    deleteSubscription: async (db: Db, pathwayId: string, userId: string) =>
      (await db
        .deleteFrom('pathway_subscriptions')
        .where('pathway_id', '=', pathwayId)
        .where('user_id', '=', userId)
        .returning('user_id')
        .executeTakeFirst()) !== undefined,

    subscribedPathwayIds: (db: Db, userId: string) =>
      db
        .selectFrom('pathway_subscriptions')
        .select('pathway_id')
        .where('user_id', '=', userId)
        .execute()
        .then((rows) => rows.map((row) => row.pathway_id)),

    /** The pathway's subscribers, first subscribed first; `userIds` keeps only those learners (a group). */
    subscribersOf: (db: Db, pathwayId: string, limit: number, userIds?: readonly string[]) =>
      userIds?.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('pathway_subscriptions as s')
            .innerJoin('users as u', 'u.id', 's.user_id')
            .select(['u.id', 'u.email', 'u.name', 's.created_at'])
            .where('s.pathway_id', '=', pathwayId)
            .$if(userIds !== undefined, (query) => query.where('s.user_id', 'in', [...(userIds ?? [])]))
            .orderBy('s.created_at')
            .orderBy('u.id')
            .limit(limit)
            .execute(),

    // Recognition of prior learning --------------------------------------------------------------------------

    insertRecognition: (db: Db, row: Insertable<PathwayRecognitionsTable>) =>
      db.insertInto('pathway_recognitions').values(row).returningAll().executeTakeFirstOrThrow(),

    lockRecognition: (db: Db, pathwayId: string, id: string) =>
      db
        .selectFrom('pathway_recognitions')
        .selectAll()
        .where('pathway_id', '=', pathwayId)
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst(),

    revokeRecognition: (db: Db, id: string, at: Date) =>
      db
        .updateTable('pathway_recognitions')
        .set({ status: 'revoked', revoked_at: at })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow(),

    /** The learner's decided recognitions (active and revoked), oldest decision first: what progress reads. */
    recognitionsOf: (db: Db, pathwayId: string, userId: string) =>
      db
        .selectFrom('pathway_recognitions')
        .selectAll()
        .where('pathway_id', '=', pathwayId)
        .where('user_id', '=', userId)
        .where('status', 'in', ['active', 'revoked'])
        .orderBy('decided_at')
        .orderBy('id')
        .execute(),

    /** The reviewer queue: pending submissions, oldest first. */
    pendingRecognitions: (db: Db, pathwayId: string, limit: number) =>
      db
        .selectFrom('pathway_recognitions')
        .selectAll()
        .where('pathway_id', '=', pathwayId)
        .where('status', '=', 'pending')
        .orderBy('submitted_at')
        .orderBy('id')
        .limit(limit)
        .execute(),

    decideRecognition: (
      db: Db,
      id: string,
      decision: {
        status: 'active' | 'rejected';
        note: string | null;
        decided_by_type: string;
        decided_by_id: string | null;
        decided_at: Date;
      },
    ) =>
      db
        .updateTable('pathway_recognitions')
        .set(decision)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow(),

    // Completions --------------------------------------------------------------------------------------------

    /** Claims the (pathway, learner) key; undefined when another transaction already holds it. */
    insertCompletion: (db: Db, row: Insertable<PathwayCompletionsTable>) =>
      db
        .insertInto('pathway_completions')
        .values(row)
        .onConflict((oc) => oc.columns(['pathway_id', 'user_id']).doNothing())
        .returningAll()
        .executeTakeFirst(),

    findCompletion: (db: Db, pathwayId: string, userId: string) =>
      db
        .selectFrom('pathway_completions')
        .selectAll()
        .where('pathway_id', '=', pathwayId)
        .where('user_id', '=', userId)
        .executeTakeFirst(),

    lockCompletion: (db: Db, pathwayId: string, userId: string) =>
      db
        .selectFrom('pathway_completions')
        .selectAll()
        .where('pathway_id', '=', pathwayId)
        .where('user_id', '=', userId)
        .forUpdate()
        .executeTakeFirst(),

    setCompletionCredential: (db: Db, pathwayId: string, userId: string, credentialId: string) =>
      db
        .updateTable('pathway_completions')
        .set({ credential_id: credentialId })
        .where('pathway_id', '=', pathwayId)
        .where('user_id', '=', userId)
        .returningAll()
        .executeTakeFirstOrThrow(),

    flagCompletion: (
      db: Db,
      pathwayId: string,
      userId: string,
      patch: { status: 'flagged' | 'suspended'; flag_reason: string; flagged_at: Date },
    ): Promise<PathwayCompletionRow> =>
      db
        .updateTable('pathway_completions')
        .set(patch)
        .where('pathway_id', '=', pathwayId)
        .where('user_id', '=', userId)
        .returningAll()
        .executeTakeFirstOrThrow(),

    /**
     * Completions in good standing that counted the credential (GIN index on components), in pathway and learner
     * order (the order they are then locked in).
     */
    completionsCounting: (db: Db, credentialId: string) =>
      db
        .selectFrom('pathway_completions as c')
        .select(['c.pathway_id', 'c.user_id', 'c.pathway_version_id'])
        .where(
          sql<boolean>`c.components @> ${JSON.stringify([{ kind: 'credential', id: credentialId }])}::jsonb`,
        )
        .where('c.status', '=', 'complete')
        .orderBy('c.pathway_id')
        .orderBy('c.user_id')
        .execute(),

    /** A version (any status) with its organisation, as the completion and flagging code reads pathways. */
    findVersion: (db: Db, versionId: string): Promise<PublishedPathwayRow | undefined> =>
      db
        .selectFrom('pathway_versions as v')
        .innerJoin('pathways as p', 'p.id', 'v.pathway_id')
        .innerJoin('organisations as o', 'o.id', 'p.organisation_id')
        .selectAll('v')
        .select(['p.organisation_id', 'o.slug as organisation_slug', 'o.name as organisation_name'])
        .where('v.id', '=', versionId)
        .executeTakeFirst(),

    /** Completions still in good standing, for the revocation recheck. */
    completionsInGoodStanding: (db: Db, pathwayId: string) =>
      db
        .selectFrom('pathway_completions')
        .selectAll()
        .where('pathway_id', '=', pathwayId)
        .where('status', '=', 'complete')
        .orderBy('completed_at')
        .execute(),
  };
}

export type PathwaysRepository = ReturnType<typeof createPathwaysRepository>;
export type { CompletionComponent };
