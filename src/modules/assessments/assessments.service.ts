import { type Actor, systemActor } from '../../core/actor.ts';
import type { Clock } from '../../core/clock.ts';
import type { Config } from '../../core/config.ts';
import { AppError } from '../../core/errors.ts';
import type { IdGenerator } from '../../core/ids.ts';
import type { EvidenceInput, ResultInput } from '../../core/vc/open-badges.ts';
import type { Db } from '../../db/database.ts';
import type {
  AssessmentAttemptRow,
  AssessmentItemRow,
  AssessmentTestRow,
} from '../../db/tables/assessments.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type {
  AssessmentInstruments,
  DefinitionLookup,
  DefinitionRecord,
  InstrumentReadiness,
} from '../catalogue/catalogue.ports.ts';
import type { SUPERVISION_LEVELS } from '../catalogue/definition.model.ts';
import type { OrganisationsService } from '../organisations/organisations.service.ts';
import { createAttemptOutcomes } from './assessments.outcomes.ts';
import {
  createAssessmentsRepository,
  type NewItemRow,
  type TestSettingsRow,
} from './assessments.repository.ts';
import {
  type Answer,
  type AnswerKey,
  checkAnswer,
  type Item,
  type ItemInput,
  keyProblems,
  normaliseItemInput,
} from './items.ts';
import { buildQtiItem, buildQtiPackage, buildQtiTest, type QtiTest } from './qti.ts';
import { cryptoRandom, drawItems, type RandomSource, shuffled } from './randomness.ts';
import { type AttemptScore, scoreAttempt } from './scoring.ts';
import { computeStatistics, type TestStatistics } from './statistics.ts';

export type SupervisionLevel = (typeof SUPERVISION_LEVELS)[number];

/** What this module needs from accounts (implemented by its service). */
export interface LearnerAccounts {
  /** The signed-in user's e-mail address; 401 for anyone else, 403 email_not_verified until verified. */
  verifiedEmailOf(options: { actor: Actor; trx?: Db }): Promise<string>;
  findUserById(userId: string, trx?: Db): Promise<{ name: string } | undefined>;
}

/**
 * What this module needs from credentials (its service implements it): award the definition's credential.
 * No permission check happens behind it; the idempotency key makes a retried award return the first one.
 */
export interface CredentialAwards {
  issueForDefinition(options: {
    actor: Actor;
    definitionId: string;
    recipient: { email: string; name?: string | null; did?: string | null };
    result?: ResultInput[];
    evidence?: EvidenceInput[];
    narrative?: string;
    via: 'assessment';
    idempotencyKey?: string;
    trx?: Db;
  }): Promise<{ record: { id: string }; alreadyIssued: boolean }>;
}

export interface AssessmentsServiceDeps {
  db: Db;
  clock: Clock;
  ids: IdGenerator;
  config: Config;
  audit: AuditService;
  organisations: Pick<OrganisationsService, 'requireAccess'>;
  definitions: DefinitionLookup;
  accounts: LearnerAccounts;
  credentials: CredentialAwards;
  /** Draws and shuffles; the OS CSPRNG by default, seeded in tests. */
  random?: RandomSource;
}

export interface TestSettings {
  passMark: number;
  attemptLimit?: number | null;
  cooldownSeconds?: number;
  timeLimitSeconds?: number | null;
  itemsPerAttempt?: number | null;
  shuffleItems?: boolean;
  shuffleOptions?: boolean;
  supervision?: SupervisionLevel;
}

/** A test with its items (keys included) as managers see it. */
export interface ManagedTest {
  test: AssessmentTestRow;
  items: Item[];
  /** Whether the definition version is a draft (only then may the test change). */
  editable: boolean;
  readiness: InstrumentReadiness;
}

/** One drawn item of an attempt, with the learner's answer and, once closed, its score. */
export interface AttemptItemView {
  item: Item;
  /** The options in the order this attempt shows them. */
  options: Array<{ id: string; text: string }>;
  answer: Answer | null;
  result: { correct: boolean; earned: number } | null;
}

export interface AttemptView {
  attempt: AssessmentAttemptRow;
  definitionTitle: string;
  items: AttemptItemView[];
  /** For closed attempts that did not pass: whether and when the learner may try again. */
  retake: { allowed: boolean; attemptsLeft: number | null; availableAt: Date | null } | null;
}

export interface PlacedItem {
  item: Item;
  /** 1-based place in the bank's order. */
  position: number;
}

export interface QtiExport {
  contentType: 'application/zip' | 'application/xml';
  fileName: string;
  body: Buffer;
}

const DEFAULT_SUPERVISION: SupervisionLevel = 'unsupervised-no-id';
const SETTINGS_FIELDS = [
  'passMark',
  'attemptLimit',
  'cooldownSeconds',
  'timeLimitSeconds',
  'itemsPerAttempt',
  'shuffleItems',
  'shuffleOptions',
  'supervision',
] as const;

