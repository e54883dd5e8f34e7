import { AppError, type FieldProblem } from '../../core/errors.ts';
import type { SUPERVISION_LEVELS } from '../catalogue/definition.model.ts';

/**
 * The rubric model and its rules, with no I/O: validation of a rubric as saved, its readiness for
 * assessing learners (what the catalogue asks before publishing), and scoring of a mark against it.
 *
 * A rubric is criteria × levels. Each level carries points and a descriptor; within a criterion the
 * levels' points are distinct, so "at least this level" means "at least these points". The pass rule is a
 * minimum total and/or a minimum level on every criterion (each criterion names its own minimum level).
 */

export const SUBMISSION_KINDS = ['text', 'links', 'files'] as const;
export type SubmissionKind = (typeof SUBMISSION_KINDS)[number];

/** File kinds a rubric may allow; each is checked by extension AND by the file's content (portfolio.files.ts). */
export const FILE_TYPES = ['pdf', 'png', 'jpeg', 'zip', 'text', 'markdown'] as const;
export type FileType = (typeof FILE_TYPES)[number];

export type SupervisionLevel = (typeof SUPERVISION_LEVELS)[number];

/** The most any upload may weigh, whatever a rubric says: multipart parsing stops reading beyond it. */
export const HARD_MAX_FILE_BYTES = 25 * 1024 * 1024;
export const HARD_MAX_FILES = 20;
export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;
export const DEFAULT_MAX_FILES = 5;
export const DEFAULT_MAX_POINTS_DIFFERENCE = 2;
export const MAX_CRITERIA = 50;
export const MAX_LEVELS = 10;
export const MAX_POINTS = 1000;

/** Criterion and level ids: short, stable and safe inside a URI fragment (they end up in credentials). */
export const RUBRIC_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$';

export interface RubricLevel {
  id: string;
  name: string;
  /** What work at this level looks like. */
  descriptor: string;
  points: number;
}

export interface RubricCriterion {
  id: string;
  name: string;
  description?: string;
  /** The id of one of the definition's learning outcomes this criterion assesses. */
  learningOutcomeId?: string;
  /** The lowest level that passes this criterion (required when the pass rule asks for a minimum level). */
  minimumLevelId?: string;
  levels: RubricLevel[];
}

export interface PassRule {
  /** The total of the achieved levels' points must reach this. */
  minimumTotalPoints?: number;
  /** Every criterion must reach at least its `minimumLevelId`. */
  minimumLevelOnEveryCriterion?: boolean;
}

export interface SubmissionSettings {
  allowedKinds: SubmissionKind[];
  allowedFileTypes: FileType[];
  maxFileBytes: number;
  maxFiles: number;
  /** Moderation: a pass needs a second, independent mark; disagreement beyond the threshold goes to moderation. */
  secondMarker: { required: boolean; maxPointsDifference: number };
  /** EU Annex I: supervision and identity verification during the assessment; recorded with each result. */
  supervision: SupervisionLevel;
  /** Submissions a learner may make for one definition version; null = unlimited. */
  maxAttempts: number | null;
  /** Hours a learner waits after a fail before a new submission; 0 = at once. */
  resubmitAfterHours: number;
}

export interface Rubric {
  criteria: RubricCriterion[];
  passRule: PassRule;
  settings: SubmissionSettings;
}

export interface SubmissionLink {
  url: string;
  title?: string;
}

/** One criterion of a mark as stored: the level chosen, its points and the assessor's note. */
export interface MarkedLevel {
  criterionId: string;
  levelId: string;
  points: number;
  feedback?: string;
}

export interface RubricInput {
  criteria: RubricCriterion[];
  passRule: PassRule;
  settings?: Partial<SubmissionSettings> & { secondMarker?: Partial<SubmissionSettings['secondMarker']> };
}

export function defaultSettings(supervision?: SupervisionLevel): SubmissionSettings {
  return {
    allowedKinds: [...SUBMISSION_KINDS],
    allowedFileTypes: [...FILE_TYPES],
    maxFileBytes: DEFAULT_MAX_FILE_BYTES,
    maxFiles: DEFAULT_MAX_FILES,
    secondMarker: { required: false, maxPointsDifference: DEFAULT_MAX_POINTS_DIFFERENCE },
    supervision: supervision ?? 'unsupervised-no-id',
    maxAttempts: null,
    resubmitAfterHours: 0,
  };
}

export function maxPointsOf(criteria: readonly RubricCriterion[]): number {
  return criteria.reduce(
    (sum, criterion) => sum + Math.max(0, ...criterion.levels.map((level) => level.points)),
    0,
  );
}

/**
 * Checks a rubric as saved (shape is checked by the route's schema; this checks what a schema cannot:
 * unique ids, references, reachable thresholds) and fills in default settings. A draft rubric may still be
 * incomplete — too few criteria or levels, no pass rule yet; {@link rubricReadiness} reports that.
 *
 * @param learningOutcomeIds the ids of the definition's learning outcomes, which criteria may reference.
 */
