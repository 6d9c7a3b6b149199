// "Wipe everything": deletes every IndexedDB database of this origin (ours and the libraries'), Cache
// Storage, the origin private file system, and local/session storage. Clearing the site's data in the
// browser settings does the same.

import { Dexie } from 'dexie';
import type { PersonaDb } from './db';
import { DB_NAME } from './schema';

export async function wipeEverything(db: PersonaDb | undefined): Promise<string[]> {
  db?.close();
  const names = new Set<string>([DB_NAME]);
  try {
    const databases = await indexedDB.databases();
    for (const info of databases) if (info.name !== undefined) names.add(info.name);
  } catch {
    // indexedDB.databases() is missing in some browsers; our own database is still deleted below.
  }
  for (const name of names) await Dexie.delete(name);
  if (typeof caches !== 'undefined') {
    for (const key of await caches.keys()) await caches.delete(key);
  }
  try {
    const root = await navigator.storage.getDirectory();
    // entries() is not in every lib.dom yet; keys() is enough to remove each top-level entry.
    for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys()) {
      await root.removeEntry(name, { recursive: true });
    }
  } catch {
    // No OPFS in this browser (or nothing in it).
  }
  // Page-only storages: absent in workers (and typed only in the DOM lib), hence the lookup by name.
  const pageStorages = globalThis as unknown as Record<string, { clear(): void } | undefined>;
  pageStorages['localStorage']?.clear();
  pageStorages['sessionStorage']?.clear();
  return [...names];
}
