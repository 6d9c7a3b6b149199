// Thumbs up/down as prompt examples: which rated replies become examples (liked, answered a user message,
// not failed, not also disliked), their order and dedupe, how they are merged ahead of retrieved real
// pairs within the example budget, and the store's rating round trip.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { isLikedExampleId, likedPairs, likedSlots, withLikedExamples, type RatedMessage, type ScoredPair } from '../../src/lib/persona/feedback';
import type { ReplyPair } from '../../src/lib/persona/types';
import {
  appendChatMessage,
  createConversation,
  listConversations,
  listRatedConversationMessages,
  rateChatMessage,
} from '../../src/lib/store/conversations';
import { PersonaDb } from '../../src/lib/store/db';
import { personaRow } from '../fixtures/store/persona-row';

function msg(conversationId: string, seq: number, role: 'user' | 'assistant', text: string, extra: Partial<RatedMessage> = {}): RatedMessage {
  return { conversationId, seq, role, text, status: 'done', updatedAt: 1000 + seq, ...extra };
}

function realPair(id: string, reply: string): ReplyPair {
  return {
    id,
    context: [{ author: 'Anna', text: `context of ${id}`, ts: '2024-01-01T00:00:00Z' }],
    reply,
    replyBubbles: 1,
    contextTs: '2024-01-01T00:00:00Z',
    replyTs: '2024-01-01T00:00:01Z',
    contextMessageIds: [],
    replyMessageIds: [],
    heldOut: false,
  };
}

describe('likedPairs', () => {
  it('turns a liked reply into {user message before it, reply}, and ignores unrated and disliked ones', () => {
    const pairs = likedPairs(
      [
        msg('c1', 0, 'user', 'Hast du heute Zeit?'),
        msg('c1', 1, 'assistant', 'klar, um 7?', { rating: 'up' }),
        msg('c1', 2, 'user', 'Und morgen?'),
        msg('c1', 3, 'assistant', 'Sehr geehrte Damen und Herren', { rating: 'down' }),
        msg('c1', 4, 'user', 'ok'),
        msg('c1', 5, 'assistant', 'passt'),
      ],
      'Ich',
    );
    expect(pairs).toHaveLength(1);
    const [pair] = pairs;
    expect(pair?.context.map((c) => [c.author, c.text])).toEqual([['Ich', 'Hast du heute Zeit?']]);
    expect(pair?.reply).toBe('klar, um 7?');
    expect(pair?.heldOut).toBe(false);
    expect(isLikedExampleId(pair?.id ?? '')).toBe(true);
    expect(isLikedExampleId('a3f9c0')).toBe(false);
  });

  it('never reuses a text that was also disliked, nor failed, streaming or unanswered replies', () => {
    const pairs = likedPairs(
      [
        msg('c1', 0, 'user', 'a'),
        msg('c1', 1, 'assistant', 'same text', { rating: 'up' }),
        msg('c2', 0, 'user', 'b'),
        msg('c2', 1, 'assistant', 'same text', { rating: 'down' }),
        msg('c3', 0, 'user', 'c'),
        msg('c3', 1, 'assistant', 'half a rep', { rating: 'up', status: 'error' }),
        msg('c3', 2, 'assistant', 'still going', { rating: 'up', status: 'streaming' }),
        msg('c4', 0, 'assistant', 'opened the chat itself', { rating: 'up' }),
        msg('c5', 0, 'user', 'd'),
        msg('c5', 1, 'assistant', '   ', { rating: 'up' }),
        msg('c6', 0, 'user', 'e'),
        msg('c6', 1, 'assistant', 'cut short but nice', { rating: 'up', status: 'stopped' }),
      ],
      'Me',
    );
    expect(pairs.map((p) => p.reply)).toEqual(['cut short but nice']);
  });

  it('orders by most recent rating, dedupes equal texts, and finds the user message across a burst', () => {
    const pairs = likedPairs(
      [
        // Out of order on purpose: the function sorts by seq within a conversation.
        msg('c1', 2, 'assistant', 'second bubble', { rating: 'up', updatedAt: 50 }),
        msg('c1', 1, 'assistant', 'first bubble', { rating: 'up', updatedAt: 40 }),
        msg('c1', 0, 'user', 'what now?'),
        msg('c2', 0, 'user', 'again?'),
        msg('c2', 1, 'assistant', 'first bubble', { rating: 'up', updatedAt: 10 }),
      ],
      'Me',
    );
    expect(pairs.map((p) => [p.context[0]?.text, p.reply])).toEqual([
      ['what now?', 'second bubble'],
      ['what now?', 'first bubble'],
    ]);
  });
});

