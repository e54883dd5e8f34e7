import type {
  PathwayCompletionRow,
  PathwayRecognitionRow,
  PathwayVersionRow,
} from '../../db/tables/pathways.ts';
import type { NodeProgress } from './pathway.evaluator.ts';
import type { PublishedPathwayRow } from './pathways.repository.ts';
import type { LearnerProgress, PathwayDetails } from './pathways.service.ts';

function presentVersion(row: PathwayVersionRow) {
  return {
    id: row.id,
    version: row.version,
    status: row.status,
    title: row.title,
    onComponentRevoked: row.on_component_revoked,
    content: row.content as Record<string, unknown>,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    publishedAt: row.published_at?.toISOString() ?? null,
    retiredAt: row.retired_at?.toISOString() ?? null,
  };
}

export function presentPathway(details: PathwayDetails, url: string) {
  return { id: details.pathwayId, url, versions: details.versions.map(presentVersion) };
}

export function presentVersionSummary(row: PathwayVersionRow) {
  return {
    pathwayId: row.pathway_id,
    versionId: row.id,
    version: row.version,
    status: row.status,
    title: row.title,
    updatedAt: row.updated_at.toISOString(),
  };
}

export function presentPublished(row: PublishedPathwayRow, url: string) {
  return {
    id: row.pathway_id,
    url,
    version: row.version,
    title: row.title,
    organisation: { slug: row.organisation_slug, name: row.organisation_name },
    publishedAt: row.published_at?.toISOString() ?? null,
    content: row.content as Record<string, unknown>,
  };
}

export function presentCompletion(row: PathwayCompletionRow) {
  return {
    id: row.id,
    pathwayId: row.pathway_id,
    userId: row.user_id,
    versionId: row.pathway_version_id,
    status: row.status,
    completedAt: row.completed_at.toISOString(),
    credentialId: row.credential_id,
    flagReason: row.flag_reason,
    components: row.components.map((component) => ({
      componentId: component.componentId,
      kind: component.kind,
      id: component.id,
    })),
  };
}

function presentNode(node: NodeProgress, progress: LearnerProgress) {
  const earn = node.remaining.earn;
  const series = earn ? progress.series.get(earn.seriesId) : undefined;
  return {
    id: node.id,
    type: node.type,
    pointer: node.pointer,
    satisfied: node.satisfied,
    creditPoints: node.creditPoints,
    hours: node.hours,
    ...(node.satisfiedChildren !== undefined ? { satisfiedChildren: node.satisfiedChildren } : {}),
    ...(node.requiredChildren !== undefined ? { requiredChildren: node.requiredChildren } : {}),
    ...(node.levels
      ? {
          levels: node.levels.map((level) => ({
            framework: level.constraint.framework,
            atLeast: level.constraint.atLeast,
            creditPoints: level.creditPoints,
            hours: level.hours,
            components: level.components,
            satisfied: level.satisfied,
          })),
        }
      : {}),
    ...(node.holdingId
      ? { countedBy: { kind: progress.holdingKinds.get(node.holdingId) ?? 'credential', id: node.holdingId } }
      : {}),
    ...(node.completedAt ? { completedAt: node.completedAt.toISOString() } : {}),
    ...(node.reason ? { reason: node.reason } : {}),
    remaining: {
      ...(node.remaining.children !== undefined ? { children: node.remaining.children } : {}),
      ...(node.remaining.creditPoints !== undefined ? { creditPoints: node.remaining.creditPoints } : {}),
      ...(node.remaining.hours !== undefined ? { hours: node.remaining.hours } : {}),
      ...(node.remaining.levels ? { levels: node.remaining.levels.map((level) => ({ ...level })) } : {}),
      ...(earn
        ? {
            earn: {
              seriesId: earn.seriesId,
              title: series?.title ?? null,
              definitionId: series?.status === 'published' ? series.definitionId : null,
              after: [...earn.after],
            },
          }
        : {}),
    },
  };
}

export function presentProgress(progress: LearnerProgress) {
  const { evaluation, cheapest, shortest, completable, exact } = progress.result;
  return {
    pathwayId: progress.pathway.pathway_id,
    version: progress.pathway.version,
    title: progress.pathway.title,
    userId: progress.userId,
    satisfied: evaluation.satisfied,
    evaluatedAt: evaluation.evaluatedAt.toISOString(),
    creditFramework: evaluation.creditFramework ?? null,
    creditPoints: evaluation.creditPoints,
    hours: evaluation.hours,
    nodes: evaluation.nodes.map((node) => presentNode(node, progress)),
    cheapest: cheapest
      ? { components: [...cheapest.components], cost: cheapest.cost, hours: cheapest.hours }
      : null,
    shortest: shortest
      ? { components: [...shortest.components], cost: shortest.cost, hours: shortest.hours }
      : null,
    completable,
    exact,
    completion: progress.completion ? presentCompletion(progress.completion) : null,
  };
}

export function presentRecognition(row: PathwayRecognitionRow) {
  return {
    id: row.id,
    pathwayId: row.pathway_id,
    componentId: row.component_id,
    userId: row.user_id,
    status: row.status,
    source: row.source,
    note: row.note,
    creditPoints: row.credit_points,
    hours: row.hours,
    validUntil: row.valid_until?.toISOString() ?? null,
    submittedAt: row.submitted_at?.toISOString() ?? null,
    submission: row.submission
      ? {
          ...(row.submission.credential !== undefined ? { credential: row.submission.credential } : {}),
          ...(row.submission.verdict ? { verdict: row.submission.verdict } : {}),
          ...(row.submission.problems ? { problems: [...row.submission.problems] } : {}),
          ...(row.submission.queuedBecause ? { queuedBecause: row.submission.queuedBecause } : {}),
          ...(row.submission.narrative ? { narrative: row.submission.narrative } : {}),
          ...(row.submission.url ? { url: row.submission.url } : {}),
        }
      : null,
    decidedAt: row.decided_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

export function presentCohortLearner(entry: {
  learner: { id: string; name: string; email: string; created_at: Date };
  evaluation: LearnerProgress['result']['evaluation'];
  completion: PathwayCompletionRow | null;
}) {
  const components = entry.evaluation.nodes.filter((node) => node.type === 'component');
  return {
    userId: entry.learner.id,
    name: entry.learner.name,
    email: entry.learner.email,
    subscribedAt: entry.learner.created_at.toISOString(),
    satisfied: entry.evaluation.satisfied,
    creditPoints: entry.evaluation.creditPoints,
    hours: entry.evaluation.hours,
    componentsCounted: components.filter((node) => node.satisfied).length,
    components: components.length,
    completion: entry.completion ? presentCompletion(entry.completion) : null,
  };
}
