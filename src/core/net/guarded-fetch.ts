import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';

/**
 * The only way Credstack's verifier reaches other hosts (remote did:web documents, remote status lists):
 * an HTTPS GET that cannot be turned against the server's own network (SSRF).
 *
 * - https only (plain http only with `allowInsecureHttp`, for local development); no user info in URLs;
 *   only the scheme's default port or an unprivileged one (≥ 1024), so a URL cannot aim at SSH, SMTP, …
 * - The host name is resolved here, and every address it resolves to must be a public unicast address:
 *   loopback, private, link-local, unique-local, CGNAT, multicast, unspecified, documentation and
 *   benchmarking ranges, and IPv4-mapped / NAT64 / 6to4 / Teredo forms of them are refused
 *   ({@link isPublicAddress}). `localhost` and single-label names are refused without asking DNS.
 * - The connection goes to the address that was vetted (pinned), while SNI, certificate checking and the
 *   Host header keep the name, so DNS rebinding between the check and the connection changes nothing.
 * - Redirects are never followed: a 3xx comes back as it is and callers treat it as a failure (following
 *   one would mean vetting a second URL the issuer's server chose; issuers publish at the URL they name).
 * - One deadline covers DNS, connect, TLS and body; bodies over `maxBytes` are cut off. Responses are
 *   asked for uncompressed, so a small compressed body cannot inflate in memory.
 *
 * Failures are {@link RemoteFetchError}s with stable codes.
 */

export const REMOTE_FETCH_ERROR_CODES = [
  /** The URL does not parse. */
  'invalid_url',
  /** Not https (or http with `allowInsecureHttp`). */
  'scheme_not_allowed',
  /** The URL carries user:password@. */
  'credentials_in_url',
  /** A privileged port other than the scheme's default. */
  'port_not_allowed',
  /** `localhost`, a single-label name, or an address (literal or resolved) that is not public. */
  'address_not_allowed',
  /** The name does not resolve. */
  'dns_failed',
  /** DNS, connection, TLS and body took longer than `timeoutMs`. */
  'timeout',
  /** The body (or its announced Content-Length) exceeds `maxBytes`. */
  'response_too_large',
  /** Connection refused or reset, TLS failure (e.g. an untrusted certificate). */
  'connection_failed',
  /** Set by callers (remote.ts): a status other than the one expected (redirects included). */
  'unexpected_status',
  /** Set by callers: the response is not of a media type they accept. */
  'unexpected_content_type',
  /** Set by callers: the body is not the document expected (not JSON, wrong DID, …). */
  'invalid_document',
] as const;

export type RemoteFetchErrorCode = (typeof REMOTE_FETCH_ERROR_CODES)[number];

export class RemoteFetchError extends Error {
  readonly code: RemoteFetchErrorCode;
  /** The URL that was asked for. */
  readonly url: string;

  constructor(code: RemoteFetchErrorCode, url: string, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'RemoteFetchError';
    this.code = code;
    this.url = url;
  }
}

export interface GuardedResponse {
  status: number;
  /** The Content-Type header, lower-cased, without parameters; '' when absent. */
  contentType: string;
  body: Buffer;
}

/** GET `url` with the given Accept header. Throws {@link RemoteFetchError}. */
export type GuardedFetch = (url: string, accept: string) => Promise<GuardedResponse>;

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its addresses (the default is the system resolver). */
export type HostLookup = (hostname: string) => Promise<ResolvedAddress[]>;

export interface GuardedFetchOptions {
  /** One deadline for DNS, connection, TLS and body, in milliseconds. */
  timeoutMs: number;
  /** Largest body accepted, in bytes. */
  maxBytes: number;
  /** Allows plain http:// — local development only; never in production. */
  allowInsecureHttp?: boolean;
  /** DNS resolution; injectable so tests resolve names without the network. */
  lookup?: HostLookup;
  /** Extra trusted CA certificates (PEM), e.g. a test's self-signed certificate. Replaces the defaults. */
  ca?: string | Buffer | Array<string | Buffer>;
  /**
   * TESTS ONLY: replaces the address policy ({@link isPublicAddress}), so a test can reach its own
   * loopback TLS server. Never set it in application code.
   */
  isAddressAllowed?: (address: string) => boolean;
}

