// LLM-assisted memory, pure part: chunking is stable (appending history never renumbers earlier chunks),
// overlaps within a conversation and breaks at long silences; the prompt carries the name, dated lines and
// known memories; answers (clean, repaired, gibberish) become proposals with provenance, deduped against
// what is known, and contradictions are resolved by time (newer supersedes, older enters as past).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chunkTurns,
  extractionPrompt,
  firstChunkFor,
  knownMemories,
  MEMORY_ANSWER_JSON_SCHEMA,
  proposalsFromAnswer,
  slotOf,
  type ChunkTurnSource,
  type MemoryChunk,
} from '../../src/lib/persona/memory-llm';
import type { MemoryItem } from '../../src/lib/persona/types';

const day = (d: number, h = 10): string => new Date(Date.UTC(2023, 0, 1 + d, h)).toISOString().slice(0, 19);

function turns(n: number, opts: { every?: number; text?: (i: number) => string } = {}): ChunkTurnSource[] {
  return Array.from({ length: n }, (_, i) => ({
    seq: i,
    author: i % 2 === 0 ? 'Alice' : 'Bob',
    startTs: day(Math.floor(i / (opts.every ?? 10)), 10 + (i % 10)),
    text: opts.text?.(i) ?? `message number ${i} with some words in it`,
    messageIds: [`m${i}a`, `m${i}b`],
  }));
}

const memory = (id: string, text: string, lastSeen: string, extra: Partial<MemoryItem> = {}): MemoryItem => ({
  id,
  type: 'fact',
  text,
  subject: 'Alice',
  sourceMessageIds: [],
  firstSeen: lastSeen,
  lastSeen,
  confidence: 0.8,
  pinned: false,
  origin: 'rule',
  ...extra,
});

describe('chunkTurns', () => {
  it('cuts the history into chunks within the size, numbered from 0, with overlap', () => {
    const chunks = chunkTurns(turns(60), { maxChars: 400, overlapTurns: 2 });
    expect(chunks.length).toBeGreaterThan(3);
    chunks.forEach((c, i) => {
      expect(c.index).toBe(i);
      expect(c.lines.reduce((n, l) => n + l.text.length, 0)).toBeLessThanOrEqual(400);
      expect(c.lines.map((l) => l.n)).toEqual(c.lines.map((_, j) => j + 1));
    });
    for (let i = 1; i < chunks.length; i++) {
      const prev = chunks[i - 1]?.lines ?? [];
      const cur = chunks[i];
      expect(cur?.overlap).toBe(2);
      // The overlap lines are the previous chunk's last turns.
      expect(cur?.lines.slice(0, 2).map((l) => l.seq)).toEqual(prev.slice(-2).map((l) => l.seq));
    }
    // Every turn is in some chunk as a new (non-overlap) line exactly once.
    const fresh = chunks.flatMap((c) => c.lines.slice(c.overlap).map((l) => l.seq));
    expect(fresh).toEqual(Array.from({ length: 60 }, (_, i) => i));
  });

  it('starts a new chunk without overlap after a long silence', () => {
    const t = turns(6, { every: 3 }).map((x, i) => (i >= 3 ? { ...x, startTs: day(100 + i) } : x));
    const chunks = chunkTurns(t, { maxChars: 10_000, maxGapDays: 30 });
    expect(chunks).toHaveLength(2);
    expect(chunks[1]?.overlap).toBe(0);
    expect(chunks[1]?.lines[0]?.seq).toBe(3);
  });

  it('starts a new chunk without overlap at the next imported chat', () => {
    // Chats are stored one after the other; the second one starts before the first ends.
    const t = turns(6).map((x, i) => ({ ...x, chat: i < 3 ? 'one-to-one' : 'group', startTs: day(0, i < 3 ? 12 + i : 9 + i) }));
    const chunks = chunkTurns(t, { maxChars: 10_000, maxGapDays: 30 });
    expect(chunks.map((c) => c.lines.map((l) => l.seq))).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(chunks[1]?.overlap).toBe(0);
  });

  it('clips long turns and skips empty ones', () => {
    const t = turns(3, { text: (i) => (i === 1 ? '' : 'x'.repeat(1000)) });
    const chunks = chunkTurns(t, { maxTurnChars: 50 });
    expect(chunks.flatMap((c) => c.lines.map((l) => l.seq))).toEqual([0, 2]);
    expect(chunks[0]?.lines[0]?.text.length).toBe(50);
  });

  it('is stable: same input same chunks, and appending turns never changes chunks before the last', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 80 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 3 }), (n, extra, overlap) => {
        const all = turns(n + extra, { text: (i) => `turn ${i} ${'w '.repeat(i % 17)}` });
        const before = chunkTurns(all.slice(0, n), { maxChars: 300, overlapTurns: overlap });
        const after = chunkTurns(all, { maxChars: 300, overlapTurns: overlap });
        expect(chunkTurns(all.slice(0, n), { maxChars: 300, overlapTurns: overlap })).toEqual(before);
        // A resumed job reads chunk k of the new list as the same chunk k it planned.
        expect(after.slice(0, before.length - 1)).toEqual(before.slice(0, -1));
      }),
      { numRuns: 60 },
    );
  });

  it('caps a pass to the latest N chunks', () => {
    expect(firstChunkFor(40, null)).toBe(0);
    expect(firstChunkFor(40, 3)).toBe(37);
    expect(firstChunkFor(2, 5)).toBe(0);
    expect(firstChunkFor(10, 0)).toBe(0);
  });
});

