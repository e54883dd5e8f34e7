import type { SkillType } from '../../db/tables/skills.ts';

/** One framework skill as the extractor indexes it (ESCO, O*NET or an organisation's own skills). */
export interface IndexedSkill {
  uri: string;
  /** The framework's slug: `esco`, `onet`, or `org:<organisation slug>`. */
  framework: string;
  preferredLabel: string;
  altLabels: readonly string[];
  description: string | null;
  type: SkillType;
  /**
   * How often the skill is asked for, 0..1, from the frameworks themselves (e.g. the share of ESCO
   * occupations naming it, O*NET Hot Technology / In Demand): a prior that breaks ties between matches.
   */
  prior?: number;
}

/** Where in the input a skill was found: UTF-16 offsets into the text as given, `end` exclusive. */
export interface TextSpan {
  start: number;
  end: number;
  text: string;
}

export interface ExtractedSkill {
  uri: string;
  framework: string;
  label: string;
  type: SkillType;
  /** 0..1: how sure the extractor is that the text asks for this skill. */
  confidence: number;
  /** The raw ranking score (comparable within one extraction only). */
  score: number;
  /** The supporting spans, best first (at most three). */
  spans: TextSpan[];
}

export interface SkillExtraction {
  /** Ranked, best first. */
  skills: ExtractedSkill[];
  sentenceCount: number;
  characterCount: number;
  /** `lexical`: the offline extractor alone; `lexical+rerank:<name>` when a re-ranker re-ordered it. */
  method: string;
  /** The text was longer than the extractor reads and was cut (the rest was not read). */
  truncated: boolean;
}

/**
 * A later language-model re-ranker plugs in here. It only re-orders or drops the offline extractor's
 * candidates (it never invents a skill, so every skill keeps a framework URI and its text spans), and
 * the extractor falls back to its own order when the re-ranker fails or times out.
 */
export interface SkillReranker {
  readonly name: string;
  rerank(options: {
    text: string;
    candidates: readonly ExtractedSkill[];
    limit: number;
    signal: AbortSignal;
  }): Promise<ExtractedSkill[]>;
}
