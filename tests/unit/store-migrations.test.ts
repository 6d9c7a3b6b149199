// Schema migrations: a database written by an older version (pinned fixture) opens with the current
// schema with every row intact and the new tables usable.
import { Dexie } from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PersonaDb } from '../../src/lib/store/db';
import { DB_NAME } from '../../src/lib/store/schema';
import { deletePersona } from '../../src/lib/store/personas';

interface Fixture {
  version: number;
  stores: Record<string, string>;
  rows: Record<string, unknown[]>;
}

const v1 = JSON.parse(readFileSync(new URL('../fixtures/store/v1-database.json', import.meta.url), 'utf8')) as Fixture;

async function writeOldDatabase(fixture: Fixture, indexedDB: IDBFactory): Promise<void> {
  const old = new Dexie(DB_NAME, { indexedDB, IDBKeyRange });
  old.version(fixture.version).stores(fixture.stores);
  await old.open();
  for (const [table, rows] of Object.entries(fixture.rows)) await old.table(table).bulkAdd(rows);
  old.close();
}

describe('store migrations', () => {
  it('opens a version 1 database with all rows intact', async () => {
    const indexedDB = new IDBFactory();
    await writeOldDatabase(v1, indexedDB);
    const db = new PersonaDb({ indexedDB, IDBKeyRange });
    await db.open();
    expect(db.verno).toBeGreaterThanOrEqual(2);
    for (const [table, rows] of Object.entries(v1.rows)) {
      expect(await db.table(table).toArray(), table).toEqual(rows);
    }
    expect(await db.profiles.count()).toBe(0);
    await db.memories.add({
      personaId: 'p-1',
      id: 'mem-1',
      type: 'fact',
      text: 'Lives in Lisbon',
      subject: 'Alice',
      sourceMessageIds: ['m-1'],
      firstSeen: '2023-11-14T22:13:20',
      lastSeen: '2023-11-14T22:13:20',
      confidence: 0.8,
      pinned: false,
      origin: 'rule',
      createdAt: 1,
      updatedAt: 1,
    });
    await deletePersona(db, 'p-1');
    expect(await db.messages.count()).toBe(0);
    expect(await db.memories.count()).toBe(0);
    db.close();
  });
});
