// Builder version 2 (chats kept apart): a pinned database left by builder version 1, whose turns and pairs
// were built across two chats, is rebuilt at start from its stored messages. The messages and sources stay
// as they were, what the user wrote stays (edited summary, definition, pinned and added memories), and
// every turn and pair comes from one chat. A persona whose import stopped before its build (messages, no
// profile) is finished the same way; a persona without messages is left alone; a second start does nothing.
import { Dexie } from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILDER_VERSION, derivePersona, finishPersonas } from '../../src/lib/importer/build-persona';
import { chatKeyOf } from '../../src/lib/importer/chats';
import { PersonaDb } from '../../src/lib/store/db';
import { personasToFinish, rebuildDerived } from '../../src/lib/store/persona-data';
import { DB_NAME, type MemoryRow, type MessageRow, type PersonaRow, type SourceRow } from '../../src/lib/store/schema';

interface Fixture {
  version: number;
  builderVersion: number;
  stores: Record<string, string>;
  rows: Record<string, unknown[]>;
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/store/v5-builder1-database.json', import.meta.url), 'utf8')) as Fixture;

/** The fixture, plus p-2 (the same messages, import stopped before its build) and p-3 (no messages). */
async function openOld(): Promise<PersonaDb> {
  const indexedDB = new IDBFactory();
  const old = new Dexie(DB_NAME, { indexedDB, IDBKeyRange });
  old.version(fixture.version).stores(fixture.stores);
  await old.open();
  for (const [table, rows] of Object.entries(fixture.rows)) await old.table(table).bulkAdd(rows);
  const p1 = (fixture.rows['personas'] as PersonaRow[])[0] as PersonaRow;
  const { builderVersion: _v, builtAt: _t, definition: _d, ...unbuilt } = p1;
  await old.table('personas').bulkAdd([
    { ...unbuilt, id: 'p-2', createdAt: p1.createdAt + 1 },
    { ...unbuilt, id: 'p-3', origin: 'description', createdAt: p1.createdAt + 2, counts: { personMessages: 0, allMessages: 0, turns: 0, sources: 0 } },
  ]);
  await old.table('sources').bulkAdd((fixture.rows['sources'] as SourceRow[]).map((s) => ({ ...s, id: `${s.id}-2`, personaId: 'p-2' })));
  await old.table('messages').bulkAdd((fixture.rows['messages'] as MessageRow[]).map((m) => ({ ...m, sourceId: `${m.sourceId}-2`, personaId: 'p-2' })));
  old.close();
  return new PersonaDb({ indexedDB, IDBKeyRange });
}

describe(`rebuilding personas of builder version ${fixture.builderVersion}`, () => {
  it('is pinned to a database built across chats', () => {
    expect(fixture.builderVersion).toBeLessThan(BUILDER_VERSION);
    const pairs = fixture.rows['pairs'] as { reply: string; context: { text: string }[] }[];
    const wrong = pairs.find((p) => p.reply === 'yesss cant wait 🎉');
    expect(wrong?.context.map((l) => l.text)).toContain('are you coming to the funeral?');
  });

  it('rebuilds turns, profile, pairs and memories per chat and keeps what the user wrote', async () => {
    const db = await openOld();
    expect((await personasToFinish(db, BUILDER_VERSION)).map((p) => p.id).sort()).toEqual(['p-1', 'p-2']);
    const heard: string[] = [];
    const outcome = await finishPersonas(db, (id, state) => heard.push(`${id}:${state}`));
    expect(outcome).toEqual({ finished: ['p-1', 'p-2'], failed: [] });
    expect(heard).toEqual(['p-1:finishing', 'p-1:done', 'p-2:finishing', 'p-2:done']);

    // The imported data itself is untouched.
    expect(await db.messages.where('personaId').equals('p-1').toArray()).toEqual(
      [...(fixture.rows['messages'] as MessageRow[])].sort((a, b) => (a.id < b.id ? -1 : 1)),
    );
    expect(await db.sources.where('personaId').equals('p-1').toArray()).toEqual(fixture.rows['sources']);

    for (const personaId of ['p-1', 'p-2']) {
      const persona = await db.personas.get(personaId);
      expect(persona?.builderVersion).toBe(BUILDER_VERSION);
      const sources = await db.sources.where('personaId').equals(personaId).toArray();
      const chatOfSource = new Map(sources.map((s) => [s.id, chatKeyOf(s)]));
      const messages = await db.messages.where('personaId').equals(personaId).toArray();
      const chatOfMessage = new Map(messages.map((m) => [m.id, chatOfSource.get(m.sourceId)]));
      const turns = await db.turns.where('personaId').equals(personaId).toArray();
      expect(persona?.counts.turns).toBe(turns.length);
      for (const turn of turns) for (const id of turn.messageIds) expect(chatOfMessage.get(id)).toBe(turn.chat);
      const pairs = await db.pairs.where('personaId').equals(personaId).toArray();
      for (const pair of pairs) {
        const chats = new Set([...pair.contextMessageIds, ...pair.replyMessageIds].map((id) => chatOfMessage.get(id)));
        expect([...chats]).toEqual([pair.chat]);
      }
      const byReply = new Map(pairs.map((p) => [p.reply, p.context.map((l) => l.text)]));
      expect(byReply.get('of course. I will be there at 10')).toEqual(['are you coming to the funeral?']);
      expect(byReply.get('yesss cant wait 🎉')).toEqual(['Bob is', 'you all coming saturday??']);
      expect((await db.profiles.get(personaId))?.profile.person.replyLatencySeconds.count).toBeGreaterThan(0);
    }

    // What the user wrote on p-1 survives the rebuild.
    const p1 = await db.personas.get('p-1');
    const oldP1 = (fixture.rows['personas'] as PersonaRow[])[0];
    expect(p1?.definition).toEqual(oldP1?.definition);
    expect(p1?.displayName).toBe(oldP1?.displayName);
    const profile = await db.profiles.get('p-1');
    expect(profile?.summaryEdited).toBe(true);
    expect(profile?.profile.summary).toBe('Alice texts in short lowercase bursts (written by hand).');
    const memories = await db.memories.where('personaId').equals('p-1').toArray();
    for (const old of fixture.rows['memories'] as MemoryRow[]) {
      expect(old.pinned || old.origin === 'user').toBe(true);
      expect(memories.find((m) => m.id === old.id)).toEqual(old);
    }
    // p-2 had no build at all: now it has rule memories of its own.
    expect((await db.memories.where('personaId').equals('p-2').toArray()).map((m) => m.text)).toContain('Lives in Berlin');

    // The persona without messages is not touched; a second start has nothing to do.
    expect(await db.personas.get('p-3')).not.toHaveProperty('builderVersion');
    const before = await Promise.all(db.tables.map((t) => t.toArray()));
    expect(await personasToFinish(db, BUILDER_VERSION)).toEqual([]);
    expect(await finishPersonas(db)).toEqual({ finished: [], failed: [] });
    expect(await Promise.all(db.tables.map((t) => t.toArray()))).toEqual(before);
    db.close();
  });

  it('a rebuild that fails half-way leaves the persona exactly as it was (and it is retried next start)', async () => {
    const db = await openOld();
    const before = await Promise.all(db.tables.map((t) => t.toArray()));
    // The new turns are written, then the pairs fail (two with one key): the turns must be rolled back too.
    const failingHalfWay = (input: Parameters<typeof derivePersona>[0]) => {
      const derived = derivePersona(input);
      const first = derived.build.pairs[0];
      if (first !== undefined) derived.build.pairs.push({ ...first });
      return derived;
    };
    await expect(rebuildDerived(db, 'p-1', failingHalfWay)).rejects.toThrow();
    await expect(rebuildDerived(db, 'p-1', () => { throw new Error('builder crashed'); })).rejects.toThrow('builder crashed');
    expect(await Promise.all(db.tables.map((t) => t.toArray()))).toEqual(before);
    expect((await personasToFinish(db, BUILDER_VERSION)).map((p) => p.id)).toContain('p-1');
    db.close();
  });
});
