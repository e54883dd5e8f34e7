import { randomInt } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Actor, systemActor } from '../../core/actor.ts';
import { AppError } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import type { MembershipRole, OrganisationRow } from '../../db/schema.ts';
import type { AccountsService } from '../accounts/accounts.service.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { OrganisationsService } from '../organisations/organisations.service.ts';
import { type DemoCatalogueResult, type DemoCatalogueServices, seedDemoCatalogue } from './demo-catalogue.ts';

export const DEMO_ORGANISATION = {
  slug: 'demo-academy',
  name: 'Demo Academy',
  description: 'A demonstration issuer created by `credstack demo seed`. Safe to explore and to delete.',
} as const;

/** Where the demo logins are kept after start-up, relative to DATA_DIR. */
export const DEMO_LOGINS_FILE = 'demo-logins.txt';

export interface DemoUserSpec {
  /** Short label shown next to the login: what this user is for. */
  label: string;
  email: string;
  name: string;
  /** Role in the demo organisation; `null` for users who are not members. */
  role: MembershipRole | null;
  platformAdmin: boolean;
}

/** The demo users. `.example` is a reserved top-level domain (RFC 2606): no mail can reach a real person. */
export const DEMO_USERS: readonly DemoUserSpec[] = [
  {
    label: 'owner',
    email: 'owner@demo-academy.example',
    name: 'Olivia Owner',
    role: 'owner',
    platformAdmin: false,
  },
  {
    label: 'issuer',
    email: 'issuer@demo-academy.example',
    name: 'Ivan Issuer',
    role: 'issuer',
    platformAdmin: false,
  },
  {
    label: 'assessor',
    email: 'assessor@demo-academy.example',
    name: 'Asha Assessor',
    role: 'assessor',
    platformAdmin: false,
  },
  {
    label: 'learner',
    email: 'learner@demo-academy.example',
    name: 'Leo Learner',
    role: null,
    platformAdmin: false,
  },
  {
    label: 'platform admin',
    email: 'admin@credstack.example',
    name: 'Pat Admin',
    role: null,
    platformAdmin: true,
  },
];

export interface DemoLogin {
  label: string;
  email: string;
  name: string;
  password: string;
}

export interface DemoSeedResult {
  organisation: OrganisationRow;
  logins: DemoLogin[];
  /** Present when the catalogue services were given. */
  catalogue: DemoCatalogueResult | null;
}

const PASSWORD_ALPHABET = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/**
 * A random password that survives being read aloud or copied from a terminal: four groups of five
 * characters from an alphabet without look-alikes (0/O, 1/l/I), about 116 bits of entropy.
 */
export function generatePassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let group = '';
    for (let i = 0; i < 5; i++) group += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}

export interface DemoServiceDeps {
  db: Db;
  accounts: AccountsService;
  organisations: OrganisationsService;
  audit: AuditService;
  /** Injected so tests can make passwords predictable; never a fixed value outside tests. */
  generatePassword?: () => string;
  /** The services behind the demo catalogue (skills, definitions, assessments, an awarded credential). */
  catalogue?: DemoCatalogueServices;
}

/**
 * Demo data for a first look: the organisation "Demo Academy", one user per kind of person, each with a
 * freshly generated password, and (with the catalogue services) its skills, definitions with their
 * assessments, external catalogue entries and a credential already awarded to the demo learner. Seeding goes step by step through the accounts and organisations services
 * (they run their own transactions), checks up front that nothing it would create exists yet, and records
 * `demo.seeded` last.
 */