function itemFromRow(row: AssessmentItemRow): Item {
  return {
    id: row.id,
    type: row.type,
    prompt: row.prompt,
    points: row.points,
    options: row.options,
    key: row.answer_key as unknown as AnswerKey,
    learningOutcomeId: row.learning_outcome_id,
    feedback: row.feedback,
  };
}

function settingsOf(row: TestSettingsRow): Record<(typeof SETTINGS_FIELDS)[number], unknown> {
  return {
    passMark: row.pass_mark,
    attemptLimit: row.attempt_limit,
    cooldownSeconds: row.cooldown_seconds,
    timeLimitSeconds: row.time_limit_seconds,
    itemsPerAttempt: row.items_per_attempt,
    shuffleItems: row.shuffle_items,
    shuffleOptions: row.shuffle_options,
    supervision: row.supervision,
  };
}

/** Why a test cannot assess learners yet (empty when it can). */
export function readinessProblems(test: AssessmentTestRow, items: Item[]): string[] {
  const problems: string[] = [];
  if (items.length === 0) problems.push('the test has no items');
  if (test.pass_mark === null) problems.push('the test has no pass mark');
  if (test.items_per_attempt !== null && test.items_per_attempt > items.length) {
    problems.push(`the test has ${items.length} item(s) but draws ${test.items_per_attempt} per attempt`);
  }
  items.forEach((item, index) => {
    for (const problem of keyProblems(item)) problems.push(`item ${index + 1}: ${problem}`);
  });
  return problems;
}

function learningOutcomeIds(definition: DefinitionRecord): string[] {
  return (definition.content.learningOutcomes ?? []).flatMap((outcome) => (outcome.id ? [outcome.id] : []));
}

/**
 * Automatically scored tests: the item bank and settings of a definition version (managers), learners'
 * attempts with a server-enforced time limit, attempt limit and cooldown, scoring and, on a pass, the
 * credential awarded through the credentials module; item statistics and the QTI 3.0 export.
 *
 * Implements {@link AssessmentInstruments} for the catalogue (readiness for publishing, copy to a new
 * version).
 */
