import type { GapSkill } from '../learning-path/path.model.ts';

/** Pure parts of the skill profile and the gap analysis: no database, no clock of their own. */

export type SkillImportance = 'essential' | 'optional';

/** Essential skills count twice in coverage and in the learning path's weighting. */
export const IMPORTANCE_WEIGHT: Record<SkillImportance, number> = { essential: 2, optional: 1 };
/** A partly covered skill counts half towards coverage. */
const PARTLY_CREDIT = 0.5;

/** One credential's contribution to a skill. */
export interface CredentialSource {
  kind: 'credential';
  credentialId: string;
  title: string;
  issuer: string;
  /** `active`: in force now; `expired`: its validity ended (revoked and suspended ones are never sources). */
  state: 'active' | 'expired';
  validUntil: Date | null;
  /** `definition`: the catalogue definition's alignments; `alignment`: the signed document's alignments. */
  via: 'definition' | 'alignment';
}

export interface DeclaredSource {
  kind: 'declared';
  declaredAt: Date;
}

export type SkillSource = CredentialSource | DeclaredSource;

/** `verified`: an active credential shows it; `expired`: only expired ones do; `declared`: only the learner says so. */
export type ProfileSkillStatus = 'verified' | 'expired' | 'declared';

export interface ProfileSkill {
  uri: string;
  label: string;
  /** The framework slug (`esco`, `onet`, `org:<slug>`); null when the skills store does not know the URI. */
  framework: string | null;
  status: ProfileSkillStatus;
  sources: SkillSource[];
}

