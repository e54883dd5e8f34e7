import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Actor } from '../../core/actor.ts';
import { AppError, ERROR_STATUS, ERROR_TITLES } from '../../core/errors.ts';
import type { AppDeps } from '../../deps.ts';
import { escapeHtml, page } from '../../http/html.ts';
import { type LearningPath, type PathObjective, UNCOVERED_REASON_TEXT } from '../learning-path/path.model.ts';
import type { CoverageReason, ProfileSkill } from './gap.ts';
import { ProblemRef } from './skill-profile.schemas.ts';
import type { GapAnalysis, GapTarget } from './skill-profile.service.ts';

/** Query strings of the two pages: everything optional, so a bare GET shows the empty form. */
const PageQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    occupation: { type: 'string', maxLength: 2000 },
    roleProfile: { type: 'string', maxLength: 100 },
    text: { type: 'string', maxLength: 20_000 },
    objective: { type: 'string', enum: ['cost', 'hours', 'count'] },
    maxCost: { type: 'string', maxLength: 20 },
    currency: { type: 'string', maxLength: 3 },
    maxHours: { type: 'string', maxLength: 20 },
    minQuality: { type: 'string', maxLength: 5 },
  },
} as const;

interface PageParams {
  occupation?: string;
  roleProfile?: string;
  text?: string;
  objective?: PathObjective;
  maxCost?: string;
  currency?: string;
  maxHours?: string;
  minQuality?: string;
}

const STATUS_TEXT = { verified: 'verified', expired: 'expired credential', declared: 'declared, unverified' };
const COVERAGE_TEXT = { covered: 'Covered', partly: 'Partly covered', missing: 'Missing' };

function targetOf(query: PageParams): GapTarget | null {
  const roleProfile = query.roleProfile?.trim();
  if (roleProfile) return { kind: 'role-profile', id: roleProfile };
  const occupation = query.occupation?.trim();
  if (occupation) return { kind: 'occupation', uri: occupation };
  const text = query.text?.trim();
  if (text) return { kind: 'text', text };
  return null;
}

/** A number field of the form; empty means not given, anything else unreadable is a clear 422. */
function numberField(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) {
    throw AppError.validation(`${name} must be a number of at least 0`, [
      { in: 'querystring', pointer: `/${name}`, message: 'must be a number of at least 0' },
    ]);
  }
  return number;
}

function signInPage(reply: FastifyReply, title: string) {
  return reply
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(
      page(
        title,
        `<h1>${escapeHtml(title)}</h1><p class="unknown">Sign in to Credstack to see this page: it shows your own skills and credentials. Sign in, then open this page again.</p>`,
      ),
    );
}

function errorBlock(error: AppError): string {
  return `<div class="error" role="alert"><h2>${escapeHtml(ERROR_TITLES[error.code])}</h2><p>${escapeHtml(error.message)}</p></div>`;
}

function sourceText(skill: ProfileSkill): string {
  return skill.sources
    .map((source) =>
      source.kind === 'declared'
        ? 'declared by you'
        : `${source.title} (${source.issuer}${source.state === 'expired' ? ', expired' : ''})`,
    )
    .map(escapeHtml)
    .join('; ');
}

function profileList(skills: readonly ProfileSkill[], status: ProfileSkill['status']): string {
  const items = skills.filter((skill) => skill.status === status);
  if (items.length === 0) return '<p class="small">None yet.</p>';
  return `<ul>${items
    .map(
      (skill) =>
        `<li><strong>${escapeHtml(skill.label)}</strong> <span class="small">(${STATUS_TEXT[skill.status]}) — ${sourceText(skill)}</span></li>`,
    )
    .join('')}</ul>`;
}

function reasonText(reason: CoverageReason): string {
  switch (reason.kind) {
    case 'verified':
      return `verified by ${reason.credentials.map((c) => c.title).join(', ')}`;
    case 'expired':
      return `only an expired credential: ${reason.credentials.map((c) => c.title).join(', ')}`;
    case 'declared':
      return 'only declared by you';
    default:
      return `related skill ${reason.relatedLabel} (${reason.relation})`;
  }
}

