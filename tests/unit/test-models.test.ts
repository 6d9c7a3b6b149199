// The project's own random-weight test-model generators: the same bytes on every run (sha256 twice), the
// ONNX layouts transformers.js loads (fp32 MatMul; q8 DynamicQuantizeLinear/MatMulInteger with uint8 tables
// + DequantizeLinear), models ONNX Runtime runs with outputs of the right shapes (and a KV cache that
// gives the same logits as a full prefill), WebLLM params laid out as the library's metadata lists them,
// and folders remade only when missing, incomplete or stale.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import onnxProto from 'onnx-proto';
import { afterAll, describe, expect, it } from 'vitest';
import { buildBert, type BertConfig } from '../model-gen/bert';
import { buildLlama, type LlamaConfig } from '../model-gen/llama';
import { libraryMetadata, writeMlcParams } from '../model-gen/mlc-params';
import { ensureTestModels, SOURCE_MODELS, testModelDir } from '../model-gen/test-models';

ort.env.wasm.numThreads = 1;

const config = <T>(dir: string) => JSON.parse(readFileSync(join(SOURCE_MODELS, 'transformers', dir, 'config.json'), 'utf8')) as T;
const BERT = config<BertConfig>('tiny-random-bert-minilm-tok');
const LLAMA = config<LlamaConfig>('tiny-random-llama-smollm2-tok');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const temps: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'personayou-models-'));
  temps.push(dir);
  return dir;
};

afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function ops(model: Uint8Array): Set<string> {
  return new Set(onnxProto.onnx.ModelProto.decode(model).graph?.node?.map((n) => n.opType ?? '') ?? []);
}

function int64(values: number[], dims: number[]): ort.Tensor {
  return new ort.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), dims);
}

