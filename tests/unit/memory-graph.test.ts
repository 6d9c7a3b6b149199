// Memory as a graph: entities of a memory (model-named, subject, participants, places after a preposition,
// a topic), links to the same entity and to the episode an item came from, one entity's view, and
// retrieval following a link from a retrieved memory to a related one (marked "linked from").
import { describe, expect, it } from 'vitest';
import { buildMemoryGraph, entitiesOf, entityView, inferPersonName, neighbours, type GraphMemory } from '../../src/lib/persona/memory-graph';
import { buildPersonaCorpus, retrieve, type MemorySource } from '../../src/lib/search/retrieve';
import { hashVector } from './embed-fake';

const m = (id: string, text: string, extra: Partial<GraphMemory> = {}): GraphMemory => ({ id, type: 'fact', text, subject: 'Alice', ...extra });

const ctx = { personName: 'Alice', participants: ['Alice', 'Bob Stone'] };

const memories: GraphMemory[] = [
  m('live', 'Lives in Munich', { firstSeen: '2023-03-01T09:05:00', sourceMessageIds: ['a1'] }),
  m('marco', "Marco is Alice's boyfriend", { type: 'relationship', subject: 'Marco', firstSeen: '2022-01-01T10:00:00' }),
  m('concert', 'Went to a concert with Marco in Munich', { type: 'episode', eventDate: '2023-03-02', firstSeen: '2023-03-02T18:00:00', sourceMessageIds: ['a3'] }),
  m('ticket', 'Bought concert tickets', { firstSeen: '2023-03-02T08:00:00', sourceMessageIds: ['a2'] }),
  m('sushi', 'Loves sushi', { type: 'preference', firstSeen: '2021-05-05T10:00:00', entities: [{ kind: 'topic', name: 'Food' }] }),
  m('rome', 'Lives in Rome', { firstSeen: '2019-01-01T00:00:00', supersededBy: 'live' }),
  m('bob', 'Plays tennis with Bob every Sunday', { firstSeen: '2021-06-06T10:00:00' }),
];

describe('entitiesOf', () => {
  it('finds places after a preposition, people by subject, participants and capitals, and one topic', () => {
    const keys = (id: string) => entitiesOf(memories.find((x) => x.id === id) ?? m('x', ''), ctx).map((e) => e.key);
    expect(keys('live')).toEqual(['place:munich']);
    expect(keys('marco')).toContain('person:marco');
    expect(keys('concert')).toEqual(expect.arrayContaining(['person:marco', 'place:munich', 'topic:concert']));
    expect(keys('sushi')).toEqual(['topic:food']);
    expect(keys('bob')).toEqual(expect.arrayContaining(['person:bob stone', 'topic:tennis']));
    // The persona is never an entity.
    for (const x of memories) expect(entitiesOf(x, ctx).map((e) => e.key)).not.toContain('person:alice');
  });

  it('reads places in other languages and infers the persona from the subjects', () => {
    expect(entitiesOf(m('de', 'Wohnt jetzt in Köln'), ctx).map((e) => e.key)).toContain('place:koln');
    expect(entitiesOf(m('it', 'Va spesso a Roma'), ctx).map((e) => e.key)).toContain('place:roma');
    expect(inferPersonName(memories)).toBe('Alice');
    expect(inferPersonName([m('1', 'x', { subject: 'A' }), m('2', 'y', { subject: 'B' }), m('3', 'z', { subject: 'C' })])).toBeUndefined();
  });
});

describe('graph', () => {
  const graph = buildMemoryGraph(memories, ctx);

  it('links memories sharing an entity and to the episode of the same day or source', () => {
    const ids = (id: string) => neighbours(graph, id).map((n) => n.id);
    expect(ids('live')).toContain('concert'); // Munich
    expect(ids('ticket')).toContain('concert'); // same day episode
    expect(neighbours(graph, 'ticket').find((n) => n.id === 'concert')?.via).toEqual({ kind: 'episode', id: 'concert' });
    expect(ids('concert')).toEqual(expect.arrayContaining(['ticket', 'marco', 'live']));
    // A superseded item is never followed to, and unrelated items are not neighbours.
    expect(ids('live')).not.toContain('rome');
    expect(ids('sushi')).toEqual([]);
  });

  it('shows one entity with every memory and episode linked to it, past ones included', () => {
    const view = entityView(graph, 'place:munich');
    expect(view?.entity.name).toBe('Munich');
    expect(view?.memories.map((x) => x.id)).toEqual(['live']);
    expect(view?.episodes.map((x) => x.id)).toEqual(['concert']);
    const marco = entityView(graph, 'person:marco');
    expect(marco?.memories.map((x) => x.id)).toEqual(['marco']);
    expect(marco?.episodes.map((x) => x.id)).toEqual(['concert']);
    expect(entityView(graph, 'place:nowhere')).toBeNull();
  });
});

describe('retrieval follows links', () => {
  const DIMS = 64;
  const rows: MemorySource[] = memories.map((x) => ({ ...x, pinned: false, confidence: 0.8 }));
  const corpus = buildPersonaCorpus(
    'fake@q8',
    { pairs: [], turns: [], memories: rows },
    rows.map((r) => ({ kind: 'memory' as const, refId: r.id, vector: hashVector(r.text, DIMS) })),
  );
  const deps = { corpus: () => Promise.resolve(corpus), embedQuery: (_: string, text: string) => Promise.resolve(hashVector(text, DIMS)) };

  it('adds related memories after the retrieved ones, with a lower score and where they were linked from', async () => {
    const result = await retrieve(deps, 'p', 'sushi', { kMemories: 1, kLinked: 2 });
    expect(result?.memories.map((x) => x.id)).toEqual(['sushi']); // nothing linked to sushi

    const found = await retrieve(deps, 'p', 'tickets bought', { kMemories: 1, kLinked: 2 });
    const [top, ...linked] = found?.memories ?? [];
    expect(top?.id).toBe('ticket');
    expect(top?.linkedFrom).toBeUndefined();
    expect(linked.map((x) => x.id)).toEqual(['concert']);
    expect(linked[0]?.linkedFrom).toEqual({ id: 'ticket', text: 'Bought concert tickets', via: 'the same episode' });
    expect(linked[0]?.score).toBeCloseTo((top?.score ?? 0) / 2);
  });

  it('never adds a superseded memory, and kLinked 0 turns it off', async () => {
    const found = await retrieve(deps, 'p', 'Munich', { kMemories: 2, kLinked: 5 });
    const ids = found?.memories.map((x) => x.id) ?? [];
    expect(ids).not.toContain('rome');
    expect(new Set(ids).size).toBe(ids.length);
    const off = await retrieve(deps, 'p', 'Munich', { kMemories: 2, kLinked: 0 });
    expect(off?.memories.every((x) => x.linkedFrom === undefined)).toBe(true);
    expect(off?.memories.length).toBeLessThanOrEqual(2);
  });
});
