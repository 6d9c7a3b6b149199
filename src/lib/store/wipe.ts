// "Wipe everything": deletes every IndexedDB database of this origin (ours and the libraries'), Cache
// Storage, the origin private file system, and local/session storage. Clearing the site's data in the
// browser settings does the same. The person may keep downloaded models (they hold no personal data).

import { Dexie } from 'dexie';
import { isModelDirectory } from '../llm/gguf-files';
import type { PersonaDb } from './db';
import { DB_NAME } from './schema';

/**
 * Caches (and, if web-llm is configured for IndexedDB, databases) that hold downloaded model files and
 * nothing personal: transformers.js' 'transformers-cache' and web-llm's 'webllm/model|config|wasm'.
 * GGUF models are in OPFS folders instead (see isModelDirectory).
 */
export function isModelStorage(name: string): boolean {
  return name === 'transformers-cache' || name.startsWith('webllm/');
}

/** Whether any downloaded model is kept: a model cache, or a GGUF folder in OPFS. */
export async function hasStoredModels(): Promise<boolean> {
  if (typeof caches !== 'undefined' && (await caches.keys()).some(isModelStorage)) return true;
  try {
    const root = await navigator.storage.getDirectory();
    for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys()) if (isModelDirectory(name)) return true;
  } catch {
    // No OPFS here.
  }
  return false;
}

export interface WipeOptions {
  /** Keep downloaded models (see isModelStorage) so they need not be downloaded again. */
  keepModels?: boolean;
}

export async function wipeEverything(db: PersonaDb | undefined, options: WipeOptions = {}): Promise<string[]> {
  const keep = (name: string): boolean => options.keepModels === true && isModelStorage(name);
  db?.close();
  const names = new Set<string>([DB_NAME]);
  try {
    const databases = await indexedDB.databases();
    for (const info of databases) if (info.name !== undefined) names.add(info.name);
  } catch {
    // indexedDB.databases() is missing in some browsers; our own database is still deleted below.
  }
  for (const name of names) if (!keep(name)) await Dexie.delete(name);
  if (typeof caches !== 'undefined') {
    for (const key of await caches.keys()) if (!keep(key)) await caches.delete(key);
  }
  try {
    const root = await navigator.storage.getDirectory();
    // entries() is not in every lib.dom yet; keys() is enough to remove each top-level entry.
    // GGUF models live here: wllama's download cache ('cache') and picked files ('gguf-files').
    const entries: string[] = [];
    for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys()) entries.push(name);
    for (const name of entries) {
      if (options.keepModels === true && isModelDirectory(name)) continue;
      await root.removeEntry(name, { recursive: true });
    }
  } catch {
    // No OPFS in this browser (or nothing in it).
  }
  // Page-only storages: absent in workers (and typed only in the DOM lib), hence the lookup by name.
  const pageStorages = globalThis as unknown as Record<string, { clear(): void } | undefined>;
  pageStorages['localStorage']?.clear();
  pageStorages['sessionStorage']?.clear();
  return [...names].filter((name) => !keep(name));
}
