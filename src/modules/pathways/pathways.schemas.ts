import { Type } from '@sinclair/typebox';
import { COMPONENT_REVOKED_POLICIES } from '../../db/tables/pathways.ts';
import { DateTime, Nullable, Slug, strict, Uuid } from '../../http/schema-kit.ts';
import { NODE_ID_PATTERN, PathwayContentSchema } from './pathway.model.ts';

export { ProblemRef } from '../../http/route-docs.ts';

export const SlugParams = strict({ slug: Slug });
export const OrgPathwayParams = strict({ slug: Slug, id: Uuid });
export const PathwayParams = strict({ id: Uuid });
export const RecognitionParams = strict({ slug: Slug, id: Uuid, recognitionId: Uuid });

export const PageQuery = strict({
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
  offset: Type.Integer({ minimum: 0, maximum: 100000, default: 0 }),
});

const Policy = Type.Union(
  COMPONENT_REVOKED_POLICIES.map((policy) => Type.Literal(policy)),
  {
    description:
      'When a credential counted for a completion is revoked: flag the completion for review, or also suspend the pathway credential',
  },
);

export const PathwayBody = strict({
  content: PathwayContentSchema,
  onComponentRevoked: Type.Optional(Policy),
});
export const ValidateBody = strict({ content: PathwayContentSchema });
export const CtdlImportBody = strict({
  document: Type.Object(
    {},
    {
      additionalProperties: true,
      description: 'A CTDL Pathway JSON-LD document (ceterms:Pathway with an @graph)',
    },
  ),
  onComponentRevoked: Type.Optional(Policy),
});
export const RecognitionBody = strict({
  userId: Uuid,
  componentId: Type.String({ pattern: NODE_ID_PATTERN, description: 'The component node id' }),
  note: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  creditPoints: Type.Optional(Type.Number({ minimum: 0, maximum: 1000 })),
  hours: Type.Optional(Type.Number({ minimum: 0, maximum: 100000 })),
  validUntil: Type.Optional(Nullable(DateTime)),
});

/** The content as stored (PathwayContent, docs/pathways.md): a recursive rule tree, passed through. */
const ContentOut = Type.Object(
  {},
  {
    additionalProperties: true,
    description: 'PathwayContent: title, target, root rule tree, mustBeValidAtCompletion',
  },
);

const VersionOut = strict({
  id: Uuid,
  version: Type.Integer(),
  status: Type.Union([Type.Literal('draft'), Type.Literal('published'), Type.Literal('retired')]),
  title: Type.String(),
  onComponentRevoked: Policy,
  content: ContentOut,
  createdAt: DateTime,
  updatedAt: DateTime,
  publishedAt: Nullable(DateTime),
  retiredAt: Nullable(DateTime),
});

export const PathwayResponse = strict({
  pathway: strict({ id: Uuid, url: Type.String(), versions: Type.Array(VersionOut) }),
});

const VersionSummary = strict({
  pathwayId: Uuid,
  versionId: Uuid,
  version: Type.Integer(),
  status: Type.String(),
  title: Type.String(),
  updatedAt: DateTime,
});
export const PathwayListResponse = strict({ pathways: Type.Array(VersionSummary) });

const ProblemOut = strict({ code: Type.String(), pointer: Type.String(), message: Type.String() });
export const ValidateResponse = strict({ valid: Type.Boolean(), problems: Type.Array(ProblemOut) });

const PublishedOut = strict({
  id: Uuid,
  url: Type.String(),
  version: Type.Integer(),
  title: Type.String(),
  organisation: strict({ slug: Type.String(), name: Type.String() }),
  publishedAt: Nullable(DateTime),
  content: ContentOut,
});
export const PublishedResponse = strict({ pathway: PublishedOut });
export const PublishedListResponse = strict({ pathways: Type.Array(PublishedOut) });
export const CtdlResponse = Type.Object(
  {},
  { additionalProperties: true, description: 'ceterms:Pathway JSON-LD' },
);

