// Store: imports land whole or not at all, re-imports are idempotent, updates add only new messages,
// quota failures become an explained error, deletes leave nothing behind. fake-indexeddb, one fresh
// factory per test.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { PersonaDb } from '../../src/lib/store/db';
import { commitImport, type SourceWrite } from '../../src/lib/store/import-commit';
import { markImportStarted, takeInterruptedImport } from '../../src/lib/store/pending-import';
import { deletePersona, findPersonasByFingerprint, maskSalt, pageMessages } from '../../src/lib/store/personas';
import type { MessageRow, TurnRow } from '../../src/lib/store/schema';
import { testBuilder } from './commit-builder';

function freshDb(): PersonaDb {
  return new PersonaDb({ indexedDB: new IDBFactory(), IDBKeyRange });
}

function row(id: string, ts: string, author: string | null, text: string): Omit<MessageRow, 'personaId'> {
  return { id, sourceId: 's1', sortKey: `${ts}#${id}`, ts, author, kind: author === null ? 'system' : 'message', text, edited: false };
}

function write(sourceId: string, rows: Omit<MessageRow, 'personaId'>[], fingerprint = 'fp-1'): SourceWrite {
  return {
    source: {
      id: sourceId,
      fileName: `${sourceId}.txt`,
      format: 'whatsapp-android',
      locale: 'en',
      dateOrder: 'DMY',
      chatName: null,
      fingerprint,
      importedAt: 1,
      itemCount: rows.length,
      skipped: {},
    },
    rows: rows.map((r) => ({ ...r, sourceId })),
  };
}

/** One turn per message: enough to check turns are rebuilt from the stored timeline. */
const oneTurnEach = (rows: readonly MessageRow[]): Omit<TurnRow, 'personaId'>[] =>
  rows
    .filter((r) => r.author !== null)
    .map((r, seq) => ({ seq, author: r.author ?? '', startTs: r.ts, endTs: r.ts, text: r.text, bubbles: 1, messageIds: [r.id] }));

const create = { mode: 'create' as const, id: 'p1', displayName: 'Alice', personName: 'Alice', selfName: 'Bob', maskPii: true };

const older = [
  row('a', '2024-01-01T10:00:00', null, 'Messages are end-to-end encrypted'),
  row('b', '2024-01-01T10:01:00', 'Alice', 'hi'),
  row('c', '2024-01-01T10:02:00', 'Bob', 'hey'),
];
const newer = [...older, row('d', '2024-01-02T09:00:00', 'Alice', 'morning'), row('e', '2024-01-02T09:01:00', 'Alice', 'coffee?')];

async function everything(db: PersonaDb) {
  return {
    personas: await db.personas.toArray(),
    sources: await db.sources.toArray(),
    messages: await db.messages.toArray(),
    turns: await db.turns.toArray(),
  };
}