function gapSection(gap: GapAnalysis): string {
  const groups = (['missing', 'partly', 'covered'] as const)
    .map((coverage) => {
      const skills = gap.skills.filter((skill) => skill.coverage === coverage);
      if (skills.length === 0) return '';
      return `<h3>${COVERAGE_TEXT[coverage]} (${skills.length})</h3><ul>${skills
        .map(
          (skill) =>
            `<li><strong>${escapeHtml(skill.label)}</strong> <span class="small">(${skill.importance}${
              skill.reasons.length > 0 ? `; ${escapeHtml(skill.reasons.map(reasonText).join('; '))}` : ''
            })</span></li>`,
        )
        .join('')}</ul>`;
    })
    .join('');
  return `<section aria-labelledby="gap-heading"><h2 id="gap-heading">Gap to ${escapeHtml(gap.target.label)}</h2>
<p>Coverage: <strong>${gap.coveragePercent}%</strong> (essential skills count double; partly covered ones half).</p>${groups}</section>`;
}

function money(amount: number, currency: string | null): string {
  return currency ? `${amount} ${currency}` : String(amount);
}

function pathSection(path: LearningPath): string {
  const statusText = {
    complete: 'This path covers every skill of the gap.',
    partial: 'The best path within your filters and budget; some skills stay uncovered.',
    'nothing-to-do': 'Nothing to do: you already cover every skill.',
  }[path.status];
  const steps = path.steps
    .map(
      (step) =>
        `<li><strong><a href="${escapeHtml(step.candidate.url)}">${escapeHtml(step.candidate.title)}</a></strong> — ${escapeHtml(step.candidate.providerName)}<br><span class="small">${
          step.candidate.cost !== null
            ? `${escapeHtml(money(step.candidate.cost, step.candidate.currency))}, `
            : ''
        }${step.candidate.hours !== null ? `${step.candidate.hours} hours` : 'hours not given'}</span><br>${escapeHtml(step.reason)}</li>`,
    )
    .join('');
  const uncovered = path.uncovered
    .map(
      (skill) =>
        `<li>${escapeHtml(skill.label)} <span class="small">(${escapeHtml(UNCOVERED_REASON_TEXT[skill.reason])})</span></li>`,
    )
    .join('');
  return `<section aria-labelledby="path-heading"><h2 id="path-heading">Recommended path</h2><p>${statusText}</p>
${steps ? `<ol class="steps">${steps}</ol>` : ''}
<dl><dt>Credentials</dt><dd>${path.totals.count}</dd><dt>Cost</dt><dd>${escapeHtml(money(path.totals.cost, path.totals.currency))}</dd><dt>Hours</dt><dd>${path.totals.hours}</dd><dt>Solver</dt><dd>${path.solver.method}${path.solver.optimal ? ', optimal' : ''}${path.solver.timedOut ? ', time limit reached' : ''}</dd></dl>
${uncovered ? `<h3>Not covered</h3><ul>${uncovered}</ul>` : ''}</section>`;
}

type RoleProfileChoice = { id: string; name: string; mine: boolean };

function targetFields(query: PageParams, roleProfiles: readonly RoleProfileChoice[]): string {
  const choices = roleProfiles
    .map(
      (profile) =>
        `<option value="${escapeHtml(profile.id)}"${query.roleProfile === profile.id ? ' selected' : ''}>${escapeHtml(profile.name)}${profile.mine ? ' (mine)' : ''}</option>`,
    )
    .join('');
  const select = roleProfiles.length
    ? `<label for="roleProfile">A role profile</label>
<select id="roleProfile" name="roleProfile"><option value="">(none: use the fields below)</option>${choices}</select>
`
    : '';
  return `${select}<label for="occupation">Occupation URI (ESCO or O*NET)</label>
<input id="occupation" name="occupation" type="url" value="${escapeHtml(query.occupation ?? '')}" placeholder="http://data.europa.eu/esco/occupation/…">
<label for="text">Or paste a job text</label>
<textarea id="text" name="text" rows="8">${escapeHtml(query.text ?? '')}</textarea>`;
}

function pathFields(query: PageParams): string {
  const objective = query.objective ?? 'cost';
  const option = (value: PathObjective, label: string) =>
    `<option value="${value}"${objective === value ? ' selected' : ''}>${label}</option>`;
  const input = (name: keyof PageParams, label: string, extra = '') =>
    `<label for="${name}">${label}</label><input id="${name}" name="${name}" value="${escapeHtml(query[name] ?? '')}"${extra}>`;
  return `<label for="objective">Minimise</label>
<select id="objective" name="objective">${option('cost', 'Cost')}${option('hours', 'Hours')}${option('count', 'Number of credentials')}</select>
${input('maxCost', 'Budget: most cost', ' inputmode="decimal"')}
${input('currency', 'Currency (ISO 4217, e.g. EUR)', ' maxlength="3"')}
${input('maxHours', 'Budget: most hours', ' inputmode="decimal"')}
${input('minQuality', 'Minimum quality score (0–100)', ' inputmode="numeric"')}`;
}

