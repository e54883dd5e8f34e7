import { unbakeCredential } from '../../core/baking.ts';
import type { Clock } from '../../core/clock.ts';
import type { Config } from '../../core/config.ts';
import { createGuardedFetch, type GuardedFetch } from '../../core/net/guarded-fetch.ts';
import type { DidResolver } from '../../core/vc/contexts.ts';
import { composeDidResolvers, didWebFor, resolveDidKey } from '../../core/vc/did.ts';
import { VcError } from '../../core/vc/errors.ts';
import { createRemoteDidWebResolver, createRemoteStatusListLoader } from '../../core/vc/remote.ts';
import {
  type CredentialVerificationReport,
  createVerifier,
  type PresentationVerificationReport,
  type Verdict,
} from '../../core/vc/verify.ts';
import type { PublicCredential } from '../credentials/credentials.service.ts';

export type VerifyPageInput =
  | { kind: 'text'; text: string }
  | { kind: 'url'; url: string }
  | { kind: 'file'; bytes: Uint8Array }
  | { kind: 'empty' };

export type VerifyPageOutcome =
  | { kind: 'refused'; reason: 'empty' | 'external_url' | 'unknown_credential' }
  | {
      kind: 'checked';
      source: 'json' | 'png' | 'svg' | 'text' | 'url';
      report: CredentialVerificationReport;
      record: PublicCredential | null;
    };

/** What verification needs from the modules that own our issuers' keys and status lists. */
export interface LocalResolvers {
  /** Our own organisations' did:web documents, straight from the database; null for any other DID. */
  resolveLocalDid(did: string): Promise<Record<string, unknown> | null>;
  /** Our own status list credentials by URL, straight from the database; null for any other URL. */
  loadLocalStatusList(url: string): Promise<Record<string, unknown> | null>;
}

/** What the public credential page needs from the module that stores issued credentials. */
export interface PublishedCredentials {
  getPublicCredential(options: { id: string }): Promise<PublicCredential | null>;
}

/**
 * Counts verifications of our own credentials for the organisation analytics: the credential's `id` as
 * verified (ignored unless it is one of ours), the verdict and nothing about who asked.
 */
export interface VerificationCounter {
  countVerification(options: { credentialUri: string; verdict: Verdict }): Promise<void>;
}

export interface VerificationServiceDeps {
  config: Pick<Config, 'publicUrl' | 'remoteFetch'>;
  clock: Clock;
  local: LocalResolvers;
  /** Credentials we issued, for their public pages (absent in the CLI, which verifies files). */
  published?: PublishedCredentials;
  /** Where verifications of our own credentials are counted (absent in the CLI). */
  counter?: VerificationCounter;
  /** Replaces the SSRF-guarded fetcher (tests). Only used when remote fetching is enabled. */
  remoteFetch?: GuardedFetch;
  /** Overrides config.remoteFetch.enabled (the CLI verifies remote credentials on request). */
  remoteEnabled?: boolean;
}

/**
 * Verifies any credential or presentation, ours or another issuer's. Our own DIDs and status lists are
 * read locally (never over HTTP to ourselves); other hosts are fetched only when REMOTE_FETCH allows, and
 * then only through the SSRF-guarded fetcher. When a lookup is not allowed the answer is "could not check",
 * never "valid".
 */