export function normaliseRubric(
  input: RubricInput,
  options: { learningOutcomeIds: readonly string[]; defaultSupervision?: SupervisionLevel },
): Rubric {
  const fields: FieldProblem[] = [];
  const problem = (pointer: string, message: string) => fields.push({ in: 'body', pointer, message });
  const outcomes = new Set(options.learningOutcomeIds);
  const criterionIds = new Set<string>();
  input.criteria.forEach((criterion, i) => {
    const at = `/criteria/${i}`;
    if (criterionIds.has(criterion.id)) problem(`${at}/id`, `repeats the criterion id "${criterion.id}"`);
    criterionIds.add(criterion.id);
    if (criterion.learningOutcomeId !== undefined && !outcomes.has(criterion.learningOutcomeId)) {
      problem(
        `${at}/learningOutcomeId`,
        `"${criterion.learningOutcomeId}" is not one of the definition's learning outcomes (${[...outcomes].join(', ') || 'it has none'})`,
      );
    }
    const levelIds = new Set<string>();
    const points = new Set<number>();
    criterion.levels.forEach((level, j) => {
      if (levelIds.has(level.id)) problem(`${at}/levels/${j}/id`, `repeats the level id "${level.id}"`);
      if (points.has(level.points)) {
        problem(`${at}/levels/${j}/points`, 'levels of one criterion must have different points');
      }
      levelIds.add(level.id);
      points.add(level.points);
    });
    if (criterion.minimumLevelId !== undefined && !levelIds.has(criterion.minimumLevelId)) {
      problem(`${at}/minimumLevelId`, `"${criterion.minimumLevelId}" is not one of this criterion's levels`);
    }
    if (input.passRule.minimumLevelOnEveryCriterion === true && criterion.minimumLevelId === undefined) {
      problem(`${at}/minimumLevelId`, 'is required when passRule.minimumLevelOnEveryCriterion is true');
    }
  });
  const maxPoints = maxPointsOf(input.criteria);
  const minimum = input.passRule.minimumTotalPoints;
  if (minimum !== undefined && input.criteria.length > 0 && minimum > maxPoints) {
    problem(
      '/passRule/minimumTotalPoints',
      `is ${minimum} but the rubric's maximum is ${maxPoints} points: no one could pass`,
    );
  }

  const given = input.settings ?? {};
  const defaults = defaultSettings(options.defaultSupervision);
  const settings: SubmissionSettings = {
    allowedKinds: unique(given.allowedKinds ?? defaults.allowedKinds),
    allowedFileTypes: unique(given.allowedFileTypes ?? defaults.allowedFileTypes),
    maxFileBytes: given.maxFileBytes ?? defaults.maxFileBytes,
    maxFiles: given.maxFiles ?? defaults.maxFiles,
    secondMarker: {
      required: given.secondMarker?.required ?? defaults.secondMarker.required,
      maxPointsDifference:
        given.secondMarker?.maxPointsDifference ?? defaults.secondMarker.maxPointsDifference,
    },
    supervision: given.supervision ?? defaults.supervision,
    maxAttempts: given.maxAttempts === undefined ? defaults.maxAttempts : given.maxAttempts,
    resubmitAfterHours: given.resubmitAfterHours ?? defaults.resubmitAfterHours,
  };
  if (settings.allowedKinds.length === 0) {
    problem('/settings/allowedKinds', 'must allow at least one of text, links, files');
  }
  if (settings.allowedKinds.includes('files') && settings.allowedFileTypes.length === 0) {
    problem('/settings/allowedFileTypes', 'must allow at least one file type when files are allowed');
  }
  if (settings.maxFileBytes > HARD_MAX_FILE_BYTES) {
    problem('/settings/maxFileBytes', `must be at most ${HARD_MAX_FILE_BYTES} bytes (25 MB)`);
  }
  if (fields.length > 0) {
    throw AppError.validation(
      `The rubric is invalid: ${fields.map((f) => `${f.pointer} ${f.message}`).join('; ')}`,
      fields,
    );
  }
  return { criteria: input.criteria, passRule: compactPassRule(input.passRule), settings };
}

