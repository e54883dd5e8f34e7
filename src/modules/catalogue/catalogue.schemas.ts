import { type TSchema, Type } from '@sinclair/typebox';
import {
  ASSESSMENT_TYPES,
  DELIVERY_MODES,
  DefinitionContentSchema,
  LEVEL_FRAMEWORKS,
} from './definition.model.ts';

const DateTime = Type.String({ format: 'date-time' });
const Uuid = Type.String({ format: 'uuid' });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Text = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, ...(description ? { description } : {}) });
const strict = <T extends Record<string, TSchema>>(properties: T, description?: string) =>
  Type.Object(properties, { additionalProperties: false, ...(description ? { description } : {}) });
const literals = (values: readonly string[], description?: string) =>
  Type.Union(
    values.map((value) => Type.Literal(value)),
    description ? { description } : {},
  );

export const ProblemRef = Type.Ref('Problem');

const Slug = Type.String({ minLength: 1, maxLength: 63 });
export const SlugParams = Type.Object({ slug: Slug });
export const DefinitionParams = Type.Object({ slug: Slug, id: Uuid });
export const PublicDefinitionParams = Type.Object({ id: Uuid });

export const StatusSchema = literals(['draft', 'in_review', 'published', 'retired']);
export const SourceSchema = literals(['own', 'external'], 'own: written here; external: imported');

/** POST and PUT bodies: the whole definition content, validated strictly. */
export const DefinitionContentBody = DefinitionContentSchema;

export const ReturnBody = strict({
  comment: Text(4000, 'What the author should change; shown on the draft'),
});
export const RetireBody = strict({ reason: Text(500, 'Why it is no longer offered; kept in the audit log') });

export const DefinitionListQuery = Type.Object(
  {
    status: Type.Optional(StatusSchema),
    source: Type.Optional(SourceSchema),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }),
  },
  { additionalProperties: false },
);

export const CatalogueSearchQuery = Type.Object(
  {
    q: Type.Optional(
      Type.String({
        maxLength: 500,
        description:
          'Full text over title, description, outcomes, skill labels and provider (web-search syntax: "phrase", -word, or)',
      }),
    ),
    skill: Type.Optional(Text(2000, 'A skill URI the entry aligns to')),
    levelFramework: Type.Optional(literals(LEVEL_FRAMEWORKS)),
    level: Type.Optional(Text(50, 'Level value, e.g. 6 (EQF) or intermediate (difficulty)')),
    minHours: Type.Optional(Type.Number({ minimum: 0 })),
    maxHours: Type.Optional(Type.Number({ minimum: 0 })),
    maxCost: Type.Optional(Type.Number({ minimum: 0 })),
    currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217, with maxCost' })),
    provider: Type.Optional(Text(500, 'Provider name, exact (case-insensitive)')),
    deliveryMode: Type.Optional(literals(DELIVERY_MODES)),
    language: Type.Optional(
      Type.String({
        pattern: '^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$',
        description: 'BCP 47; en matches en-GB',
      }),
    ),
    minQuality: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    source: Type.Optional(SourceSchema),
    assessmentType: Type.Optional(literals(ASSESSMENT_TYPES)),
    sort: Type.Optional(
      literals(['relevance', 'quality', 'newest'], 'relevance (default with q), quality (default), newest'),
    ),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    offset: Type.Integer({ minimum: 0, maximum: 10_000, default: 0 }),
  },
  { additionalProperties: false },
);

export const ImportBody = strict({
  format: literals(['ctdl', 'ob3', 'csv'], 'ctdl: CTDL JSON-LD; ob3: OB 3.0 Achievement JSON; csv'),
  content: Type.String({ minLength: 1, description: 'The file, as text' }),
  skipInvalid: Type.Optional(Type.Boolean({ description: 'Import the valid entries and report the rest' })),
  dryRun: Type.Optional(Type.Boolean({ description: 'Report what would change, write nothing' })),
});

