import type { DefinitionPageProps } from '../../web/pages/page-data.ts';
import type { PageMeta } from '../../web/server/render.tsx';
import type { PublicDefinitionDetails } from './catalogue.service.ts';
import type { DefinitionContent } from './definition.model.ts';

const DESCRIPTION_CHARS = 300;

/**
 * A published or retired definition version as its public page shows it, and the page's head (Open Graph
 * with the version's URI, and the Achievement as an alternate).
 */
export function presentDefinitionPage(
  details: PublicDefinitionDetails,
  urlOf: (id: string) => string,
): { props: DefinitionPageProps; meta: PageMeta } {
  const row = details.record;
  const content = row.content as unknown as DefinitionContent;
  const props: DefinitionPageProps = {
    url: details.uri,
    title: content.title,
    description: content.description ?? null,
    provider: row.provider_name,
    version: row.version,
    retired: row.status === 'retired',
    supersededByUrl: row.status === 'retired' && row.superseded_by_id ? urlOf(row.superseded_by_id) : null,
    level: content.level ? { framework: content.level.framework, value: content.level.value } : null,
    hours: content.workload?.hours ?? null,
    credit: content.workload?.creditPoints
      ? { value: content.workload.creditPoints.value, framework: content.workload.creditPoints.framework }
      : null,
    assessment: content.assessment?.type ?? null,
    earn: earnLink(row.id, row.status, content.assessment?.type),
    delivery: content.participation?.mode ?? null,
    languages: content.languages ?? [],
    cost: content.cost ? { amount: content.cost.amount, currency: content.cost.currency } : null,
    validityMonths: content.validity?.months ?? null,
    quality: {
      score: details.quality.score,
      band: details.quality.band,
      reasons: details.quality.reasons.map((reason) => ({ message: reason.message, points: reason.points })),
    },
    learningOutcomes: (content.learningOutcomes ?? []).map((outcome) => outcome.statement),
    criteria: content.criteria?.narrative ?? null,
  };
  const description = content.description
    ? content.description.length > DESCRIPTION_CHARS
      ? `${content.description.slice(0, DESCRIPTION_CHARS - 1)}…`
      : content.description
    : `${row.provider_name}: ${content.title}`;
  return {
    props,
    meta: {
      title: content.title,
      description,
      url: details.uri,
      alternates: [{ type: 'application/ld+json', href: `${details.uri}?format=json` }],
    },
  };
}

/** Tests are taken and practical work is handed in from the wallet; other assessments happen elsewhere. */
function earnLink(id: string, status: string, type: string | undefined): DefinitionPageProps['earn'] {
  if (status !== 'published' || !type) return null;
  if (type === 'test') return { kind: 'test', url: `/wallet/tests/${id}` };
  if (['practical', 'portfolio', 'project', 'oral'].includes(type)) {
    return { kind: 'work', url: `/wallet/portfolio?definitionId=${id}` };
  }
  return null;
}