function compactPassRule(rule: PassRule): PassRule {
  const out: PassRule = {};
  if (rule.minimumTotalPoints !== undefined) out.minimumTotalPoints = rule.minimumTotalPoints;
  if (rule.minimumLevelOnEveryCriterion !== undefined) {
    out.minimumLevelOnEveryCriterion = rule.minimumLevelOnEveryCriterion;
  }
  return out;
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/**
 * Whether the rubric can assess learners: at least one criterion, every criterion with at least two
 * levels, and a pass rule that actually separates pass from fail (not met by the lowest level everywhere:
 * that would be a completion-only badge).
 */
export function rubricReadiness(rubric: Rubric): { ready: boolean; problems: string[] } {
  const problems: string[] = [];
  if (rubric.criteria.length === 0) problems.push('the rubric has no criteria');
  for (const criterion of rubric.criteria) {
    if (criterion.levels.length < 2) {
      problems.push(
        `criterion "${criterion.name}" has ${criterion.levels.length} level${criterion.levels.length === 1 ? '' : 's'}; it needs at least 2`,
      );
    }
  }
  const rule = rubric.passRule;
  const byTotal = rule.minimumTotalPoints !== undefined;
  const byLevel = rule.minimumLevelOnEveryCriterion === true;
  if (!byTotal && !byLevel) {
    problems.push('the rubric has no pass rule (a minimum total and/or a minimum level on every criterion)');
  } else if (rubric.criteria.length > 0 && problems.length === 0) {
    const lowest = rubric.criteria.map((criterion) => {
      const level = [...criterion.levels].sort((a, b) => a.points - b.points)[0]!;
      return { criterionId: criterion.id, levelId: level.id };
    });
    if (scoreMark(rubric, lowest).passed) {
      problems.push('the pass rule is met by the lowest level on every criterion, so no one can fail');
    }
  }
  return { ready: problems.length === 0, problems };
}

export interface ScoredMark {
  levels: MarkedLevel[];
  totalPoints: number;
  maxPoints: number;
  passed: boolean;
  /** Criteria below their minimum level (when the pass rule asks for one). */
  criteriaBelowMinimum: string[];
}

/**
 * Scores a mark: exactly one level for every criterion of the rubric, in any order. Throws 422 naming the
 * criterion when one is missing, repeated, unknown or given a level it does not have.
 */
export function scoreMark(
  rubric: Rubric,
  chosen: ReadonlyArray<{ criterionId: string; levelId: string; feedback?: string }>,
): ScoredMark {
  const fields: FieldProblem[] = [];
  const byCriterion = new Map<string, { levelId: string; feedback?: string; index: number }>();
  chosen.forEach((entry, index) => {
    if (byCriterion.has(entry.criterionId)) {
      fields.push({ in: 'body', pointer: `/levels/${index}/criterionId`, message: 'is marked twice' });
    }
    if (!rubric.criteria.some((criterion) => criterion.id === entry.criterionId)) {
      fields.push({
        in: 'body',
        pointer: `/levels/${index}/criterionId`,
        message: `"${entry.criterionId}" is not a criterion of this rubric`,
      });
    }
    byCriterion.set(entry.criterionId, { ...entry, index });
  });
  const levels: MarkedLevel[] = [];
  const below: string[] = [];
  for (const criterion of rubric.criteria) {
    const entry = byCriterion.get(criterion.id);
    if (!entry) {
      fields.push({ in: 'body', pointer: '/levels', message: `criterion "${criterion.id}" has no level` });
      continue;
    }
    const level = criterion.levels.find((candidate) => candidate.id === entry.levelId);
    if (!level) {
      fields.push({
        in: 'body',
        pointer: `/levels/${entry.index}/levelId`,
        message: `"${entry.levelId}" is not a level of criterion "${criterion.id}" (${criterion.levels.map((l) => l.id).join(', ')})`,
      });
      continue;
    }
    const minimum = criterion.levels.find((candidate) => candidate.id === criterion.minimumLevelId);
    if (minimum && level.points < minimum.points) below.push(criterion.id);
    levels.push({
      criterionId: criterion.id,
      levelId: level.id,
      points: level.points,
      ...(entry.feedback === undefined ? {} : { feedback: entry.feedback }),
    });
  }
  if (fields.length > 0) {
    throw AppError.validation(
      `The mark is invalid: ${fields.map((f) => `${f.pointer} ${f.message}`).join('; ')}`,
      fields,
    );
  }
  const totalPoints = levels.reduce((sum, level) => sum + level.points, 0);
  const rule = rubric.passRule;
  const totalOk = rule.minimumTotalPoints === undefined || totalPoints >= rule.minimumTotalPoints;
  const levelsOk = rule.minimumLevelOnEveryCriterion !== true || below.length === 0;
  const hasRule = rule.minimumTotalPoints !== undefined || rule.minimumLevelOnEveryCriterion === true;
  return {
    levels,
    totalPoints,
    maxPoints: maxPointsOf(rubric.criteria),
    passed: hasRule && totalOk && levelsOk,
    criteriaBelowMinimum: rule.minimumLevelOnEveryCriterion === true ? below : [],
  };
}

/**
 * Two independent marks disagree when one passes and the other fails, or their totals are further apart
 * than the rubric allows; the submission then goes to moderation.
 */
export function marksDisagree(
  first: { totalPoints: number; passed: boolean },
  second: { totalPoints: number; passed: boolean },
  maxPointsDifference: number,
): boolean {
  return (
    first.passed !== second.passed || Math.abs(first.totalPoints - second.totalPoints) > maxPointsDifference
  );
}
