import type { BucketCount } from '../credentials/credentials.statistics.ts';
import type { IssuerPage, OrgAnalytics } from './analytics.service.ts';

const series = (rows: readonly BucketCount[]) =>
  rows.map((row) => ({ bucket: row.bucket.toISOString(), count: row.count }));

export function presentAnalytics(analytics: OrgAnalytics) {
  return {
    organisation: { slug: analytics.organisation.slug, name: analytics.organisation.name },
    from: analytics.from.toISOString(),
    to: analytics.to.toISOString(),
    bucket: analytics.bucket,
    issued: series(analytics.issued),
    revoked: series(analytics.revoked),
    verifications: analytics.verifications.map((row) => ({
      bucket: row.bucket.toISOString(),
      count: row.count,
      valid: row.valid,
    })),
    totals: { ...analytics.totals },
    passRates: analytics.passRates.map((rate) => ({ ...rate })),
    topSkills: analytics.topSkills.map((skill) => ({ ...skill })),
  };
}

/** The issuer's public page: public names and counts only (no members, no addresses). */
export function presentIssuer(page: IssuerPage) {
  return {
    slug: page.organisation.slug,
    name: page.organisation.name,
    url: page.organisation.url,
    description: page.organisation.description,
    logo: page.logo,
    dids: { web: page.dids.web, key: page.dids.key },
    definitions: page.definitions.map((definition) => ({
      id: definition.id,
      title: definition.title,
      version: definition.version,
      publishedAt: definition.publishedAt ? definition.publishedAt.toISOString() : null,
      level: definition.level,
      hours: definition.hours,
      url: definition.url,
    })),
    counts: { ...page.counts },
  };
}
