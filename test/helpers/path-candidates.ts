import type { GapSkill, PathCandidate } from '../../src/modules/learning-path/path.model.ts';

/** A candidate with sensible defaults, for the optimiser's tests. */
export function candidate(
  id: string,
  skillUris: string[],
  overrides: Partial<PathCandidate> = {},
): PathCandidate {
  return {
    definitionId: `def-${id}`,
    seriesId: `series-${id}`,
    title: `Credential ${id}`,
    providerName: 'Provider',
    source: 'external',
    skillUris,
    cost: 100,
    currency: 'USD',
    hours: 10,
    qualityScore: 70,
    deliveryMode: 'online',
    languages: ['en'],
    prerequisiteSeriesIds: [],
    url: `https://credstack.test/definitions/def-${id}`,
    ...overrides,
  };
}

export function gapOf(...uris: string[]): GapSkill[] {
  return uris.map((uri) => ({ uri, label: `Skill ${uri}`, weight: 1 }));
}
