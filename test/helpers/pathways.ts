import assert from 'node:assert/strict';
import type { ComponentNode, PathwayContent } from '../../src/modules/pathways/pathway.model.ts';
import type { Session } from './factories.ts';

/**
 * The simplest pathway: its root asks for every one of `components` (each a definition series, in the
 * order given), and completing it awards the definition series `target`.
 */
export function allOfPathway(options: {
  title: string;
  target: { seriesId: string };
  components: Array<Omit<ComponentNode, 'type'>>;
  mustBeValidAtCompletion?: boolean;
}): PathwayContent {
  return {
    title: options.title,
    target: { kind: 'definition', seriesId: options.target.seriesId },
    mustBeValidAtCompletion: options.mustBeValidAtCompletion ?? true,
    root: {
      id: 'root',
      type: 'all',
      children: options.components.map(({ id, ...rest }) => ({ id, type: 'component', ...rest })),
    },
  };
}

/** Creates a draft pathway of the organisation `slug` through the API, as `session`; returns its id. */
export async function createPathway(
  session: Session,
  slug: string,
  content: PathwayContent,
): Promise<string> {
  const created = await session.request({
    method: 'POST',
    url: `/api/v1/orgs/${slug}/pathways`,
    payload: { content },
  });
  assert.equal(created.statusCode, 201, created.body);
  return (created.json() as { pathway: { id: string } }).pathway.id;
}

/** Publishes the pathway `id` of the organisation `slug` through the API, as `session`. */
export async function publishPathway(session: Session, slug: string, id: string): Promise<void> {
  const published = await session.request({
    method: 'POST',
    url: `/api/v1/orgs/${slug}/pathways/${id}/publish`,
  });
  assert.equal(published.statusCode, 200, published.body);
}

/** `createPathway`, then `publishPathway`: a pathway learners can follow. Returns its id. */
export async function createPublishedPathway(
  session: Session,
  slug: string,
  content: PathwayContent,
): Promise<string> {
  const id = await createPathway(session, slug, content);
  await publishPathway(session, slug, id);
  return id;
}
