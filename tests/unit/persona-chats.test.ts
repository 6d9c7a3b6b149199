// Separate chats stay separate: two chats of one persona (a 1:1 chat and a group) whose messages interleave
// in time give exactly the turns, reply pairs and statistics each chat gives on its own; nothing pairs or
// measures across them. Also: which chat a picked file joins, through the real commit and builder.
import fc from 'fast-check';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { personaBuilder } from '../../src/lib/importer/build-persona';
import { chatForFile, turnsOfChats } from '../../src/lib/importer/chats';
import { messageIds } from '../../src/lib/ingest/normalize';
import type { ParsedItem } from '../../src/lib/ingest/types';
import { buildPairs } from '../../src/lib/persona/pairs';
import { computeStyleProfile } from '../../src/lib/persona/style';
import { PersonaDb } from '../../src/lib/store/db';
import { commitImport, type SourceWrite } from '../../src/lib/store/import-commit';
import type { MessageRow, SourceRow } from '../../src/lib/store/schema';

type Line = [ts: string, author: string, text: string];

/** A chat as stored rows of one source (ids as the import makes them). */
function chatRows(sourceId: string, lines: readonly Line[]): MessageRow[] {
  const items: ParsedItem[] = lines.map(([ts, author, text], i) => ({ ts, author, kind: 'message', text, line: i + 1 }));
  const ids = messageIds(items, sourceId);
  return items.map((item, i) => ({
    personaId: 'p',
    id: ids[i] ?? '',
    sourceId,
    sortKey: `${item.ts}#${sourceId}#${String(item.line).padStart(9, '0')}`,
    ts: item.ts,
    author: item.author,
    kind: item.kind,
    text: item.text,
    edited: false,
  }));
}

function source(id: string, fingerprint: string | null): SourceRow {
  return {
    id, personaId: 'p', fileName: `${id}.txt`, format: 'whatsapp-android', locale: 'en', dateOrder: 'DMY', chatName: null,
    fingerprint, importedAt: 1, itemCount: 0, addedCount: 0, skipped: {},
  };
}

/** All rows of several chats in timeline order, as the store reads them. */
const timeline = (...chats: MessageRow[][]): MessageRow[] => chats.flat().sort((a, b) => (a.sortKey < b.sortKey ? -1 : 1));

// The reproduction of the report: Bob asks in the 1:1 chat, Carol asks in the group a minute before, and
// Alice answers Carol in the group two minutes later; her real answer to Bob comes twenty minutes after.
const DIRECT: Line[] = [
  ['2024-03-12T17:50:00', 'Bob', 'hey alice'],
  ['2024-03-12T17:51:00', 'Alice', 'hey bob'],
  ['2024-03-12T17:52:00', 'Bob', 'did you hear about grandpa'],
  ['2024-03-12T17:53:00', 'Alice', 'yes, heard it late'],
  ['2024-03-12T18:30:00', 'Bob', 'are you coming to the funeral?'],
  ['2024-03-12T18:50:00', 'Alice', 'of course. I will be there at 10'],
  ['2024-03-12T18:51:00', 'Bob', 'ok see you'],
];
const GROUP: Line[] = [
  ['2024-03-12T17:00:00', 'Carol', 'party at mine on saturday!'],
  ['2024-03-12T17:05:00', 'Alice', 'who is bringing drinks'],
  ['2024-03-12T17:10:00', 'Carol', 'Bob is'],
  ['2024-03-12T18:29:00', 'Carol', 'you all coming saturday??'],
  ['2024-03-12T18:32:00', 'Alice', 'yesss cant wait 🎉'],
  ['2024-03-12T18:33:00', 'Carol', 'yay'],
];

