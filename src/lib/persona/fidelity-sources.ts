// What an evaluation of a persona is computed from, given its stored rows (pure): the test slice's cutoff,
// the style profile and memories of the training period only, and the authorship classifier's texts.
// Invariant: nothing said from the first line of the earliest held-out context on trains or prompts anything.

import { computeStyleProfile, type MessageLike, type TurnLike } from './style';
import { memoriesBeforeTest, testSliceStart } from './test-slice';
import type { MemoryItem, ReplyPair, StyleProfile } from './types';

export interface FidelityRows<P extends { personName: string }, R extends ReplyPair, M extends MemoryItem> {
  persona: P;
  /** The stored profile and whether the person edited its summary. */
  profile: { profile: StyleProfile; summaryEdited?: boolean } | null;
  pairs: readonly R[];
  /** Current memories (superseded ones already left out). */
  memories: readonly M[];
  messages: readonly (MessageLike & { ts: string })[];
  turns: readonly (TurnLike & { startTs: string })[];
}

export interface FidelitySources<P, R, M> {
  persona: P;
  profile: StyleProfile | null;
  /** All pairs, held-out ones included (they are the test slice), in time order. */
  pairs: R[];
  /** Current memories from before the test slice. */
  memories: M[];
  /** Message texts written before the test slice: the authorship classifier's training data. */
  personMessages: string[];
  otherMessages: string[];
}

export function fidelitySources<P extends { personName: string }, R extends ReplyPair, M extends MemoryItem>(
  rows: FidelityRows<P, R, M>,
): FidelitySources<P, R, M> {
  const { persona } = rows;
  const pairs = [...rows.pairs].sort((a, b) => (a.replyTs < b.replyTs ? -1 : a.replyTs > b.replyTs ? 1 : 0));
  // The test slice starts with the first line of the earliest held-out context: nothing said from then on
  // may train anything (contextTs is the context's last line, so earlier lines of it would slip through).
  const cutoff = testSliceStart(pairs);
  const before = (ts: string): boolean => cutoff === null || ts < cutoff;
  const training = rows.messages.filter((m) => before(m.ts));
  const texts = (mine: boolean): string[] =>
    training.filter((m) => m.kind === 'message' && m.author !== null && m.text.trim() !== '' && (m.author === persona.personName) === mine).map((m) => m.text);
  // The style profile too: measured on the training period only, so the prompt's style rules and the style
  // adapter do not know how the held-out replies look. A summary the user wrote is kept.
  let profile = rows.profile?.profile ?? null;
  if (profile !== null && cutoff !== null) {
    const measured = computeStyleProfile(training, rows.turns.filter((t) => before(t.startTs)), persona.personName);
    profile = rows.profile?.summaryEdited === true ? { ...measured, summary: profile.summary } : measured;
  }
  return {
    persona,
    profile,
    pairs,
    memories: memoriesBeforeTest(rows.memories, pairs),
    personMessages: texts(true),
    otherMessages: texts(false),
  };
}
