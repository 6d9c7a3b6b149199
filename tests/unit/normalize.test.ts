// normalize: stable ids (duplicates, re-imports, newer exports), chat fingerprints, turns (gaps, who
// interrupts, boilerplate counts, wall-clock time without the runtime's zone) and author statistics.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashString } from '../../src/lib/ingest/hash';
import { createMasker } from '../../src/lib/ingest/mask';
import { authorStats, buildTurns, chatFingerprint, localTsToMs, messageIds } from '../../src/lib/ingest/normalize';
import { ITEM_KINDS, type ItemKind, type ParsedItem } from '../../src/lib/ingest/types';

let line = 0;
function item(ts: string, author: string | null, text: string, kind: ItemKind = author === null ? 'system' : 'message'): ParsedItem {
  line++;
  return { ts, author, kind, text, line };
}
const msg = (hm: string, author: string, text: string, day = '2021-05-04'): ParsedItem =>
  item(`${day}T${hm}:00`, author, text);

describe('messageIds', () => {
  it('hashes (ts, author, kind, text) and the occurrence of that tuple', () => {
    const items = [msg('10:00', 'Anna', 'ok'), msg('10:00', 'Anna', 'ok'), msg('10:00', 'Ben', 'ok')];
    const ids = messageIds(items);
    expect(ids[0]).toBe(hashString('2021-05-04T10:00:00\u00004:Anna\u0000message\u0000ok'));
    // The second "ok" is the same tuple seen once before.
    expect(ids[1]).toBe(hashString(`${ids[0]}#1`));
    expect(new Set(ids).size).toBe(3);
    expect(ids.every((id) => /^[0-9a-f]{16}$/.test(id))).toBe(true);
  });

  it('depends on every field: time, author, kind, text', () => {
    const base = item('2021-05-04T10:00:00', 'Anna', 'image omitted', 'message');
    const [id] = messageIds([base]);
    const variants: ParsedItem[] = [
      { ...base, ts: '2021-05-04T10:00:01' },
      { ...base, author: 'Anne' },
      { ...base, kind: 'media' },
      { ...base, text: 'image omitted ' },
      { ...base, author: null, kind: 'system' },
    ];
    for (const v of variants) expect(messageIds([v])[0]).not.toBe(id);
    // The source line and the edited flag are not identity.
    expect(messageIds([{ ...base, line: 999, edited: true }])[0]).toBe(id);
    // Fields cannot bleed into each other, whatever characters a name or text holds.
    const a = item('2021-05-04T10:00:00', 'A\u0000message', 'x', 'message');
    const b = item('2021-05-04T10:00:00', 'A', 'message\u0000x', 'message');
    expect(messageIds([a])[0]).not.toBe(messageIds([b])[0]);
  });

  it('gives a re-import the same ids and a newer export the same ids for the old part', () => {
    const older = [
      item('2021-05-04T09:59:00', null, 'Messages and calls are end-to-end encrypted.'),
      msg('10:00', 'Anna', 'ok'),
      msg('10:00', 'Anna', 'ok'),
      msg('10:01', 'Ben', 'see you'),
    ];
    const newer = [...older.map((i) => ({ ...i })), msg('10:01', 'Anna', 'ok'), msg('10:00', 'Anna', 'ok')];
    const oldIds = messageIds(older);
    expect(messageIds(older.map((i) => ({ ...i })))).toEqual(oldIds);
    const newIds = messageIds(newer);
    expect(newIds.slice(0, older.length)).toEqual(oldIds);
    // Only the appended items are new, including a third "ok" at 10:00.
    const added = newIds.filter((id) => !oldIds.includes(id));
    expect(added).toEqual(newIds.slice(older.length));
    expect(added).toHaveLength(2);
  });

  it('is computed on the original text, so masking on or off does not change identity', () => {
    const items = [msg('10:00', 'Anna', 'call me +49 170 1234567'), msg('10:01', 'Ben', 'ok')];
    const ids = messageIds(items);
    const mask = createMasker({ salt: 's' });
    const masked = items.map((i) => ({ ...i, text: mask(i.text).text }));
    expect(masked[0]?.text).not.toBe(items[0]?.text);
    // What the pipeline stores: ids from the originals next to masked text.
    const stored = masked.map((i, k) => ({ id: ids[k], text: i.text }));
    expect(stored.map((s) => s.id)).toEqual(messageIds(items));
  });

  it('separates chats by namespace when asked', () => {
    const items = [msg('10:00', 'Anna', 'ok')];
    expect(messageIds(items, 'chat-a')[0]).not.toBe(messageIds(items)[0]);
    expect(messageIds(items, 'chat-a')).toEqual(messageIds(items, 'chat-a'));
  });

  it('is deterministic, unique and prefix-stable for any item list (property)', () => {
    const arbItem = fc.record({
      ts: fc.constantFrom('2021-05-04T10:00:00', '2021-05-04T10:01:00', '2021-05-05T00:00:00'),
      author: fc.constantFrom<string | null>(null, 'Anna', 'Ben', '+49 170 1234567'),
      kind: fc.constantFrom<ItemKind>(...ITEM_KINDS),
      text: fc.constantFrom('ok', '', 'image omitted', '😂', 'ok\nok', 'Ok'),
      line: fc.nat(),
    });
    fc.assert(
      fc.property(fc.array(arbItem, { maxLength: 60 }), fc.nat(60), (items, cut) => {
        const ids = messageIds(items);
        expect(messageIds(items.map((i) => ({ ...i })))).toEqual(ids);
        expect(new Set(ids).size).toBe(ids.length);
        const k = Math.min(cut, items.length);
        expect(messageIds(items.slice(0, k))).toEqual(ids.slice(0, k));
      }),
      { numRuns: 500 },
    );
  });

  it('ids 100k items, every id distinct', () => {
    const items = Array.from({ length: 100_000 }, (_, i) =>
      msg(`${String(Math.floor(i / 60) % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`, i % 3 ? 'Anna' : 'Ben', i % 7 ? `message ${i % 500}` : 'ok'),
    );
    const ids = messageIds(items);
    expect(new Set(ids).size).toBe(items.length);
  });
});

