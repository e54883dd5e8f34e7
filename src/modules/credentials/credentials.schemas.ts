import { type TSchema, Type } from '@sinclair/typebox';
import { RESULT_STATUSES } from '../../core/vc/open-badges.ts';

const DateTime = Type.String({ format: 'date-time' });
const Uuid = Type.String({ format: 'uuid' });
const Text = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, ...(description ? { description } : {}) });
const Uri = (description?: string) =>
  Type.String({ minLength: 3, maxLength: 2000, ...(description ? { description } : {}) });
const strict = <T extends Record<string, TSchema>>(properties: T, description?: string) =>
  Type.Object(properties, { additionalProperties: false, ...(description ? { description } : {}) });

export const ProblemRef = Type.Ref('Problem');

const Slug = Type.String({ minLength: 1, maxLength: 63 });
export const SlugParams = Type.Object({ slug: Slug });
export const CredentialParams = Type.Object({ slug: Slug, id: Uuid });
export const StatusListParams = Type.Object({ listId: Type.String({ minLength: 1, maxLength: 100 }) });

export const CryptosuiteSchema = Type.Union(
  [Type.Literal('eddsa-rdfc-2022'), Type.Literal('eddsa-jcs-2022')],
  { description: 'Data Integrity cryptosuite (default eddsa-rdfc-2022)' },
);
export const FormatSchema = Type.Union([Type.Literal('data-integrity'), Type.Literal('vc+jwt')], {
  description: 'data-integrity (default): an embedded proof; vc+jwt: a compact JWS signed with EdDSA',
});
export const StatusSchema = Type.Union([
  Type.Literal('active'),
  Type.Literal('suspended'),
  Type.Literal('revoked'),
]);

const Image = Type.Union([
  Uri('Image URL or data: URI'),
  strict({ id: Uri(), caption: Type.Optional(Text(500)) }),
]);

const Alignment = strict({
  targetName: Text(500),
  targetUrl: Uri(),
  targetCode: Type.Optional(Text(200)),
  targetDescription: Type.Optional(Text(2000)),
  targetFramework: Type.Optional(Text(500)),
  targetType: Type.Optional(Text(100, 'An OB 3.0 AlignmentTargetType or ext:…')),
});

const ResultDescription = strict({
  id: Uri(),
  name: Text(500),
  resultType: Text(100, 'An OB 3.0 ResultType or ext:…'),
  allowedValue: Type.Optional(Type.Array(Text(200), { maxItems: 100 })),
  requiredValue: Type.Optional(Text(200)),
  valueMin: Type.Optional(Text(200)),
  valueMax: Type.Optional(Text(200)),
});

export const AchievementSchema = strict(
  {
    id: Type.Optional(Uri('Unique URI of the achievement; a urn:uuid is minted when absent')),
    name: Text(500),
    description: Text(5000),
    criteria: strict(
      {
        narrative: Type.Optional(Text(10_000, 'Markdown')),
        id: Type.Optional(Uri('A web page describing the criteria')),
      },
      'At least one of narrative or id',
    ),
    achievementType: Type.Optional(Text(100, 'An OB 3.0 AchievementType (Badge, Certificate, …) or ext:…')),
    alignment: Type.Optional(Type.Array(Alignment, { maxItems: 100 })),
    image: Type.Optional(Image),
    tag: Type.Optional(Type.Array(Text(200), { maxItems: 100 })),
    creditsAvailable: Type.Optional(Type.Number({ minimum: 0 })),
    fieldOfStudy: Type.Optional(Text(500)),
    humanCode: Type.Optional(Text(200)),
    specialization: Type.Optional(Text(500)),
    inLanguage: Type.Optional(Text(35)),
    version: Type.Optional(Text(100)),
    resultDescription: Type.Optional(Type.Array(ResultDescription, { maxItems: 100 })),
  },
  'The OB 3.0 Achievement, inline',
);

const Result = strict({
  resultDescription: Type.Optional(Uri('The id of one of the achievement’s result descriptions')),
  value: Type.Optional(Text(500)),
  status: Type.Optional(Type.Union(RESULT_STATUSES.map((status) => Type.Literal(status)))),
  achievedLevel: Type.Optional(Uri()),
  alignment: Type.Optional(Type.Array(Alignment, { maxItems: 100 })),
});

