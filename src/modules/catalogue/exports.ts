import { CONTEXT_URLS, OB_CONTEXT_URL } from '../../core/vc/contexts.ts';
import {
  ACHIEVEMENT_TYPES,
  type AchievementInput,
  type AlignmentInput,
  type ResultDescriptionInput,
} from '../../core/vc/open-badges.ts';
import { issuerCountriesOf } from './conformance.ts';
import type {
  AssessmentSpec,
  DefinitionContent,
  DefinitionFacts,
  LearningOutcome,
  Party,
  SkillRef,
} from './definition.model.ts';

/**
 * Exports of a definition: the OB 3.0 `Achievement` (JSON-LD, every property a term of the bundled OB
 * 3.0.3 context), the {@link AchievementInput} embedded in the credentials issued for it, and a CTDL
 * `ceterms:*` credential. The facts OB has no term for (EU/NMF workload hours, level, delivery mode,
 * QA statement, cost, duration, validity…) go only to CTDL. docs/definition-standards.md tabulates the
 * mappings; imports.ts reads both formats back.
 */

type Json = Record<string, unknown>;

/** The `@context` of an exported Achievement: VC 2.0 (name, description) then the OB 3.0.3 context. */
export const ACHIEVEMENT_CONTEXT = [CONTEXT_URLS.VC_V2, OB_CONTEXT_URL] as const;

export const CTDL_CONTEXT = 'https://credreg.net/ctdl/schema/context/json';

export const DEFAULT_ACHIEVEMENT_TYPE = 'MicroCredential';

/** OB 3.0 achievementType ↔ CTDL credential class (both directions; first match wins when reading CTDL). */
export const CTDL_CREDENTIAL_CLASSES: ReadonlyArray<readonly [achievementType: string, ctdlClass: string]> = [
  ['MicroCredential', 'ceterms:MicroCredential'],
  ['Badge', 'ceterms:DigitalBadge'],
  ['Badge', 'ceterms:OpenBadge'],
  ['Badge', 'ceterms:Badge'],
  ['Certificate', 'ceterms:Certificate'],
  ['Certificate', 'ceterms:ProfessionalCertificate'],
  ['Certificate', 'ceterms:AcademicCertificate'],
  ['Certificate', 'ceterms:BasicTechnicalCertificate'],
  ['CertificateOfCompletion', 'ceterms:CertificateOfCompletion'],
  ['CertificateOfCompletion', 'ceterms:CertificateOfParticipation'],
  ['Certification', 'ceterms:Certification'],
  ['License', 'ceterms:License'],
  ['Diploma', 'ceterms:Diploma'],
  ['SecondarySchoolDiploma', 'ceterms:SecondarySchoolDiploma'],
  ['GeneralEducationDevelopment', 'ceterms:GeneralEducationDevelopment'],
  ['Degree', 'ceterms:Degree'],
  ['AssociateDegree', 'ceterms:AssociateDegree'],
  ['BachelorDegree', 'ceterms:BachelorDegree'],
  ['MasterDegree', 'ceterms:MasterDegree'],
  ['DoctoralDegree', 'ceterms:DoctoralDegree'],
  ['ResearchDoctorate', 'ceterms:ResearchDoctorate'],
  ['ProfessionalDoctorate', 'ceterms:ProfessionalDoctorate'],
  ['ApprenticeshipCertificate', 'ceterms:ApprenticeshipCertificate'],
  ['JourneymanCertificate', 'ceterms:JourneymanCertificate'],
  ['MasterCertificate', 'ceterms:MasterCertificate'],
  ['QualityAssuranceCredential', 'ceterms:QualityAssuranceCredential'],
  ['Achievement', 'ceterms:Credential'],
];

/** The CTDL class for an achievement type; plain `ceterms:Credential` for types CTDL has no class for. */
export function ctdlClassFor(achievementType: string | undefined): string {
  const type = achievementType ?? DEFAULT_ACHIEVEMENT_TYPE;
  return CTDL_CREDENTIAL_CLASSES.find(([ob]) => ob === type)?.[1] ?? 'ceterms:Credential';
}

