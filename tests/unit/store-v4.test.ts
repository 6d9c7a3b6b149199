// Schema v4 (persona studio tables): a pinned version 3 database opens with every row intact, the new
// tables work, and deleting a persona removes its proposals, memory job, knowledge documents and chunks.
import { Dexie } from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PersonaDb, personaIndexedTables } from '../../src/lib/store/db';
import { deletePersona } from '../../src/lib/store/personas';
import { DB_NAME } from '../../src/lib/store/schema';

interface Fixture {
  version: number;
  stores: Record<string, string>;
  rows: Record<string, unknown[]>;
}

const v3 = JSON.parse(readFileSync(new URL('../fixtures/store/v3-database.json', import.meta.url), 'utf8')) as Fixture;

describe('store migration v3 -> v4', () => {
  it('keeps every v3 row, and the studio tables are usable and go with the persona', async () => {
    const indexedDB = new IDBFactory();
    const old = new Dexie(DB_NAME, { indexedDB, IDBKeyRange });
    old.version(v3.version).stores(v3.stores);
    await old.open();
    for (const [table, rows] of Object.entries(v3.rows)) await old.table(table).bulkAdd(rows);
    old.close();

    const db = new PersonaDb({ indexedDB, IDBKeyRange });
    await db.open();
    expect(db.verno).toBeGreaterThanOrEqual(4);
    for (const [table, rows] of Object.entries(v3.rows)) expect(await db.table(table).toArray(), table).toEqual(rows);

    const now = 1_760_000_000_000;
    const item = {
      id: 'm-llm-1', type: 'fact' as const, text: 'Works as a nurse', subject: 'Alice', sourceMessageIds: [],
      firstSeen: '2020-01-01T10:00:00', lastSeen: '2020-01-01T10:00:00', confidence: 0.7, pinned: false, origin: 'llm' as const,
    };
    await db.memoryProposals.add({ personaId: 'p-1', id: 'pr-1', item, status: 'pending', chunk: 0, createdAt: now, decidedAt: null });
    await db.memoryJobs.put({ personaId: 'p-1', state: 'paused', modelId: 'm', nextChunk: 1, totalChunks: 3, proposals: 1, startedAt: now, updatedAt: now, error: null });
    await db.knowledgeDocs.add({ personaId: 'p-1', id: 'd-1', fileName: 'notes.md', title: 'Notes', text: 'hello world', addedAt: now, chunkCount: 1 });
    await db.knowledgeChunks.add({ personaId: 'p-1', id: 'd-1:0', docId: 'd-1', seq: 0, text: 'hello world', start: 0, end: 11 });
    expect(await db.memoryProposals.where('[personaId+status]').equals(['p-1', 'pending']).count()).toBe(1);
    expect(await db.knowledgeChunks.where('[personaId+docId]').equals(['p-1', 'd-1']).count()).toBe(1);

    await deletePersona(db, 'p-1');
    for (const table of personaIndexedTables(db)) expect(await table.where('personaId').equals('p-1').count(), table.name).toBe(0);
    expect(await db.memoryJobs.count()).toBe(0);
    expect(await db.personas.count()).toBe(0);
    db.close();
  });
});
