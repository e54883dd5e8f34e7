import { Type } from '@sinclair/typebox';
import { SKILL_MATCHES, SKILL_TYPES } from '../../db/tables/skills.ts';
import { DateTime, Nullable, Slug, strict, Uri, Uuid } from '../../http/schema-kit.ts';

const Text = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, ...(description ? { description } : {}) });

export { ProblemRef } from '../../http/route-docs.ts';

export const SlugParams = strict({ slug: Slug });
export const OrgSkillParams = strict({ slug: Slug, id: Uuid });

export const SkillTypeSchema = Type.Union(
  SKILL_TYPES.map((type) => Type.Literal(type)),
  {
    description:
      'skill / knowledge (ESCO), skill-group (ESCO hierarchy), technology / technology-class (O*NET), organisation',
  },
);
export const MatchSchema = Type.Union(
  SKILL_MATCHES.map((match) => Type.Literal(match)),
  { description: 'SKOS mapping relation from the organisation skill to the framework skill' },
);
const RelationSchema = Type.Union(
  [Type.Literal('essential'), Type.Literal('optional'), Type.Literal('technology')],
  {
    description: 'ESCO essential / optional skill, or an O*NET technology skill',
  },
);

const Query = Type.String({
  minLength: 1,
  maxLength: 200,
  description: 'Words of the label, alternative labels or description; the last word may be a prefix',
});
const Cursor = Type.String({ minLength: 1, maxLength: 100, description: 'nextCursor of the previous page' });
const FrameworkSlug = Type.String({ minLength: 1, maxLength: 100, description: 'esco or onet' });

export const SkillSearchQuery = strict({
  q: Type.Optional(Query),
  framework: Type.Optional(FrameworkSlug),
  type: Type.Optional(SkillTypeSchema),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  cursor: Type.Optional(Cursor),
});

export const OccupationSearchQuery = strict({
  q: Type.Optional(Query),
  framework: Type.Optional(FrameworkSlug),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  cursor: Type.Optional(Cursor),
});

export const OrgSkillListQuery = strict({
  q: Type.Optional(Query),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
  cursor: Type.Optional(Cursor),
});

export const LookupQuery = strict({ uri: Uri('The concept URI') });

const Mapping = strict({
  targetUri: Uri('URI of a skill of an imported framework (ESCO, O*NET)'),
  match: MatchSchema,
});

export const CreateOrgSkillBody = strict({
  label: Text(200, 'The preferred label, unique within the organisation'),
  altLabels: Type.Optional(Type.Array(Text(200), { maxItems: 50, description: 'Synonyms, abbreviations' })),
  description: Type.Optional(Nullable(Type.String({ maxLength: 5000 }))),
  mappings: Type.Optional(Type.Array(Mapping, { maxItems: 50 })),
});

export const UpdateOrgSkillBody = Type.Object(
  {
    label: Type.Optional(Text(200)),
    altLabels: Type.Optional(Type.Array(Text(200), { maxItems: 50, description: 'Replaces the list' })),
    description: Type.Optional(Nullable(Type.String({ maxLength: 5000 }))),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const MappingsBody = strict({
  mappings: Type.Array(Mapping, { maxItems: 50, description: 'The complete new set; [] removes all' }),
});

// Responses ---------------------------------------------------------------------------------------------

const SkillRef = Type.Object({
  uri: Type.String(),
  label: Type.String(),
  type: SkillTypeSchema,
  framework: Type.String(),
});

export const SkillSummary = Type.Object({
  id: Uuid,
  uri: Type.String(),
  label: Type.String(),
  altLabels: Type.Array(Type.String()),
  description: Nullable(Type.String()),
  type: SkillTypeSchema,
  framework: Type.String({ description: 'esco, onet, or org:<slug>' }),
  hotTechnology: Type.Boolean({ description: 'O*NET Hot Technology' }),
  inDemand: Type.Boolean({ description: 'O*NET In Demand for at least one occupation' }),
});

const OccupationOfSkill = Type.Object({
  uri: Type.String(),
  code: Nullable(Type.String()),
  label: Type.String(),
  framework: Type.String(),
  relation: RelationSchema,
  hotTechnology: Type.Boolean(),
  inDemand: Type.Boolean(),
});

export const SkillDetailResponse = Type.Object({
  skill: Type.Object({
    ...SkillSummary.properties,
    broader: Type.Array(SkillRef),
    narrower: Type.Array(SkillRef, { description: 'At most 200' }),
    occupationCount: Type.Integer(),
    occupations: Type.Array(OccupationOfSkill, { description: 'At most 50, essential first' }),
  }),
});

export const SkillListResponse = Type.Object({
  skills: Type.Array(SkillSummary),
  nextCursor: Nullable(Type.String()),
});

export const FrameworkListResponse = Type.Object({
  frameworks: Type.Array(
    Type.Object({
      slug: Type.String(),
      name: Type.String(),
      version: Nullable(Type.String()),
      sourceUri: Nullable(Type.String()),
      attribution: Nullable(Type.String()),
      importedAt: Nullable(DateTime),
      skillCount: Type.Integer({ description: 'Skills, including hierarchy nodes' }),
      occupationCount: Type.Integer(),
    }),
  ),
});

export const OccupationSummary = Type.Object({
  id: Uuid,
  uri: Type.String(),
  code: Nullable(Type.String({ description: 'ESCO occupation code or O*NET-SOC code' })),
  label: Type.String(),
  altLabels: Type.Array(Type.String()),
  description: Nullable(Type.String()),
  iscoGroup: Nullable(Type.String()),
  framework: Type.String(),
});

export const OccupationListResponse = Type.Object({
  occupations: Type.Array(OccupationSummary),
  nextCursor: Nullable(Type.String()),
});

export const OccupationDetailResponse = Type.Object({
  occupation: Type.Object({
    ...OccupationSummary.properties,
    skills: Type.Array(
      Type.Object({
        ...SkillRef.properties,
        relation: RelationSchema,
        hotTechnology: Type.Boolean(),
        inDemand: Type.Boolean(),
      }),
    ),
  }),
});

const MappingView = Type.Object({
  targetUri: Type.String(),
  match: MatchSchema,
  target: Nullable(
    Type.Object(
      { label: Type.String(), type: SkillTypeSchema, framework: Type.String() },
      { description: 'Null until the target framework is imported' },
    ),
  ),
});

export const OrgSkill = Type.Object({
  id: Uuid,
  uri: Type.String({ description: 'urn:uuid:<id>; use it to align definitions and learning outcomes' }),
  label: Type.String(),
  altLabels: Type.Array(Type.String()),
  description: Nullable(Type.String()),
  type: SkillTypeSchema,
  framework: Type.String(),
  frameworkAligned: Type.Boolean({ description: 'Mapped to at least one framework skill' }),
  mappings: Type.Array(MappingView),
  createdAt: DateTime,
  updatedAt: DateTime,
});

export const OrgSkillResponse = Type.Object({ skill: OrgSkill });
export const OrgSkillListResponse = Type.Object({
  skills: Type.Array(OrgSkill),
  nextCursor: Nullable(Type.String()),
});
