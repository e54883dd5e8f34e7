import { Type } from '@sinclair/typebox';

const DateTime = Type.String({ format: 'date-time' });
const NullableString = Type.Union([Type.String(), Type.Null()]);

export const SlugParams = Type.Object(
  { slug: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);

export const AnalyticsQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ maxLength: 40, description: 'ISO 8601; default 30 days before `to`' })),
    to: Type.Optional(
      Type.String({
        maxLength: 40,
        description: 'ISO 8601, exclusive; default the end of the current bucket',
      }),
    ),
    bucket: Type.Optional(Type.Union([Type.Literal('day'), Type.Literal('week'), Type.Literal('month')])),
  },
  { additionalProperties: false },
);

const Series = Type.Array(Type.Object({ bucket: DateTime, count: Type.Integer() }));

export const AnalyticsResponse = Type.Object({
  analytics: Type.Object({
    organisation: Type.Object({ slug: Type.String(), name: Type.String() }),
    from: DateTime,
    to: DateTime,
    bucket: Type.String(),
    issued: Series,
    revoked: Series,
    verifications: Type.Array(
      Type.Object({
        bucket: DateTime,
        count: Type.Integer(),
        valid: Type.Integer({ description: 'of which valid' }),
      }),
    ),
    totals: Type.Object({ issued: Type.Integer(), revoked: Type.Integer(), verifications: Type.Integer() }),
    passRates: Type.Array(
      Type.Object({
        definitionId: Type.String(),
        title: NullableString,
        attempts: Type.Integer(),
        attemptsPassed: Type.Integer(),
        decisions: Type.Integer(),
        decisionsPassed: Type.Integer(),
        passRate: Type.Union([Type.Number(), Type.Null()]),
      }),
    ),
    topSkills: Type.Array(
      Type.Object({ uri: Type.String(), label: NullableString, credentials: Type.Integer() }),
    ),
  }),
});

export const IssuerResponse = Type.Object({
  issuer: Type.Object({
    slug: Type.String(),
    name: Type.String(),
    url: NullableString,
    description: NullableString,
    logo: NullableString,
    dids: Type.Object({ web: Type.String(), key: NullableString }),
    definitions: Type.Array(
      Type.Object({
        id: Type.String(),
        title: Type.String(),
        version: Type.Integer(),
        publishedAt: Type.Union([DateTime, Type.Null()]),
        level: Type.Union([Type.Object({ framework: NullableString, value: Type.String() }), Type.Null()]),
        hours: Type.Union([Type.Number(), Type.Null()]),
        url: Type.String(),
      }),
    ),
    counts: Type.Object({ issued: Type.Integer(), active: Type.Integer() }),
  }),
});
