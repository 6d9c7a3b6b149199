// Voice adapter files (LoRA GGUFs) of personas, kept in the origin private file system (OPFS) under
// `voice-adapters/`. Runs on the page (saving, deleting, backups) and in the llm worker (opening for a
// load). Invariants: a stored name is `<persona id>-<time>.gguf`, so a replacement is written beside the
// old file and the old one is removed only once the persona points at the new one; a failed write
// leaves no file. This folder holds personal data (trained on someone's messages): the wipe removes it.

export const ADAPTER_FILES_DIR = 'voice-adapters';

async function folder(create: boolean): Promise<FileSystemDirectoryHandle | null> {
  const root = await navigator.storage.getDirectory();
  try {
    return await root.getDirectoryHandle(ADAPTER_FILES_DIR, { create });
  } catch {
    return null;
  }
}

/** A new stored name for a persona's adapter (persona ids are uuids or [\w-] already). */
export function storedAdapterName(personaId: string, now = Date.now()): string {
  return `${personaId.replace(/[^\w-]+/g, '_')}-${now}.gguf`;
}

/** Writes the adapter bytes under a new name; returns that name. */
export async function saveAdapterFile(personaId: string, file: Blob, onProgress?: (done: number, total: number) => void): Promise<string> {
  const dir = await folder(true);
  if (dir === null) throw new Error('This browser offers no private file storage for this site, so the adapter cannot be kept.');
  const name = storedAdapterName(personaId);
  const handle = await dir.getFileHandle(name, { create: true });
  let done = 0;
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      done += chunk.byteLength;
      onProgress?.(done, file.size);
      controller.enqueue(chunk);
    },
  });
  try {
    await file.stream().pipeThrough(counter).pipeTo(await handle.createWritable());
  } catch (error) {
    await dir.removeEntry(name).catch(() => undefined);
    throw error;
  }
  return name;
}

export async function openAdapterFile(name: string): Promise<File | null> {
  const dir = await folder(false);
  if (dir === null) return null;
  try {
    return await (await dir.getFileHandle(name)).getFile();
  } catch {
    return null;
  }
}

export async function deleteAdapterFile(name: string): Promise<void> {
  const dir = await folder(false);
  await dir?.removeEntry(name).catch(() => undefined);
}

/** Stored adapter file names (for tests and the storage view). */
export async function listAdapterFiles(): Promise<string[]> {
  const dir = await folder(false);
  if (dir === null) return [];
  const out: string[] = [];
  for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) out.push(name);
  return out.sort();
}
