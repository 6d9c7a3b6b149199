// Fidelity reports of a persona and the rounds of its blind friend test (schema v5). Invariants: a report
// is saved whole or not at all, and saving one prunes the persona's older reports to the newest
// `keep` in the same transaction; rounds belong to the persona (deleted and exported with it).

import { Dexie, liveQuery, type Observable } from 'dexie';
import type { FidelityReport } from '../persona/fidelity-run';
import type { PersonaDb } from './db';
import type { BlindRoundRow, FidelityReportRow } from './schema';

/** Reports kept per persona: enough to compare a few runs, small enough to not hoard samples. */
export const REPORTS_KEPT = 5;

const newestFirst = (a: { createdAt: number; id: string }, b: { createdAt: number; id: string }): number =>
  b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1);

export async function listFidelityReports(db: PersonaDb, personaId: string): Promise<FidelityReportRow[]> {
  const rows = await db.fidelityReports.where('personaId').equals(personaId).toArray();
  return rows.sort(newestFirst);
}

export function watchFidelityReports(db: PersonaDb, personaId: string): Observable<FidelityReportRow[]> {
  return liveQuery(() => listFidelityReports(db, personaId));
}

/** Saves a finished report and drops all but the newest `keep`; fails if the persona no longer exists. */
export async function saveFidelityReport(
  db: PersonaDb,
  personaId: string,
  report: FidelityReport,
  settings: FidelityReportRow['settings'],
  options: { keep?: number; now?: number } = {},
): Promise<FidelityReportRow> {
  const keep = Math.max(1, options.keep ?? REPORTS_KEPT);
  const row: FidelityReportRow = { personaId, id: crypto.randomUUID(), createdAt: options.now ?? Date.now(), settings, report };
  await db.transaction('rw', [db.personas, db.fidelityReports], async () => {
    // A report without its persona would never be shown nor deleted.
    if ((await db.personas.get(personaId)) === undefined) throw new Error('The persona of this report no longer exists.');
    await db.fidelityReports.add(row);
    const stale = (await listFidelityReports(db, personaId)).slice(keep);
    await db.fidelityReports.bulkDelete(stale.map((r): [string, string] => [personaId, r.id]));
  });
  return row;
}

export async function deleteFidelityReport(db: PersonaDb, personaId: string, id: string): Promise<void> {
  await db.fidelityReports.delete([personaId, id]);
}

export async function listBlindRounds(db: PersonaDb, personaId: string): Promise<BlindRoundRow[]> {
  const rows = await db.blindRounds.where('personaId').equals(personaId).toArray();
  return rows.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
}

export function watchBlindRounds(db: PersonaDb, personaId: string): Observable<BlindRoundRow[]> {
  return liveQuery(() => listBlindRounds(db, personaId));
}

export type NewBlindRound = Omit<BlindRoundRow, 'personaId' | 'id' | 'createdAt' | 'correct'>;

/** Stores an answered round; `correct` is derived from the order and the pick, never trusted from the caller. */
export async function addBlindRound(db: PersonaDb, personaId: string, round: NewBlindRound, now = Date.now()): Promise<BlindRoundRow> {
  if (round.picked < 0 || round.picked >= round.order.length) throw new Error(`The pick ${round.picked} is not one of the ${round.order.length} replies shown.`);
  const row: BlindRoundRow = { ...round, personaId, id: crypto.randomUUID(), createdAt: now, correct: round.order[round.picked] === 'real' };
  await db.blindRounds.add(row);
  return row;
}

/** Starts the friend test over: every round of the persona goes. */
export async function resetBlindRounds(db: PersonaDb, personaId: string): Promise<void> {
  await db.blindRounds.where('personaId').equals(personaId).delete();
}

/** The stored rows an evaluation is computed from (lib/persona/fidelity-sources.ts), read in one transaction. */
export async function readFidelityRows(db: PersonaDb, personaId: string) {
  return db.transaction('r', [db.personas, db.profiles, db.pairs, db.memories, db.messages, db.turns], async () => {
    const persona = await db.personas.get(personaId);
    if (persona === undefined) return undefined;
    const [profile, pairs, memories, messages, turns] = await Promise.all([
      db.profiles.get(personaId),
      db.pairs.where('personaId').equals(personaId).toArray(),
      db.memories.where('personaId').equals(personaId).filter((m) => m.supersededBy === undefined).toArray(),
      db.messages.where('[personaId+sortKey]').between([personaId, Dexie.minKey], [personaId, Dexie.maxKey]).toArray(),
      db.turns.where('personaId').equals(personaId).toArray(),
    ]);
    return { persona, profile: profile ?? null, pairs, memories, messages, turns };
  });
}
