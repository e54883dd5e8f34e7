import { Type } from '@sinclair/typebox';
import { DateTime, Nullable, Slug, strict, Uri, Uuid } from '../../http/schema-kit.ts';

export { ProblemRef } from '../../http/route-docs.ts';

export const SlugParams = strict({ slug: Slug });
export const RoleProfileParams = strict({ id: Uuid });
export const OrgRoleProfileParams = strict({ slug: Slug, id: Uuid });
export const DeclaredSkillQuery = strict({ uri: Uri('The declared skill’s URI') });

export const DeclareSkillBody = strict({
  skillUri: Uri('A skill of an imported framework (ESCO, O*NET) or an organisation skill'),
});

const Importance = Type.Union([Type.Literal('essential'), Type.Literal('optional')], {
  description: 'essential skills weigh 2 in coverage and in the learning path, optional 1',
});

const RoleProfileSkillInput = strict({ uri: Uri('A known skill'), importance: Importance });

export const CreateRoleProfileBody = strict({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  public: Type.Optional(
    Type.Boolean({
      description: 'Organisation profiles only: anyone signed in may analyse a gap against it',
    }),
  ),
  skills: Type.Array(RoleProfileSkillInput, { minItems: 1, maxItems: 200 }),
});

export const UpdateRoleProfileBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
    public: Type.Optional(Type.Boolean()),
    skills: Type.Optional(
      Type.Array(RoleProfileSkillInput, { minItems: 1, maxItems: 200, description: 'Replaces the list' }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

/**
 * One object with the fields of every kind (not a union): the service names the missing field of the kind
 * given, which reads better than a union's "must match a schema in anyOf".
 */
export const GapTargetSchema = strict(
  {
    kind: Type.Union(
      [
        Type.Literal('text'),
        Type.Literal('occupation'),
        Type.Literal('role-profile'),
        Type.Literal('skills'),
        Type.Literal('pathway'),
      ],
      {
        description:
          'pathway: the skills of the published pathway’s components the learner has not earned yet',
      },
    ),
    text: Type.Optional(
      Type.String({ maxLength: 200_000, description: 'kind text: a job post, RFP or brief' }),
    ),
    uri: Type.Optional(Uri('kind occupation: an ESCO or O*NET occupation URI')),
    id: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'kind role-profile (or pathway): its id' }),
    ),
    uris: Type.Optional(
      Type.Array(Uri('A known skill'), { maxItems: 200, description: 'kind skills: skill URIs' }),
    ),
  },
  'What to compare the profile with',
);

export const GapBody = strict({ target: GapTargetSchema });

export const PathBody = strict({
  target: GapTargetSchema,
  objective: Type.Union([Type.Literal('cost'), Type.Literal('hours'), Type.Literal('count')], {
    default: 'cost',
    description: 'What the path minimises; count is the number of credentials',
  }),
  filters: Type.Optional(
    strict({
      minQuality: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
      deliveryModes: Type.Optional(
        Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 10 }),
      ),
      languages: Type.Optional(Type.Array(Type.String({ minLength: 2, maxLength: 35 }), { maxItems: 20 })),
      sources: Type.Optional(
        Type.Array(Type.Union([Type.Literal('own'), Type.Literal('external')]), { minItems: 1, maxItems: 2 }),
      ),
    }),
  ),
  budget: Type.Optional(
    strict({
      maxCost: Type.Optional(Type.Number({ minimum: 0 })),
      currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217' })),
      maxHours: Type.Optional(Type.Number({ minimum: 0 })),
    }),
  ),
});

// Responses ---------------------------------------------------------------------------------------------

const CredentialSourceView = Type.Object({
  kind: Type.Literal('credential'),
  credentialId: Uuid,
  title: Type.String(),
  issuer: Type.String({ description: 'The issuing organisation’s name' }),
  state: Type.Union([Type.Literal('active'), Type.Literal('expired')]),
  validUntil: Nullable(DateTime),
  via: Type.Union([Type.Literal('definition'), Type.Literal('alignment')]),
});
const DeclaredSourceView = Type.Object({ kind: Type.Literal('declared'), declaredAt: DateTime });

const ProfileSkillView = Type.Object({
  uri: Type.String(),
  label: Type.String(),
  framework: Nullable(Type.String()),
  status: Type.Union([Type.Literal('verified'), Type.Literal('expired'), Type.Literal('declared')], {
    description: 'declared: only the learner says so (unverified)',
  }),
  verified: Type.Boolean(),
  sources: Type.Array(Type.Union([CredentialSourceView, DeclaredSourceView])),
});

export const ProfileResponse = Type.Object({
  profile: Type.Object({
    userId: Uuid,
    skills: Type.Array(ProfileSkillView),
    credentialCount: Type.Integer({
      description: 'Active and expired credentials (revoked and suspended do not count)',
    }),
  }),
});

