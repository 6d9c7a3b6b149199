// Reads a picked File into memory inside the ingest worker, reporting bytes as they arrive.
// Refuses files past the parse limit before reading a byte, and turns an allocation failure into
// the same clear "too large" error (a phone can run out of memory long before the limit).

import { ImportError } from '../ingest/errors';
import { MAX_FILE_BYTES } from '../ingest/index';

export async function readFileBytes(
  file: Blob & { name: string },
  onBytes: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  if (file.size > MAX_FILE_BYTES) {
    throw new ImportError(
      'file-too-large',
      file.name,
      `"${file.name}" is ${formatMb(file.size)}, more than this app can read (${formatMb(MAX_FILE_BYTES)}). Export the chat again "without media" and pick that file.`,
      { size: file.size, limit: MAX_FILE_BYTES },
    );
  }
  try {
    const out = new Uint8Array(file.size);
    let done = 0;
    const reader = file.stream().getReader();
    for (;;) {
      signal?.throwIfAborted();
      const { done: finished, value } = await reader.read();
      if (finished) break;
      // A file can change under us (edited while picked): never write past the buffer.
      if (done + value.byteLength > out.byteLength) throw new RangeError('file grew while reading');
      out.set(value, done);
      done += value.byteLength;
      onBytes(done, file.size);
    }
    return done === out.byteLength ? out : out.subarray(0, done);
  } catch (error) {
    if (error instanceof RangeError) {
      throw new ImportError(
        'file-too-large',
        file.name,
        `"${file.name}" (${formatMb(file.size)}) does not fit in this device's memory. Export the chat again "without media" and pick that file.`,
        { size: file.size },
      );
    }
    throw error;
  }
}

export function formatMb(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(bytes < 10_485_760 ? 1 : 0)} MB`;
}
