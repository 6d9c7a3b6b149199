// One folder of the origin private file system (OPFS): write a file with byte progress, open, delete and
// list its files. Shared by the stores of picked models and of voice adapters. Invariants: names are plain
// file names (no path); a write that fails removes its half-written file.

export interface OpfsFolder {
  /** Writes `file` under `name` (replacing a file of that name), reporting bytes written. */
  write(name: string, file: Blob, onProgress?: (done: number, total: number) => void): Promise<void>;
  /** The stored file, or null when there is none (or no OPFS). */
  open(name: string): Promise<File | null>;
  /** Removes the file; a missing file is not an error. */
  remove(name: string): Promise<void>;
  /** The stored file names, sorted. */
  names(): Promise<string[]>;
}

export function opfsFolder(folderName: string, noStorageMessage: string): OpfsFolder {
  async function folder(create: boolean): Promise<FileSystemDirectoryHandle | null> {
    const root = await navigator.storage.getDirectory();
    try {
      return await root.getDirectoryHandle(folderName, { create });
    } catch {
      return null;
    }
  }
  return {
    async write(name, file, onProgress) {
      const dir = await folder(true);
      if (dir === null) throw new Error(noStorageMessage);
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
    },
    async open(name) {
      const dir = await folder(false);
      if (dir === null) return null;
      try {
        return await (await dir.getFileHandle(name)).getFile();
      } catch {
        return null;
      }
    },
    async remove(name) {
      const dir = await folder(false);
      await dir?.removeEntry(name).catch(() => undefined);
    },
    async names() {
      const dir = await folder(false);
      if (dir === null) return [];
      const out: string[] = [];
      for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) out.push(name);
      return out.sort();
    },
  };
}
