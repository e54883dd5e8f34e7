import type { ContentProblem, PathwayContent } from './tree.ts';

/** The pathway API payloads the console reads (src/modules/pathways/pathways.schemas.ts). */
export interface PathwaySummary {
  pathwayId: string;
  versionId: string;
  version: number;
  status: string;
  title: string;
  updatedAt: string;
}

export interface PathwayVersion {
  id: string;
  version: number;
  status: 'draft' | 'published' | 'retired';
  title: string;
  onComponentRevoked: 'flag' | 'suspend';
  content: PathwayContent;
  updatedAt: string;
  publishedAt: string | null;
}

export interface PathwayDetail {
  id: string;
  url: string;
  versions: PathwayVersion[];
}

export interface ValidateAnswer {
  valid: boolean;
  problems: ContentProblem[];
}

export interface CatalogueDefinition {
  id: string;
  seriesId: string;
  title: string;
  source: 'own' | 'external';
  status: string;
}

export interface Completion {
  id: string;
  status: 'complete' | 'flagged' | 'suspended';
  completedAt: string;
  credentialId: string | null;
  flagReason: string | null;
}

export interface CohortLearner {
  userId: string;
  name: string;
  email: string;
  subscribedAt: string;
  satisfied: boolean;
  creditPoints: number;
  hours: number;
  componentsCounted: number;
  components: number;
  completion: Completion | null;
}

export interface Recognition {
  id: string;
  componentId: string;
  userId: string;
  status: 'pending' | 'active' | 'rejected' | 'revoked';
  source: 'reviewer' | 'credential' | 'evidence';
  note: string | null;
  submittedAt: string | null;
  submission: {
    verdict?: 'valid' | 'invalid' | 'unknown';
    problems?: string[];
    queuedBecause?: string;
    narrative?: string;
    url?: string;
  } | null;
  decidedAt: string | null;
}
