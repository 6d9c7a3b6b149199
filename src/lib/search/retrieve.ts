// retrieve(personaId, query, {k}): the persona's reply pairs, memories, own turns and knowledge-document
// chunks most relevant to a message, by hybrid (vector + BM25) relevance with MMR de-duplication.
// Held-out pairs and superseded memories are never returned. The corpus is a cache keyed by what the
// store says about the vectors.

import type { MemoryItem, PairContextLine } from '../persona/types';
import { itemKey, turnRefId, contextText, clipTail, knowledgeText, type ItemKind } from '../embed/texts';
import { buildMemoryGraph, neighbours, type MemoryGraph } from '../persona/memory-graph';
import { KindCorpus, type CorpusEntry } from './corpus';
import type { HybridParams } from './hybrid';

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

export type MemorySource = Pick<MemoryItem, 'id' | 'type' | 'text' | 'subject' | 'pinned' | 'confidence' | 'supersededBy'> &
  // What the memory graph links by (stored rows carry them; older callers may not).
  Partial<Pick<MemoryItem, 'sourceMessageIds' | 'firstSeen' | 'eventDate' | 'entities'>>;

/** A chunk of a knowledge document, with the document it comes from (shown as the source). */
export interface KnowledgeSource {
  id: string;
  docId: string;
  text: string;
  title: string;
  fileName: string;
}

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
export type ScoredMemory = Scores &
  MemorySource & {
    /** Added by following a graph link from a retrieved memory (same person/place/topic or episode), not by relevance. */
    linkedFrom?: { id: string; text: string; via: string };
  };
export type ScoredTurn = Scores & { refId: string; text: string; ts: string };
export type ScoredKnowledge = Scores & KnowledgeSource;

export interface Retrieval {
  query: string;
  modelId: string;
  pairs: ScoredPair[];
  memories: ScoredMemory[];
  turns: ScoredTurn[];
  /** Chunks of the persona's knowledge documents. */
  knowledge: ScoredKnowledge[];
  /** How many items each search covered (embedded and eligible or not). */
  searched: { pairs: number; memories: number; turns: number; knowledge?: number };
  ms: number;
}

export interface RetrieveOptions {
  /** Pairs to return (memories and turns default to fewer). */
  k?: number;
  kMemories?: number;
  kTurns?: number;
  /** Memories added by following links from the retrieved ones (default 2; 0 turns it off). */
  kLinked?: number;
  kKnowledge?: number;
  lambda?: number;
  params?: HybridParams;
}

export class PersonaCorpus {
  constructor(
    readonly modelId: string,
    readonly pairs: KindCorpus<PairSource>,
    readonly memories: KindCorpus<MemorySource>,
    readonly turns: KindCorpus<TurnSource>,
    readonly knowledge: KindCorpus<KnowledgeSource> = new KindCorpus<KnowledgeSource>([], 0),
  ) {}

  dispose(): void {
    this.pairs.dispose();
    this.memories.dispose();
    this.turns.dispose();
    this.knowledge.dispose();
  }
}

/** Joins stored vectors with the rows they embed; vectors of deleted rows and rows not yet embedded drop out. */
export function buildPersonaCorpus(
  modelId: string,
  rows: { pairs: readonly PairSource[]; memories: readonly MemorySource[]; turns: readonly TurnSource[]; knowledge?: readonly KnowledgeSource[] },
  vectors: readonly StoredVector[],
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
  const knowledge: CorpusEntry<KnowledgeSource>[] = [];
  for (const chunk of rows.knowledge ?? []) {
    const vector = byKey.get(itemKey('knowledge', chunk.id));
    if (vector !== undefined) knowledge.push({ row: chunk, text: knowledgeText(chunk.text), vector, eligible: true });
  }
  return new PersonaCorpus(
    modelId,
    new KindCorpus(pairs, dims),
    new KindCorpus(memories, dims),
    new KindCorpus(turns, dims),
    new KindCorpus(knowledge, dims),
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
    .map(({ row, score, vectorScore, lexicalScore }): ScoredMemory => ({ ...row, score, vectorScore, lexicalScore }));
  memories.push(...followMemoryLinks(corpus.memories, memories, options.kLinked ?? 2));
  const turns = corpus.turns
    .search(query, queryVector, options.kTurns ?? Math.min(k, 5), search)
    .map(({ row, text, score, vectorScore, lexicalScore }) => ({ refId: turnRefId(row), text, ts: row.startTs, score, vectorScore, lexicalScore }));
  const knowledge = corpus.knowledge
    .search(query, queryVector, options.kKnowledge ?? Math.min(k, 3), search)
    .map(({ row, score, vectorScore, lexicalScore }) => ({ ...row, score, vectorScore, lexicalScore }));
  return {
    query,
    modelId: corpus.modelId,
    pairs,
    memories,
    turns,
    knowledge,
    searched: { pairs: corpus.pairs.size, memories: corpus.memories.size, turns: corpus.turns.size, ...(corpus.knowledge.size === 0 ? {} : { knowledge: corpus.knowledge.size }) },
    ms: now() - started,
  };
}

/** The memory graph of a corpus, built once per corpus (the corpus is rebuilt when the memories change). */
const graphs = new WeakMap<KindCorpus<MemorySource>, MemoryGraph>();

/**
 * Up to `max` memories one graph link away from the retrieved ones (best retrieved first), each scored
 * at half the score of the memory it was reached from and marked with that memory, so the "why this
 * answer" panel can say where it came from. Never a superseded item, never one already retrieved.
 */
export function followMemoryLinks(corpus: KindCorpus<MemorySource>, retrieved: readonly ScoredMemory[], max: number): ScoredMemory[] {
  if (max <= 0 || retrieved.length === 0) return [];
  let graph = graphs.get(corpus);
  if (graph === undefined) {
    graph = buildMemoryGraph(corpus.rows);
    graphs.set(corpus, graph);
  }
  const taken = new Set(retrieved.map((m) => m.id));
  const out: ScoredMemory[] = [];
  for (const from of retrieved) {
    if (from.linkedFrom !== undefined) continue;
    for (const n of neighbours(graph, from.id)) {
      const row = corpus.rows.find((r) => r.id === n.id);
      if (row === undefined || taken.has(n.id) || row.supersededBy !== undefined) continue;
      taken.add(n.id);
      const via = n.via.kind === 'entity' ? n.via.name : 'the same episode';
      out.push({ ...row, score: from.score * 0.5, vectorScore: 0, lexicalScore: 0, linkedFrom: { id: from.id, text: from.text, via } });
      if (out.length >= max) return out;
    }
  }
  return out;
}