describe('two interleaved chats of one persona', () => {
  const direct = chatRows('s-direct', DIRECT);
  const group = chatRows('s-group', GROUP);
  const sources = [source('s-direct', 'fp-direct'), source('s-group', 'fp-group')];
  const chatOf = new Map([...direct.map((r) => [r.id, 'fp-direct'] as const), ...group.map((r) => [r.id, 'fp-group'] as const)]);
  const turns = turnsOfChats(timeline(direct, group), sources);

  it('builds every turn from one chat, tagged with it, numbered from 0', () => {
    expect(turns.map((t) => t.seq)).toEqual(turns.map((_, i) => i));
    for (const turn of turns) {
      expect(turn.chat).toBeDefined();
      for (const id of turn.messageIds) expect(chatOf.get(id), turn.text).toBe(turn.chat);
    }
    expect(turns).toHaveLength(DIRECT.length + GROUP.length);
  });

  it('pairs each reply with its own chat: the funeral question gets the real answer', () => {
    const { pairs } = buildPairs(turns, 'Alice');
    const byReply = new Map(pairs.map((p) => [p.reply, p]));
    expect(byReply.get('of course. I will be there at 10')?.context.map((l) => l.text)).toEqual(['are you coming to the funeral?']);
    expect(byReply.get('yesss cant wait 🎉')?.context.map((l) => l.text)).toEqual(['Bob is', 'you all coming saturday??']);
    for (const pair of pairs) {
      const chats = new Set([...pair.contextMessageIds, ...pair.replyMessageIds].map((id) => chatOf.get(id)));
      expect([...chats], pair.reply).toEqual([pair.chat]);
    }
    expect(pairs).toHaveLength(5);
  });

  it('measures reply latency, gaps and bursts within each chat only', () => {
    const together = computeStyleProfile(timeline(direct, group), turns, 'Alice');
    const apart = [
      computeStyleProfile(direct, turnsOfChats(direct, sources), 'Alice'),
      computeStyleProfile(group, turnsOfChats(group, sources), 'Alice'),
    ];
    for (const side of ['person', 'others'] as const) {
      for (const stat of ['replyLatencySeconds', 'bubblesPerTurn', 'bubbleGapSeconds'] as const) {
        const counts = apart.map((p) => p[side][stat]);
        expect(together[side][stat].count, `${side} ${stat}`).toBe(counts.reduce((n, d) => n + d.count, 0));
        const mean = counts.reduce((s, d) => s + d.mean * d.count, 0) / Math.max(1, together[side][stat].count);
        expect(together[side][stat].mean, `${side} ${stat}`).toBeCloseTo(mean, 9);
      }
    }
    // However the turns of the two chats are ordered (here: by time, interleaved), the numbers are the same.
    const interleaved = computeStyleProfile(timeline(direct, group), [...turns].sort((a, b) => (a.startTs < b.startTs ? -1 : 1)), 'Alice');
    expect(interleaved.person.replyLatencySeconds).toEqual(together.person.replyLatencySeconds);
    expect(interleaved.others.replyLatencySeconds).toEqual(together.others.replyLatencySeconds);
    // Alice answered Bob after 1, 1 and 20 minutes and Carol after 5 and 3: never after 1 minute to Carol.
    expect(together.person.replyLatencySeconds.count).toBe(5);
    expect(together.person.replyLatencySeconds.mean).toBeCloseTo((60 + 60 + 1200 + 300 + 180) / 5, 6);
  });

  it('a burst in one chat is not cut by a message of the other chat in between', () => {
    const a = chatRows('s-a', [
      ['2024-05-01T10:00:00', 'Alice', 'so'],
      ['2024-05-01T10:02:00', 'Alice', 'about tonight'],
      ['2024-05-01T10:03:00', 'Bob', 'yes?'],
    ]);
    const b = chatRows('s-b', [['2024-05-01T10:01:00', 'Carol', 'anyone?']]);
    const built = turnsOfChats(timeline(a, b), [source('s-a', 'fa'), source('s-b', 'fb')]);
    expect(built.map((t) => [t.chat, t.author, t.text])).toEqual([
      ['fa', 'Alice', 'so\nabout tonight'],
      ['fa', 'Bob', 'yes?'],
      ['fb', 'Carol', 'anyone?'],
    ]);
  });

  it('any interleaving of two random chats gives exactly the pairs of each chat alone', () => {
    const authors = ['Alice', 'Bob', 'Carol'];
    const lineArb = fc.record({ author: fc.constantFrom(...authors), minutes: fc.integer({ min: 0, max: 300 }), word: fc.integer({ min: 0, max: 10_000 }) });
    const chatArb = fc.array(lineArb, { minLength: 2, maxLength: 40 });
    const toLines = (chat: { author: string; minutes: number; word: number }[], tag: string): Line[] => {
      let ms = Date.UTC(2024, 0, 1, 8, 0, 0);
      return chat.map((line, i) => {
        ms += line.minutes * 60_000;
        return [new Date(ms).toISOString().slice(0, 19), line.author, `${tag} message ${i} about topic ${line.word}`];
      });
    };
    fc.assert(
      fc.property(chatArb, chatArb, (first, second) => {
        const a = chatRows('s-a', toLines(first, 'A'));
        const b = chatRows('s-b', toLines(second, 'B'));
        const both = [source('s-a', 'fa'), source('s-b', null)];
        const together = buildPairs(turnsOfChats(timeline(a, b), both), 'Alice', { heldOutShare: 0 }).pairs;
        const alone = [
          ...buildPairs(turnsOfChats(a, both), 'Alice', { heldOutShare: 0 }).pairs,
          ...buildPairs(turnsOfChats(b, both), 'Alice', { heldOutShare: 0 }).pairs,
        ];
        const key = (p: { id: string; chat?: string }) => `${p.chat ?? '?'}:${p.id}`;
        expect(together.map(key).sort()).toEqual(alone.map(key).sort());
        // Turns given interleaved by time (not chat after chat) pair the same way.
        const byTime = [...turnsOfChats(timeline(a, b), both)].sort((x, y) => (x.startTs < y.startTs ? -1 : x.startTs > y.startTs ? 1 : 0));
        expect(buildPairs(byTime, 'Alice', { heldOutShare: 0 }).pairs.map(key).sort()).toEqual(alone.map(key).sort());
        for (const p of together) expect(p.context.every((l) => l.text.startsWith(p.chat === 'fa' ? 'A ' : 'B '))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('which chat a picked file joins', () => {
  const known = new Map([['fp-direct', 'chat-1']]);
  const stored = new Map([['x1', 'chat-2'], ['x2', 'chat-2'], ['x3', 'chat-2']]);
  it('the chat with the same fingerprint, else the chat holding a good share of its rows, else a new one', () => {
    expect(chatForFile({ sourceId: 's', fingerprint: 'fp-direct', rowIds: ['x1', 'x2', 'x3'] }, known, (id) => stored.get(id))).toBe('chat-1');
    expect(chatForFile({ sourceId: 's', fingerprint: 'fp-new', rowIds: ['x1', 'x2', 'x3', 'n1', 'n2'] }, known, (id) => stored.get(id))).toBe('chat-2');
    // One message that happens to be in another chat too (a forwarded greeting) does not merge two chats.
    expect(chatForFile({ sourceId: 's', fingerprint: 'fp-new', rowIds: ['x1', 'n1', 'n2'] }, known, (id) => stored.get(id))).toBe('fp-new');
    expect(chatForFile({ sourceId: 's', fingerprint: null, rowIds: ['n1'] }, known, (id) => stored.get(id))).toBe('source:s');
  });
});

describe('commit with the real builder', () => {
  function write(id: string, lines: readonly Line[]): SourceWrite {
    const rows = chatRows(id, lines).map(({ personaId: _p, ...row }) => row);
    // The real import computes ids without a namespace: a newer export repeats the older one's ids.
    const ids = messageIds(lines.map(([ts, author, text], i) => ({ ts, author, kind: 'message', text, line: i + 1 })));
    return {
      source: { id, fileName: `${id}.txt`, format: 'whatsapp-android', locale: 'en', dateOrder: 'DMY', chatName: null, fingerprint: `fp:${lines.slice(0, 3).map((l) => l[2]).join('|')}`, importedAt: 1, itemCount: lines.length, skipped: {} },
      rows: rows.map((row, i) => ({ ...row, id: ids[i] ?? '' })),
    };
  }
  const create = { mode: 'create' as const, id: 'p', displayName: 'Alice', personName: 'Alice', selfName: 'Bob', maskPii: false };

  it('stores two chats apart, with the build, and a newer export extends its own chat', async () => {
    const db = new PersonaDb({ indexedDB: new IDBFactory(), IDBKeyRange });
    await commitImport(db, create, [write('s-direct', DIRECT.slice(0, 5)), write('s-group', GROUP)], personaBuilder());
    const [directSource, groupSource] = [await db.sources.get('s-direct'), await db.sources.get('s-group')];
    expect(directSource?.chatKey).toBeDefined();
    expect(directSource?.chatKey).not.toBe(groupSource?.chatKey);
    expect((await db.personas.get('p'))?.builderVersion).toBe(2);
    expect(await db.profiles.get('p')).toBeDefined();
    expect((await db.pairs.toArray()).map((p) => p.reply).sort()).toEqual(['hey bob', 'who is bringing drinks', 'yes, heard it late', 'yesss cant wait 🎉']);

    // The newer export of the 1:1 chat: same first messages, two more at the end.
    await commitImport(db, { mode: 'update', id: 'p' }, [write('s-direct-2', DIRECT)], personaBuilder());
    expect((await db.sources.get('s-direct-2'))?.chatKey).toBe(directSource?.chatKey);
    const pairs = await db.pairs.toArray();
    const answer = pairs.find((p) => p.reply === 'of course. I will be there at 10');
    expect(answer?.context.map((l) => l.text)).toEqual(['are you coming to the funeral?']);
    expect(answer?.chat).toBe(directSource?.chatKey);
    const turns = await db.turns.where('personaId').equals('p').sortBy('seq');
    expect(new Set(turns.map((t) => t.chat))).toEqual(new Set([directSource?.chatKey, groupSource?.chatKey]));
    expect((await db.personas.get('p'))?.counts).toEqual({ personMessages: 5, allMessages: 13, turns: 13, sources: 3 });

    // A newer export whose first messages were cut off (another fingerprint) still joins the group chat.
    await commitImport(db, { mode: 'update', id: 'p' }, [write('s-group-2', [...GROUP.slice(2), ['2024-03-12T18:40:00', 'Alice', 'bringing cake']])], personaBuilder());
    expect((await db.sources.get('s-group-2'))?.chatKey).toBe(groupSource?.chatKey);
  });
});
