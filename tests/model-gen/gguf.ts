// The project's own random-weight GGUF test models: a small llama-architecture model with a byte-level
// BPE tokenizer (the GPT-2 byte alphabet, a few merges, ChatML special tokens), written by a minimal GGUF
// v3 writer (header, KV metadata, tensor infos, 32-byte aligned F32 data). Two variants: with a ChatML
// chat template (an "instruct" model) and without one (a "base" model, prompted as a transcript).
// Deterministic: the same options give byte-identical files. Random weights give gibberish text; the
// output rows of every byte but printable ASCII and of the control/end tokens are zero, so replies are
// visible ASCII, never cut by a newline or an end token.
// Usage: tsx tests/model-gen/gguf.ts <out-dir>   (writes tiny-chat.gguf, tiny-base.gguf, index.json)
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TinyGgufOptions {
  chatTemplate: boolean;
  embd?: number;
  ff?: number;
  layers?: number;
  heads?: number;
  seed?: number;
  contextLength?: number;
}

const CHATML =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/** GPT-2's byte -> printable character table (what byte-level BPE vocabularies are written in). */
export function byteAlphabet(): string[] {
  const keep: number[] = [];
  for (let b = 33; b <= 126; b++) keep.push(b);
  for (let b = 161; b <= 172; b++) keep.push(b);
  for (let b = 174; b <= 255; b++) keep.push(b);
  const out: string[] = new Array<string>(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) out[b] = String.fromCodePoint(keep.includes(b) ? b : 256 + extra++);
  return out;
}

const MERGES: readonly [string, string][] = [
  ['Ġ', 't'], ['h', 'e'], ['Ġ', 'a'], ['i', 'n'], ['e', 'r'], ['o', 'n'], ['Ġt', 'he'], ['r', 'e'], ['Ġ', 's'], ['o', 'u'],
];
const SPECIALS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'] as const;

export interface TinyVocab {
  tokens: string[];
  types: number[];
  merges: string[];
  bos: number;
  eos: number;
  /** Token ids whose output logits are zeroed: every byte but printable ASCII, and the control tokens. */
  quiet: number[];
}

export function tinyVocab(): TinyVocab {
  const tokens = byteAlphabet();
  for (const [a, b] of MERGES) tokens.push(a + b);
  const firstSpecial = tokens.length;
  tokens.push(...SPECIALS);
  const types = tokens.map((_, i) => (i >= firstSpecial ? 3 : 1)); // 1 normal, 3 control
  const unprintable = Array.from({ length: 256 }, (_, b) => b).filter((b) => b < 32 || b > 126);
  return {
    tokens,
    types,
    merges: MERGES.map(([a, b]) => `${a} ${b}`),
    bos: firstSpecial,
    eos: firstSpecial + 2,
    quiet: [...unprintable, firstSpecial, firstSpecial + 1, firstSpecial + 2],
  };
}

// ---- a minimal GGUF v3 writer ----

const enum T {
  U32 = 4,
  I32 = 5,
  F32 = 6,
  BOOL = 7,
  STRING = 8,
  ARRAY = 9,
}

export type Kv = [string, 'u32' | 'f32' | 'bool' | 'string' | 'strings' | 'i32s', unknown];

class Bytes {
  readonly parts: Buffer[] = [];
  length = 0;
  push(b: Buffer): void {
    this.parts.push(b);
    this.length += b.length;
  }
  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.push(b);
  }
  i32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    this.push(b);
  }
  u64(v: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.push(b);
  }
  f32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    this.push(b);
  }
  str(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u64(b.length);
    this.push(b);
  }
  pad(align: number): void {
    const n = (align - (this.length % align)) % align;
    if (n > 0) this.push(Buffer.alloc(n));
  }
}

function writeKv(out: Bytes, [key, kind, value]: Kv): void {
  out.str(key);
  switch (kind) {
    case 'u32':
      out.u32(T.U32);
      out.u32(value as number);
      break;
    case 'f32':
      out.u32(T.F32);
      out.f32(value as number);
      break;
    case 'bool':
      out.u32(T.BOOL);
      out.push(Buffer.from([value === true ? 1 : 0]));
      break;
    case 'string':
      out.u32(T.STRING);
      out.str(value as string);
      break;
    case 'strings':
      out.u32(T.ARRAY);
      out.u32(T.STRING);
      out.u64((value as string[]).length);
      for (const s of value as string[]) out.str(s);
      break;
    case 'i32s':
      out.u32(T.ARRAY);
      out.u32(T.I32);
      out.u64((value as number[]).length);
      for (const v of value as number[]) out.i32(v);
      break;
  }
}

/** mulberry32: a small deterministic PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Tensor {
  name: string;
  /** GGUF order: ne[0] (contiguous) first. */
  dims: number[];
  data: Float32Array;
}

const ALIGN = 32;

