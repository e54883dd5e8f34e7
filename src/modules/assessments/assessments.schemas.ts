import { type TSchema, Type } from '@sinclair/typebox';
import { SUPERVISION_LEVELS } from '../catalogue/definition.model.ts';
import {
  ITEM_TYPES,
  MAX_ACCEPTED_ANSWERS,
  MAX_OPTIONS,
  MAX_TEXT_ANSWER,
  OPTION_ID_PATTERN,
} from './items.ts';

const DateTime = Type.String({ format: 'date-time' });
const Uuid = Type.String({ format: 'uuid' });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Text = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, ...(description ? { description } : {}) });
const strict = <T extends Record<string, TSchema>>(properties: T, description?: string) =>
  Type.Object(properties, { additionalProperties: false, ...(description ? { description } : {}) });

export const ProblemRef = Type.Ref('Problem');

const Slug = Type.String({ minLength: 1, maxLength: 63 });
export const DefinitionTestParams = strict({ slug: Slug, definitionId: Uuid });
export const ItemParams = strict({ slug: Slug, definitionId: Uuid, itemId: Uuid });
export const StartAttemptParams = strict({ definitionId: Uuid });
export const AttemptParams = strict({ id: Uuid });
export const ResponseParams = strict({ id: Uuid, itemId: Uuid });

const Supervision = Type.Union(
  SUPERVISION_LEVELS.map((level) => Type.Literal(level)),
  {
    description:
      'Supervision and identity verification during the test (EU Annex I); recorded with each result',
  },
);
const ItemTypeSchema = Type.Union(ITEM_TYPES.map((type) => Type.Literal(type)));

export const SettingsBody = strict({
  passMark: Type.Number({
    minimum: 0,
    maximum: 100,
    description: 'Percentage of the attempt’s points needed to pass',
  }),
  attemptLimit: Type.Optional(
    Nullable(Type.Integer({ minimum: 1, maximum: 1000, description: 'null: unlimited' })),
  ),
  cooldownSeconds: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 31_536_000,
      description: 'Wait after an attempt closes (default 0)',
    }),
  ),
  timeLimitSeconds: Type.Optional(
    Nullable(
      Type.Integer({ minimum: 10, maximum: 604_800, description: 'Enforced by the server; null: untimed' }),
    ),
  ),
  itemsPerAttempt: Type.Optional(
    Nullable(
      Type.Integer({ minimum: 1, maximum: 1000, description: 'Drawn at random per attempt; null: all' }),
    ),
  ),
  shuffleItems: Type.Optional(Type.Boolean({ description: 'Default true' })),
  shuffleOptions: Type.Optional(
    Type.Boolean({ description: 'Default true (true/false items keep their order)' }),
  ),
  supervision: Type.Optional(Supervision),
});

export const ItemBody = strict(
  {
    type: ItemTypeSchema,
    prompt: Text(4000),
    points: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1000, description: 'Default 1' })),
    learningOutcomeId: Type.Optional(
      Nullable(Text(100, 'The id of one of the definition’s learning outcomes')),
    ),
    feedback: Type.Optional(
      Nullable(Type.String({ maxLength: 4000, description: 'Shown to learners after scoring' })),
    ),
    options: Type.Optional(
      Type.Array(
        strict({
          id: Type.Optional(Type.String({ pattern: OPTION_ID_PATTERN, description: 'A, B, C… by default' })),
          text: Text(1000),
          correct: Type.Optional(Type.Boolean()),
        }),
        { maxItems: MAX_OPTIONS, description: 'single_choice and multiple_response' },
      ),
    ),
    correctAnswer: Type.Optional(Type.Boolean({ description: 'true_false' })),
    value: Type.Optional(Type.Number({ description: 'numeric: the correct value' })),
    tolerance: Type.Optional(
      Type.Number({ minimum: 0, description: 'numeric: absolute tolerance (default 0)' }),
    ),
    acceptedAnswers: Type.Optional(
      Type.Array(Text(MAX_TEXT_ANSWER), {
        minItems: 1,
        maxItems: MAX_ACCEPTED_ANSWERS,
        description: 'short_text',
      }),
    ),
    caseSensitive: Type.Optional(
      Type.Boolean({ description: 'short_text (default false; whitespace is always normalised)' }),
    ),
  },
  'One flat shape; the fields after `feedback` apply by type',
);

export const QtiQuery = strict({
  format: Type.Optional(
    Type.Union([Type.Literal('zip'), Type.Literal('xml')], {
      description:
        'zip (default): the content package; xml: one file (the item named by `item`, else the test)',
    }),
  ),
  item: Type.Optional(Uuid),
});

