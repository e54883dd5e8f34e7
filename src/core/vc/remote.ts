import { type GuardedFetch, RemoteFetchError } from '../net/guarded-fetch.ts';
import type { DidResolver } from './contexts.ts';
import { didWebToUrl } from './did.ts';

/**
 * The verifier's two remote ports, on top of the SSRF-guarded fetcher (guarded-fetch.ts, which also sets
 * the time and size limits): did:web resolution and status list loading for issuers on other hosts.
 * The service uses them only when REMOTE_FETCH allows, and only after its own database had no answer.
 */

const DID_ACCEPT = 'application/did+json, application/did+ld+json;q=0.9, application/json;q=0.8';
const STATUS_LIST_ACCEPT =
  'application/vc+ld+json, application/vc;q=0.9, application/vc+jwt;q=0.9, application/ld+json;q=0.8, application/json;q=0.7';

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

function isJsonType(contentType: string): boolean {
  return contentType === 'application/json' || /^application\/[a-z0-9.+-]*\+json$/.test(contentType);
}

function parseJsonObject(body: Buffer, url: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new RemoteFetchError('invalid_document', url, `${what} at ${url} is not JSON`, { cause: error });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new RemoteFetchError('invalid_document', url, `${what} at ${url} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

function unexpectedStatus(status: number, url: string, what: string): RemoteFetchError {
  const redirect = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
  return new RemoteFetchError(
    'unexpected_status',
    url,
    `${what} at ${url} answered HTTP ${status}${redirect}`,
  );
}

/**
 * Resolves did:web DIDs over HTTPS (`did:web:example.com:orgs:acme` → https://example.com/orgs/acme/did.json).
 * Answers `null` for other DID methods (so it composes after other resolvers), for a malformed did:web and
 * for a 404/410 (the DID does not exist). Throws a {@link RemoteFetchError} when the host cannot be
 * reached or answers something that is not the DID's document (`id` must equal the DID): the verifier
 * then reports "could not check" rather than "invalid".
 */
export function createRemoteDidWebResolver(fetch: GuardedFetch): DidResolver {
  return async (did) => {
    if (typeof did !== 'string' || !did.startsWith('did:web:')) return null;
    let url: string;
    try {
      url = didWebToUrl(did).href;
    } catch {
      return null;
    }
    const response = await fetch(url, DID_ACCEPT);
    if (response.status === 404 || response.status === 410) return null;
    if (response.status !== 200) throw unexpectedStatus(response.status, url, 'The DID document');
    if (!isJsonType(response.contentType)) {
      throw new RemoteFetchError(
        'unexpected_content_type',
        url,
        `The DID document at ${url} is ${response.contentType || 'untyped'}, not JSON`,
      );
    }
    const document = parseJsonObject(response.body, url, 'The DID document');
    if (document.id !== did) {
      throw new RemoteFetchError(
        'invalid_document',
        url,
        `The document at ${url} is for ${JSON.stringify(document.id)}, not ${did}`,
      );
    }
    return document;
  };
}

/**
 * Loads a status list credential by URL: a JSON(-LD) credential comes back as an object, a
 * `application/vc+jwt` one as its compact JWS string. The verifier checks its proof and issuer; this
 * only fetches. Throws a {@link RemoteFetchError} for anything but a 200 with a credential body.
 */
export function createRemoteStatusListLoader(fetch: GuardedFetch): (url: string) => Promise<unknown> {
  return async (url) => {
    const response = await fetch(url, STATUS_LIST_ACCEPT);
    if (response.status !== 200) throw unexpectedStatus(response.status, url, 'The status list');
    const type = response.contentType;
    if (type === 'application/vc+jwt' || type === 'application/jwt') {
      const text = response.body.toString('utf8').trim();
      if (!COMPACT_JWS.test(text)) {
        throw new RemoteFetchError('invalid_document', url, `The status list at ${url} is not a compact JWT`);
      }
      return text;
    }
    if (!isJsonType(type) && type !== 'application/vc') {
      throw new RemoteFetchError(
        'unexpected_content_type',
        url,
        `The status list at ${url} is ${type || 'untyped'}, not a credential`,
      );
    }
    return parseJsonObject(response.body, url, 'The status list');
  };
}