describe('chatFingerprint', () => {
  const chat = (n: number): ParsedItem[] => [
    item('2021-05-04T09:00:00', null, 'Messages and calls are end-to-end encrypted.'),
    ...Array.from({ length: n }, (_, i) => msg(`10:${String(i).padStart(2, '0')}`, i % 2 ? 'Ben' : 'Anna', `message ${i}`)),
  ];

  it('is null below three person items; system items do not count', () => {
    expect(chatFingerprint([])).toBeNull();
    expect(chatFingerprint(chat(2))).toBeNull();
    expect(chatFingerprint([...chat(2), item('2021-05-04T11:00:00', null, 'Anna left')])).toBeNull();
    expect(chatFingerprint(chat(3))).toMatch(/^[0-9a-f]{16}$/);
  });

  it('stays the same for a newer export and changes for another chat', () => {
    const fp = chatFingerprint(chat(12));
    expect(chatFingerprint(chat(40))).toBe(fp);
    expect(chatFingerprint(chat(10))).toBe(fp);
    const other = chat(12);
    other[5] = { ...other[5]!, text: 'something else' };
    expect(chatFingerprint(other)).not.toBe(fp);
    const later = chat(12);
    later[11] = { ...later[11]!, text: 'the 11th person item is not part of it' };
    expect(chatFingerprint(later)).toBe(fp);
  });

  it('ignores system items (their wording depends on the phone) and the kind', () => {
    const a = chat(12);
    const b = [item('2021-05-04T08:00:00', null, 'Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt.'), ...chat(12).slice(1)];
    expect(chatFingerprint(b)).toBe(chatFingerprint(a));
    const c = chat(12);
    c[2] = { ...c[2]!, kind: 'deleted' };
    expect(chatFingerprint(c)).toBe(chatFingerprint(a));
  });
});

describe('localTsToMs', () => {
  it('reads zone-less local times as UTC wall clock and rejects anything else', () => {
    expect(localTsToMs('1970-01-01T00:01:00')).toBe(60_000);
    expect(localTsToMs('2019-05-04T14:59:07')).toBe(Date.UTC(2019, 4, 4, 14, 59, 7));
    expect(localTsToMs('2019-05-04 14:59')).toBeNaN();
    expect(localTsToMs('2019-05-04T14:5x:00')).toBeNaN();
    expect(localTsToMs('')).toBeNaN();
  });

  it('measures the wall-clock gap across a DST change, whatever the runtime zone', () => {
    // 01:59 -> 03:01 on the night clocks jump forward in the EU: 62 minutes on the wall clock.
    expect(localTsToMs('2021-03-28T03:01:00') - localTsToMs('2021-03-28T01:59:00')).toBe(62 * 60_000);
  });
});

