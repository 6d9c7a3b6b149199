// Random-weight BertModel encoder in the ONNX layout transformers.js loads for feature extraction:
// inputs input_ids, attention_mask, token_type_ids [batch, sequence] (int64) -> last_hidden_state
// [batch, sequence, hidden]. Shapes follow a BERT config.json; the weights come from a seeded Prng, the
// same for both variants (fp32 model.onnx, q8 model_quantized.onnx). Post-LN encoder with exact GELU.
import { Prng } from './prng';
import { DataType, GraphBuilder, type Variant } from './onnx-graph';

export interface BertConfig {
  vocab_size: number;
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  intermediate_size: number;
  max_position_embeddings: number;
  type_vocab_size?: number;
  layer_norm_eps?: number;
  initializer_range?: number;
}

export function buildBert(config: BertConfig, variant: Variant, seed: number): Uint8Array {
  const { vocab_size: V, hidden_size: H, num_hidden_layers: L, num_attention_heads: NH, intermediate_size: FF } = config;
  const P = config.max_position_embeddings;
  const TV = config.type_vocab_size ?? 2;
  const eps = config.layer_norm_eps ?? 1e-12;
  const std = config.initializer_range ?? 0.02;
  if (H % NH !== 0) throw new Error(`BERT config: hidden_size ${H} is not a multiple of num_attention_heads ${NH}`);
  const HD = H / NH;
  const rng = new Prng(seed);
  const random = (n: number) => rng.fillWeights(new Float32Array(n), std);
  const g = new GraphBuilder(variant);

  const ids = g.input('input_ids', DataType.INT64, ['batch_size', 'sequence_length']);
  const mask = g.input('attention_mask', DataType.INT64, ['batch_size', 'sequence_length']);
  const types = g.input('token_type_ids', DataType.INT64, ['batch_size', 'sequence_length']);
  g.output('last_hidden_state', DataType.FLOAT, ['batch_size', 'sequence_length', H]);

  const linear = (x: string, rows: number, cols: number) => g.op('Add', [g.matmul(x, random(rows * cols), rows, cols), g.float(random(cols))]);
  const layerNorm = (x: string) =>
    g.op('LayerNormalization', [x, g.float(new Float32Array(H).fill(1)), g.float(new Float32Array(H))], { axis: -1, epsilon: { float: eps } });

  // Embeddings: word + position (0..S-1) + token type, then LayerNorm.
  const seqLen = g.op('Gather', [g.op('Shape', [ids]), g.int64([1], [])], { axis: 0 });
  const positions = g.op('Range', [g.int64([0], []), seqLen, g.int64([1], [])]);
  let x = g.op('Add', [g.gather(random(V * H), V, H, ids), g.gather(random(P * H), P, H, positions)]);
  x = layerNorm(g.op('Add', [x, g.gather(random(TV * H), TV, H, types)]));

  // Additive attention mask [batch, 1, 1, sequence]: 0 where attended, a large negative where padded.
  const padded = g.op('Sub', [g.float([1], []), g.op('Cast', [mask], { to: DataType.FLOAT })]);
  const additiveMask = g.op('Unsqueeze', [g.op('Mul', [padded, g.float([-1.7e38], [])]), g.int64([1, 2])]);
  const scale = g.float([1 / Math.sqrt(HD)], []);
  const splitHeads = g.int64([0, 0, NH, HD]);
  const mergeHeads = g.int64([0, 0, H]);
  const heads = (y: string, perm: number[]) => g.op('Transpose', [g.op('Reshape', [y, splitHeads])], { perm });

  for (let layer = 0; layer < L; layer++) {
    const q = heads(linear(x, H, H), [0, 2, 1, 3]);
    const kT = heads(linear(x, H, H), [0, 2, 3, 1]);
    const v = heads(linear(x, H, H), [0, 2, 1, 3]);
    const scores = g.op('Add', [g.op('Mul', [g.op('MatMul', [q, kT]), scale]), additiveMask]);
    const context = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), v]);
    const merged = g.op('Reshape', [g.op('Transpose', [context], { perm: [0, 2, 1, 3] }), mergeHeads]);
    x = layerNorm(g.op('Add', [x, linear(merged, H, H)]));
    const up = linear(x, H, FF);
    // Exact GELU: 0.5 * f * (1 + erf(f / sqrt 2)).
    const erf = g.op('Erf', [g.op('Div', [up, g.float([Math.SQRT2], [])])]);
    const gelu = g.op('Mul', [g.op('Mul', [up, g.float([0.5], [])]), g.op('Add', [erf, g.float([1], [])])]);
    x = layerNorm(g.op('Add', [x, linear(gelu, FF, H)]));
  }
  g.node('Identity', [x], {}, ['last_hidden_state']);
  return g.encode('random_bert', 'personayou-test-models');
}