/** OB extension terms must be `ext:` + [a-zA-Z0-9.-_]; others are made into one. */
export function obAchievementType(value: string | undefined): string {
  if (value === undefined || value.trim() === '') return DEFAULT_ACHIEVEMENT_TYPE;
  if ((ACHIEVEMENT_TYPES as readonly string[]).includes(value) || /^ext:[a-zA-Z0-9.\-_]+$/.test(value)) {
    return value;
  }
  const name = value.replace(/^ext:/, '').replace(/[^a-zA-Z0-9.\-_]/g, '');
  return name === '' ? DEFAULT_ACHIEVEMENT_TYPE : `ext:${name}`;
}

/** CTDL audience levels for our difficulty levels, and the reading of a few degree levels as EQF. */
export const AUDIENCE_LEVELS: Record<string, string> = {
  introductory: 'audLevel:BeginnerLevel',
  intermediate: 'audLevel:IntermediateLevel',
  advanced: 'audLevel:AdvancedLevel',
  expert: 'audLevel:ProfessionalLevel',
};

export const DELIVERY_TYPES: Record<string, string> = {
  online: 'deliveryType:OnlineOnly',
  onsite: 'deliveryType:InPerson',
  blended: 'deliveryType:BlendedDelivery',
};

/** CTDL assessment methods: exams, performances (practical, oral) and artifacts (portfolio, project). */
export const ASSESSMENT_METHODS: Record<AssessmentSpec['type'], string | undefined> = {
  test: 'assessMethod:Exam',
  exam: 'assessMethod:Exam',
  practical: 'assessMethod:Performance',
  oral: 'assessMethod:Performance',
  portfolio: 'assessMethod:Artifact',
  project: 'assessMethod:Artifact',
  external: undefined,
};

/** The description that marks the workload DurationProfile (volume of learning) apart from the duration. */
export const WORKLOAD_DURATION_LABEL = 'Volume of learning (notional learning hours)';
/** The EU supervision levels in words (CTDL AssessmentProfile assessmentMethodDescription), read back on import. */
export const SUPERVISION_DESCRIPTIONS: Record<NonNullable<AssessmentSpec['supervision']>, string> = {
  'unsupervised-no-id': 'Unsupervised, without identity verification.',
  'supervised-no-id': 'Supervised, without identity verification.',
  'supervised-online-id': 'Supervised online, with identity verification.',
  'supervised-onsite-id': 'Supervised onsite, with identity verification.',
};

export const PREREQUISITES_CONDITION = 'Prerequisites';
export const REQUIREMENTS_CONDITION = 'Requirements';

const EQF_URI = 'http://data.europa.eu/snb/eqf/';

function isHttpUrl(value: string | null | undefined): value is string {
  return typeof value === 'string' && /^https?:\/\/\S+$/i.test(value);
}

function compact(object: Json): Json {
  return Object.fromEntries(
    Object.entries(object).filter(
      ([, value]) => value !== undefined && !(Array.isArray(value) && value.length === 0),
    ),
  );
}

/** Every skill of the definition and its outcomes, once each, the definition's own first. */
export function alignedSkills(content: DefinitionContent): SkillRef[] {
  const seen = new Map<string, SkillRef>();
  const outcomeSkills = (content.learningOutcomes ?? []).flatMap((outcome) => outcome.skills ?? []);
  for (const skill of [...(content.skills ?? []), ...outcomeSkills]) {
    const known = seen.get(skill.uri);
    if (!known) seen.set(skill.uri, skill);
    else if (!known.label && skill.label) seen.set(skill.uri, { ...known, label: skill.label });
  }
  return [...seen.values()];
}

