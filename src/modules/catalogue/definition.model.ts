import { type Static, type TSchema, Type } from '@sinclair/typebox';

/**
 * The content of a credential definition: one record that satisfies the EU Council Recommendation's Annex I,
 * Australia's National Microcredentials Framework, the Open Badges 3.0 `Achievement` and CTDL's
 * `Credential` at once (../shared/guides/credential-definition.md, "The merged minimum").
 *
 * Field names are ours; `catalogue/exports.ts` maps them to OB 3.0 and CTDL, `catalogue/conformance.ts`
 * reports which standard element each satisfies. Nearly everything is optional in the schema so that a
 * draft can be saved half-written: what a standard *requires* is judged by the conformance report, and
 * publishing is refused while a mandatory element is missing.
 *
 * The same shape holds definitions written here and credentials imported from other providers (CTDL, OB 3.0
 * Achievement JSON, CSV).
 */

const Text = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, ...(description ? { description } : {}) });
const Url = (description?: string) =>
  Type.String({
    minLength: 3,
    maxLength: 2000,
    pattern: '^[A-Za-z][A-Za-z0-9+.-]*:\\S+$',
    ...(description ? { description } : {}),
  });
const strict = <T extends Record<string, TSchema>>(properties: T, description?: string) =>
  Type.Object(properties, { additionalProperties: false, ...(description ? { description } : {}) });
const Opt = Type.Optional;

/** A reference to a skill in a framework (ESCO, O*NET) or an organisation-defined skill. */
export const SkillRefSchema = strict({
  /** The skill's URI: an ESCO/O*NET concept URI, or our URI for an organisation-defined skill. */
  uri: Url('The skill URI (ESCO, O*NET or organisation-defined)'),
  /** Filled in from the skills store when known; kept so exports stay readable. */
  label: Opt(Text(500)),
  /** The framework's short name, e.g. `esco`, `onet`, or `org:<slug>`. */
  framework: Opt(Text(200)),
});

export const LearningOutcomeSchema = strict({
  /** Stable within the definition so results and rubric criteria can point at it; minted when absent. */
  id: Opt(Text(100)),
  /** "The learner can …": an observable, assessable statement. */
  statement: Text(2000),
  skills: Opt(Type.Array(SkillRefSchema, { maxItems: 50 })),
});

export const PartySchema = strict({
  name: Text(500),
  url: Opt(Url()),
  /** ISO 3166-1 alpha-2. */
  country: Opt(Type.String({ pattern: '^[A-Z]{2}$' })),
});

export const CREDIT_FRAMEWORKS = ['ECTS', 'ECVET', 'CATS', 'US-credit-hour', 'AQF-credit', 'other'] as const;
export const LEVEL_FRAMEWORKS = ['EQF', 'NQF', 'AQF', 'QF-EHEA', 'difficulty'] as const;
export const DIFFICULTY_LEVELS = ['introductory', 'intermediate', 'advanced', 'expert'] as const;

/** The assessment instrument kinds Credstack runs itself, plus `external` (results come from an LMS/CSV). */
export const ASSESSMENT_TYPES = [
  'test',
  'practical',
  'portfolio',
  'project',
  'oral',
  'exam',
  'external',
] as const;
/** EU Annex I optional element "supervision and identity verification during assessment". */
export const SUPERVISION_LEVELS = [
  'unsupervised-no-id',
  'supervised-no-id',
  'supervised-online-id',
  'supervised-onsite-id',
] as const;
export const DELIVERY_MODES = ['online', 'onsite', 'blended'] as const;

export const AssessmentSpecSchema = strict({
  type: Type.Union(ASSESSMENT_TYPES.map((value) => Type.Literal(value))),
  description: Opt(Text(4000)),
  supervision: Opt(Type.Union(SUPERVISION_LEVELS.map((value) => Type.Literal(value)))),
  /** e.g. "pass/fail", "percentage 0–100", "A–F". */
  gradingScheme: Opt(Text(500)),
  /** Percentage of the maximum score needed to pass, when the instrument is scored. */
  passMark: Opt(Type.Number({ minimum: 0, maximum: 100 })),
  /** Markdown: what a pass looks like. */
  passCriteria: Opt(Text(4000)),
});

