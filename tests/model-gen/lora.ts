// Random-weight LoRA adapters (llama.cpp's LoRA GGUF layout) for the tiny test models of gguf.ts: KV
// general.architecture / general.type=adapter / adapter.type=lora / adapter.lora.alpha, and per adapted
// weight `<name>.lora_a` (GGUF dims [in, r]) and `<name>.lora_b` (dims [r, out]), F32. The B matrices
// are large on purpose, so greedy replies with the adapter differ from the base model's. Deterministic.
// Usage: tsx tests/model-gen/lora.ts <out-dir>   (writes tiny-lora.gguf and tiny-lora-other-shape.gguf)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prng, writeGguf, type Kv, type Tensor } from './gguf';

export interface TinyLoraOptions {
  /** Width, feed-forward size and block count of the base model it is made for (gguf.ts defaults). */
  embd?: number;
  ff?: number;
  layers?: number;
  architecture?: string;
  rank?: number;
  alpha?: number;
  seed?: number;
}

export function tinyLoraGguf(options: TinyLoraOptions = {}): Buffer {
  const embd = options.embd ?? 64;
  const ff = options.ff ?? 128;
  const layers = options.layers ?? 2;
  const rank = options.rank ?? 4;
  const random = prng(options.seed ?? 777);
  const gauss = (std: number) => () => {
    let s = -6;
    for (let i = 0; i < 12; i++) s += random();
    return s * std;
  };
  const matrix = (n: number, std: number) => Float32Array.from({ length: n }, gauss(std));
  const tensors: Tensor[] = [];
  // [weight, in, out] of each adapted weight in one block.
  const targets: [string, number, number][] = [
    ['attn_q', embd, embd],
    ['attn_v', embd, embd],
    ['ffn_up', embd, ff],
    ['ffn_down', ff, embd],
  ];
  for (let l = 0; l < layers; l++) {
    for (const [weight, inputs, outputs] of targets) {
      const name = `blk.${l}.${weight}.weight`;
      tensors.push(
        { name: `${name}.lora_a`, dims: [inputs, rank], data: matrix(rank * inputs, 1 / Math.sqrt(inputs)) },
        { name: `${name}.lora_b`, dims: [rank, outputs], data: matrix(outputs * rank, 1.5 / Math.sqrt(rank)) },
      );
    }
  }
  const kvs: Kv[] = [
    ['general.architecture', 'string', options.architecture ?? 'llama'],
    ['general.type', 'string', 'adapter'],
    ['general.name', 'string', 'tiny-random-lora'],
    ['general.alignment', 'u32', 32],
    ['adapter.type', 'string', 'lora'],
    ['adapter.lora.alpha', 'f32', options.alpha ?? rank],
  ];
  return writeGguf(kvs, tensors);
}

export interface GeneratedAdapters {
  /** Made for the tiny models of gguf.ts (both share their shapes). */
  matching: string;
  /** Made for a wider model: its shapes do not fit the tiny models. */
  otherShape: string;
}

export function writeTinyLoras(dir: string): GeneratedAdapters {
  mkdirSync(dir, { recursive: true });
  const matching = join(dir, 'tiny-lora.gguf');
  const otherShape = join(dir, 'tiny-lora-other-shape.gguf');
  writeFileSync(matching, tinyLoraGguf());
  writeFileSync(otherShape, tinyLoraGguf({ embd: 96, ff: 192, seed: 778 }));
  return { matching, otherShape };
}

if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const dir = process.argv[2];
  if (dir === undefined) {
    process.stderr.write('usage: tsx tests/model-gen/lora.ts <out-dir>\n');
    process.exit(2);
  }
  const written = writeTinyLoras(dir);
  process.stdout.write(`${written.matching}\n${written.otherShape}\n`);
}