function alignmentsFor(content: DefinitionContent): AlignmentInput[] {
  // OB requires targetUrl to be a URL; skills known only by a URN stay in CTDL.
  return alignedSkills(content)
    .filter((skill) => isHttpUrl(skill.uri))
    .map((skill) => ({
      targetName: skill.label ?? skill.uri,
      targetUrl: skill.uri,
      targetType: 'ceasn:Competency',
      ...(skill.framework ? { targetFramework: skill.framework } : {}),
    }));
}

/** Readable pass criteria when the definition gives none of its own: from the assessment settings. */
function derivedCriteria(content: DefinitionContent): string {
  const assessment = content.assessment;
  if (assessment?.passCriteria) return assessment.passCriteria;
  const outcomes = (content.learningOutcomes ?? []).map((outcome) => `- ${outcome.statement}`);
  const lines: string[] = [];
  if (assessment) {
    lines.push(
      assessment.passMark !== undefined
        ? `Pass the ${assessment.type} assessment with at least ${assessment.passMark}%.`
        : `Pass the ${assessment.type} assessment.`,
    );
  }
  if (outcomes.length > 0) lines.push('', 'The assessment evidences these learning outcomes:', ...outcomes);
  return lines.length > 0 ? lines.join('\n') : `Meet the requirements of "${content.title}".`;
}

function criteriaFor(content: DefinitionContent): { narrative?: string; id?: string } {
  const narrative = content.criteria?.narrative ?? derivedCriteria(content);
  return { ...(content.criteria?.url ? { id: content.criteria.url } : {}), narrative };
}

function resultDescriptionsFor(facts: DefinitionFacts): ResultDescriptionInput[] {
  const assessment = facts.content.assessment;
  if (!assessment) return [];
  const name = `${assessment.type[0]!.toUpperCase()}${assessment.type.slice(1)} result`;
  if (assessment.passMark !== undefined) {
    return [
      {
        id: `${facts.uri}#result`,
        name,
        resultType: 'Percent',
        requiredValue: String(assessment.passMark),
        valueMin: '0',
        valueMax: '100',
      },
    ];
  }
  if (assessment.gradingScheme && /pass\s*\/\s*fail/i.test(assessment.gradingScheme)) {
    return [
      {
        id: `${facts.uri}#result`,
        name,
        resultType: 'Status',
        allowedValue: ['Passed', 'Failed'],
        requiredValue: 'Passed',
      },
    ];
  }
  return [];
}

/** The achievement embedded in credentials issued for the definition (core/vc/open-badges.ts input). */
export function achievementInputFor(definition: DefinitionFacts): AchievementInput {
  const c = definition.content;
  const alignment = alignmentsFor(c);
  const resultDescription = resultDescriptionsFor(definition);
  return {
    id: definition.uri,
    name: c.title,
    // OB requires a description; a draft without one still exports, described by its title.
    description: c.description ?? c.title,
    criteria: criteriaFor(c),
    achievementType: obAchievementType(c.achievementType),
    ...(alignment.length > 0 ? { alignment } : {}),
    ...(c.image ? { image: c.image } : {}),
    ...(c.tags?.length ? { tag: [...c.tags] } : {}),
    ...(c.workload?.creditPoints ? { creditsAvailable: c.workload.creditPoints.value } : {}),
    ...(c.fieldOfStudy ? { fieldOfStudy: c.fieldOfStudy } : {}),
    ...(c.humanCode ? { humanCode: c.humanCode } : {}),
    ...(c.languages?.[0] ? { inLanguage: c.languages[0] } : {}),
    version: String(definition.version),
    ...(resultDescription.length > 0 ? { resultDescription } : {}),
  };
}

function creatorProfile(facts: DefinitionFacts): Json | undefined {
  // A Profile needs an id: the provider's web site is the only one the definition knows.
  if (!isHttpUrl(facts.provider.url)) return undefined;
  return compact({
    id: facts.provider.url,
    type: ['Profile'],
    name: facts.provider.name,
    url: facts.provider.url,
    address: facts.provider.country
      ? { type: ['Address'], addressCountryCode: facts.provider.country }
      : undefined,
  });
}

