import { Type } from '@sinclair/typebox';
import { CredentialVerificationResult } from '../verification/verification.schemas.ts';

const Uuid = Type.String({ format: 'uuid' });
const DateTime = Type.String({ format: 'date-time' });
const NullableDateTime = Type.Union([DateTime, Type.Null()]);
const NullableString = Type.Union([Type.String(), Type.Null()]);

export const IdParams = Type.Object({ id: Type.String({ maxLength: 100 }) }, { additionalProperties: false });
export const HandleParams = Type.Object(
  { handle: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);

export const ImportBody = Type.Object(
  {
    credential: Type.Union(
      [Type.Object({}, { additionalProperties: true }), Type.String({ maxLength: 1_000_000 })],
      {
        description: 'The credential: JSON with an embedded proof, or a compact vc+jwt',
      },
    ),
  },
  { additionalProperties: false },
);

const ImportedSummary = {
  id: Uuid,
  source: Type.Union([Type.Literal('json'), Type.Literal('png'), Type.Literal('svg')]),
  format: Type.String({ description: 'data-integrity, vc+jwt or unknown' }),
  name: NullableString,
  achievementName: NullableString,
  issuer: Type.Object({ id: NullableString, name: NullableString }),
  validFrom: NullableDateTime,
  validUntil: NullableDateTime,
  verdict: Type.Union([Type.Literal('verified'), Type.Literal('not_verified'), Type.Literal('unknown')], {
    description:
      'verified (every check passed); not_verified (a check failed); unknown (one could not be made)',
  }),
  verifiedAt: DateTime,
  importedAt: DateTime,
};

export const ImportedCredentialSummary = Type.Object(ImportedSummary);
export const ImportedCredentialDetail = Type.Object({
  ...ImportedSummary,
  verification: CredentialVerificationResult,
  credential: Type.Union([Type.Object({}, { additionalProperties: true }), Type.String()]),
});

export const ImportedListResponse = Type.Object({
  importedCredentials: Type.Array(ImportedCredentialSummary),
});
export const ImportedResponse = Type.Object({ importedCredential: ImportedCredentialDetail });

export const ProfileBody = Type.Object(
  {
    handle: Type.String({
      minLength: 1,
      maxLength: 100,
      description: '3–40 characters: a-z, 0-9, single hyphens',
    }),
    displayName: Type.String({ minLength: 1, maxLength: 200 }),
    bio: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
    public: Type.Boolean(),
    credentialIds: Type.Array(Uuid, { maxItems: 200, description: 'Credentials issued here that I hold' }),
    importedCredentialIds: Type.Array(Uuid, {
      maxItems: 200,
      description: 'Imported credentials that verified',
    }),
  },
  { additionalProperties: false },
);

const ProfileItem = Type.Object({
  kind: Type.Union([Type.Literal('issued'), Type.Literal('imported')]),
  id: Uuid,
  name: NullableString,
  achievementName: NullableString,
  issuer: Type.Object({ name: NullableString, id: NullableString, slug: NullableString }),
  issuedAt: NullableDateTime,
  validUntil: NullableDateTime,
  state: Type.Union(
    ['active', 'expired', 'suspended', 'revoked', 'not_verified'].map((state) => Type.Literal(state)),
    { description: 'Shown as a flag: revoked, suspended, expired and no-longer-verifying items stay listed' },
  ),
  url: Type.Union([Type.String({ format: 'uri' }), Type.Null()]),
});

export const PublicProfile = Type.Object({
  handle: Type.String(),
  displayName: Type.String(),
  bio: NullableString,
  items: Type.Array(ProfileItem),
  updatedAt: DateTime,
});

export const PublicProfileResponse = Type.Object({ profile: PublicProfile });
export const MyProfileResponse = Type.Object({
  profile: Type.Object({ ...PublicProfile.properties, public: Type.Boolean() }),
});