describe('generated ONNX models', () => {
  it('are the same bytes on every run and differ with the seed', () => {
    expect(sha256(buildBert(BERT, 'q8', 0))).toBe(sha256(buildBert(BERT, 'q8', 0)));
    expect(sha256(buildLlama(LLAMA, 'fp32', 0))).toBe(sha256(buildLlama(LLAMA, 'fp32', 0)));
    expect(sha256(buildBert(BERT, 'q8', 1))).not.toBe(sha256(buildBert(BERT, 'q8', 0)));
  });

  it('use the fp32 and q8 layouts transformers.js loads', () => {
    const fp32 = ops(buildBert(BERT, 'fp32', 0));
    const q8 = ops(buildLlama(LLAMA, 'q8', 0));
    expect(fp32.has('MatMulInteger')).toBe(false);
    for (const op of ['DynamicQuantizeLinear', 'MatMulInteger', 'DequantizeLinear']) expect(q8.has(op), op).toBe(true);
    const graph = onnxProto.onnx.ModelProto.decode(buildLlama(LLAMA, 'q8', 0)).graph;
    const layers = LLAMA.num_hidden_layers;
    expect(graph?.input?.map((i) => i.name)).toEqual([
      'input_ids', 'attention_mask', 'position_ids',
      ...Array.from({ length: layers }, (_, n) => [`past_key_values.${n}.key`, `past_key_values.${n}.value`]).flat(),
    ]);
    expect(graph?.output?.map((o) => o.name)).toEqual(['logits', ...Array.from({ length: layers }, (_, n) => [`present.${n}.key`, `present.${n}.value`]).flat()]);
    // The q8 embedding table is stored as uint8.
    const table = graph?.initializer?.find((t) => t.dims?.length === 2 && Number(t.dims[0]) === LLAMA.vocab_size);
    expect(table?.dataType).toBe(onnxProto.onnx.TensorProto.DataType.UINT8);
  });

  it('run in ONNX Runtime: a BERT gives last_hidden_state [batch, sequence, hidden]', async () => {
    for (const variant of ['fp32', 'q8'] as const) {
      const session = await ort.InferenceSession.create(buildBert(BERT, variant, 0));
      const ids = [101, 7592, 2088, 102, 0, 101, 2023, 2003, 1037, 102];
      const mask = [1, 1, 1, 1, 0, 1, 1, 1, 1, 1];
      const out = await session.run({ input_ids: int64(ids, [2, 5]), attention_mask: int64(mask, [2, 5]), token_type_ids: int64(Array(10).fill(0), [2, 5]) });
      const hidden = out['last_hidden_state'];
      expect(hidden?.dims, variant).toEqual([2, 5, BERT.hidden_size]);
      expect((hidden?.data as Float32Array).every(Number.isFinite), variant).toBe(true);
      await session.release();
    }
  });

  it('run in ONNX Runtime: a Llama decoder prefills and decodes with its KV cache', async () => {
    const kvHeads = LLAMA.num_key_value_heads;
    const headDim = LLAMA.hidden_size / LLAMA.num_attention_heads;
    const session = await ort.InferenceSession.create(buildLlama(LLAMA, 'fp32', 0));
    const emptyPast = (n: number) => new ort.Tensor('float32', new Float32Array(0), [1, kvHeads, n, headDim]);
    const step = (ids: number[], start: number, past: (n: number) => ort.Tensor | undefined) => {
      const feeds: Record<string, ort.Tensor> = {
        input_ids: int64(ids, [1, ids.length]),
        attention_mask: int64(Array(start + ids.length).fill(1), [1, start + ids.length]),
        position_ids: int64(ids.map((_, i) => start + i), [1, ids.length]),
      };
      for (let n = 0; n < LLAMA.num_hidden_layers; n++) {
        feeds[`past_key_values.${n}.key`] = past(2 * n) ?? emptyPast(0);
        feeds[`past_key_values.${n}.value`] = past(2 * n + 1) ?? emptyPast(0);
      }
      return session.run(feeds);
    };
    const tokens = [1, 520, 33, 9000, 42];
    const prefill = await step(tokens.slice(0, 4), 0, () => undefined);
    expect(prefill['logits']?.dims).toEqual([1, 4, LLAMA.vocab_size]);
    expect(prefill['present.0.key']?.dims).toEqual([1, kvHeads, 4, headDim]);
    const cache = (i: number) => prefill[`present.${Math.floor(i / 2)}.${i % 2 === 0 ? 'key' : 'value'}`];
    const decode = await step(tokens.slice(4), 4, cache);
    expect(decode['logits']?.dims).toEqual([1, 1, LLAMA.vocab_size]);
    expect(decode[`present.${LLAMA.num_hidden_layers - 1}.value`]?.dims).toEqual([1, kvHeads, 5, headDim]);
    // Decoding with the cache gives the logits a full prefill of the five tokens gives for the last one.
    const full = await step(tokens, 0, () => undefined);
    const last = (full['logits']?.data as Float32Array).slice(4 * LLAMA.vocab_size);
    const cached = decode['logits']?.data as Float32Array;
    const maxDiff = last.reduce((m, v, i) => Math.max(m, Math.abs(v - (cached[i] ?? NaN))), 0);
    expect(maxDiff).toBeLessThan(1e-4);
    expect(Math.max(...last.map(Math.abs))).toBeGreaterThan(0);
    await session.release();
  });
});