/** The definition as an OB 3.0 `Achievement` (JSON-LD, with its @context), for export. */
export function toOpenBadgeAchievement(definition: DefinitionFacts): Record<string, unknown> {
  const input = achievementInputFor(definition);
  const related = definition.previousVersionUri
    ? [
        compact({
          id: definition.previousVersionUri,
          type: ['Related'],
          version: definition.version > 1 ? String(definition.version - 1) : undefined,
        }),
      ]
    : [];
  return compact({
    '@context': [...ACHIEVEMENT_CONTEXT],
    id: input.id,
    type: ['Achievement'],
    name: input.name,
    description: input.description,
    criteria: input.criteria,
    achievementType: input.achievementType,
    alignment: input.alignment?.map((item) => ({ type: ['Alignment'], ...item })),
    creator: creatorProfile(definition),
    creditsAvailable: input.creditsAvailable,
    fieldOfStudy: input.fieldOfStudy,
    humanCode: input.humanCode,
    image: typeof input.image === 'string' ? { id: input.image, type: 'Image' } : undefined,
    inLanguage: input.inLanguage,
    otherIdentifier: /^ce-/.test(definition.ctid)
      ? [{ type: ['IdentifierEntry'], identifier: definition.ctid, identifierType: 'identifier' }]
      : undefined,
    related,
    resultDescription: input.resultDescription?.map((item) => ({ type: ['ResultDescription'], ...item })),
    tag: input.tag,
    version: input.version,
  });
}

// ---------------------------------------------------------------------------------------------------
// CTDL

/** A CTDL language map in the definition's first language (`en` when none is stated). */
function languageMap(content: DefinitionContent, text: string | undefined): Json | undefined {
  return text === undefined ? undefined : { [content.languages?.[0] ?? 'en']: text };
}

function organisation(content: DefinitionContent, party: Party, countries: readonly string[] = []): Json {
  const all = [...new Set([...(party.country ? [party.country] : []), ...countries])];
  return compact({
    '@type': 'ceterms:CredentialOrganization',
    'ceterms:name': languageMap(content, party.name),
    'ceterms:subjectWebpage': party.url,
    'ceterms:address': all.map((country) => ({
      '@type': 'ceterms:Place',
      'ceterms:addressCountry': country,
    })),
  });
}

function alignmentObject(
  content: DefinitionContent,
  options: { node?: string; name?: string; description?: string; framework?: string; code?: string },
): Json {
  return compact({
    '@type': 'ceterms:CredentialAlignmentObject',
    'ceterms:targetNode': options.node,
    'ceterms:targetNodeName': languageMap(content, options.name),
    'ceterms:targetNodeDescription': languageMap(content, options.description),
    'ceterms:frameworkName': languageMap(content, options.framework),
    'ceterms:codedNotation': options.code,
  });
}

function levelAlignment(content: DefinitionContent): Json | undefined {
  const level = content.level;
  if (!level) return undefined;
  if (level.framework === 'difficulty') {
    return alignmentObject(content, { node: AUDIENCE_LEVELS[level.value], name: level.value });
  }
  return alignmentObject(content, {
    node: level.framework === 'EQF' && /^[1-8]$/.test(level.value) ? `${EQF_URI}${level.value}` : undefined,
    name: level.value,
    framework: level.framework,
  });
}

function competencies(content: DefinitionContent): Json[] {
  const outcomes = (content.learningOutcomes ?? []).map((outcome: LearningOutcome) =>
    alignmentObject(content, { name: outcome.statement, code: outcome.id }),
  );
  const skills = alignedSkills(content).map((skill) =>
    alignmentObject(content, { node: skill.uri, name: skill.label, framework: skill.framework }),
  );
  return [...outcomes, ...skills];
}

