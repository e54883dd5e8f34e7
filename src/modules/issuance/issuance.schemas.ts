import { type TOptional, type TSchema, Type } from '@sinclair/typebox';
import { SUPERVISION_LEVELS } from '../catalogue/definition.model.ts';
import { MAX_ROWS, ROW_COLUMNS } from './issuance.rows.ts';

const DateTime = Type.String({ format: 'date-time' });
const Uuid = Type.String({ format: 'uuid' });
const Text = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, ...(description ? { description } : {}) });
const strict = <T extends Record<string, TSchema>>(properties: T, description?: string) =>
  Type.Object(properties, { additionalProperties: false, ...(description ? { description } : {}) });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const ProblemRef = Type.Ref('Problem');

/** A bulk-issue body may be this large (CSV or JSON); the application's default limit is much smaller. */
export const BULK_BODY_LIMIT_BYTES = 20 * 1_048_576;

const Slug = Type.String({ minLength: 1, maxLength: 63 });
export const DefinitionParams = Type.Object({ slug: Slug, definitionId: Uuid });
export const JobParams = Type.Object({ slug: Slug, definitionId: Uuid, jobId: Uuid });
export const EmailParams = Type.Object({ emailId: Uuid });

export const SupervisionSchema = Type.Union(
  SUPERVISION_LEVELS.map((level) => Type.Literal(level)),
  { description: 'Supervision and identity verification during the assessment (EU Annex I)' },
);

export const PageQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
  },
  { additionalProperties: false },
);

// External results

export const ResultBody = strict({
  email: Type.String({ minLength: 3, maxLength: 320, description: 'The learner’s e-mail address' }),
  name: Type.Optional(Text(500, 'The learner’s name, for the mail')),
  did: Type.Optional(Text(2000, 'The learner’s DID or profile URL; becomes credentialSubject.id')),
  score: Type.Optional(Type.Number({ description: 'The score, in the reporting system’s scale' })),
  grade: Type.Optional(Text(200, 'The grade, e.g. "A" or "Merit"')),
  passed: Type.Boolean({ description: 'A pass awards the credential; a fail is only recorded' }),
  date: Type.Optional(
    Text(40, 'When the learner was assessed: 2026-05-31 or a date-time with a time zone; now by default'),
  ),
  supervision: Type.Optional(SupervisionSchema),
  narrative: Type.Optional(Text(10_000, 'How the evidence shows the achievement (Markdown)')),
  evidenceUrl: Type.Optional(Text(2000, 'An http(s) URL of the evidence')),
  externalRef: Type.Optional(
    Text(
      200,
      'The reporting system’s id of this result: a result is recorded and awarded once per reference',
    ),
  ),
});

const ResultSchema = strict({
  id: Uuid,
  definitionId: Uuid,
  learner: strict({ email: Type.String(), name: Nullable(Type.String()), did: Nullable(Type.String()) }),
  score: Nullable(Type.Number()),
  grade: Nullable(Type.String()),
  passed: Type.Boolean(),
  assessedAt: DateTime,
  supervision: Nullable(Type.String()),
  narrative: Nullable(Type.String()),
  evidenceUrl: Nullable(Type.String()),
  externalRef: Nullable(Type.String()),
  credentialId: Nullable(Uuid),
  recordedAt: DateTime,
  recordedBy: strict({ type: Type.String(), id: Nullable(Type.String()) }),
});

export const ResultResponse = strict({
  result: ResultSchema,
  credential: Nullable(
    strict({
      id: Uuid,
      url: Type.String(),
      alreadyIssued: Type.Boolean({
        description: 'The award existed already (an earlier result or bulk row)',
      }),
    }),
  ),
  created: Type.Boolean({ description: 'False when the same result had been recorded before' }),
});

export const ResultListResponse = strict({ results: Type.Array(ResultSchema) });

// Bulk issue

const Cell = Type.Union([Type.String({ maxLength: 20_000 }), Type.Number(), Type.Boolean(), Type.Null()]);
const RowInput = Type.Object(
  Object.fromEntries(ROW_COLUMNS.map((column) => [column, Type.Optional(Cell)])) as Record<
    (typeof ROW_COLUMNS)[number],
    TOptional<typeof Cell>
  >,
  { additionalProperties: false, description: 'One row: the CSV columns as properties' },
);

const Options = {
  skipInvalid: Type.Optional(
    Type.Boolean({ description: 'Issue the valid rows of a file with invalid ones (default false)' }),
  ),
  dryRun: Type.Optional(Type.Boolean({ description: 'Check the file and report; store and issue nothing' })),
};

