import { Type } from '@sinclair/typebox';
import { DateTime, Nullable, Slug, strict, Uuid } from '../../http/schema-kit.ts';
import { MAX_ADDS_PER_REQUEST, MAX_MEMBER_PAGE, MAX_PROGRESS_PAGE } from './pathway-groups.service.ts';

export const OrgPathwayParams = strict({ slug: Slug, id: Uuid });
export const GroupParams = strict({ slug: Slug, id: Uuid, groupId: Uuid });
export const MemberParams = strict({ slug: Slug, id: Uuid, groupId: Uuid, memberId: Uuid });

const Cursor = Type.String({
  minLength: 1,
  maxLength: 400,
  description: 'The `nextCursor` of the previous page (opaque)',
});
export const MembersQuery = strict({
  limit: Type.Integer({ minimum: 1, maximum: MAX_MEMBER_PAGE, default: MAX_MEMBER_PAGE }),
  cursor: Type.Optional(Cursor),
});
export const ProgressQuery = strict({
  limit: Type.Integer({ minimum: 1, maximum: MAX_PROGRESS_PAGE, default: MAX_PROGRESS_PAGE }),
  cursor: Type.Optional(Cursor),
});

const Name = Type.String({
  minLength: 1,
  maxLength: 200,
  description: 'Unique on the pathway, regardless of case; trimmed',
});
const Description = Nullable(Type.String({ maxLength: 2000 }));

export const CreateGroupBody = strict({ name: Name, description: Type.Optional(Description) });
export const UpdateGroupBody = Type.Object(
  { name: Type.Optional(Name), description: Type.Optional(Description) },
  {
    additionalProperties: false,
    minProperties: 1,
    description: 'What to change; `description: null` removes it',
  },
);
export const AddMembersBody = strict({
  emails: Type.Array(Type.String({ maxLength: 1000 }), {
    minItems: 1,
    maxItems: MAX_ADDS_PER_REQUEST,
    description:
      'E-mail addresses, normalised to lower case. All or nothing: any malformed address answers 422 with each ' +
      'one’s index and adds none',
  }),
});

const GroupOut = strict({
  id: Uuid,
  pathwayId: Uuid,
  name: Type.String(),
  description: Nullable(Type.String()),
  memberCount: Type.Integer(),
  createdAt: DateTime,
  updatedAt: DateTime,
});
const MemberOut = strict({ id: Uuid, email: Type.String(), addedAt: DateTime });

export const GroupResponse = strict({ group: GroupOut });
export const GroupListResponse = strict({ pathwayId: Uuid, groups: Type.Array(GroupOut) });
export const AddMembersResponse = strict({
  group: GroupOut,
  added: Type.Array(MemberOut),
  duplicates: Type.Array(
    strict({
      index: Type.Integer({ description: 'Position in the request’s `emails`' }),
      email: Type.String(),
      reason: Type.Union([Type.Literal('repeated'), Type.Literal('already_member')]),
    }),
  ),
});
export const MemberListResponse = strict({
  group: GroupOut,
  members: Type.Array(MemberOut),
  nextCursor: Nullable(Type.String()),
});

const Amount = Type.Number();
const ProgressOut = strict(
  {
    userId: Uuid,
    name: Type.String(),
    followingSince: DateTime,
    satisfied: Type.Boolean(),
    creditPoints: Amount,
    hours: Amount,
    componentsCounted: Type.Integer(),
    components: Type.Integer(),
    completion: Nullable(
      strict({
        id: Uuid,
        status: Type.Union([Type.Literal('complete'), Type.Literal('flagged'), Type.Literal('suspended')]),
        completedAt: DateTime,
        credentialId: Nullable(Uuid),
        flagReason: Nullable(Type.String()),
      }),
    ),
  },
  'The cohort view’s summary; only for members who follow the pathway from an account that verified the address',
);
export const GroupProgressResponse = strict({
  group: GroupOut,
  pathway: strict({ id: Uuid, version: Type.Integer(), title: Type.String() }),
  evaluatedAt: DateTime,
  members: Type.Array(
    strict({
      id: Uuid,
      email: Type.String({ description: 'As the organisation entered it (normalised)' }),
      addedAt: DateTime,
      state: Type.Union([
        Type.Literal('invited'),
        Type.Literal('following'),
        Type.Literal('completed'),
        Type.Literal('flagged'),
      ]),
      progress: Nullable(ProgressOut),
    }),
  ),
  totals: strict(
    {
      members: Type.Integer(),
      invited: Type.Integer(),
      following: Type.Integer(),
      completed: Type.Integer(),
      flagged: Type.Integer(),
      nodes: Type.Array(
        strict({
          id: Type.String(),
          type: Type.String(),
          title: Nullable(Type.String()),
          satisfied: Type.Integer({ description: 'Members of this page who satisfied the rule node' }),
        }),
      ),
    },
    'Over the members of this page: each count adds up across pages',
  ),
  page: strict({ limit: Type.Integer(), nextCursor: Nullable(Type.String()) }),
});
