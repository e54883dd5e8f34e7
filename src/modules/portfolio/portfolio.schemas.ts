import { type TSchema, Type } from '@sinclair/typebox';
import { SUPERVISION_LEVELS } from '../catalogue/definition.model.ts';
import {
  FILE_TYPES,
  HARD_MAX_FILE_BYTES,
  HARD_MAX_FILES,
  MAX_CRITERIA,
  MAX_LEVELS,
  MAX_POINTS,
  RUBRIC_ID_PATTERN,
  SUBMISSION_KINDS,
} from './portfolio.rubric.ts';

const DateTime = Type.String({ format: 'date-time' });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Uuid = Type.String({ format: 'uuid' });
const Text = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, ...(description ? { description } : {}) });
const strict = <T extends Record<string, TSchema>>(properties: T, description?: string) =>
  Type.Object(properties, { additionalProperties: false, ...(description ? { description } : {}) });
const literals = <T extends readonly string[]>(values: T, description?: string) =>
  Type.Union(
    values.map((value) => Type.Literal(value)),
    description ? { description } : {},
  );
const RubricId = (description: string) => Type.String({ pattern: RUBRIC_ID_PATTERN, description });

export const ProblemRef = Type.Ref('Problem');

const Slug = Type.String({ minLength: 1, maxLength: 63 });
export const DefinitionRubricParams = Type.Object({ slug: Slug, definitionId: Uuid });
export const PublicRubricParams = Type.Object({ definitionId: Uuid });
export const SubmissionParams = Type.Object({ id: Uuid });
export const SubmissionFileParams = Type.Object({ id: Uuid, fileId: Uuid });
export const OrgSlugParams = Type.Object({ slug: Slug });
export const OrgSubmissionParams = Type.Object({ slug: Slug, id: Uuid });
export const OrgSubmissionFileParams = Type.Object({ slug: Slug, id: Uuid, fileId: Uuid });

export const SubmissionStatusSchema = literals(
  ['draft', 'submitted', 'awaiting_second_mark', 'in_moderation', 'passed', 'failed'] as const,
  'draft → submitted → (awaiting_second_mark → (in_moderation)) → passed | failed',
);
const SupervisionSchema = literals(SUPERVISION_LEVELS, 'Supervision and identity verification (EU Annex I)');
const FileTypeSchema = literals(FILE_TYPES);
const SubmissionKindSchema = literals(SUBMISSION_KINDS);

// ----- Rubrics ---------------------------------------------------------------------------------------

const Level = strict({
  id: RubricId('Stable id within the criterion, e.g. "competent"'),
  name: Text(200),
  descriptor: Text(2000, 'What work at this level looks like'),
  points: Type.Integer({ minimum: 0, maximum: MAX_POINTS }),
});

const Criterion = strict({
  id: RubricId('Stable id within the rubric, e.g. "design"'),
  name: Text(200),
  description: Type.Optional(Text(4000)),
  learningOutcomeId: Type.Optional(Text(100, 'The id of one of the definition’s learning outcomes')),
  minimumLevelId: Type.Optional(
    RubricId('The lowest level that passes this criterion (used when the pass rule asks for it)'),
  ),
  levels: Type.Array(Level, {
    maxItems: MAX_LEVELS,
    description: 'At least 2 before the definition can be published',
  }),
});

const PassRuleSchema = strict(
  {
    minimumTotalPoints: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_POINTS * MAX_CRITERIA })),
    minimumLevelOnEveryCriterion: Type.Optional(
      Type.Boolean({ description: 'Every criterion must reach its minimumLevelId' }),
    ),
  },
  'A minimum total and/or a minimum level on every criterion; both must hold when both are set',
);

