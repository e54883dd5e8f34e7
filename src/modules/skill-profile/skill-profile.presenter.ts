import type { LearningPath } from '../learning-path/path.model.ts';
import type { CoverageReason, ProfileSkill, SkillSource } from './gap.ts';
import type { GapAnalysis, RoleProfileView, SkillProfile } from './skill-profile.service.ts';

function presentSource(source: SkillSource) {
  if (source.kind === 'declared') return { kind: source.kind, declaredAt: source.declaredAt.toISOString() };
  return {
    kind: source.kind,
    credentialId: source.credentialId,
    title: source.title,
    issuer: source.issuer,
    state: source.state,
    validUntil: source.validUntil?.toISOString() ?? null,
    via: source.via,
  };
}

export function presentProfileSkill(skill: ProfileSkill) {
  return {
    uri: skill.uri,
    label: skill.label,
    framework: skill.framework,
    status: skill.status,
    verified: skill.status === 'verified',
    sources: skill.sources.map(presentSource),
  };
}

/** The learner's skills; the series ids the path needs stay inside. */
export function presentProfile(profile: SkillProfile) {
  return {
    userId: profile.userId,
    skills: profile.skills.map(presentProfileSkill),
    credentialCount: profile.credentialCount,
  };
}

export function presentRoleProfile(view: RoleProfileView) {
  const { row } = view;
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    public: row.is_public,
    owner:
      view.organisationSlug !== null
        ? { type: 'organisation' as const, slug: view.organisationSlug }
        : { type: 'user' as const },
    skills: view.skills.map((skill) => ({
      uri: skill.uri,
      importance: skill.importance,
      label: skill.label,
      framework: skill.framework,
    })),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function presentReason(reason: CoverageReason) {
  switch (reason.kind) {
    case 'verified':
      return {
        kind: reason.kind,
        credentials: reason.credentials.map((c) => ({ credentialId: c.credentialId, title: c.title })),
      };
    case 'expired':
      return {
        kind: reason.kind,
        credentials: reason.credentials.map((c) => ({
          credentialId: c.credentialId,
          title: c.title,
          validUntil: c.validUntil?.toISOString() ?? null,
        })),
      };
    case 'declared':
      return { kind: reason.kind };
    default:
      return {
        kind: reason.kind,
        relatedUri: reason.relatedUri,
        relatedLabel: reason.relatedLabel,
        relation: reason.relation,
      };
  }
}

export function presentGap(gap: GapAnalysis) {
  return {
    userId: gap.userId,
    target: { kind: gap.target.kind, label: gap.target.label, uri: gap.target.uri },
    coveragePercent: gap.coveragePercent,
    counts: { ...gap.counts },
    skills: gap.skills.map((skill) => ({
      uri: skill.uri,
      label: skill.label,
      importance: skill.importance,
      weight: skill.weight,
      coverage: skill.coverage,
      reasons: skill.reasons.map(presentReason),
    })),
    extraction: gap.extraction
      ? {
          method: gap.extraction.method,
          truncated: gap.extraction.truncated,
          sentenceCount: gap.extraction.sentenceCount,
        }
      : null,
  };
}

export function presentPath(path: LearningPath) {
  return {
    status: path.status,
    objective: path.objective,
    steps: path.steps.map((step) => ({
      order: step.order,
      definitionId: step.candidate.definitionId,
      seriesId: step.candidate.seriesId,
      title: step.candidate.title,
      providerName: step.candidate.providerName,
      source: step.candidate.source,
      url: step.candidate.url,
      cost: step.candidate.cost,
      currency: step.candidate.currency,
      hours: step.candidate.hours,
      qualityScore: step.candidate.qualityScore,
      deliveryMode: step.candidate.deliveryMode,
      languages: [...step.candidate.languages],
      coversGapSkills: [...step.coversGapSkills],
      prerequisiteFor: [...step.prerequisiteFor],
      requires: [...step.requires],
      reason: step.reason,
      alternatives: step.alternatives.map((alt) => ({
        definitionId: alt.definitionId,
        title: alt.title,
        why: alt.why,
      })),
    })),
    covered: [...path.covered],
    uncovered: path.uncovered.map((skill) => ({ uri: skill.uri, label: skill.label, reason: skill.reason })),
    totals: { ...path.totals },
    solver: { ...path.solver },
  };
}
