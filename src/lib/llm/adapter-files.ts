// Voice adapter files (LoRA GGUFs) of personas, kept in the origin private file system (OPFS) under
// `voice-adapters/`. Runs on the page (saving, deleting, backups) and in the llm worker (opening for a
// load). Invariants: a stored name is `<persona id>-<time>.gguf`, so a replacement is written beside the
// old file and the old one is removed only once the persona points at the new one; a failed write
// leaves no file. This folder holds personal data (trained on someone's messages): the wipe removes it.

import { opfsFolder } from '../util/opfs-folder';

export const ADAPTER_FILES_DIR = 'voice-adapters';

const adapters = opfsFolder(ADAPTER_FILES_DIR, 'This browser offers no private file storage for this site, so the adapter cannot be kept.');

/** A new stored name for a persona's adapter (persona ids are uuids or [\w-] already). */
export function storedAdapterName(personaId: string, now = Date.now()): string {
  return `${personaId.replace(/[^\w-]+/g, '_')}-${now}.gguf`;
}

/** Writes the adapter bytes under a new name; returns that name. */
export async function saveAdapterFile(personaId: string, file: Blob, onProgress?: (done: number, total: number) => void): Promise<string> {
  const name = storedAdapterName(personaId);
  await adapters.write(name, file, onProgress);
  return name;
}

export function openAdapterFile(name: string): Promise<File | null> {
  return adapters.open(name);
}

export function deleteAdapterFile(name: string): Promise<void> {
  return adapters.remove(name);
}

/** Stored adapter file names (for tests and the storage view). */
export function listAdapterFiles(): Promise<string[]> {
  return adapters.names();
}
