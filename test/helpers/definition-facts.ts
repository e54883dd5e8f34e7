import type { DefinitionContent, DefinitionFacts } from '../../src/modules/catalogue/definition.model.ts';
import { sampleDefinitionContent } from './definitions.ts';

export const SAMPLE_SERIES_ID = '0b6f3c3e-2f7a-4c55-9a51-1d2b3c4d5e6f';
export const SAMPLE_URI = `https://credstack.example/definitions/${SAMPLE_SERIES_ID}/v1`;

/**
 * The facts the pure catalogue functions (conformance, quality, exports) see for one of our own published
 * definitions; `content` defaults to the complete sample.
 */
export function sampleFacts(
  overrides: Partial<Omit<DefinitionFacts, 'content'>> & { content?: DefinitionContent } = {},
): DefinitionFacts {
  return {
    content: sampleDefinitionContent(),
    source: 'own',
    seriesId: SAMPLE_SERIES_ID,
    version: 1,
    status: 'published',
    provider: { name: 'Example Academy', url: 'https://academy.example', country: 'ES' },
    uri: SAMPLE_URI,
    ctid: `ce-${SAMPLE_SERIES_ID}`,
    assessmentReady: true,
    verifiable: true,
    publishedAt: new Date('2026-03-01T00:00:00Z'),
    updatedAt: new Date('2026-03-01T00:00:00Z'),
    previousVersionUri: null,
    ...overrides,
  };
}
