import type { CredentialDefinitionRow } from '../../db/tables/catalogue.ts';
import type { CatalogueSearchRow } from './catalogue.repository.ts';
import type { DefinitionDetails, ImportReport, PublicDefinitionDetails } from './catalogue.service.ts';
import type { DefinitionContent } from './definition.model.ts';
import type { QualityReason, QualityReport } from './quality.ts';

const iso = (value: Date | null) => value?.toISOString() ?? null;

/** The reasons that weigh most (largest points either way), so a list can say why a score is what it is. */
function topReasons(quality: QualityReport | null, count = 3): QualityReason[] {
  if (!quality) return [];
  return [...quality.reasons]
    .sort((a, b) => Math.abs(b.points) - Math.abs(a.points))
    .slice(0, count)
    .map((reason) => ({ id: reason.id, kind: reason.kind, points: reason.points, message: reason.message }));
}

function qualitySummary(score: number | null, quality: QualityReport | null) {
  return { score, band: quality?.band ?? null, topReasons: topReasons(quality) };
}

/** A definition version in the organisation's own lists (members with `definitions:read`). */
export function presentDefinitionSummary(record: CredentialDefinitionRow, url: string) {
  return {
    id: record.id,
    seriesId: record.series_id,
    version: record.version,
    url,
    status: record.status,
    source: record.source,
    title: record.title,
    provider: { name: record.provider_name, url: record.provider_url },
    externalId: record.external_id,
    sourceUri: record.source_uri,
    quality: qualitySummary(record.quality_score, record.quality as unknown as QualityReport | null),
    reviewComment: record.review_comment,
    supersedesId: record.supersedes_id,
    supersededById: record.superseded_by_id,
    createdAt: record.created_at.toISOString(),
    updatedAt: record.updated_at.toISOString(),
    submittedAt: iso(record.submitted_at),
    publishedAt: iso(record.published_at),
    retiredAt: iso(record.retired_at),
  };
}

/** One version with its content, both reports, its assessment readiness and the series' versions. */
export function presentDefinition(details: DefinitionDetails, urlOf: (id: string) => string) {
  return {
    ...presentDefinitionSummary(details.record, details.uri),
    // The reports of a draft are computed live; the summary's score follows them.
    quality: qualitySummary(Math.round(details.quality.score), details.quality),
    content: details.record.content as unknown as DefinitionContent,
    conformance: details.conformance,
    qualityReport: details.quality,
    assessment: { ready: details.assessment.ready, problems: [...details.assessment.problems] },
    versions: details.versions.map((version) => ({
      id: version.id,
      version: version.version,
      status: version.status,
      url: urlOf(version.id),
      publishedAt: iso(version.publishedAt),
      retiredAt: iso(version.retiredAt),
      supersededById: version.supersededById,
    })),
  };
}

type EntrySource = Pick<
  CatalogueSearchRow,
  | 'id'
  | 'source'
  | 'title'
  | 'content'
  | 'version'
  | 'provider_name'
  | 'provider_url'
  | 'source_uri'
  | 'verifiable'
  | 'level_framework'
  | 'level_value'
  | 'hours'
  | 'cost_amount'
  | 'cost_currency'
  | 'delivery_mode'
  | 'languages'
  | 'assessment_type'
  | 'quality_score'
  | 'quality'
  | 'published_at'
>;

/**
 * An entry of the public catalogue. Nothing internal: no review comments, who wrote it, or which
 * organisation imported an external entry.
 */
export function presentCatalogueEntry(
  row: EntrySource & { rank?: number | null },
  options: { url: string; organisationSlug: string },
) {
  const content = row.content as unknown as DefinitionContent;
  const skills = [
    ...(content.skills ?? []),
    ...(content.learningOutcomes ?? []).flatMap((outcome) => outcome.skills ?? []),
  ];
  const unique = [...new Map(skills.map((skill) => [skill.uri, skill])).values()];
  return {
    id: row.id,
    url: options.url,
    source: row.source,
    title: row.title,
    description: content.description ?? null,
    version: row.version,
    provider: { name: row.provider_name, url: row.provider_url },
    organisation: row.source === 'own' ? options.organisationSlug : null,
    sourceUri: row.source_uri,
    verifiable: row.verifiable,
    level:
      row.level_framework && row.level_value
        ? { framework: row.level_framework, value: row.level_value }
        : null,
    hours: row.hours,
    cost:
      row.cost_amount !== null && row.cost_currency
        ? { amount: row.cost_amount, currency: row.cost_currency }
        : null,
    deliveryMode: row.delivery_mode,
    languages: [...row.languages],
    assessmentType: row.assessment_type,
    skills: unique.map((skill) => ({ uri: skill.uri, label: skill.label ?? null })),
    quality: qualitySummary(row.quality_score, row.quality as unknown as QualityReport | null),
    relevance: row.rank ?? null,
    publishedAt: iso(row.published_at),
  };
}

/** A published (or retired) entry with its full content and both reports. */
export function presentPublicDefinition(details: PublicDefinitionDetails, url: string) {
  return {
    ...presentCatalogueEntry(details.record, { url, organisationSlug: details.organisationSlug }),
    quality: qualitySummary(Math.round(details.quality.score), details.quality),
    status: details.record.status,
    supersededById: details.record.superseded_by_id,
    content: details.record.content as unknown as DefinitionContent,
    conformance: details.conformance,
    qualityReport: details.quality,
  };
}

export function presentImportReport(report: ImportReport) {
  return {
    format: report.format,
    dryRun: report.dryRun,
    created: report.created,
    updated: report.updated,
    unchanged: report.unchanged,
    skipped: report.skipped,
    problems: report.problems.map((problem) => ({ location: problem.location, message: problem.message })),
    entries: report.entries.map((entry) => ({ ...entry })),
  };
}