describe('withLikedExamples', () => {
  const liked = likedPairs(
    [
      msg('c1', 0, 'user', 'gehen wir essen heute abend'),
      msg('c1', 1, 'assistant', 'ja pizza!!', { rating: 'up', updatedAt: 1 }),
      msg('c1', 2, 'user', 'wie war die arbeit'),
      msg('c1', 3, 'assistant', 'stressig wie immer', { rating: 'up', updatedAt: 3 }),
      msg('c1', 4, 'user', 'kommst du mit ins kino'),
      msg('c1', 5, 'assistant', 'nur wenn popcorn', { rating: 'up', updatedAt: 2 }),
    ],
    'Ich',
  );
  const retrieved: ScoredPair[] = [
    { pair: realPair('r1', 'real one'), score: 0.9 },
    { pair: realPair('r2', 'real two'), score: 0.5 },
    { pair: realPair('r3', 'ja pizza!!'), score: 0.4 },
    { pair: realPair('r4', 'real four'), score: 0.3 },
  ];

  it('puts the liked replies relevant to the message first, scored above every retrieved pair', () => {
    const out = withLikedExamples(retrieved, liked, 'essen gehen?', 4);
    expect(likedSlots(4)).toBe(2);
    // The matching liked reply, then the most recent other liked one, then real pairs by rank.
    expect(out.map((e) => e.pair.reply)).toEqual(['ja pizza!!', 'stressig wie immer', 'real one', 'real two']);
    expect(Math.min(out[0]?.score ?? 0, out[1]?.score ?? 0)).toBeGreaterThan(0.9);
    expect(out[0]?.score ?? 0).toBeGreaterThan(out[1]?.score ?? 0);
  });

  it('drops a real pair whose reply is a chosen liked one, and respects the example budget', () => {
    const out = withLikedExamples(retrieved, liked, 'essen gehen?', 8);
    expect(out.map((e) => e.pair.reply)).toEqual(['ja pizza!!', 'stressig wie immer', 'nur wenn popcorn', 'real one', 'real two', 'real four']);
    expect(withLikedExamples(retrieved, liked, 'kino', 1).map((e) => e.pair.reply)).toEqual(['nur wenn popcorn']);
    expect(withLikedExamples(retrieved, liked, 'kino', 0)).toEqual([]);
    expect(withLikedExamples(retrieved, [], 'kino', 3).map((e) => e.pair.id)).toEqual(['r1', 'r2', 'r3']);
  });
});

describe('ratings in the store', () => {
  it('stores, clears and lists ratings without moving the conversation up', async () => {
    const db = new PersonaDb({ indexedDB: new IDBFactory(), IDBKeyRange });
    await db.personas.add(personaRow('p-1', { personName: 'p', selfName: 'Me' }));
    const a = await createConversation(db, 'p-1', 'A', 1);
    const b = await createConversation(db, 'p-1', 'B', 2);
    await appendChatMessage(db, a.id, { role: 'user', text: 'hi', status: 'done' }, 3);
    await appendChatMessage(db, a.id, { role: 'assistant', text: 'hey :)', status: 'done' }, 4);
    await appendChatMessage(db, b.id, { role: 'user', text: 'unrated chat', status: 'done' }, 5);
    expect(await rateChatMessage(db, a.id, 0, 'up')).toBe(false); // a user message
    expect(await rateChatMessage(db, a.id, 1, 'up')).toBe(true);
    expect((await listConversations(db, 'p-1')).map((c) => c.title)).toEqual(['B', 'A']);
    const rows = await listRatedConversationMessages(db, 'p-1');
    expect(rows.map((m) => [m.text, m.rating])).toEqual([
      ['hi', undefined],
      ['hey :)', 'up'],
    ]);
    expect(likedPairs(rows, 'Me').map((p) => [p.context[0]?.text, p.reply])).toEqual([['hi', 'hey :)']]);
    expect(await rateChatMessage(db, a.id, 1, null)).toBe(true);
    expect(await listRatedConversationMessages(db, 'p-1')).toEqual([]);
    expect(Object.keys((await db.chatMessages.get([a.id, 1])) ?? {})).not.toContain('rating');
  });
});