/** For a raw file upload (text/csv, application/ld+json): the options travel in the query string. */
export const ImportQuery = Type.Object(
  {
    format: Type.Optional(literals(['ctdl', 'ob3', 'csv'])),
    skipInvalid: Type.Optional(Type.Boolean()),
    dryRun: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

// Reports -----------------------------------------------------------------------------------------------

const Standard = literals(['eu', 'nmf', 'ob3', 'ctdl']);
const ConformanceElement = Type.Object({
  standard: Standard,
  id: Type.String(),
  label: Type.String(),
  required: Type.Boolean(),
  present: Type.Boolean(),
  providedAtIssue: Type.Optional(Type.Boolean()),
  field: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
});
export const ConformanceReportSchema = Type.Object(
  {
    elements: Type.Array(ConformanceElement),
    missing: Type.Array(ConformanceElement),
    publishable: Type.Boolean(),
    summary: Type.Record(
      Type.String(),
      Type.Object({
        required: Type.Integer(),
        requiredPresent: Type.Integer(),
        optional: Type.Integer(),
        optionalPresent: Type.Integer(),
      }),
    ),
  },
  { description: 'Each EU / NMF / OB 3.0 / CTDL element, present or missing' },
);

const QualityReason = Type.Object({
  id: Type.String(),
  kind: literals(['indicator', 'low_quality', 'red_flag']),
  points: Type.Number(),
  message: Type.String(),
});
export const QualityReportSchema = Type.Object({
  score: Type.Number({ description: '0–100' }),
  band: literals(['high', 'medium', 'low']),
  reasons: Type.Array(QualityReason),
  redFlags: Type.Array(Type.String()),
});
const QualitySummary = Type.Object(
  {
    score: Nullable(Type.Number()),
    band: Nullable(literals(['high', 'medium', 'low'])),
    topReasons: Type.Array(QualityReason, { description: 'The reasons that weigh most, up to three' }),
  },
  { description: 'The quality score and what drives it' },
);

const Version = Type.Object({
  id: Uuid,
  version: Type.Integer(),
  status: StatusSchema,
  url: Type.String(),
  publishedAt: Nullable(DateTime),
  retiredAt: Nullable(DateTime),
  supersededById: Nullable(Uuid),
});

export const DefinitionSummary = Type.Object({
  id: Uuid,
  seriesId: Uuid,
  version: Type.Integer(),
  url: Type.String({ description: 'The version’s public URI (its OB 3.0 Achievement id)' }),
  status: StatusSchema,
  source: SourceSchema,
  title: Type.String(),
  provider: Type.Object({ name: Type.String(), url: Nullable(Type.String()) }),
  externalId: Nullable(Type.String()),
  sourceUri: Nullable(Type.String()),
  quality: QualitySummary,
  reviewComment: Nullable(Type.String()),
  supersedesId: Nullable(Uuid),
  supersededById: Nullable(Uuid),
  createdAt: DateTime,
  updatedAt: DateTime,
  submittedAt: Nullable(DateTime),
  publishedAt: Nullable(DateTime),
  retiredAt: Nullable(DateTime),
});

export const DefinitionDetail = Type.Object({
  ...DefinitionSummary.properties,
  content: DefinitionContentSchema,
  conformance: ConformanceReportSchema,
  qualityReport: QualityReportSchema,
  assessment: Type.Object(
    { ready: Type.Boolean(), problems: Type.Array(Type.String()) },
    { description: 'Whether an assessment instrument of this version is ready (publishing needs one)' },
  ),
  versions: Type.Array(Version, { description: 'Every version of the series, newest first' }),
});

export const DefinitionResponse = Type.Object({ definition: DefinitionDetail });
export const DefinitionListResponse = Type.Object({
  definitions: Type.Array(DefinitionSummary),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

export const CatalogueEntry = Type.Object({
  id: Uuid,
  url: Type.String({ description: 'The entry’s public page' }),
  source: SourceSchema,
  title: Type.String(),
  description: Nullable(Type.String()),
  version: Type.Integer(),
  provider: Type.Object({ name: Type.String(), url: Nullable(Type.String()) }),
  organisation: Nullable(Type.String({ description: 'The issuing organisation’s slug (own definitions)' })),
  sourceUri: Nullable(Type.String({ description: 'Where an external entry came from' })),
  verifiable: Type.Boolean(),
  level: Nullable(Type.Object({ framework: Type.String(), value: Type.String() })),
  hours: Nullable(Type.Number()),
  cost: Nullable(Type.Object({ amount: Type.Number(), currency: Type.String() })),
  deliveryMode: Nullable(Type.String()),
  languages: Type.Array(Type.String()),
  assessmentType: Nullable(Type.String()),
  skills: Type.Array(Type.Object({ uri: Type.String(), label: Nullable(Type.String()) })),
  quality: QualitySummary,
  relevance: Nullable(Type.Number({ description: 'Text-search rank, when q is given' })),
  publishedAt: Nullable(DateTime),
});

export const CatalogueSearchResponse = Type.Object({
  entries: Type.Array(CatalogueEntry),
  total: Type.Integer({
    description: 'Entries matching the query and filters, counted up to 10,000 (see totalExact)',
  }),
  totalExact: Type.Boolean({ description: 'false: more than `total` entries match' }),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

export const CatalogueEntryResponse = Type.Object({
  entry: Type.Object({
    ...CatalogueEntry.properties,
    status: StatusSchema,
    supersededById: Nullable(Uuid),
    content: DefinitionContentSchema,
    conformance: ConformanceReportSchema,
    qualityReport: QualityReportSchema,
  }),
});

export const ExportDocument = Type.Object(
  {},
  { additionalProperties: true, description: 'A JSON-LD document (OB 3.0 Achievement or CTDL credential)' },
);

export const ImportReportResponse = Type.Object({
  format: Type.String(),
  dryRun: Type.Boolean(),
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  skipped: Type.Integer({ description: 'Entries left out for their problems (skipInvalid)' }),
  problems: Type.Array(Type.Object({ location: Type.String(), message: Type.String() })),
  entries: Type.Array(
    Type.Object({
      externalId: Type.String(),
      id: Uuid,
      title: Type.String(),
      change: literals(['created', 'updated', 'unchanged']),
    }),
  ),
});
