// A marker for "an import is being written". Set in its own small transaction before the big one and
// cleared inside it, so after a crash or a killed browser the app can tell the person that the last
// import did not land (and that nothing of it was stored).

import type { PersonaDb } from './db';

export const PENDING_IMPORT_KEY = 'pending-import';

export interface PendingImport {
  files: string[];
  startedAt: number;
}

export async function markImportStarted(db: PersonaDb, pending: PendingImport): Promise<void> {
  await db.meta.put({ key: PENDING_IMPORT_KEY, value: JSON.stringify(pending) });
}

export async function clearPendingImport(db: PersonaDb): Promise<void> {
  await db.meta.delete(PENDING_IMPORT_KEY);
}

/** Reads and clears the marker: returns what was being imported when the app last stopped mid-import. */
export async function takeInterruptedImport(db: PersonaDb): Promise<PendingImport | null> {
  return db.transaction('rw', db.meta, async () => {
    const row = await db.meta.get(PENDING_IMPORT_KEY);
    if (row === undefined) return null;
    await db.meta.delete(PENDING_IMPORT_KEY);
    try {
      const parsed = JSON.parse(row.value) as Partial<PendingImport>;
      return { files: Array.isArray(parsed.files) ? parsed.files.map(String) : [], startedAt: Number(parsed.startedAt) || 0 };
    } catch {
      return { files: [], startedAt: 0 };
    }
  });
}
