import type { DefinitionContent, DefinitionFacts } from './definition.model.ts';

/** The standards a definition is checked against. */
export type StandardId = 'eu' | 'nmf' | 'ob3' | 'ctdl';

export const STANDARDS: readonly StandardId[] = ['eu', 'nmf', 'ob3', 'ctdl'];

export interface ConformanceElement {
  standard: StandardId;
  /** Stable id, e.g. `eu.learning-outcomes`, `ob3.criteria`. */
  id: string;
  /** The standard's name for the element. */
  label: string;
  /** Mandatory in that standard (publishing is refused while a mandatory element is missing). */
  required: boolean;
  present: boolean;
  /** Supplied with each award rather than by the definition (e.g. EU 1 learner, EU 5 date of issuing). */
  providedAtIssue?: boolean;
  /** JSON pointer into the definition content that satisfies (or should satisfy) it. */
  field?: string;
  /** Why it is missing / what to add. */
  message?: string;
}

export interface ConformanceReport {
  elements: ConformanceElement[];
  /** The required elements that are missing. */
  missing: ConformanceElement[];
  publishable: boolean;
  summary: Record<
    StandardId,
    { required: number; requiredPresent: number; optional: number; optionalPresent: number }
  >;
}

/** The NMF floor: "at least one hour of learning". */
export const NMF_MINIMUM_HOURS = 1;

/** A CTID as Credential Engine mints them: `ce-` + a lower-case UUID. */
const CTID = /^ce-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function nonEmpty(value: readonly unknown[] | undefined): boolean {
  return value !== undefined && value.length > 0;
}

function hasText(value: string | null | undefined): boolean {
  return typeof value === 'string' && value.trim() !== '';
}

function isHttpUrl(value: string): boolean {
  return /^https?:\/\/\S+$/i.test(value);
}

/** Every skill the definition aligns to: its own and its learning outcomes'. */
export function allSkillUris(content: DefinitionContent): string[] {
  const uris = new Set<string>();
  for (const skill of content.skills ?? []) uris.add(skill.uri);
  for (const outcome of content.learningOutcomes ?? []) {
    for (const skill of outcome.skills ?? []) uris.add(skill.uri);
  }
  return [...uris];
}

/**
 * Whether the definition states its assessment criteria in a form exports can use as OB 3.0 `criteria`:
 * its own criteria (narrative or page), or the assessment's pass criteria, which exports fall back to.
 */
export function hasCriteria(content: DefinitionContent): boolean {
  return (
    hasText(content.criteria?.narrative) ||
    hasText(content.criteria?.url) ||
    hasText(content.assessment?.passCriteria)
  );
}

/** The countries of the issuer: stated, or the awarding bodies' or the provider's. */
export function issuerCountriesOf(facts: DefinitionFacts): string[] {
  const countries = new Set<string>(facts.content.issuerCountries ?? []);
  for (const body of facts.content.awardingBodies ?? []) if (body.country) countries.add(body.country);
  if (countries.size === 0 && facts.provider.country) countries.add(facts.provider.country);
  return [...countries];
}

/** Whether the volume of learning reaches the NMF's hour (credit points in any framework are > 1 hour). */
function meetsMinimumVolume(content: DefinitionContent): boolean {
  const hours = content.workload?.hours;
  if (hours !== undefined) return hours >= NMF_MINIMUM_HOURS;
  return (content.workload?.creditPoints?.value ?? 0) > 0;
}

type Check = Omit<ConformanceElement, 'standard' | 'present' | 'message'> & {
  present: boolean;
  /** What to add, shown when the element is missing. */
  add: string;
};

