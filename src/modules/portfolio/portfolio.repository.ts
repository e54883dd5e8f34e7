import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type {
  MarkStage,
  PortfolioFileMeta,
  PortfolioMarkRow,
  PortfolioRubricRow,
  PortfolioSubmissionRow,
  SubmissionStatus,
} from '../../db/tables/portfolio.ts';
import type {
  MarkedLevel,
  PassRule,
  RubricCriterion,
  SubmissionLink,
  SubmissionSettings,
} from './portfolio.rubric.ts';

export interface RubricValues {
  definitionId: string;
  organisationId: string;
  criteria: RubricCriterion[];
  passRule: PassRule;
  settings: SubmissionSettings;
  revision: number;
  now: Date;
}

export interface QueueFilter {
  organisationId: string;
  statuses: SubmissionStatus[];
  definitionId?: string;
  /** `mine`: claimed by this user; `unclaimed`: claimed by no one. */
  claimed?: { mine: string } | 'unclaimed';
  /** Rows strictly after this position in (submitted_at asc, id asc) order. */
  after?: { submittedAt: Date; id: string };
  limit: number;
}

const FILE_META = [
  'id',
  'submission_id',
  'organisation_id',
  'file_name',
  'file_type',
  'media_type',
  'size_bytes',
  'sha256',
  'created_at',
] as const;

