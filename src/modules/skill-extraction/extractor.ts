import model from 'wink-eng-lite-web-model';
import winkNLP from 'wink-nlp';
import type { ExtractedSkill, IndexedSkill, TextSpan } from './extraction.model.ts';

/**
 * The offline skill extractor: pure, no database, no network, no model download.
 *
 * Index (built once): every skill's preferred label, alternative labels and description are tokenised,
 * lower-cased and stemmed (the Porter stemmer of wink-eng-lite-web-model), and indexed for BM25F with one
 * weight per field. Each label is also kept as a weighted term list for phrase coverage: a term weighs its
 * IDF, and the leading verb of an ESCO skill label ("manage" in "manage databases") weighs less than its
 * object, because job texts name the object far more often than the verb.
 *
 * Extraction: the text is split into sentences by wink-nlp; each sentence is scored against the index
 * (BM25F + best label coverage + the framework prior, with edit-distance-1 fuzzy matching for unknown
 * words), and the per-sentence scores are aggregated over the document (best sentence plus a share of the
 * others).
 */

/** Text beyond this many characters is not read (`truncated` is set): about 30 pages of prose. */
export const MAX_TEXT_LENGTH = 100_000;

/** The tunable weights. Tuned on the TECH development set only (see docs/skill-extraction.md). */
export interface ExtractorWeights {
  /** BM25 saturation and length normalisation. */
  k1: number;
  b: number;
  /** BM25F field weights. */
  labelWeight: number;
  altLabelWeight: number;
  descriptionWeight: number;
  /** Weight of the leading verb of a multi-word skill label, relative to its other terms. */
  leadingVerbWeight: number;
  /** How the three signals mix. */
  coverageMix: number;
  bm25Mix: number;
  priorMix: number;
  /** The exponent that makes a fully covered label count much more than a half covered one. */
  coveragePower: number;
  /** A fuzzy (edit distance 1) match counts this much of an exact one. */
  fuzzyWeight: number;
  /**
   * Evidence from a covered label grows with the IDF it covers: 1 - exp(-covered / scale). A label of one
   * common word ("design") is weak evidence, one rare word ("SQL") or several words strong.
   */
  specificityScale: number;
  /** Alternative labels are noisier than the preferred one: their coverage counts this much. */
  altLabelFactor: number;
  /** Bonus for label words that follow each other in the sentence as in the label. */
  adjacencyWeight: number;
  /** Weight of a label's parenthesised qualifier ("Ruby (computer programming)"), relative to its words. */
  qualifierWeight: number;
  /**
   * A label whose words are scattered over the sentence ("build pipelines … work in a team" for "team
   * building") counts this much: words further apart than the label's length plus two.
   */
  scatteredFactor: number;
}

export const DEFAULT_WEIGHTS: ExtractorWeights = {
  k1: 1.2,
  b: 0.75,
  labelWeight: 3,
  altLabelWeight: 2,
  descriptionWeight: 0.5,
  leadingVerbWeight: 0.35,
  coverageMix: 1,
  bm25Mix: 0.6,
  priorMix: 0.1,
  coveragePower: 2,
  fuzzyWeight: 0.7,
  specificityScale: 4,
  altLabelFactor: 0.75,
  adjacencyWeight: 0.2,
  qualifierWeight: 0.15,
  scatteredFactor: 0.6,
};

const STOP_WORDS = new Set(
  `a an the and or nor but if of in on at to for from by with without within into onto over under about
  as is are was were be been being am do does did doing have has had having can could should would may
  might must shall will this that these those it its it's they them their there here we our us you your
  i me my he she his her who whom whose which what when where why how all any both each few more most
  other some such no not only own same so than too very s t just also etc e.g i.e via per up out off
  new well able good strong plus using use used
  experience experienced knowledge knowledgeable ability skill skills skilled understanding proficiency
  proficient familiarity familiar excellent solid great year years candidate role opportunity preferred
  required including`
    .split(/\s+/)
    .filter(Boolean),
);

type Stemmer = (word: string) => string;