function euElements(facts: DefinitionFacts): Check[] {
  const c = facts.content;
  return [
    {
      id: 'eu.learner',
      label: 'Identification of the learner',
      required: true,
      present: true,
      providedAtIssue: true,
      add: 'Supplied with each award (the credential subject).',
    },
    {
      id: 'eu.title',
      label: 'Title of the micro-credential',
      required: true,
      present: hasText(c.title),
      field: '/title',
      add: 'Add a title.',
    },
    {
      id: 'eu.issuer-country',
      label: 'Country(ies)/region(s) of the issuer',
      required: true,
      present: issuerCountriesOf(facts).length > 0,
      field: '/issuerCountries',
      add: "Add the issuer's country (ISO 3166-1 alpha-2, e.g. ES), or a country on an awarding body.",
    },
    {
      id: 'eu.awarding-body',
      label: 'Awarding body(ies)',
      required: true,
      // The owning organisation is the awarding body when none is listed.
      present: nonEmpty(c.awardingBodies) || hasText(facts.provider.name),
      field: '/awardingBodies',
      add: 'Add the awarding body (name, web site, country).',
    },
    {
      id: 'eu.date-of-issuing',
      label: 'Date of issuing',
      required: true,
      present: true,
      providedAtIssue: true,
      add: 'Supplied with each award (validFrom / awardedDate).',
    },
    {
      id: 'eu.learning-outcomes',
      label: 'Learning outcomes',
      required: true,
      present: nonEmpty(c.learningOutcomes),
      field: '/learningOutcomes',
      add: 'Add at least one learning outcome ("The learner can …"), ideally aligned to framework skills.',
    },
    {
      id: 'eu.workload',
      label: 'Notional workload (ECTS wherever possible)',
      required: true,
      present: c.workload?.hours !== undefined || c.workload?.creditPoints !== undefined,
      field: '/workload',
      add: 'Add the notional workload: hours and, wherever possible, ECTS credit points.',
    },
    {
      id: 'eu.level',
      label: 'Level (and cycle) of the learning experience (EQF, QF-EHEA), if applicable',
      // "If applicable": a level can always be stated, in a framework (EQF, NQF, AQF, QF-EHEA) or, for
      // learning not referenced to one, as a difficulty. Requiring it keeps the catalogue filterable by level.
      required: true,
      present: c.level !== undefined,
      field: '/level',
      add: 'Add the level: EQF/NQF/AQF/QF-EHEA, or a difficulty (introductory … expert) when no framework applies.',
    },
    {
      id: 'eu.assessment-type',
      label: 'Type of assessment',
      required: true,
      present: c.assessment?.type !== undefined,
      field: '/assessment/type',
      add: 'Add the type of assessment (test, practical, portfolio, project, oral, exam or external).',
    },
    {
      id: 'eu.participation',
      label: 'Form of participation (online, onsite, blended; self-paced or not)',
      required: true,
      present: c.participation?.mode !== undefined,
      field: '/participation/mode',
      add: 'Add the form of participation: online, onsite or blended, and whether it is self-paced.',
    },
    {
      id: 'eu.quality-assurance',
      label: 'Type of quality assurance',
      required: true,
      present: hasText(c.qualityAssurance?.statement),
      field: '/qualityAssurance/statement',
      add: 'Add a quality-assurance statement: who assures the quality and how.',
    },
    {
      id: 'eu.prerequisites',
      label: 'Prerequisites needed to enrol',
      required: false,
      present: hasText(c.prerequisites?.narrative) || nonEmpty(c.prerequisites?.definitionIds),
      field: '/prerequisites',
      add: 'Describe the prerequisites (or say there are none).',
    },
    {
      id: 'eu.supervision',
      label: 'Supervision and identity verification during assessment',
      required: false,
      present: c.assessment?.supervision !== undefined,
      field: '/assessment/supervision',
      add: 'Say whether the assessment is supervised and whether the learner’s identity is verified.',
    },
    {
      id: 'eu.grade',
      label: 'Grade achieved',
      required: false,
      // The grade itself comes with each award; the definition states the scheme it is given in.
      providedAtIssue: true,
      present: hasText(c.assessment?.gradingScheme) || c.assessment?.passMark !== undefined,
      field: '/assessment/gradingScheme',
      add: 'Add the grading scheme (e.g. pass/fail, percentage) so awards can carry a grade.',
    },
    {
      id: 'eu.stackability',
      label: 'Integration / stackability options',
      required: false,
      present: c.stackability !== undefined,
      field: '/stackability',
      add: 'Say whether it stands alone or stacks towards another credential.',
    },
    {
      id: 'eu.further-information',
      label: 'Further information',
      required: false,
      present: hasText(c.furtherInformation),
      field: '/furtherInformation',
      add: 'Add further information for learners (optional).',
    },
  ];
}