function chunk(): MemoryChunk {
  const lines = [
    { n: 1, seq: 10, ts: '2023-03-01T09:00:00', author: 'Bob', text: 'how is the new place?', messageIds: ['b1'] },
    { n: 2, seq: 11, ts: '2023-03-01T09:05:00', author: 'Alice', text: 'I moved to Munich last week, love it', messageIds: ['a1', 'a2'] },
    { n: 3, seq: 12, ts: '2023-03-02T18:00:00', author: 'Alice', text: 'concert with Marco tonight at the Olympiahalle', messageIds: ['a3'] },
  ];
  return { index: 4, lines, firstTs: lines[0]?.ts ?? '', lastTs: lines[2]?.ts ?? '', overlap: 0 };
}

const existing = [memory('r-berlin', 'Lives in Berlin', '2021-06-01T10:00:00'), memory('r-hike', 'Loves hiking', '2022-01-01T10:00:00', { type: 'preference' })];

function ctx(items: MemoryItem[] = existing) {
  return { personName: 'Alice', known: knownMemories(items), existing: items };
}

describe('extraction prompt', () => {
  it('names the persona, lists the known memories by alias and the chunk as dated numbered lines', () => {
    const known = knownMemories(existing);
    const [system, user] = extractionPrompt(chunk(), 'Alice', known);
    expect(system?.role).toBe('system');
    expect(system?.content).toContain('about Alice');
    expect(user?.content).toContain('#1 [preference] Loves hiking (2022-01-01)');
    expect(user?.content).toContain('#2 [fact] Lives in Berlin (2021-06-01)');
    expect(user?.content).toContain('2. 2023-03-01 09:05 Alice: I moved to Munich last week, love it');
    expect(JSON.parse(MEMORY_ANSWER_JSON_SCHEMA)).toMatchObject({ type: 'object', required: ['items'] });
  });

  it('leaves superseded memories out of the known list', () => {
    const items = [...existing, memory('old', 'Lives in Rome', '2019-01-01T00:00:00', { supersededBy: 'r-berlin' })];
    expect(knownMemories(items).map((k) => k.item.id)).not.toContain('old');
  });
});

