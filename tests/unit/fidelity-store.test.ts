// The fidelity store: reports are saved whole, newest first, pruned to the newest few in the same
// transaction; blind-test rounds derive `correct` themselves, reset per persona, and every row of a
// persona goes when the persona is deleted. fake-indexeddb, one fresh factory per test.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { PersonaDb } from '../../src/lib/store/db';
import {
  REPORTS_KEPT,
  addBlindRound,
  deleteFidelityReport,
  listBlindRounds,
  listFidelityReports,
  resetBlindRounds,
  saveFidelityReport,
} from '../../src/lib/store/fidelity';
import { deletePersona } from '../../src/lib/store/personas';
import type { PersonaRow } from '../../src/lib/store/schema';
import type { FidelityReport, VariantId } from '../../src/lib/persona/fidelity-run';
import { personaRow } from '../fixtures/store/persona-row';

const VARIANTS: VariantId[] = ['persona', 'personaAdapted', 'generic', 'retrieval', 'noExamples'];

/** A small, complete report (numbers arbitrary but well-formed). */
function sampleReport(createdAt = '2025-01-01T10:00:00.000Z'): FidelityReport {
  const dist = { chars: [12, 30, 8], bubbles: [1, 2, 1] };
  return {
    version: 1,
    createdAt,
    modelId: 'tiny-model',
    samples: 1,
    heldOutPairs: 4,
    authorship: { heldOutAccuracy: 0.7, trainPerson: 40, trainOther: 38 },
    variants: VARIANTS.map((id) => ({
      id,
      label: id,
      style: { score: 40, parts: [{ name: 'length', label: 'Reply length', score: 40, persona: 20, real: 12 }] },
      content: { mean: 0.2, each: [0.2] },
      authorship: { share: 0.5 },
    })),
    realDistributions: dist,
    generatedDistributions: Object.fromEntries(VARIANTS.map((id) => [id, dist])) as FidelityReport['generatedDistributions'],
    examples: [
      {
        pairId: 'pair-9',
        context: [{ author: 'Bob', text: 'coming?', ts: '2024-01-01T10:00:00' }],
        real: 'yes\nat 8',
        generated: Object.fromEntries(VARIANTS.map((id) => [id, `${id} reply`])) as Record<VariantId, string>,
      },
    ],
  };
}

function freshDb(): PersonaDb {
  return new PersonaDb({ indexedDB: new IDBFactory(), IDBKeyRange });
}

const persona = (id: string): PersonaRow => personaRow(id);

const settings = { maxSamples: 3, maxReplyTokens: 16 };

describe('fidelity reports', () => {
  it('saves whole reports, lists newest first and keeps only the newest few', async () => {
    const db = freshDb();
    await db.personas.bulkAdd([persona('a'), persona('b')]);
    await saveFidelityReport(db, 'b', sampleReport(), settings, { now: 5 });
    const ids: string[] = [];
    for (let i = 0; i < REPORTS_KEPT + 2; i++) ids.push((await saveFidelityReport(db, 'a', sampleReport(`t${i}`), settings, { now: 100 + i })).id);
    const rows = await listFidelityReports(db, 'a');
    expect(rows.map((r) => r.id)).toEqual(ids.slice(-REPORTS_KEPT).reverse());
    expect(rows[0]?.report).toEqual(sampleReport(`t${REPORTS_KEPT + 1}`));
    expect(rows[0]?.settings).toEqual(settings);
    // Another persona's reports are untouched by the pruning.
    expect(await listFidelityReports(db, 'b')).toHaveLength(1);

    await deleteFidelityReport(db, 'a', ids.at(-1) ?? '');
    expect(await listFidelityReports(db, 'a')).toHaveLength(REPORTS_KEPT - 1);
  });

  it('keeps a custom count and refuses a report for a missing persona, writing nothing', async () => {
    const db = freshDb();
    await db.personas.add(persona('a'));
    for (let i = 0; i < 3; i++) await saveFidelityReport(db, 'a', sampleReport(), settings, { keep: 2, now: i });
    expect(await listFidelityReports(db, 'a')).toHaveLength(2);
    await expect(saveFidelityReport(db, 'ghost', sampleReport(), settings)).rejects.toThrow('no longer exists');
    expect(await db.fidelityReports.where('personaId').equals('ghost').count()).toBe(0);
  });
});

describe('blind-test rounds', () => {
  it('derives correctness from the pick, lists in play order, resets per persona', async () => {
    const db = freshDb();
    await db.personas.bulkAdd([persona('a'), persona('b')]);
    const order = ['persona', 'real', 'personaAdapted'];
    await addBlindRound(db, 'a', { reportId: 'r', pairId: 'p1', k: 2, order, picked: 0 }, 10);
    await addBlindRound(db, 'a', { reportId: 'r', pairId: 'p2', k: 2, order, picked: 1 }, 20);
    await addBlindRound(db, 'b', { reportId: 'r', pairId: 'p1', k: 2, order, picked: 1 }, 30);
    expect((await listBlindRounds(db, 'a')).map((r) => [r.pairId, r.correct])).toEqual([
      ['p1', false],
      ['p2', true],
    ]);
    await expect(addBlindRound(db, 'a', { reportId: 'r', pairId: 'p3', k: 2, order, picked: 3 })).rejects.toThrow('not one of the 3');
    await resetBlindRounds(db, 'a');
    expect(await listBlindRounds(db, 'a')).toHaveLength(0);
    expect(await listBlindRounds(db, 'b')).toHaveLength(1);
  });

  it('deleting a persona removes its reports and rounds only', async () => {
    const db = freshDb();
    await db.personas.bulkAdd([persona('a'), persona('b')]);
    await saveFidelityReport(db, 'a', sampleReport(), settings);
    await saveFidelityReport(db, 'b', sampleReport(), settings);
    await addBlindRound(db, 'a', { reportId: 'r', pairId: 'p1', k: 1, order: ['real', 'persona'], picked: 0 });
    await deletePersona(db, 'a');
    expect(await db.fidelityReports.where('personaId').equals('a').count()).toBe(0);
    expect(await db.blindRounds.where('personaId').equals('a').count()).toBe(0);
    expect(await listFidelityReports(db, 'b')).toHaveLength(1);
  });
});
