import type { SkillFrameworkRow } from '../../db/tables/skills.ts';
import type { OccupationWithFramework, SkillWithFramework } from './skills.repository.ts';
import type { OccupationDetail, OrgSkill, SkillDetail } from './skills.service.ts';

/** A skill in lists: what it is and where it comes from. Facts and timestamps stay inside. */
export function presentSkillSummary(skill: SkillWithFramework) {
  return {
    id: skill.id,
    uri: skill.uri,
    label: skill.preferred_label,
    altLabels: [...skill.alt_labels],
    description: skill.description,
    type: skill.type,
    framework: skill.framework_slug,
    hotTechnology: skill.hot_technology,
    inDemand: skill.in_demand,
  };
}

function presentSkillRef(skill: SkillWithFramework) {
  return { uri: skill.uri, label: skill.preferred_label, type: skill.type, framework: skill.framework_slug };
}

/** A framework skill with its place in the hierarchy and the occupations that need it. */
export function presentSkillDetail(detail: SkillDetail) {
  return {
    ...presentSkillSummary(detail.skill),
    broader: detail.broader.map(presentSkillRef),
    narrower: detail.narrower.map(presentSkillRef),
    occupationCount: detail.occupationCount,
    occupations: detail.occupations.map((occupation) => ({
      uri: occupation.uri,
      code: occupation.code,
      label: occupation.preferred_label,
      framework: occupation.framework_slug,
      relation: occupation.relation,
      hotTechnology: occupation.relation_hot,
      inDemand: occupation.relation_in_demand,
    })),
  };
}

export function presentFramework(
  framework: SkillFrameworkRow & { skill_count: number; occupation_count: number },
) {
  return {
    slug: framework.slug,
    name: framework.name,
    version: framework.version,
    sourceUri: framework.source_uri,
    attribution: framework.attribution,
    importedAt: framework.imported_at?.toISOString() ?? null,
    skillCount: framework.skill_count,
    occupationCount: framework.occupation_count,
  };
}

export function presentOccupationSummary(occupation: OccupationWithFramework) {
  return {
    id: occupation.id,
    uri: occupation.uri,
    code: occupation.code,
    label: occupation.preferred_label,
    altLabels: [...occupation.alt_labels],
    description: occupation.description,
    iscoGroup: occupation.isco_group,
    framework: occupation.framework_slug,
  };
}

/** An occupation with every skill it needs (essential, optional, technology). */
export function presentOccupationDetail(detail: OccupationDetail) {
  return {
    ...presentOccupationSummary(detail.occupation),
    skills: detail.skills.map((skill) => ({
      ...presentSkillRef(skill),
      relation: skill.relation,
      hotTechnology: skill.relation_hot,
      inDemand: skill.relation_in_demand,
    })),
  };
}

/** An organisation's own skill with its mappings to framework skills. */
export function presentOrgSkill(view: OrgSkill) {
  const { skill, mappings } = view;
  return {
    id: skill.id,
    uri: skill.uri,
    label: skill.preferred_label,
    altLabels: [...skill.alt_labels],
    description: skill.description,
    type: skill.type,
    framework: skill.framework_slug,
    frameworkAligned: mappings.length > 0,
    mappings: mappings.map((mapping) => ({
      targetUri: mapping.targetUri,
      match: mapping.match,
      target: mapping.target ? { ...mapping.target } : null,
    })),
    createdAt: skill.created_at.toISOString(),
    updatedAt: skill.updated_at.toISOString(),
  };
}
