import type { Actor } from '../../core/actor.ts';
import { AppError, type FieldProblem } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import type { CatalogueService } from '../catalogue/catalogue.service.ts';
import { DEFAULT_TIME_LIMIT_MS, planLearningPath } from './optimizer.ts';
import { type LearningPath, PATH_OBJECTIVES, type PathRequest } from './path.model.ts';

/** Larger gaps are not a learning path but a curriculum; the solver's time limit could not hold. */
export const MAX_GAP_SKILLS = 200;
export const MAX_TIME_LIMIT_MS = 10_000;

export interface LearningPathServiceDeps {
  catalogue: Pick<CatalogueService, 'findPathCandidates'>;
}

function validate(request: PathRequest): PathRequest {
  const problems: FieldProblem[] = [];
  const problem = (pointer: string, message: string) => problems.push({ in: 'body', pointer, message });
  if (!PATH_OBJECTIVES.includes(request.objective))
    problem('/objective', `must be one of ${PATH_OBJECTIVES.join(', ')}`);
  if (request.gap.length > MAX_GAP_SKILLS) problem('/gap', `at most ${MAX_GAP_SKILLS} skills`);
  request.gap.forEach((skill, index) => {
    if (typeof skill.uri !== 'string' || skill.uri.length === 0)
      problem(`/gap/${index}/uri`, 'must not be empty');
    if (!Number.isFinite(skill.weight) || skill.weight < 0)
      problem(`/gap/${index}/weight`, 'must be 0 or more');
  });
  const budget = request.budget ?? {};
  if (budget.maxCost !== undefined && !(Number.isFinite(budget.maxCost) && budget.maxCost >= 0)) {
    problem('/budget/maxCost', 'must be 0 or more');
  }
  if (budget.maxHours !== undefined && !(Number.isFinite(budget.maxHours) && budget.maxHours >= 0)) {
    problem('/budget/maxHours', 'must be 0 or more');
  }
  if (budget.currency !== undefined && !/^[A-Za-z]{3}$/.test(budget.currency)) {
    problem('/budget/currency', 'must be an ISO 4217 code');
  }
  const minQuality = request.filters?.minQuality;
  if (minQuality !== undefined && !(Number.isFinite(minQuality) && minQuality >= 0 && minQuality <= 100)) {
    problem('/filters/minQuality', 'must be 0 to 100');
  }
  const limit = request.timeLimitMs;
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= MAX_TIME_LIMIT_MS)) {
    problem('/timeLimitMs', `must be an integer from 1 to ${MAX_TIME_LIMIT_MS}`);
  }
  if (problems.length > 0) throw AppError.validation('The learning-path request is not valid', problems);
  return { ...request, timeLimitMs: limit ?? DEFAULT_TIME_LIMIT_MS };
}

/**
 * Learning paths: reads the candidates aligned to the gap (plus their prerequisites) from the catalogue and
 * hands them to the optimiser. Read-only, over the public catalogue, so it writes no audit event and any
 * actor may ask; who may see whose gap is the caller's concern (the skill-profile module).
 */
export function createLearningPathService(deps: LearningPathServiceDeps) {
  async function recommendPath(options: {
    actor: Actor;
    request: PathRequest;
    trx?: Db;
  }): Promise<LearningPath> {
    const request = validate(options.request);
    const costMatters = request.objective === 'cost' || request.budget?.maxCost !== undefined;
    const candidates =
      request.gap.length === 0
        ? []
        : await deps.catalogue.findPathCandidates({
            skillUris: request.gap.map((skill) => skill.uri),
            filters: request.filters,
            budgetCurrency: costMatters ? request.budget?.currency : undefined,
            objective: request.objective,
            budget: request.budget,
            trx: options.trx,
          });
    return planLearningPath({ request, candidates });
  }

  return { recommendPath };
}

export type LearningPathService = ReturnType<typeof createLearningPathService>;
