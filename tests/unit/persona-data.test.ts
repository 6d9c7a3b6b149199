// Persona build data in the store: a rebuild replaces derived rows but keeps what the user made
// (edited summary, added/edited/pinned memories), forgotten memories stay forgotten, snapshots restore.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import type { MemoryItem, ReplyPair, StyleProfile } from '../../src/lib/persona/types';
import { PersonaDb } from '../../src/lib/store/db';
import { commitImport } from '../../src/lib/store/import-commit';
import { testBuilder } from './commit-builder';
import {
  addMemory,
  forgetMemory,
  restoreSnapshot,
  saveBuild,
  saveSnapshot,
  updateMemory,
  updateSummary,
} from '../../src/lib/store/persona-data';

const profile = (summary: string) => ({ version: 1, personName: 'Alice', summary }) as unknown as StyleProfile;

function memory(id: string, text: string): MemoryItem {
  return {
    id,
    type: 'fact',
    text,
    subject: 'Alice',
    sourceMessageIds: ['m1'],
    firstSeen: '2024-01-01T10:00:00',
    lastSeen: '2024-01-01T10:00:00',
    confidence: 0.7,
    pinned: false,
    origin: 'rule',
  };
}

const pair: ReplyPair = {
  id: 'pair-1',
  context: [{ author: 'Bob', text: 'where do you live?', ts: '2024-01-01T09:59:00' }],
  reply: 'in Lisbon',
  replyBubbles: 1,
  contextTs: '2024-01-01T09:59:00',
  replyTs: '2024-01-01T10:00:00',
  contextMessageIds: ['m0'],
  replyMessageIds: ['m1'],
  heldOut: false,
};

async function setup() {
  const db = new PersonaDb({ indexedDB: new IDBFactory(), IDBKeyRange });
  await commitImport(
    db,
    { mode: 'create', id: 'p1', displayName: 'Alice', personName: 'Alice', selfName: null, maskPii: false },
    [
      {
        source: {
          id: 's1',
          fileName: 'chat.txt',
          format: 'whatsapp-android',
          locale: 'en',
          dateOrder: 'DMY',
          chatName: null,
          fingerprint: null,
          importedAt: 1,
          itemCount: 1,
          skipped: {},
        },
        rows: [{ id: 'm1', sourceId: 's1', sortKey: 'a', ts: '2024-01-01T10:00:00', author: 'Alice', kind: 'message', text: 'I live in Lisbon', edited: false }],
      },
    ],
    testBuilder(() => []),
  );
  return db;
}

describe('persona build data', () => {
  it('a rebuild keeps the edited summary and user memories, and forgotten memories stay forgotten', async () => {
    const db = await setup();
    await saveBuild(db, 'p1', {
      profile: profile('auto 1'),
      pairs: [pair],
      memories: [memory('r1', 'Lives in Lisbon'), memory('r2', 'Loves fado'), memory('r3', 'Works at a bakery')],
      builderVersion: 1,
    });
    await updateSummary(db, 'p1', 'my own words');
    await updateMemory(db, 'p1', 'r2', { text: 'Loves fado music' });
    await forgetMemory(db, 'p1', 'r3');
    const userId = await addMemory(db, 'p1', { ...memory('x', 'Has a cat'), pinned: false });

    await saveBuild(db, 'p1', {
      profile: profile('auto 2'),
      pairs: [],
      memories: [memory('r1', 'Lives in Lisbon'), memory('r2', 'Loves fado'), memory('r3', 'Works at a bakery'), memory('r4', 'Plays chess')],
      builderVersion: 2,
    });
    expect((await db.profiles.get('p1'))?.profile.summary).toBe('my own words');
    const texts = (await db.memories.toArray()).map((m) => m.text).sort();
    expect(texts).toEqual(['Has a cat', 'Lives in Lisbon', 'Loves fado music', 'Plays chess']);
    expect((await db.memories.get(['p1', userId]))?.origin).toBe('user');
    expect(await db.pairs.count()).toBe(0);
    expect((await db.personas.get('p1'))?.builderVersion).toBe(2);
  });

  it('forgetting a memory removes its vectors and un-supersedes what it replaced', async () => {
    const db = await setup();
    await saveBuild(db, 'p1', {
      profile: profile('s'),
      pairs: [],
      memories: [{ ...memory('old', 'Lives in Porto'), supersededBy: 'new' }, memory('new', 'Lives in Lisbon')],
      builderVersion: 1,
    });
    await db.vectors.add({ personaId: 'p1', modelId: 'm', kind: 'memory', refId: 'new', vector: new Float32Array([1, 0]) });
    await db.vectors.add({ personaId: 'p1', modelId: 'm', kind: 'pair', refId: 'pair-1', vector: new Float32Array([0, 1]) });
    await forgetMemory(db, 'p1', 'new');
    expect((await db.memories.get(['p1', 'old']))?.supersededBy).toBeUndefined();
    expect((await db.vectors.toArray()).map((v) => v.refId)).toEqual(['pair-1']);
  });

  it('a snapshot restores summary and memories as they were', async () => {
    const db = await setup();
    await saveBuild(db, 'p1', { profile: profile('first'), pairs: [], memories: [memory('r1', 'Lives in Lisbon')], builderVersion: 1 });
    const snapshotId = await saveSnapshot(db, 'p1', 'before edits');
    await updateSummary(db, 'p1', 'changed');
    await forgetMemory(db, 'p1', 'r1');
    await restoreSnapshot(db, snapshotId);
    expect((await db.profiles.get('p1'))?.profile.summary).toBe('first');
    expect((await db.memories.toArray()).map((m) => m.id)).toEqual(['r1']);
  });
});
