// Random-weight LlamaForCausalLM decoder with KV cache, in the ONNX naming transformers.js uses for
// text generation: input_ids, attention_mask, position_ids, past_key_values.N.key/value -> logits,
// present.N.key/value (cache layout [batch, kv_heads, sequence, head_dim]). Shapes follow a Llama
// config.json (grouped-query attention, RoPE, RMSNorm, SwiGLU, tied embeddings); weights come from a
// seeded Prng, the same for both variants.
import { Prng } from './prng';
import { DataType, GraphBuilder, transpose, type Variant } from './onnx-graph';

export interface LlamaConfig {
  vocab_size: number;
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  num_key_value_heads: number;
  intermediate_size: number;
  rms_norm_eps: number;
  head_dim?: number;
  rope_theta?: number;
  initializer_range?: number;
}

export function buildLlama(config: LlamaConfig, variant: Variant, seed: number): Uint8Array {
  const { vocab_size: V, hidden_size: H, num_hidden_layers: L, num_attention_heads: NH, num_key_value_heads: KVH, intermediate_size: FF } = config;
  const HD = config.head_dim ?? H / NH;
  if (!Number.isInteger(HD) || HD % 2 !== 0) throw new Error(`Llama config: head_dim ${HD} must be an even integer`);
  if (NH % KVH !== 0) throw new Error(`Llama config: num_attention_heads ${NH} is not a multiple of num_key_value_heads ${KVH}`);
  const repeat = NH / KVH;
  const theta = config.rope_theta ?? 10000;
  const std = config.initializer_range ?? 0.02;
  const rng = new Prng(seed);
  const random = (n: number) => rng.fillWeights(new Float32Array(n), std);
  const g = new GraphBuilder(variant);
  const i64 = (...values: number[]) => g.int64(values);

  const ids = g.input('input_ids', DataType.INT64, ['batch_size', 'sequence_length']);
  const attentionMask = g.input('attention_mask', DataType.INT64, ['batch_size', 'total_sequence_length']);
  const positionIds = g.input('position_ids', DataType.INT64, ['batch_size', 'sequence_length']);
  g.output('logits', DataType.FLOAT, ['batch_size', 'sequence_length', V]);

  const embeddings = random(V * H);
  let x = g.gather(embeddings, V, H, ids);

  const rmsNorm = (y: string) => {
    const meanSquare = g.op('ReduceMean', [g.op('Mul', [y, y])], { axes: [-1], keepdims: 1 });
    const inverse = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [meanSquare, g.float([config.rms_norm_eps], [])])])]);
    return g.op('Mul', [g.op('Mul', [y, inverse]), g.float(new Float32Array(H).fill(1))]);
  };

  // Rotary tables [batch, 1, sequence, head_dim] from the position ids (non-interleaved halves).
  const inverseFrequencies = Float32Array.from({ length: HD / 2 }, (_, i) => 1 / theta ** ((2 * i) / HD));
  const angles = g.op('Mul', [g.op('Unsqueeze', [g.op('Cast', [positionIds], { to: DataType.FLOAT }), i64(-1)]), g.float(inverseFrequencies)]);
  const both = g.op('Concat', [angles, angles], { axis: -1 });
  const cos = g.op('Unsqueeze', [g.op('Cos', [both]), i64(1)]);
  const sin = g.op('Unsqueeze', [g.op('Sin', [both]), i64(1)]);
  const halves = i64(HD / 2, HD / 2);
  const rope = (t: string) => {
    const [a, b] = g.node('Split', [t, halves], { axis: -1 }, 2) as [string, string];
    const rotated = g.op('Concat', [g.op('Neg', [b]), a], { axis: -1 });
    return g.op('Add', [g.op('Mul', [t, cos]), g.op('Mul', [rotated, sin])]);
  };

  // Additive mask [batch, 1, sequence, total]: causal (key j <= query i + past) and not padded.
  const length = (t: string) => g.op('Gather', [g.op('Shape', [t]), i64(1)], { axis: 0 });
  const seqLen = length(ids);
  const totalLen = length(attentionMask);
  const past = g.op('Sub', [totalLen, seqLen]);
  const zero = g.int64([0], []);
  const one = g.int64([1], []);
  const queries = g.op('Unsqueeze', [g.op('Add', [g.op('Range', [zero, seqLen, one]), past]), i64(1)]);
  const keys = g.op('Unsqueeze', [g.op('Range', [zero, totalLen, one]), i64(0)]);
  const causal = g.op('Unsqueeze', [g.op('Not', [g.op('Greater', [keys, queries])]), i64(0, 1)]);
  const notPadded = g.op('Unsqueeze', [g.op('Cast', [attentionMask], { to: DataType.BOOL }), i64(1, 2)]);
  const additiveMask = g.op('Where', [g.op('And', [causal, notPadded]), g.float([0], []), g.float([-1e9], [])]);
  const scale = g.float([1 / Math.sqrt(HD)], []);
  const heads = (y: string, n: number) => g.op('Transpose', [g.op('Reshape', [y, i64(0, 0, n, HD)])], { perm: [0, 2, 1, 3] });
  const repeatKv = (t: string) =>
    repeat === 1 ? t : g.op('Reshape', [g.op('Tile', [g.op('Unsqueeze', [t, i64(2)]), i64(1, 1, repeat, 1, 1)]), i64(0, NH, -1, HD)]);

  for (let layer = 0; layer < L; layer++) {
    const pastKey = g.input(`past_key_values.${layer}.key`, DataType.FLOAT, ['batch_size', KVH, 'past_sequence_length', HD]);
    const pastValue = g.input(`past_key_values.${layer}.value`, DataType.FLOAT, ['batch_size', KVH, 'past_sequence_length', HD]);
    g.output(`present.${layer}.key`, DataType.FLOAT, ['batch_size', KVH, 'total_sequence_length', HD]);
    g.output(`present.${layer}.value`, DataType.FLOAT, ['batch_size', KVH, 'total_sequence_length', HD]);
    const normed = rmsNorm(x);
    const q = rope(heads(g.matmul(normed, random(H * NH * HD), H, NH * HD), NH));
    const k = rope(heads(g.matmul(normed, random(H * KVH * HD), H, KVH * HD), KVH));
    const v = heads(g.matmul(normed, random(H * KVH * HD), H, KVH * HD), KVH);
    const allKeys = g.node('Concat', [pastKey, k], { axis: 2 }, [`present.${layer}.key`])[0]!;
    const allValues = g.node('Concat', [pastValue, v], { axis: 2 }, [`present.${layer}.value`])[0]!;
    const keysT = g.op('Transpose', [repeatKv(allKeys)], { perm: [0, 1, 3, 2] });
    const scores = g.op('Add', [g.op('Mul', [g.op('MatMul', [q, keysT]), scale]), additiveMask]);
    const context = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), repeatKv(allValues)]);
    const merged = g.op('Reshape', [g.op('Transpose', [context], { perm: [0, 2, 1, 3] }), i64(0, 0, NH * HD)]);
    x = g.op('Add', [x, g.matmul(merged, random(NH * HD * H), NH * HD, H)]);
    const normed2 = rmsNorm(x);
    const gate = g.matmul(normed2, random(H * FF), H, FF);
    const up = g.matmul(normed2, random(H * FF), H, FF);
    const swiglu = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), up]);
    x = g.op('Add', [x, g.matmul(swiglu, random(FF * H), FF, H)]);
  }
  // Tied embeddings: the language-model head is the embedding table transposed.
  g.node('Identity', [g.matmul(rmsNorm(x), transpose(embeddings, V, H), H, V)], {}, ['logits']);
  return g.encode('random_llama', 'personayou-test-models');
}
