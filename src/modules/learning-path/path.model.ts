/** What a learning path minimises. `count`: the number of credentials. */
export type PathObjective = 'cost' | 'hours' | 'count';
export const PATH_OBJECTIVES: readonly PathObjective[] = ['cost', 'hours', 'count'];

/** A skill the learner lacks (missing or only partly covered), as gap analysis hands it over. */
export interface GapSkill {
  uri: string;
  label: string;
  /** How much covering it matters when not everything can be covered (essential 2, optional 1…). */
  weight: number;
}

/** Filters every credential on the path must pass (applied when candidates are read). */
export interface PathFilters {
  /** Minimum catalogue quality score, 0..100. */
  minQuality?: number;
  /** Allowed delivery modes (catalogue `participation.mode` values). */
  deliveryModes?: string[];
  /** BCP 47 primary tags; a credential qualifies when it is offered in any of them. */
  languages?: string[];
  sources?: Array<'own' | 'external'>;
}

export interface PathBudget {
  /** In `currency` (ISO 4217); credentials priced in another currency are not considered under a cost budget. */
  maxCost?: number;
  currency?: string;
  maxHours?: number;
}

/** A catalogue entry the solver may choose: a published definition version, own or external. */
export interface PathCandidate {
  definitionId: string;
  seriesId: string;
  title: string;
  providerName: string;
  source: 'own' | 'external';
  /** Every skill the definition aligns to (not only the gap's). */
  skillUris: string[];
  cost: number | null;
  currency: string | null;
  hours: number | null;
  qualityScore: number | null;
  deliveryMode: string | null;
  languages: string[];
  /** Series ids of definitions required first. */
  prerequisiteSeriesIds: string[];
  /** The public definition page. */
  url: string;
}

export interface PathRequest {
  gap: GapSkill[];
  /** Series ids of definitions the learner already holds a valid credential for (prerequisites met). */
  heldSeriesIds: string[];
  objective: PathObjective;
  filters?: PathFilters;
  budget?: PathBudget;
  /** The solver's wall-clock limit; the greedy answer is returned when it is reached. */
  timeLimitMs?: number;
}

export interface PathStep {
  /** 1-based position in the schedule (prerequisites first). */
  order: number;
  candidate: PathCandidate;
  /** The gap skills this step covers (URIs). */
  coversGapSkills: string[];
  /** Chosen only because a later step needs it (series ids of the steps that require it). */
  prerequisiteFor: string[];
  /** Steps of this path it requires (series ids). */
  requires: string[];
  /** Plain-language reason it was chosen. */
  reason: string;
  /** The best alternatives for the same gap skills and why they lost (at most three). */
  alternatives: Array<{ definitionId: string; title: string; why: string }>;
}

export type UncoveredReason = 'no-credential' | 'filtered-out' | 'over-budget';

/** Why a gap skill stays uncovered, in words for people (the CLI and the pages). */
export const UNCOVERED_REASON_TEXT: Record<UncoveredReason, string> = {
  'no-credential': 'no published credential in the catalogue teaches it',
  'filtered-out': 'only credentials your filters leave out teach it',
  'over-budget': 'the credentials that teach it do not fit the budget',
};

export interface LearningPath {
  /**
   * `complete`: every gap skill covered; `partial`: the best cover within the constraints, with what is
   * left in `uncovered`; `nothing-to-do`: the gap was empty.
   */
  status: 'complete' | 'partial' | 'nothing-to-do';
  objective: PathObjective;
  steps: PathStep[];
  covered: string[];
  uncovered: Array<{ uri: string; label: string; reason: UncoveredReason }>;
  totals: { cost: number; currency: string | null; hours: number; count: number };
  solver: {
    method: 'ilp' | 'greedy';
    /** Proven optimal for the objective (false for greedy or when the time limit cut the search). */
    optimal: boolean;
    timedOut: boolean;
    /** Candidates the solver saw after pruning (aligned to the gap, plus their prerequisites). */
    candidatesConsidered: number;
    timeMs: number;
  };
}
