import type {
  PortfolioFileMeta,
  PortfolioMarkRow,
  PortfolioSubmissionRow,
} from '../../db/tables/portfolio.ts';
import { FILE_TYPE_INFO } from './portfolio.files.ts';
import { maxPointsOf, type Rubric, type SubmissionLink } from './portfolio.rubric.ts';
import type { RubricView, SubmissionDetails } from './portfolio.service.ts';

/**
 * Output whitelists. Learners see their own work and, once decided, the deciding mark's levels and
 * feedback — never who marked it or the other marks. Assessors see the learner's name and address, the
 * work and the marks the service lets them see (marking is blind until both marks are in).
 */

function presentRubric(rubric: Rubric & { revision: number; updatedAt: Date }) {
  return {
    revision: rubric.revision,
    criteria: rubric.criteria.map((criterion) => ({
      id: criterion.id,
      name: criterion.name,
      description: criterion.description ?? null,
      learningOutcomeId: criterion.learningOutcomeId ?? null,
      minimumLevelId: criterion.minimumLevelId ?? null,
      levels: criterion.levels.map((level) => ({
        id: level.id,
        name: level.name,
        descriptor: level.descriptor,
        points: level.points,
      })),
    })),
    passRule: {
      minimumTotalPoints: rubric.passRule.minimumTotalPoints ?? null,
      minimumLevelOnEveryCriterion: rubric.passRule.minimumLevelOnEveryCriterion === true,
    },
    maxPoints: maxPointsOf(rubric.criteria),
    settings: {
      allowedKinds: [...rubric.settings.allowedKinds],
      allowedFileTypes: [...rubric.settings.allowedFileTypes],
      allowedFileExtensions: rubric.settings.allowedFileTypes.flatMap((type) => [
        ...FILE_TYPE_INFO[type].extensions,
      ]),
      maxFileBytes: rubric.settings.maxFileBytes,
      maxFiles: rubric.settings.maxFiles,
      secondMarker: {
        required: rubric.settings.secondMarker.required,
        maxPointsDifference: rubric.settings.secondMarker.maxPointsDifference,
      },
      supervision: rubric.settings.supervision,
      maxAttempts: rubric.settings.maxAttempts,
      resubmitAfterHours: rubric.settings.resubmitAfterHours,
    },
    updatedAt: rubric.updatedAt.toISOString(),
  };
}

export function presentRubricView(view: RubricView) {
  return {
    definition: {
      id: view.definition.id,
      title: view.definition.title,
      version: view.definition.version,
      status: view.definition.status,
    },
    rubric: view.rubric ? presentRubric(view.rubric) : null,
    readiness: view.readiness
      ? { ready: view.readiness.ready, problems: [...view.readiness.problems] }
      : null,
  };
}

export function presentFile(file: PortfolioFileMeta, downloadUrl: string) {
  return {
    id: file.id,
    fileName: file.file_name,
    fileType: file.file_type,
    mediaType: file.media_type,
    sizeBytes: file.size_bytes,
    sha256: file.sha256,
    createdAt: file.created_at.toISOString(),
    downloadUrl,
  };
}

function presentLinks(links: SubmissionLink[]) {
  return links.map((link) => ({ url: link.url, title: link.title ?? null }));
}

function presentCommon(row: PortfolioSubmissionRow) {
  return {
    id: row.id,
    definitionId: row.definition_id,
    definitionTitle: row.definition_title,
    status: row.status,
    attempt: row.attempt,
    supervision: row.supervision,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    submittedAt: row.submitted_at?.toISOString() ?? null,
    decidedAt: row.decided_at?.toISOString() ?? null,
    totalPoints: row.total_points,
    maxPoints: row.max_points,
    credentialId: row.credential_id,
  };
}

function presentMarkedCriteria(rubric: Rubric, mark: PortfolioMarkRow) {
  return mark.levels.map((level) => {
    const criterion = rubric.criteria.find((candidate) => candidate.id === level.criterionId);
    const chosen = criterion?.levels.find((candidate) => candidate.id === level.levelId);
    return {
      criterionId: level.criterionId,
      criterionName: criterion?.name ?? level.criterionId,
      levelId: level.levelId,
      levelName: chosen?.name ?? level.levelId,
      points: level.points,
      feedback: level.feedback ?? null,
    };
  });
}

export function presentLearnerSummary(row: PortfolioSubmissionRow) {
  return presentCommon(row);
}

/** The learner's own submission; `fileUrl` gives a file's download path. */
export function presentLearnerSubmission(details: SubmissionDetails, fileUrl: (fileId: string) => string) {
  const { submission, rubric } = details;
  const final = details.marks.find((mark) => mark.id === submission.final_mark_id);
  return {
    ...presentCommon(submission),
    text: submission.text_body,
    links: presentLinks(submission.links),
    files: details.files.map((file) => presentFile(file, fileUrl(file.id))),
    result: final
      ? {
          passed: final.passed,
          totalPoints: final.total_points,
          maxPoints: final.max_points,
          feedback: final.feedback,
          criteria: presentMarkedCriteria(rubric, final),
        }
      : null,
  };
}

function presentAssessorCommon(row: PortfolioSubmissionRow, viewerId: string | null) {
  return {
    ...presentCommon(row),
    learner: { id: row.learner_user_id, name: row.learner_name, email: row.learner_email },
    claimedBy: row.claimed_by,
    claimedAt: row.claimed_at?.toISOString() ?? null,
    claimedByYou: viewerId !== null && row.claimed_by === viewerId,
  };
}

export function presentQueueItem(
  row: PortfolioSubmissionRow & { file_count: number },
  viewerId: string | null,
) {
  return { ...presentAssessorCommon(row, viewerId), fileCount: row.file_count };
}

/** A submission in the assessor's view, with its rubric so the marking form needs no second request. */
export function presentAssessorSubmission(
  details: SubmissionDetails,
  viewerId: string | null,
  fileUrl: (fileId: string) => string,
) {
  const { submission, rubric } = details;
  return {
    ...presentAssessorCommon(submission, viewerId),
    text: submission.text_body,
    links: presentLinks(submission.links),
    files: details.files.map((file) => presentFile(file, fileUrl(file.id))),
    marks: details.marks.map((mark) => ({
      id: mark.id,
      stage: mark.stage,
      assessorId: mark.assessor_user_id,
      totalPoints: mark.total_points,
      maxPoints: mark.max_points,
      passed: mark.passed,
      feedback: mark.feedback,
      criteria: presentMarkedCriteria(rubric, mark),
      final: mark.id === submission.final_mark_id,
      createdAt: mark.created_at.toISOString(),
    })),
    rubric: presentRubric(rubric),
  };
}
