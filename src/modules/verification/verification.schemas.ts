import { Type } from '@sinclair/typebox';

export const ProblemRef = Type.Ref('Problem');

const StepSchema = Type.Object({
  id: Type.Union(
    ['format', 'proof', 'issuer', 'status', 'validity', 'schema'].map((id) => Type.Literal(id)),
    { description: 'Stable step id' },
  ),
  title: Type.String(),
  outcome: Type.Union(['passed', 'failed', 'unknown', 'skipped', 'warning'].map((o) => Type.Literal(o))),
  summary: Type.String(),
  problems: Type.Array(
    Type.Object({ code: Type.String(), message: Type.String(), path: Type.Optional(Type.String()) }),
  ),
});

const ProblemDetail = Type.Object({
  type: Type.String(),
  title: Type.String(),
  detail: Type.String(),
  code: Type.String(),
  step: Type.String(),
  path: Type.Optional(Type.String()),
  credential: Type.Optional(Type.Union([Type.String(), Type.Null(), Type.Unknown()])),
});

const credentialVerificationFields = {
  verified: Type.Boolean(),
  verdict: Type.Union([Type.Literal('valid'), Type.Literal('invalid'), Type.Literal('unknown')], {
    description:
      'valid; invalid (a check failed); unknown (a check could not be made, e.g. status list offline)',
  }),
  checkedAt: Type.String({ format: 'date-time' }),
  format: Type.String({ description: 'data-integrity, vc+jwt or unknown' }),
  issuer: Type.Union([Type.Object({ id: Type.String(), name: Type.Optional(Type.String()) }), Type.Null()]),
  statuses: Type.Array(
    Type.Object({
      purpose: Type.String(),
      state: Type.String(),
      statusListCredential: Type.Optional(Type.String()),
      statusListIndex: Type.Optional(Type.Integer()),
    }),
  ),
  checks: Type.Array(Type.String(), { description: 'Steps that passed' }),
  warnings: Type.Array(ProblemDetail),
  errors: Type.Array(ProblemDetail),
  steps: Type.Array(StepSchema),
};

export const CredentialVerificationResult = Type.Object({
  ...credentialVerificationFields,
  embedded: Type.Optional(
    Type.Array(Type.Object(credentialVerificationFields), {
      description:
        'A CLR 2.0 ClrCredential only: each embedded credential verified on its own; the CLR is valid only if all are',
    }),
  ),
});

export const PresentationVerificationResult = Type.Object({
  verified: Type.Boolean(),
  verdict: Type.Union([Type.Literal('valid'), Type.Literal('invalid'), Type.Literal('unknown')]),
  checkedAt: Type.String({ format: 'date-time' }),
  checks: Type.Array(Type.String()),
  warnings: Type.Array(ProblemDetail),
  errors: Type.Array(ProblemDetail),
  steps: Type.Array(StepSchema),
  credentials: Type.Array(CredentialVerificationResult),
});

export const VerifyCredentialBody = Type.Object(
  {
    verifiableCredential: Type.Union([Type.Object({}, { additionalProperties: true }), Type.String()], {
      description: 'A secured credential: JSON with a Data Integrity proof, or a compact vc+jwt',
    }),
    options: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { additionalProperties: false },
);

export const VerifyPresentationBody = Type.Object(
  {
    verifiablePresentation: Type.Union([Type.Object({}, { additionalProperties: true }), Type.String()]),
    options: Type.Optional(
      Type.Object(
        {
          challenge: Type.Optional(Type.String({ maxLength: 1000 })),
          domain: Type.Optional(Type.String({ maxLength: 1000 })),
        },
        { additionalProperties: true },
      ),
    ),
  },
  { additionalProperties: false },
);