const AnswerSchema = Type.Union(
  [
    Type.String({ maxLength: MAX_TEXT_ANSWER }),
    Type.Number(),
    Type.Boolean(),
    Type.Array(Type.String({ maxLength: 40 }), { maxItems: MAX_OPTIONS }),
  ],
  {
    description:
      'single_choice: an option id; multiple_response: option ids; true_false: a boolean; numeric: a number; short_text: text',
  },
);
export const AnswerBody = strict({ answer: AnswerSchema });

export const MyAttemptsQuery = strict({
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }),
});

const ManagedItem = Type.Object({
  id: Uuid,
  position: Type.Integer(),
  type: ItemTypeSchema,
  prompt: Type.String(),
  points: Type.Number(),
  learningOutcomeId: Nullable(Type.String()),
  feedback: Nullable(Type.String()),
  options: Type.Optional(
    Type.Array(Type.Object({ id: Type.String(), text: Type.String(), correct: Type.Boolean() })),
  ),
  correctAnswer: Type.Optional(Type.Boolean()),
  value: Type.Optional(Type.Number()),
  tolerance: Type.Optional(Type.Number()),
  acceptedAnswers: Type.Optional(Type.Array(Type.String())),
  caseSensitive: Type.Optional(Type.Boolean()),
});

export const ManagedTestSchema = Type.Object({
  id: Uuid,
  definitionId: Uuid,
  passMark: Nullable(Type.Number()),
  attemptLimit: Nullable(Type.Integer()),
  cooldownSeconds: Type.Integer(),
  timeLimitSeconds: Nullable(Type.Integer()),
  itemsPerAttempt: Nullable(Type.Integer()),
  shuffleItems: Type.Boolean(),
  shuffleOptions: Type.Boolean(),
  supervision: Type.String(),
  editable: Type.Boolean({ description: 'Only a draft definition’s test can change' }),
  readiness: Type.Object({ ready: Type.Boolean(), problems: Type.Array(Type.String()) }),
  totalPoints: Type.Number(),
  items: Type.Array(ManagedItem),
  createdAt: DateTime,
  updatedAt: DateTime,
});

export const TestResponse = Type.Object({ test: ManagedTestSchema });
export const ItemResponse = Type.Object({ item: ManagedItem });

export const StatisticsResponse = Type.Object({
  statistics: Type.Object({
    attempts: Type.Integer({ description: 'Closed (submitted or expired) attempts' }),
    meanPercent: Nullable(Type.Number()),
    difficulty: Type.String({ description: 'How difficulty is computed' }),
    discrimination: Type.String({ description: 'How discrimination is computed' }),
    items: Type.Array(
      Type.Object({
        itemId: Uuid,
        position: Type.Integer(),
        type: ItemTypeSchema,
        prompt: Type.String(),
        points: Type.Number(),
        attempts: Type.Integer({ description: 'Closed attempts that drew the item' }),
        answered: Type.Integer(),
        correct: Type.Integer(),
        difficulty: Nullable(Type.Number()),
        discrimination: Nullable(Type.Number()),
        options: Nullable(
          Type.Array(
            Type.Object({
              id: Type.String(),
              text: Type.String(),
              correct: Type.Boolean(),
              chosen: Type.Integer(),
            }),
          ),
        ),
      }),
    ),
  }),
});

const AttemptItem = Type.Object({
  id: Uuid,
  type: ItemTypeSchema,
  prompt: Type.String(),
  points: Type.Number(),
  options: Nullable(Type.Array(Type.Object({ id: Type.String(), text: Type.String() }))),
  answer: Nullable(AnswerSchema),
  result: Nullable(
    Type.Object({ correct: Type.Boolean(), earned: Type.Number(), feedback: Nullable(Type.String()) }),
  ),
});

export const AttemptSchema = Type.Object({
  id: Uuid,
  definitionId: Uuid,
  definitionTitle: Type.String(),
  attemptNumber: Type.Integer(),
  status: Type.Union([Type.Literal('open'), Type.Literal('submitted'), Type.Literal('expired')]),
  startedAt: DateTime,
  deadlineAt: Nullable(DateTime),
  secondsLeft: Nullable(Type.Integer()),
  closedAt: Nullable(DateTime),
  passMark: Type.Number(),
  supervision: Type.String(),
  items: Type.Array(AttemptItem),
  result: Nullable(
    Type.Object({
      score: Type.Number(),
      maxScore: Type.Number(),
      percent: Type.Number(),
      passed: Type.Boolean(),
      credentialId: Nullable(Uuid),
    }),
  ),
  retake: Nullable(
    Type.Object({
      allowed: Type.Boolean(),
      attemptsLeft: Nullable(Type.Integer()),
      availableAt: Nullable(DateTime),
    }),
  ),
});

export const AttemptResponse = Type.Object({ attempt: AttemptSchema });
export const AttemptListResponse = Type.Object({ attempts: Type.Array(AttemptSchema) });

export const BinaryResponse = (contentType: string, description: string) => ({
  description,
  content: { [contentType]: { schema: Type.String({ format: 'binary' }) } },
});
