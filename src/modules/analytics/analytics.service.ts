import { type Actor, systemActor } from '../../core/actor.ts';
import type { Clock } from '../../core/clock.ts';
import type { Config } from '../../core/config.ts';
import { AppError, isAppError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { didWebFor } from '../../core/vc/did.ts';
import type { Verdict } from '../../core/vc/verify.ts';
import type { Db } from '../../db/database.ts';
import type { AssessmentsService } from '../assessments/assessments.service.ts';
import type { CatalogueService } from '../catalogue/catalogue.service.ts';
import type { CredentialsService } from '../credentials/credentials.service.ts';
import type { BucketCount, TimeBucket } from '../credentials/credentials.statistics.ts';
import type { KeysService } from '../keys/keys.service.ts';
import type { OrganisationsService } from '../organisations/organisations.service.ts';
import type { PortfolioService } from '../portfolio/portfolio.service.ts';
import { createAnalyticsRepository } from './analytics.repository.ts';
import { analyticsRange, bucketStarts, fillBuckets } from './buckets.ts';

export interface AnalyticsServiceDeps {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'publicUrl'>;
  logger: Pick<Logger, 'warn'>;
  organisations: Pick<OrganisationsService, 'requireAccess' | 'findOrganisationBySlug'>;
  credentials: Pick<CredentialsService, 'issuingStatistics' | 'issuedCounts' | 'findByCredentialUri'>;
  catalogue: Pick<CatalogueService, 'listPublishedOf' | 'getDefinitionRecords'>;
  assessments: Pick<AssessmentsService, 'attemptOutcomesByDefinition'>;
  portfolio: Pick<PortfolioService, 'decisionOutcomesByDefinition'>;
  keys: Pick<KeysService, 'describeOrganisation'>;
  /** The organisation-logos module: the public logo URL, or null. */
  logos: { publicLogoUrl(options: { organisationId: string; slug: string }): Promise<string | null> };
}

export interface PassRate {
  definitionId: string;
  title: string | null;
  /** Closed test attempts and their passes. */
  attempts: number;
  attemptsPassed: number;
  /** Final portfolio decisions and their passes. */
  decisions: number;
  decisionsPassed: number;
  /** Passes over attempts and decisions together; null when there were none. */
  passRate: number | null;
}

export interface OrgAnalytics {
  organisation: { slug: string; name: string };
  from: Date;
  to: Date;
  bucket: TimeBucket;
  issued: BucketCount[];
  revoked: BucketCount[];
  verifications: Array<BucketCount & { valid: number }>;
  totals: { issued: number; revoked: number; verifications: number };
  passRates: PassRate[];
  topSkills: Array<{ uri: string; label: string | null; credentials: number }>;
}

export interface IssuerPage {
  organisation: { slug: string; name: string; url: string | null; description: string | null };
  /** The public, versioned URL of the organisation's logo, or null. */
  logo: string | null;
  dids: { web: string; key: string | null };
  definitions: Awaited<ReturnType<CatalogueService['listPublishedOf']>>;
  counts: { issued: number; active: number };
}

const TOP_SKILLS = 10;

/**
 * Organisation analytics (issued and revoked over time, pass rates, verifications, top skills) and the
 * public issuer page. Everything is aggregated in the database by the owning modules' read methods; this
 * module owns only the verification counter.
 */
export function createAnalyticsService(deps: AnalyticsServiceDeps) {
  const repo = createAnalyticsRepository();
  const { clock, organisations, credentials, catalogue } = deps;

  /**
   * Counts one verification of one of our credentials (the verification service's counter port). Credentials
   * of other issuers are ignored. A failure is logged, never passed on: a verifier's answer must not depend
   * on a statistic.
   */
  async function countVerification(options: { credentialUri: string; verdict: Verdict }): Promise<void> {
    try {
      const credential = await credentials.findByCredentialUri({ credentialUri: options.credentialUri });
      if (!credential) return;
      await repo.insertVerification(deps.db, {
        credential_id: credential.id,
        organisation_id: credential.organisationId,
        verdict: options.verdict,
        verified_at: clock.now(),
      });
    } catch (error) {
      deps.logger.warn({ err: error }, 'could not count a credential verification');
    }
  }

  /**
   * The organisation's analytics for `from`..`to`. Owners, admins and issuers (whoever may issue); to
   * anyone else, members included, the analytics do not exist (404).
   */
  async function getOrgAnalytics(options: {
    actor: Actor;
    slug: string;
    from?: string;
    to?: string;
    bucket?: TimeBucket;
  }): Promise<OrgAnalytics> {
    const range = analyticsRange(options, clock.now());
    // Members who may not issue (and tokens without the scope) are told nothing exists, not 403.
    const access = await organisations
      .requireAccess({ actor: options.actor, slug: options.slug, permission: 'credentials:issue' })
      .catch((error: unknown) => {
        if (isAppError(error) && (error.code === 'forbidden' || error.code === 'insufficient_scope')) {
          throw AppError.notFound('Analytics');
        }
        throw error;
      });
    const organisationId = access.organisation.id;
    const query = { organisationId, from: range.from, to: range.to };
    const statistics = await credentials.issuingStatistics({ ...query, bucket: range.bucket });
    const verifications = await repo.verificationsPerBucket(deps.db, { ...query, bucket: range.bucket });
    const attempts = await deps.assessments.attemptOutcomesByDefinition(query);
    const decisions = await deps.portfolio.decisionOutcomesByDefinition(query);

    const definitionIds = [
      ...new Set([
        ...statistics.byDefinition.map((row) => row.definitionId),
        ...attempts.map((row) => row.definitionId),
        ...decisions.map((row) => row.definitionId),
      ]),
    ];
    const records = await catalogue.getDefinitionRecords({ definitionIds });

    const rates = new Map<string, PassRate>();
    const rateOf = (definitionId: string) => {
      let rate = rates.get(definitionId);
      if (!rate) {
        rate = {
          definitionId,
          title: records.get(definitionId)?.title ?? null,
          attempts: 0,
          attemptsPassed: 0,
          decisions: 0,
          decisionsPassed: 0,
          passRate: null,
        };
        rates.set(definitionId, rate);
      }
      return rate;
    };
    for (const row of attempts)
      Object.assign(rateOf(row.definitionId), { attempts: row.attempts, attemptsPassed: row.passed });
    for (const row of decisions)
      Object.assign(rateOf(row.definitionId), { decisions: row.decided, decisionsPassed: row.passed });
    for (const rate of rates.values()) {
      const total = rate.attempts + rate.decisions;
      rate.passRate = total === 0 ? null : (rate.attemptsPassed + rate.decisionsPassed) / total;
    }

    // Per-definition counts come grouped from the database; only distinct definitions are walked here.
    const skills = new Map<string, { uri: string; label: string | null; credentials: number }>();
    for (const { definitionId, count } of statistics.byDefinition) {
      const content = records.get(definitionId)?.content;
      if (!content) continue;
      const refs = [
        ...(content.skills ?? []),
        ...(content.learningOutcomes ?? []).flatMap((o) => o.skills ?? []),
      ];
      const seen = new Set<string>();
      for (const ref of refs) {
        if (seen.has(ref.uri)) continue;
        seen.add(ref.uri);
        const entry = skills.get(ref.uri) ?? { uri: ref.uri, label: ref.label ?? null, credentials: 0 };
        entry.credentials += count;
        skills.set(ref.uri, entry);
      }
    }

    const starts = bucketStarts(range.from, range.to, range.bucket);
    const validByStart = new Map(verifications.map((row) => [row.bucket.getTime(), row.valid]));
    const sum = (rows: readonly BucketCount[]) => rows.reduce((total, row) => total + row.count, 0);
    return {
      organisation: { slug: access.organisation.slug, name: access.organisation.name },
      ...range,
      issued: fillBuckets(starts, statistics.issued),
      revoked: fillBuckets(starts, statistics.revoked),
      verifications: fillBuckets(starts, verifications).map((row) => ({
        ...row,
        valid: validByStart.get(row.bucket.getTime()) ?? 0,
      })),
      totals: {
        issued: sum(statistics.issued),
        revoked: sum(statistics.revoked),
        verifications: sum(verifications),
      },
      passRates: [...rates.values()].sort(
        (a, b) =>
          b.attempts + b.decisions - (a.attempts + a.decisions) ||
          a.definitionId.localeCompare(b.definitionId),
      ),
      topSkills: [...skills.values()]
        .sort((a, b) => b.credentials - a.credentials || a.uri.localeCompare(b.uri))
        .slice(0, TOP_SKILLS),
    };
  }

  /**
   * An issuer's public page: who they are, their DIDs, what they publish and how many credentials they have
   * issued. Organisations are not listed publicly until they issue or publish something, so one that has
   * done neither answers 404 like an unknown slug.
   */
  async function getIssuerPage(options: { slug: string }): Promise<IssuerPage> {
    const organisation = await organisations.findOrganisationBySlug(options.slug);
    if (!organisation) throw AppError.notFound('Issuer');
    const counts = await credentials.issuedCounts({ organisationId: organisation.id, now: clock.now() });
    const definitions = await catalogue.listPublishedOf({ organisationId: organisation.id });
    if (counts.issued === 0 && definitions.length === 0) throw AppError.notFound('Issuer');
    // An organisation that has issued has a key; describing it then creates nothing.
    const dids =
      counts.issued > 0
        ? (
            await deps.keys.describeOrganisation({
              actor: systemActor('issuer page'),
              slug: organisation.slug,
            })
          ).dids
        : { web: didWebFor(deps.config.publicUrl, organisation.slug), key: null };
    return {
      organisation: {
        slug: organisation.slug,
        name: organisation.name,
        url: organisation.url,
        description: organisation.description,
      },
      logo: await deps.logos.publicLogoUrl({ organisationId: organisation.id, slug: organisation.slug }),
      dids,
      definitions,
      counts,
    };
  }

  return { countVerification, getOrgAnalytics, getIssuerPage };
}

export type AnalyticsService = ReturnType<typeof createAnalyticsService>;
