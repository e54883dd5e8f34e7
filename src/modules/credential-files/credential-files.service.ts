import type { Actor } from '../../core/actor.ts';
import { bakePng, bakeSvg } from '../../core/baking.ts';
import type { Clock } from '../../core/clock.ts';
import type { Config } from '../../core/config.ts';
import { AppError } from '../../core/errors.ts';
import type { CredentialVerificationReport } from '../../core/vc/verify.ts';
import type { CredentialsService, HeldCredential } from '../credentials/credentials.service.ts';
import type { VerificationService } from '../verification/verification.service.ts';
import {
  defaultBadgeSvg,
  type EmbeddedImage,
  hueFor,
  imageFromDataUrl,
  renderSvgToPng,
  svgAroundPng,
} from './badge-image.ts';
import { certificatePdf } from './certificate-pdf.ts';
import { type ShareLinks, shareLinks } from './share-links.ts';

/** What the catalogue says about a definition version, for the certificate. */
export interface DefinitionOutcomes {
  learningOutcomesOf(options: { definitionId: string }): Promise<string[]>;
}

export interface CredentialFilesServiceDeps {
  config: Pick<Config, 'publicUrl'>;
  clock: Clock;
  credentials: Pick<CredentialsService, 'getMyCredential' | 'pageUrl'>;
  verification: Pick<VerificationService, 'verifyPageInput'>;
  definitions?: DefinitionOutcomes;
}

/** A file for the holder to download. */
export interface CredentialFile {
  fileName: string;
  mediaType: string;
  content: Uint8Array | string;
}

export interface ShareData extends ShareLinks {
  credentialId: string;
  achievementName: string;
  issuerName: string;
}

