import type { AchievementInput } from '../../core/vc/open-badges.ts';
import type { DefinitionFacts } from './definition.model.ts';

/** The definition as an OB 3.0 `Achievement` (JSON-LD, with its @context), for export. */
export function toOpenBadgeAchievement(_definition: DefinitionFacts): Record<string, unknown> {
  throw new Error('toOpenBadgeAchievement: not implemented yet');
}

/** The achievement embedded in credentials issued for the definition (core/vc/open-badges.ts input). */
export function achievementInputFor(_definition: DefinitionFacts): AchievementInput {
  throw new Error('achievementInputFor: not implemented yet');
}

/** The definition as a CTDL `ceterms:*Credential` JSON-LD document. */
export function toCtdl(_definition: DefinitionFacts): Record<string, unknown> {
  throw new Error('toCtdl: not implemented yet');
}
