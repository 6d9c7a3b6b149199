// GGUF files the person picked from disk, kept in the origin private file system (OPFS) under
// `gguf-files/`, so a model chosen once loads again after a reload without asking for the file. Runs on
// the page (saving) and in the llm worker (opening, listing, deleting). Invariants: stored names are
// plain file names (no path); a half-written file never stays listed (it is removed when a write fails).

import { opfsFolder } from '../util/opfs-folder';

/** OPFS folder of picked GGUF files. */
export const GGUF_FILES_DIR = 'gguf-files';
/** OPFS folder where wllama caches downloaded GGUF files (its CacheManager's default backend). */
export const WLLAMA_CACHE_DIR = 'cache';

/** Top-level OPFS entries that hold model files only (nothing personal): the wipe may keep them. */
export function isModelDirectory(name: string): boolean {
  return name === GGUF_FILES_DIR || name === WLLAMA_CACHE_DIR;
}

/** A safe stored name for a picked file: its base name with anything but [\w.+-] replaced. */
export function storedGgufName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const clean = base.replace(/[^\w.+-]+/g, '_').replace(/^\.+/, '');
  if (!/\.gguf$/i.test(clean)) throw new Error(`“${fileName}” is not a .gguf file.`);
  return clean;
}

const picked = opfsFolder(GGUF_FILES_DIR, 'This browser offers no private file storage for this site, so the file cannot be kept.');

const GGUF_MAGIC = 0x46554747; // "GGUF" read as little-endian uint32

/** Checks the first bytes, so a wrong file is refused with a sentence instead of failing in llama.cpp. */
export async function checkGgufMagic(file: Blob, name: string): Promise<void> {
  const head = new DataView(await file.slice(0, 8).arrayBuffer());
  if (head.byteLength < 8 || head.getUint32(0, true) !== GGUF_MAGIC) {
    throw new Error(`“${name}” is not a GGUF model file (it does not start with the GGUF signature).`);
  }
}

/** Copies a picked file into OPFS; returns its stored name. */
export async function saveGgufFile(file: File, onProgress?: (done: number, total: number) => void): Promise<string> {
  const name = storedGgufName(file.name);
  await checkGgufMagic(file, file.name);
  await picked.write(name, file, onProgress);
  return name;
}

export async function listGgufFiles(): Promise<{ name: string; bytes: number }[]> {
  const out: { name: string; bytes: number }[] = [];
  for (const name of await picked.names()) {
    if (!/\.gguf$/i.test(name)) continue;
    const file = await picked.open(name);
    if (file !== null) out.push({ name, bytes: file.size });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

export function openGgufFile(name: string): Promise<File | null> {
  return picked.open(name);
}

export function deleteGgufFile(name: string): Promise<void> {
  return picked.remove(name);
}