/** The credential state for the profile, or null when it does not count at all (revoked, suspended, not yet valid). */
export function credentialState(
  record: { status: string; valid_from: Date | null; valid_until: Date | null },
  now: Date,
): 'active' | 'expired' | null {
  if (record.status !== 'active') return null;
  if (record.valid_from !== null && record.valid_from.getTime() > now.getTime()) return null;
  if (record.valid_until !== null && record.valid_until.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

export function statusOf(sources: readonly SkillSource[]): ProfileSkillStatus {
  if (sources.some((source) => source.kind === 'credential' && source.state === 'active')) return 'verified';
  if (sources.some((source) => source.kind === 'credential')) return 'expired';
  return 'declared';
}

type JsonValue = unknown;

function asArray(value: JsonValue): JsonValue[] {
  if (Array.isArray(value)) return value;
  return value === undefined || value === null ? [] : [value];
}

function isObject(value: JsonValue): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The credential's payload: a Data Integrity document as is, a vc+jwt's JWS payload decoded. */
export function credentialPayload(
  document: Record<string, unknown> | string,
): Record<string, unknown> | null {
  if (typeof document !== 'string') return document;
  const payload = document.split('.')[1];
  if (!payload) return null;
  try {
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    if (!isObject(decoded)) return null;
    // VC-JOSE puts the credential itself in the payload; older JWT VCs wrap it in `vc`.
    return isObject(decoded.vc) ? decoded.vc : decoded;
  } catch {
    return null;
  }
}

const URI_SHAPE = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/;

/** One alignment of a credential: the URIs that may name the skill, and a fallback label. */
export interface CredentialAlignment {
  /** `targetUrl` then `targetCode`, each kept only if it is a URI; the caller prefers one it knows. */
  uris: string[];
  label: string | null;
}

/**
 * The skills an OB 3.0 credential aligns to: `credentialSubject.achievement.alignment[]`, the achievement's
 * `resultDescription[].alignment[]` (what its results assess) and the subject's `result[].alignment[]`
 * (what the learner's results achieved). Each alignment's `targetUrl` and, where it is a URI too, its
 * `targetCode` (frameworks such as CASE put the skill's URI there and a web page in `targetUrl`), with the
 * `targetName` as a fallback label. Anything malformed is skipped; the same URIs are listed once.
 */
export function alignmentsOf(credential: Record<string, unknown> | null): CredentialAlignment[] {
  if (!credential) return [];
  const found = new Map<string, CredentialAlignment>();
  const collect = (alignments: JsonValue) => {
    for (const alignment of asArray(alignments)) {
      if (!isObject(alignment)) continue;
      const uris = [alignment.targetUrl, alignment.targetCode]
        .filter((value): value is string => typeof value === 'string')
        .map((value) => value.trim())
        .filter((uri) => URI_SHAPE.test(uri) && uri.length <= 2000);
      if (uris.length === 0) continue;
      const key = [...new Set(uris)].join(' ');
      const label = typeof alignment.targetName === 'string' ? alignment.targetName : null;
      const known = found.get(key);
      if (!known) found.set(key, { uris: [...new Set(uris)], label });
      else if (known.label === null) known.label = label;
    }
  };
  for (const subject of asArray(credential.credentialSubject)) {
    if (!isObject(subject)) continue;
    for (const achievement of asArray(subject.achievement)) {
      if (!isObject(achievement)) continue;
      collect(achievement.alignment);
      for (const description of asArray(achievement.resultDescription)) {
        if (isObject(description)) collect(description.alignment);
      }
    }
    for (const result of asArray(subject.result)) {
      if (isObject(result)) collect(result.alignment);
    }
  }
  return [...found.values()];
}

/** A skill the target asks for. */
export interface TargetSkill {
  uri: string;
  label: string;
  importance: SkillImportance;
}

export type Relation = 'broader' | 'narrower' | 'mapped';

export type CoverageReason =
  | { kind: 'verified'; credentials: Array<{ credentialId: string; title: string }> }
  | { kind: 'declared' }
  | { kind: 'expired'; credentials: Array<{ credentialId: string; title: string; validUntil: Date | null }> }
  | { kind: 'related'; relatedUri: string; relatedLabel: string; relation: Relation };

export interface GapEntry extends TargetSkill {
  coverage: 'covered' | 'partly' | 'missing';
  weight: number;
  /** Why the skill is covered or partly covered; empty when missing. */
  reasons: CoverageReason[];
}

export interface GapResult {
  skills: GapEntry[];
  /** Weighted: essential 2, optional 1; covered counts fully, partly half. 0..100, one decimal. */
  coveragePercent: number;
  counts: { covered: number; partly: number; missing: number };
}

/**
 * Compares the target's skills with the profile. A skill is covered by an active credential; partly
 * covered when only the learner declares it, only an expired credential shows it, or a verified profile
 * skill is related to it (broader, narrower or mapped, from `related`); otherwise missing.
 */
export function analyse(
  target: readonly TargetSkill[],
  profile: readonly ProfileSkill[],
  related: ReadonlyMap<string, ReadonlyArray<{ uri: string; relation: Relation }>>,
): GapResult {
  const byUri = new Map(profile.map((skill) => [skill.uri, skill]));
  const skills = target.map((wanted): GapEntry => {
    const weight = IMPORTANCE_WEIGHT[wanted.importance];
    const own = byUri.get(wanted.uri);
    const credentials = (own?.sources ?? []).filter(
      (source): source is CredentialSource => source.kind === 'credential',
    );
    const active = credentials.filter((source) => source.state === 'active');
    if (active.length > 0) {
      return {
        ...wanted,
        coverage: 'covered',
        weight,
        reasons: [
          {
            kind: 'verified',
            credentials: active.map((source) => ({ credentialId: source.credentialId, title: source.title })),
          },
        ],
      };
    }
    const reasons: CoverageReason[] = [];
    if (credentials.length > 0) {
      reasons.push({
        kind: 'expired',
        credentials: credentials.map((source) => ({
          credentialId: source.credentialId,
          title: source.title,
          validUntil: source.validUntil,
        })),
      });
    }
    if (own?.sources.some((source) => source.kind === 'declared')) reasons.push({ kind: 'declared' });
    const seen = new Set<string>();
    for (const relation of related.get(wanted.uri) ?? []) {
      const skill = byUri.get(relation.uri);
      if (skill?.status !== 'verified' || seen.has(skill.uri)) continue;
      seen.add(skill.uri);
      reasons.push({
        kind: 'related',
        relatedUri: skill.uri,
        relatedLabel: skill.label,
        relation: relation.relation,
      });
    }
    return { ...wanted, coverage: reasons.length > 0 ? 'partly' : 'missing', weight, reasons };
  });
  const total = skills.reduce((sum, skill) => sum + skill.weight, 0);
  const earned = skills.reduce(
    (sum, skill) =>
      sum +
      skill.weight * (skill.coverage === 'covered' ? 1 : skill.coverage === 'partly' ? PARTLY_CREDIT : 0),
    0,
  );
  return {
    skills,
    coveragePercent: total === 0 ? 0 : Math.round((earned / total) * 1000) / 10,
    counts: {
      covered: skills.filter((skill) => skill.coverage === 'covered').length,
      partly: skills.filter((skill) => skill.coverage === 'partly').length,
      missing: skills.filter((skill) => skill.coverage === 'missing').length,
    },
  };
}

/** What the learning path must still cover: missing and partly covered skills, essential ones weighing more. */
export function gapSkillsForPath(result: GapResult): GapSkill[] {
  return result.skills
    .filter((skill) => skill.coverage !== 'covered')
    .map((skill) => ({ uri: skill.uri, label: skill.label, weight: skill.weight }));
}

/** Merges duplicate target skills (the same URI named twice): the stronger importance wins. */
export function dedupeTarget(skills: readonly TargetSkill[]): TargetSkill[] {
  const merged = new Map<string, TargetSkill>();
  for (const skill of skills) {
    const current = merged.get(skill.uri);
    if (!current || (current.importance === 'optional' && skill.importance === 'essential')) {
      merged.set(skill.uri, current ? { ...current, importance: skill.importance } : skill);
    }
  }
  return [...merged.values()];
}
