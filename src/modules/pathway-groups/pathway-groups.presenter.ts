import type { PathwayGroupMemberRow } from '../../db/tables/pathway-groups.ts';
import type { PathwayGroupWithCount } from './pathway-groups.repository.ts';
import type { AddMembersOutcome, GroupProgress, MemberProgress } from './pathway-groups.service.ts';

export function presentGroup(row: PathwayGroupWithCount) {
  return {
    id: row.id,
    pathwayId: row.pathway_id,
    name: row.name,
    description: row.description,
    memberCount: row.member_count,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function presentMember(row: PathwayGroupMemberRow) {
  return { id: row.id, email: row.email, addedAt: row.added_at.toISOString() };
}

export function presentAddMembers(outcome: AddMembersOutcome) {
  return {
    group: presentGroup(outcome.group),
    added: outcome.added.map(presentMember),
    duplicates: outcome.duplicates.map((entry) => ({
      index: entry.index,
      email: entry.email,
      reason: entry.reason,
    })),
  };
}

function presentMemberProgress(entry: MemberProgress) {
  const progress = entry.progress;
  const components = progress?.evaluation.nodes.filter((node) => node.type === 'component') ?? [];
  return {
    ...presentMember(entry.member),
    state: entry.state,
    progress: progress
      ? {
          userId: progress.learner.id,
          name: progress.learner.name,
          followingSince: progress.learner.created_at.toISOString(),
          satisfied: progress.evaluation.satisfied,
          creditPoints: progress.evaluation.creditPoints,
          hours: progress.evaluation.hours,
          componentsCounted: components.filter((node) => node.satisfied).length,
          components: components.length,
          completion: progress.completion
            ? {
                id: progress.completion.id,
                status: progress.completion.status,
                completedAt: progress.completion.completed_at.toISOString(),
                credentialId: progress.completion.credential_id,
                flagReason: progress.completion.flag_reason,
              }
            : null,
        }
      : null,
  };
}

export function presentGroupProgress(outcome: GroupProgress) {
  return {
    group: presentGroup(outcome.group),
    pathway: {
      id: outcome.pathway.pathway_id,
      version: outcome.pathway.version,
      title: outcome.pathway.title,
    },
    evaluatedAt: outcome.evaluatedAt.toISOString(),
    members: outcome.members.map(presentMemberProgress),
    totals: {
      members: outcome.totals.members,
      invited: outcome.totals.invited,
      following: outcome.totals.following,
      completed: outcome.totals.completed,
      flagged: outcome.totals.flagged,
      nodes: outcome.totals.nodes.map((node) => ({
        id: node.id,
        type: node.type,
        title: node.title,
        satisfied: node.satisfied,
      })),
    },
    page: { limit: outcome.limit, nextCursor: outcome.nextCursor },
  };
}
