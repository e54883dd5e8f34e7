import { Type } from '@sinclair/typebox';
import { HeldCredentialParams } from '../credentials/credentials.schemas.ts';
import { CredentialVerificationResult } from '../verification/verification.schemas.ts';

export { ProblemRef } from '../../http/route-docs.ts';

/** `:id` of one of the signed-in holder's credentials. */
export const CredentialFileParams = HeldCredentialParams;

export const BinaryFile = Type.String({ format: 'binary', description: 'The file (an attachment)' });

export const ShareResponse = Type.Object({
  share: Type.Object({
    credentialId: Type.String({ description: 'The credential’s `id` as signed' }),
    achievementName: Type.String(),
    issuerName: Type.String(),
    publicUrl: Type.String({ format: 'uri', description: 'The public verification page' }),
    linkedInAddToProfileUrl: Type.String({ format: 'uri', description: 'LinkedIn “Add to profile” link' }),
    embedHtml: Type.String({ description: 'An HTML snippet (escaped) linking the badge to the public page' }),
  }),
});

export const VerifyUrlBody = Type.Object(
  {
    url: Type.String({
      minLength: 1,
      maxLength: 2000,
      description: 'The public URL of one of this server’s credentials: `PUBLIC_URL/credentials/<id>`',
    }),
  },
  { additionalProperties: false },
);

/** The result of POST /api/v1/verify, plus where the credential came from. */
export const SourcedVerificationResult = Type.Object({
  ...CredentialVerificationResult.properties,
  source: Type.Union(
    ['json', 'png', 'svg', 'url'].map((source) => Type.Literal(source)),
    {
      description:
        'json (a JSON or vc+jwt file), png or svg (a baked badge), url (one of our credential URLs)',
    },
  ),
});