describe('commitImport', () => {
  it('creates a persona with its messages, turns and counts', async () => {
    const db = freshDb();
    const outcome = await commitImport(db, create, [write('s1', older)], testBuilder(oneTurnEach));
    expect(outcome.added).toBe(3);
    const persona = await db.personas.get('p1');
    expect(persona?.counts).toEqual({ personMessages: 1, allMessages: 3, turns: 2, sources: 1 });
    expect(persona?.firstTs).toBe('2024-01-01T10:01:00');
    expect((await pageMessages(db, 'p1', 0, 10)).map((m) => m.id)).toEqual(['a', 'b', 'c']);
  });

  it('re-importing the same export into the persona changes nothing', async () => {
    const db = freshDb();
    await commitImport(db, create, [write('s1', older)], testBuilder(oneTurnEach));
    const before = await everything(db);
    const outcome = await commitImport(db, { mode: 'update', id: 'p1' }, [write('s2', older)], testBuilder(oneTurnEach));
    expect(outcome).toMatchObject({ added: 0, alreadyStored: 3 });
    expect(await everything(db)).toEqual(before);
  });

  it('a newer export of the same chat adds only the new messages and rebuilds turns', async () => {
    const db = freshDb();
    await commitImport(db, create, [write('s1', older)], testBuilder(oneTurnEach));
    const outcome = await commitImport(db, { mode: 'update', id: 'p1' }, [write('s2', newer)], testBuilder(oneTurnEach));
    expect(outcome).toMatchObject({ added: 2, alreadyStored: 3 });
    expect(await db.messages.count()).toBe(5);
    expect(await db.turns.count()).toBe(4);
    const persona = await db.personas.get('p1');
    expect(persona?.counts).toEqual({ personMessages: 3, allMessages: 5, turns: 4, sources: 2 });
    expect((await db.sources.get('s2'))?.addedCount).toBe(2);
  });

  it('a failure half-way leaves the previous state exactly as it was', async () => {
    const db = freshDb();
    await commitImport(db, create, [write('s1', older)], testBuilder(oneTurnEach));
    const before = await everything(db);
    const failing = () => {
      throw new Error('disk on fire');
    };
    await expect(commitImport(db, { mode: 'update', id: 'p1' }, [write('s2', newer)], testBuilder(failing))).rejects.toThrow('disk on fire');
    expect(await everything(db)).toEqual(before);
    await expect(
      commitImport(db, { ...create, id: 'p2' }, [write('s3', newer)], testBuilder(failing)),
    ).rejects.toThrow('disk on fire');
    expect(await everything(db)).toEqual(before);
  });

  it('a quota error aborts everything and is explained with the space needed', async () => {
    const db = freshDb();
    await commitImport(db, create, [write('s1', older)], testBuilder(oneTurnEach));
    const before = await everything(db);
    const full = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    const error = await commitImport(db, { ...create, id: 'p2' }, [write('s3', newer)], testBuilder(full)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'storage-full' });
    expect((error as Error).message).toMatch(/nothing was imported/);
    expect((error as Error).message).toMatch(/needs about [\d.]+ MB/);
    expect(await everything(db)).toEqual(before);
  });

  it('clears the pending-import marker together with the data', async () => {
    const db = freshDb();
    await markImportStarted(db, { files: ['chat.txt'], startedAt: 5 });
    await commitImport(db, create, [write('s1', older)], testBuilder(oneTurnEach));
    expect(await takeInterruptedImport(db)).toBeNull();

    await markImportStarted(db, { files: ['big.txt'], startedAt: 6 });
    expect(await takeInterruptedImport(db)).toEqual({ files: ['big.txt'], startedAt: 6 });
    expect(await takeInterruptedImport(db)).toBeNull();
  });
});

describe('personas', () => {
  it('finds the persona that already holds a chat by its fingerprint', async () => {
    const db = freshDb();
    await commitImport(db, create, [write('s1', older, 'chat-A')], testBuilder(oneTurnEach));
    const found = await findPersonasByFingerprint(db, ['chat-A', 'chat-B']);
    expect(found.map((f) => [f.fingerprint, f.persona.id])).toEqual([['chat-A', 'p1']]);
  });

  it('deleting a persona removes every row it owns and nothing else', async () => {
    const db = freshDb();
    await commitImport(db, create, [write('s1', older)], testBuilder(oneTurnEach));
    await commitImport(db, { ...create, id: 'p2', personName: 'Bob' }, [write('s2', newer, 'fp-2')], testBuilder(oneTurnEach));
    await deletePersona(db, 'p1');
    const left = await everything(db);
    expect(left.personas.map((p) => p.id)).toEqual(['p2']);
    expect(new Set(left.messages.map((m) => m.personaId))).toEqual(new Set(['p2']));
    expect(new Set(left.turns.map((t) => t.personaId))).toEqual(new Set(['p2']));
    expect(left.sources.map((s) => s.personaId)).toEqual(['p2']);
  });

  it('keeps one masking salt per device', async () => {
    const db = freshDb();
    const salt = await maskSalt(db);
    expect(salt).toMatch(/^[0-9a-f]{32}$/);
    expect(await maskSalt(db)).toBe(salt);
  });
});