const SettingsInput = strict({
  allowedKinds: Type.Optional(Type.Array(SubmissionKindSchema, { minItems: 1, maxItems: 3 })),
  allowedFileTypes: Type.Optional(Type.Array(FileTypeSchema, { maxItems: FILE_TYPES.length })),
  maxFileBytes: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: HARD_MAX_FILE_BYTES,
      description: 'Per file; 10 MB by default, at most 25 MB',
    }),
  ),
  maxFiles: Type.Optional(Type.Integer({ minimum: 1, maximum: HARD_MAX_FILES, description: '5 by default' })),
  secondMarker: Type.Optional(
    strict({
      required: Type.Optional(Type.Boolean({ description: 'A pass needs a second, independent mark' })),
      maxPointsDifference: Type.Optional(
        Type.Integer({
          minimum: 0,
          maximum: MAX_POINTS * MAX_CRITERIA,
          description: 'Beyond this → moderation (2)',
        }),
      ),
    }),
  ),
  supervision: Type.Optional(SupervisionSchema),
  maxAttempts: Type.Optional(
    Nullable(Type.Integer({ minimum: 1, maximum: 100, description: 'null: unlimited' })),
  ),
  resubmitAfterHours: Type.Optional(Type.Integer({ minimum: 0, maximum: 8760 })),
});

export const RubricBody = strict({
  criteria: Type.Array(Criterion, { maxItems: MAX_CRITERIA }),
  passRule: PassRuleSchema,
  settings: Type.Optional(SettingsInput),
});

const SettingsOutput = Type.Object({
  allowedKinds: Type.Array(SubmissionKindSchema),
  allowedFileTypes: Type.Array(FileTypeSchema),
  allowedFileExtensions: Type.Array(Type.String()),
  maxFileBytes: Type.Integer(),
  maxFiles: Type.Integer(),
  secondMarker: Type.Object({ required: Type.Boolean(), maxPointsDifference: Type.Integer() }),
  supervision: Type.String(),
  maxAttempts: Nullable(Type.Integer()),
  resubmitAfterHours: Type.Integer(),
});

const RubricOutput = Type.Object({
  revision: Type.Integer(),
  criteria: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      description: Nullable(Type.String()),
      learningOutcomeId: Nullable(Type.String()),
      minimumLevelId: Nullable(Type.String()),
      levels: Type.Array(
        Type.Object({
          id: Type.String(),
          name: Type.String(),
          descriptor: Type.String(),
          points: Type.Integer(),
        }),
      ),
    }),
  ),
  passRule: Type.Object({
    minimumTotalPoints: Nullable(Type.Integer()),
    minimumLevelOnEveryCriterion: Type.Boolean(),
  }),
  maxPoints: Type.Integer(),
  settings: SettingsOutput,
  updatedAt: DateTime,
});

const Readiness = Type.Object({ ready: Type.Boolean(), problems: Type.Array(Type.String()) });

export const RubricResponse = Type.Object({
  definition: Type.Object({
    id: Uuid,
    title: Type.String(),
    version: Type.Integer(),
    status: Type.String(),
  }),
  rubric: Nullable(RubricOutput),
  readiness: Nullable(Readiness),
});

// ----- Submissions -----------------------------------------------------------------------------------

const Link = strict({
  url: Type.String({ minLength: 8, maxLength: 2000, pattern: '^[Hh][Tt][Tt][Pp][Ss]?://\\S+$' }),
  title: Type.Optional(Text(300)),
});
const SubmissionText = Type.String({ maxLength: 50_000, description: 'Plain text or Markdown' });
const Links = Type.Array(Link, { maxItems: 20 });

export const CreateSubmissionBody = strict({
  definitionId: Uuid,
  text: Type.Optional(SubmissionText),
  links: Type.Optional(Links),
});

export const UpdateSubmissionBody = Type.Object(
  {
    text: Type.Optional(Nullable(SubmissionText)),
    links: Type.Optional(Nullable(Links)),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const MyListQuery = Type.Object(
  {
    definitionId: Type.Optional(Uuid),
    status: Type.Optional(SubmissionStatusSchema),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }),
  },
  { additionalProperties: false },
);

export const QueueQuery = Type.Object(
  {
    status: Type.Optional(SubmissionStatusSchema),
    definitionId: Type.Optional(Uuid),
    claimed: Type.Optional(literals(['mine', 'unclaimed'] as const)),
    cursor: Type.Optional(
      Type.String({ minLength: 1, maxLength: 300, description: 'nextCursor of the previous page' }),
    ),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  },
  { additionalProperties: false },
);