export interface FileVerification {
  source: 'json' | 'png' | 'svg' | 'url';
  report: CredentialVerificationReport;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function firstObject(value: unknown): Json | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return isObject(first) ? first : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** The claims of the stored credential: the object itself, or a vc+jwt's payload (ours, so not re-verified). */
function claimsOf(credential: Json | string): Json {
  if (typeof credential !== 'string') return credential;
  try {
    const payload: unknown = JSON.parse(
      Buffer.from(credential.split('.')[1] ?? '', 'base64url').toString('utf8'),
    );
    if (!isObject(payload)) return {};
    return isObject(payload.vc) ? payload.vc : payload;
  } catch {
    return {};
  }
}

/** A file name from the achievement name: ASCII letters and digits, dashes between. */
export function fileStem(name: string): string {
  const stem = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return stem || 'credential';
}

interface Facts {
  held: HeldCredential;
  claims: Json;
  achievementName: string;
  issuerName: string;
  publicUrl: string;
  seed: string;
  /** The achievement's `image` URL as signed (may be remote: only ever linked, never fetched). */
  imageUrl: string | undefined;
  embedded: EmbeddedImage | null;
}

/**
 * Downloads and sharing for a credential's holder (badge PNG/SVG with the credential baked in, a PDF
 * certificate, the credential as JSON, share links), and verification of an uploaded file or of one of our
 * own credential URLs. Nothing here changes state, so nothing is audited; only the holder sees their files.
 */
export function createCredentialFilesService(deps: CredentialFilesServiceDeps) {
  const { clock } = deps;

  /** The holder's credential, or 404 for anyone else (and for ids that are no credential at all). */
  async function heldFacts(actor: Actor, id: string): Promise<Facts> {
    if (actor.kind !== 'user') throw AppError.notFound('Credential');
    const held = await deps.credentials.getMyCredential({ actor, id });
    const claims = claimsOf(held.verifiableCredential as Json | string);
    const achievement = firstObject(firstObject(claims.credentialSubject)?.achievement);
    const image = achievement?.image;
    const imageUrl = text(image) ?? text(firstObject(image)?.id);
    return {
      held,
      claims,
      achievementName:
        text(achievement?.name) ?? held.record.achievement_name ?? held.record.name ?? 'Credential',
      issuerName: held.organisation.name,
      publicUrl: deps.credentials.pageUrl(held.record.id),
      seed: held.record.definition_id ?? text(achievement?.id) ?? held.record.id,
      imageUrl,
      embedded: imageUrl ? imageFromDataUrl(imageUrl) : null,
    };
  }

  function defaultSvg(facts: Facts): string {
    return defaultBadgeSvg({
      achievementName: facts.achievementName,
      issuerName: facts.issuerName,
      seed: facts.seed,
    });
  }

  /** The credential as signed: JSON for Data Integrity, the compact JWS for vc+jwt (the spec's baking rule). */
  function bakeable(facts: Facts): object | string {
    return facts.held.verifiableCredential;
  }

  function withFallback<T>(attempt: () => T, fallback: () => T): T {
    try {
      return attempt();
    } catch {
      // The achievement's own image is broken (not a PNG, not well-formed SVG): draw ours instead.
      return fallback();
    }
  }

  async function badgePng(options: { actor: Actor; id: string }): Promise<CredentialFile> {
    const facts = await heldFacts(options.actor, options.id);
    const drawn = () => bakePng(renderSvgToPng(defaultSvg(facts)), bakeable(facts));
    const embedded = facts.embedded;
    const content =
      embedded?.format === 'png'
        ? withFallback(() => bakePng(embedded.bytes, bakeable(facts)), drawn)
        : drawn();
    return { fileName: `${fileStem(facts.achievementName)}-badge.png`, mediaType: 'image/png', content };
  }

  async function badgeSvg(options: { actor: Actor; id: string }): Promise<CredentialFile> {
    const facts = await heldFacts(options.actor, options.id);
    const drawn = () => bakeSvg(defaultSvg(facts), bakeable(facts));
    const embedded = facts.embedded;
    let content: string;
    if (embedded?.format === 'svg') {
      content = withFallback(
        () => bakeSvg(new TextDecoder('utf-8', { fatal: true }).decode(embedded.bytes), bakeable(facts)),
        drawn,
      );
    } else if (embedded?.format === 'png') {
      content = bakeSvg(svgAroundPng(embedded.bytes, facts.achievementName), bakeable(facts));
    } else content = drawn();
    return { fileName: `${fileStem(facts.achievementName)}-badge.svg`, mediaType: 'image/svg+xml', content };
  }

  async function certificate(options: { actor: Actor; id: string }): Promise<CredentialFile> {
    const facts = await heldFacts(options.actor, options.id);
    const { record } = facts.held;
    const achievement = firstObject(firstObject(facts.claims.credentialSubject)?.achievement);
    const skills = (Array.isArray(achievement?.alignment) ? achievement.alignment : [])
      .map((alignment) => text(firstObject(alignment)?.targetName))
      .filter((name): name is string => name !== undefined);
    const learningOutcomes =
      record.definition_id && deps.definitions
        ? await deps.definitions.learningOutcomesOf({ definitionId: record.definition_id })
        : [];
    const content = await certificatePdf({
      achievementName: facts.achievementName,
      description: text(achievement?.description) ?? null,
      learnerName: record.holder_name_public ? record.recipient_name : null,
      issuerName: facts.issuerName,
      issuedAt: record.issued_at,
      validUntil: record.valid_until,
      skills,
      learningOutcomes,
      credentialId: record.credential_uri,
      verificationUrl: facts.publicUrl,
      status: record.status,
      statusChangedAt: record.status_changed_at,
      hue: hueFor(facts.seed),
      now: clock.now(),
    });
    return {
      fileName: `${fileStem(facts.achievementName)}-certificate.pdf`,
      mediaType: 'application/pdf',
      content,
    };
  }

  async function credentialJson(options: { actor: Actor; id: string }): Promise<CredentialFile> {
    const facts = await heldFacts(options.actor, options.id);
    const signed = facts.held.verifiableCredential;
    // A vc+jwt credential travels in JSON as an EnvelopedVerifiableCredential (VC 2.0 §4.13), as on its page.
    const document =
      typeof signed === 'string'
        ? {
            '@context': ['https://www.w3.org/ns/credentials/v2'],
            id: `data:application/vc+jwt,${signed}`,
            type: 'EnvelopedVerifiableCredential',
          }
        : signed;
    return {
      fileName: `${fileStem(facts.achievementName)}-credential.json`,
      mediaType: 'application/vc+ld+json; charset=utf-8',
      content: `${JSON.stringify(document, null, 2)}\n`,
    };
  }

  async function share(options: { actor: Actor; id: string }): Promise<ShareData> {
    const facts = await heldFacts(options.actor, options.id);
    const { record } = facts.held;
    // The <img> of the snippet loads in the reader's browser: a remote https image may be named; otherwise
    // the drawn badge goes inline (without the credential: the snippet links to the page that verifies it).
    const imageUrl =
      facts.imageUrl && (facts.imageUrl.startsWith('https://') || facts.embedded)
        ? facts.imageUrl
        : `data:image/svg+xml;base64,${Buffer.from(defaultSvg(facts)).toString('base64')}`;
    return {
      credentialId: record.credential_uri,
      achievementName: facts.achievementName,
      issuerName: facts.issuerName,
      ...shareLinks({
        publicUrl: facts.publicUrl,
        credentialId: record.credential_uri,
        achievementName: facts.achievementName,
        issuerName: facts.issuerName,
        issuedAt: record.issued_at,
        expiresAt: record.valid_until,
        imageUrl,
      }),
    };
  }

  /** Verifies an uploaded credential file (JSON, baked PNG, baked SVG) exactly as POST /verify would. */
  async function verifyFile(options: { bytes: Uint8Array }): Promise<FileVerification> {
    if (options.bytes.length === 0) {
      throw AppError.validation('The uploaded file is empty', [
        { in: 'body', pointer: '/file', message: 'is empty' },
      ]);
    }
    const outcome = await deps.verification.verifyPageInput({ kind: 'file', bytes: options.bytes });
    if (outcome.kind !== 'checked' || outcome.source === 'text' || outcome.source === 'url') {
      throw AppError.validation('The file could not be checked');
    }
    return { source: outcome.source, report: outcome.report };
  }

  /**
   * Verifies one of this server's credentials by its public URL, read locally. Any other URL is refused:
   * fetching a URL a caller names would let anyone make this server send requests (SSRF).
   */
  async function verifyUrl(options: { url: string }): Promise<FileVerification> {
    const outcome = await deps.verification.verifyPageInput({ kind: 'url', url: options.url });
    if (outcome.kind === 'checked') return { source: 'url', report: outcome.report };
    if (outcome.reason === 'unknown_credential') throw AppError.notFound('Credential');
    throw AppError.validation(
      `Only this server's own credential URLs (${deps.config.publicUrl.origin}/credentials/<id>) are checked ` +
        'by URL. External URLs are never fetched (that would let anyone make this server send requests); ' +
        'paste the credential or upload the file instead.',
      [{ in: 'body', pointer: '/url', message: 'is not a credential URL of this server' }],
    );
  }

  return { badgePng, badgeSvg, certificate, credentialJson, share, verifyFile, verifyUrl };
}

export type CredentialFilesService = ReturnType<typeof createCredentialFilesService>;