export function createAssessmentsService(deps: AssessmentsServiceDeps) {
  const repo = createAssessmentsRepository();
  const { clock, ids, audit, organisations, definitions, accounts, credentials } = deps;
  const random = deps.random ?? cryptoRandom;
  const baseUrl = deps.config.publicUrl.href.replace(/\/$/, '');

  // ---- managing a test ---------------------------------------------------------------------------------

  /** The definition version of the caller's organisation (404 otherwise), checked for `assessments:manage`. */
  async function managedDefinition(
    trx: Db,
    options: { actor: Actor; slug: string; definitionId: string; forEdit: boolean },
  ): Promise<DefinitionRecord> {
    const access = await organisations.requireAccess({
      actor: options.actor,
      slug: options.slug,
      permission: 'assessments:manage',
      trx,
      // Edits take the organisation lock, as publishing does: a test cannot change while its definition is
      // being published, so a published version's test is exactly what was checked for readiness.
      lock: options.forEdit,
    });
    const definition = await definitions.getDefinitionRecord({ definitionId: options.definitionId, trx });
    if (!definition || definition.organisationId !== access.organisation.id)
      throw AppError.notFound('Definition');
    if (options.forEdit) {
      if (definition.source !== 'own') {
        throw new AppError('invalid_state', 'External catalogue entries are assessed by their provider', {
          detail:
            'This definition was imported from another provider; tests attach only to your own definitions',
        });
      }
      if (definition.status !== 'draft') {
        throw new AppError('invalid_state', 'Only a draft definition’s test can change', {
          detail: `This definition version is ${definition.status.replace('_', ' ')}: its test never changes. Make a new version of the definition and edit its test.`,
        });
      }
    }
    return definition;
  }

  async function requireTest(trx: Db, definitionId: string, lock = false): Promise<AssessmentTestRow> {
    const test = await repo.findTestByDefinition(trx, definitionId, lock);
    if (!test) {
      throw new AppError('not_found', 'Test not found', {
        detail: 'This definition has no test yet: PUT its settings or POST an item to create it',
      });
    }
    return test;
  }

  async function managedView(
    trx: Db,
    test: AssessmentTestRow,
    definition: DefinitionRecord,
  ): Promise<ManagedTest> {
    const items = (await repo.listItems(trx, test.id)).map(itemFromRow);
    const problems = readinessProblems(test, items);
    return {
      test,
      items,
      editable: definition.status === 'draft' && definition.source === 'own',
      readiness: { ready: problems.length === 0, problems },
    };
  }

  /** The test for editing, created with default settings (no pass mark yet) when there is none. */
  async function testForEdit(
    trx: Db,
    definition: DefinitionRecord,
    actor: Actor,
  ): Promise<AssessmentTestRow> {
    const existing = await repo.findTestByDefinition(trx, definition.id, true);
    if (existing) return existing;
    const now = clock.now();
    const test = await repo.insertTest(trx, {
      id: ids(),
      definition_id: definition.id,
      organisation_id: definition.organisationId,
      ...defaultSettings(definition),
      created_at: now,
      updated_at: now,
    });
    await audit.record(trx, {
      type: 'assessment.test_settings_changed',
      actor,
      organisationId: definition.organisationId,
      subject: { type: 'assessment_test', id: test.id },
      data: { definitionId: definition.id, created: true, fields: [...SETTINGS_FIELDS] },
    });
    return test;
  }

  function defaultSettings(definition: DefinitionRecord): TestSettingsRow {
    return {
      pass_mark: definition.content.assessment?.passMark ?? null,
      attempt_limit: null,
      cooldown_seconds: 0,
      time_limit_seconds: null,
      items_per_attempt: null,
      shuffle_items: true,
      shuffle_options: true,
      supervision: definition.content.assessment?.supervision ?? DEFAULT_SUPERVISION,
    };
  }

  async function getTest(options: {
    actor: Actor;
    slug: string;
    definitionId: string;
  }): Promise<ManagedTest> {
    return deps.db.transaction().execute(async (trx) => {
      const definition = await managedDefinition(trx, { ...options, forEdit: false });
      return managedView(trx, await requireTest(trx, definition.id), definition);
    });
  }

  /**
   * Replaces the test's settings (omitted ones take their defaults; supervision defaults to the definition's),
   * creating the test if there is none.
   */
  async function updateSettings(options: {
    actor: Actor;
    slug: string;
    definitionId: string;
    settings: TestSettings;
  }): Promise<ManagedTest & { created: boolean }> {
    const { actor, settings } = options;
    return deps.db.transaction().execute(async (trx) => {
      const definition = await managedDefinition(trx, { ...options, forEdit: true });
      const defaults = defaultSettings(definition);
      const next: TestSettingsRow = {
        pass_mark: settings.passMark,
        attempt_limit: settings.attemptLimit ?? null,
        cooldown_seconds: settings.cooldownSeconds ?? 0,
        time_limit_seconds: settings.timeLimitSeconds ?? null,
        items_per_attempt: settings.itemsPerAttempt ?? null,
        shuffle_items: settings.shuffleItems ?? true,
        shuffle_options: settings.shuffleOptions ?? true,
        supervision: settings.supervision ?? defaults.supervision,
      };
      const now = clock.now();
      const existing = await repo.findTestByDefinition(trx, definition.id, true);
      let test: AssessmentTestRow;
      let fields: string[];
      if (existing) {
        const before = settingsOf(existing);
        const after = settingsOf(next);
        fields = SETTINGS_FIELDS.filter((field) => before[field] !== after[field]);
        test = fields.length > 0 ? await repo.updateTest(trx, existing.id, next, now) : existing;
      } else {
        fields = [...SETTINGS_FIELDS];
        test = await repo.insertTest(trx, {
          id: ids(),
          definition_id: definition.id,
          organisation_id: definition.organisationId,
          ...next,
          created_at: now,
          updated_at: now,
        });
      }
      if (fields.length > 0) {
        await audit.record(trx, {
          type: 'assessment.test_settings_changed',
          actor,
          organisationId: definition.organisationId,
          subject: { type: 'assessment_test', id: test.id },
          data: { definitionId: definition.id, created: !existing, fields },
        });
      }
      return { ...(await managedView(trx, test, definition)), created: !existing };
    });
  }

  function itemRow(normalised: ReturnType<typeof normaliseItemInput>, now: Date) {
    return {
      type: normalised.type,
      prompt: normalised.prompt,
      points: normalised.points,
      options: JSON.stringify(normalised.options),
      answer_key: JSON.stringify(normalised.key),
      learning_outcome_id: normalised.learningOutcomeId,
      feedback: normalised.feedback,
      updated_at: now,
    };
  }

  /** The item and its place (1-based) in the bank's order. */
  async function placed(trx: Db, testId: string, row: AssessmentItemRow): Promise<PlacedItem> {
    const position =
      (await repo.listItems(trx, testId)).findIndex((candidate) => candidate.id === row.id) + 1;
    return { item: itemFromRow(row), position };
  }

  async function addItem(options: {
    actor: Actor;
    slug: string;
    definitionId: string;
    item: ItemInput;
  }): Promise<PlacedItem> {
    return deps.db.transaction().execute(async (trx) => {
      const definition = await managedDefinition(trx, { ...options, forEdit: true });
      const normalised = normaliseItemInput(options.item, {
        learningOutcomeIds: learningOutcomeIds(definition),
      });
      const test = await testForEdit(trx, definition, options.actor);
      const now = clock.now();
      const row = await repo.insertItem(trx, {
        id: ids(),
        test_id: test.id,
        position: await repo.nextPosition(trx, test.id),
        ...itemRow(normalised, now),
        created_at: now,
      });
      await repo.touchTest(trx, test.id, now);
      await audit.record(trx, {
        type: 'assessment.item_added',
        actor: options.actor,
        organisationId: definition.organisationId,
        subject: { type: 'assessment_test', id: test.id },
        data: { definitionId: definition.id, itemId: row.id, type: row.type, points: row.points },
      });
      return placed(trx, test.id, row);
    });
  }

  async function updateItem(options: {
    actor: Actor;
    slug: string;
    definitionId: string;
    itemId: string;
    item: ItemInput;
  }): Promise<PlacedItem> {
    return deps.db.transaction().execute(async (trx) => {
      const definition = await managedDefinition(trx, { ...options, forEdit: true });
      const test = await requireTest(trx, definition.id, true);
      const existing = await repo.findItem(trx, test.id, options.itemId);
      if (!existing) throw AppError.notFound('Item');
      const normalised = normaliseItemInput(options.item, {
        learningOutcomeIds: learningOutcomeIds(definition),
      });
      const now = clock.now();
      const row = await repo.updateItem(trx, existing.id, itemRow(normalised, now));
      await repo.touchTest(trx, test.id, now);
      await audit.record(trx, {
        type: 'assessment.item_updated',
        actor: options.actor,
        organisationId: definition.organisationId,
        subject: { type: 'assessment_test', id: test.id },
        data: { definitionId: definition.id, itemId: row.id, type: row.type, points: row.points },
      });
      return placed(trx, test.id, row);
    });
  }

  async function removeItem(options: {
    actor: Actor;
    slug: string;
    definitionId: string;
    itemId: string;
  }): Promise<void> {
    await deps.db.transaction().execute(async (trx) => {
      const definition = await managedDefinition(trx, { ...options, forEdit: true });
      const test = await requireTest(trx, definition.id, true);
      const existing = await repo.findItem(trx, test.id, options.itemId);
      if (!existing) throw AppError.notFound('Item');
      await repo.deleteItem(trx, existing.id);
      await repo.touchTest(trx, test.id, clock.now());
      await audit.record(trx, {
        type: 'assessment.item_removed',
        actor: options.actor,
        organisationId: definition.organisationId,
        subject: { type: 'assessment_test', id: test.id },
        data: { definitionId: definition.id, itemId: existing.id },
      });
    });
  }

  async function getStatistics(options: {
    actor: Actor;
    slug: string;
    definitionId: string;
  }): Promise<{ items: Item[]; statistics: TestStatistics }> {
    return deps.db.transaction().execute(async (trx) => {
      const definition = await managedDefinition(trx, { ...options, forEdit: false });
      const test = await requireTest(trx, definition.id);
      const items = (await repo.listItems(trx, test.id)).map(itemFromRow);
      const { attempts, responses } = await repo.closedAttemptsOfTest(trx, test.id);
      const pointsOf = new Map(items.map((item) => [item.id, item.points]));
      const byAttempt = new Map<string, typeof responses>();
      for (const response of responses) {
        const list = byAttempt.get(response.attempt_id) ?? [];
        list.push(response);
        byAttempt.set(response.attempt_id, list);
      }
      const statistics = computeStatistics(
        items.map((item) => ({
          id: item.id,
          type: item.type,
          points: item.points,
          optionIds: item.options.map((option) => option.id),
        })),
        attempts.map((attempt) => ({
          score: attempt.score ?? 0,
          maxScore: attempt.max_score ?? 0,
          items: (byAttempt.get(attempt.id) ?? []).map((response) => ({
            itemId: response.item_id,
            points: pointsOf.get(response.item_id) ?? 1,
            earned: response.earned ?? 0,
            answer: (response.answer ?? null) as Answer | null,
          })),
        })),
      );
      return { items, statistics };
    });
  }

  /**
   * The item bank as a QTI 3.0 content package (zip), or one file of it as XML: the item `itemId`, or the
   * qti-assessment-test when no item is named.
   */
  async function exportQti(options: {
    actor: Actor;
    slug: string;
    definitionId: string;
    format: 'zip' | 'xml';
    itemId?: string;
  }): Promise<QtiExport> {
    return deps.db.transaction().execute(async (trx) => {
      const definition = await managedDefinition(trx, { ...options, forEdit: false });
      const test = await requireTest(trx, definition.id);
      const items = (await repo.listItems(trx, test.id)).map(itemFromRow);
      const qti: QtiTest = {
        id: test.id,
        title: definition.title,
        language: definition.content.languages?.[0] ?? null,
        itemsPerAttempt: test.items_per_attempt,
        shuffleItems: test.shuffle_items,
        shuffleOptions: test.shuffle_options,
        timeLimitSeconds: test.time_limit_seconds,
        items,
      };
      if (options.itemId !== undefined && options.format !== 'xml') {
        throw AppError.validation('An item can only be exported on its own with format=xml', [
          { in: 'querystring', pointer: '/item', message: 'needs format=xml' },
        ]);
      }
      if (options.format === 'zip') {
        return {
          contentType: 'application/zip',
          fileName: `qti-${test.id}.zip`,
          body: buildQtiPackage(qti, clock.now()),
        };
      }
      if (options.itemId === undefined) {
        return {
          contentType: 'application/xml',
          fileName: 'assessment-test.xml',
          body: Buffer.from(buildQtiTest(qti)),
        };
      }
      const item = items.find((candidate) => candidate.id === options.itemId);
      if (!item) throw AppError.notFound('Item');
      const xml = buildQtiItem(item, { shuffleOptions: test.shuffle_options, language: qti.language });
      return { contentType: 'application/xml', fileName: `item-${item.id}.xml`, body: Buffer.from(xml) };
    });
  }

  // ---- the catalogue's port ------------------------------------------------------------------------------

  const instruments: AssessmentInstruments = {
    async readiness({ definitionId, trx }) {
      const test = await repo.findTestByDefinition(trx, definitionId);
      if (!test) return null;
      const problems = readinessProblems(test, (await repo.listItems(trx, test.id)).map(itemFromRow));
      return { ready: problems.length === 0, problems };
    },

    async copyForNewVersion({ fromDefinitionId, toDefinitionId, trx }) {
      const from = await repo.findTestByDefinition(trx, fromDefinitionId);
      if (!from || (await repo.findTestByDefinition(trx, toDefinitionId))) return;
      const now = clock.now();
      const copy = await repo.insertTest(trx, {
        id: ids(),
        definition_id: toDefinitionId,
        organisation_id: from.organisation_id,
        pass_mark: from.pass_mark,
        attempt_limit: from.attempt_limit,
        cooldown_seconds: from.cooldown_seconds,
        time_limit_seconds: from.time_limit_seconds,
        items_per_attempt: from.items_per_attempt,
        shuffle_items: from.shuffle_items,
        shuffle_options: from.shuffle_options,
        supervision: from.supervision,
        created_at: now,
        updated_at: now,
      });
      const items = await repo.listItems(trx, from.id);
      const rows: NewItemRow[] = items.map((item) => ({
        id: ids(),
        test_id: copy.id,
        position: item.position,
        type: item.type,
        prompt: item.prompt,
        points: item.points,
        options: JSON.stringify(item.options),
        answer_key: JSON.stringify(item.answer_key),
        learning_outcome_id: item.learning_outcome_id,
        feedback: item.feedback,
        created_at: now,
        updated_at: now,
      }));
      await repo.insertItems(trx, rows);
      await audit.record(trx, {
        type: 'assessment.test_copied',
        actor: systemActor('new-definition-version'),
        organisationId: from.organisation_id,
        subject: { type: 'assessment_test', id: copy.id },
        data: { fromDefinitionId, toDefinitionId, fromTestId: from.id, items: rows.length },
      });
    },
  };

  // ---- learners' attempts --------------------------------------------------------------------------------

  interface Learner {
    actor: Actor;
    userId: string;
    email: string;
  }

  async function learnerOf(actor: Actor, trx: Db): Promise<Learner> {
    const email = await accounts.verifiedEmailOf({ actor, trx });
    if (actor.kind !== 'user') throw new AppError('unauthenticated', 'Sign in to do this');
    return { actor, userId: actor.userId, email };
  }

  function isOverdue(attempt: AssessmentAttemptRow, now: Date): boolean {
    return (
      attempt.status === 'open' &&
      attempt.deadline_at !== null &&
      now.getTime() > attempt.deadline_at.getTime()
    );
  }

  async function attemptItems(trx: Db, attempt: AssessmentAttemptRow): Promise<AttemptItemView[]> {
    const rows = await repo.findItemsByIds(
      trx,
      attempt.layout.map((entry) => entry.itemId),
    );
    const byId = new Map(rows.map((row) => [row.id, itemFromRow(row)]));
    const responses = new Map((await repo.listResponses(trx, attempt.id)).map((row) => [row.item_id, row]));
    return attempt.layout.flatMap((entry) => {
      const item = byId.get(entry.itemId);
      if (!item) return [];
      const optionsById = new Map(item.options.map((option) => [option.id, option]));
      const response = responses.get(item.id);
      return [
        {
          item,
          options: entry.optionOrder.flatMap((id) => {
            const option = optionsById.get(id);
            return option ? [option] : [];
          }),
          answer: (response?.answer ?? null) as Answer | null,
          result:
            attempt.status !== 'open' && response && response.correct !== null
              ? { correct: response.correct, earned: response.earned ?? 0 }
              : null,
        },
      ];
    });
  }

  async function viewOf(trx: Db, attempt: AssessmentAttemptRow, title?: string): Promise<AttemptView> {
    const definitionTitle =
      title ??
      (await definitions.getDefinitionRecord({ definitionId: attempt.definition_id, trx }))?.title ??
      '';
    let retake: AttemptView['retake'] = null;
    if (attempt.status !== 'open' && attempt.passed === false) {
      const test = await repo.findTestById(trx, attempt.test_id);
      const history = await repo.attemptHistory(trx, attempt.test_id, attempt.user_id);
      if (test) {
        const attemptsLeft =
          test.attempt_limit === null ? null : Math.max(0, test.attempt_limit - history.count);
        const cooldownEnds = history.lastClosedAt
          ? new Date(history.lastClosedAt.getTime() + test.cooldown_seconds * 1000)
          : null;
        // A cooldown already over (or none) is no waiting time: "try again from <a past date>" misleads.
        const availableAt = cooldownEnds && cooldownEnds > clock.now() ? cooldownEnds : null;
        retake = { allowed: !history.passed && attemptsLeft !== 0, attemptsLeft, availableAt };
      }
    }
    return { attempt, definitionTitle, items: await attemptItems(trx, attempt), retake };
  }

  /**
   * Closes an open attempt: scores every drawn item against the saved answers, records the result with the
   * supervision level, and on a pass awards the credential in the same transaction (idempotency key
   * `attempt:<id>`, so it is awarded once however the close is retried). An expired attempt closes at its
   * deadline, which is when its cooldown starts.
   */
  async function closeAttempt(
    trx: Db,
    attempt: AssessmentAttemptRow,
    how: 'submitted' | 'expired',
    learner: Learner,
  ): Promise<AssessmentAttemptRow> {
    const views = await attemptItems(trx, attempt);
    const answers = new Map(views.map((view) => [view.item.id, view.answer]));
    const score: AttemptScore = scoreAttempt(
      views.map((view) => view.item),
      answers,
      attempt.pass_mark,
    );
    const now = clock.now();
    const closedAt = how === 'expired' && attempt.deadline_at ? attempt.deadline_at : now;
    await repo.saveItemScores(trx, attempt.id, score.items);
    let closed = await repo.closeAttempt(trx, attempt.id, {
      status: how,
      closed_at: closedAt,
      score: score.score,
      max_score: score.maxScore,
      percent: score.percent,
      passed: score.passed,
    });
    if (!closed) throw new AppError('invalid_state', 'The attempt is already closed');
    if (score.passed) {
      const definitionTitle =
        (await definitions.getDefinitionRecord({ definitionId: attempt.definition_id, trx }))?.title ??
        'the test';
      const user = await accounts.findUserById(learner.userId, trx);
      const summary =
        `Passed the automatically scored test for “${definitionTitle}” with ${score.score} of ${score.maxScore} ` +
        `points (${score.percent}%; pass mark ${attempt.pass_mark}%), attempt ${attempt.attempt_number}. ` +
        `Supervision and identity verification: ${attempt.supervision}.`;
      const award = await credentials.issueForDefinition({
        actor: systemActor('assessment'),
        definitionId: attempt.definition_id,
        recipient: { email: learner.email, name: user?.name ?? null },
        result: [{ value: String(score.percent), status: 'Completed' }],
        evidence: [
          {
            id: `${baseUrl}/api/v1/attempts/${attempt.id}`,
            name: `Test attempt ${attempt.attempt_number}`,
            description: summary,
            genre: 'Test',
          },
        ],
        narrative: summary,
        via: 'assessment',
        idempotencyKey: `attempt:${attempt.id}`,
        trx,
      });
      closed = await repo.setCredential(trx, attempt.id, award.record.id);
    }
    await audit.record(trx, {
      type: how === 'submitted' ? 'assessment.attempt_submitted' : 'assessment.attempt_expired',
      actor: learner.actor,
      organisationId: attempt.organisation_id,
      subject: { type: 'assessment_attempt', id: attempt.id },
      data: {
        definitionId: attempt.definition_id,
        testId: attempt.test_id,
        attemptNumber: attempt.attempt_number,
        score: score.score,
        maxScore: score.maxScore,
        percent: score.percent,
        passed: score.passed,
        passMark: attempt.pass_mark,
        supervision: attempt.supervision,
        credentialId: closed.credential_id,
      },
    });
    return closed;
  }

  /** Runs `work` in a transaction; an AppError it returns (rather than throws) is thrown after commit. */
  async function commitThen<T>(work: (trx: Db) => Promise<T | AppError>): Promise<T> {
    const outcome = await deps.db.transaction().execute(work);
    if (outcome instanceof AppError) throw outcome;
    return outcome;
  }

  function timeLimitExceeded(): AppError {
    return new AppError('time_limit_exceeded', 'The time limit has passed', {
      detail:
        'The time limit of this attempt has passed: it was closed and scored with the answers saved in time',
    });
  }

  /**
   * Starts an attempt at the test of a published definition, or returns the learner's open attempt
   * (`created: false`). Refused after a pass (409 invalid_state), at the attempt limit (409
   * attempt_limit_reached) and inside the cooldown (429 cooldown_active with Retry-After). An open attempt
   * whose time is up is closed first, and that close stands even when the new start is refused.
   */
  async function startAttempt(options: {
    actor: Actor;
    definitionId: string;
  }): Promise<AttemptView & { created: boolean }> {
    return commitThen(async (trx) => {
      const learner = await learnerOf(options.actor, trx);
      const definition = await definitions.getDefinitionRecord({ definitionId: options.definitionId, trx });
      if (definition?.status !== 'published' || definition.source !== 'own') {
        throw AppError.notFound('Definition');
      }
      const test = await repo.findTestByDefinition(trx, definition.id);
      if (!test) throw new AppError('not_found', 'Test not found', { detail: 'This definition has no test' });
      const now = clock.now();
      const open = await repo.findOpenAttempt(trx, test.id, learner.userId);
      if (open && !isOverdue(open, now))
        return { ...(await viewOf(trx, open, definition.title)), created: false };
      if (open) await closeAttempt(trx, open, 'expired', learner);

      const history = await repo.attemptHistory(trx, test.id, learner.userId);
      if (history.passed) {
        return new AppError('invalid_state', 'You have already passed this test', {
          detail: 'You have already passed this test; its credential was awarded to you',
        });
      }
      if (test.attempt_limit !== null && history.count >= test.attempt_limit) {
        return new AppError('attempt_limit_reached', 'No attempts left', {
          detail: `This test allows ${test.attempt_limit} attempt(s) and you have used them all`,
        });
      }
      if (history.lastClosedAt && test.cooldown_seconds > 0) {
        const availableAt = history.lastClosedAt.getTime() + test.cooldown_seconds * 1000;
        if (now.getTime() < availableAt) {
          const seconds = Math.ceil((availableAt - now.getTime()) / 1000);
          return new AppError('cooldown_active', 'Wait before the next attempt', {
            detail: `The next attempt can start at ${new Date(availableAt).toISOString()} (in ${seconds} s)`,
            retryAfterSeconds: seconds,
          });
        }
      }
      const items = (await repo.listItems(trx, test.id)).map(itemFromRow);
      if (readinessProblems(test, items).length > 0 || test.pass_mark === null) {
        return new AppError('invalid_state', 'This test is not ready', {
          detail: `This test cannot be taken yet: ${readinessProblems(test, items).join('; ')}`,
        });
      }
      const drawn = drawItems(items, { count: test.items_per_attempt, shuffle: test.shuffle_items }, random);
      const layout = drawn.map((item) => ({
        itemId: item.id,
        optionOrder: (test.shuffle_options && item.type !== 'true_false'
          ? shuffled(item.options, random)
          : item.options
        ).map((option) => option.id),
      }));
      const deadline =
        test.time_limit_seconds === null ? null : new Date(now.getTime() + test.time_limit_seconds * 1000);
      const attempt = await repo.insertAttempt(trx, {
        id: ids(),
        test_id: test.id,
        definition_id: definition.id,
        organisation_id: definition.organisationId,
        user_id: learner.userId,
        attempt_number: history.count + 1,
        status: 'open',
        layout: JSON.stringify(layout),
        started_at: now,
        deadline_at: deadline,
        pass_mark: test.pass_mark,
        supervision: test.supervision,
      });
      if (!attempt) {
        return new AppError('conflict', 'Another attempt was started at the same moment', {
          detail:
            'Another attempt at this test was started at the same moment: list your attempts to continue it',
        });
      }
      await audit.record(trx, {
        type: 'assessment.attempt_started',
        actor: learner.actor,
        organisationId: definition.organisationId,
        subject: { type: 'assessment_attempt', id: attempt.id },
        data: {
          definitionId: definition.id,
          testId: test.id,
          attemptNumber: attempt.attempt_number,
          items: layout.length,
          deadlineAt: deadline?.toISOString() ?? null,
        },
      });
      return { ...(await viewOf(trx, attempt, definition.title)), created: true };
    });
  }

  /** The learner's attempt (404 for anyone else's), locked; an overdue one is closed as it stood. */
  async function ownAttempt(trx: Db, learner: Learner, attemptId: string) {
    const attempt = await repo.findAttemptOfUser(trx, attemptId, learner.userId, true);
    if (!attempt) throw AppError.notFound('Attempt');
    if (isOverdue(attempt, clock.now())) {
      return { attempt: await closeAttempt(trx, attempt, 'expired', learner), justExpired: true };
    }
    return { attempt, justExpired: false };
  }

  function requireOpen(attempt: AssessmentAttemptRow): void {
    if (attempt.status !== 'open') {
      throw new AppError('invalid_state', 'The attempt is closed', {
        detail: `This attempt was ${attempt.status} at ${attempt.closed_at?.toISOString()}; start a new one if you may`,
      });
    }
  }

  /** Saves (or replaces) the answer to one item. After the deadline: 409 time_limit_exceeded, attempt closed. */
  async function saveResponse(options: {
    actor: Actor;
    attemptId: string;
    itemId: string;
    answer: Answer;
  }): Promise<AttemptView> {
    return commitThen(async (trx) => {
      const learner = await learnerOf(options.actor, trx);
      const { attempt, justExpired } = await ownAttempt(trx, learner, options.attemptId);
      if (justExpired) return timeLimitExceeded();
      requireOpen(attempt);
      if (!attempt.layout.some((entry) => entry.itemId === options.itemId)) throw AppError.notFound('Item');
      const [row] = await repo.findItemsByIds(trx, [options.itemId]);
      if (!row) throw AppError.notFound('Item');
      const answer = checkAnswer(itemFromRow(row), options.answer);
      await repo.saveAnswer(trx, {
        attempt_id: attempt.id,
        item_id: row.id,
        answer: JSON.stringify(answer),
        saved_at: clock.now(),
      });
      await audit.record(trx, {
        type: 'assessment.response_saved',
        actor: learner.actor,
        organisationId: attempt.organisation_id,
        subject: { type: 'assessment_attempt', id: attempt.id },
        data: { itemId: row.id },
      });
      return viewOf(trx, attempt);
    });
  }

  /** Submits the attempt for scoring. After the deadline: 409 time_limit_exceeded (closed as it stood). */
  async function submitAttempt(options: { actor: Actor; attemptId: string }): Promise<AttemptView> {
    return commitThen(async (trx) => {
      const learner = await learnerOf(options.actor, trx);
      const { attempt, justExpired } = await ownAttempt(trx, learner, options.attemptId);
      if (justExpired) return timeLimitExceeded();
      requireOpen(attempt);
      return viewOf(trx, await closeAttempt(trx, attempt, 'submitted', learner));
    });
  }

  async function getAttempt(options: { actor: Actor; attemptId: string }): Promise<AttemptView> {
    return deps.db.transaction().execute(async (trx) => {
      const learner = await learnerOf(options.actor, trx);
      const { attempt } = await ownAttempt(trx, learner, options.attemptId);
      return viewOf(trx, attempt);
    });
  }

  /** The learner's attempts, newest first (overdue ones are closed first). */
  async function listMyAttempts(options: {
    actor: Actor;
    limit: number;
    offset: number;
  }): Promise<AttemptView[]> {
    return deps.db.transaction().execute(async (trx) => {
      const learner = await learnerOf(options.actor, trx);
      const now = clock.now();
      for (const open of await repo.listOpenAttemptsOfUser(trx, learner.userId)) {
        if (isOverdue(open, now)) await closeAttempt(trx, open, 'expired', learner);
      }
      const attempts = await repo.listAttemptsOfUser(trx, learner.userId, options);
      const titles = new Map<string, string>();
      const views: AttemptView[] = [];
      for (const attempt of attempts) {
        if (!titles.has(attempt.definition_id)) {
          const definition = await definitions.getDefinitionRecord({
            definitionId: attempt.definition_id,
            trx,
          });
          titles.set(attempt.definition_id, definition?.title ?? '');
        }
        views.push(await viewOf(trx, attempt, titles.get(attempt.definition_id)));
      }
      return views;
    });
  }

  return {
    // Read-only aggregate for the analytics module.
    ...createAttemptOutcomes({ db: deps.db }),
    getTest,
    updateSettings,
    addItem,
    updateItem,
    removeItem,
    getStatistics,
    exportQti,
    startAttempt,
    saveResponse,
    submitAttempt,
    getAttempt,
    listMyAttempts,
    /** The catalogue's port: readiness for publishing, copy to a new draft version. */
    instruments,
    readiness: instruments.readiness,
    copyForNewVersion: instruments.copyForNewVersion,
  };
}

export type AssessmentsService = ReturnType<typeof createAssessmentsService>;
