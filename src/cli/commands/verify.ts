import { readFile } from 'node:fs/promises';
import { sniffCredentialFile, unbakeCredential } from '../../core/baking.ts';
import { isAppError } from '../../core/errors.ts';
import { createGuardedFetch } from '../../core/net/guarded-fetch.ts';
import type { CredentialVerificationReport } from '../../core/vc/verify.ts';
import { formatReportText } from '../../core/vc/verify.ts';
import { DataDirBusyError } from '../../db/lock.ts';
import { CliError, type CliIo, defineCommand, EXIT_FAILURE, EXIT_OK, UsageError } from '../command.ts';
import { cliConfig, withServices } from '../runtime.ts';

/** Exit code when a check could not be made (e.g. a status list was unreachable): neither valid nor invalid. */
export const EXIT_COULD_NOT_CHECK = 2;

const MAX_INPUT_BYTES = 4 * 1024 * 1024;
/** Baked badges are images: the same limit as POST /api/v1/verify/file. */
const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
const CREDENTIAL_ACCEPT =
  'application/vc, application/vc+jwt;q=0.9, application/vc+ld+json;q=0.8, application/ld+json;q=0.7, application/json;q=0.6';

export const verifyCommand = defineCommand({
  name: 'verify',
  summary:
    'Verify a credential (ours or any issuer’s) and print each step: format, proof, issuer, status, validity, schema.',
  positionals: [
    {
      name: 'FILE|URL|-',
      description:
        'A credential file (JSON, compact vc+jwt, or a baked PNG/SVG badge), an http(s) URL to fetch it from, or - for stdin',
      required: true,
    },
  ],
  options: {
    json: { type: 'boolean', description: 'Print the full step log as JSON' },
    offline: {
      type: 'boolean',
      description: 'Never fetch other hosts: their DIDs and status lists then count as "could not check"',
    },
  },
  details: [
    'Exit codes: 0 valid, 1 invalid, 2 could not check (for example a status list that cannot be fetched).',
    'Our own issuers’ DIDs and status lists are read from the database. While the server holds the embedded',
    'database, the check goes through the running server instead.',
  ],
  examples: [
    'credstack verify badge.json',
    'credstack verify baked-badge.png',
    'credstack verify https://credstack.example/credentials/01J… --json',
    'cat badge.jwt | credstack verify -',
  ],
  async run(ctx) {
    const source = ctx.arg('FILE|URL|-')!;
    const offline = ctx.flag('offline');
    const config = cliConfig(ctx.io);
    const input = await readCredential(source, ctx.io, config.publicUrl, offline);

    let report: PresentedReport;
    try {
      report = await withServices(ctx.io, ctx.command, async (deps) => {
        const { createVerificationService } = await import(
          '../../modules/verification/verification.service.ts'
        );
        const { presentCredentialReport } = await import(
          '../../modules/verification/verification.presenter.ts'
        );
        const verification = createVerificationService({
          config: deps.config,
          clock: deps.clock,
          local: {
            resolveLocalDid: (did) => deps.services.keys.resolveLocalDid(did),
            loadLocalStatusList: (url) => deps.services.credentials.loadLocalStatusList(url),
          },
          remoteEnabled: !offline,
        });
        return presentCredentialReport(await verification.verifyCredential({ credential: input }));
      });
    } catch (error) {
      if (!(error instanceof DataDirBusyError) || !error.owner.url) throw error;
      // The embedded database belongs to the running server: ask it, as any verifier would.
      if (offline) {
        ctx.io.err(
          `note: checking through the running server at ${error.owner.url}; its REMOTE_FETCH setting, not --offline, decides whether other hosts are fetched\n`,
        );
      }
      report = await verifyThroughServer(error.owner.url, input);
    }

    if (ctx.flag('json')) ctx.io.out(`${JSON.stringify(report, null, 2)}\n`);
    else ctx.io.out(formatReportText(report as unknown as CredentialVerificationReport));
    if (report.verdict === 'valid') return EXIT_OK;
    return report.verdict === 'invalid' ? EXIT_FAILURE : EXIT_COULD_NOT_CHECK;
  },
});