function nmfElements(facts: DefinitionFacts): Check[] {
  const c = facts.content;
  const hours = c.workload?.hours;
  return [
    {
      id: 'nmf.learning-outcomes',
      label: 'Learning outcomes clearly stated',
      required: true,
      present: nonEmpty(c.learningOutcomes),
      field: '/learningOutcomes',
      add: 'State the learning outcomes.',
    },
    {
      id: 'nmf.assessment',
      label: 'Assessment that evidences the learning outcomes',
      required: true,
      present: c.assessment?.type !== undefined,
      field: '/assessment',
      add: 'Add the assessment that evidences the outcomes: a microcredential certifies assessed learning.',
    },
    {
      id: 'nmf.volume-of-learning',
      label: 'Volume of learning of at least one hour',
      required: true,
      present: meetsMinimumVolume(c),
      field: '/workload/hours',
      add:
        hours !== undefined && hours < NMF_MINIMUM_HOURS
          ? `The volume of learning is ${hours} h: the NMF requires at least ${NMF_MINIMUM_HOURS} hour.`
          : 'Add the volume of learning in hours (at least one hour).',
    },
    {
      id: 'nmf.quality-assurance',
      label: 'Quality-assurance statement',
      required: true,
      present: hasText(c.qualityAssurance?.statement),
      field: '/qualityAssurance/statement',
      add: 'Add a quality-assurance statement: the provider, its QA process, how the credential is reviewed.',
    },
    {
      id: 'nmf.review-process',
      label: 'How the microcredential is reviewed and updated',
      required: false,
      present: hasText(c.qualityAssurance?.reviewProcess),
      field: '/qualityAssurance/reviewProcess',
      add: 'Describe how and how often the credential is reviewed and updated.',
    },
    {
      id: 'nmf.delivery-mode',
      label: 'Delivery mode (onsite, online, mixed; synchronous or not; location)',
      required: true,
      present: c.participation?.mode !== undefined,
      field: '/participation/mode',
      add: 'Add the delivery mode (online, onsite or blended).',
    },
    {
      id: 'nmf.duration',
      label: 'Duration',
      required: true,
      present: c.duration !== undefined,
      field: '/duration',
      add: 'Add the duration as an ISO 8601 period, e.g. P6W for six weeks.',
    },
    {
      id: 'nmf.cost',
      label: 'Cost',
      required: true,
      present: c.cost !== undefined,
      field: '/cost',
      add: 'Add the cost (0 when free) and its currency.',
    },
    {
      id: 'nmf.credit-recognition',
      label: 'Credit recognition (towards awards, industry/vendor certifications, pathways)',
      required: false,
      present: hasText(c.stackability?.creditRecognition) || nonEmpty(c.stackability?.partOf),
      field: '/stackability/creditRecognition',
      add: 'Say what credit it earns towards which awards or certifications, if any.',
    },
    {
      id: 'nmf.industry-recognition',
      label: 'Industry recognition',
      required: false,
      present: nonEmpty(c.endorsements) || nonEmpty(c.qualityAssurance?.accreditations),
      field: '/endorsements',
      add: 'List the industry or professional bodies that endorse or recognise it, if any.',
    },
  ];
}

function ob3Elements(facts: DefinitionFacts): Check[] {
  const c = facts.content;
  return [
    {
      id: 'ob3.id',
      label: 'id',
      required: true,
      present: hasText(facts.uri),
      add: 'The definition needs a public URI (minted when it is saved).',
    },
    { id: 'ob3.type', label: 'type', required: true, present: true, add: 'Always "Achievement".' },
    {
      id: 'ob3.name',
      label: 'name',
      required: true,
      present: hasText(c.title),
      field: '/title',
      add: 'Add a title.',
    },
    {
      id: 'ob3.description',
      label: 'description',
      required: true,
      present: hasText(c.description),
      field: '/description',
      add: 'Add a description of the achievement.',
    },
    {
      id: 'ob3.criteria',
      label: 'criteria',
      required: true,
      present: hasCriteria(c),
      field: '/criteria',
      add: 'Add the criteria for earning it: a Markdown narrative and/or a criteria web page.',
    },
    {
      id: 'ob3.achievement-type',
      label: 'achievementType',
      required: false,
      present: hasText(c.achievementType),
      field: '/achievementType',
      add: 'Choose an achievement type (MicroCredential is assumed).',
    },
    {
      id: 'ob3.alignment',
      label: 'alignment',
      required: false,
      present: allSkillUris(c).length > 0,
      field: '/skills',
      add: 'Align the credential or its outcomes to framework skills (ESCO, O*NET).',
    },
    {
      id: 'ob3.creator',
      label: 'creator',
      required: false,
      // The creator Profile needs an id: the organisation's web site is the one the definition knows.
      present: isHttpUrl(facts.provider.url ?? ''),
      add: "Add the organisation's web site: the creator Profile is identified by it.",
    },
    {
      id: 'ob3.credits-available',
      label: 'creditsAvailable',
      required: false,
      present: c.workload?.creditPoints !== undefined,
      field: '/workload/creditPoints',
      add: 'Add the credit points it is worth.',
    },
    {
      id: 'ob3.field-of-study',
      label: 'fieldOfStudy',
      required: false,
      present: hasText(c.fieldOfStudy),
      field: '/fieldOfStudy',
      add: 'Add the field of study.',
    },
    {
      id: 'ob3.human-code',
      label: 'humanCode',
      required: false,
      present: hasText(c.humanCode),
      field: '/humanCode',
      add: 'Add a short code people use for it (e.g. RAG-101).',
    },
    {
      id: 'ob3.image',
      label: 'image',
      required: false,
      present: hasText(c.image),
      field: '/image',
      add: 'Add a badge image.',
    },
    {
      id: 'ob3.in-language',
      label: 'inLanguage',
      required: false,
      present: nonEmpty(c.languages),
      field: '/languages',
      add: 'Add the language(s) of instruction and assessment.',
    },
    {
      id: 'ob3.result-description',
      label: 'resultDescription',
      required: false,
      present: c.assessment?.passMark !== undefined || hasText(c.assessment?.gradingScheme),
      field: '/assessment/passMark',
      add: 'Add a pass mark or grading scheme so awards can carry a result.',
    },
    {
      id: 'ob3.tag',
      label: 'tag',
      required: false,
      present: nonEmpty(c.tags),
      field: '/tags',
      add: 'Add tags.',
    },
    {
      id: 'ob3.version',
      label: 'version',
      required: false,
      present: facts.version > 0,
      add: 'Versions are numbered on saving.',
    },
    {
      id: 'ob3.related',
      label: 'related (previous version)',
      required: false,
      present: hasText(facts.previousVersionUri),
      add: 'Linked automatically when a new version supersedes a published one.',
    },
  ];
}

