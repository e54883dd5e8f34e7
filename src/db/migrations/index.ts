import type { Migration } from 'kysely';
import * as m0001 from './0001-foundation.ts';
import * as m0002 from './0002-issuer-keys.ts';
import * as m0003 from './0003-credentials.ts';
import * as m0004 from './0004-holder-credentials.ts';

/**
 * Every migration, in order. Listed statically (not read from disk) so the same list works from source,
 * from the compiled build and from a bundle. Names are `NNNN-name`; never edit one that has shipped.
 */
export const migrations: Record<string, Migration> = {
  '0001-foundation': m0001,
  '0002-issuer-keys': m0002,
  '0003-credentials': m0003,
  '0004-holder-credentials': m0004,
};
