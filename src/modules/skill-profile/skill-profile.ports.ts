import type { Actor } from '../../core/actor.ts';
import type { LearningPath, PathRequest } from '../learning-path/path.model.ts';
import type { SkillExtraction } from '../skill-extraction/extraction.model.ts';

/**
 * What the skill profile needs from the extractor (src/modules/skill-extraction): skills from a job text,
 * and the text of an uploaded document. Wired in src/deps.ts; tests pass fakes.
 */
export interface SkillExtractionPort {
  extractSkills(options: { actor: Actor; text: string; limit?: number }): Promise<SkillExtraction>;
  readDocumentText(options: { filename: string; content: Buffer; mediaType?: string }): Promise<string>;
}

/** What the skill profile needs from the learning-path optimiser (src/modules/learning-path). */
export interface LearningPathPort {
  recommendPath(options: { actor: Actor; request: PathRequest }): Promise<LearningPath>;
}

/**
 * What the skill profile needs from pathways (src/modules/pathways): the skills of the published pathway's
 * components the learner has not counted yet, for a `{ kind: 'pathway' }` gap target. 404 for a pathway
 * that is not published.
 */
export interface PathwaySkillsPort {
  remainingSkillsOf(options: {
    userId: string;
    id: string;
  }): Promise<{ label: string; uri: string; skillUris: string[] }>;
}
