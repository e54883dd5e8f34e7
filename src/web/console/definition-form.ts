import type { DefinitionContent, SkillRef } from './types.ts';

/**
 * The definition editor's form state: every field as the text the user typed, so a half-typed number or
 * list never loses keystrokes. `toContent` turns it into the API's DefinitionContent (empty fields left
 * out, numbers parsed, lists split on commas); `fromContent` is its inverse for what the editor shows.
 */
export interface OutcomeForm {
  id: string;
  statement: string;
  skills: SkillRef[];
}

export interface DefinitionForm {
  title: string;
  description: string;
  criteriaNarrative: string;
  issuerCountries: string;
  awardingBodyName: string;
  awardingBodyUrl: string;
  /** The first awarding body's country and any further bodies: no control for them, kept as they were. */
  awardingBodyCountry: string | undefined;
  otherAwardingBodies: NonNullable<DefinitionContent['awardingBodies']>;
  outcomes: OutcomeForm[];
  skills: SkillRef[];
  hours: string;
  creditValue: string;
  creditFramework: string;
  levelFramework: string;
  levelValue: string;
  assessmentType: string;
  supervision: string;
  gradingScheme: string;
  passMark: string;
  passCriteria: string;
  deliveryMode: string;
  qualityStatement: string;
  standalone: boolean;
  validityMonths: string;
  renewal: string;
  languages: string;
  costAmount: string;
  costCurrency: string;
  duration: string;
  /** Content fields the editor has no control for: kept as they were. */
  rest: Record<string, unknown>;
}

const EDITED_KEYS = new Set([
  'title',
  'description',
  'criteria',
  'issuerCountries',
  'awardingBodies',
  'learningOutcomes',
  'skills',
  'workload',
  'level',
  'assessment',
  'participation',
  'qualityAssurance',
  'stackability',
  'validity',
  'languages',
  'cost',
  'duration',
]);

function text(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

export function fromContent(content: DefinitionContent): DefinitionForm {
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(content)) if (!EDITED_KEYS.has(key)) rest[key] = value;
  const body = content.awardingBodies?.[0];
  return {
    title: content.title,
    description: text(content.description),
    criteriaNarrative: text(content.criteria?.narrative),
    issuerCountries: (content.issuerCountries ?? []).join(', '),
    awardingBodyName: text(body?.name),
    awardingBodyUrl: text(body?.url),
    awardingBodyCountry: body?.country,
    otherAwardingBodies: content.awardingBodies?.slice(1) ?? [],
    outcomes: (content.learningOutcomes ?? []).map((outcome, index) => ({
      id: outcome.id ?? `lo-${index + 1}`,
      statement: outcome.statement,
      skills: outcome.skills ?? [],
    })),
    skills: content.skills ?? [],
    hours: text(content.workload?.hours),
    creditValue: text(content.workload?.creditPoints?.value),
    creditFramework: content.workload?.creditPoints?.framework ?? 'ECTS',
    levelFramework: content.level?.framework ?? '',
    levelValue: text(content.level?.value),
    assessmentType: content.assessment?.type ?? '',
    supervision: text(content.assessment?.supervision),
    gradingScheme: text(content.assessment?.gradingScheme),
    passMark: text(content.assessment?.passMark),
    passCriteria: text(content.assessment?.passCriteria),
    deliveryMode: content.participation?.mode ?? '',
    qualityStatement: text(content.qualityAssurance?.statement),
    standalone: content.stackability?.standalone ?? true,
    validityMonths: text(content.validity?.months),
    renewal: text(content.validity?.renewal),
    languages: (content.languages ?? []).join(', '),
    costAmount: text(content.cost?.amount),
    costCurrency: content.cost?.currency ?? 'EUR',
    duration: text(content.duration),
    rest,
  };
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** A number from the field (a decimal comma is accepted), or undefined when empty or not a number. */
function numberOf(value: string): number | undefined {
  const trimmed = value.trim().replace(',', '.');
  if (trimmed === '') return undefined;
  const parsed = Number(trimmed);
  return Number.isFinite(parsed) ? parsed : undefined;
}

function trimmed(value: string): string | undefined {
  const result = value.trim();
  return result === '' ? undefined : result;
}

/** Drops undefined members so the strict API schemas see only what was filled in. */
function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined)) as T;
}

export function toContent(form: DefinitionForm): DefinitionContent {
  const hours = numberOf(form.hours);
  const credits = numberOf(form.creditValue);
  const workload =
    hours !== undefined || credits !== undefined
      ? compact({
          hours,
          creditPoints:
            credits !== undefined ? { value: credits, framework: form.creditFramework } : undefined,
        })
      : undefined;
  const passMark = numberOf(form.passMark);
  const assessment = form.assessmentType
    ? compact({
        type: form.assessmentType,
        supervision: trimmed(form.supervision),
        gradingScheme: trimmed(form.gradingScheme),
        passMark,
        passCriteria: trimmed(form.passCriteria),
      })
    : undefined;
  const months = numberOf(form.validityMonths);
  const renewal = trimmed(form.renewal);
  const costAmount = numberOf(form.costAmount);
  const bodyName = trimmed(form.awardingBodyName);
  const outcomes = form.outcomes
    .filter((outcome) => outcome.statement.trim() !== '')
    .map((outcome) =>
      compact({
        id: outcome.id,
        statement: outcome.statement.trim(),
        skills: outcome.skills.length > 0 ? outcome.skills : undefined,
      }),
    );
  return compact({
    ...form.rest,
    title: form.title.trim(),
    description: trimmed(form.description),
    criteria: trimmed(form.criteriaNarrative) ? { narrative: form.criteriaNarrative.trim() } : undefined,
    issuerCountries: list(form.issuerCountries).length
      ? list(form.issuerCountries).map((code) => code.toUpperCase())
      : undefined,
    awardingBodies: bodyName
      ? [
          compact({ name: bodyName, url: trimmed(form.awardingBodyUrl), country: form.awardingBodyCountry }),
          ...form.otherAwardingBodies,
        ]
      : form.otherAwardingBodies.length > 0
        ? form.otherAwardingBodies
        : undefined,
    learningOutcomes: outcomes.length > 0 ? outcomes : undefined,
    skills: form.skills.length > 0 ? form.skills : undefined,
    workload,
    level:
      form.levelFramework && trimmed(form.levelValue)
        ? { framework: form.levelFramework, value: form.levelValue.trim() }
        : undefined,
    assessment,
    participation: form.deliveryMode ? { mode: form.deliveryMode } : undefined,
    qualityAssurance: trimmed(form.qualityStatement)
      ? { statement: form.qualityStatement.trim() }
      : undefined,
    stackability: { standalone: form.standalone },
    validity: months !== undefined || renewal ? compact({ months, renewal }) : undefined,
    languages: list(form.languages).length ? list(form.languages) : undefined,
    cost:
      costAmount !== undefined
        ? { amount: costAmount, currency: form.costCurrency.trim().toUpperCase() }
        : undefined,
    duration: trimmed(form.duration)?.toUpperCase(),
  });
}

/** The next free outcome id (`lo-<n>`), so rubric criteria and test items keep pointing at the right one. */
export function nextOutcomeId(outcomes: OutcomeForm[]): string {
  let highest = 0;
  for (const outcome of outcomes) {
    const match = /^lo-(\d+)$/.exec(outcome.id);
    if (match) highest = Math.max(highest, Number(match[1]));
  }
  return `lo-${highest + 1}`;
}
