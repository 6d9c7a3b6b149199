// Small app settings (model choice, model source) kept in localStorage: a synchronous read at start
// and no schema. Never personal data. "Wipe everything" clears localStorage with the rest (wipe.ts).
// Invariant: reading or writing never throws (storage may be disabled, full, or absent in a worker).

/** The part of localStorage used here (typed structurally: workers' lib has no Storage type). */
interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

function storage(): KeyValueStorage | null {
  try {
    return (globalThis as { localStorage?: KeyValueStorage }).localStorage ?? null;
  } catch {
    return null;
  }
}

export function readSetting(key: string): string | null {
  try {
    return storage()?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

/** False when the value could not be stored (storage disabled or full). */
export function writeSetting(key: string, value: string): boolean {
  try {
    const s = storage();
    if (s === null) return false;
    s.setItem(key, value);
    return true;
  } catch {
    return false;
  }
}