const DEFAULT_PORTS: Record<string, number> = { 'https:': 443, 'http:': 80 };

const systemLookup: HostLookup = async (hostname) => {
  const results = await dnsLookup(hostname, { all: true, verbatim: true });
  return results.map((result) => ({ address: result.address, family: result.family === 6 ? 6 : 4 }));
};

/**
 * Builds the SSRF-guarded fetcher. Each call resolves, vets and connects afresh (no connection reuse
 * across hosts, no cookies, no redirects).
 */
export function createGuardedFetch(options: GuardedFetchOptions): GuardedFetch {
  const { timeoutMs, maxBytes } = options;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) throw new TypeError('timeoutMs must be > 0');
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) throw new TypeError('maxBytes must be > 0');
  const lookup = options.lookup ?? systemLookup;
  const allowed = options.isAddressAllowed ?? isPublicAddress;

  return async (rawUrl, accept) => {
    const url = parseTarget(rawUrl, options.allowInsecureHttp === true);
    const deadline = Date.now() + timeoutMs;
    const host = bareHost(url.hostname);

    let target: ResolvedAddress;
    if (isIP(host)) {
      target = { address: host, family: isIP(host) === 6 ? 6 : 4 };
      if (!allowed(host)) {
        throw new RemoteFetchError('address_not_allowed', rawUrl, `${host} is not a public address`);
      }
    } else {
      const name = host.replace(/\.$/, '').toLowerCase();
      if (name === 'localhost' || name.endsWith('.localhost') || !name.includes('.')) {
        throw new RemoteFetchError('address_not_allowed', rawUrl, `"${name}" is not a public host name`);
      }
      let addresses: ResolvedAddress[];
      try {
        addresses = await withDeadline(lookup(name), deadline, rawUrl);
      } catch (error) {
        if (error instanceof RemoteFetchError) throw error;
        throw new RemoteFetchError('dns_failed', rawUrl, `${name} does not resolve`, { cause: error });
      }
      if (addresses.length === 0) {
        throw new RemoteFetchError('dns_failed', rawUrl, `${name} does not resolve`);
      }
      // Every address must be public: otherwise which one a later lookup (ours or a proxy's) picks
      // would decide whether we talk to the inside.
      const refused = addresses.find((entry) => !allowed(entry.address));
      if (refused) {
        throw new RemoteFetchError(
          'address_not_allowed',
          rawUrl,
          `${name} resolves to ${refused.address}, which is not a public address`,
        );
      }
      target = addresses[0] as ResolvedAddress;
    }
    return request(url, rawUrl, target, accept, deadline, maxBytes, options.ca);
  };
}