export const DefinitionContentSchema = strict({
  title: Text(500),
  description: Opt(Text(10000)),
  /** An OB 3.0 achievementType; `MicroCredential` by default. */
  achievementType: Opt(Text(100)),
  humanCode: Opt(Text(200)),
  /** Awarding bodies (EU 4); the owning organisation is implied when empty. */
  awardingBodies: Opt(Type.Array(PartySchema, { maxItems: 20 })),
  /** Countries/regions of the issuer (EU 3), ISO 3166-1 alpha-2. */
  issuerCountries: Opt(Type.Array(Type.String({ pattern: '^[A-Z]{2}$' }), { maxItems: 50 })),
  /** OB 3.0 criteria: Markdown narrative and/or a web page. */
  criteria: Opt(strict({ narrative: Opt(Text(10000)), url: Opt(Url()) })),
  learningOutcomes: Opt(Type.Array(LearningOutcomeSchema, { maxItems: 100 })),
  /** Skills the credential as a whole aligns to, besides those of its outcomes. */
  skills: Opt(Type.Array(SkillRefSchema, { maxItems: 100 })),
  /** EU 7 / NMF volume of learning. */
  workload: Opt(
    strict({
      hours: Opt(Type.Number({ minimum: 0, maximum: 100000 })),
      creditPoints: Opt(
        strict({
          value: Type.Number({ minimum: 0, maximum: 1000 }),
          framework: Type.Union(CREDIT_FRAMEWORKS.map((value) => Type.Literal(value))),
        }),
      ),
    }),
  ),
  /** EU 8. For `difficulty`, value is one of DIFFICULTY_LEVELS; for EQF/NQF/AQF a number as text. */
  level: Opt(
    strict({
      framework: Type.Union(LEVEL_FRAMEWORKS.map((value) => Type.Literal(value))),
      value: Text(50),
    }),
  ),
  /** EU 9 and the instrument's settings summary; the instrument itself lives in the assessment module. */
  assessment: Opt(AssessmentSpecSchema),
  /** EU 10 / NMF delivery mode. */
  participation: Opt(
    strict({
      mode: Type.Union(DELIVERY_MODES.map((value) => Type.Literal(value))),
      selfPaced: Opt(Type.Boolean()),
      synchronous: Opt(Type.Boolean()),
      location: Opt(Text(500)),
    }),
  ),
  /** EU 11 / NMF quality-assurance statement. */
  qualityAssurance: Opt(
    strict({
      statement: Text(4000),
      /** How the credential is reviewed and updated. */
      reviewProcess: Opt(Text(4000)),
      accreditations: Opt(Type.Array(PartySchema, { maxItems: 20 })),
    }),
  ),
  prerequisites: Opt(
    strict({
      narrative: Opt(Text(4000)),
      /** Other definitions (series ids of this catalogue) required first. */
      definitionIds: Opt(Type.Array(Type.String({ format: 'uuid' }), { maxItems: 50 })),
    }),
  ),
  stackability: Opt(
    strict({
      standalone: Type.Boolean(),
      /** Larger credentials this one counts towards. */
      partOf: Opt(Type.Array(PartySchema, { maxItems: 20 })),
      /** NMF credit recognition: towards which awards or certifications, how much. */
      creditRecognition: Opt(Text(4000)),
    }),
  ),
  /** Validity of an earned credential; `months` absent = does not expire. */
  validity: Opt(
    strict({
      months: Opt(Type.Integer({ minimum: 1, maximum: 600 })),
      renewal: Opt(Text(2000)),
    }),
  ),
  /** BCP 47 language tags of instruction and assessment. */
  languages: Opt(
    Type.Array(Type.String({ pattern: '^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$' }), { maxItems: 20 }),
  ),
  cost: Opt(
    strict({
      amount: Type.Number({ minimum: 0 }),
      /** ISO 4217. */
      currency: Type.String({ pattern: '^[A-Z]{3}$' }),
      description: Opt(Text(1000)),
    }),
  ),
  /** ISO 8601 duration, e.g. `P6W`. */
  duration: Opt(
    Type.String({ pattern: '^P(?!$)(\\d+Y)?(\\d+M)?(\\d+W)?(\\d+D)?(T(?=\\d)(\\d+H)?(\\d+M)?(\\d+S)?)?$' }),
  ),
  occupations: Opt(Type.Array(SkillRefSchema, { maxItems: 50 })),
  industries: Opt(Type.Array(Text(200), { maxItems: 20 })),
  endorsements: Opt(Type.Array(PartySchema, { maxItems: 20 })),
  /** CTDL SubjectWebpage: the public page describing the credential. */
  subjectWebpage: Opt(Url()),
  image: Opt(Url('Image URL or data: URI')),
  tags: Opt(Type.Array(Text(100), { maxItems: 50 })),
  fieldOfStudy: Opt(Text(500)),
  furtherInformation: Opt(Text(4000)),
});

export type SkillRef = Static<typeof SkillRefSchema>;
export type LearningOutcome = Static<typeof LearningOutcomeSchema>;
export type Party = Static<typeof PartySchema>;
export type AssessmentSpec = Static<typeof AssessmentSpecSchema>;
export type DefinitionContent = Static<typeof DefinitionContentSchema>;

export type DefinitionStatus = 'draft' | 'in_review' | 'published' | 'retired';
export type DefinitionSource = 'own' | 'external';

/**
 * A definition as the pure functions (conformance, quality, exports) see it: its content plus the facts
 * that live outside the content.
 */
export interface DefinitionFacts {
  content: DefinitionContent;
  source: DefinitionSource;
  /** Series id (stable across versions) and version number. */
  seriesId: string;
  version: number;
  status: DefinitionStatus;
  /** The owning organisation, or for external entries the provider. */
  provider: { name: string; url?: string | null; country?: string | null };
  /** The public URI of this version (our URL) or, for external entries, the source's URI/CTID. */
  uri: string;
  /** The CTID (`ce-<uuid>`), minted for our own definitions from the series id. */
  ctid: string;
  /** True when an assessment instrument (test, rubric or external results) is configured and ready. */
  assessmentReady: boolean;
  /** Whether credentials of it are verifiable (always true for ours; from the import for external ones). */
  verifiable: boolean;
  publishedAt?: Date | null;
  updatedAt?: Date | null;
  /** The previous version's URI, if any. */
  previousVersionUri?: string | null;
}
