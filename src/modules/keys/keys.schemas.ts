import { Type } from '@sinclair/typebox';

const DateTime = Type.String({ format: 'date-time' });

export const ProblemRef = Type.Ref('Problem');

export const SlugParams = Type.Object({ slug: Type.String({ minLength: 1, maxLength: 63 }) });

/** The public DID document route answers 404 for anything that is not an organisation, long or not. */
export const DidDocumentParams = Type.Object({ slug: Type.String({ minLength: 1, maxLength: 200 }) });

export const IssuerKey = Type.Object({
  id: Type.String({ format: 'uuid', description: 'The key id' }),
  verificationMethod: Type.String({
    description: 'The verification method in the did:web document, e.g. did:web:example.org:orgs:acme#key-1',
  }),
  publicKeyMultibase: Type.String({ description: 'The Ed25519 public key, z6Mk…' }),
  status: Type.Union([Type.Literal('active'), Type.Literal('retired')], {
    description: 'One key is active; retired keys stay in the DID document so earlier signatures verify',
  }),
  createdAt: DateTime,
  retiredAt: Type.Union([DateTime, Type.Null()]),
});

export const RotatedKeys = Type.Object({
  key: IssuerKey,
  retiredKey: IssuerKey,
});

const VerificationMethod = Type.Object({
  id: Type.String(),
  type: Type.Literal('Multikey'),
  controller: Type.String(),
  publicKeyMultibase: Type.String(),
  revoked: Type.Optional(Type.String()),
});

/** A DID document (DID Core 1.0) as Credstack publishes it for an organisation's did:web. */
export const DidDocument = Type.Object(
  {
    '@context': Type.Array(Type.String()),
    id: Type.String({ description: 'did:web:<host>[%3A<port>]:orgs:<slug>' }),
    verificationMethod: Type.Array(VerificationMethod),
    assertionMethod: Type.Array(Type.String()),
    authentication: Type.Array(Type.String()),
  },
  { additionalProperties: true },
);