function parseTarget(rawUrl: string, allowInsecureHttp: boolean): URL {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch (error) {
    throw new RemoteFetchError('invalid_url', String(rawUrl), `Not a URL: "${String(rawUrl)}"`, {
      cause: error,
    });
  }
  if (url.protocol !== 'https:' && !(allowInsecureHttp && url.protocol === 'http:')) {
    throw new RemoteFetchError(
      'scheme_not_allowed',
      rawUrl,
      `Only https URLs are fetched, not ${url.protocol}`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new RemoteFetchError('credentials_in_url', rawUrl, 'URLs with user information are not fetched');
  }
  const port = url.port === '' ? DEFAULT_PORTS[url.protocol] : Number(url.port);
  if (port !== DEFAULT_PORTS[url.protocol] && (port === undefined || port < 1024)) {
    throw new RemoteFetchError('port_not_allowed', rawUrl, `Port ${url.port} is not fetched`);
  }
  return url;
}

function bareHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

async function withDeadline<T>(promise: Promise<T>, deadline: number, url: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new RemoteFetchError('timeout', url, 'The request timed out')),
      Math.max(0, deadline - Date.now()),
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function request(
  url: URL,
  rawUrl: string,
  target: ResolvedAddress,
  accept: string,
  deadline: number,
  maxBytes: number,
  ca: GuardedFetchOptions['ca'],
): Promise<GuardedResponse> {
  return new Promise((resolve, reject) => {
    const host = bareHost(url.hostname);
    const secure = url.protocol === 'https:';
    let settled = false;
    const finish = (error: RemoteFetchError | null, response?: GuardedResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        req.destroy();
        reject(error);
      } else {
        resolve(response as GuardedResponse);
      }
    };
    const requestOptions: https.RequestOptions = {
      // Connect to the vetted address; the name travels in SNI, certificate check and Host.
      host: target.address,
      family: target.family,
      port: url.port === '' ? DEFAULT_PORTS[url.protocol] : Number(url.port),
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      agent: false,
      headers: {
        host: url.host,
        accept,
        'accept-encoding': 'identity',
        'user-agent': 'Credstack-Verifier',
      },
      ...(secure
        ? {
            // SNI and the certificate check use this name (never an IP: SNI carries names only).
            ...(isIP(host) ? {} : { servername: host }),
            rejectUnauthorized: true,
            minVersion: 'TLSv1.2' as const,
            ...(ca !== undefined ? { ca } : {}),
          }
        : {}),
    };
    const req = (secure ? https : http).request(requestOptions, (res) => {
      const status = res.statusCode ?? 0;
      const contentType = String(res.headers['content-type'] ?? '')
        .split(';')[0]
        ?.trim()
        .toLowerCase();
      const announced = Number(res.headers['content-length']);
      if (Number.isFinite(announced) && announced > maxBytes) {
        finish(
          new RemoteFetchError(
            'response_too_large',
            rawUrl,
            `The response (${announced} bytes) exceeds the limit of ${maxBytes} bytes`,
          ),
        );
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          finish(
            new RemoteFetchError('response_too_large', rawUrl, `The response exceeds ${maxBytes} bytes`),
          );
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () =>
        finish(null, { status, contentType: contentType ?? '', body: Buffer.concat(chunks) }),
      );
      res.on('error', (error) =>
        finish(new RemoteFetchError('connection_failed', rawUrl, `The response broke off: ${error.message}`)),
      );
      res.on('aborted', () =>
        finish(new RemoteFetchError('connection_failed', rawUrl, 'The response broke off')),
      );
    });
    const timer = setTimeout(
      () => finish(new RemoteFetchError('timeout', rawUrl, 'The request timed out')),
      Math.max(0, deadline - Date.now()),
    );
    req.on('error', (error) => {
      finish(
        new RemoteFetchError('connection_failed', rawUrl, `Could not fetch ${url.host}: ${error.message}`, {
          cause: error,
        }),
      );
    });
    req.end();
  });
}

// ---------------------------------------------------------------------------------------------------
// Address policy

/** [first address, prefix length] of IPv4 ranges that are never fetched (IANA special-purpose registry). */
const REFUSED_IPV4: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata at 169.254.169.254)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation (TEST-NET-1)
  ['192.88.99.0', 24], // 6to4 relay anycast (deprecated)
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation (TEST-NET-2)
  ['203.0.113.0', 24], // documentation (TEST-NET-3)
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and 255.255.255.255 broadcast
];

function ipv4ToNumber(address: string): number | undefined {
  const parts = address.split('.');
  if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part) || Number(part) > 255)) {
    return undefined;
  }
  return parts.reduce((total, part) => total * 256 + Number(part), 0);
}

const REFUSED_IPV4_RANGES = REFUSED_IPV4.map(([first, prefix]) => {
  const start = ipv4ToNumber(first) as number;
  return { start, end: start + 2 ** (32 - prefix) - 1 };
});

function isPublicIpv4(value: number): boolean {
  return !REFUSED_IPV4_RANGES.some((range) => value >= range.start && value <= range.end);
}

