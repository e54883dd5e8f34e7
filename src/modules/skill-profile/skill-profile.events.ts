/** Audit events of the skill-profile module; merged into `AuditEventData` (src/modules/audit/audit.events.ts). */
export interface SkillProfileAuditEvents {
  /** A learner declared a skill (subject: the user). */
  'declared_skill.added': { skillUri: string };
  'declared_skill.removed': { skillUri: string };
}