export function createDemoService(deps: DemoServiceDeps) {
  const newPassword = deps.generatePassword ?? generatePassword;

  /** True when no user exists yet: a brand-new installation, on PGlite or PostgreSQL alike. */
  async function isDatabaseEmpty(): Promise<boolean> {
    const { total } = await deps.accounts.listUsers({ actor: systemActor('demo'), limit: 1, offset: 0 });
    return total === 0;
  }

  async function seed(options: { actor: Actor }): Promise<DemoSeedResult> {
    const { actor } = options;
    if (await deps.organisations.findOrganisationBySlug(DEMO_ORGANISATION.slug)) {
      throw new AppError('conflict', 'The demo data already exists', {
        detail: `The demo organisation "${DEMO_ORGANISATION.slug}" already exists; nothing was changed`,
      });
    }
    for (const spec of DEMO_USERS) {
      if (await deps.accounts.findUserByEmail(spec.email)) {
        throw new AppError('conflict', 'A demo user already exists', {
          detail: `A user with the demo address ${spec.email} already exists; nothing was changed`,
        });
      }
    }

    const logins: DemoLogin[] = [];
    const userIds = new Map<string, string>();
    for (const spec of DEMO_USERS) {
      const password = newPassword();
      const user = await deps.accounts.createUser({
        actor,
        email: spec.email,
        name: spec.name,
        password,
        emailVerified: true,
        isPlatformAdmin: spec.platformAdmin,
        via: 'seed',
      });
      userIds.set(spec.label, user.id);
      logins.push({ label: spec.label, email: user.email, name: user.name, password });
    }

    const owner = DEMO_USERS.find((spec) => spec.role === 'owner')!;
    const organisation = await deps.organisations.createOrganisation({
      actor,
      slug: DEMO_ORGANISATION.slug,
      name: DEMO_ORGANISATION.name,
      description: DEMO_ORGANISATION.description,
      ownerUserId: userIds.get(owner.label)!,
    });
    for (const spec of DEMO_USERS) {
      if (spec.role === null || spec.role === 'owner') continue;
      await deps.organisations.addMember({
        actor,
        slug: organisation.slug,
        userId: userIds.get(spec.label)!,
        role: spec.role,
      });
    }

    const learner = DEMO_USERS.find((spec) => spec.label === 'learner')!;
    const catalogue = deps.catalogue
      ? await seedDemoCatalogue({
          actor,
          slug: organisation.slug,
          learner: { email: learner.email, name: learner.name },
          services: deps.catalogue,
        })
      : null;

    await deps.db.transaction().execute((trx) =>
      deps.audit.record(trx, {
        type: 'demo.seeded',
        actor,
        organisationId: organisation.id,
        subject: { type: 'organisation', id: organisation.id },
        data: { organisationSlug: organisation.slug },
      }),
    );
    return { organisation, logins, catalogue };
  }

  return { isDatabaseEmpty, seed };
}

export type DemoService = ReturnType<typeof createDemoService>;

/** The logins as aligned lines: `  <label>  <e-mail>  <password>`. */
export function formatDemoLogins(logins: readonly DemoLogin[]): string[] {
  const labelWidth = Math.max(...logins.map((login) => login.label.length));
  const emailWidth = Math.max(...logins.map((login) => login.email.length));
  return logins.map(
    (login) => `  ${login.label.padEnd(labelWidth)}  ${login.email.padEnd(emailWidth)}  ${login.password}`,
  );
}

/**
 * Keeps the generated logins in DATA_DIR/demo-logins.txt, readable only by the owner (0600), so they can
 * be found after the start-up output has scrolled away. Returns the file's path.
 */
export function writeDemoLogins(dataDir: string, result: DemoSeedResult, now: Date): string {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, DEMO_LOGINS_FILE);
  const text = [
    `# Credstack demo logins for ${result.organisation.name} (${result.organisation.slug}), generated ${now.toISOString()}.`,
    '# Keep this file private. Change these passwords (or delete the demo users) before real use.',
    '',
    ...formatDemoLogins(result.logins),
    '',
  ].join('\n');
  writeFileSync(path, text, { mode: 0o600 });
  // The mode above only applies when the file is created; an older file keeps its own, so set it again.
  chmodSync(path, 0o600);
  return path;
}