function ctdlElements(facts: DefinitionFacts): Check[] {
  const c = facts.content;
  // Our own definitions are published at their URI, which is their subject webpage unless another is given.
  const webpage = hasText(c.subjectWebpage) || (facts.source === 'own' && isHttpUrl(facts.uri));
  return [
    {
      id: 'ctdl.type',
      label: 'Credential type',
      required: true,
      // Mapped from achievementType; MicroCredential when none is chosen.
      present: true,
      field: '/achievementType',
      add: 'Choose an achievement type.',
    },
    {
      id: 'ctdl.name',
      label: 'Name',
      required: true,
      present: hasText(c.title),
      field: '/title',
      add: 'Add a title.',
    },
    {
      id: 'ctdl.description',
      label: 'Description',
      required: true,
      present: hasText(c.description),
      field: '/description',
      add: 'Add a description.',
    },
    {
      id: 'ctdl.ctid',
      label: 'CTID',
      required: true,
      present: CTID.test(facts.ctid),
      add: 'The CTID (ce-<uuid>) is minted from the series id; an imported entry needs its source CTID.',
    },
    {
      id: 'ctdl.owner',
      label: 'Owned by / offered by',
      required: true,
      present: hasText(facts.provider.name),
      field: '/awardingBodies',
      add: 'The credential needs an owning organisation.',
    },
    {
      id: 'ctdl.subject-webpage',
      label: 'SubjectWebpage',
      required: true,
      present: webpage,
      field: '/subjectWebpage',
      add: 'Add the public web page that describes the credential.',
    },
    {
      id: 'ctdl.in-language',
      label: 'InLanguage',
      required: true,
      present: nonEmpty(c.languages),
      field: '/languages',
      add: 'Add the language(s) as BCP 47 tags, e.g. en, es.',
    },
    {
      id: 'ctdl.audience-level',
      label: 'AudienceLevelType',
      required: false,
      present: c.level !== undefined,
      field: '/level',
      add: 'Add the level.',
    },
    {
      id: 'ctdl.learning-delivery',
      label: 'LearningDeliveryType',
      required: false,
      present: c.participation !== undefined,
      field: '/participation/mode',
      add: 'Add the delivery mode.',
    },
    {
      id: 'ctdl.assessment-delivery',
      label: 'AssessmentDeliveryType',
      required: false,
      present: c.assessment?.supervision !== undefined || c.participation !== undefined,
      field: '/assessment/supervision',
      add: 'Say how the assessment is delivered (online or onsite, supervised or not).',
    },
    {
      id: 'ctdl.estimated-duration',
      label: 'EstimatedDuration',
      required: false,
      present: c.duration !== undefined || c.workload?.hours !== undefined,
      field: '/duration',
      add: 'Add the duration.',
    },
    {
      id: 'ctdl.estimated-cost',
      label: 'EstimatedCost',
      required: false,
      present: c.cost !== undefined,
      field: '/cost',
      add: 'Add the cost.',
    },
    {
      id: 'ctdl.keyword',
      label: 'Keyword',
      required: false,
      present: nonEmpty(c.tags),
      field: '/tags',
      add: 'Add keywords (tags).',
    },
    {
      id: 'ctdl.occupation-type',
      label: 'OccupationType',
      required: false,
      present: nonEmpty(c.occupations),
      field: '/occupations',
      add: 'Add the occupations it prepares for (O*NET, ESCO).',
    },
    {
      id: 'ctdl.industry-type',
      label: 'IndustryType',
      required: false,
      present: nonEmpty(c.industries),
      field: '/industries',
      add: 'Add the industries it serves.',
    },
    {
      id: 'ctdl.quality-assurance',
      label: 'AccreditedBy / RecognizedBy',
      required: false,
      present: nonEmpty(c.qualityAssurance?.accreditations) || nonEmpty(c.endorsements),
      field: '/qualityAssurance/accreditations',
      add: 'List accrediting or recognising bodies, if any.',
    },
    {
      id: 'ctdl.requires',
      label: 'Requires (conditions)',
      required: false,
      present: hasCriteria(c) || c.assessment !== undefined,
      field: '/criteria',
      add: 'Add the criteria or the assessment.',
    },
    {
      id: 'ctdl.renewal',
      label: 'Renewal / RenewalFrequency',
      required: false,
      present: c.validity?.months !== undefined || hasText(c.validity?.renewal),
      field: '/validity',
      add: 'Add the validity period and renewal rule, if it expires.',
    },
    {
      id: 'ctdl.is-part-of',
      label: 'IsPartOf',
      required: false,
      present: nonEmpty(c.stackability?.partOf),
      field: '/stackability/partOf',
      add: 'List the larger credentials it counts towards, if any.',
    },
    {
      id: 'ctdl.credit-value',
      label: 'CreditValue',
      required: false,
      present: c.workload?.creditPoints !== undefined,
      field: '/workload/creditPoints',
      add: 'Add the credit points.',
    },
    {
      id: 'ctdl.version-identifier',
      label: 'VersionIdentifier',
      required: false,
      present: facts.version > 0,
      add: 'Versions are numbered on saving.',
    },
    {
      id: 'ctdl.previous-version',
      label: 'PreviousVersion',
      required: false,
      present: hasText(facts.previousVersionUri),
      add: 'Linked automatically when a new version supersedes a published one.',
    },
    {
      id: 'ctdl.date-effective',
      label: 'DateEffective',
      required: false,
      present: facts.publishedAt != null,
      add: 'Set when the definition is published.',
    },
  ];
}

