import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type {
  AssessmentAttemptRow,
  AssessmentItemRow,
  AssessmentResponseRow,
  AssessmentTestRow,
  AttemptStatus,
} from '../../db/tables/assessments.ts';

export interface TestSettingsRow {
  pass_mark: number | null;
  attempt_limit: number | null;
  cooldown_seconds: number;
  time_limit_seconds: number | null;
  items_per_attempt: number | null;
  shuffle_items: boolean;
  shuffle_options: boolean;
  supervision: string;
}

export interface NewItemRow {
  id: string;
  test_id: string;
  position: number;
  type: AssessmentItemRow['type'];
  prompt: string;
  points: number;
  options: string;
  answer_key: string;
  learning_outcome_id: string | null;
  feedback: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface AttemptHistory {
  count: number;
  passed: boolean;
  lastClosedAt: Date | null;
}

/** SQL for tests, items, attempts and responses; the service passes the transaction it runs in. */
export function createAssessmentsRepository() {
  return {
    findTestByDefinition: (db: Db, definitionId: string, lock = false) => {
      const query = db.selectFrom('assessment_tests').selectAll().where('definition_id', '=', definitionId);
      return (lock ? query.forUpdate() : query).executeTakeFirst();
    },

    findTestById: (db: Db, testId: string) =>
      db.selectFrom('assessment_tests').selectAll().where('id', '=', testId).executeTakeFirst(),

    insertTest: (
      db: Db,
      row: TestSettingsRow & {
        id: string;
        definition_id: string;
        organisation_id: string;
        created_at: Date;
        updated_at: Date;
      },
    ) => db.insertInto('assessment_tests').values(row).returningAll().executeTakeFirstOrThrow(),

    updateTest: (db: Db, testId: string, settings: TestSettingsRow, now: Date) =>
      db
        .updateTable('assessment_tests')
        .set({ ...settings, updated_at: now })
        .where('id', '=', testId)
        .returningAll()
        .executeTakeFirstOrThrow(),

    touchTest: (db: Db, testId: string, now: Date) =>
      db.updateTable('assessment_tests').set({ updated_at: now }).where('id', '=', testId).execute(),

    listItems: (db: Db, testId: string) =>
      db
        .selectFrom('assessment_items')
        .selectAll()
        .where('test_id', '=', testId)
        .orderBy('position')
        .orderBy('created_at')
        .execute(),

    countItems: async (db: Db, testId: string) => {
      const row = await db
        .selectFrom('assessment_items')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('test_id', '=', testId)
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },

    findItem: (db: Db, testId: string, itemId: string) =>
      db
        .selectFrom('assessment_items')
        .selectAll()
        .where('test_id', '=', testId)
        .where('id', '=', itemId)
        .executeTakeFirst(),

    findItemsByIds: (db: Db, itemIds: string[]) =>
      itemIds.length === 0
        ? Promise.resolve([] as AssessmentItemRow[])
        : db.selectFrom('assessment_items').selectAll().where('id', 'in', itemIds).execute(),

    nextPosition: async (db: Db, testId: string) => {
      const row = await db
        .selectFrom('assessment_items')
        .select((eb) => eb.fn.max('position').as('max'))
        .where('test_id', '=', testId)
        .executeTakeFirst();
      return (row?.max ?? 0) + 1;
    },

    insertItem: (db: Db, row: NewItemRow) =>
      db.insertInto('assessment_items').values(row).returningAll().executeTakeFirstOrThrow(),

    insertItems: (db: Db, rows: NewItemRow[]) =>
      rows.length === 0
        ? Promise.resolve()
        : db
            .insertInto('assessment_items')
            .values(rows)
            .execute()
            .then(() => {}),

    updateItem: (
      db: Db,
      itemId: string,
      row: Omit<NewItemRow, 'id' | 'test_id' | 'position' | 'created_at'>,
    ) =>
      db
        .updateTable('assessment_items')
        .set(row)
        .where('id', '=', itemId)
        .returningAll()
        .executeTakeFirstOrThrow(),

    deleteItem: (db: Db, itemId: string) =>
      db.deleteFrom('assessment_items').where('id', '=', itemId).execute(),

    /** The learner's attempt (or nothing: another learner's attempt does not exist for them). */
    findAttemptOfUser: (db: Db, attemptId: string, userId: string, lock = false) => {
      const query = db
        .selectFrom('assessment_attempts')
        .selectAll()
        .where('id', '=', attemptId)
        .where('user_id', '=', userId);
      return (lock ? query.forUpdate() : query).executeTakeFirst();
    },

    findOpenAttempt: (db: Db, testId: string, userId: string) =>
      db
        .selectFrom('assessment_attempts')
        .selectAll()
        .where('test_id', '=', testId)
        .where('user_id', '=', userId)
        .where('status', '=', 'open')
        .forUpdate()
        .executeTakeFirst(),

    attemptHistory: async (db: Db, testId: string, userId: string): Promise<AttemptHistory> => {
      const row = await db
        .selectFrom('assessment_attempts')
        .select((eb) => [
          eb.fn.countAll<number>().as('count'),
          eb.fn.max('closed_at').as('last_closed_at'),
          sql<boolean>`coalesce(bool_or(passed), false)`.as('passed'),
        ])
        .where('test_id', '=', testId)
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow();
      return {
        count: Number(row.count),
        passed: row.passed === true,
        lastClosedAt: row.last_closed_at ? new Date(row.last_closed_at) : null,
      };
    },

    /** Inserts the attempt unless a concurrent start took its number or the open slot (then undefined). */
    insertAttempt: (
      db: Db,
      row: Omit<
        AssessmentAttemptRow,
        'layout' | 'closed_at' | 'score' | 'max_score' | 'percent' | 'passed' | 'credential_id'
      > & { layout: string },
    ) =>
      db
        .insertInto('assessment_attempts')
        .values(row)
        .onConflict((oc) => oc.doNothing())
        .returningAll()
        .executeTakeFirst(),

    /** Closes an open attempt; undefined when it was no longer open. */
    closeAttempt: (
      db: Db,
      attemptId: string,
      result: {
        status: Exclude<AttemptStatus, 'open'>;
        closed_at: Date;
        score: number;
        max_score: number;
        percent: number;
        passed: boolean;
      },
    ) =>
      db
        .updateTable('assessment_attempts')
        .set(result)
        .where('id', '=', attemptId)
        .where('status', '=', 'open')
        .returningAll()
        .executeTakeFirst(),

    setCredential: (db: Db, attemptId: string, credentialId: string) =>
      db
        .updateTable('assessment_attempts')
        .set({ credential_id: credentialId })
        .where('id', '=', attemptId)
        .returningAll()
        .executeTakeFirstOrThrow(),

    listOpenAttemptsOfUser: (db: Db, userId: string) =>
      db
        .selectFrom('assessment_attempts')
        .selectAll()
        .where('user_id', '=', userId)
        .where('status', '=', 'open')
        .forUpdate()
        .execute(),

    listAttemptsOfUser: (db: Db, userId: string, page: { limit: number; offset: number }) =>
      db
        .selectFrom('assessment_attempts')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('started_at', 'desc')
        .orderBy('id', 'desc')
        .limit(page.limit)
        .offset(page.offset)
        .execute(),

    listResponses: (db: Db, attemptId: string) =>
      db.selectFrom('assessment_responses').selectAll().where('attempt_id', '=', attemptId).execute(),

    saveAnswer: (db: Db, row: { attempt_id: string; item_id: string; answer: string; saved_at: Date }) =>
      db
        .insertInto('assessment_responses')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['attempt_id', 'item_id']).doUpdateSet({ answer: row.answer, saved_at: row.saved_at }),
        )
        .execute(),