const Evidence = strict({
  id: Type.Optional(Uri('URL of the evidence')),
  name: Type.Optional(Text(500)),
  description: Type.Optional(Text(5000)),
  narrative: Type.Optional(Text(10_000)),
  genre: Type.Optional(Text(200)),
  audience: Type.Optional(Text(200)),
});

export const IssueCredentialBody = strict({
  achievement: AchievementSchema,
  recipient: strict({
    email: Type.String({ format: 'email', maxLength: 320, description: 'Published only as a salted hash' }),
    name: Type.Optional(Text(500, 'For the mail and, if the holder makes it public, the credential page')),
    did: Type.Optional(Uri('The learner’s DID; becomes credentialSubject.id')),
  }),
  name: Type.Optional(Text(500, 'Display name of the credential; the achievement’s name by default')),
  description: Type.Optional(Text(5000)),
  narrative: Type.Optional(Text(10_000, 'How the evidence shows the achievement (Markdown)')),
  result: Type.Optional(Type.Array(Result, { maxItems: 100 })),
  evidence: Type.Optional(Type.Array(Evidence, { maxItems: 100 })),
  validFrom: Type.Optional(DateTime),
  validUntil: Type.Optional(DateTime),
  format: Type.Optional(FormatSchema),
  cryptosuite: Type.Optional(CryptosuiteSchema),
});

export const ReasonBody = strict({
  reason: Text(500, 'Why; kept in the audit log and told to the holder'),
});

export const ListQuery = Type.Object(
  {
    status: Type.Optional(StatusSchema),
    recipientEmail: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
    definitionId: Type.Optional(
      Type.String({
        format: 'uuid',
        description:
          'Only credentials awarded for this catalogue definition version (the `id` of a definition). ' +
          'An id the organisation has no definition under gives an empty list',
      }),
    ),
    definitionSeriesId: Type.Optional(
      Type.String({
        format: 'uuid',
        description:
          'Only credentials awarded for any version of this definition (the `seriesId` every version of ' +
          'a definition shares). An unknown series, or another organisation’s, gives an empty list',
      }),
    ),
    cursor: Type.Optional(
      Type.String({ minLength: 1, maxLength: 300, description: 'nextCursor of the previous page' }),
    ),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  },
  { additionalProperties: false },
);

const AnyCredential = Type.Unknown({
  description: 'The signed credential: a JSON object (Data Integrity) or a compact JWS string (vc+jwt)',
});

export const CredentialSummary = Type.Object({
  id: Uuid,
  credentialId: Type.String({ description: "The credential's own id (URI)" }),
  url: Type.String({ description: 'The public page of the credential' }),
  types: Type.Array(Type.String()),
  name: Type.Union([Type.String(), Type.Null()]),
  achievementName: Type.Union([Type.String(), Type.Null()]),
  issuer: Type.String({ description: 'The signing DID' }),
  format: FormatSchema,
  cryptosuite: Type.Union([Type.String(), Type.Null()]),
  recipient: Type.Object({
    email: Type.Union([Type.String(), Type.Null()]),
    name: Type.Union([Type.String(), Type.Null()]),
    did: Type.Union([Type.String(), Type.Null()]),
  }),
  holderNamePublic: Type.Boolean(),
  status: StatusSchema,
  statusReason: Type.Union([Type.String(), Type.Null()]),
  statusChangedAt: Type.Union([DateTime, Type.Null()]),
  validFrom: Type.Union([DateTime, Type.Null()]),
  validUntil: Type.Union([DateTime, Type.Null()]),
  issuedAt: DateTime,
  issuedVia: Type.Union([
    Type.Literal('api'),
    Type.Literal('vc-api'),
    Type.Literal('cli'),
    Type.Literal('assessment'),
    Type.Literal('bulk'),
    Type.Literal('external-result'),
    Type.Literal('pathway'),
  ]),
  definitionId: Type.Union([Uuid, Type.Null()], {
    description: 'The catalogue definition version the credential was awarded for',
  }),
  issuedBy: Type.Object({ type: Type.String(), id: Type.Union([Type.String(), Type.Null()]) }),
});