describe('generated WebLLM params', () => {
  const params = [
    { name: 'model.embed.q_weight', shape: [8, 4], dtype: 'uint32' },
    { name: 'model.embed.q_scale', shape: [8, 1], dtype: 'float32' },
    { name: 'model.layers.0.input_layernorm.weight', shape: [16], dtype: 'float32' },
    { name: 'model.layers.0.attn.c_attn.bias', shape: [4], dtype: 'float32' },
    { name: 'model.layers.0.mlp.down.weight', shape: [12, 2], dtype: 'float32' },
  ];
  // A library's bytes around its embedded metadata, with a brace inside a string to skip.
  const library = new TextEncoder().encode(`\0asm...{"model_type": "qwen2", "note": "a } b", "params": ${JSON.stringify(params)}}\0tail{}`);

  it('reads the parameter list of the real prebuilt model library', () => {
    const real = readFileSync(join(SOURCE_MODELS, 'mlc/libs/v0_2_48/Qwen2-0.5B-Instruct-q4f32_1-ctx4k_cs1k-webgpu.wasm'));
    const meta = libraryMetadata(real, 'qwen.wasm');
    expect(meta.model_type).toBe('qwen2');
    expect(meta.params.length).toBeGreaterThan(100);
    expect(() => libraryMetadata(new Uint8Array(10), 'empty.wasm')).toThrow(/empty\.wasm: no embedded model metadata/);
  });

  it('writes shards and both cache indexes with each tensor at its offset, the same bytes every run', () => {
    const dirs = [tempDir(), tempDir()];
    const files = dirs.map((dir) => writeMlcParams(library, 'lib.wasm', dir, 0, 200));
    expect(files[0]).toEqual(['params_shard_0.bin', 'params_shard_1.bin', 'ndarray-cache.json', 'tensor-cache.json']);
    for (const name of files[0] ?? []) expect(sha256(readFileSync(join(dirs[1]!, name))), name).toBe(sha256(readFileSync(join(dirs[0]!, name))));
    const dir = dirs[0]!;
    const index = readFileSync(join(dir, 'ndarray-cache.json'), 'utf8');
    expect(readFileSync(join(dir, 'tensor-cache.json'), 'utf8')).toBe(index);
    const cache = JSON.parse(index) as { metadata: { ParamSize: number; ParamBytes: number }; records: { dataPath: string; nbytes: number; records: { name: string; nbytes: number; byteOffset: number }[] }[] };
    expect(cache.metadata).toMatchObject({ ParamSize: 5, ParamBytes: 32 * 4 + 8 * 4 + 16 * 4 + 4 * 4 + 24 * 4 });
    const byName = new Map<string, Float32Array>();
    for (const shard of cache.records) {
      const bytes = readFileSync(join(dir, shard.dataPath));
      expect(bytes.byteLength).toBe(shard.nbytes);
      for (const r of shard.records) byName.set(r.name, new Float32Array(bytes.buffer.slice(bytes.byteOffset + r.byteOffset, bytes.byteOffset + r.byteOffset + r.nbytes)));
    }
    expect([...byName.keys()]).toEqual(params.map((p) => p.name));
    expect(byName.get('model.embed.q_scale')?.every((v) => Math.abs(v - 0.0045) < 1e-9)).toBe(true);
    expect(byName.get('model.layers.0.input_layernorm.weight')?.every((v) => v === 1)).toBe(true);
    expect(byName.get('model.layers.0.attn.c_attn.bias')?.every((v) => v === 0)).toBe(true);
    const weights = byName.get('model.layers.0.mlp.down.weight') ?? new Float32Array();
    expect(new Set(weights).size).toBe(24);
    expect(weights.every((v) => Math.abs(v) < 0.05)).toBe(true);
  });
});

describe('ensureTestModels', () => {
  it('makes a model folder once, and again only when a file is missing or the stamp is stale', () => {
    const outRoot = tempDir();
    const log: string[] = [];
    const ensure = () => ensureTestModels(['tiny-random-bert-minilm-tok'], { outRoot, log: (l) => log.push(l) });
    expect(ensure()).toEqual(['tiny-random-bert-minilm-tok']);
    const dir = testModelDir('tiny-random-bert-minilm-tok', outRoot);
    const quantized = sha256(readFileSync(join(dir, 'onnx/model_quantized.onnx')));
    expect(sha256(readFileSync(join(dir, 'tokenizer.json')))).toBe(sha256(readFileSync(join(SOURCE_MODELS, 'transformers/tiny-random-bert-minilm-tok/tokenizer.json'))));
    expect(ensure()).toEqual([]);
    unlinkSync(join(dir, 'onnx/model.onnx'));
    expect(ensure()).toEqual(['tiny-random-bert-minilm-tok']);
    writeFileSync(join(dir, '.generated.json'), '{"stamp": "from an older generator"');
    expect(ensure()).toEqual(['tiny-random-bert-minilm-tok']);
    expect(sha256(readFileSync(join(dir, 'onnx/model_quantized.onnx')))).toBe(quantized);
    expect(log).toHaveLength(3);
  });
});
