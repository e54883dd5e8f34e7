import type { DefinitionFacts } from './definition.model.ts';

/** The standards a definition is checked against. */
export type StandardId = 'eu' | 'nmf' | 'ob3' | 'ctdl';

export interface ConformanceElement {
  standard: StandardId;
  /** Stable id, e.g. `eu.learning-outcomes`, `ob3.criteria`. */
  id: string;
  /** The standard's name for the element. */
  label: string;
  /** Mandatory in that standard (publishing is refused while a mandatory element is missing). */
  required: boolean;
  present: boolean;
  /** Supplied with each award rather than by the definition (e.g. EU 1 learner, EU 5 date of issuing). */
  providedAtIssue?: boolean;
  /** JSON pointer into the definition content that satisfies (or should satisfy) it. */
  field?: string;
  /** Why it is missing / what to add. */
  message?: string;
}

export interface ConformanceReport {
  elements: ConformanceElement[];
  /** The required elements that are missing. */
  missing: ConformanceElement[];
  publishable: boolean;
  summary: Record<
    StandardId,
    { required: number; requiredPresent: number; optional: number; optionalPresent: number }
  >;
}

/** Each EU / NMF / OB 3.0 / CTDL element of ../shared/guides/credential-definition.md, present or missing. */
export function conformanceReport(_definition: DefinitionFacts): ConformanceReport {
  throw new Error('conformanceReport: not implemented yet');
}