/** The GGUF file of a tiny random llama. */
export function tinyGguf(options: TinyGgufOptions): Buffer {
  const embd = options.embd ?? 64;
  const ff = options.ff ?? 128;
  const layers = options.layers ?? 2;
  const heads = options.heads ?? 4;
  const ctx = options.contextLength ?? 4096;
  const random = prng(options.seed ?? 1234);
  const vocab = tinyVocab();
  const nVocab = vocab.tokens.length;
  const gauss = (std: number) => () => {
    // Irwin-Hall (sum of 12 uniforms - 6) ~ N(0, 1): simple and deterministic.
    let s = -6;
    for (let i = 0; i < 12; i++) s += random();
    return s * std;
  };
  const filled = (n: number, f: () => number) => Float32Array.from({ length: n }, f);
  const ones = (n: number) => new Float32Array(n).fill(1);
  const w = (rows: number, cols: number, std = 1 / Math.sqrt(cols)) => filled(rows * cols, gauss(std));

  const tensors: Tensor[] = [{ name: 'token_embd.weight', dims: [embd, nVocab], data: w(nVocab, embd, 1) }];
  for (let l = 0; l < layers; l++) {
    const p = `blk.${l}.`;
    tensors.push(
      { name: `${p}attn_norm.weight`, dims: [embd], data: ones(embd) },
      { name: `${p}attn_q.weight`, dims: [embd, embd], data: w(embd, embd) },
      { name: `${p}attn_k.weight`, dims: [embd, embd], data: w(embd, embd) },
      { name: `${p}attn_v.weight`, dims: [embd, embd], data: w(embd, embd) },
      { name: `${p}attn_output.weight`, dims: [embd, embd], data: w(embd, embd) },
      { name: `${p}ffn_norm.weight`, dims: [embd], data: ones(embd) },
      { name: `${p}ffn_gate.weight`, dims: [embd, ff], data: w(ff, embd) },
      { name: `${p}ffn_up.weight`, dims: [embd, ff], data: w(ff, embd) },
      { name: `${p}ffn_down.weight`, dims: [ff, embd], data: w(embd, ff) },
    );
  }
  // Large output weights make the distribution peaked (a few likely tokens per step, like a trained
  // model); zero rows keep the quiet tokens at logit 0, far below the winners.
  const output = w(nVocab, embd, 3 / Math.sqrt(embd));
  for (const id of vocab.quiet) output.fill(0, id * embd, (id + 1) * embd);
  tensors.push({ name: 'output_norm.weight', dims: [embd], data: ones(embd) }, { name: 'output.weight', dims: [embd, nVocab], data: output });

  const kvs: Kv[] = [
    ['general.architecture', 'string', 'llama'],
    ['general.name', 'string', options.chatTemplate ? 'tiny-random-llama-chat' : 'tiny-random-llama-base'],
    ['general.alignment', 'u32', ALIGN],
    ['llama.context_length', 'u32', ctx],
    ['llama.embedding_length', 'u32', embd],
    ['llama.block_count', 'u32', layers],
    ['llama.feed_forward_length', 'u32', ff],
    ['llama.attention.head_count', 'u32', heads],
    ['llama.attention.head_count_kv', 'u32', heads],
    ['llama.rope.dimension_count', 'u32', embd / heads],
    ['llama.rope.freq_base', 'f32', 10000],
    ['llama.attention.layer_norm_rms_epsilon', 'f32', 1e-5],
    ['llama.vocab_size', 'u32', nVocab],
    ['tokenizer.ggml.model', 'string', 'gpt2'],
    ['tokenizer.ggml.pre', 'string', 'default'],
    ['tokenizer.ggml.tokens', 'strings', vocab.tokens],
    ['tokenizer.ggml.token_type', 'i32s', vocab.types],
    ['tokenizer.ggml.merges', 'strings', vocab.merges],
    ['tokenizer.ggml.bos_token_id', 'u32', vocab.bos],
    ['tokenizer.ggml.eos_token_id', 'u32', vocab.eos],
    ['tokenizer.ggml.add_bos_token', 'bool', false],
  ];
  if (options.chatTemplate) kvs.push(['tokenizer.chat_template', 'string', CHATML]);

  return writeGguf(kvs, tensors);
}

/** A GGUF v3 file: header, KV metadata, tensor infos, then 32-byte aligned F32 tensor data. */
export function writeGguf(kvs: readonly Kv[], tensors: readonly Tensor[]): Buffer {
  const head = new Bytes();
  head.push(Buffer.from('GGUF', 'ascii'));
  head.u32(3);
  head.u64(tensors.length);
  head.u64(kvs.length);
  for (const kv of kvs) writeKv(head, kv);
  let offset = 0;
  for (const t of tensors) {
    head.str(t.name);
    head.u32(t.dims.length);
    for (const d of t.dims) head.u64(d);
    head.u32(0); // F32
    head.u64(offset);
    offset += Math.ceil((t.data.length * 4) / ALIGN) * ALIGN;
  }
  head.pad(ALIGN);
  for (const t of tensors) {
    head.push(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    head.pad(ALIGN);
  }
  return Buffer.concat(head.parts);
}

export interface GeneratedModel {
  file: string;
  name: string;
  bytes: number;
  sha256: string;
  license: string;
  chatTemplate: boolean;
}

/** The two test models and the server index (`{ models: [...] }`) in `dir`. */
export function writeTinyGgufs(dir: string, sizes: Omit<TinyGgufOptions, 'chatTemplate'> = {}): GeneratedModel[] {
  mkdirSync(dir, { recursive: true });
  const models: GeneratedModel[] = [];
  for (const [file, name, chatTemplate] of [
    ['tiny-chat.gguf', 'Tiny chat test model', true],
    ['tiny-base.gguf', 'Tiny base test model', false],
  ] as const) {
    const bytes = tinyGguf({ ...sizes, chatTemplate });
    writeFileSync(join(dir, file), bytes);
    models.push({ file, name, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), license: 'random weights, no licence needed', chatTemplate });
  }
  writeFileSync(join(dir, 'index.json'), `${JSON.stringify({ models }, null, 2)}\n`);
  return models;
}

if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const dir = process.argv[2];
  if (dir === undefined) {
    process.stderr.write('usage: tsx tests/model-gen/gguf.ts <out-dir>\n');
    process.exit(2);
  }
  for (const m of writeTinyGgufs(dir)) process.stdout.write(`${m.file} ${m.bytes} bytes ${m.sha256}\n`);
}