describe('buildTurns', () => {
  it('merges bursts of one author within the gap and keeps bubbles and indexes', () => {
    const items = [
      msg('10:00', 'Anna', 'hey'),
      msg('10:01', 'Anna', 'are you there?'),
      msg('10:06', 'Anna', 'hello??'), // exactly 5 minutes after the previous bubble: same turn
      msg('10:12', 'Anna', 'ok nvm'), // 6 minutes: new turn
      msg('10:13', 'Ben', 'sorry\nwas busy'),
    ];
    const { turns } = buildTurns(items);
    expect(turns).toEqual([
      {
        author: 'Anna',
        startTs: '2021-05-04T10:00:00',
        endTs: '2021-05-04T10:06:00',
        itemIndexes: [0, 1, 2],
        text: 'hey\nare you there?\nhello??',
        bubbles: 3,
      },
      { author: 'Anna', startTs: '2021-05-04T10:12:00', endTs: '2021-05-04T10:12:00', itemIndexes: [3], text: 'ok nvm', bubbles: 1 },
      { author: 'Ben', startTs: '2021-05-04T10:13:00', endTs: '2021-05-04T10:13:00', itemIndexes: [4], text: 'sorry\nwas busy', bubbles: 1 },
    ]);
  });

  it('measures the gap from the previous bubble, not from the start of the turn', () => {
    const items = ['10:00', '10:04', '10:08', '10:12', '10:16'].map((t) => msg(t, 'Anna', t));
    expect(buildTurns(items).turns).toHaveLength(1);
    expect(buildTurns(items, { maxGapMinutes: 3 }).turns).toHaveLength(5);
    expect(buildTurns(items, { maxGapMinutes: 0 }).turns).toHaveLength(5);
    expect(buildTurns([msg('10:00', 'A', 'x'), msg('10:00', 'A', 'y')], { maxGapMinutes: 0 }).turns).toHaveLength(1);
  });

  it('keeps boilerplate out of the text but counts it; system lines and own non-text items do not split', () => {
    const items = [
      item('2021-05-04T09:59:00', null, 'Messages and calls are end-to-end encrypted.'),
      msg('10:00', 'Anna', 'look'),
      item('2021-05-04T10:00:00', 'Anna', 'image omitted', 'media'),
      item('2021-05-04T10:01:00', null, 'Ben changed the subject to "trip"'),
      msg('10:01', 'Anna', 'nice, right?'),
      item('2021-05-04T10:02:00', 'Anna', 'This message was deleted', 'deleted'),
      item('2021-05-04T10:02:00', 'Anna', 'Location: https://maps.google.com/?q=1,2', 'location'),
      item('2021-05-04T10:02:00', 'Anna', 'Ben.vcf (file attached)', 'contact'),
      item('2021-05-04T10:03:00', 'Anna', 'POLL:\nwhere?\nOPTION: here (1 vote)', 'poll'),
      msg('10:03', 'Anna', 'so?'),
    ];
    const { turns, dropped } = buildTurns(items);
    expect(turns).toHaveLength(1);
    expect(turns[0]?.text).toBe('look\nnice, right?\nso?');
    expect(turns[0]?.itemIndexes).toEqual([1, 4, 9]);
    expect(dropped).toEqual({ system: 2, media: 1, deleted: 1, call: 0, poll: 1, location: 1, contact: 1 });
  });

  it("ends a turn at any item of another person, a photo or a missed call included", () => {
    const items = [
      msg('10:00', 'Anna', 'one'),
      item('2021-05-04T10:00:00', 'Ben', '<Media omitted>', 'media'),
      msg('10:01', 'Anna', 'two'),
      item('2021-05-04T10:01:00', 'Ben', 'Missed voice call', 'call'),
      msg('10:02', 'Anna', 'three'),
    ];
    const { turns, dropped } = buildTurns(items);
    expect(turns.map((t) => t.text)).toEqual(['one', 'two', 'three']);
    expect(turns.every((t) => t.author === 'Anna')).toBe(true);
    expect(dropped.media).toBe(1);
    expect(dropped.call).toBe(1);
  });

  it('splits on a DST night by wall-clock time and on unreadable or far-back times', () => {
    const dst = [msg('01:59', 'Anna', 'still up', '2021-03-28'), msg('03:01', 'Anna', 'now it is later', '2021-03-28')];
    expect(buildTurns(dst, { maxGapMinutes: 5 }).turns).toHaveLength(2);
    expect(buildTurns(dst, { maxGapMinutes: 62 }).turns).toHaveLength(1);
    const backwards = [msg('10:00', 'Anna', 'a'), msg('09:00', 'Anna', 'b'), msg('09:02', 'Anna', 'c')];
    expect(buildTurns(backwards).turns.map((t) => t.bubbles)).toEqual([1, 2]);
    const broken = [msg('10:00', 'Anna', 'a'), item('garbage', 'Anna', 'b'), msg('10:01', 'Anna', 'c')];
    expect(buildTurns(broken).turns).toHaveLength(3);
  });

  it('skips blank messages without counting them and returns nothing for nothing', () => {
    expect(buildTurns([])).toEqual({
      turns: [],
      dropped: { system: 0, media: 0, deleted: 0, call: 0, poll: 0, location: 0, contact: 0 },
    });
    const { turns } = buildTurns([msg('10:00', 'Anna', 'a'), msg('10:01', 'Anna', '   '), msg('10:02', 'Anna', 'b')]);
    expect(turns).toHaveLength(1);
    expect(turns[0]?.itemIndexes).toEqual([0, 2]);
  });

  it('accounts for every item exactly once (property)', () => {
    const arbItem = fc.record({
      ts: fc.integer({ min: 0, max: 40 }).map((m) => `2021-05-04T10:${String(m).padStart(2, '0')}:00`),
      author: fc.constantFrom<string | null>(null, 'Anna', 'Ben'),
      kind: fc.constantFrom<ItemKind>(...ITEM_KINDS),
      text: fc.constantFrom('ok', 'hi there', ' ', 'x\ny'),
      line: fc.nat(),
    }).map((i): ParsedItem => (i.author === null ? { ...i, kind: 'system' } : i.kind === 'system' ? { ...i, kind: 'message' } : i));
    fc.assert(
      fc.property(fc.array(arbItem, { maxLength: 80 }), (items) => {
        const { turns, dropped } = buildTurns(items);
        const inTurns = turns.flatMap((t) => t.itemIndexes);
        const blank = items.filter((i) => i.kind === 'message' && i.text.trim() === '').length;
        const droppedTotal = Object.values(dropped).reduce((a, b) => a + b, 0);
        expect(inTurns.length + droppedTotal + blank).toBe(items.length);
        expect(new Set(inTurns).size).toBe(inTurns.length);
        for (const t of turns) {
          expect(t.bubbles).toBe(t.itemIndexes.length);
          expect(t.itemIndexes.every((k) => items[k]?.author === t.author && items[k]?.kind === 'message')).toBe(true);
          expect(t.text).toBe(t.itemIndexes.map((k) => items[k]?.text).join('\n'));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('builds turns for 100k items, every bubble in one turn', () => {
    const items = Array.from({ length: 100_000 }, (_, i) =>
      item(new Date(Date.UTC(2021, 0, 1) + i * 40_000).toISOString().slice(0, 19), i % 5 < 3 ? 'Anna' : 'Ben', `message ${i}`),
    );
    const { turns } = buildTurns(items);
    expect(turns.reduce((n, t) => n + t.bubbles, 0)).toBe(items.length);
  });
});

describe('authorStats', () => {
  it('counts person items and messages per author with first and last times, busiest first', () => {
    const items = [
      item('2021-05-04T09:00:00', null, 'encrypted'),
      msg('10:00', 'Ben', 'hi'),
      msg('10:01', 'Anna', 'hey'),
      item('2021-05-04T10:02:00', 'Anna', 'image omitted', 'media'),
      msg('10:03', 'Anna', 'so'),
      // Out of order (a clock change): first/last are the extremes, not the positions.
      msg('09:30', 'Ben', 'earlier'),
      item('2021-05-05T08:00:00', 'Ben', 'Missed voice call', 'call'),
      msg('11:00', 'Cleo', 'me too'),
    ];
    expect(authorStats(items)).toEqual([
      { author: 'Ben', items: 3, messages: 2, firstTs: '2021-05-04T09:30:00', lastTs: '2021-05-05T08:00:00' },
      { author: 'Anna', items: 3, messages: 2, firstTs: '2021-05-04T10:01:00', lastTs: '2021-05-04T10:03:00' },
      { author: 'Cleo', items: 1, messages: 1, firstTs: '2021-05-04T11:00:00', lastTs: '2021-05-04T11:00:00' },
    ]);
    expect(authorStats([item('2021-05-04T09:00:00', null, 'x')])).toEqual([]);
  });
});
