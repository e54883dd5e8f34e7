import type { DefinitionFacts } from './definition.model.ts';

/** Facts outside the definition that the quality score takes into account. */
export interface QualityContext {
  now: Date;
  /** Whether a skill URI is a known framework skill (ESCO, O*NET) or an org skill mapped to one. */
  isFrameworkSkill?: (uri: string) => boolean;
  /** Demand signal for a skill (O*NET Hot Technology / In Demand flags, job-posting counts later). */
  skillDemand?: (uri: string) => { hot?: boolean; inDemand?: boolean; postings?: number } | undefined;
  /** The issuer is a verified/recognised organisation on this platform (or a known professional body). */
  issuerRecognised?: boolean;
}

export type QualitySignalKind = 'indicator' | 'low_quality' | 'red_flag';

export interface QualityReason {
  /** Stable id, e.g. `formal-assessment`, `completion-only`. */
  id: string;
  kind: QualitySignalKind;
  /** Points added (indicator) or removed (negative) by this reason. */
  points: number;
  message: string;
}

export interface QualityReport {
  /** 0–100. */
  score: number;
  band: 'high' | 'medium' | 'low';
  reasons: QualityReason[];
  /** Ids of red flags found (a subset of reasons). */
  redFlags: string[];
}

export function qualityReport(_definition: DefinitionFacts, _context: QualityContext): QualityReport {
  throw new Error('qualityReport: not implemented yet');
}
