// retrieve(personaId, query, {k}): the persona's reply pairs, memories and own turns most relevant to a
// message, by hybrid (vector + BM25) relevance with MMR de-duplication. Held-out pairs and superseded
// memories are never returned. The corpus is a cache keyed by what the store says about the vectors.

import type { MemoryItem, PairContextLine } from '../persona/types';
import { itemKey, turnRefId, contextText, clipTail, type ItemKind } from '../embed/texts';
import { KindCorpus, type CorpusEntry } from './corpus';
import type { HybridParams } from './hybrid';
import type { IndexName } from './vector-index';

export interface PairSource {
  id: string;
  context: PairContextLine[];
  reply: string;
  replyTs: string;
  heldOut: boolean;
}

export interface TurnSource {
  seq: number;
  author: string;
  text: string;
  startTs: string;
  messageIds: string[];
}

export type MemorySource = Pick<MemoryItem, 'id' | 'type' | 'text' | 'subject' | 'pinned' | 'confidence' | 'supersededBy'>;

export interface StoredVector {
  kind: ItemKind;
  refId: string;
  vector: Float32Array;
}

interface Scores {
  score: number;
  vectorScore: number;
  lexicalScore: number;
}

export type ScoredPair = Scores & { id: string; context: PairContextLine[]; reply: string; replyTs: string };
export type ScoredMemory = Scores & MemorySource;
export type ScoredTurn = Scores & { refId: string; text: string; ts: string };

export interface Retrieval {
  query: string;
  modelId: string;
  pairs: ScoredPair[];
  memories: ScoredMemory[];
  turns: ScoredTurn[];
  /** How many items each search covered (embedded and eligible or not). */
  searched: { pairs: number; memories: number; turns: number };
  ms: number;
}

export interface RetrieveOptions {
  /** Pairs to return (memories and turns default to fewer). */
  k?: number;
  kMemories?: number;
  kTurns?: number;
  lambda?: number;
  params?: HybridParams;
}

export class PersonaCorpus {
  constructor(
    readonly modelId: string,
    readonly pairs: KindCorpus<PairSource>,
    readonly memories: KindCorpus<MemorySource>,
    readonly turns: KindCorpus<TurnSource>,
  ) {}

  dispose(): void {
    this.pairs.dispose();
    this.memories.dispose();
    this.turns.dispose();
  }
}

/** Joins stored vectors with the rows they embed; vectors of deleted rows and rows not yet embedded drop out. */
export function buildPersonaCorpus(
  modelId: string,
  rows: { pairs: readonly PairSource[]; memories: readonly MemorySource[]; turns: readonly TurnSource[] },
  vectors: readonly StoredVector[],
  indexName?: IndexName,
): PersonaCorpus {
  const byKey = new Map<string, Float32Array>();
  let dims = 0;
  for (const v of vectors) {
    byKey.set(itemKey(v.kind, v.refId), v.vector);
    dims = v.vector.length;
  }
  const pairs: CorpusEntry<PairSource>[] = [];
  for (const pair of rows.pairs) {
    const vector = byKey.get(itemKey('pair', pair.id));
    if (vector !== undefined) pairs.push({ row: pair, text: contextText(pair.context), vector, eligible: !pair.heldOut });
  }
  const memories: CorpusEntry<MemorySource>[] = [];
  for (const memory of rows.memories) {
    const vector = byKey.get(itemKey('memory', memory.id));
    if (vector !== undefined) memories.push({ row: memory, text: clipTail(memory.text.trim()), vector, eligible: memory.supersededBy === undefined });
  }
  const turns: CorpusEntry<TurnSource>[] = [];
  for (const turn of rows.turns) {
    const vector = byKey.get(itemKey('turn', turnRefId(turn)));
    if (vector !== undefined) turns.push({ row: turn, text: clipTail(turn.text.trim()), vector, eligible: true });
  }
  return new PersonaCorpus(
    modelId,
    new KindCorpus(pairs, dims, indexName),
    new KindCorpus(memories, dims, indexName),
    new KindCorpus(turns, dims, indexName),
  );
}

export interface RetrieveDeps {
  /** Loads (or returns the cached) corpus of a persona, or null when it has no vectors yet. */
  corpus(personaId: string): Promise<PersonaCorpus | null>;
  /** Embeds the query with the model the corpus was built with. */
  embedQuery(modelId: string, text: string): Promise<Float32Array>;
  now?: () => number;
}

export async function retrieve(
  deps: RetrieveDeps,
  personaId: string,
  query: string,
  options: RetrieveOptions = {},
): Promise<Retrieval | null> {
  const now = deps.now ?? (() => performance.now());
  const started = now();
  const corpus = await deps.corpus(personaId);
  if (corpus === null) return null;
  const k = options.k ?? 8;
  const search = { ...(options.lambda === undefined ? {} : { lambda: options.lambda }), ...(options.params === undefined ? {} : { params: options.params }) };
  const queryVector = await deps.embedQuery(corpus.modelId, query);
  const pairs = corpus.pairs.search(query, queryVector, k, search).map(({ row, score, vectorScore, lexicalScore }) => ({
    id: row.id,
    context: row.context,
    reply: row.reply,
    replyTs: row.replyTs,
    score,
    vectorScore,
    lexicalScore,
  }));
  const memories = corpus.memories
    .search(query, queryVector, options.kMemories ?? Math.min(k, 5), search)
    .map(({ row, score, vectorScore, lexicalScore }) => ({ ...row, score, vectorScore, lexicalScore }));
  const turns = corpus.turns
    .search(query, queryVector, options.kTurns ?? Math.min(k, 5), search)
    .map(({ row, text, score, vectorScore, lexicalScore }) => ({ refId: turnRefId(row), text, ts: row.startTs, score, vectorScore, lexicalScore }));
  return {
    query,
    modelId: corpus.modelId,
    pairs,
    memories,
    turns,
    searched: { pairs: corpus.pairs.size, memories: corpus.memories.size, turns: corpus.turns.size },
    ms: now() - started,
  };
}
