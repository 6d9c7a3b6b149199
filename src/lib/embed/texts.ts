// What exactly is embedded for each kind of item: a reply pair's context (what the persona answered
// to), one of the persona's own turns, a memory item. Pure; the same text is also what BM25 indexes,
// so the lexical and vector scores always look at the same words.
// Invariant: `textHash` changes whenever the embedded text changes, so stale vectors are re-embedded.

import { hashPair, pairToHex } from '../ingest/hash';
import type { MemoryItem, PairContextLine, ReplyPair } from '../persona/types';

export type ItemKind = 'pair' | 'turn' | 'memory' | 'knowledge';

export interface EmbedItem {
  kind: ItemKind;
  refId: string;
  text: string;
  textHash: string;
}

/**
 * Sentence models are trained on short inputs (MiniLM: 128-256 tokens) and attention cost grows with
 * the square of the length, so only the end of a long context is embedded: the last lines are what the
 * reply answers.
 */
export const MAX_EMBED_CHARS = 600;

export function clipTail(text: string, max = MAX_EMBED_CHARS): string {
  if (text.length <= max) return text;
  const tail = text.slice(text.length - max);
  // Start at a word boundary when one is near, so the first token is not half a word.
  const space = tail.search(/\s/);
  return space >= 0 && space < 40 ? tail.slice(space + 1) : tail;
}

export function contextText(context: readonly PairContextLine[]): string {
  return clipTail(context.map((line) => line.text.trim()).filter((t) => t !== '').join('\n'));
}

export function textHash(text: string): string {
  return pairToHex(hashPair(text));
}

function item(kind: ItemKind, refId: string, text: string): EmbedItem {
  return { kind, refId, text, textHash: textHash(text) };
}

export interface TurnLike {
  seq: number;
  author: string;
  text: string;
  messageIds: readonly string[];
}

/** A turn's id that survives re-numbering after an update import: the id of its first message. */
export function turnRefId(turn: TurnLike): string {
  return turn.messageIds[0] ?? `seq-${turn.seq}`;
}

export interface EmbedSources {
  pairs: readonly Pick<ReplyPair, 'id' | 'context' | 'heldOut'>[];
  /** The persona's own turns only. */
  turns: readonly TurnLike[];
  memories: readonly Pick<MemoryItem, 'id' | 'text'>[];
  /** Chunks of the persona's knowledge documents. */
  knowledge?: readonly { id: string; text: string }[];
}

/** Knowledge chunks are cut to fit a sentence model already (src/lib/persona/knowledge); this only bounds odd ones. */
export const MAX_KNOWLEDGE_EMBED_CHARS = 1200;

/** A knowledge chunk as embedded and indexed: its head (the chunk was cut to start at a boundary). */
export function knowledgeText(text: string): string {
  const clean = text.trim();
  if (clean.length <= MAX_KNOWLEDGE_EMBED_CHARS) return clean;
  const high = /[\ud800-\udbff]/.test(clean[MAX_KNOWLEDGE_EMBED_CHARS - 1] ?? '');
  return clean.slice(0, MAX_KNOWLEDGE_EMBED_CHARS - (high ? 1 : 0));
}

/**
 * Every item of a persona that gets a vector. Held-out pairs are embedded too (the evaluation asks
 * for them); retrieval filters them out. Empty texts (media-only turns) are skipped.
 */
export function embedItems(sources: EmbedSources): EmbedItem[] {
  const out: EmbedItem[] = [];
  for (const pair of sources.pairs) {
    const text = contextText(pair.context);
    if (text !== '') out.push(item('pair', pair.id, text));
  }
  const seen = new Set<string>();
  for (const turn of sources.turns) {
    const text = clipTail(turn.text.trim());
    const refId = turnRefId(turn);
    if (text === '' || seen.has(refId)) continue;
    seen.add(refId);
    out.push(item('turn', refId, text));
  }
  for (const memory of sources.memories) {
    const text = clipTail(memory.text.trim());
    if (text !== '') out.push(item('memory', memory.id, text));
  }
  for (const chunk of sources.knowledge ?? []) {
    const text = knowledgeText(chunk.text);
    if (text !== '') out.push(item('knowledge', chunk.id, text));
  }
  return out;
}

export function itemKey(kind: ItemKind, refId: string): string {
  return `${kind}:${refId}`;
}