/** Parses an IPv6 address (with an optional embedded IPv4 tail) into 16 bytes; undefined if malformed. */
export function parseIpv6(address: string): Uint8Array | undefined {
  let text = address;
  const zone = text.indexOf('%');
  if (zone !== -1) text = text.slice(0, zone);
  const words: number[] = [];
  const tail = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  let v4: number | undefined;
  if (tail) {
    v4 = ipv4ToNumber(tail[1] as string);
    if (v4 === undefined) return undefined;
    text = text.slice(0, -(tail[1] as string).length);
    if (text.endsWith(':') && !text.endsWith('::')) text = text.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string) => (part === '' ? [] : part.split(':'));
  const head = parse(halves[0] as string);
  const rest = halves.length === 2 ? parse(halves[1] as string) : [];
  if ([...head, ...rest].some((word) => !/^[0-9a-fA-F]{1,4}$/.test(word))) return undefined;
  const total = 8 - (v4 === undefined ? 0 : 2);
  const missing = total - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  words.push(...head.map((w) => Number.parseInt(w, 16)));
  for (let i = 0; i < missing; i++) words.push(0);
  words.push(...rest.map((w) => Number.parseInt(w, 16)));
  if (v4 !== undefined) words.push(Math.floor(v4 / 65536), v4 % 65536);
  const bytes = new Uint8Array(16);
  words.forEach((word, index) => {
    bytes[index * 2] = word >> 8;
    bytes[index * 2 + 1] = word & 0xff;
  });
  return bytes;
}

function embeddedIpv4(bytes: Uint8Array): number {
  return (
    (bytes[12] as number) * 2 ** 24 +
    (bytes[13] as number) * 2 ** 16 +
    (bytes[14] as number) * 2 ** 8 +
    (bytes[15] as number)
  );
}

function isPublicIpv6(bytes: Uint8Array): boolean {
  const word = (index: number) => ((bytes[index * 2] as number) << 8) | (bytes[index * 2 + 1] as number);
  const zeroUntil = (end: number) => bytes.subarray(0, end).every((byte) => byte === 0);
  // ::ffff:a.b.c.d (IPv4-mapped): judged as the IPv4 address it is.
  if (zeroUntil(10) && word(5) === 0xffff) return isPublicIpv4(embeddedIpv4(bytes));
  // 64:ff9b::a.b.c.d (NAT64 well-known prefix): judged as its IPv4 address.
  if (word(0) === 0x64 && word(1) === 0xff9b && bytes.subarray(4, 12).every((byte) => byte === 0)) {
    return isPublicIpv4(embeddedIpv4(bytes));
  }
  // Only global unicast (2000::/3) is public; this excludes ::, ::1, IPv4-compatible ::a.b.c.d,
  // 64:ff9b:1::/48, 100::/64 (discard), fc00::/7 (unique-local), fe80::/10 (link-local), fec0::/10,
  // ff00::/8 (multicast).
  if (((bytes[0] as number) & 0xe0) !== 0x20) return false;
  const first = word(0);
  const second = word(1);
  if (first === 0x2001 && second < 0x0200) return false; // 2001::/23 IETF: Teredo, benchmarking, ORCHID
  if (first === 0x2001 && second === 0x0db8) return false; // documentation
  if (first === 0x2002) return false; // 6to4: embeds an IPv4 address of any kind
  if (first === 0x3fff && second < 0x1000) return false; // 3fff::/20 documentation (RFC 9637)
  if (first === 0x5f00) return false; // SRv6 SIDs (outside 2000::/3 anyway; kept for clarity)
  return true;
}

/**
 * Whether an IP address (v4 or v6, textual) is public unicast, i.e. one the verifier may connect to.
 * Anything unparseable is not.
 */
export function isPublicAddress(address: string): boolean {
  const version = isIP(address.replace(/%.*$/, ''));
  if (version === 4) {
    const value = ipv4ToNumber(address);
    return value !== undefined && isPublicIpv4(value);
  }
  if (version === 6) {
    const bytes = parseIpv6(address);
    return bytes !== undefined && isPublicIpv6(bytes);
  }
  return false;
}
