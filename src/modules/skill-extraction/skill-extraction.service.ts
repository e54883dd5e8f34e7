import type { Actor } from '../../core/actor.ts';
import { AppError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { OrganisationsService } from '../organisations/organisations.service.ts';
import type { SkillsService } from '../skills/skills.service.ts';
import type { ExtractedSkill, SkillExtraction, SkillReranker } from './extraction.model.ts';
import { buildSkillIndex, extractFromText, type SkillIndex } from './extractor.ts';
import { looksBinary, readDocumentText } from './text-input.ts';

export interface SkillExtractionServiceDeps {
  skills: Pick<SkillsService, 'listSkillsForIndex' | 'skillsIndexVersion'>;
  organisations: Pick<OrganisationsService, 'requireAccess'>;
  /** A language-model re-ranker; none by default (the offline extractor alone). */
  reranker?: SkillReranker;
  /** How long the re-ranker may take before the lexical order is used (default 3 s). */
  rerankTimeoutMs?: number;
  logger?: Pick<Logger, 'warn'>;
}

export type SkillExtractionService = ReturnType<typeof createSkillExtractionService>;

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
/** How many lexical candidates the re-ranker sees (it may only re-order or drop them). */
const RERANK_POOL = 50;
/** Organisation indexes kept in memory at once (the global one is always kept). */
const MAX_CACHED_INDEXES = 16;

interface CachedIndex {
  version: string;
  index: Promise<SkillIndex>;
}

/**
 * Skill extraction over the skills in the database: ESCO, O*NET and an organisation's own skills. The
 * index is built lazily on first use (a few seconds for the full frameworks) and rebuilt when the skills
 * table changes (an import, an organisation skill added). The skills service's fingerprint tells: it changes
 * at once with that service's own writes and within five seconds with another process's (the CLI
 * importing), so a call costs no database read most of the time. Nothing is written: extraction changes no
 * state and records no audit event.
 */
export function createSkillExtractionService(deps: SkillExtractionServiceDeps) {
  const cache = new Map<string, CachedIndex>();
  const rerankTimeoutMs = deps.rerankTimeoutMs ?? 3000;

  async function indexFor(key: string, version: string, load: () => Promise<SkillIndex>) {
    const cached = cache.get(key);
    if (cached && cached.version === version) {
      // Refresh its place: the least recently used index is the one dropped.
      cache.delete(key);
      cache.set(key, cached);
      return cached.index;
    }
    const index = load();
    cache.set(key, { version, index });
    index.catch(() => cache.delete(key));
    while (cache.size > MAX_CACHED_INDEXES) {
      const oldest = cache.keys().next().value;
      if (oldest === undefined) break;
      cache.delete(oldest);
    }
    return index;
  }

  async function indexesFor(options: {
    actor: Actor;
    frameworks?: readonly string[];
    organisationSlug?: string;
  }): Promise<SkillIndex[]> {
    let organisationId: string | null = null;
    if (options.organisationSlug !== undefined) {
      // Members (and the organisation's tokens) only; anyone else gets the same 404 as for no organisation.
      const { organisation } = await deps.organisations.requireAccess({
        actor: options.actor,
        slug: options.organisationSlug,
        permission: 'definitions:read',
      });
      organisationId = organisation.id;
    }
    const version = await deps.skills.skillsIndexVersion();
    const frameworks = options.frameworks ? [...new Set(options.frameworks)].sort() : undefined;
    const indexes: Array<Promise<SkillIndex>> = [];
    if (!frameworks || frameworks.length > 0) {
      indexes.push(
        indexFor(`global:${frameworks?.join(',') ?? '*'}`, version, async () =>
          buildSkillIndex(await deps.skills.listSkillsForIndex(frameworks ? { frameworks } : {})),
        ),
      );
    }
    if (organisationId !== null) {
      const id = organisationId;
      indexes.push(
        indexFor(`org:${id}`, version, async () =>
          buildSkillIndex(
            // Only the organisation's own skills: the frameworks' are in the global index.
            await deps.skills.listSkillsForIndex({ frameworks: [], organisationId: id }),
          ),
        ),
      );
    }
    return Promise.all(indexes);
  }

  async function rerank(
    text: string,
    candidates: ExtractedSkill[],
    limit: number,
  ): Promise<{ skills: ExtractedSkill[]; method: string }> {
    const lexical = { skills: candidates.slice(0, limit), method: 'lexical' };
    const reranker = deps.reranker;
    if (!reranker || candidates.length === 0) return lexical;
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Error(`the re-ranker took longer than ${rerankTimeoutMs} ms`));
      }, rerankTimeoutMs);
    });
    try {
      const reranked = await Promise.race([
        reranker.rerank({ text, candidates, limit, signal: controller.signal }),
        timeout,
      ]);
      // It may re-order or drop candidates, never invent one: anything not offered is ignored.
      const offered = new Map(candidates.map((skill) => [skill.uri, skill]));
      const seen = new Set<string>();
      const skills: ExtractedSkill[] = [];
      for (const skill of reranked) {
        const original = offered.get(skill.uri);
        if (!original || seen.has(skill.uri)) continue;
        seen.add(skill.uri);
        skills.push({ ...original, confidence: clamp01(skill.confidence ?? original.confidence) });
      }
      return { skills: skills.slice(0, limit), method: `lexical+rerank:${reranker.name}` };
    } catch (error) {
      deps.logger?.warn(
        { err: error, reranker: reranker.name },
        'skill re-ranker failed; the lexical order is used',
      );
      return lexical;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Skills asked for by `text`, best first, each with its supporting spans and a 0..1 confidence.
   * `frameworks` restricts the global frameworks (`esco`, `onet`); `organisationSlug` adds that
   * organisation's own skills (members only, 404 otherwise).
   */
  async function extractSkills(options: {
    actor: Actor;
    text: string;
    frameworks?: string[];
    organisationSlug?: string;
    limit?: number;
  }): Promise<SkillExtraction> {
    if (options.actor.kind === 'anonymous') {
      throw new AppError('unauthenticated', 'Sign in or use an API token to extract skills');
    }
    const limit = Math.min(MAX_LIMIT, Math.max(1, Math.trunc(options.limit ?? DEFAULT_LIMIT)));
    if (!/[\p{L}]{2}/u.test(options.text)) {
      throw AppError.validation('The text has no words to extract skills from', [
        { in: 'body', pointer: '/text', message: 'must contain text' },
      ]);
    }
    if (looksBinary(options.text)) {
      throw AppError.validation('The text looks like binary data, not prose', [
        { in: 'body', pointer: '/text', message: 'must be text' },
      ]);
    }
    const indexes = await indexesFor(options);
    const extraction = extractFromText(indexes, options.text, {
      limit: deps.reranker ? Math.max(limit, RERANK_POOL) : limit,
    });
    const ranked = await rerank(options.text, extraction.skills, limit);
    return {
      skills: ranked.skills,
      sentenceCount: extraction.sentenceCount,
      characterCount: extraction.characterCount,
      method: ranked.method,
      truncated: extraction.truncated,
    };
  }

  /** The same from an uploaded .txt, .md, .pdf or .docx document (see readDocumentText). */
  async function extractSkillsFromDocument(options: {
    actor: Actor;
    filename: string;
    content: Buffer;
    mediaType?: string;
    frameworks?: string[];
    organisationSlug?: string;
    limit?: number;
  }): Promise<SkillExtraction> {
    if (options.actor.kind === 'anonymous') {
      throw new AppError('unauthenticated', 'Sign in or use an API token to extract skills');
    }
    const text = await readDocumentText(options);
    return extractSkills({ ...options, text });
  }

  return { extractSkills, extractSkillsFromDocument };
}

function clamp01(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}
