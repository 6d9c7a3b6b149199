// Thumbs up/down on persona replies turned into prompt examples (pure). Invariants: only a reply rated
// 'up' becomes an example, as {context = the user message just before it, reply = its text}; a reply whose
// text was also rated 'down' anywhere is never reused; failed or empty replies never count; liked examples
// come first, take at most half of the example slots, and never repeat a real pair.

import { Bm25 } from '../search/bm25';
import type { ReplyPair } from './types';

/** The fields of a stored chat message this module reads (a ChatMessageRow fits). */
export interface RatedMessage {
  conversationId: string;
  seq: number;
  role: 'user' | 'assistant';
  text: string;
  status: 'done' | 'streaming' | 'stopped' | 'error';
  updatedAt: number;
  rating?: 'up' | 'down';
}

export interface ScoredPair {
  pair: ReplyPair;
  score: number;
}

/** Ids of liked examples: never clash with real pair ids (hashes of message ids). */
const LIKED_PREFIX = 'liked:';

export function isLikedExampleId(id: string): boolean {
  return id.startsWith(LIKED_PREFIX);
}

/**
 * Liked replies as reply pairs, most recently rated first. `messages` are the persona's chat messages of
 * any conversations, in any order; `userName` is how the context line names the user.
 */
export function likedPairs(messages: readonly RatedMessage[], userName: string): ReplyPair[] {
  const disliked = new Set(messages.filter((m) => m.role === 'assistant' && m.rating === 'down').map((m) => m.text.trim()));
  const byConversation = new Map<string, RatedMessage[]>();
  for (const m of messages) {
    const list = byConversation.get(m.conversationId) ?? [];
    list.push(m);
    byConversation.set(m.conversationId, list);
  }
  const found: { pair: ReplyPair; at: number }[] = [];
  const seenReplies = new Set<string>();
  for (const list of byConversation.values()) {
    list.sort((a, b) => a.seq - b.seq);
    list.forEach((m, i) => {
      const reply = m.text.trim();
      if (m.role !== 'assistant' || m.rating !== 'up' || reply === '') return;
      // An errored reply is a fragment; a streaming one is not finished.
      if (m.status !== 'done' && m.status !== 'stopped') return;
      if (disliked.has(reply)) return;
      // The user message this reply answered: the nearest before it (a burst of persona replies shares it).
      const user = list.slice(0, i).findLast((p) => p.role === 'user');
      if (user === undefined || user.text.trim() === '') return;
      const ts = new Date(m.updatedAt).toISOString();
      found.push({
        at: m.updatedAt,
        pair: {
          id: `${LIKED_PREFIX}${m.conversationId}:${m.seq}`,
          context: [{ author: userName, text: user.text.trim(), ts }],
          reply,
          replyBubbles: reply.split('\n').length,
          contextTs: ts,
          replyTs: ts,
          contextMessageIds: [],
          replyMessageIds: [],
          heldOut: false,
        },
      });
    });
  }
  found.sort((a, b) => b.at - a.at || (a.pair.id < b.pair.id ? -1 : 1));
  const pairs: ReplyPair[] = [];
  for (const { pair } of found) {
    // The same liked text twice (e.g. copied into two chats) is one example.
    if (seenReplies.has(pair.reply)) continue;
    seenReplies.add(pair.reply);
    pairs.push(pair);
  }
  return pairs;
}

/** How many example slots liked replies may take: half, rounded up, so real replies still anchor the voice. */
export function likedSlots(maxExamples: number): number {
  return Math.max(0, Math.ceil(maxExamples / 2));
}

/**
 * The examples to pass to the prompt builder: the liked pairs most relevant to `query` (BM25 over their
 * context; ties and non-matching ones by recency) first, scored above every retrieved pair, then the
 * retrieved real pairs. Returns at most `maxExamples`.
 */
export function withLikedExamples(
  retrieved: readonly ScoredPair[],
  liked: readonly ReplyPair[],
  query: string,
  maxExamples: number,
): ScoredPair[] {
  const limit = Math.max(0, Math.floor(maxExamples));
  const slots = Math.min(likedSlots(limit), liked.length);
  const chosen: ReplyPair[] = [];
  if (slots > 0) {
    const hits = new Bm25(liked.map((p) => p.context.map((c) => c.text).join('\n'))).search(query, liked.length);
    const order = [...hits.map((h) => h.index), ...liked.map((_, i) => i)];
    const seen = new Set<number>();
    for (const i of order) {
      const pair = liked[i];
      if (pair === undefined || seen.has(i)) continue;
      seen.add(i);
      chosen.push(pair);
      if (chosen.length >= slots) break;
    }
  }
  const top = retrieved.reduce((max, e) => Math.max(max, e.score), 0);
  const likedReplies = new Set(chosen.map((p) => p.reply));
  const rest = retrieved.filter((e) => !likedReplies.has(e.pair.reply.trim()));
  // Scores only order the list; above the best retrieved one keeps liked examples first.
  const out: ScoredPair[] = chosen.map((pair, i) => ({ pair, score: top + 1 + (chosen.length - i) }));
  return [...out, ...rest].slice(0, limit);
}