function assessmentProfile(content: DefinitionContent): Json | undefined {
  const assessment = content.assessment;
  if (!assessment) return undefined;
  const scoring = [
    assessment.gradingScheme ? `Grading scheme: ${assessment.gradingScheme}` : undefined,
    assessment.passMark !== undefined ? `Pass mark: ${assessment.passMark}%` : undefined,
    assessment.passCriteria,
  ].filter((line): line is string => line !== undefined);
  const method = ASSESSMENT_METHODS[assessment.type];
  const supervision = assessment.supervision;
  const deliveredAt =
    supervision === 'supervised-onsite-id'
      ? 'onsite'
      : supervision === 'supervised-online-id'
        ? 'online'
        : content.participation?.mode;
  return compact({
    '@type': 'ceterms:AssessmentProfile',
    'ceterms:name': languageMap(content, `${assessment.type[0]!.toUpperCase()}${assessment.type.slice(1)}`),
    'ceterms:description': languageMap(content, assessment.description),
    'ceterms:assessmentMethodType': method ? [alignmentObject(content, { node: method })] : undefined,
    'ceterms:deliveryType': deliveredAt
      ? [alignmentObject(content, { node: DELIVERY_TYPES[deliveredAt] })]
      : undefined,
    'ceterms:assessmentMethodDescription': supervision
      ? languageMap(content, SUPERVISION_DESCRIPTIONS[supervision])
      : undefined,
    'ceterms:isProctored': supervision === undefined ? undefined : supervision !== 'unsupervised-no-id',
    'ceterms:scoringMethodDescription':
      scoring.length > 0 ? languageMap(content, scoring.join('\n')) : undefined,
  });
}

function conditions(content: DefinitionContent): Json[] {
  const requirements = compact({
    '@type': 'ceterms:ConditionProfile',
    'ceterms:name': languageMap(content, REQUIREMENTS_CONDITION),
    'ceterms:description': languageMap(content, content.criteria?.narrative ?? derivedCriteria(content)),
    'ceterms:subjectWebpage': content.criteria?.url,
    'ceterms:targetAssessment': [assessmentProfile(content)].filter((item) => item !== undefined),
    'ceterms:targetCompetency': competencies(content),
  });
  const prerequisites = content.prerequisites?.narrative
    ? compact({
        '@type': 'ceterms:ConditionProfile',
        'ceterms:name': languageMap(content, PREREQUISITES_CONDITION),
        'ceterms:description': languageMap(content, content.prerequisites.narrative),
      })
    : undefined;
  return [requirements, ...(prerequisites ? [prerequisites] : [])];
}

function durations(content: DefinitionContent): Json[] {
  const profiles: Json[] = [];
  if (content.duration)
    profiles.push({ '@type': 'ceterms:DurationProfile', 'ceterms:exactDuration': content.duration });
  const hours = content.workload?.hours;
  if (hours !== undefined) {
    profiles.push({
      '@type': 'ceterms:DurationProfile',
      'ceterms:description': languageMap(content, WORKLOAD_DURATION_LABEL),
      'ceterms:exactDuration': `PT${hours}H`,
    });
  }
  return profiles;
}

