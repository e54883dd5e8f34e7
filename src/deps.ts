import { join } from 'node:path';
import type { Clock } from './core/clock.ts';
import { systemClock } from './core/clock.ts';
import type { Config } from './core/config.ts';
import { type IdGenerator, randomId } from './core/ids.ts';
import type { Logger } from './core/logger.ts';
import { type DatabaseHandle, type Db, openDatabase } from './db/database.ts';
import { createAccountsService } from './modules/accounts/accounts.service.ts';
import { createAnalyticsService } from './modules/analytics/analytics.service.ts';
import { createAssessmentsService } from './modules/assessments/assessments.service.ts';
import { createAuditService } from './modules/audit/audit.service.ts';
import { createCatalogueService } from './modules/catalogue/catalogue.service.ts';
import { createCredentialFilesService } from './modules/credential-files/credential-files.service.ts';
import type { CredentialEvents } from './modules/credentials/credentials.ports.ts';
import { createCredentialsService } from './modules/credentials/credentials.service.ts';
import { createIssuanceService } from './modules/issuance/issuance.service.ts';
import { createLocalKeyCustody } from './modules/keys/keys.custody.ts';
import { createKeysService } from './modules/keys/keys.service.ts';
import { createLearningPathService } from './modules/learning-path/learning-path.service.ts';
import { createMailService } from './modules/mail/mail.service.ts';
import {
  createOutboxTransport,
  createSmtpTransport,
  type MailTransport,
} from './modules/mail/mail.transport.ts';
import { createOrganisationLogosService } from './modules/organisation-logos/organisation-logos.service.ts';
import { createOrganisationsService } from './modules/organisations/organisations.service.ts';
import { createPathwayGroupsService } from './modules/pathway-groups/pathway-groups.service.ts';
import { createPathwaysService } from './modules/pathways/pathways.service.ts';
import { createPortfolioService } from './modules/portfolio/portfolio.service.ts';
import { createSkillExtractionService } from './modules/skill-extraction/skill-extraction.service.ts';
import { readDocumentText } from './modules/skill-extraction/text-input.ts';
import { createSkillProfileService } from './modules/skill-profile/skill-profile.service.ts';
import { createSkillsService } from './modules/skills/skills.service.ts';
import { createTokensService } from './modules/tokens/tokens.service.ts';
import { createTranscriptsService } from './modules/transcripts/transcripts.service.ts';
import { createVerificationService } from './modules/verification/verification.service.ts';
import { createWalletService } from './modules/wallet/wallet.service.ts';

/**
 * Everything with a side effect, wired once. The server and the CLI both call {@link buildDeps}; tests pass
 * their own database, clock, ids and mail transport through `overrides`.
 */
export interface AppDeps {
  config: Config;
  database: DatabaseHandle;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  mailTransport: MailTransport;
  services: Services;
}

export type Services = ReturnType<typeof buildServices>;

export interface DepsOverrides {
  database?: DatabaseHandle;
  clock?: Clock;
  ids?: IdGenerator;
  mailTransport?: MailTransport;
}

export async function buildDeps(
  config: Config,
  logger: Logger,
  overrides: DepsOverrides = {},
): Promise<AppDeps> {
  const database =
    overrides.database ??
    (await openDatabase(
      config.databaseUrl
        ? { kind: 'postgres', url: config.databaseUrl, poolMax: config.databasePoolMax }
        : { kind: 'pglite', dataDir: join(config.dataDir, 'pglite') },
    ));
  const clock = overrides.clock ?? systemClock;
  const ids = overrides.ids ?? randomId;
  const mailTransport =
    overrides.mailTransport ??
    (config.smtpUrl
      ? createSmtpTransport(config.smtpUrl)
      : createOutboxTransport(join(config.dataDir, 'outbox'), (path, message) =>
          logger.info({ to: message.to, subject: message.subject, path }, 'mail written to outbox'),
        ));
  const services = buildServices({ config, database, clock, ids, logger, mailTransport });
  return { config, database, clock, ids, logger, mailTransport, services };
}

