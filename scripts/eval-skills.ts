/**
 * Scores the offline skill extractor on ESCO-labelled sentences (npm run eval:skills).
 *
 *   node --import tsx scripts/eval-skills.ts [--data <folder>] [--esco <folder>] [--rankings <file>]
 *
 * --data: a folder of `*_annotations.csv` files (columns sentence,span,sub_span,label) and
 *   `skills_en_label.txt` (the target labels); default ${CREDSTACK_SHARED_DIR:-../shared}/data/skill-extraction-dev.
 * --esco: the ESCO v1.1.x CSV distribution; default ${CREDSTACK_SHARED_DIR:-../shared}/data/esco-v1.1.1.
 * --rankings: also write one JSON line per sentence, {"sentence", "ranking": [preferredLabel, ...]}.
 *
 * Metrics as the data README defines them: RP@K = |top-K ∩ gold| / min(K, |gold|), MRR over the ranking,
 * both as percentages; sentences without a real ESCO label are skipped. A plain BM25 ranking (one field:
 * labels + alternative labels + description, lower-cased words, no stemming) is measured in the same run.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import type { IndexedSkill } from '../src/modules/skill-extraction/extraction.model.ts';
import { buildSkillIndex, rankSentence } from '../src/modules/skill-extraction/extractor.ts';
import { readEscoDistribution } from '../src/modules/skills/esco-import.ts';

const RANKING_LENGTH = 10;
const NO_LABEL = new Set(['LABEL NOT PRESENT', 'UNDERSPECIFIED']);

function fail(message: string): never {
  process.stderr.write(`eval:skills: ${message}\n`);
  process.exit(2);
}

const shared = process.env.CREDSTACK_SHARED_DIR ?? resolve('..', 'shared');
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: join(shared, 'data', 'skill-extraction-dev') },
    esco: { type: 'string', default: join(shared, 'data', 'esco-v1.1.1') },
    rankings: { type: 'string' },
  },
});
const dataFolder = resolve(values.data);
const escoFolder = resolve(values.esco);
if (!existsSync(dataFolder) || !statSync(dataFolder).isDirectory())
  fail(`no such folder: ${dataFolder} (--data)`);
if (!existsSync(escoFolder) || !statSync(escoFolder).isDirectory())
  fail(`no such folder: ${escoFolder} (--esco)`);
const labelFile = join(dataFolder, 'skills_en_label.txt');
if (!existsSync(labelFile))
  fail(`${labelFile} is missing: it lists the ESCO skill labels of the target space`);
const annotationFiles = readdirSync(dataFolder)
  .filter((name) => name.endsWith('_annotations.csv'))
  .sort();
if (annotationFiles.length === 0) fail(`no *_annotations.csv file in ${dataFolder}`);

// --- ESCO skills, restricted to the target labels, with occupation priors ---
const targetLabels = new Set(
  readFileSync(labelFile, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean),
);
const readStart = performance.now();
const esco = await readEscoDistribution(escoFolder).catch((error: Error) => fail(error.message));
const occupationCounts = new Map<string, number>();
for (const relation of esco.occupationSkills ?? []) {
  occupationCounts.set(relation.skillUri, (occupationCounts.get(relation.skillUri) ?? 0) + 1);
}
const maxCount = Math.max(1, ...occupationCounts.values());
const skills: IndexedSkill[] = esco.skills
  .filter((skill) => skill.type !== 'skill-group' && targetLabels.has(skill.label))
  .map((skill) => ({
    uri: skill.uri,
    framework: 'esco',
    preferredLabel: skill.label,
    altLabels: skill.altLabels,
    description: skill.description,
    type: skill.type,
    prior: Math.log1p(occupationCounts.get(skill.uri) ?? 0) / Math.log1p(maxCount),
  }));
const readMs = performance.now() - readStart;

const buildStart = performance.now();
const index = buildSkillIndex(skills);
const buildMs = performance.now() - buildStart;
const baseline = buildPlainBm25(skills);
// A sentence with few matches is padded with the most-asked-for skills (by the occupation prior), so every
// ranking has RANKING_LENGTH labels as the rankings file promises.
const byPrior = [...skills]
  .sort((a, b) => (b.prior ?? 0) - (a.prior ?? 0) || a.preferredLabel.localeCompare(b.preferredLabel))
  .slice(0, RANKING_LENGTH)
  .map((skill) => skill.preferredLabel);
function padded(ranking: string[]): string[] {
  const result = [...ranking];
  for (const label of byPrior) {
    if (result.length >= RANKING_LENGTH) break;
    if (!result.includes(label)) result.push(label);
  }
  return result;
}

// --- the annotated sentences ---
interface Sentence {
  text: string;
  gold: Set<string>;
}
function readSentences(file: string): Sentence[] {
  let rows: Array<Record<string, string>>;
  try {
    rows = parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true });
  } catch (error) {
    fail(`${file}: not a readable CSV file (${(error as Error).message})`);
  }
  if (rows.length > 0 && !('sentence' in (rows[0] ?? {}) && 'label' in (rows[0] ?? {}))) {
    fail(`${file}: expected the columns sentence,span,sub_span,label`);
  }
  const bySentence = new Map<string, Set<string>>();
  for (const row of rows) {
    const gold = bySentence.get(row.sentence ?? '') ?? new Set<string>();
    const label = (row.label ?? '').trim();
    if (label && !NO_LABEL.has(label)) gold.add(label);
    bySentence.set(row.sentence ?? '', gold);
  }
  return [...bySentence]
    .filter(([text, gold]) => text && gold.size > 0)
    .map(([text, gold]) => ({ text, gold }));
}

interface Scores {
  rp5: number;
  rp10: number;
  mrr: number;
}
function score(sentences: readonly Sentence[], rankings: readonly string[][]): Scores {
  let rp5 = 0;
  let rp10 = 0;
  let mrr = 0;
  sentences.forEach((sentence, i) => {
    const ranking = rankings[i] ?? [];
    const hits = (k: number) => ranking.slice(0, k).filter((label) => sentence.gold.has(label)).length;
    rp5 += hits(5) / Math.min(5, sentence.gold.size);
    rp10 += hits(10) / Math.min(10, sentence.gold.size);
    const first = ranking.findIndex((label) => sentence.gold.has(label));
    mrr += first >= 0 ? 1 / (first + 1) : 0;
  });
  const n = Math.max(1, sentences.length);
  return { rp5: (100 * rp5) / n, rp10: (100 * rp10) / n, mrr: (100 * mrr) / n };
}

const rankingLines: string[] = [];
const extractionTimes: number[] = [];
const lines: string[] = [
  `ESCO skills indexed: ${skills.length} (ESCO read in ${(readMs / 1000).toFixed(1)} s, index built in ${buildMs.toFixed(0)} ms)`,
  '',
];
for (const file of annotationFiles) {
  const sentences = readSentences(join(dataFolder, file));
  const ours = sentences.map((sentence) => {
    const start = performance.now();
    const ranking = padded(
      rankSentence(index, sentence.text, RANKING_LENGTH).map(
        (match) => skills[match.skill]?.preferredLabel ?? '',
      ),
    );
    extractionTimes.push(performance.now() - start);
    return ranking;
  });
  const plain = sentences.map((sentence) => baseline(sentence.text, RANKING_LENGTH));
  sentences.forEach((sentence, i) => {
    rankingLines.push(JSON.stringify({ sentence: sentence.text, ranking: ours[i] ?? [] }));
  });
  const a = score(sentences, ours);
  const b = score(sentences, plain);
  const ratio = (x: number, y: number) => (y > 0 ? `${(x / y).toFixed(2)}x` : 'n/a');
  lines.push(`${file} (${sentences.length} sentences)`);
  lines.push('  metric   ours    BM25    ratio');
  for (const [name, key] of [
    ['RP@5 ', 'rp5'],
    ['RP@10', 'rp10'],
    ['MRR  ', 'mrr'],
  ] as const) {
    lines.push(
      `  ${name}   ${a[key].toFixed(1).padStart(5)}   ${b[key].toFixed(1).padStart(5)}   ${ratio(a[key], b[key])}`,
    );
  }
  lines.push('');
}
extractionTimes.sort((x, y) => x - y);
const percentile = (p: number) => extractionTimes[Math.floor((extractionTimes.length - 1) * p)] ?? 0;
lines.push(
  `per sentence: p50 ${percentile(0.5).toFixed(1)} ms, p95 ${percentile(0.95).toFixed(1)} ms (${extractionTimes.length} sentences)`,
);
process.stdout.write(`${lines.join('\n')}\n`);
if (values.rankings) {
  writeFileSync(values.rankings, `${rankingLines.join('\n')}\n`);
  process.stdout.write(`rankings written to ${values.rankings}\n`);
}

/** The reference floor: Okapi BM25 (k1 1.2, b 0.75) over one field of lower-cased words. */
function buildPlainBm25(indexed: readonly IndexedSkill[]): (text: string, limit: number) => string[] {
  const stop = new Set(
    'a an the and or of in on at to for from by with as is are be this that it'.split(' '),
  );
  const words = (text: string) =>
    (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !stop.has(w));
  const documents = indexed.map((skill) =>
    words([skill.preferredLabel, ...skill.altLabels, skill.description ?? ''].join(' ')),
  );
  const averageLength = documents.reduce((sum, doc) => sum + doc.length, 0) / Math.max(1, documents.length);
  const postings = new Map<string, Array<[number, number]>>();
  documents.forEach((doc, i) => {
    const counts = new Map<string, number>();
    for (const word of doc) counts.set(word, (counts.get(word) ?? 0) + 1);
    for (const [word, tf] of counts) {
      const list = postings.get(word) ?? [];
      list.push([i, tf]);
      postings.set(word, list);
    }
  });
  const n = documents.length;
  return (text, limit) => {
    const scores = new Map<number, number>();
    for (const word of new Set(words(text))) {
      const list = postings.get(word);
      if (!list) continue;
      const idf = Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5));
      for (const [i, tf] of list) {
        const length = documents[i]?.length ?? 0;
        const part = (idf * tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * length) / averageLength));
        scores.set(i, (scores.get(i) ?? 0) + part);
      }
    }
    return [...scores]
      .sort((x, y) => y[1] - x[1] || x[0] - y[0])
      .slice(0, limit)
      .map(([i]) => indexed[i]?.preferredLabel ?? '');
  };
}