export const CredentialDetail = Type.Object({
  ...CredentialSummary.properties,
  statusEntries: Type.Array(
    Type.Object({
      purpose: Type.Union([Type.Literal('revocation'), Type.Literal('suspension')]),
      statusListCredential: Type.String(),
      statusListIndex: Type.Integer(),
    }),
  ),
  verifiableCredential: AnyCredential,
});

export const CredentialResponse = Type.Object({ credential: CredentialDetail });
export const CredentialListResponse = Type.Object({
  credentials: Type.Array(CredentialSummary),
  nextCursor: Type.Union([Type.String(), Type.Null()], {
    description: 'Pass as `cursor` for the next (older) page; null on the last page',
  }),
});

// Holders (/api/v1/me/credentials) -------------------------------------------------------------------------

export const HeldCredentialParams = Type.Object({ id: Uuid });

export const HeldCredentialListQuery = Type.Object(
  {
    cursor: Type.Optional(
      Type.String({ minLength: 1, maxLength: 300, description: 'nextCursor of the previous page' }),
    ),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
  },
  { additionalProperties: false },
);

export const HolderNameVisibilityBody = strict({
  holderNamePublic: Type.Boolean({
    description: 'true: your name (as the issuer recorded it) appears on the credential’s public page',
  }),
});

export const HeldCredential = Type.Object({
  id: Uuid,
  url: Type.String({ description: 'The public page of the credential' }),
  name: Type.Union([Type.String(), Type.Null()]),
  achievementName: Type.Union([Type.String(), Type.Null()]),
  organisation: Type.Object(
    { name: Type.String(), slug: Type.String() },
    { description: 'The issuing organisation' },
  ),
  status: StatusSchema,
  validFrom: Type.Union([DateTime, Type.Null()]),
  validUntil: Type.Union([DateTime, Type.Null()]),
  issuedAt: DateTime,
  holderName: Type.Union([Type.String(), Type.Null()], {
    description: 'Your name as the issuer recorded it; shown on the public page only when holderNamePublic',
  }),
  holderNamePublic: Type.Boolean(),
  format: FormatSchema,
  verifiableCredential: AnyCredential,
});

export const HeldCredentialResponse = Type.Object({ credential: HeldCredential });
export const HeldCredentialListResponse = Type.Object({
  credentials: Type.Array(HeldCredential),
  nextCursor: Type.Union([Type.String(), Type.Null()], {
    description: 'Pass as `cursor` for the next (older) page; null on the last page',
  }),
});

// VC-API ------------------------------------------------------------------------------------------------

export const VcApiIssueBody = strict({
  credential: Type.Object(
    {},
    {
      additionalProperties: true,
      description:
        'An unsigned VC 2.0 credential whose issuer is the organisation (its did:web or did:key), without proof or credentialStatus',
    },
  ),
  options: Type.Optional(
    strict({
      cryptosuite: Type.Optional(CryptosuiteSchema),
      format: Type.Optional(FormatSchema),
    }),
  ),
});

export const VcApiIssueResponse = Type.Object({
  verifiableCredential: Type.Unknown({
    description:
      'The secured credential; for vc+jwt an EnvelopedVerifiableCredential whose id is a data: URL of the JWT',
  }),
});

export const VcApiStatusBody = strict({
  credentialId: Text(2000, "The credential's id, as issued"),
  credentialStatus: Type.Array(
    strict({
      type: Type.Literal('BitstringStatusListEntry'),
      status: Type.Union([Type.Literal('revoked'), Type.Literal('suspended'), Type.Literal('active')], {
        description: 'revoked (final), suspended, or active (lifts a suspension)',
      }),
      statusPurpose: Type.Optional(
        Type.Union([Type.Literal('revocation'), Type.Literal('suspension')], {
          description: 'Optional; must agree with status when given',
        }),
      ),
    }),
    { minItems: 1, maxItems: 1 },
  ),
  reason: Type.Optional(Text(500, 'Why; kept in the audit log and told to the holder')),
});

export const VcApiStatusResponse = Type.Object({
  credentialId: Type.String(),
  status: StatusSchema,
});