    /** Writes the score of every drawn item (unanswered ones get a row with a null answer). */
    saveItemScores: async (
      db: Db,
      attemptId: string,
      scores: Array<{ itemId: string; earned: number; correct: boolean }>,
    ) => {
      for (const score of scores) {
        await db
          .insertInto('assessment_responses')
          .values({
            attempt_id: attemptId,
            item_id: score.itemId,
            answer: 'null',
            saved_at: null,
            earned: score.earned,
            correct: score.correct,
          })
          .onConflict((oc) =>
            oc
              .columns(['attempt_id', 'item_id'])
              .doUpdateSet({ earned: score.earned, correct: score.correct }),
          )
          .execute();
      }
    },

    /** Closed attempts of a test with their scored responses, for item statistics. */
    closedAttemptsOfTest: async (db: Db, testId: string) => {
      const attempts = await db
        .selectFrom('assessment_attempts')
        .select(['id', 'score', 'max_score'])
        .where('test_id', '=', testId)
        .where('status', '!=', 'open')
        .execute();
      const responses: AssessmentResponseRow[] =
        attempts.length === 0
          ? []
          : await db
              .selectFrom('assessment_responses')
              .innerJoin('assessment_attempts', 'assessment_attempts.id', 'assessment_responses.attempt_id')
              .selectAll('assessment_responses')
              .where('assessment_attempts.test_id', '=', testId)
              .where('assessment_attempts.status', '!=', 'open')
              .execute();
      return { attempts, responses };
    },
  };
}

export type AssessmentsRepository = ReturnType<typeof createAssessmentsRepository>;
export type { AssessmentAttemptRow, AssessmentItemRow, AssessmentResponseRow, AssessmentTestRow };
