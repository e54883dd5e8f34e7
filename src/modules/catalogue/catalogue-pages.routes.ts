import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '../../core/errors.ts';
import type { AppDeps } from '../../deps.ts';
import { escapeHtml, page } from '../../http/html.ts';
import { negotiate } from '../../http/negotiate.ts';
import { ProblemRef } from './catalogue.schemas.ts';
import type { PublicDefinitionDetails } from './catalogue.service.ts';
import type { DefinitionContent } from './definition.model.ts';

const PAGE_TYPES = ['text/html', 'application/ld+json', 'application/json'] as const;
const FORMAT_TYPES = { html: 'text/html', json: 'application/json' } as const;

/**
 * The public page of a definition version at its URI (`/definitions/<id>`), which is also the OB 3.0
 * Achievement id inside the credentials earned for it: HTML for people, the Achievement (JSON-LD) for
 * machines. Published and retired versions only; drafts and unknown ids are 404.
 */
export const cataloguePagesRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const { catalogue } = deps.services;

  app.get(
    '/definitions/:id',
    {
      config: { sessionless: true },
      schema: {
        tags: ['catalogue'],
        summary:
          'A definition version’s public page (HTML), or its OB 3.0 Achievement by content negotiation',
        description:
          'Accept `text/html` (default) for the page; `application/ld+json` or `application/json` for the ' +
          'Achievement. `?format=json` overrides the Accept header.',
        security: [],
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', maxLength: 100 } },
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { format: { type: 'string', enum: ['html', 'json'] } },
        },
        response: { 404: ProblemRef, 406: ProblemRef },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const format = (request.query as { format?: 'html' | 'json' }).format;
      const wanted = format ? FORMAT_TYPES[format] : negotiate(request.headers.accept, PAGE_TYPES);
      reply.header('vary', 'Accept');
      if (wanted === null) {
        throw new AppError('not_acceptable', 'This definition is available as HTML or JSON-LD', {
          detail: `Accept one of: ${PAGE_TYPES.join(', ')}`,
        });
      }
      if (wanted !== 'text/html') {
        const achievement = await catalogue.exportPublicDefinition({ id, format: 'ob3' });
        if (!achievement) throw AppError.notFound('Definition');
        return reply.type(`${wanted}; charset=utf-8`).send(JSON.stringify(achievement));
      }
      const details = await catalogue.getPublicDefinition({ id });
      if (!details) throw AppError.notFound('Definition');
      const view = definitionPage(details, catalogue.definitionUrl);
      return reply.type('text/html; charset=utf-8').send(page(view.title, view.body));
    },
  );
};

function definitionPage(details: PublicDefinitionDetails, urlOf: (id: string) => string) {
  const row = details.record;
  const content = row.content as unknown as DefinitionContent;
  const facts: Array<[string, string]> = [
    ['Provider', escapeHtml(row.provider_name)],
    ['Version', String(row.version)],
  ];
  if (content.level) facts.push(['Level', escapeHtml(`${content.level.framework} ${content.level.value}`)]);
  if (content.workload?.hours !== undefined) facts.push(['Workload', `${content.workload.hours} hours`]);
  if (content.workload?.creditPoints) {
    const credit = content.workload.creditPoints;
    facts.push(['Credit', escapeHtml(`${credit.value} ${credit.framework}`)]);
  }
  if (content.assessment) facts.push(['Assessment', escapeHtml(content.assessment.type)]);
  if (content.participation) facts.push(['Delivery', escapeHtml(content.participation.mode)]);
  if (content.languages?.length) facts.push(['Languages', escapeHtml(content.languages.join(', '))]);
  if (content.cost) facts.push(['Cost', escapeHtml(`${content.cost.amount} ${content.cost.currency}`)]);
  if (content.validity?.months) facts.push(['Valid for', `${content.validity.months} months`]);
  facts.push(['Quality', `${Math.round(details.quality.score)} / 100 (${escapeHtml(details.quality.band)})`]);

  const notice =
    row.status === 'retired'
      ? `<p class="unknown">This version is retired${
          row.superseded_by_id
            ? `; it was superseded by <a href="${escapeHtml(urlOf(row.superseded_by_id))}">a newer version</a>`
            : ''
        }. Credentials earned for it remain valid.</p>`
      : '';
  const outcomes = (content.learningOutcomes ?? [])
    .map((outcome) => `<li>${escapeHtml(outcome.statement)}</li>`)
    .join('');
  const reasons = details.quality.reasons
    .map(
      (reason) => `<li>${escapeHtml(reason.message)} (${reason.points > 0 ? '+' : ''}${reason.points})</li>`,
    )
    .join('');
  const body = [
    `<h1>${escapeHtml(content.title)}</h1>`,
    notice,
    content.description ? `<p>${escapeHtml(content.description)}</p>` : '',
    `<dl>${facts.map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`).join('')}</dl>`,
    outcomes ? `<h2>Learning outcomes</h2><ul>${outcomes}</ul>` : '',
    content.criteria?.narrative ? `<h2>Criteria</h2><p>${escapeHtml(content.criteria.narrative)}</p>` : '',
    reasons ? `<h2>Why this quality score</h2><ul>${reasons}</ul>` : '',
    `<p class="small"><a href="?format=json">This definition as an Open Badges 3.0 Achievement (JSON-LD)</a></p>`,
  ].join('\n');
  return { title: content.title, body };
}
