/**
 * Who is acting. Every service call names its actor explicitly so policies and audit events never have
 * to guess. `system` is the CLI or the server itself (seeding, migrations).
 */
export type Actor =
  | {
      kind: 'user';
      userId: string;
      isPlatformAdmin: boolean;
      emailVerified: boolean;
      sessionId: string | null;
    }
  | {
      kind: 'token';
      tokenId: string;
      organisationId: string;
      scopes: readonly string[];
      createdBy: string | null;
    }
  | { kind: 'system'; reason: string }
  | { kind: 'anonymous' };

export type UserActor = Extract<Actor, { kind: 'user' }>;
export type TokenActor = Extract<Actor, { kind: 'token' }>;

export const anonymous: Actor = { kind: 'anonymous' };

export function systemActor(reason: string): Actor {
  return { kind: 'system', reason };
}

/** The id written into audit events for this actor. */
export function actorRef(actor: Actor): { actorType: Actor['kind']; actorId: string | null } {
  switch (actor.kind) {
    case 'user':
      return { actorType: 'user', actorId: actor.userId };
    case 'token':
      return { actorType: 'token', actorId: actor.tokenId };
    case 'system':
      return { actorType: 'system', actorId: actor.reason };
    default:
      return { actorType: 'anonymous', actorId: null };
  }
}
