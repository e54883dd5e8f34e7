import type { Db } from '../../db/database.ts';
import type { DefinitionContent, DefinitionSource, DefinitionStatus } from './definition.model.ts';

/**
 * The contracts between the catalogue and the modules around it. The catalogue service implements
 * {@link DefinitionLookup}; the assessment modules (assessments: tests, portfolio: practical work and
 * rubrics) implement {@link AssessmentInstruments}; src/deps.ts wires them together. No permission checks
 * happen behind these ports: the calling service has already authorised its actor.
 */

/** One definition version as other modules see it. */
export interface DefinitionRecord {
  /** The version's id (a UUID). Credentials, tests and rubrics attach to a version. */
  id: string;
  /** Stable across versions. */
  seriesId: string;
  version: number;
  /** The owning organisation; for external catalogue entries, the organisation that imported them. */
  organisationId: string;
  status: DefinitionStatus;
  source: DefinitionSource;
  title: string;
  content: DefinitionContent;
  /** The version's public URI (our URL), used as the OB 3.0 Achievement id. */
  uri: string;
}

/**
 * A definition series as pathways see it: its published version, or (when none is published) its latest
 * version, whose status then says why it cannot be used (draft, in review, retired).
 */
export interface SeriesSummary {
  seriesId: string;
  /** The version read (the published one when there is one). */
  definitionId: string;
  version: number;
  status: DefinitionStatus;
  source: DefinitionSource;
  organisationId: string;
  title: string;
  /** Our page of the version, or an external entry's source URI. */
  uri: string;
  creditPoints: number | null;
  hours: number | null;
  level: { framework: string; value: string } | null;
  cost: { amount: number; currency: string | null } | null;
  skillUris: string[];
}

export interface DefinitionLookup {
  /** The version, or null if there is none. */
  getDefinitionRecord(options: { definitionId: string; trx?: Db }): Promise<DefinitionRecord | null>;
}

/** What an assessment module tells the catalogue about the instrument attached to a definition version. */
export interface InstrumentReadiness {
  /** An instrument of this module is attached and complete enough to assess learners. */
  ready: boolean;
  /** Readable reasons it is not ready (e.g. "the test has 2 items but draws 5"). */
  problems: string[];
}

export interface AssessmentInstruments {
  /** Whether this module's instrument for the definition version is ready (for publishing). */
  readiness(options: { definitionId: string; trx: Db }): Promise<InstrumentReadiness | null>;
  /**
   * A new draft version was made from `fromDefinitionId`: copy this module's instrument so the draft starts
   * with it (published versions' instruments never change). Called inside the catalogue's transaction.
   */
  copyForNewVersion(options: { fromDefinitionId: string; toDefinitionId: string; trx: Db }): Promise<void>;
}
