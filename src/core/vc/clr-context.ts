export const CLR_CONTEXT_URL = 'https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json';

const CLR_VOCAB = 'https://purl.imsglobal.org/spec/vc/clr/vocab.html#';

/**
 * The CLR 2.0 JSON-LD context, for the terms Credstack uses. The official file
 * (https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json) is published by 1EdTech but is neither on
 * npm nor among the specifications shipped with the project, and contexts are never fetched. This is its
 * reconstruction: every term maps to the IRI and value type that the 1EdTech CLR 2.0 eddsa-rdfc-2022 test
 * vector's canonical N-Quads show (including `associationType` → `…#AssociationType` and the literal
 * `xsd:anyURI` datatype of `sourceId`/`targetId`, which the official context leaves unprefixed).
 * src/core/vc/vectors.test.ts reproduces that vector byte for byte — canonical form, hashes, signature and
 * proof value — so documents that use only these terms canonicalise exactly as under the official context.
 */
export const CLR_V2P0_CONTEXT = {
  '@context': {
    '@protected': true,
    id: '@id',
    type: '@type',
    ClrCredential: {
      '@id': `${CLR_VOCAB}ClrCredential`,
      '@context': { '@protected': true, id: '@id', type: '@type' },
    },
    ClrSubject: {
      '@id': `${CLR_VOCAB}ClrSubject`,
      '@context': {
        '@protected': true,
        id: '@id',
        type: '@type',
        achievement: { '@id': `${CLR_VOCAB}achievement`, '@type': '@id', '@container': '@set' },
        association: { '@id': `${CLR_VOCAB}association`, '@type': '@id', '@container': '@set' },
        verifiableCredential: {
          '@id': `${CLR_VOCAB}verifiableCredential`,
          '@type': '@id',
          '@container': '@set',
        },
      },
    },
    Association: {
      '@id': `${CLR_VOCAB}Association`,
      '@context': {
        '@protected': true,
        id: '@id',
        type: '@type',
        associationType: { '@id': `${CLR_VOCAB}AssociationType` },
        sourceId: { '@id': `${CLR_VOCAB}sourceId`, '@type': 'xsd:anyURI' },
        targetId: { '@id': `${CLR_VOCAB}targetId`, '@type': 'xsd:anyURI' },
      },
    },
  },
} as const;
