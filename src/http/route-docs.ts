import { type TRef, Type } from '@sinclair/typebox';

/** The problem+json response (RFC 9457), registered once as the `Problem` schema in app.ts. */
export const ProblemRef = Type.Ref('Problem');

/** Documents the listed error statuses of a route, each answering problem+json. */
export function problemResponses<const Statuses extends readonly number[]>(
  ...statuses: Statuses
): { [Status in Statuses[number]]: TRef } {
  return Object.fromEntries(statuses.map((status) => [status, ProblemRef])) as {
    [Status in Statuses[number]]: TRef;
  };
}

/** OpenAPI security of routes open to a browser session or an organisation's API token. */
export const SESSION_OR_TOKEN: Array<Record<string, string[]>> = [{ session: [] }, { bearer: [] }];
/** OpenAPI security of routes for a signed-in person only (a learner's own things). */
export const SESSION_ONLY: Array<Record<string, string[]>> = [{ session: [] }];