const Amount = Type.Number();
const RemainingOut = strict({
  children: Type.Optional(Type.Integer()),
  creditPoints: Type.Optional(Amount),
  hours: Type.Optional(Amount),
  levels: Type.Optional(
    Type.Array(
      strict({
        framework: Type.String(),
        atLeast: Type.String(),
        creditPoints: Type.Optional(Amount),
        hours: Type.Optional(Amount),
        components: Type.Optional(Type.Integer()),
      }),
    ),
  ),
  earn: Type.Optional(
    strict({
      seriesId: Uuid,
      title: Nullable(Type.String()),
      definitionId: Nullable(Uuid),
      after: Type.Array(Type.String()),
    }),
  ),
});
const NodeOut = strict({
  id: Type.String(),
  type: Type.String(),
  pointer: Type.String(),
  satisfied: Type.Boolean(),
  creditPoints: Amount,
  hours: Amount,
  satisfiedChildren: Type.Optional(Type.Integer()),
  requiredChildren: Type.Optional(Type.Integer()),
  levels: Type.Optional(
    Type.Array(
      strict({
        framework: Type.String(),
        atLeast: Type.String(),
        creditPoints: Amount,
        hours: Amount,
        components: Type.Integer(),
        satisfied: Type.Boolean(),
      }),
    ),
  ),
  countedBy: Type.Optional(strict({ kind: Type.String(), id: Uuid })),
  completedAt: Type.Optional(DateTime),
  reason: Type.Optional(Type.String()),
  remaining: RemainingOut,
});
const PlanOut = Nullable(strict({ components: Type.Array(Type.String()), cost: Amount, hours: Amount }));
export const CompletionOut = strict({
  id: Uuid,
  pathwayId: Uuid,
  userId: Uuid,
  versionId: Uuid,
  status: Type.Union([Type.Literal('complete'), Type.Literal('flagged'), Type.Literal('suspended')]),
  completedAt: DateTime,
  credentialId: Nullable(Uuid),
  flagReason: Nullable(Type.String()),
  components: Type.Array(strict({ componentId: Type.String(), kind: Type.String(), id: Uuid })),
});
export const ProgressResponse = strict({
  progress: strict({
    pathwayId: Uuid,
    version: Type.Integer(),
    title: Type.String(),
    userId: Uuid,
    satisfied: Type.Boolean(),
    evaluatedAt: DateTime,
    creditFramework: Nullable(
      Type.String({
        description:
          'The credit framework every credit amount here is in: the pathway’s, else the one its components’ definitions all state; null when neither',
      }),
    ),
    creditPoints: Amount,
    hours: Amount,
    nodes: Type.Array(NodeOut),
    cheapest: PlanOut,
    shortest: PlanOut,
    completable: Type.Boolean(),
    exact: Type.Boolean(),
    completion: Nullable(CompletionOut),
  }),
});
export const CompletionResponse = strict({ completion: CompletionOut, created: Type.Boolean() });
export const SubscriptionResponse = strict({ subscribed: Type.Boolean() });

export const RecognitionOut = strict({
  id: Uuid,
  pathwayId: Uuid,
  componentId: Type.String(),
  userId: Uuid,
  status: Type.Union([
    Type.Literal('pending'),
    Type.Literal('active'),
    Type.Literal('rejected'),
    Type.Literal('revoked'),
  ]),
  source: Type.Union([Type.Literal('reviewer'), Type.Literal('credential'), Type.Literal('evidence')]),
  note: Nullable(Type.String()),
  creditPoints: Nullable(Amount),
  hours: Nullable(Amount),
  validUntil: Nullable(DateTime),
  submittedAt: Nullable(DateTime),
  submission: Nullable(
    strict({
      credential: Type.Optional(
        Type.Union([Type.Object({}, { additionalProperties: true }), Type.String()], {
          description: 'The credential as submitted',
        }),
      ),
      verdict: Type.Optional(
        Type.Union([Type.Literal('valid'), Type.Literal('invalid'), Type.Literal('unknown')]),
      ),
      problems: Type.Optional(Type.Array(Type.String())),
      queuedBecause: Type.Optional(Type.String()),
      narrative: Type.Optional(Type.String()),
      url: Type.Optional(Type.String()),
    }),
  ),
  decidedAt: Nullable(DateTime),
  revokedAt: Nullable(DateTime),
});
export const RecognitionResponse = strict({ recognition: RecognitionOut });
export const RevokeRecognitionResponse = strict({
  recognition: RecognitionOut,
  flaggedCompletions: Type.Array(CompletionOut),
});
export const RecheckResponse = strict({
  checked: Type.Integer(),
  flaggedCompletions: Type.Array(CompletionOut),
});

export const CohortResponse = strict({
  pathwayId: Uuid,
  learners: Type.Array(
    strict({
      userId: Uuid,
      name: Type.String(),
      email: Type.String(),
      subscribedAt: DateTime,
      satisfied: Type.Boolean(),
      creditPoints: Amount,
      hours: Amount,
      componentsCounted: Type.Integer(),
      components: Type.Integer(),
      completion: Nullable(CompletionOut),
    }),
  ),
});

export const RecognitionListResponse = strict({ recognitions: Type.Array(RecognitionOut) });
export const SubmitRecognitionBody = strict({
  componentId: Type.String({ pattern: NODE_ID_PATTERN, description: 'The component node id' }),
  credential: Type.Optional(
    Type.Union(
      [Type.Object({}, { additionalProperties: true }), Type.String({ minLength: 1, maxLength: 200_000 })],
      { description: 'An OB 3.0 / VC 2.0 credential: a JSON object (Data Integrity) or a compact vc+jwt' },
    ),
  ),
  evidence: Type.Optional(
    strict({
      narrative: Type.String({ minLength: 1, maxLength: 10_000 }),
      url: Type.Optional(Type.String({ format: 'uri', maxLength: 2000 })),
    }),
  ),
});
export const DecisionBody = strict({
  decision: Type.Union([Type.Literal('accept'), Type.Literal('reject')]),
  note: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
});