/** The definition as a CTDL `ceterms:*Credential` JSON-LD document. */
export function toCtdl(definition: DefinitionFacts): Record<string, unknown> {
  const c = definition.content;
  const owner: Party = {
    name: definition.provider.name,
    ...(definition.provider.url ? { url: definition.provider.url } : {}),
    ...(definition.provider.country ? { country: definition.provider.country } : {}),
  };
  const webpage =
    c.subjectWebpage ??
    (definition.source === 'own' && isHttpUrl(definition.uri) ? definition.uri : undefined);
  const credits = c.workload?.creditPoints;
  const mode = c.participation?.mode;
  return compact({
    '@context': CTDL_CONTEXT,
    '@id': definition.uri,
    '@type': ctdlClassFor(c.achievementType),
    'ceterms:ctid': definition.ctid,
    'ceterms:name': languageMap(c, c.title),
    'ceterms:description': languageMap(c, c.description),
    'ceterms:subjectWebpage': webpage,
    'ceterms:inLanguage': c.languages ? [...c.languages] : undefined,
    'ceterms:codedNotation': c.humanCode,
    'ceterms:image': c.image,
    'ceterms:keyword': c.tags?.length ? { [c.languages?.[0] ?? 'en']: [...c.tags] } : undefined,
    'ceterms:ownedBy': [organisation(c, owner, issuerCountriesOf(definition))],
    'ceterms:offeredBy': (c.awardingBodies?.length ? c.awardingBodies : [owner]).map((party) =>
      organisation(c, party),
    ),
    'ceterms:accreditedBy': (c.qualityAssurance?.accreditations ?? []).map((party) => organisation(c, party)),
    'ceterms:recognizedBy': (c.endorsements ?? []).map((party) => organisation(c, party)),
    'ceterms:processStandardsDescription': languageMap(c, c.qualityAssurance?.statement),
    'ceterms:maintenanceProcess': c.qualityAssurance?.reviewProcess
      ? [
          {
            '@type': 'ceterms:ProcessProfile',
            'ceterms:description': languageMap(c, c.qualityAssurance.reviewProcess),
          },
        ]
      : undefined,
    'ceterms:audienceLevelType': [levelAlignment(c)].filter((item) => item !== undefined),
    'ceterms:learningDeliveryType': mode ? [alignmentObject(c, { node: DELIVERY_TYPES[mode] })] : undefined,
    'ceterms:assessmentDeliveryType': assessmentProfile(c)?.['ceterms:deliveryType'],
    'ceterms:estimatedDuration': durations(c),
    'ceterms:estimatedCost': c.cost
      ? [
          compact({
            '@type': 'ceterms:CostProfile',
            'ceterms:price': c.cost.amount,
            'ceterms:currency': c.cost.currency,
            'ceterms:description': languageMap(c, c.cost.description ?? 'Cost of earning the credential'),
          }),
        ]
      : undefined,
    'ceterms:creditValue': credits
      ? [
          {
            '@type': 'schema:QuantitativeValue',
            'schema:value': credits.value,
            'schema:description': languageMap(c, credits.framework),
          },
        ]
      : undefined,
    'ceterms:occupationType': (c.occupations ?? []).map((occupation) =>
      alignmentObject(c, { node: occupation.uri, name: occupation.label, framework: occupation.framework }),
    ),
    'ceterms:industryType': (c.industries ?? []).map((industry) => alignmentObject(c, { name: industry })),
    'ceterms:instructionalProgramType': c.fieldOfStudy
      ? [alignmentObject(c, { name: c.fieldOfStudy })]
      : undefined,
    'ceterms:requires': conditions(c),
    'ceterms:renewal': c.validity?.renewal
      ? [{ '@type': 'ceterms:ConditionProfile', 'ceterms:description': languageMap(c, c.validity.renewal) }]
      : undefined,
    'ceterms:renewalFrequency': c.validity?.months !== undefined ? `P${c.validity.months}M` : undefined,
    'ceterms:isPartOf': (c.stackability?.partOf ?? []).map((party) =>
      compact({
        '@type': 'ceterms:Credential',
        'ceterms:name': languageMap(c, party.name),
        'ceterms:subjectWebpage': party.url,
      }),
    ),
    'ceterms:isAdvancedStandingFor': c.stackability?.creditRecognition
      ? [
          {
            '@type': 'ceterms:ConditionProfile',
            'ceterms:description': languageMap(c, c.stackability.creditRecognition),
          },
        ]
      : undefined,
    'ceterms:versionIdentifier': [
      {
        '@type': 'ceterms:IdentifierValue',
        'ceterms:identifierTypeName': languageMap(c, 'Version'),
        'ceterms:identifierValueCode': String(definition.version),
      },
    ],
    'ceterms:previousVersion': definition.previousVersionUri ?? undefined,
    'ceterms:dateEffective': definition.publishedAt
      ? definition.publishedAt.toISOString().slice(0, 10)
      : undefined,
  });
}