const FileOut = Type.Object({
  id: Uuid,
  fileName: Type.String(),
  fileType: Type.String(),
  mediaType: Type.String(),
  sizeBytes: Type.Integer(),
  sha256: Type.String(),
  createdAt: DateTime,
  downloadUrl: Type.String(),
});
export const FileResponse = Type.Object({ file: FileOut });

const MarkedCriterion = Type.Object({
  criterionId: Type.String(),
  criterionName: Type.String(),
  levelId: Type.String(),
  levelName: Type.String(),
  points: Type.Integer(),
  feedback: Nullable(Type.String()),
});

const LearnerResult = Type.Object({
  passed: Type.Boolean(),
  totalPoints: Type.Integer(),
  maxPoints: Type.Integer(),
  feedback: Type.String(),
  criteria: Type.Array(MarkedCriterion),
});

const SubmissionCommon = {
  id: Uuid,
  definitionId: Uuid,
  definitionTitle: Type.String(),
  status: SubmissionStatusSchema,
  attempt: Type.Integer(),
  supervision: Nullable(Type.String()),
  createdAt: DateTime,
  updatedAt: DateTime,
  submittedAt: Nullable(DateTime),
  decidedAt: Nullable(DateTime),
  totalPoints: Nullable(Type.Integer()),
  maxPoints: Nullable(Type.Integer()),
  credentialId: Nullable(Uuid),
};

const LearnerSummary = Type.Object(SubmissionCommon);
const LearnerSubmission = Type.Object({
  ...SubmissionCommon,
  text: Nullable(Type.String()),
  links: Type.Array(Type.Object({ url: Type.String(), title: Nullable(Type.String()) })),
  files: Type.Array(FileOut),
  result: Nullable(LearnerResult),
});
export const LearnerSubmissionResponse = Type.Object({ submission: LearnerSubmission });
export const LearnerSubmissionListResponse = Type.Object({ submissions: Type.Array(LearnerSummary) });

const Mark = Type.Object({
  id: Uuid,
  stage: literals(['first', 'second', 'moderation'] as const),
  assessorId: Uuid,
  totalPoints: Type.Integer(),
  maxPoints: Type.Integer(),
  passed: Type.Boolean(),
  feedback: Type.String(),
  criteria: Type.Array(MarkedCriterion),
  final: Type.Boolean(),
  createdAt: DateTime,
});

const AssessorCommon = {
  ...SubmissionCommon,
  learner: Type.Object({ id: Uuid, name: Type.String(), email: Type.String() }),
  claimedBy: Nullable(Uuid),
  claimedAt: Nullable(DateTime),
  claimedByYou: Type.Boolean(),
};
const QueueItem = Type.Object({ ...AssessorCommon, fileCount: Type.Integer() });
export const QueueResponse = Type.Object({
  submissions: Type.Array(QueueItem),
  nextCursor: Nullable(Type.String()),
});

const AssessorSubmission = Type.Object({
  ...AssessorCommon,
  text: Nullable(Type.String()),
  links: Type.Array(Type.Object({ url: Type.String(), title: Nullable(Type.String()) })),
  files: Type.Array(FileOut),
  marks: Type.Array(Mark),
  rubric: RubricOutput,
});
export const AssessorSubmissionResponse = Type.Object({ submission: AssessorSubmission });

export const MarkBody = strict({
  levels: Type.Array(
    strict({
      criterionId: Type.String({ minLength: 1, maxLength: 64 }),
      levelId: Type.String({ minLength: 1, maxLength: 64 }),
      feedback: Type.Optional(Type.String({ maxLength: 4000, description: 'Feedback on this criterion' })),
    }),
    { minItems: 1, maxItems: MAX_CRITERIA, description: 'One level for every criterion of the rubric' },
  ),
  feedback: Text(10_000, 'Overall written feedback; the learner sees it with the result'),
});

export const FileDownloadResponse = Type.String({ format: 'binary', description: 'The file as uploaded' });
