import { allSkillUris, hasCriteria } from './conformance.ts';
import type { DefinitionContent, DefinitionFacts } from './definition.model.ts';

/** Facts outside the definition that the quality score takes into account. */
export interface QualityContext {
  now: Date;
  /** Whether a skill URI is a known framework skill (ESCO, O*NET) or an org skill mapped to one. */
  isFrameworkSkill?: (uri: string) => boolean;
  /** Demand signal for a skill (O*NET Hot Technology / In Demand flags, job-posting counts later). */
  skillDemand?: (uri: string) => { hot?: boolean; inDemand?: boolean; postings?: number } | undefined;
  /** The issuer is a verified/recognised organisation on this platform (or a known professional body). */
  issuerRecognised?: boolean;
}

export type QualitySignalKind = 'indicator' | 'low_quality' | 'red_flag';

export interface QualityReason {
  /** Stable id, e.g. `formal-assessment`, `completion-only`. */
  id: string;
  kind: QualitySignalKind;
  /** Points added (indicator) or removed (negative) by this reason. */
  points: number;
  message: string;
}

export interface QualityReport {
  /** 0–100. */
  score: number;
  band: 'high' | 'medium' | 'low';
  reasons: QualityReason[];
  /** Ids of red flags found (a subset of reasons). */
  redFlags: string[];
}

/**
 * The points of each signal. The indicators add up to exactly 100, so a definition showing every
 * high-quality sign and nothing else scores 100; the score is the sum of the reasons' points clamped to
 * 0–100. docs/definition-standards.md gives the reasoning for each weight.
 */
export const QUALITY_WEIGHTS = {
  // Assessment (35): the guide's first marker of a real micro-credential.
  assessed: 10,
  passCriteria: 10,
  proctoredOrPractical: 10,
  supervisedNoId: 5,
  // Trust (35).
  verifiable: 10,
  recognisedIssuer: 10,
  qualityAssurance: 5,
  accreditation: 5,
  endorsement: 5,
  // Skills (15).
  frameworkSkills: 15,
  specificSkills: 7,
  // Maintenance (10).
  validityOrVersioning: 5,
  current: 5,
  // Demand (10).
  inDemand: 10,
  postings: 5,
  // Low-quality signs.
  noAssessment: -15,
  trivialAssessment: -5,
  unknownIssuer: -5,
  vagueSkills: -10,
  noExpiryOrVersioning: -3,
  stale: -5,
  noDemand: -3,
  // Red flags.
  payToGet: -30,
  noLearningOrAssessment: -30,
  marketingOnly: -20,
  unverifiable: -20,
  completionOnlyCertification: -25,
} as const;

/** Bands: high from 70, medium from 40; any red flag makes the band low whatever the score. */
export const QUALITY_BANDS = { high: 70, medium: 40 } as const;

/** A definition updated (or published) within this many months counts as current. */
export const CURRENT_MONTHS = 24;
/** Not updated for longer than this: stale. */
export const STALE_MONTHS = 36;

/** Below this pass mark a scored test is a formality. */
const TRIVIAL_PASS_MARK = 50;

/** Assessment kinds where the learner produces or performs work a person judges. */
const PRACTICAL_TYPES = new Set(['practical', 'portfolio', 'project', 'oral']);

/** Issuance promised for money or attendance rather than for demonstrated learning. */
const GUARANTEED_ISSUANCE =
  /\b(guaranteed?\s+(to\s+)?(pass|issu\w*|certif\w*|badge|credential|certificate)|(pass|certification|certificate|badge)\s+guaranteed|100\s*%\s+pass\s+rate|no\s+(exam|test|assessment)s?\s+(required|needed)|instant(ly)?\s+(certif\w*|badge|credential))/i;