/**
 * The learner's pages: `/me/skills` (verified and declared skills, and a gap against an occupation or a job
 * text) and `/me/path` (the gap and the recommended learning path). Plain GET forms; no JavaScript needed.
 */
export const skillProfilePagesRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const { skillProfile } = deps.services;
  const pageSchema = (summary: string) => ({
    tags: ['skill-profile'],
    summary,
    security: [{ session: [] }],
    querystring: PageQuery,
    // 200 is HTML, so it has no JSON schema; a malformed query string is a problem+json 400.
    response: { 400: ProblemRef },
  });

  /** Renders the parts `work` returns (an AppError among them as a message block). */
  async function render(reply: FastifyReply, title: string, work: () => Promise<{ parts: string[] }>) {
    // Problems (an unknown occupation, a bad budget) are shown on the page, in the form's context, with a
    // 200: the JSON API is where status codes carry meaning; a page is for a person reading it.
    const { parts } = await work();
    return reply
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(page(title, parts.join('\n')));
  }

  async function attempt<T>(run: () => Promise<T>): Promise<T | AppError> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof AppError && ERROR_STATUS[error.code] < 500) return error;
      throw error;
    }
  }

  app.get(
    '/me/skills',
    { schema: pageSchema('My skills page (HTML): verified and declared skills, and a gap analysis form') },
    async (request, reply) => {
      const actor: Actor = request.actor;
      if (actor.kind !== 'user') return signInPage(reply, 'My skills');
      const query = request.query as PageParams;
      return render(reply, 'My skills', async () => {
        const profile = await skillProfile.getProfile({ actor });
        const roleProfiles = await skillProfile.listTargetRoleProfiles({ actor });
        const parts = [
          '<h1>My skills</h1>',
          `<h2>Verified</h2>${profileList(profile.skills, 'verified')}`,
          `<h2>From expired credentials</h2>${profileList(profile.skills, 'expired')}`,
          `<h2>Declared by me (unverified)</h2>${profileList(profile.skills, 'declared')}`,
          `<h2>Analyse a gap</h2><form method="get" action="/me/skills">${targetFields(query, roleProfiles)}<button type="submit">Analyse the gap</button></form>`,
        ];
        const target = targetOf(query);
        if (!target) return { parts };
        const gap = await attempt(() => skillProfile.analyseGap({ actor, target }));
        if (gap instanceof AppError) return { parts: [...parts, errorBlock(gap)] };
        const pathLink = new URLSearchParams(
          target.kind === 'role-profile'
            ? { roleProfile: target.id }
            : target.kind === 'occupation'
              ? { occupation: target.uri }
              : { text: query.text ?? '' },
        );
        return {
          parts: [
            ...parts,
            gapSection(gap),
            `<p><a href="/me/path?${escapeHtml(pathLink.toString())}">Recommend a learning path for this gap</a></p>`,
          ],
        };
      });
    },
  );

  app.get(
    '/me/path',
    { schema: pageSchema('My learning path page (HTML): the gap to a target and the recommended path') },
    async (request, reply) => {
      const actor: Actor = request.actor;
      if (actor.kind !== 'user') return signInPage(reply, 'My learning path');
      const query = request.query as PageParams;
      return render(reply, 'My learning path', async () => {
        const roleProfiles = await skillProfile.listTargetRoleProfiles({ actor });
        const parts = [
          '<h1>My learning path</h1>',
          `<form method="get" action="/me/path">${targetFields(query, roleProfiles)}${pathFields(query)}<button type="submit">Recommend a path</button></form>`,
        ];
        const target = targetOf(query);
        if (!target) {
          return {
            parts: [
              ...parts,
              '<p class="small">Choose a role profile, name an occupation or paste a job text to begin.</p>',
            ],
          };
        }
        const result = await attempt(async () => {
          const maxCost = numberField(query.maxCost, 'maxCost');
          const maxHours = numberField(query.maxHours, 'maxHours');
          const minQuality = numberField(query.minQuality, 'minQuality');
          const currency = query.currency?.trim().toUpperCase() || undefined;
          return skillProfile.recommendPath({
            actor,
            target,
            objective: query.objective ?? 'cost',
            ...(minQuality !== undefined ? { filters: { minQuality } } : {}),
            budget: {
              ...(maxCost !== undefined ? { maxCost } : {}),
              ...(currency ? { currency } : {}),
              ...(maxHours !== undefined ? { maxHours } : {}),
            },
          });
        });
        if (result instanceof AppError) return { parts: [...parts, errorBlock(result)] };
        return { parts: [...parts, gapSection(result.gap), pathSection(result.path)] };
      });
    },
  );
};
