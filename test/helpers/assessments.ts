import assert from 'node:assert/strict';
import yauzl from 'yauzl';
import type { TestContext } from './app.ts';
import { insertDefinition, markDefinitionPublished, sampleDefinitionContent } from './definitions.ts';
import type { Session } from './factories.ts';

/** Reads every entry of a zip (with yauzl, independently of our writer) into name → bytes. */
export function unzip(buffer: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(
      buffer,
      { lazyEntries: true, strictFileNames: true, validateEntrySizes: true },
      (error, zip) => {
        if (error || !zip) return reject(error ?? new Error('no zip'));
        const files = new Map<string, Buffer>();
        zip.on('error', reject);
        zip.on('end', () => resolve(files));
        zip.on('entry', (entry: yauzl.Entry) => {
          zip.openReadStream(entry, (streamError, stream) => {
            if (streamError || !stream) return reject(streamError ?? new Error('no stream'));
            const chunks: Buffer[] = [];
            stream.on('data', (chunk: Buffer) => chunks.push(chunk));
            stream.on('error', reject);
            stream.on('end', () => {
              files.set(entry.fileName, Buffer.concat(chunks));
              zip.readEntry();
            });
          });
        });
        zip.readEntry();
      },
    );
  });
}

/**
 * A published definition of `organisationId` titled `title`, assessed by a test with these `settings` and
 * `items`: both are saved through the API while the version is a draft, then the version is marked
 * published directly (the catalogue's publishing flow is not what these tests are about). Returns its id.
 */
export async function publishedDefinitionWithTest(
  ctx: TestContext,
  manager: Session,
  options: {
    slug: string;
    organisationId: string;
    title: string;
    settings: Record<string, unknown>;
    items: Array<Record<string, unknown>>;
  },
): Promise<string> {
  const definition = await insertDefinition(ctx, {
    organisationId: options.organisationId,
    status: 'draft',
    content: sampleDefinitionContent({ title: options.title }),
  });
  const testUrl = `/api/v1/orgs/${options.slug}/definitions/${definition.id}/test`;
  const settings = await manager.request({ method: 'PUT', url: testUrl, payload: options.settings });
  assert.equal(settings.statusCode, 201, settings.body);
  for (const item of options.items) {
    const added = await manager.request({ method: 'POST', url: `${testUrl}/items`, payload: item });
    assert.equal(added.statusCode, 201, added.body);
  }
  await markDefinitionPublished(ctx, definition.id, ctx.clock.now());
  return definition.id;
}
