// Schema v5 (fidelity reports, blind-test rounds): a pinned version 4 database opens with every row
// intact, the new tables work, and deleting a persona removes its reports and rounds with the rest.
import { Dexie } from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PersonaDb, personaIndexedTables } from '../../src/lib/store/db';
import { addBlindRound, listBlindRounds, listFidelityReports, saveFidelityReport } from '../../src/lib/store/fidelity';
import { deletePersona } from '../../src/lib/store/personas';
import { DB_NAME } from '../../src/lib/store/schema';
import type { FidelityReport } from '../../src/lib/persona/fidelity-run';

interface Fixture {
  version: number;
  stores: Record<string, string>;
  rows: Record<string, unknown[]>;
}

/** The store keeps a report as it is: a minimal well-formed one is enough here. */
const report: FidelityReport = {
  version: 1, createdAt: '2025-01-01T10:00:00.000Z', modelId: 'tiny-model', samples: 0, heldOutPairs: 0,
  authorship: { heldOutAccuracy: 0.5, trainPerson: 0, trainOther: 0 }, variants: [],
  realDistributions: { chars: [], bubbles: [] },
  generatedDistributions: {
    persona: { chars: [], bubbles: [] }, personaAdapted: { chars: [], bubbles: [] }, generic: { chars: [], bubbles: [] },
    retrieval: { chars: [], bubbles: [] }, noExamples: { chars: [], bubbles: [] },
  },
  examples: [],
};

const v4 = JSON.parse(readFileSync(new URL('../fixtures/store/v4-database.json', import.meta.url), 'utf8')) as Fixture;

describe('store migration v4 -> v5', () => {
  it('keeps every v4 row, and the fidelity tables are usable and go with the persona', async () => {
    const indexedDB = new IDBFactory();
    const old = new Dexie(DB_NAME, { indexedDB, IDBKeyRange });
    old.version(v4.version).stores(v4.stores);
    await old.open();
    for (const [table, rows] of Object.entries(v4.rows)) await old.table(table).bulkAdd(rows);
    old.close();

    const db = new PersonaDb({ indexedDB, IDBKeyRange });
    await db.open();
    expect(db.verno).toBeGreaterThanOrEqual(5);
    expect(Object.keys(v4.rows)).toContain('knowledgeChunks');
    for (const [table, rows] of Object.entries(v4.rows)) expect(await db.table(table).toArray(), table).toEqual(rows);

    const saved = await saveFidelityReport(db, 'p-1', report, { maxSamples: 3, maxReplyTokens: 16 });
    await addBlindRound(db, 'p-1', { reportId: saved.id, pairId: 'pair-9', k: 2, order: ['persona', 'real', 'personaAdapted'], picked: 1 });
    expect(await listFidelityReports(db, 'p-1')).toHaveLength(1);
    expect((await listBlindRounds(db, 'p-1'))[0]?.correct).toBe(true);

    await deletePersona(db, 'p-1');
    for (const table of personaIndexedTables(db)) expect(await table.where('personaId').equals('p-1').count(), table.name).toBe(0);
    expect(await db.fidelityReports.count()).toBe(0);
    expect(await db.blindRounds.count()).toBe(0);
    expect(await db.personas.count()).toBe(0);
    db.close();
  });
});