export function createVerificationService(deps: VerificationServiceDeps) {
  const { config, clock, local } = deps;
  const credentialsBase = new URL(
    'credentials/',
    config.publicUrl.href.endsWith('/') ? config.publicUrl : `${config.publicUrl.href}/`,
  );
  function ownCredentialId(url: string): string | null {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return null;
    }
    if (parsed.origin !== credentialsBase.origin || !parsed.pathname.startsWith(credentialsBase.pathname))
      return null;
    const id = parsed.pathname.slice(credentialsBase.pathname.length);
    return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)
      ? id.toLowerCase()
      : null;
  }
  const remoteEnabled = deps.remoteEnabled ?? config.remoteFetch.enabled;
  const { timeoutMs, maxBytes } = config.remoteFetch;
  const fetcher = remoteEnabled
    ? (deps.remoteFetch ?? createGuardedFetch({ timeoutMs, maxBytes }))
    : undefined;

  const remoteDid: DidResolver = fetcher
    ? createRemoteDidWebResolver(fetcher)
    : async (did) => {
        throw new VcError(
          'remote_fetch_disabled',
          `${did} is hosted elsewhere and this server does not fetch other hosts (REMOTE_FETCH is off)`,
        );
      };
  const remoteStatus = fetcher ? createRemoteStatusListLoader(fetcher) : undefined;

  // Every did:web on our own host is answered by the database: an unknown one there is unknown, not a reason
  // to fetch ourselves over HTTP.
  const ownDidWebPrefix = didWebFor(config.publicUrl, 'x').slice(0, -':orgs:x'.length);
  const isOwnDidWeb = (did: string) => did === ownDidWebPrefix || did.startsWith(`${ownDidWebPrefix}:`);
  const didResolver = composeDidResolvers(resolveDidKey, local.resolveLocalDid, async (did) =>
    isOwnDidWeb(did.split('#')[0] ?? did) ? null : remoteDid(did),
  );
  const loadStatusList = async (url: string): Promise<unknown> => {
    const ours = await local.loadLocalStatusList(url);
    if (ours) return ours;
    if (isOwnUrl(url, config.publicUrl)) {
      throw new VcError('status_list_not_found', `No status list is published at ${url}`);
    }
    if (!remoteStatus) {
      throw new VcError(
        'remote_fetch_disabled',
        `The status list ${url} is hosted elsewhere and this server does not fetch other hosts (REMOTE_FETCH is off)`,
      );
    }
    return remoteStatus(url);
  };

  const verifier = createVerifier({ didResolver, loadStatusList, now: () => clock.now() });

  async function count(report: CredentialVerificationReport): Promise<void> {
    const credentialUri = report.credential?.id;
    if (!deps.counter || typeof credentialUri !== 'string') return;
    await deps.counter.countVerification({ credentialUri, verdict: report.verdict });
  }

  /**
   * Verifies any credential, and when it claims to be one of ours (its id is our credential page URL),
   * also returns our record of it, so a page can say when and why the issuer revoked or suspended it.
   */
  async function verifyWithRecord(options: {
    credential: unknown;
  }): Promise<{ report: CredentialVerificationReport; record: PublicCredential | null }> {
    const report = await verifier.verifyCredential({ credential: options.credential });
    await count(report);
    const claimedId = typeof report.credential?.id === 'string' ? report.credential.id : null;
    const id = claimedId ? ownCredentialId(claimedId) : null;
    const record = id && deps.published ? await deps.published.getPublicCredential({ id }) : null;
    return { report, record: record && record.credentialUri === claimedId ? record : null };
  }

  return {
    /**
     * Verifies any credential. Verifications of our own credentials are counted for the issuer's analytics
     * unless `count` is false (a learner importing into their wallet is not someone checking the credential).
     */
    async verifyCredential(options: {
      credential: unknown;
      count?: boolean;
    }): Promise<CredentialVerificationReport> {
      const report = await verifier.verifyCredential({ credential: options.credential });
      if (options.count !== false) await count(report);
      return report;
    },
    /**
     * One of our credentials as its public page shows it, checked the way any verifier would check it
     * (signature, issuer DID, status list, validity) rather than trusting our own database row.
     * Null when there is no such credential.
     */
    async checkPublishedCredential(options: {
      id: string;
    }): Promise<{ credential: PublicCredential; report: CredentialVerificationReport } | null> {
      if (!deps.published) throw new Error('checkPublishedCredential needs the published credentials port');
      const credential = await deps.published.getPublicCredential({ id: options.id });
      if (!credential) return null;
      const report = await verifier.verifyCredential({ credential: credential.credential });
      await count(report);
      return { credential, report };
    },
    verifyWithRecord,
    /**
     * The verify page's input: pasted text, an uploaded file (JSON or a baked PNG/SVG badge) or a URL. Only
     * our own credentials' URLs are followed, and locally: fetching a URL a visitor typed would let anyone
     * make this server send requests (SSRF). `refused` says why nothing was checked.
     */
    async verifyPageInput(input: VerifyPageInput): Promise<VerifyPageOutcome> {
      if (input.kind === 'empty') return { kind: 'refused', reason: 'empty' };
      if (input.kind === 'url') {
        const id = ownCredentialId(input.url);
        if (!id) return { kind: 'refused', reason: 'external_url' };
        if (!deps.published) throw new Error('verifyPageInput needs the published credentials port');
        const record = await deps.published.getPublicCredential({ id });
        if (!record) return { kind: 'refused', reason: 'unknown_credential' };
        const report = await verifier.verifyCredential({ credential: record.credential });
        await count(report);
        return { kind: 'checked', source: 'url', report, record };
      }
      let credential: unknown;
      let source: 'json' | 'png' | 'svg' | 'text';
      if (input.kind === 'file') {
        const unbaked = unbakeCredential(input.bytes);
        credential = unbaked.credential;
        source = unbaked.format;
      } else {
        credential = input.text;
        source = 'text';
      }
      const { report, record } = await verifyWithRecord({ credential });
      return { kind: 'checked', source, report, record };
    },
    /** The id of one of our credentials from its page URL (`${PUBLIC_URL}/credentials/<id>`), else null. */
    ownCredentialId,
    /** One of our credentials for machines (content negotiation on its page); no verification. */
    getPublishedCredential(options: { id: string }): Promise<PublicCredential | null> {
      if (!deps.published) throw new Error('getPublishedCredential needs the published credentials port');
      return deps.published.getPublicCredential({ id: options.id });
    },
    verifyPresentation(options: {
      presentation: unknown;
      challenge?: string;
      domain?: string;
    }): Promise<PresentationVerificationReport> {
      return verifier.verifyPresentation(options);
    },
  };
}

export type VerificationService = ReturnType<typeof createVerificationService>;

function isOwnUrl(url: string, publicUrl: URL): boolean {
  try {
    return new URL(url).origin === publicUrl.origin;
  } catch {
    return false;
  }
}
