// Personas without history: created with their definition and memories in one transaction; nothing is
// left behind when the write fails; the definition can be replaced later.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { emptyDefinition, type MemoryItem } from '../../src/lib/persona/types';
import { PersonaDb } from '../../src/lib/store/db';
import { createStandalonePersona, saveDefinition } from '../../src/lib/store/standalone';

const memory = (id: string): MemoryItem => ({
  id, type: 'fact', text: 'Grew up by the sea', subject: '', sourceMessageIds: [], firstSeen: '', lastSeen: '',
  confidence: 1, pinned: false, origin: 'user',
});

describe('standalone personas', () => {
  it('writes the persona and its memories, subject defaulting to the persona', async () => {
    const db = new PersonaDb({ indexedDB: new IDBFactory(), IDBKeyRange });
    const definition = { ...emptyDefinition(), background: 'A retired sailor.', greetings: ['ahoy!'] };
    const id = await createStandalonePersona(db, { displayName: ' Captain ', definition, origin: 'description', memories: [memory('m1')] });
    const row = await db.personas.get(id);
    expect(row).toMatchObject({ displayName: 'Captain', personName: 'Captain', origin: 'description', definition, counts: { personMessages: 0 } });
    expect(await db.memories.where('personaId').equals(id).toArray()).toMatchObject([{ id: 'm1', subject: 'Captain' }]);
    await saveDefinition(db, id, { ...definition, greetings: ['hey'] });
    expect((await db.personas.get(id))?.definition?.greetings).toEqual(['hey']);
  });

  it('leaves nothing when a memory cannot be written', async () => {
    const db = new PersonaDb({ indexedDB: new IDBFactory(), IDBKeyRange });
    await expect(
      createStandalonePersona(db, { displayName: 'Dup', definition: emptyDefinition(), origin: 'manual', memories: [memory('same'), memory('same')] }),
    ).rejects.toThrow();
    expect(await db.personas.count()).toBe(0);
    expect(await db.memories.count()).toBe(0);
  });

  it('refuses an empty name', async () => {
    const db = new PersonaDb({ indexedDB: new IDBFactory(), IDBKeyRange });
    await expect(createStandalonePersona(db, { displayName: '  ', definition: emptyDefinition(), origin: 'manual' })).rejects.toThrow(/name/);
  });
});