const RoleProfileView = Type.Object({
  id: Uuid,
  name: Type.String(),
  description: Nullable(Type.String()),
  public: Type.Boolean(),
  owner: Type.Union([
    Type.Object({ type: Type.Literal('user') }),
    Type.Object({ type: Type.Literal('organisation'), slug: Type.String() }),
  ]),
  skills: Type.Array(
    Type.Object({
      uri: Type.String(),
      importance: Importance,
      label: Type.String(),
      framework: Nullable(Type.String()),
    }),
  ),
  createdAt: DateTime,
  updatedAt: DateTime,
});

export const RoleProfileResponse = Type.Object({ roleProfile: RoleProfileView });
export const RoleProfileListResponse = Type.Object({ roleProfiles: Type.Array(RoleProfileView) });

const Reason = Type.Union([
  Type.Object({
    kind: Type.Literal('verified'),
    credentials: Type.Array(Type.Object({ credentialId: Uuid, title: Type.String() })),
  }),
  Type.Object({ kind: Type.Literal('declared') }),
  Type.Object({
    kind: Type.Literal('expired'),
    credentials: Type.Array(
      Type.Object({ credentialId: Uuid, title: Type.String(), validUntil: Nullable(DateTime) }),
    ),
  }),
  Type.Object({
    kind: Type.Literal('related'),
    relatedUri: Type.String(),
    relatedLabel: Type.String(),
    relation: Type.Union([Type.Literal('broader'), Type.Literal('narrower'), Type.Literal('mapped')], {
      description: 'How the learner’s verified skill relates to the target skill',
    }),
  }),
]);

const GapView = Type.Object({
  userId: Uuid,
  target: Type.Object({
    kind: Type.String(),
    label: Type.String(),
    uri: Nullable(Type.String()),
  }),
  coveragePercent: Type.Number({
    description: 'Weighted: essential 2, optional 1; partly covered counts half',
  }),
  counts: Type.Object({ covered: Type.Integer(), partly: Type.Integer(), missing: Type.Integer() }),
  skills: Type.Array(
    Type.Object({
      uri: Type.String(),
      label: Type.String(),
      importance: Importance,
      weight: Type.Integer(),
      coverage: Type.Union([Type.Literal('covered'), Type.Literal('partly'), Type.Literal('missing')]),
      reasons: Type.Array(Reason),
    }),
  ),
  extraction: Nullable(
    Type.Object({ method: Type.String(), truncated: Type.Boolean(), sentenceCount: Type.Integer() }),
  ),
});

export const GapResponse = Type.Object({ gap: GapView });

const PathStepView = Type.Object({
  order: Type.Integer(),
  definitionId: Type.String(),
  seriesId: Type.String(),
  title: Type.String(),
  providerName: Type.String(),
  source: Type.Union([Type.Literal('own'), Type.Literal('external')]),
  url: Type.String(),
  cost: Nullable(Type.Number()),
  currency: Nullable(Type.String()),
  hours: Nullable(Type.Number()),
  qualityScore: Nullable(Type.Number()),
  deliveryMode: Nullable(Type.String()),
  languages: Type.Array(Type.String()),
  coversGapSkills: Type.Array(Type.String()),
  prerequisiteFor: Type.Array(Type.String()),
  requires: Type.Array(Type.String()),
  reason: Type.String(),
  alternatives: Type.Array(
    Type.Object({ definitionId: Type.String(), title: Type.String(), why: Type.String() }),
  ),
});

export const PathResponse = Type.Object({
  gap: GapView,
  path: Type.Object({
    status: Type.Union([Type.Literal('complete'), Type.Literal('partial'), Type.Literal('nothing-to-do')]),
    objective: Type.Union([Type.Literal('cost'), Type.Literal('hours'), Type.Literal('count')]),
    steps: Type.Array(PathStepView),
    covered: Type.Array(Type.String()),
    uncovered: Type.Array(
      Type.Object({
        uri: Type.String(),
        label: Type.String(),
        reason: Type.Union([
          Type.Literal('no-credential'),
          Type.Literal('filtered-out'),
          Type.Literal('over-budget'),
        ]),
      }),
    ),
    totals: Type.Object({
      cost: Type.Number(),
      currency: Nullable(Type.String()),
      hours: Type.Number(),
      count: Type.Integer(),
    }),
    solver: Type.Object({
      method: Type.Union([Type.Literal('ilp'), Type.Literal('greedy')]),
      optimal: Type.Boolean(),
      timedOut: Type.Boolean(),
      candidatesConsidered: Type.Integer(),
      timeMs: Type.Number(),
    }),
  }),
});