function buildServices(base: {
  config: Config;
  database: DatabaseHandle;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  mailTransport: MailTransport;
}) {
  const { config, clock, ids, logger } = base;
  const db = base.database.db;
  const audit = createAuditService({ db, clock, ids });
  const mail = createMailService({
    db,
    clock,
    ids,
    transport: base.mailTransport,
    from: config.mailFrom,
    log: logger,
  });
  const accounts = createAccountsService({ db, clock, ids, config, audit, mail });
  const organisations = createOrganisationsService({ db, clock, ids, config, audit, mail, accounts });
  const tokens = createTokensService({ db, clock, ids, audit, organisations });
  // The local custody seals keys under the master key; a KMS/HSM custody would be chosen here by config.
  const custody = createLocalKeyCustody({ masterKey: config.masterKey });
  const keys = createKeysService({ db, clock, ids, config, audit, organisations, custody, logger });
  const credentials = createCredentialsService({
    db,
    clock,
    ids,
    config,
    audit,
    mail,
    organisations,
    keys,
    accounts,
    // The catalogue is built below (it needs the assessment modules, which award through credentials):
    // the port forwards to it at call time.
    definitions: { definitionForIssuing: (options) => definitionForIssuing(options) },
    definitionSeries: { seriesVersionIds: (options) => catalogue.seriesVersionIds(options) },
    holdings: {
      emailsOf: (options) => issuance.emailsOf(options),
      claimedCredentialIdsOf: (options) => issuance.claimedCredentialIdsOf(options),
    },
    // Pathways complete and flag on their own once issuances and status changes commit (built below).
    events: credentialEvents(),
    logger,
  });
  // Our own DIDs and status lists are answered from the database, never by an HTTP call to ourselves.
  const verification = createVerificationService({
    config,
    clock,
    local: {
      resolveLocalDid: (did) => keys.resolveLocalDid(did),
      loadLocalStatusList: (url) => credentials.loadLocalStatusList(url),
    },
    published: { getPublicCredential: (options) => credentials.getPublicCredential(options) },
    // Verifications of our own credentials are counted for the issuer's analytics (built below).
    counter: { countVerification: (options) => analytics.countVerification(options) },
  });
  // skills service
  const skills = createSkillsService({ db, clock, ids, audit, organisations, config });
  // catalogue service
  // Publishing asks every assessment module whether its instrument is ready; they are built after the
  // catalogue (they read definitions through it), so the instruments forward at call time.
  const catalogue = createCatalogueService({
    db,
    clock,
    ids,
    config,
    audit,
    organisations,
    skills,
    instruments: [
      {
        readiness: (options) => assessments.readiness(options),
        copyForNewVersion: (options) => assessments.copyForNewVersion(options),
      },
      {
        readiness: (options) => portfolio.readiness(options),
        copyForNewVersion: (options) => portfolio.copyForNewVersion(options),
      },
    ],
  });
  /** The credentials module's events, forwarded at call time to the pathways service (built later). */
  function credentialEvents(): CredentialEvents {
    return {
      afterIssued: (options) => pathways.onCredentialsIssued(options),
      afterStatusChanged: (options) => pathways.onCredentialStatusChanged(options),
      afterClaimed: (options) => pathways.onCredentialsClaimed(options),
    };
  }
  async function definitionForIssuing(options: { definitionId: string; trx: Db }) {
    const record = await catalogue.getDefinitionRecord(options);
    if (!record) return null;
    const issuing = await catalogue.achievementFor(options);
    return {
      organisationId: record.organisationId,
      status: record.status,
      source: record.source,
      title: record.title,
      achievement: issuing.achievement,
      validityMonths: issuing.validityMonths,
    };
  }
  // assessments service
  // Tests attach to catalogue versions; a pass is awarded through credentials.issueForDefinition.
  const assessments = createAssessmentsService({
    db,
    clock,
    ids,
    config,
    audit,
    organisations,
    definitions: catalogue,
    accounts,
    credentials,
  });
  // portfolio service
  // Rubrics attach to catalogue versions; a final pass is awarded through credentials.issueForDefinition.
  const portfolio = createPortfolioService({
    db,
    clock,
    ids,
    config,
    audit,
    mail,
    organisations,
    accounts,
    definitions: catalogue,
    awards: { issueForDefinition: (options) => credentials.issueForDefinition(options) },
  });
  // issuance service
  const issuance = createIssuanceService({
    db,
    clock,
    ids,
    config,
    audit,
    mail,
    logger,
    organisations,
    definitions: catalogue,
    credentials: { issueForDefinition: (options) => credentials.issueForDefinition(options) },
    accounts,
    claims: {
      queueClaimed: (trx, claim) => credentials.queueClaimedEvent(trx, claim),
      deliverQueued: (eventIds) => credentials.deliverQueuedEvents(eventIds),
    },
  });
  // skill extraction service
  // No re-ranker yet: a language-model one plugs in here (SkillReranker) when there is one.
  const skillExtraction = createSkillExtractionService({ skills, organisations, logger });
  // learning path service
  const learningPath = createLearningPathService({ catalogue });
  // pathways service
  // Progress reads the learner's credentials and the catalogue; completion issues through credentials.
  // Credential events (issued, claimed, status changed) reach it through credentialEvents() below.
  const pathways = createPathwaysService({
    db,
    clock,
    ids,
    config,
    audit,
    organisations,
    accounts,
    catalogue,
    credentials,
    verification,
    logger,
  });
  // pathway groups service
  // Named groups on a pathway; a member's progress comes from the pathways cohort view, only with consent
  // (an account that verified the address — sign-in address or confirmed further address — and follows).
  const pathwayGroups = createPathwayGroupsService({
    db,
    clock,
    ids,
    config,
    audit,
    mail,
    organisations,
    accounts,
    furtherAddresses: { verifiedOwnerOf: (options) => issuance.verifiedOwnerOf(options) },
    pathways,
  });
  // skill profile service
  // Gap analysis reads job texts through the extractor and hands the gap to the learning-path optimiser.
  const skillProfile = createSkillProfileService({
    db,
    clock,
    ids,
    audit,
    organisations,
    accounts,
    credentials,
    catalogue,
    skills,
    extraction: {
      extractSkills: (options) => skillExtraction.extractSkills(options),
      readDocumentText: (options) => readDocumentText(options),
    },
    learningPath: { recommendPath: (options) => learningPath.recommendPath(options) },
    pathways: { remainingSkillsOf: (options) => pathways.remainingSkillsOf(options) },
  });
  // credential files service
  // Badges, certificates and share links for holders; file and URL verification through verification.
  const credentialFiles = createCredentialFilesService({
    config,
    clock,
    credentials,
    verification,
    definitions: {
      learningOutcomesOf: async ({ definitionId }) =>
        ((await catalogue.getDefinitionRecord({ definitionId }))?.content.learningOutcomes ?? []).map(
          (outcome) => outcome.statement,
        ),
    },
  });
  // wallet service
  // Imports are verified like the public verify page does, without counting as a verification.
  const wallet = createWalletService({ db, clock, ids, audit, credentials, verification });
  // analytics service
  const analytics = createAnalyticsService({
    db,
    clock,
    config,
    logger,
    organisations,
    credentials,
    catalogue,
    assessments,
    portfolio,
    keys,
    // The issuer page shows the logo (built below; called at request time).
    logos: { publicLogoUrl: (options) => organisationLogos.publicLogoUrl(options) },
  });
  // organisation logos service
  const organisationLogos = createOrganisationLogosService({ db, clock, config, audit, organisations });
  // transcripts service
  // CLR 2.0 transcripts: the learner's credentials (credentials), signed with an organisation's key (keys).
  const transcripts = createTranscriptsService({
    db,
    clock,
    ids,
    audit,
    organisations,
    keys,
    credentials,
    pathways,
  });
  return {
    audit,
    mail,
    accounts,
    organisations,
    tokens,
    keys,
    credentials,
    verification,
    // skills entry
    skills,
    // catalogue entry
    catalogue,
    // assessments entry
    assessments,
    // portfolio entry
    portfolio,
    // issuance entry
    issuance,
    // skill extraction entry
    skillExtraction,
    // learning path entry
    learningPath,
    // pathways entry
    pathways,
    // pathway groups entry
    pathwayGroups,
    // skill profile entry
    skillProfile,
    // credential files entry
    credentialFiles,
    // wallet entry
    wallet,
    // analytics entry
    analytics,
    // organisation logos entry
    organisationLogos,
    // transcripts entry
    transcripts,
  };
}
