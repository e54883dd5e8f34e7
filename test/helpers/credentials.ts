import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { systemActor } from '../../src/core/actor.ts';
import type { MembershipRole } from '../../src/db/schema.ts';
import type { TestContext } from './app.ts';
import { createUser, login, type Session, signedInUser } from './factories.ts';

/** Helpers shared by the credentials, VC-API and status list tests. */

/** Signed credentials are walked deep in assertions; typing every level would only add casts. */
// biome-ignore lint/suspicious/noExplicitAny: JSON documents inspected by tests
export type LooseJson = Record<string, any>;

const system = systemActor('test');
let counter = 0;

export const ACHIEVEMENT = {
  name: 'Data Analysis with SQL',
  description: 'Writes analytical SQL against real datasets.',
  criteria: { narrative: 'Complete the six graded exercises and the capstone query review.' },
  achievementType: 'Certificate',
  alignment: [
    {
      targetName: 'Use databases',
      targetUrl: 'http://data.europa.eu/esco/skill/f0de4973-0a70-4644-8fd4-3a97080476f4',
      targetType: 'ext:ESCO',
    },
  ],
  tag: ['sql', 'data'],
};

export function issueBody(overrides: Record<string, unknown> = {}) {
  counter++;
  return {
    achievement: ACHIEVEMENT,
    recipient: { email: `Learner.${process.pid}.${counter}@Example.org`, name: 'Lea Learner' },
    result: [{ status: 'Completed' }],
    evidence: [{ id: 'https://evidence.example/capstone', name: 'Capstone query review' }],
    ...overrides,
  };
}

export interface CredentialBody {
  id: string;
  credentialId: string;
  url: string;
  types: string[];
  name: string | null;
  achievementName: string | null;
  issuer: string;
  format: 'data-integrity' | 'vc+jwt';
  cryptosuite: string | null;
  recipient: { email: string | null; name: string | null; did: string | null };
  holderNamePublic: boolean;
  status: 'active' | 'suspended' | 'revoked';
  statusReason: string | null;
  statusChangedAt: string | null;
  validFrom: string | null;
  validUntil: string | null;
  issuedAt: string;
  issuedVia: string;
  issuedBy: { type: string; id: string | null };
  statusEntries: Array<{ purpose: string; statusListCredential: string; statusListIndex: number }>;
  verifiableCredential: Record<string, unknown> | string;
}

/** A new organisation owned by a new signed-in user. */
export async function createOrganisation(
  ctx: TestContext,
  options: { prefix?: string; owner?: Session } = {},
): Promise<{ owner: Session; slug: string; id: string }> {
  counter++;
  const owner = options.owner ?? (await signedInUser(ctx));
  const slug = `${options.prefix ?? 'cred'}-${process.pid}-${counter}`;
  const response = await owner.request({
    method: 'POST',
    url: '/api/v1/orgs',
    payload: { slug, name: `Academy ${counter}`, url: 'https://academy.example' },
  });
  assert.equal(response.statusCode, 201, response.body);
  return { owner, slug, id: (response.json() as { organisation: { id: string } }).organisation.id };
}

/** A signed-in member of `slug` with `role`. */
export async function memberWithRole(ctx: TestContext, slug: string, role: MembershipRole): Promise<Session> {
  const user = await createUser(ctx);
  await ctx.deps.services.organisations.addMember({ actor: system, slug, userId: user.id, role });
  return login(ctx, user.email);
}

/** An API token of `slug` with the given scopes, made by the system (no creator to cap it). */
export async function apiToken(ctx: TestContext, slug: string, scopes: string[]): Promise<string> {
  const { token } = await ctx.deps.services.tokens.createToken({
    actor: system,
    slug,
    name: `test ${scopes.join(' ')}`,
    scopes,
    expiresAt: null,
  });
  return token;
}

export function withToken(ctx: TestContext, token: string) {
  return (options: {
    method: 'GET' | 'POST';
    url: string;
    payload?: unknown;
    headers?: Record<string, string>;
  }) =>
    ctx.app.inject({
      method: options.method,
      url: options.url,
      ...(options.payload === undefined ? {} : { payload: options.payload as object }),
      headers: { authorization: `Bearer ${token}`, ...(options.headers ?? {}) },
    });
}

export async function issueAs(
  session: Session,
  slug: string,
  overrides: Record<string, unknown> = {},
): Promise<CredentialBody> {
  const response = await session.request({
    method: 'POST',
    url: `/api/v1/orgs/${slug}/credentials`,
    payload: issueBody(overrides),
  });
  assert.equal(response.statusCode, 201, response.body);
  return (response.json() as { credential: CredentialBody }).credential;
}

export function problem(response: LightMyRequestResponse): { code: string; detail: string; status: number } {
  return response.json() as { code: string; detail: string; status: number };
}

/** The path part of one of our absolute URLs, for app.inject. */
export function pathOf(ctx: TestContext, url: string): string {
  const origin = ctx.deps.config.publicUrl.origin;
  assert.ok(url.startsWith(origin), `${url} is not under ${origin}`);
  return url.slice(origin.length);
}
