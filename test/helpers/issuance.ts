import type { TestContext } from './app.ts';
import { insertDefinition, sampleDefinitionContent } from './definitions.ts';

/** A published, externally assessed definition of `organisationId`. */
export function insertExternalDefinition(
  ctx: TestContext,
  organisationId: string,
  options: { status?: 'draft' | 'published' | 'retired'; title?: string } = {},
) {
  return insertDefinition(ctx, {
    organisationId,
    status: options.status ?? 'published',
    content: sampleDefinitionContent({
      ...(options.title ? { title: options.title } : {}),
      assessment: { type: 'external', supervision: 'supervised-onsite-id', gradingScheme: 'A–F' },
    }),
  });
}