/** Completion or attendance as the criterion: the guide's "course-completion e-mail". */
const COMPLETION_LANGUAGE =
  /\b(upon|on|after)\s+(successful\s+)?completion\b|\bcomplet(e|ing)\s+(the|all|every|this)\s+(course|modules?|lessons?|videos?|units?)\b|\b(attend(ance|ing)?|watch(ing)?\s+(all|the)\s+videos?)\b|\bcompletion\s+(e-?mail|certificate)\b/i;

/** Sales language; a description made of it says little about the learning. */
const MARKETING_TERMS = [
  /\bworld[- ]class\b/i,
  /\bbest[- ]in[- ]class\b/i,
  /\b(industry[- ])?leading\b/i,
  /#1\b|\bnumber one\b/i,
  /\bexclusive\b/i,
  /\blimited[- ]time\b/i,
  /\b(buy|enrol+|sign up|register)\s+(now|today)\b/i,
  /\bdiscount\b|\b\d+\s*%\s+off\b/i,
  /\bboost your (career|salary|cv|resume)\b/i,
  /\bunlock\b/i,
  /\brevolutionary\b|\bgame[- ]chang\w*/i,
  /\bdon'?t miss\b/i,
];

const ASSESSMENT_LANGUAGE = /\b(assess\w*|exam\w*|test(ed|s)?|pass\s+mark|graded|rubric|proctor\w*)\b/i;

/** Known framework hosts, used when no `isFrameworkSkill` lookup is given. */
const FRAMEWORK_SKILL =
  /^https?:\/\/(data\.europa\.eu\/esco\/|([a-z0-9-]+\.)*onetcenter\.org\/|([a-z0-9-]+\.)*onetonline\.org\/)/i;

function months(from: Date, to: Date): number {
  return (to.getTime() - from.getTime()) / (30.4375 * 24 * 3600 * 1000);
}

function textsOf(content: DefinitionContent): string {
  return [
    content.title,
    content.description,
    content.criteria?.narrative,
    content.assessment?.passCriteria,
    content.assessment?.description,
    content.cost?.description,
    content.furtherInformation,
  ]
    .filter((value): value is string => typeof value === 'string')
    .join('\n');
}

/** A pass mark of at least 50%, or pass criteria (or assessment criteria) in words. */
function meaningfulPassCriteria(content: DefinitionContent): boolean {
  const assessment = content.assessment;
  if (!assessment) return false;
  if (assessment.passMark !== undefined) return assessment.passMark >= TRIVIAL_PASS_MARK;
  return (
    (assessment.passCriteria?.trim() ?? '') !== '' ||
    (hasCriteria(content) && ASSESSMENT_LANGUAGE.test(content.criteria?.narrative ?? ''))
  );
}

/**
 * A deterministic 0–100 quality score with the reasons that make it up (the guide's "Quality
 * indicators"): each reason carries its points, the score is their sum clamped to 0–100, and any red flag
 * makes the band `low`. Depends only on the definition and `context` (including `context.now`).
 */