describe('proposalsFromAnswer', () => {
  it('maps cited lines to message ids and dates; supersedes the older contradicting fact', () => {
    const answer = JSON.stringify({
      items: [
        { type: 'fact', text: 'Lives in Munich', subject: 'Alice', sourceLines: [2], entities: [{ kind: 'place', name: 'Munich' }] },
        { type: 'episode', text: 'Went to a concert with Marco', sourceLines: [3], date: '2023-03-02' },
      ],
    });
    const out = proposalsFromAnswer(chunk(), answer, ctx());
    expect(out.usable).toBe(true);
    expect(out.proposals).toHaveLength(2);
    const [munich, concert] = out.proposals;
    expect(munich?.item).toMatchObject({
      type: 'fact',
      text: 'Lives in Munich',
      subject: 'Alice',
      origin: 'llm',
      sourceMessageIds: ['a1', 'a2'],
      firstSeen: '2023-03-01T09:05:00',
      lastSeen: '2023-03-01T09:05:00',
      entities: [{ kind: 'place', name: 'Munich' }],
    });
    expect(munich?.supersedes).toBe('r-berlin');
    expect(concert?.item.eventDate).toBe('2023-03-02');
    expect(concert?.item.sourceMessageIds).toEqual(['a3']);
    expect(concert?.supersedes).toBeUndefined();
  });

  it('repairs fenced JSON with trailing commas and string line numbers', () => {
    const text = 'Sure! Here:\n```json\n{"items": [{"type": "Preference", "text": "Loves Munich", "sourceLines": ["2"], "supersedes": null,},]}\n```';
    const out = proposalsFromAnswer(chunk(), text, ctx());
    expect(out.usable).toBe(true);
    expect(out.proposals.map((p) => p.item.text)).toEqual(['Loves Munich']);
    expect(out.proposals[0]?.item.type).toBe('preference');
  });

  it('counts gibberish, prose and wrong shapes as unusable answers with zero proposals', () => {
    for (const text of ['', 'asdf qwer zxcv !!', 'ĠtheĠthe<unk> 12 33', '{"memories": 3}', '[1, 2', 'null']) {
      const out = proposalsFromAnswer(chunk(), text, ctx());
      expect(out.proposals, text).toEqual([]);
      expect(out.usable, text).toBe(false);
      expect(out.reason, text).toMatch(/\S/);
    }
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const out = proposalsFromAnswer(chunk(), text, ctx());
        expect(Array.isArray(out.proposals)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('an empty list is a usable answer with nothing found', () => {
    expect(proposalsFromAnswer(chunk(), '{"items": []}', ctx())).toMatchObject({ usable: true, proposals: [] });
  });

  it('drops items without a valid source line or with bad fields, keeping the good ones', () => {
    const answer = JSON.stringify({
      items: [
        { type: 'fact', text: 'Has a cat', sourceLines: [9] },
        { type: 'fact', text: 'Has a dog', sourceLines: [] },
        { type: 'mood', text: 'Happy', sourceLines: [2] },
        { type: 'goal', text: '!!!', sourceLines: [2] },
        { type: 'goal', text: 'Wants to learn German', sourceLines: [2, 99] },
      ],
    });
    const out = proposalsFromAnswer(chunk(), answer, ctx());
    expect(out.proposals.map((p) => p.item.text)).toEqual(['Wants to learn German']);
    expect(out.proposals[0]?.item.sourceMessageIds).toEqual(['a1', 'a2']);
    expect(out.dropped).toBe(4);
  });

  it('dedupes against known memories, earlier proposals and itself', () => {
    const answer = JSON.stringify({
      items: [
        { type: 'preference', text: 'loves hiking!', sourceLines: [2] },
        { type: 'episode', text: 'Concert with Marco at the Olympiahalle', sourceLines: [3] },
        { type: 'episode', text: 'Concert with Marco at the Olympiahalle', sourceLines: [3] },
      ],
    });
    const out = proposalsFromAnswer(chunk(), answer, ctx());
    expect(out.proposals.map((p) => p.item.text)).toEqual(['Concert with Marco at the Olympiahalle']);
    expect(out.duplicates).toBe(2);
    const again = proposalsFromAnswer(chunk(), answer, { ...ctx(), existing: [...existing, ...out.proposals.map((p) => p.item)] });
    expect(again.proposals).toEqual([]);
  });

  it("follows the model's supersedes by alias, and an item older than what it contradicts enters as past", () => {
    const newer = memory('r-hamburg', 'Lives in Hamburg', '2024-01-01T10:00:00');
    const items = [newer];
    const answer = JSON.stringify({ items: [{ type: 'fact', text: 'Lives in Munich', sourceLines: [2], supersedes: '#1' }] });
    const out = proposalsFromAnswer(chunk(), answer, ctx(items));
    expect(out.proposals[0]?.supersedes).toBeUndefined();
    expect(out.proposals[0]?.item.supersededBy).toBe('r-hamburg');

    const job = JSON.stringify({ items: [{ type: 'fact', text: 'Works as a teacher now', sourceLines: [3], supersedes: '#2' }] });
    const withJob = [...existing, memory('r-job', 'Works as a nurse', '2020-01-01T00:00:00')];
    const known = knownMemories(withJob);
    const alias = known.find((k) => k.item.id === 'r-hike')?.alias;
    const byAlias = proposalsFromAnswer(chunk(), job.replace('#2', alias ?? ''), { personName: 'Alice', known, existing: withJob });
    expect(byAlias.proposals[0]?.supersedes).toBe('r-hike');
  });

  it('reads single-valued slots from rule and model texts alike', () => {
    expect(slotOf('Lives in Berlin')).toEqual({ slot: 'residence', value: 'berlin' });
    expect(slotOf('Alice moved to Munich.')).toEqual({ slot: 'residence', value: 'munich' });
    expect(slotOf('Works as a nurse')).toEqual({ slot: 'job', value: 'nurse' });
    expect(slotOf('Works at Siemens')).toEqual({ slot: 'employer', value: 'siemens' });
    expect(slotOf('Favorite band is Muse')).toEqual({ slot: 'favorite:band', value: 'muse' });
    expect(slotOf("Tom is Alice's boyfriend")).toEqual({ slot: 'rel:boyfriend', value: 'tom' });
    expect(slotOf('Loves hiking')).toBeNull();
  });
});