function toElement(standard: StandardId, check: Check): ConformanceElement {
  const { add, ...rest } = check;
  return {
    standard,
    ...rest,
    ...(check.present && !check.providedAtIssue ? {} : { message: add }),
  };
}

/**
 * Each EU / NMF / OB 3.0 / CTDL element of ../shared/guides/credential-definition.md, present or missing,
 * with the content field that satisfies it and, when missing, what to add. `publishable` is false while a
 * required element is missing; whether the assessment instrument itself is ready is the catalogue's
 * separate check (`DefinitionFacts.assessmentReady`), not a standard's.
 */
export function conformanceReport(definition: DefinitionFacts): ConformanceReport {
  const elements = [
    ...euElements(definition).map((check) => toElement('eu', check)),
    ...nmfElements(definition).map((check) => toElement('nmf', check)),
    ...ob3Elements(definition).map((check) => toElement('ob3', check)),
    ...ctdlElements(definition).map((check) => toElement('ctdl', check)),
  ];
  const missing = elements.filter((element) => element.required && !element.present);
  const summary = Object.fromEntries(
    STANDARDS.map((standard) => {
      const own = elements.filter((element) => element.standard === standard);
      const required = own.filter((element) => element.required);
      const optional = own.filter((element) => !element.required);
      return [
        standard,
        {
          required: required.length,
          requiredPresent: required.filter((element) => element.present).length,
          optional: optional.length,
          optionalPresent: optional.filter((element) => element.present).length,
        },
      ];
    }),
  ) as ConformanceReport['summary'];
  return { elements, missing, publishable: missing.length === 0, summary };
}
