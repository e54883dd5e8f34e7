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
} from '../../core/vc/verify.ts';
import type { PublicCredential } from '../credentials/credentials.service.ts';

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

export interface VerificationServiceDeps {
  config: Pick<Config, 'publicUrl' | 'remoteFetch'>;
  clock: Clock;
  local: LocalResolvers;
  /** Credentials we issued, for their public pages (absent in the CLI, which verifies files). */
  published?: PublishedCredentials;
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

  return {
    verifyCredential(options: { credential: unknown }): Promise<CredentialVerificationReport> {
      return verifier.verifyCredential({ credential: options.credential });
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
      return { credential, report };
    },
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
