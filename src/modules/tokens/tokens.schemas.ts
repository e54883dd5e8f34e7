import { Type } from '@sinclair/typebox';

const DateTime = Type.String({ format: 'date-time' });
const Uuid = Type.String({ format: 'uuid' });

export const ProblemRef = Type.Ref('Problem');

export const SlugParams = Type.Object({ slug: Type.String({ minLength: 1, maxLength: 63 }) });
export const TokenParams = Type.Object({ slug: Type.String({ minLength: 1, maxLength: 63 }), id: Uuid });

export const CreateTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, description: 'What the token is for' }),
    scopes: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
      minItems: 1,
      maxItems: 32,
      description: 'Scopes from GET /token-scopes; at most what your own role may do',
    }),
    expiresAt: Type.Optional(
      Type.Union([DateTime, Type.Null()], {
        description: 'When the token stops working; null or absent: never',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ApiToken = Type.Object({
  id: Uuid,
  name: Type.String(),
  prefix: Type.String({ description: 'The public start of the token (cst_…), to recognise it' }),
  scopes: Type.Array(Type.String()),
  status: Type.Union([Type.Literal('active'), Type.Literal('revoked'), Type.Literal('expired')]),
  createdBy: Type.Union([Uuid, Type.Null()]),
  createdAt: DateTime,
  expiresAt: Type.Union([DateTime, Type.Null()]),
  lastUsedAt: Type.Union([DateTime, Type.Null()]),
  revokedAt: Type.Union([DateTime, Type.Null()]),
});

export const CreatedToken = Type.Object({
  token: Type.String({ description: 'The token itself. Shown only this once: store it now' }),
  apiToken: ApiToken,
});

export const ScopeList = Type.Object({
  scopes: Type.Array(Type.Object({ name: Type.String(), description: Type.String() })),
});
