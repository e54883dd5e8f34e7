import { Type } from '@sinclair/typebox';

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });
const Uuid = Type.String({ format: 'uuid' });

export const ProblemRef = Type.Ref('Problem');

export const Role = Type.Union(
  [
    Type.Literal('owner'),
    Type.Literal('admin'),
    Type.Literal('issuer'),
    Type.Literal('assessor'),
    Type.Literal('viewer'),
  ],
  { description: 'Membership role, from most to least powerful' },
);

/** Path slug: loosely checked here so an unknown slug answers 404 like any other invisible organisation. */
export const Slug = Type.String({ minLength: 1, maxLength: 63 });

export const SlugParams = Type.Object({ slug: Slug });
export const MemberParams = Type.Object({ slug: Slug, userId: Uuid });
export const InvitationParams = Type.Object({ slug: Slug, id: Uuid });

const Name = Type.String({ minLength: 1, maxLength: 200 });
const Url = Type.String({ maxLength: 2000, description: 'Absolute http(s) address; empty clears it' });
const Description = Type.String({ maxLength: 2000 });

export const CreateOrganisationBody = Type.Object(
  {
    slug: Type.String({
      minLength: 1,
      maxLength: 63,
      description: 'Permanent short name used in URLs: lowercase letters, digits and inner hyphens',
    }),
    name: Name,
    url: Type.Optional(Url),
    description: Type.Optional(Description),
  },
  { additionalProperties: false },
);

export const UpdateOrganisationBody = Type.Object(
  {
    name: Type.Optional(Name),
    url: Type.Optional(Nullable(Url)),
    description: Type.Optional(Nullable(Description)),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ChangeRoleBody = Type.Object({ role: Role }, { additionalProperties: false });

export const CreateInvitationBody = Type.Object(
  { email: Type.String({ minLength: 3, maxLength: 254, description: 'E-mail address' }), role: Role },
  { additionalProperties: false },
);

export const AcceptInvitationBody = Type.Object(
  { token: Type.String({ minLength: 10, maxLength: 200 }) },
  { additionalProperties: false },
);

export const AdminListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
  },
  { additionalProperties: false },
);

export const Organisation = Type.Object({
  id: Uuid,
  slug: Type.String(),
  name: Type.String(),
  url: Nullable(Type.String()),
  description: Nullable(Type.String()),
  createdAt: DateTime,
  updatedAt: DateTime,
});

export const OrganisationWithRole = Type.Object({
  organisation: Organisation,
  role: Type.Union([Role, Type.Null()], {
    description: 'Your role; null for platform admins who are not members and for API tokens',
  }),
});

export const Member = Type.Object({
  userId: Uuid,
  name: Type.String(),
  email: Type.String(),
  role: Role,
  joinedAt: DateTime,
  updatedAt: DateTime,
});

export const Membership = Type.Object({
  organisationId: Uuid,
  userId: Uuid,
  role: Role,
  joinedAt: DateTime,
  updatedAt: DateTime,
});

export const Invitation = Type.Object({
  id: Uuid,
  email: Type.String(),
  role: Role,
  status: Type.Union([
    Type.Literal('pending'),
    Type.Literal('accepted'),
    Type.Literal('revoked'),
    Type.Literal('expired'),
  ]),
  invitedBy: Uuid,
  createdAt: DateTime,
  expiresAt: DateTime,
  acceptedAt: Nullable(DateTime),
  revokedAt: Nullable(DateTime),
});

export const AdminOrganisation = Type.Object({
  organisation: Organisation,
  memberCount: Type.Integer(),
});
