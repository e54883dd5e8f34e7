import { AppError, type FieldProblem } from '../../core/errors.ts';
import type { AssessmentItemType } from '../../db/tables/assessments.ts';

/**
 * Test items as the assessments module sees them, independent of HTTP and SQL: their answer keys, how a
 * manager's input becomes an item, and which learner answers fit which item. Pure.
 */

export const ITEM_TYPES = [
  'single_choice',
  'multiple_response',
  'true_false',
  'numeric',
  'short_text',
] as const satisfies readonly AssessmentItemType[];
export type ItemType = AssessmentItemType;

export const OPTION_ID_PATTERN = '^[A-Za-z_][A-Za-z0-9_-]{0,39}$';
const OPTION_ID = new RegExp(OPTION_ID_PATTERN);
export const MAX_OPTIONS = 20;
export const MAX_ACCEPTED_ANSWERS = 50;
export const MAX_TEXT_ANSWER = 500;
/** The option ids of a true/false item (also used in the QTI export). */
export const TRUE_FALSE_OPTIONS = [
  { id: 'true', text: 'True' },
  { id: 'false', text: 'False' },
] as const;

export interface ItemOption {
  id: string;
  text: string;
}

/** What makes an answer correct. Choice and true/false items name the correct option ids. */
export type AnswerKey =
  | { kind: 'choice'; correct: string[] }
  | { kind: 'numeric'; value: number; tolerance: number }
  | { kind: 'text'; accepted: string[]; caseSensitive: boolean };

/** One item with its key: what managers see and scoring uses. */
export interface Item {
  id: string;
  type: ItemType;
  prompt: string;
  points: number;
  /** Choice items only (true/false included); empty otherwise. */
  options: ItemOption[];
  key: AnswerKey;
  learningOutcomeId: string | null;
  feedback: string | null;
}

/** A learner's answer: an option id, option ids, true/false, a number or text, by item type. */
export type Answer = string | number | boolean | string[];

/** An item as a manager writes it (POST/PUT …/test/items): one flat shape, fields by type. */
export interface ItemInput {
  type: ItemType;
  prompt: string;
  points?: number;
  learningOutcomeId?: string | null;
  feedback?: string | null;
  /** single_choice, multiple_response: the options and which are correct. */
  options?: Array<{ id?: string; text: string; correct?: boolean }>;
  /** true_false. */
  correctAnswer?: boolean;
  /** numeric: the correct value and the absolute tolerance around it (0 by default). */
  value?: number;
  tolerance?: number;
  /** short_text: every accepted answer; compared ignoring case unless caseSensitive, always trimmed. */
  acceptedAnswers?: string[];
  caseSensitive?: boolean;
}

const FIELDS_BY_TYPE: Record<ItemType, ReadonlyArray<keyof ItemInput>> = {
  single_choice: ['options'],
  multiple_response: ['options'],
  true_false: ['correctAnswer'],
  numeric: ['value', 'tolerance'],
  short_text: ['acceptedAnswers', 'caseSensitive'],
};
const TYPED_FIELDS: ReadonlyArray<keyof ItemInput> = [
  'options',
  'correctAnswer',
  'value',
  'tolerance',
  'acceptedAnswers',
  'caseSensitive',
];

export type NormalisedItem = Omit<Item, 'id'>;

/**
 * Turns a manager's input into an item, or a 422 listing every problem: fields that do not belong to the
 * type, a choice item without exactly one (single choice) or at least one (multiple response) correct
 * option, duplicate option ids, a learning outcome the definition does not have.
 */
