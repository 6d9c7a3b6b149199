// Proves there is room before a big IndexedDB write by really writing that many bytes to a scratch file
// in the origin private file system, then deleting it. Why: on a full disk Chromium aborts the IndexedDB
// write with an IO error and then treats the whole database as corrupt (a restart finds it empty), and
// navigator.storage.estimate() does not see the disk's real free space. A failed scratch write costs
// nothing stored; a failed database write can cost everything.

const SCRATCH = '.space-check';
const CHUNK_BYTES = 1 << 20;

interface SyncAccessHandle {
  write(buffer: ArrayBufferView, options?: { at?: number }): number;
  flush(): void;
  close(): void;
}

/** Resolves when `bytes` could be written; rejects with the write's own error when they could not. */
export async function reserveSpace(bytes: number): Promise<void> {
  let root: FileSystemDirectoryHandle;
  try {
    root = await navigator.storage.getDirectory();
  } catch {
    return; // No OPFS here: nothing to check with, the write itself will tell.
  }
  let handle: SyncAccessHandle;
  try {
    const file = await root.getFileHandle(SCRATCH, { create: true });
    const open = (file as unknown as { createSyncAccessHandle?: () => Promise<SyncAccessHandle> })
      .createSyncAccessHandle;
    if (open === undefined) throw new Error('no sync access handles outside dedicated workers');
    handle = await open.call(file);
  } catch {
    await root.removeEntry(SCRATCH).catch(() => undefined);
    return; // The check itself is unavailable here (page context, odd browser): the write will tell.
  }
  try {
    // Zeros are enough: file systems allocate blocks on write whatever the content.
    const chunk = new Uint8Array(CHUNK_BYTES);
    for (let at = 0; at < bytes; at += CHUNK_BYTES) {
      const size = Math.min(CHUNK_BYTES, bytes - at);
      const written = handle.write(size === CHUNK_BYTES ? chunk : chunk.subarray(0, size), { at });
      if (written < size) throw new Error('short write');
    }
    handle.flush();
  } catch (error) {
    // Keep a quota error as it is; anything else failing mid-write means the disk itself is full.
    if (error instanceof DOMException && error.name === 'QuotaExceededError') throw error;
    throw new Error('No space left on the device for the import', { cause: error });
  } finally {
    handle.close();
    await root.removeEntry(SCRATCH).catch(() => undefined);
  }
}
