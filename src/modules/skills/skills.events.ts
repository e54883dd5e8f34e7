/** Audit events of the skills module; merged into `AuditEventData` (src/modules/audit/audit.events.ts). */
export interface SkillsAuditEvents {
  /** A framework was imported (or re-imported) from its published distribution. */
  'skills.imported': {
    framework: string;
    version: string | null;
    skills: number;
    skillGroups: number;
    hierarchy: number;
    occupations: number;
    occupationSkills: number;
    /** Relations naming a concept that is not in the distribution, left out. */
    skipped: number;
    durationMs: number;
  };
  /** An organisation-defined skill. */
  'skill.created': { uri: string; label: string; mappings: number };
  'skill.updated': { fields: string[] };
  /** Retired: it no longer appears in lists, but its URI keeps resolving for definitions that name it. */
  'skill.deleted': { uri: string; label: string };
  /** The skill's mappings to framework skills were replaced. */
  'skill.mappings_changed': {
    added: Array<{ targetUri: string; match: string }>;
    removed: string[];
    changed: Array<{ targetUri: string; match: string }>;
  };
  /** The demo organisation's skill set was created (`seedDemoSkills`). */
  'skills.demo_seeded': { created: number };
}
