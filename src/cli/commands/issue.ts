import { readFile } from 'node:fs/promises';
import { CRYPTOSUITES, type Cryptosuite } from '../../core/vc/proofs.ts';
import { isDateTimeStamp } from '../../core/vc/status-list.ts';
import type { CredentialFormat } from '../../db/schema.ts';
import { CliError, defineCommand, EXIT_OK, UsageError } from '../command.ts';
import { CLI_ACTOR, withServices } from '../runtime.ts';

const FORMATS: readonly CredentialFormat[] = ['data-integrity', 'vc+jwt'];

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A date-time with a time zone, or a plain date (midnight UTC). */
function parseDate(text: string, option: string): Date {
  const value = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text;
  if (!isDateTimeStamp(value)) {
    throw new UsageError(
      `--${option} must be a date (2027-06-30) or a date-time with a time zone (2027-06-30T12:00:00Z), got "${text}"`,
      issueCommand,
    );
  }
  return new Date(value);
}

/**
 * The achievement file: an OB 3.0 Achievement object, or `{ achievement, result?, evidence?, narrative?,
 * name?, description? }` to give the award's details too.
 */
async function readAchievementFile(path: string): Promise<Json> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read the achievement file ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliError(`the achievement file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (!isObject(parsed)) throw new CliError(`the achievement file ${path} must hold a JSON object`);
  if (!('achievement' in parsed)) return { achievement: parsed };
  if (!isObject(parsed.achievement)) throw new CliError(`"achievement" in ${path} must be a JSON object`);
  return parsed;
}

export const issueCommand = defineCommand({
  name: 'issue',
  summary:
    'Issue an Open Badges 3.0 credential to a recipient and print the signed credential (JSON, or the JWT for vc+jwt).',
  options: {
    org: { type: 'string', placeholder: 'SLUG', description: 'The issuing organisation', required: true },
    achievement: {
      type: 'string',
      placeholder: 'FILE',
      description: 'JSON file: an Achievement, or { achievement, result, evidence, narrative }',
      required: true,
    },
    'recipient-email': {
      type: 'string',
      placeholder: 'EMAIL',
      description: 'Where the link is mailed; published only as a salted hash',
      required: true,
    },
    'recipient-name': { type: 'string', placeholder: 'NAME', description: 'For the mail' },
    'recipient-did': {
      type: 'string',
      placeholder: 'DID',
      description: "The learner's DID (credentialSubject.id)",
    },
    cryptosuite: {
      type: 'string',
      placeholder: 'SUITE',
      description: `Data Integrity cryptosuite: ${CRYPTOSUITES.join(' (default), ')}`,
    },
    format: { type: 'string', placeholder: 'FORMAT', description: 'data-integrity (default) or vc+jwt' },
    'valid-from': { type: 'string', placeholder: 'DATE', description: 'Start of validity (default: now)' },
    'valid-until': { type: 'string', placeholder: 'DATE', description: 'End of validity (default: none)' },
    json: {
      type: 'boolean',
      description: 'Print JSON details (id, page URL, status entries) with the signed credential',
    },
  },
  details: [
    'The credential is signed with the organisation’s did:web key and gets a revocation and a suspension',
    'status entry; the recipient is mailed a link to its page.',
  ],
  examples: [
    'credstack issue --org acme --achievement sql-badge.json --recipient-email ada@example.org > ada.json',
    'credstack issue --org acme --achievement sql-badge.json --recipient-email ada@example.org --format vc+jwt',
  ],
  async run(ctx) {
    const cryptosuite = ctx.text('cryptosuite');
    if (cryptosuite !== undefined && !CRYPTOSUITES.includes(cryptosuite as Cryptosuite)) {
      throw new UsageError(`--cryptosuite must be one of ${CRYPTOSUITES.join(', ')}`, issueCommand);
    }
    const format = ctx.text('format');
    if (format !== undefined && !FORMATS.includes(format as CredentialFormat)) {
      throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`, issueCommand);
    }
    if (format === 'vc+jwt' && cryptosuite !== undefined) {
      throw new UsageError(
        '--cryptosuite applies to Data Integrity proofs, not to --format vc+jwt',
        issueCommand,
      );
    }
    const validFromText = ctx.text('valid-from');
    const validUntilText = ctx.text('valid-until');
    const validFrom = validFromText === undefined ? undefined : parseDate(validFromText, 'valid-from');
    const validUntil = validUntilText === undefined ? undefined : parseDate(validUntilText, 'valid-until');
    const file = await readAchievementFile(ctx.required('achievement'));

    return withServices(ctx.io, ctx.command, async (deps) => {
      const { credentials } = deps.services;
      const issued = await credentials.issueCredential({
        actor: CLI_ACTOR,
        slug: ctx.required('org'),
        achievement: file.achievement as never,
        recipient: {
          email: ctx.required('recipient-email'),
          name: ctx.text('recipient-name') ?? null,
          did: ctx.text('recipient-did') ?? null,
        },
        ...(typeof file.name === 'string' ? { name: file.name } : {}),
        ...(typeof file.description === 'string' ? { description: file.description } : {}),
        ...(typeof file.narrative === 'string' ? { narrative: file.narrative } : {}),
        ...(Array.isArray(file.result) ? { result: file.result as never } : {}),
        ...(Array.isArray(file.evidence) ? { evidence: file.evidence as never } : {}),
        validFrom,
        validUntil,
        ...(format ? { format: format as CredentialFormat } : {}),
        ...(cryptosuite ? { cryptosuite: cryptosuite as Cryptosuite } : {}),
      });
      const { record, verifiableCredential } = issued;
      if (ctx.flag('json')) {
        const details = {
          id: record.id,
          url: credentials.pageUrl(record.id),
          organisation: ctx.required('org'),
          format: record.format,
          cryptosuite: record.cryptosuite,
          status: record.status,
          issuedAt: record.issued_at.toISOString(),
          statusEntries: issued.statusEntries.map((entry) => ({
            purpose: entry.purpose,
            statusListCredential: entry.listUrl,
            statusListIndex: entry.index,
          })),
          verifiableCredential,
        };
        ctx.io.out(`${JSON.stringify(details, null, 2)}\n`);
      } else {
        ctx.io.out(
          typeof verifiableCredential === 'string'
            ? `${verifiableCredential}\n`
            : `${JSON.stringify(verifiableCredential, null, 2)}\n`,
        );
      }
      return EXIT_OK;
    });
  },
});
