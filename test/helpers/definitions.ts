import { randomUUID } from 'node:crypto';
import { definitionFilterColumns } from '../../src/modules/catalogue/catalogue.service.ts';
import type { DefinitionContent, DefinitionStatus } from '../../src/modules/catalogue/definition.model.ts';
import type { TestContext } from './app.ts';

/** A complete definition: every EU, NMF and OB 3.0 element is present. */
export function sampleDefinitionContent(overrides: Partial<DefinitionContent> = {}): DefinitionContent {
  return {
    title: 'Retrieval-augmented generation in practice',
    description: 'Design, build and evaluate a retrieval-augmented generation (RAG) pipeline.',
    achievementType: 'MicroCredential',
    awardingBodies: [{ name: 'Example Academy', url: 'https://academy.example', country: 'ES' }],
    issuerCountries: ['ES'],
    criteria: { narrative: 'Pass the assessment with at least 70% of the points.' },
    learningOutcomes: [
      {
        id: 'lo-1',
        statement: 'The learner can build a retrieval pipeline over a document collection.',
        skills: [{ uri: 'https://skills.example/rag', label: 'retrieval-augmented generation' }],
      },
    ],
    workload: { hours: 25, creditPoints: { value: 1, framework: 'ECTS' } },
    level: { framework: 'EQF', value: '6' },
    assessment: {
      type: 'test',
      supervision: 'supervised-online-id',
      gradingScheme: 'pass/fail',
      passMark: 70,
    },
    participation: { mode: 'online', selfPaced: true },
    qualityAssurance: { statement: 'Reviewed yearly by the academic board.' },
    stackability: { standalone: true },
    validity: { months: 36 },
    languages: ['en'],
    cost: { amount: 0, currency: 'EUR' },
    duration: 'P4W',
    ...overrides,
  };
}

export interface InsertedDefinition {
  id: string;
  seriesId: string;
  version: number;
  organisationId: string;
  status: DefinitionStatus;
  content: DefinitionContent;
}

/**
 * Writes a definition row straight into the database, for tests of modules that need one (assessments,
 * portfolio, issuance, skill profile) without going through the catalogue's lifecycle; the filter columns
 * (skills, cost, hours, …) are computed from the content exactly as the catalogue does.
 */
export async function insertDefinition(
  ctx: TestContext,
  options: {
    organisationId: string;
    status?: DefinitionStatus;
    content?: DefinitionContent;
    seriesId?: string;
    version?: number;
  },
): Promise<InsertedDefinition> {
  const id = randomUUID();
  const seriesId = options.seriesId ?? randomUUID();
  const version = options.version ?? 1;
  const status = options.status ?? 'published';
  const content = options.content ?? sampleDefinitionContent();
  const now = new Date();
  await ctx.deps.database.db
    .insertInto('credential_definitions')
    .values({
      id,
      series_id: seriesId,
      version,
      organisation_id: options.organisationId,
      source: 'own',
      status,
      content: JSON.stringify(content),
      provider_name: 'Test organisation',
      // The columns the catalogue computes (skill_uris included, so the alignment trigger sees them).
      ...definitionFilterColumns(content, 'Test organisation'),
      created_by_type: 'system',
      created_at: now,
      updated_at: now,
      published_at: status === 'published' ? now : null,
    })
    .execute();
  return { id, seriesId, version, organisationId: options.organisationId, status, content };
}

/**
 * Marks the definition `id` published at `publishedAt`, straight in the database: for tests that set a
 * draft up (its test, its rubric) and do not exercise the catalogue's publishing flow.
 */
export async function markDefinitionPublished(
  ctx: Pick<TestContext, 'deps'>,
  id: string,
  publishedAt: Date,
): Promise<void> {
  await ctx.deps.database.db
    .updateTable('credential_definitions')
    .set({ status: 'published', published_at: publishedAt })
    .where('id', '=', id)
    .execute();
}