export function normaliseItemInput(
  input: ItemInput,
  context: { learningOutcomeIds: readonly string[] },
): NormalisedItem {
  const problems: FieldProblem[] = [];
  const problem = (pointer: string, message: string) => problems.push({ in: 'body', pointer, message });
  const allowed = FIELDS_BY_TYPE[input.type];
  for (const field of TYPED_FIELDS) {
    if (input[field] !== undefined && !allowed.includes(field)) {
      problem(`/${field}`, `does not apply to ${input.type} items`);
    }
  }
  const prompt = input.prompt.trim();
  if (prompt.length === 0) problem('/prompt', 'must not be blank');
  const learningOutcomeId = input.learningOutcomeId ?? null;
  if (learningOutcomeId !== null && !context.learningOutcomeIds.includes(learningOutcomeId)) {
    problem(
      '/learningOutcomeId',
      context.learningOutcomeIds.length === 0
        ? 'the definition has no learning outcomes with ids'
        : `must be one of the definition's learning outcomes: ${context.learningOutcomeIds.join(', ')}`,
    );
  }
  const feedback = input.feedback?.trim() ? input.feedback.trim() : null;
  let options: ItemOption[] = [];
  let key: AnswerKey = { kind: 'choice', correct: [] };

  switch (input.type) {
    case 'single_choice':
    case 'multiple_response': {
      const given = input.options ?? [];
      if (given.length < 2) problem('/options', 'must list at least 2 options');
      const seen = new Set<string>();
      options = given.map((option, index) => {
        const id = option.id ?? String.fromCharCode(65 + index);
        if (!OPTION_ID.test(id)) problem(`/options/${index}/id`, `must match ${OPTION_ID_PATTERN}`);
        if (seen.has(id)) problem(`/options/${index}/id`, `duplicates option id "${id}"`);
        seen.add(id);
        if (option.text.trim().length === 0) problem(`/options/${index}/text`, 'must not be blank');
        return { id, text: option.text.trim() };
      });
      const correct = given.flatMap((option, index) => (option.correct ? [options[index]!.id] : []));
      if (input.type === 'single_choice' && correct.length !== 1) {
        problem('/options', `exactly one option must be correct (${correct.length} are)`);
      }
      if (input.type === 'multiple_response' && correct.length < 1) {
        problem('/options', 'at least one option must be correct');
      }
      key = { kind: 'choice', correct };
      break;
    }
    case 'true_false':
      if (input.correctAnswer === undefined) problem('/correctAnswer', 'is required for true_false items');
      options = TRUE_FALSE_OPTIONS.map((option) => ({ ...option }));
      key = { kind: 'choice', correct: [input.correctAnswer === false ? 'false' : 'true'] };
      break;
    case 'numeric':
      if (input.value === undefined) problem('/value', 'is required for numeric items');
      key = { kind: 'numeric', value: input.value ?? 0, tolerance: input.tolerance ?? 0 };
      break;
    case 'short_text': {
      const accepted = (input.acceptedAnswers ?? []).map(normaliseSpaces);
      if (accepted.length === 0) problem('/acceptedAnswers', 'must list at least one accepted answer');
      accepted.forEach((answer, index) => {
        if (answer.length === 0) problem(`/acceptedAnswers/${index}`, 'must not be blank');
      });
      key = { kind: 'text', accepted, caseSensitive: input.caseSensitive ?? false };
      break;
    }
  }
  if (problems.length > 0) {
    throw AppError.validation(
      `The item is invalid: ${problems.map((p) => `${p.pointer} ${p.message}`).join('; ')}`,
      problems,
    );
  }
  return { type: input.type, prompt, points: input.points ?? 1, options, key, learningOutcomeId, feedback };
}

/** Why an item's key cannot score it (empty when it can); checked again for readiness. */
export function keyProblems(item: Pick<Item, 'type' | 'options' | 'key' | 'points'>): string[] {
  const problems: string[] = [];
  const optionIds = new Set(item.options.map((option) => option.id));
  if (!(item.points > 0)) problems.push('its points must be more than 0');
  switch (item.type) {
    case 'single_choice':
    case 'multiple_response':
    case 'true_false': {
      if (item.key.kind !== 'choice') return ['its key is not a choice key'];
      if (item.options.length < 2) problems.push('it needs at least 2 options');
      if (item.key.correct.some((id) => !optionIds.has(id))) problems.push('its key names an unknown option');
      const wanted =
        item.type === 'multiple_response' ? item.key.correct.length >= 1 : item.key.correct.length === 1;
      if (!wanted) problems.push('it has the wrong number of correct options');
      break;
    }
    case 'numeric':
      if (item.key.kind !== 'numeric' || !Number.isFinite(item.key.value) || !(item.key.tolerance >= 0)) {
        problems.push('its key needs a finite value and a tolerance of 0 or more');
      }
      break;
    case 'short_text':
      if (item.key.kind !== 'text' || item.key.accepted.length === 0)
        problems.push('it has no accepted answer');
      break;
  }
  return problems;
}

/** Trims and collapses runs of whitespace, and normalises Unicode (NFC). */
export function normaliseSpaces(text: string): string {
  return text.normalize('NFC').trim().replace(/\s+/g, ' ');
}

/**
 * Checks that a learner's answer fits the item (the right kind of value, options of this item), or throws
 * a 422 naming what is wrong. Returns the answer as stored.
 */
export function checkAnswer(item: Pick<Item, 'type' | 'options'>, answer: Answer): Answer {
  const invalid = (message: string) =>
    AppError.validation(`The answer ${message}`, [{ in: 'body', pointer: '/answer', message }]);
  const optionIds = new Set(item.options.map((option) => option.id));
  switch (item.type) {
    case 'single_choice':
      if (typeof answer !== 'string' || !optionIds.has(answer)) {
        throw invalid('must be the id of one of the item’s options');
      }
      return answer;
    case 'multiple_response': {
      if (!Array.isArray(answer) || answer.some((id) => !optionIds.has(id))) {
        throw invalid('must be a list of ids of the item’s options');
      }
      if (new Set(answer).size !== answer.length) throw invalid('must not name an option twice');
      return [...answer];
    }
    case 'true_false':
      if (typeof answer !== 'boolean') throw invalid('must be true or false');
      return answer;
    case 'numeric':
      if (typeof answer !== 'number' || !Number.isFinite(answer)) throw invalid('must be a number');
      return answer;
    case 'short_text':
      if (typeof answer !== 'string') throw invalid('must be text');
      if (answer.length > MAX_TEXT_ANSWER) throw invalid(`must be at most ${MAX_TEXT_ANSWER} characters`);
      return answer;
  }
}