let nlpInstance: ReturnType<typeof winkNLP> | null = null;
function nlp(): ReturnType<typeof winkNLP> {
  // Loading the model takes ~200 ms: once per process, on first use.
  nlpInstance ??= winkNLP(model);
  return nlpInstance;
}
// The model ships a Porter stemmer; its published type is opaque.
const porterStem = model.addons.stem as unknown as Stemmer | undefined;
const stem: Stemmer = (word) => porterStem?.(word) ?? word;

interface RawToken {
  /** Lower-cased surface form. */
  word: string;
  start: number;
  end: number;
}

/**
 * Words, numbers and the technical names that ordinary tokenisers break (C++, C#, .NET, node.js, CI/CD
 * stays two words). Offsets are UTF-16 offsets into `text`.
 */
const TOKEN_PATTERN = /[\p{L}\p{N}](?:[\p{L}\p{N}']|[.#+](?=[\p{L}\p{N}#+])|\+\+?|#)*|\.[\p{L}]+/gu;
function tokenize(text: string): RawToken[] {
  const tokens: RawToken[] = [];
  for (const match of text.matchAll(TOKEN_PATTERN)) {
    let word = match[0].toLowerCase();
    if (word.endsWith("'s")) word = word.slice(0, -2);
    const start = match.index ?? 0;
    tokens.push({ word, start, end: start + match[0].length });
  }
  return tokens;
}

const stemCache = new Map<string, string>();
function termOf(word: string): string | null {
  if (STOP_WORDS.has(word)) return null;
  if (word.length === 1 && !/[\p{N}]/u.test(word) && word !== 'c' && word !== 'r') return null;
  let term = stemCache.get(word);
  if (term === undefined) {
    // Technical names (c++, node.js, c#) keep their spelling; plain words are stemmed.
    term = /^[\p{L}]+$/u.test(word) ? stem(word) : word;
    stemCache.set(word, term);
  }
  return term;
}

function termsOf(text: string): string[] {
  const terms: string[] = [];
  for (const token of tokenize(text)) {
    const term = termOf(token.word);
    if (term) terms.push(term);
  }
  return terms;
}

/** A label's terms, and which of them sit in a parenthesised qualifier. */
function labelTermsOf(label: string): { terms: string[]; qualifier: boolean[] } {
  const terms: string[] = [];
  const qualifier: boolean[] = [];
  let depth = 0;
  let cursor = 0;
  for (const token of tokenize(label)) {
    for (const char of label.slice(cursor, token.start)) {
      if (char === '(') depth++;
      else if (char === ')') depth = Math.max(0, depth - 1);
    }
    cursor = token.start;
    const term = termOf(token.word);
    if (!term) continue;
    terms.push(term);
    qualifier.push(depth > 0);
  }
  return { terms, qualifier };
}

export interface SkillIndex {
  readonly skills: readonly IndexedSkill[];
  readonly weights: ExtractorWeights;
  /** term → id */
  readonly vocabulary: Map<string, number>;
  readonly idf: Float64Array;
  /** Per term: the skills it occurs in and its precomputed BM25F contribution to each. */
  readonly postingSkills: Int32Array[];
  readonly postingScores: Float32Array[];
  /**
   * Every label of every skill (preferred and alternative) as a weighted term list, in flat arrays: its
   * skill, whether it is the preferred label, its terms, and its total weight. Per term, the labels it
   * occurs in and its weight there, so a sentence's coverage of each label is summed from the postings.
   */
  readonly labelSkill: Int32Array;
  readonly labelPreferred: Uint8Array;
  readonly labelTerms: number[][];
  readonly labelTotal: Float64Array;
  readonly labelPostingLabels: Int32Array[];
  readonly labelPostingWeights: Float32Array[];
  /** Per skill: the distinct terms of its labels (for the supporting span). */
  readonly skillLabelTerms: Int32Array[];
  /** Reused accumulators (extraction is synchronous, so one set per index is enough). */
  readonly scratch: {
    bm25: Float64Array;
    evidence: Float64Array;
    coverage: Float64Array;
    combined: Float64Array;
    covered: Float64Array;
    labelSeen: Uint8Array;
  };
  /** Per skill: the framework prior, 0..1. */
  readonly priors: Float64Array;
  /** Deletion neighbourhood (edit distance 1) of the longer terms, for fuzzy matching. */
  readonly deletions: Map<string, number[]>;
}

const FUZZY_MIN_LENGTH = 5;

function deletionsOf(term: string): string[] {
  const variants: string[] = [];
  for (let i = 0; i < term.length; i++) variants.push(term.slice(0, i) + term.slice(i + 1));
  return variants;
}

/** Builds the index once; ~23k ESCO + O*NET skills take a few seconds at most. */
export function buildSkillIndex(
  skills: readonly IndexedSkill[],
  weights: ExtractorWeights = DEFAULT_WEIGHTS,
): SkillIndex {
  const vocabulary = new Map<string, number>();
  const idOf = (term: string): number => {
    let id = vocabulary.get(term);
    if (id === undefined) {
      id = vocabulary.size;
      vocabulary.set(term, id);
    }
    return id;
  };

  const fieldTerms: Array<[number[], number[], number[]]> = [];
  const labelTermIds: Array<Array<{ terms: number[]; qualifier: boolean[] }>> = [];
  const lengthSums = [0, 0, 0];
  for (const skill of skills) {
    const labelLists = [skill.preferredLabel, ...skill.altLabels].map((label) => {
      const { terms, qualifier } = labelTermsOf(label);
      return { terms: terms.map(idOf), qualifier };
    });
    const labelTerms = labelLists[0]?.terms ?? [];
    const altTerms = labelLists.slice(1).flatMap((label) => label.terms);
    const descriptionTerms = termsOf(skill.description ?? '').map(idOf);
    fieldTerms.push([labelTerms, altTerms, descriptionTerms]);
    labelTermIds.push(labelLists);
    lengthSums[0] = (lengthSums[0] ?? 0) + labelTerms.length;
    lengthSums[1] = (lengthSums[1] ?? 0) + altTerms.length;
    lengthSums[2] = (lengthSums[2] ?? 0) + descriptionTerms.length;
  }
  const count = Math.max(1, skills.length);
  const averageLengths = lengthSums.map((sum) => Math.max(1, sum / count));
  const fieldWeights = [weights.labelWeight, weights.altLabelWeight, weights.descriptionWeight];

  const documentFrequency = new Int32Array(vocabulary.size);
  const postingSkillLists: number[][] = Array.from({ length: vocabulary.size }, () => []);
  const postingTfLists: number[][] = Array.from({ length: vocabulary.size }, () => []);
  fieldTerms.forEach((fields, skillIndex) => {
    const weighted = new Map<number, number>();
    fields.forEach((terms, field) => {
      const norm =
        (fieldWeights[field] ?? 0) /
        (1 - weights.b + (weights.b * terms.length) / (averageLengths[field] ?? 1));
      for (const term of terms) weighted.set(term, (weighted.get(term) ?? 0) + norm);
    });
    for (const [term, tf] of weighted) {
      documentFrequency[term] = (documentFrequency[term] ?? 0) + 1;
      postingSkillLists[term]?.push(skillIndex);
      postingTfLists[term]?.push(tf);
    }
  });

  const idf = new Float64Array(vocabulary.size);
  for (let term = 0; term < vocabulary.size; term++) {
    const df = documentFrequency[term] ?? 0;
    idf[term] = Math.log(1 + (count - df + 0.5) / (df + 0.5));
  }
  const postingSkills = postingSkillLists.map((list) => Int32Array.from(list));
  const postingScores = postingTfLists.map((list, term) => {
    const termIdf = idf[term] ?? 0;
    return Float32Array.from(list, (tf) => (termIdf * tf * (weights.k1 + 1)) / (weights.k1 + tf));
  });

  const labelSkill: number[] = [];
  const labelPreferred: number[] = [];
  const labelTerms: number[][] = [];
  const labelTotal: number[] = [];
  const labelPostingLists: number[][] = Array.from({ length: vocabulary.size }, () => []);
  const labelWeightLists: number[][] = Array.from({ length: vocabulary.size }, () => []);
  const skillLabelTerms: Int32Array[] = [];
  labelTermIds.forEach((lists, skillIndex) => {
    const leadingVerb = skills[skillIndex]?.type === 'skill';
    const distinct = new Set<number>();
    lists.forEach(({ terms, qualifier }, position) => {
      if (terms.length === 0) return;
      const label = labelTerms.length;
      const termWeights = new Map<number, number>();
      let total = 0;
      terms.forEach((term, i) => {
        const base = idf[term] ?? 0;
        const weight = qualifier[i]
          ? base * weights.qualifierWeight
          : leadingVerb && i === 0 && terms.length > 1
            ? base * weights.leadingVerbWeight
            : base;
        termWeights.set(term, (termWeights.get(term) ?? 0) + weight);
        total += weight;
        distinct.add(term);
      });
      labelSkill.push(skillIndex);
      labelPreferred.push(position === 0 ? 1 : 0);
      labelTerms.push(terms);
      labelTotal.push(total || 1);
      for (const [term, weight] of termWeights) {
        labelPostingLists[term]?.push(label);
        labelWeightLists[term]?.push(weight);
      }
    });
    skillLabelTerms.push(Int32Array.from(distinct));
  });

  const deletions = new Map<string, number[]>();
  for (const [term, id] of vocabulary) {
    if (term.length < FUZZY_MIN_LENGTH) continue;
    for (const variant of deletionsOf(term)) {
      const list = deletions.get(variant);
      if (list) list.push(id);
      else deletions.set(variant, [id]);
    }
  }

  return {
    skills,
    weights,
    vocabulary,
    idf,
    postingSkills,
    postingScores,
    labelSkill: Int32Array.from(labelSkill),
    labelPreferred: Uint8Array.from(labelPreferred),
    labelTerms,
    labelTotal: Float64Array.from(labelTotal),
    labelPostingLabels: labelPostingLists.map((list) => Int32Array.from(list)),
    labelPostingWeights: labelWeightLists.map((list) => Float32Array.from(list)),
    skillLabelTerms,
    scratch: {
      bm25: new Float64Array(skills.length),
      evidence: new Float64Array(skills.length),
      coverage: new Float64Array(skills.length),
      combined: new Float64Array(skills.length),
      covered: new Float64Array(labelTerms.length),
      labelSeen: new Uint8Array(labelTerms.length),
    },
    priors: Float64Array.from(skills, (skill) => Math.min(1, Math.max(0, skill.prior ?? 0))),
    deletions,
  };
}

/** A term of the sentence, matched to the index exactly or (with less weight) fuzzily. */
interface SentenceTerm {
  term: number;
  weight: number;
  start: number;
  end: number;
}

function fuzzyTerms(index: SkillIndex, word: string): number[] {
  if (word.length < FUZZY_MIN_LENGTH) return [];
  const found = new Set<number>();
  // A deleted letter on either side: transpositions and single-letter typos ("managment", "javscript").
  for (const id of index.deletions.get(word) ?? []) found.add(id);
  for (const variant of deletionsOf(word)) {
    const exact = index.vocabulary.get(variant);
    if (exact !== undefined && variant.length >= FUZZY_MIN_LENGTH) found.add(exact);
    for (const id of index.deletions.get(variant) ?? []) found.add(id);
  }
  return [...found].slice(0, 3);
}

function sentenceTerms(index: SkillIndex, text: string, offset: number): SentenceTerm[] {
  const terms: SentenceTerm[] = [];
  for (const token of tokenize(text)) {
    const term = termOf(token.word);
    if (!term) continue;
    const start = offset + token.start;
    const end = offset + token.end;
    const id = index.vocabulary.get(term);
    if (id !== undefined) {
      terms.push({ term: id, weight: 1, start, end });
      continue;
    }
    for (const near of fuzzyTerms(index, term)) {
      terms.push({ term: near, weight: index.weights.fuzzyWeight, start, end });
    }
  }
  return terms;
}

/** One sentence's candidates, best first. */
export interface SentenceMatch {
  skill: number;
  score: number;
  coverage: number;
  span: TextSpan | null;
}

function scoreSentence(
  index: SkillIndex,
  text: string,
  sentence: { start: number; end: number },
  limit: number,
): SentenceMatch[] {
  const terms = sentenceTerms(index, text.slice(sentence.start, sentence.end), sentence.start);
  if (terms.length === 0) return [];
  const weights = index.weights;
  const termWeight = new Map<number, number>();
  for (const term of terms) termWeight.set(term.term, Math.max(termWeight.get(term.term) ?? 0, term.weight));
  // Adjacent pairs of the sentence's terms (a fuzzy token may stand for several), for the adjacency bonus.
  const adjacentPairs = new Set<string>();
  const pairKey = (a: number, b: number) => `${a} ${b}`;
  for (let i = 1; i < terms.length; i++) {
    const previous = terms[i - 1];
    const current = terms[i];
    if (previous && current && previous.start !== current.start) {
      adjacentPairs.add(pairKey(previous.term, current.term));
    }
  }
  // Word positions (a fuzzy token standing for several terms is one position), for the scatter test.
  const positions = new Map<number, number[]>();
  let position = -1;
  let lastStart = -1;
  for (const term of terms) {
    if (term.start !== lastStart) position++;
    lastStart = term.start;
    const list = positions.get(term.term);
    if (list) list.push(position);
    else positions.set(term.term, [position]);
  }

  const { bm25, evidence, coverage, combined, covered, labelSeen } = index.scratch;
  const touched: number[] = [];
  for (const [term, weight] of termWeight) {
    const skillsOfTerm = index.postingSkills[term];
    const scores = index.postingScores[term];
    if (!skillsOfTerm || !scores) continue;
    for (let i = 0; i < skillsOfTerm.length; i++) {
      const skill = skillsOfTerm[i] ?? 0;
      if (bm25[skill] === 0) touched.push(skill);
      bm25[skill] = (bm25[skill] ?? 0) + weight * (scores[i] ?? 0);
    }
  }
  const touchedLabels: number[] = [];
  for (const [term, weight] of termWeight) {
    const labelsOfTerm = index.labelPostingLabels[term];
    const labelWeights = index.labelPostingWeights[term];
    if (!labelsOfTerm || !labelWeights) continue;
    for (let i = 0; i < labelsOfTerm.length; i++) {
      const label = labelsOfTerm[i] ?? 0;
      if (labelSeen[label] === 0) {
        labelSeen[label] = 1;
        touchedLabels.push(label);
      }
      covered[label] = (covered[label] ?? 0) + weight * (labelWeights[i] ?? 0);
    }
  }
  for (const label of touchedLabels) {
    const skill = index.labelSkill[label] ?? 0;
    const labelCovered = covered[label] ?? 0;
    const share = labelCovered / (index.labelTotal[label] ?? 1);
    const labelTerms = index.labelTerms[label] ?? [];
    let adjacent = 0;
    for (let i = 1; i < labelTerms.length; i++) {
      const first = labelTerms[i - 1] ?? -1;
      const second = labelTerms[i] ?? -1;
      // Most labels are only partly covered: the cheap membership test spares building the pair key.
      if (termWeight.has(first) && termWeight.has(second) && adjacentPairs.has(pairKey(first, second))) {
        adjacent++;
      }
    }
    const scattered = share >= 0.5 && labelTerms.length > 1 && isScattered(labelTerms, positions);
    const labelEvidence =
      ((scattered ? weights.scatteredFactor : 1) *
        share ** weights.coveragePower *
        (1 - Math.exp(-labelCovered / weights.specificityScale)) +
        (labelTerms.length > 1 ? (weights.adjacencyWeight * adjacent) / (labelTerms.length - 1) : 0)) *
      (index.labelPreferred[label] ? 1 : weights.altLabelFactor);
    coverage[skill] = Math.max(coverage[skill] ?? 0, share);
    evidence[skill] = Math.max(evidence[skill] ?? 0, labelEvidence);
    covered[label] = 0;
    labelSeen[label] = 0;
  }

  let best = 0;
  for (const skill of touched) best = Math.max(best, bm25[skill] ?? 0);
  for (const skill of touched) {
    combined[skill] =
      weights.coverageMix * (evidence[skill] ?? 0) +
      (best > 0 ? weights.bm25Mix * ((bm25[skill] ?? 0) / best) : 0) +
      weights.priorMix * (index.priors[skill] ?? 0);
  }
  // Top `limit` without sorting thousands of candidates by a comparator: the limit-th best score by a
  // native typed-array sort, then only the candidates at or above it are ordered.
  const scores = Float64Array.from(touched, (skill) => combined[skill] ?? 0).sort();
  const threshold = scores[Math.max(0, scores.length - limit)] ?? 0;
  const survivors = touched.filter((skill) => (combined[skill] ?? 0) >= threshold);
  survivors.sort((a, b) => (combined[b] ?? 0) - (combined[a] ?? 0) || a - b);
  // The span is computed only for the survivors: most candidates are dropped.
  const kept: SentenceMatch[] = survivors
    .slice(0, limit)
    .map((skill) => ({ skill, score: combined[skill] ?? 0, coverage: coverage[skill] ?? 0, span: null }));
  for (const skill of touched) {
    bm25[skill] = 0;
    evidence[skill] = 0;
    coverage[skill] = 0;
    combined[skill] = 0;
  }
  for (const match of kept) match.span = spanOf(index, text, terms, match.skill, sentence);
  return kept;
}

/** Whether the label's words found in the sentence lie further apart than the label is long (plus two). */
function isScattered(labelTerms: readonly number[], positions: ReadonlyMap<number, number[]>): boolean {
  const present = labelTerms.filter((term) => positions.has(term));
  if (present.length < 2) return false;
  const allowed = labelTerms.length + 2;
  const anchors = positions.get(present[0] ?? -1) ?? [];
  for (const anchor of anchors) {
    let low = anchor;
    let high = anchor;
    for (const term of present) {
      let nearest = Number.POSITIVE_INFINITY;
      for (const at of positions.get(term) ?? []) {
        if (Math.abs(at - anchor) < Math.abs(nearest - anchor)) nearest = at;
      }
      low = Math.min(low, nearest);
      high = Math.max(high, nearest);
    }
    if (high - low < allowed) return false;
  }
  return true;
}

/** The stretch of the sentence holding the skill's matched terms (or the whole sentence when far apart). */
function spanOf(
  index: SkillIndex,
  text: string,
  terms: readonly SentenceTerm[],
  skill: number,
  sentence: { start: number; end: number },
): TextSpan {
  const skillTerms = new Set<number>(index.skillLabelTerms[skill] ?? []);
  let start = Number.POSITIVE_INFINITY;
  let end = -1;
  for (const term of terms) {
    if (!skillTerms.has(term.term)) continue;
    start = Math.min(start, term.start);
    end = Math.max(end, term.end);
  }
  if (end < 0 || end - start > 120) {
    start = sentence.start;
    end = sentence.end;
  }
  return { start, end, text: text.slice(start, end) };
}

/**
 * Sentence boundaries (UTF-16 offsets): line breaks, then wink-nlp within each block; a split with no space
 * after it (React.js) is undone.
 */
export function splitSentences(text: string): Array<{ start: number; end: number }> {
  const sentences: Array<{ start: number; end: number }> = [];
  let cursor = 0;
  // A line break ends a sentence unless the next line goes on in lower case (wrapped prose): job texts
  // are full of headings and bullet lines without a full stop.
  for (const block of text.split(/\n(?=[ \t]*[^a-z\s])|\n[ \t]*\n/)) {
    const blockStart = text.indexOf(block, cursor);
    cursor = blockStart + block.length;
    if (!block.trim()) continue;
    const doc = nlp().readDoc(block);
    let inner = 0;
    for (const value of doc.sentences().out()) {
      const found = block.indexOf(value, inner);
      const start = found >= 0 ? found : inner;
      const end = found >= 0 ? found + value.length : Math.min(block.length, inner + value.length);
      inner = end;
      const previous = sentences.at(-1);
      const glued = previous && previous.end === blockStart + start && start > 0;
      if (glued && previous) previous.end = blockStart + end;
      else sentences.push({ start: blockStart + start, end: blockStart + end });
    }
  }
  return sentences.filter((sentence) => /[\p{L}\p{N}]/u.test(text.slice(sentence.start, sentence.end)));
}

/** The ranking for one sentence, best first: what the evaluation scores. */
export function rankSentence(index: SkillIndex, sentence: string, limit = 10): SentenceMatch[] {
  return scoreSentence(index, sentence, { start: 0, end: sentence.length }, limit);
}

export interface ExtractOptions {
  /** How many skills to return (default 20). */
  limit?: number;
  /** Skills below this confidence are left out (default 0.35). */
  minConfidence?: number;
}

/**
 * Extracts skills from a text: per-sentence candidates, aggregated over the document (a skill's best
 * sentence, raised by at most a quarter when other sentences ask for it too).
 */
export function extractFromText(
  indexes: SkillIndex | readonly SkillIndex[],
  text: string,
  options: ExtractOptions = {},
): { skills: ExtractedSkill[]; sentenceCount: number; characterCount: number; truncated: boolean } {
  const limit = Math.max(1, options.limit ?? 20);
  const minConfidence = options.minConfidence ?? 0.35;
  const truncated = text.length > MAX_TEXT_LENGTH;
  const read = truncated ? text.slice(0, MAX_TEXT_LENGTH) : text;
  const sentences = splitSentences(read);
  const indexList: readonly SkillIndex[] = Array.isArray(indexes) ? indexes : [indexes as SkillIndex];

  interface Aggregate {
    best: number;
    rest: number;
    coverage: number;
    spans: Array<{ score: number; span: TextSpan }>;
    skill: IndexedSkill;
    maxScore: number;
  }
  // Keyed by URI: several indexes (the frameworks' and an organisation's) are read as one.
  const aggregates = new Map<string, Aggregate>();
  for (const index of indexList) {
    const maxScore = index.weights.coverageMix + index.weights.bm25Mix + index.weights.priorMix;
    for (const sentence of sentences) {
      for (const match of scoreSentence(index, read, sentence, 25)) {
        const skill = index.skills[match.skill];
        if (!skill) continue;
        // Only skills whose label the sentence mostly says count as found in it.
        if (match.coverage < 0.5) continue;
        const aggregate = aggregates.get(skill.uri) ?? {
          best: 0,
          rest: 0,
          coverage: 0,
          spans: [],
          skill,
          maxScore,
        };
        if (match.score > aggregate.best) {
          aggregate.rest += aggregate.best;
          aggregate.best = match.score;
        } else {
          aggregate.rest += match.score;
        }
        aggregate.coverage = Math.max(aggregate.coverage, match.coverage);
        if (match.span) aggregate.spans.push({ score: match.score, span: match.span });
        aggregates.set(skill.uri, aggregate);
      }
    }
  }

  const skills: ExtractedSkill[] = [];
  for (const aggregate of aggregates.values()) {
    const { skill } = aggregate;
    // A skill asked for again in other sentences gains, but at most a quarter: repetition of a weak match
    // ("engineer" in the title and twice more) must not overtake one strong, specific match. Rank and
    // confidence come from the same number, so a skill ranked lower never reads as more certain.
    const score = aggregate.best * (1 + Math.min(0.25, aggregate.rest / 10));
    const confidence = Math.min(1, score / aggregate.maxScore);
    if (confidence < minConfidence) continue;
    const spans = aggregate.spans
      .sort((a, b) => b.score - a.score || a.span.start - b.span.start)
      .slice(0, 3)
      .map((entry) => entry.span);
    skills.push({
      uri: skill.uri,
      framework: skill.framework,
      label: skill.preferredLabel,
      type: skill.type,
      confidence: Math.round(confidence * 1000) / 1000,
      score: Math.round(score * 1000) / 1000,
      spans,
    });
  }
  skills.sort((a, b) => b.score - a.score || a.uri.localeCompare(b.uri));
  return {
    skills: skills.slice(0, limit),
    sentenceCount: sentences.length,
    characterCount: read.length,
    truncated,
  };
}
