import type { Migration } from 'kysely';
import * as m0001 from './0001-foundation.ts';
import * as m0002 from './0002-issuer-keys.ts';
import * as m0003 from './0003-credentials.ts';
import * as m0004 from './0004-holder-credentials.ts';
import * as m0005 from './0005-skills.ts';
import * as m0006 from './0006-catalogue.ts';
import * as m0007 from './0007-credential-awards.ts';
import * as m0008 from './0008-assessments.ts';
import * as m0009 from './0009-portfolio.ts';
import * as m0010 from './0010-issuance.ts';
import * as m0011 from './0011-skill-profiles.ts';
import * as m0012 from './0012-path-candidates.ts';
import * as m0013 from './0013-wallet-profiles.ts';
import * as m0014 from './0014-pathways.ts';
import * as m0015 from './0015-organisation-logos.ts';
import * as m0016 from './0016-pathway-groups.ts';
import * as m0017 from './0017-credential-event-outbox.ts';

/**
 * Every migration, in order. Listed statically (not read from disk) so the same list works from source,
 * from the compiled build and from a bundle. Names are `NNNN-name`; never edit one that has shipped.
 */
export const migrations: Record<string, Migration> = {
  '0001-foundation': m0001,
  '0002-issuer-keys': m0002,
  '0003-credentials': m0003,
  '0004-holder-credentials': m0004,
  '0005-skills': m0005,
  '0006-catalogue': m0006,
  '0007-credential-awards': m0007,
  '0008-assessments': m0008,
  '0009-portfolio': m0009,
  '0010-issuance': m0010,
  '0011-skill-profiles': m0011,
  '0012-path-candidates': m0012,
  '0013-wallet-profiles': m0013,
  '0014-pathways': m0014,
  '0015-organisation-logos': m0015,
  '0016-pathway-groups': m0016,
  '0017-credential-event-outbox': m0017,
};
