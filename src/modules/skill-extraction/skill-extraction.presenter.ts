import type { ExtractedSkill, SkillExtraction } from './extraction.model.ts';

function presentSkill(skill: ExtractedSkill) {
  return {
    uri: skill.uri,
    label: skill.label,
    framework: skill.framework,
    type: skill.type,
    confidence: skill.confidence,
    spans: skill.spans.map((span) => ({ start: span.start, end: span.end, text: span.text })),
  };
}

/** The API view of an extraction: the raw ranking score stays internal (it is not comparable across calls). */
export function presentExtraction(extraction: SkillExtraction) {
  return {
    skills: extraction.skills.map(presentSkill),
    sentenceCount: extraction.sentenceCount,
    characterCount: extraction.characterCount,
    truncated: extraction.truncated,
    method: extraction.method,
  };
}