/** SQL for rubrics, submissions, files and marks; the service passes the transaction it runs in. */
export function createPortfolioRepository() {
  return {
    findRubric: (db: Db, definitionId: string): Promise<PortfolioRubricRow | undefined> =>
      db
        .selectFrom('portfolio_rubrics')
        .selectAll()
        .where('definition_id', '=', definitionId)
        .executeTakeFirst(),

    findRubricForUpdate: (db: Db, definitionId: string): Promise<PortfolioRubricRow | undefined> =>
      db
        .selectFrom('portfolio_rubrics')
        .selectAll()
        .where('definition_id', '=', definitionId)
        .forUpdate()
        .executeTakeFirst(),

    upsertRubric: (db: Db, values: RubricValues) =>
      db
        .insertInto('portfolio_rubrics')
        .values({
          definition_id: values.definitionId,
          organisation_id: values.organisationId,
          criteria: JSON.stringify(values.criteria),
          pass_rule: JSON.stringify(values.passRule),
          settings: JSON.stringify(values.settings),
          revision: values.revision,
          created_at: values.now,
          updated_at: values.now,
        })
        .onConflict((oc) =>
          oc.column('definition_id').doUpdateSet({
            criteria: JSON.stringify(values.criteria),
            pass_rule: JSON.stringify(values.passRule),
            settings: JSON.stringify(values.settings),
            revision: values.revision,
            updated_at: values.now,
          }),
        )
        .returningAll()
        .executeTakeFirstOrThrow(),

    deleteRubric: (db: Db, definitionId: string) =>
      db.deleteFrom('portfolio_rubrics').where('definition_id', '=', definitionId).execute(),

    insertSubmission: (
      db: Db,
      row: {
        id: string;
        organisation_id: string;
        definition_id: string;
        definition_title: string;
        learner_user_id: string;
        learner_email: string;
        learner_name: string;
        attempt: number;
        text_body: string | null;
        links: SubmissionLink[];
        now: Date;
      },
    ) =>
      db
        .insertInto('portfolio_submissions')
        .values({
          id: row.id,
          organisation_id: row.organisation_id,
          definition_id: row.definition_id,
          definition_title: row.definition_title,
          learner_user_id: row.learner_user_id,
          learner_email: row.learner_email,
          learner_name: row.learner_name,
          attempt: row.attempt,
          status: 'draft',
          text_body: row.text_body,
          links: JSON.stringify(row.links),
          created_at: row.now,
          updated_at: row.now,
        })
        .returningAll()
        .executeTakeFirstOrThrow(),

    /** The learner's submissions for one definition version, newest first (for attempts and cooldowns). */
    learnerHistory: (db: Db, learnerUserId: string, definitionId: string) =>
      db
        .selectFrom('portfolio_submissions')
        .select(['id', 'status', 'attempt', 'decided_at'])
        .where('learner_user_id', '=', learnerUserId)
        .where('definition_id', '=', definitionId)
        .orderBy('attempt', 'desc')
        .execute(),

    findSubmission: (db: Db, id: string, options: { forUpdate?: boolean } = {}) => {
      const query = db.selectFrom('portfolio_submissions').selectAll().where('id', '=', id);
      return (options.forUpdate ? query.forUpdate() : query).executeTakeFirst() as Promise<
        PortfolioSubmissionRow | undefined
      >;
    },

    updateSubmission: (
      db: Db,
      id: string,
      values: Partial<{
        status: SubmissionStatus;
        text_body: string | null;
        links: SubmissionLink[];
        learner_email: string;
        learner_name: string;
        supervision: string | null;
        claimed_by: string | null;
        claimed_at: Date | null;
        final_mark_id: string | null;
        total_points: number | null;
        max_points: number | null;
        credential_id: string | null;
        submitted_at: Date;
        decided_at: Date;
      }> & { updated_at: Date },
    ) => {
      const { links, ...rest } = values;
      return db
        .updateTable('portfolio_submissions')
        .set({ ...rest, ...(links === undefined ? {} : { links: JSON.stringify(links) }) })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    listLearnerSubmissions: (
      db: Db,
      filter: {
        learnerUserId: string;
        definitionId?: string;
        status?: SubmissionStatus;
        limit: number;
        offset: number;
      },
    ) => {
      let query = db
        .selectFrom('portfolio_submissions')
        .selectAll()
        .where('learner_user_id', '=', filter.learnerUserId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(filter.limit)
        .offset(filter.offset);
      if (filter.definitionId) query = query.where('definition_id', '=', filter.definitionId);
      if (filter.status) query = query.where('status', '=', filter.status);
      return query.execute();
    },

    /** The assessor queue: oldest submission first, with each submission's file count. */
    listQueue: (db: Db, filter: QueueFilter) => {
      let query = db
        .selectFrom('portfolio_submissions as s')
        .selectAll('s')
        .select((eb) =>
          eb
            .selectFrom('portfolio_files as f')
            .select(sql<number>`count(*)::int`.as('n'))
            .whereRef('f.submission_id', '=', 's.id')
            .as('file_count'),
        )
        .where('s.organisation_id', '=', filter.organisationId)
        .where('s.status', 'in', filter.statuses)
        .orderBy('s.submitted_at', 'asc')
        .orderBy('s.id', 'asc')
        .limit(filter.limit);
      if (filter.definitionId) query = query.where('s.definition_id', '=', filter.definitionId);
      const claimed = filter.claimed;
      if (claimed === 'unclaimed') query = query.where('s.claimed_by', 'is', null);
      else if (claimed) query = query.where('s.claimed_by', '=', claimed.mine);
      const after = filter.after;
      if (after) {
        query = query.where((eb) =>
          eb.or([
            eb('s.submitted_at', '>', after.submittedAt),
            eb.and([eb('s.submitted_at', '=', after.submittedAt), eb('s.id', '>', after.id)]),
          ]),
        );
      }
      return query.execute();
    },

    listFiles: (db: Db, submissionId: string): Promise<PortfolioFileMeta[]> =>
      db
        .selectFrom('portfolio_files')
        .select(FILE_META)
        .where('submission_id', '=', submissionId)
        .orderBy('created_at')
        .orderBy('id')
        .execute(),

    countFiles: async (db: Db, submissionId: string): Promise<number> => {
      const row = await db
        .selectFrom('portfolio_files')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('submission_id', '=', submissionId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    findFile: (db: Db, submissionId: string, fileId: string) =>
      db
        .selectFrom('portfolio_files')
        .selectAll()
        .where('submission_id', '=', submissionId)
        .where('id', '=', fileId)
        .executeTakeFirst(),

    findFileMeta: (db: Db, submissionId: string, fileId: string): Promise<PortfolioFileMeta | undefined> =>
      db
        .selectFrom('portfolio_files')
        .select(FILE_META)
        .where('submission_id', '=', submissionId)
        .where('id', '=', fileId)
        .executeTakeFirst(),

    insertFile: (
      db: Db,
      row: Omit<PortfolioFileMeta, 'created_at'> & { content: Uint8Array; created_at: Date },
    ): Promise<PortfolioFileMeta> =>
      db.insertInto('portfolio_files').values(row).returning(FILE_META).executeTakeFirstOrThrow(),

    deleteFile: (db: Db, submissionId: string, fileId: string) =>
      db
        .deleteFrom('portfolio_files')
        .where('submission_id', '=', submissionId)
        .where('id', '=', fileId)
        .execute(),

    listMarks: (db: Db, submissionId: string): Promise<PortfolioMarkRow[]> =>
      db
        .selectFrom('portfolio_marks')
        .selectAll()
        .where('submission_id', '=', submissionId)
        .orderBy('created_at')
        .orderBy('id')
        .execute(),

    insertMark: (
      db: Db,
      row: {
        id: string;
        submission_id: string;
        organisation_id: string;
        stage: MarkStage;
        assessor_user_id: string;
        levels: MarkedLevel[];
        total_points: number;
        max_points: number;
        passed: boolean;
        feedback: string;
        created_at: Date;
      },
    ): Promise<PortfolioMarkRow> =>
      db
        .insertInto('portfolio_marks')
        .values({ ...row, levels: JSON.stringify(row.levels) })
        .returningAll()
        .executeTakeFirstOrThrow(),
  };
}

export type PortfolioRepository = ReturnType<typeof createPortfolioRepository>;
