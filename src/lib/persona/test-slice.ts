// The test slice of a persona: its held-out reply pairs (the latest ~10%) and everything said from the
// first line of the earliest one on. The fidelity evaluation trains and prompts only with what came
// before it, so no score is inflated by what the person is being tested on. Pure.

import type { MemoryItem, ReplyPair } from './types';

/**
 * When the test slice starts: the first line of the earliest held-out context (its reply and everything
 * said from then on is test data); null without held-out pairs.
 */
export function testSliceStart(pairs: readonly ReplyPair[]): string | null {
  let start: string | null = null;
  for (const p of pairs) {
    if (!p.heldOut) continue;
    const ts = p.context[0]?.ts ?? p.contextTs;
    if (start === null || ts < start) start = ts;
  }
  return start;
}

/**
 * The memories the persona could have had before the test slice: none last seen in it, none made from its
 * messages. Memories without a date or source (written by hand) are kept.
 */
export function memoriesBeforeTest<M extends MemoryItem>(memories: readonly M[], pairs: readonly ReplyPair[]): M[] {
  const start = testSliceStart(pairs);
  if (start === null) return [...memories];
  const testIds = new Set(pairs.flatMap((p) => (p.heldOut ? [...p.contextMessageIds, ...p.replyMessageIds] : [])));
  return memories.filter((m) => !(m.lastSeen !== '' && m.lastSeen >= start) && !m.sourceMessageIds.some((id) => testIds.has(id)));
}