export function qualityReport(definition: DefinitionFacts, context: QualityContext): QualityReport {
  const w = QUALITY_WEIGHTS;
  const content = definition.content;
  const assessment = content.assessment;
  const reasons: QualityReason[] = [];
  const add = (id: string, kind: QualitySignalKind, points: number, message: string) =>
    reasons.push({ id, kind, points, message });
  const text = textsOf(content);

  // --- Assessment ---------------------------------------------------------------------------------
  if (assessment) {
    add('assessed', 'indicator', w.assessed, `Assessed by ${article(assessment.type)} ${assessment.type}.`);
    if (meaningfulPassCriteria(content)) {
      add(
        'pass-criteria',
        'indicator',
        w.passCriteria,
        assessment.passMark !== undefined
          ? `A meaningful pass mark (${assessment.passMark}%).`
          : 'Pass criteria say what a pass looks like.',
      );
    } else {
      add(
        'trivial-assessment',
        'low_quality',
        w.trivialAssessment,
        assessment.passMark !== undefined
          ? `The pass mark (${assessment.passMark}%) is too low to mean much.`
          : 'No pass mark or pass criteria: the assessment may be a formality.',
      );
    }
    const identityVerified =
      assessment.supervision === 'supervised-online-id' || assessment.supervision === 'supervised-onsite-id';
    if (identityVerified || PRACTICAL_TYPES.has(assessment.type)) {
      add(
        'proctored-or-practical',
        'indicator',
        w.proctoredOrPractical,
        identityVerified
          ? 'Supervised assessment with identity verification.'
          : `A ${assessment.type} assessment: the learner's work is judged.`,
      );
    } else if (assessment.supervision === 'supervised-no-id') {
      add('supervised', 'indicator', w.supervisedNoId, 'Supervised assessment (identity not verified).');
    }
  } else {
    add(
      'no-assessment',
      'low_quality',
      w.noAssessment,
      'No assessment: completion-only badges are not micro-credentials.',
    );
  }

  // --- Verifiability and trust ---------------------------------------------------------------------
  // Everything Credstack issues is a signed, publicly verifiable credential, whatever the flag says.
  if (definition.source === 'own' || definition.verifiable) {
    add(
      'verifiable',
      'indicator',
      w.verifiable,
      definition.source === 'own'
        ? 'Issued as a signed, publicly verifiable credential.'
        : 'Its credentials can be verified independently.',
    );
  } else {
    add('unverifiable', 'red_flag', w.unverifiable, 'Its credentials cannot be verified independently.');
  }
  const qa = content.qualityAssurance;
  if (context.issuerRecognised) {
    add('recognised-issuer', 'indicator', w.recognisedIssuer, 'Issued by a recognised organisation.');
  } else if (!qa?.statement && !(qa?.accreditations?.length ?? 0) && !(content.endorsements?.length ?? 0)) {
    add(
      'unknown-issuer',
      'low_quality',
      w.unknownIssuer,
      'Unknown issuer with no quality assurance, accreditation or endorsement.',
    );
  }
  if (qa?.statement)
    add('quality-assurance', 'indicator', w.qualityAssurance, 'States its quality assurance.');
  if (qa?.accreditations?.length) {
    add('accredited', 'indicator', w.accreditation, `Accredited by ${names(qa.accreditations)}.`);
  }
  if (content.endorsements?.length) {
    add('endorsed', 'indicator', w.endorsement, `Endorsed by ${names(content.endorsements)}.`);
  }

  // --- Skills -------------------------------------------------------------------------------------
  const skills = allSkillUris(content);
  const isFramework = context.isFrameworkSkill ?? ((uri: string) => FRAMEWORK_SKILL.test(uri));
  const frameworkSkills = skills.filter((uri) => isFramework(uri));
  if (frameworkSkills.length > 0) {
    add(
      'framework-skills',
      'indicator',
      w.frameworkSkills,
      `Validates ${frameworkSkills.length} specific framework skill${frameworkSkills.length === 1 ? '' : 's'} (ESCO, O*NET).`,
    );
  } else if (skills.length > 0) {
    add(
      'specific-skills',
      'indicator',
      w.specificSkills,
      'Names specific skills, but none is mapped to a framework.',
    );
  } else {
    add('vague-skills', 'low_quality', w.vagueSkills, 'No skills named: what it validates is vague.');
  }

  // --- Validity, versioning, currency -------------------------------------------------------------
  const versioned = definition.version > 1 || Boolean(definition.previousVersionUri);
  if (content.validity?.months !== undefined || versioned) {
    add(
      'validity-or-versioning',
      'indicator',
      w.validityOrVersioning,
      content.validity?.months !== undefined
        ? `Valid for ${content.validity.months} months, then renewed.`
        : `Versioned (version ${definition.version}).`,
    );
  } else {
    add(
      'no-expiry-or-versioning',
      'low_quality',
      w.noExpiryOrVersioning,
      'No validity period and no versioning.',
    );
  }
  const lastChange = latest(definition.updatedAt, definition.publishedAt);
  if (lastChange) {
    const age = months(lastChange, context.now);
    if (age <= CURRENT_MONTHS) {
      add('current', 'indicator', w.current, `Updated within the last ${CURRENT_MONTHS} months.`);
    } else if (age > STALE_MONTHS) {
      add('stale', 'low_quality', w.stale, `Not updated for more than ${STALE_MONTHS} months.`);
    }
  }

  // --- Demand -------------------------------------------------------------------------------------
  if (context.skillDemand) {
    const signals = skills.map((uri) => context.skillDemand?.(uri)).filter((signal) => signal !== undefined);
    const hot = signals.filter((signal) => signal.hot || signal.inDemand).length;
    const postings = signals.reduce((sum, signal) => sum + (signal.postings ?? 0), 0);
    if (hot > 0) {
      add('in-demand-skills', 'indicator', w.inDemand, `${hot} of its skills are hot or in demand (O*NET).`);
    } else if (postings > 0) {
      add(
        'referenced-in-postings',
        'indicator',
        w.postings,
        `Its skills appear in ${postings} job postings.`,
      );
    } else if (skills.length > 0) {
      add('no-demand-signal', 'low_quality', w.noDemand, 'None of its skills is known to be in demand.');
    }
  }

  // --- Red flags ----------------------------------------------------------------------------------
  const paid = (content.cost?.amount ?? 0) > 0;
  if ((paid && !assessment) || GUARANTEED_ISSUANCE.test(text)) {
    add(
      'pay-to-get',
      'red_flag',
      w.payToGet,
      paid && !assessment
        ? 'Issued on payment with no assessment.'
        : 'Promises guaranteed issuance rather than assessed learning.',
    );
  }
  const learning = (content.learningOutcomes?.length ?? 0) > 0 || content.workload !== undefined;
  if (!learning && !assessment) {
    add(
      'no-learning-or-assessment',
      'red_flag',
      w.noLearningOrAssessment,
      'Neither a learning component nor an assessment.',
    );
  }
  const marketing = MARKETING_TERMS.filter((term) => term.test(content.description ?? '')).length;
  if (marketing >= 4 || (marketing >= 2 && (content.learningOutcomes?.length ?? 0) === 0)) {
    add('marketing-only', 'red_flag', w.marketingOnly, 'The description is mainly marketing for the issuer.');
  }
  const certification = /^(Certification|Certificate|License)$/.test(content.achievementType ?? '');
  if (
    certification &&
    (!assessment || (!meaningfulPassCriteria(content) && COMPLETION_LANGUAGE.test(text)))
  ) {
    add(
      'completion-only-certification',
      'red_flag',
      w.completionOnlyCertification,
      `Called a ${content.achievementType?.toLowerCase()} but only certifies course completion.`,
    );
  }

  const total = reasons.reduce((sum, reason) => sum + reason.points, 0);
  const score = Math.max(0, Math.min(100, total));
  const redFlags = reasons.filter((reason) => reason.kind === 'red_flag').map((reason) => reason.id);
  const band =
    redFlags.length > 0
      ? 'low'
      : score >= QUALITY_BANDS.high
        ? 'high'
        : score >= QUALITY_BANDS.medium
          ? 'medium'
          : 'low';
  return { score, band, reasons, redFlags };
}

function article(word: string): string {
  return /^[aeio]/i.test(word) ? 'an' : 'a';
}

function names(parties: readonly { name: string }[]): string {
  return parties.map((party) => party.name).join(', ');
}

function latest(...dates: (Date | null | undefined)[]): Date | undefined {
  const known = dates.filter((date): date is Date => date instanceof Date && !Number.isNaN(date.getTime()));
  return known.length === 0 ? undefined : new Date(Math.max(...known.map((date) => date.getTime())));
}
