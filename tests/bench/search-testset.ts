// The retrieval test set, built from the largest real chat of the fixtures: reply pairs (the other
// person's turn -> the persona's next turn), split by time like the app's held-out pairs. Each query is a
// held-out context; the relevant items are the earlier contexts that share its topic words (words of 4+
// letters that are neither ubiquitous nor unique in the chat).
import { contextText } from '../../src/lib/embed/texts';
import { tokenize } from '../../src/lib/search/tokenize';
import { chatTurns } from './embed-texts';

export const TESTSET_FILE = 'it/nmoya__22_OW_MT_2012_large.txt';
export const TESTSET_PERSON = 'ROOT';

export interface TestPair {
  context: string;
  reply: string;
}

export interface TestQuery {
  /** Position of the held-out pair among `pairs`. */
  pair: number;
  /** Positions (among the training pairs) of the relevant contexts. */
  relevant: number[];
}

export interface TestSet {
  pairs: TestPair[];
  /** Pairs [0, trainSize) may be retrieved; the rest are held out. */
  trainSize: number;
  queries: TestQuery[];
}

export function buildTestSet(maxQueries = 200): TestSet {
  const turns = chatTurns().filter((t) => t.file === TESTSET_FILE);
  const pairs: TestPair[] = [];
  for (let i = 1; i < turns.length; i++) {
    const reply = turns[i];
    const context = turns[i - 1];
    if (reply === undefined || context === undefined || reply.author !== TESTSET_PERSON || context.author === TESTSET_PERSON) continue;
    const text = contextText([{ author: context.author, text: context.text, ts: '' }]);
    if (text !== '') pairs.push({ context: text, reply: reply.text });
  }
  const trainSize = Math.floor(pairs.length * 0.9);
  const words = pairs.map((p) => new Set(tokenize(p.context).filter((w) => [...w].length >= 4)));
  const df = new Map<string, number>();
  for (const set of words.slice(0, trainSize)) for (const w of set) df.set(w, (df.get(w) ?? 0) + 1);
  const maxDf = Math.max(3, Math.floor(trainSize * 0.01));
  const topic = (set: Set<string>) => [...set].filter((w) => (df.get(w) ?? 0) >= 1 && (df.get(w) ?? 0) <= maxDf);
  const queries: TestQuery[] = [];
  for (let q = trainSize; q < pairs.length && queries.length < maxQueries; q++) {
    const topicWords = topic(words[q] ?? new Set());
    if (topicWords.length === 0) continue;
    const need = Math.min(2, topicWords.length);
    const relevant: number[] = [];
    for (let d = 0; d < trainSize; d++) {
      const set = words[d];
      if (set !== undefined && topicWords.filter((w) => set.has(w)).length >= need) relevant.push(d);
    }
    if (relevant.length > 0) queries.push({ pair: q, relevant });
  }
  return { pairs, trainSize, queries };
}

/** recall@k (of min(k, |relevant|)), reciprocal rank of the first hit, nDCG@k with binary gains. */
export function scoreRanking(ranked: readonly number[], relevant: ReadonlySet<number>, k = 10): { recall: number; mrr: number; ndcg: number } {
  const top = ranked.slice(0, k);
  const hits = top.filter((d) => relevant.has(d)).length;
  const first = top.findIndex((d) => relevant.has(d));
  let dcg = 0;
  top.forEach((d, i) => {
    if (relevant.has(d)) dcg += 1 / Math.log2(i + 2);
  });
  let ideal = 0;
  for (let i = 0; i < Math.min(k, relevant.size); i++) ideal += 1 / Math.log2(i + 2);
  return { recall: hits / Math.min(k, relevant.size), mrr: first < 0 ? 0 : 1 / (first + 1), ndcg: ideal > 0 ? dcg / ideal : 0 };
}
