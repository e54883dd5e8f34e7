/** Audit events of the skill-profile module; merged into `AuditEventData` (src/modules/audit/audit.events.ts). */
export interface SkillProfileAuditEvents {
  /** A learner declared a skill (subject: the user). */
  'declared_skill.added': { skillUri: string };
  'declared_skill.removed': { skillUri: string };
  /** A role profile was saved (subject: the role profile; organisation set for organisation profiles). */
  'role_profile.created': { name: string; owner: 'user' | 'organisation'; skills: number; public: boolean };
  'role_profile.updated': { fields: string[]; skills: number };
  'role_profile.deleted': { name: string };
}
