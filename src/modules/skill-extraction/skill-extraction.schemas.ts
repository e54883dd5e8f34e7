import { Type } from '@sinclair/typebox';
import { SKILL_TYPES } from '../../db/tables/skills.ts';
import { strict } from '../../http/schema-kit.ts';
import { MAX_TEXT_LENGTH } from './extractor.ts';
import { DEFAULT_LIMIT, MAX_LIMIT } from './skill-extraction.service.ts';

export { ProblemRef } from '../../http/route-docs.ts';

/** Texts longer than the extractor reads are accepted and cut (`truncated`), up to this hard limit. */
const MAX_BODY_TEXT = 4 * MAX_TEXT_LENGTH;

const Frameworks = Type.Array(Type.Union([Type.Literal('esco'), Type.Literal('onet')]), {
  minItems: 1,
  maxItems: 2,
  uniqueItems: true,
  description: 'Global frameworks to match against (default: all imported)',
});
const Organisation = Type.String({
  minLength: 1,
  maxLength: 63,
  description: "An organisation's slug: its own skills are matched too (members only, 404 otherwise)",
});
const Limit = Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT });

export const ExtractBody = strict(
  {
    text: Type.String({
      minLength: 1,
      maxLength: MAX_BODY_TEXT,
      description: `Job posting, RFP or brief; text beyond ${MAX_TEXT_LENGTH} characters is not read (truncated)`,
      examples: [
        'We are hiring a backend developer with strong Python and SQL skills to manage our databases.',
      ],
    }),
    frameworks: Type.Optional(Frameworks),
    organisation: Type.Optional(Organisation),
    limit: Type.Optional(Limit),
  },
  'Text to extract skills from',
);

export const ExtractFileQuery = strict({
  framework: Type.Optional(
    Type.Union([Type.Literal('esco'), Type.Literal('onet')], {
      description: 'Only this global framework (default: all imported)',
    }),
  ),
  organisation: Type.Optional(Organisation),
  limit: Type.Optional(Limit),
});

const Span = strict({
  start: Type.Integer({ minimum: 0, description: 'UTF-16 offset into the (extracted) text' }),
  end: Type.Integer({ minimum: 0, description: 'Exclusive' }),
  text: Type.String(),
});

const ExtractedSkillSchema = strict({
  uri: Type.String({ examples: ['http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d'] }),
  label: Type.String({ examples: ['Python (computer programming)'] }),
  framework: Type.String({ description: '`esco`, `onet` or `org:<slug>`', examples: ['esco'] }),
  type: Type.Union(SKILL_TYPES.map((type) => Type.Literal(type))),
  confidence: Type.Number({ minimum: 0, maximum: 1, examples: [0.82] }),
  spans: Type.Array(Span, { description: 'The supporting text, best first (at most three)' }),
});

export const ExtractionResponse = strict({
  skills: Type.Array(ExtractedSkillSchema),
  sentenceCount: Type.Integer({ minimum: 0 }),
  characterCount: Type.Integer({ minimum: 0, description: 'Characters read' }),
  truncated: Type.Boolean({
    description: 'The text was longer than the extractor reads; the rest was not read',
  }),
  method: Type.String({ examples: ['lexical'], description: '`lexical`, or `lexical+rerank:<name>`' }),
});
