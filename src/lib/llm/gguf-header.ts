// Reads a GGUF file's header (KV metadata and tensor infos, no weights) from a Blob or a URL with
// @huggingface/gguf, the only importer of it. Blobs are read in slices through a small Range-serving
// fetch, so a model of hundreds of MB is never read whole. Invariants: errors name the file.

import { gguf } from '@huggingface/gguf';

export interface GgufTensorShape {
  name: string;
  /** GGUF order: ne[0] (the contiguous, input dimension of a weight) first. */
  dims: number[];
}

export interface GgufHeader {
  metadata: Readonly<Record<string, unknown>>;
  tensors: GgufTensorShape[];
}

/** A fetch that answers Range requests from a Blob (what @huggingface/gguf asks for, 2 MB at a time). */
function blobFetch(blob: Blob): typeof fetch {
  return (_input, init) => {
    const range = new Headers(init?.headers).get('range');
    const match = range === null ? null : /bytes=(\d+)-(\d+)?/.exec(range);
    const start = match === null ? 0 : Number(match[1]);
    const end = match?.[2] === undefined ? blob.size - 1 : Math.min(blob.size - 1, Number(match[2]));
    const body = blob.slice(start, end + 1);
    return Promise.resolve(new Response(body, { status: 206, headers: { 'content-range': `bytes ${start}-${end}/${blob.size}`, 'content-length': String(body.size) } }));
  };
}

/** The header of a GGUF file; `name` is how errors call it. */
export async function readGgufHeader(source: Blob | string, name: string): Promise<GgufHeader> {
  try {
    const parsed =
      typeof source === 'string' ? await gguf(source) : await gguf('https://blob.invalid/model.gguf', { fetch: blobFetch(source) });
    const metadata: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(parsed.metadata)) metadata[key] = typeof value === 'bigint' ? Number(value) : value;
    return { metadata, tensors: parsed.tensorInfos.map((t) => ({ name: t.name, dims: t.shape.map(Number) })) };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`“${name}” could not be read as a GGUF file (${detail}).`);
  }
}
