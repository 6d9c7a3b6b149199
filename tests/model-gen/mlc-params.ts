// Random weights for a compiled MLC/WebLLM model library: reads the parameter list the library (.wasm)
// embeds in its metadata JSON and writes params_shard_*.bin with ndarray-cache.json (what web-llm 0.2.79
// reads) and an identical tensor-cache.json (its name from web-llm 0.2.80 on). Packed quantized weights
// (uint32) are random words, quantization scales a constant, norm weights 1, biases 0, other float32
// tensors small random values: the text is gibberish, the load/prefill/decode cost that of the real model.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Prng } from './prng';

export interface MlcParam {
  name: string;
  shape: number[];
  dtype: string;
}

interface MlcMetadata {
  model_type: string;
  params: MlcParam[];
}

/** Shards stay under this size (unless one tensor is larger), as mlc_llm's converter keeps them. */
export const SHARD_BYTES = 32 * 1024 * 1024;

/** The metadata JSON object embedded in a compiled model library (the one starting `{"model_type"`). */
export function libraryMetadata(library: Uint8Array, libraryName: string): MlcMetadata {
  const text = Buffer.from(library.buffer, library.byteOffset, library.byteLength).toString('latin1');
  const start = text.indexOf('{"model_type"');
  if (start < 0) throw new Error(`${libraryName}: no embedded model metadata ('{"model_type"') found; is it an MLC model library?`);
  const end = jsonObjectEnd(text, start);
  if (end < 0) throw new Error(`${libraryName}: the embedded model metadata JSON is not closed`);
  const metadata = JSON.parse(text.slice(start, end)) as Partial<MlcMetadata>;
  if (!Array.isArray(metadata.params) || metadata.params.length === 0) throw new Error(`${libraryName}: the embedded metadata lists no params`);
  return metadata as MlcMetadata;
}

/** Index just past the JSON object opening at `start` (braces inside strings do not count), or -1. */
function jsonObjectEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i + 1;
  }
  return -1;
}

function paramBytes(param: MlcParam, rng: Prng): Uint8Array {
  const count = param.shape.reduce((a, b) => a * b, 1);
  if (param.dtype === 'uint32') {
    const words = rng.fillUint32(new Uint32Array(count));
    return new Uint8Array(words.buffer);
  }
  if (param.dtype === 'float32') {
    const values = new Float32Array(count);
    if (param.name.endsWith('q_scale')) values.fill(0.0045);
    else if (param.name.includes('norm') && param.name.endsWith('weight')) values.fill(1);
    else if (!param.name.endsWith('bias')) rng.fillWeights(values, 0.02);
    return new Uint8Array(values.buffer);
  }
  throw new Error(`model library parameter ${param.name}: dtype ${param.dtype} is not supported by this generator`);
}

interface ShardRecord {
  name: string;
  shape: number[];
  dtype: string;
  format: 'raw';
  nbytes: number;
  byteOffset: number;
}

/** Writes the shards and both cache indexes into `outDir`; returns the file names written. */
export function writeMlcParams(library: Uint8Array, libraryName: string, outDir: string, seed: number, shardBytes = SHARD_BYTES): string[] {
  const { params } = libraryMetadata(library, libraryName);
  const rng = new Prng(seed);
  const shards: { dataPath: string; format: 'raw-shard'; nbytes: number; records: ShardRecord[]; md5sum: string }[] = [];
  let pending: { param: MlcParam; bytes: Uint8Array }[] = [];
  let pendingBytes = 0;
  let total = 0;
  const flush = () => {
    if (pending.length === 0) return;
    const dataPath = `params_shard_${shards.length}.bin`;
    const records: ShardRecord[] = [];
    let offset = 0;
    for (const { param, bytes } of pending) {
      records.push({ name: param.name, shape: param.shape, dtype: param.dtype, format: 'raw', nbytes: bytes.byteLength, byteOffset: offset });
      offset += bytes.byteLength;
    }
    writeFileSync(join(outDir, dataPath), Buffer.concat(pending.map((p) => p.bytes)));
    shards.push({ dataPath, format: 'raw-shard', nbytes: offset, records, md5sum: '' });
    pending = [];
    pendingBytes = 0;
  };
  for (const param of params) {
    const bytes = paramBytes(param, rng);
    if (pending.length > 0 && pendingBytes + bytes.byteLength > shardBytes) flush();
    pending.push({ param, bytes });
    pendingBytes += bytes.byteLength;
    total += bytes.byteLength;
  }
  flush();
  const cache = JSON.stringify({ metadata: { ParamSize: params.length, ParamBytes: total, BitsPerParam: 0 }, records: shards });
  for (const index of ['ndarray-cache.json', 'tensor-cache.json']) writeFileSync(join(outDir, index), cache);
  return [...shards.map((s) => s.dataPath), 'ndarray-cache.json', 'tensor-cache.json'];
}
