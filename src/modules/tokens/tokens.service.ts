// PLACEHOLDER — replaced by the organisations helper.
import type { Actor } from '../../core/actor.ts';
import { AppError } from '../../core/errors.ts';
export function createTokensService(_deps: unknown) {
  return {
    authenticate: async (_options: { token: string }): Promise<Actor> => {
      throw new AppError('unauthenticated', 'Invalid API token');
    },
  };
}
export type TokensService = ReturnType<typeof createTokensService>;