export const IssueJobJsonBody = strict({
  csv: Type.Optional(
    Type.String({ minLength: 1, maxLength: BULK_BODY_LIMIT_BYTES, description: 'The CSV file as text' }),
  ),
  rows: Type.Optional(Type.Array(RowInput, { minItems: 1, maxItems: MAX_ROWS })),
  ...Options,
});

export const IssueJobCsvBody = Type.String({
  minLength: 1,
  maxLength: BULK_BODY_LIMIT_BYTES,
  description: 'The CSV file (header line first)',
});

export const IssueJobQuery = Type.Object(Options, { additionalProperties: false });

const RowData = strict({
  email: Nullable(Type.String()),
  name: Nullable(Type.String()),
  did: Nullable(Type.String()),
  narrative: Nullable(Type.String()),
  evidenceUrl: Nullable(Type.String()),
  grade: Nullable(Type.String()),
  score: Nullable(Type.Number()),
  date: Nullable(Type.String()),
  externalRef: Nullable(Type.String()),
});

const RowStatus = Type.Union(
  ['pending', 'issued', 'already_issued', 'invalid', 'failed'].map((status) => Type.Literal(status)),
);

const RowReportSchema = strict({
  row: Type.Integer({ description: 'Row 1 is the first row under the CSV header (or rows[0])' }),
  status: RowStatus,
  data: RowData,
  credentialId: Nullable(Uuid),
  errors: Type.Array(strict({ column: Type.String(), message: Type.String() })),
});

const JobSchema = strict({
  id: Uuid,
  definitionId: Uuid,
  status: Type.Union(['queued', 'running', 'completed', 'rejected'].map((status) => Type.Literal(status))),
  source: Type.Union([Type.Literal('csv'), Type.Literal('rows')]),
  skipInvalid: Type.Boolean(),
  fileSha256: Type.String(),
  total: Type.Integer({ description: 'Rows in the file' }),
  valid: Type.Integer(),
  invalid: Type.Integer({ description: 'Invalid or duplicate rows (skipped with skipInvalid)' }),
  processed: Type.Integer({ description: 'Valid rows settled so far' }),
  issued: Type.Integer(),
  alreadyIssued: Type.Integer({ description: 'Rows whose credential existed already (re-submitted rows)' }),
  failed: Type.Integer(),
  pending: Type.Integer(),
  createdAt: DateTime,
  startedAt: Nullable(DateTime),
  finishedAt: Nullable(DateTime),
  createdBy: strict({ type: Type.String(), id: Nullable(Type.String()) }),
  links: strict({ self: Type.String(), rows: Type.String(), errors: Type.String() }),
});

export const JobResponse = strict({ job: JobSchema });
export const JobListResponse = strict({ jobs: Type.Array(JobSchema) });

export const DryRunResponse = strict({
  dryRun: strict({
    total: Type.Integer(),
    valid: Type.Integer(),
    invalid: Type.Integer(),
    invalidRows: Type.Array(RowReportSchema, { description: 'The first 100 invalid rows' }),
  }),
});

export const JobRowsQuery = Type.Object(
  {
    status: Type.Optional(RowStatus),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
    offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
  },
  { additionalProperties: false },
);

export const JobRowsResponse = strict({
  rows: Type.Array(RowReportSchema),
  total: Type.Integer({ description: 'Rows matching the filter' }),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

// Claims and e-mail addresses

export const TokenBody = strict({ token: Type.String({ minLength: 1, maxLength: 200 }) });

export const ClaimResponse = strict({
  claimed: Type.Array(
    strict({
      credentialId: Uuid,
      title: Type.String(),
      organisation: strict({ name: Type.String(), slug: Type.String() }),
      url: Type.String(),
      recipientEmail: Type.String(),
    }),
  ),
});

const EmailSchema = strict({
  id: Nullable(Uuid),
  email: Type.String(),
  primary: Type.Boolean({ description: 'The account’s own address (managed under /me)' }),
  verified: Type.Boolean(),
  verifiedAt: Nullable(DateTime),
  addedAt: DateTime,
});

export const EmailBody = strict({ email: Type.String({ minLength: 3, maxLength: 320 }) });
export const EmailResponse = strict({ email: EmailSchema });
export const EmailListResponse = strict({ emails: Type.Array(EmailSchema) });

export const ResultsImportJsonBody = strict({
  csv: Type.String({ minLength: 1, maxLength: BULK_BODY_LIMIT_BYTES, description: 'The CSV file' }),
});

export const ResultsImportResponse = strict({
  report: strict({
    total: Type.Integer({ description: 'Rows in the file' }),
    recorded: Type.Integer({ description: 'Results recorded now' }),
    unchanged: Type.Integer({ description: 'Results recorded before (nothing changed)' }),
    passed: Type.Integer(),
    failed: Type.Integer(),
    issued: Type.Integer({ description: 'Credentials issued now' }),
  }),
});