type PresentedReport = { verdict: 'valid' | 'invalid' | 'unknown' } & Record<string, unknown>;

async function readCredential(source: string, io: CliIo, publicUrl: URL, offline: boolean): Promise<unknown> {
  let bytes: Buffer;
  if (source === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    bytes = Buffer.concat(chunks);
  } else if (/^https?:\/\//i.test(source)) {
    bytes = Buffer.from(await fetchCredential(source, publicUrl, offline));
  } else {
    try {
      bytes = await readFile(source);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new CliError(
        code === 'ENOENT' ? `no such file: ${source}` : `cannot read ${source}: ${(error as Error).message}`,
      );
    }
  }
  const format = sniffCredentialFile(bytes);
  if (format === 'png' || format === 'svg') {
    if (bytes.length > MAX_IMAGE_BYTES) throw new CliError('the image is larger than 10 MiB');
    // A baked badge: the credential inside is what gets verified.
    try {
      return unbakeCredential(bytes).credential;
    } catch (error) {
      if (isAppError(error))
        throw new CliError(`${source === '-' ? 'standard input' : source}: ${error.message}`);
      throw error;
    }
  }
  if (bytes.length > MAX_INPUT_BYTES) throw new CliError('the credential is larger than 4 MiB');
  const trimmed = bytes.toString('utf8').trim();
  if (trimmed === '') throw new UsageError(`${source === '-' ? 'standard input' : source} is empty`);
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch (error) {
      throw new CliError(`${source} is not valid JSON: ${(error as Error).message}`);
    }
  }
  // Anything else is handed over as text: a compact vc+jwt, or garbage the verifier reports as such.
  return trimmed;
}

/**
 * Our own server's URLs are fetched directly (the operator configured PUBLIC_URL); any other host only
 * through the SSRF-guarded fetcher (https, public addresses, size and time limits).
 */
async function fetchCredential(url: string, publicUrl: URL, offline: boolean): Promise<string> {
  const own = new URL(url).origin === publicUrl.origin;
  if (!own && offline) throw new CliError(`--offline: not fetching ${url}`);
  if (own) {
    const response = await fetch(url, { headers: { accept: CREDENTIAL_ACCEPT } }).catch((error: unknown) => {
      throw new CliError(`cannot fetch ${url}: ${(error as Error).message}`);
    });
    if (!response.ok) throw new CliError(`cannot fetch ${url}: HTTP ${response.status}`);
    return response.text();
  }
  const guarded = createGuardedFetch({ timeoutMs: 10_000, maxBytes: MAX_INPUT_BYTES });
  const response = await guarded(url, CREDENTIAL_ACCEPT).catch((error: unknown) => {
    throw new CliError(`cannot fetch ${url}: ${(error as Error).message}`);
  });
  if (response.status < 200 || response.status >= 300) {
    throw new CliError(`cannot fetch ${url}: HTTP ${response.status}`);
  }
  return response.body.toString('utf8');
}

async function verifyThroughServer(serverUrl: string, credential: unknown): Promise<PresentedReport> {
  const endpoint = new URL('/api/v1/verify', serverUrl).href;
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ verifiableCredential: credential }),
  }).catch((error: unknown) => {
    throw new CliError(`the running server at ${serverUrl} did not answer: ${(error as Error).message}`);
  });
  const body = (await response.json().catch(() => null)) as PresentedReport | { detail?: string } | null;
  if (!response.ok || !body || !('verdict' in body)) {
    const detail = body && 'detail' in body && body.detail ? `: ${body.detail}` : '';
    throw new CliError(
      `the running server at ${serverUrl} refused the check (HTTP ${response.status})${detail}`,
    );
  }
  return body;
}
