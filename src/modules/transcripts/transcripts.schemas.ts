import { Type } from '@sinclair/typebox';
import { strict, Uuid } from '../../http/schema-kit.ts';
import { MAX_TRANSCRIPT_CREDENTIALS } from './transcripts.service.ts';

export const TranscriptBody = strict({
  credentialIds: Type.Array(Uuid, {
    minItems: 1,
    maxItems: MAX_TRANSCRIPT_CREDENTIALS,
    uniqueItems: true,
    description: 'Your credentials to include, all issued by the same organisation (it signs the transcript)',
  }),
  name: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'The transcript’s name; default "Transcript from <organisation>"',
    }),
  ),
});

export const PathwayTranscriptParams = strict({ id: Uuid });

/** The response body: the signed CLR 2.0 ClrCredential itself (documented, never re-serialised). */
export const SignedClr = Type.Object(
  {},
  {
    additionalProperties: true,
    description:
      'A CLR 2.0 ClrCredential (VC 2.0, Data Integrity eddsa-rdfc-2022) embedding the credentials unchanged',
  },
);
