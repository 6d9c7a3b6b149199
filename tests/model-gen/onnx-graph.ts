// A small builder of ONNX graphs over the onnx-proto message classes (protobufjs), for the random-weight
// test models: named constants (initializers), nodes with typed attributes, inputs/outputs, and the two
// weight layouts transformers.js loads (fp32 MatMul; q8 = uint8 DynamicQuantizeLinear + MatMulInteger,
// uint8 tables + DequantizeLinear). Invariant: names are numbered in call order, so the same calls give
// the same bytes.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type DataType = onnxProto.onnx.TensorProto.DataType;
export const DataType = onnx.TensorProto.DataType;

/** Which weights a model file holds: float32 (model.onnx) or uint8 dynamic quantization (model_quantized.onnx). */
export type Variant = 'fp32' | 'q8';
export const VARIANT_FILE: Record<Variant, string> = { fp32: 'model.onnx', q8: 'model_quantized.onnx' };

/** An attribute value: an integer, a list of integers, or a float written as `{ float: x }`. */
export type AttributeValue = number | number[] | { float: number };
/** A dimension of a graph input or output: a fixed size or a symbolic name. */
export type Dim = number | string;

/** Asymmetric uint8 quantization of a weight (the range always includes 0, as ONNX Runtime's quantizer does). */
export function quantizeUint8(weights: Float32Array): { q: Uint8Array; scale: number; zeroPoint: number } {
  let lo = 0;
  let hi = 0;
  for (const w of weights) {
    if (w < lo) lo = w;
    if (w > hi) hi = w;
  }
  const scale = Math.fround((hi - lo) / 255) || 1;
  const zeroPoint = Math.round(-lo / scale);
  const q = new Uint8Array(weights.length);
  for (let i = 0; i < weights.length; i++) q[i] = Math.min(255, Math.max(0, Math.round(weights[i]! / scale) + zeroPoint));
  return { q, scale, zeroPoint };
}

/** `rows x cols` row-major -> its transpose (`cols x rows`). */
export function transpose(matrix: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(matrix.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = matrix[r * cols + c]!;
  return out;
}

export class GraphBuilder {
  readonly #nodes: onnxProto.onnx.INodeProto[] = [];
  readonly #initializers: onnxProto.onnx.ITensorProto[] = [];
  readonly #inputs: onnxProto.onnx.IValueInfoProto[] = [];
  readonly #outputs: onnxProto.onnx.IValueInfoProto[] = [];
  #count = 0;

  constructor(readonly variant: Variant) {}

  #name(prefix: string): string {
    this.#count += 1;
    return `${prefix}_${this.#count}`;
  }

  #tensor(dataType: DataType, dims: readonly number[], bytes: Uint8Array): string {
    const name = this.#name('c');
    this.#initializers.push({ name, dataType, dims: [...dims], rawData: bytes });
    return name;
  }

  /** A float32 constant; `dims` [] for a scalar. */
  float(values: Float32Array | readonly number[], dims: readonly number[] = [values.length]): string {
    const data = values instanceof Float32Array ? values : Float32Array.from(values);
    return this.#tensor(DataType.FLOAT, dims, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }

  /** An int64 constant; `dims` [] for a scalar. */
  int64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const data = BigInt64Array.from(values, (v) => BigInt(v));
    return this.#tensor(DataType.INT64, dims, new Uint8Array(data.buffer));
  }

  uint8(values: Uint8Array, dims: readonly number[]): string {
    return this.#tensor(DataType.UINT8, dims, values);
  }

  /** Adds a node; returns its output names (`outputs`: how many, or the exact names). */
  node(op: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}, outputs: number | readonly string[] = 1): string[] {
    const names = typeof outputs === 'number' ? Array.from({ length: outputs }, () => this.#name(op)) : [...outputs];
    const attribute = Object.entries(attributes).map(([name, value]): onnxProto.onnx.IAttributeProto => {
      if (typeof value === 'number') return { name, type: onnx.AttributeProto.AttributeType.INT, i: value };
      if (Array.isArray(value)) return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: value };
      return { name, type: onnx.AttributeProto.AttributeType.FLOAT, f: (value as { float: number }).float };
    });
    this.#nodes.push({ opType: op, input: [...inputs], output: names, name: this.#name(`${op}_node`), attribute });
    return names;
  }

  /** A node with exactly one output. */
  op(op: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}): string {
    return this.node(op, inputs, attributes)[0]!;
  }

  input(name: string, elemType: DataType, dims: readonly Dim[]): string {
    this.#inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  output(name: string, elemType: DataType, dims: readonly Dim[]): void {
    this.#outputs.push(valueInfo(name, elemType, dims));
  }

  /** x[..., rows] @ w[rows, cols], in this graph's variant. */
  matmul(x: string, weights: Float32Array, rows: number, cols: number): string {
    if (this.variant === 'fp32') return this.op('MatMul', [x, this.float(weights, [rows, cols])]);
    const { q, scale, zeroPoint } = quantizeUint8(weights);
    const [xq, xScale, xZero] = this.node('DynamicQuantizeLinear', [x], {}, 3) as [string, string, string];
    const product = this.op('MatMulInteger', [xq, this.uint8(q, [rows, cols]), xZero, this.uint8(Uint8Array.of(zeroPoint), [])]);
    const scales = this.op('Mul', [xScale, this.float([scale], [])]);
    return this.op('Mul', [this.op('Cast', [product], { to: DataType.FLOAT }), scales]);
  }

  /** Rows of `table` [rows, cols] picked by `ids`, in this graph's variant (uint8 table + DequantizeLinear for q8). */
  gather(table: Float32Array, rows: number, cols: number, ids: string): string {
    if (this.variant === 'fp32') return this.op('Gather', [this.float(table, [rows, cols]), ids]);
    const { q, scale, zeroPoint } = quantizeUint8(table);
    const picked = this.op('Gather', [this.uint8(q, [rows, cols]), ids]);
    return this.op('DequantizeLinear', [picked, this.float([scale], []), this.uint8(Uint8Array.of(zeroPoint), [])]);
  }

  /** The serialized ModelProto (IR 8, default opset 17). */
  encode(graphName: string, producer: string): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: producer,
      opsetImport: [{ domain: '', version: 17 }],
      graph: { name: graphName, node: this.#nodes, initializer: this.#initializers, input: this.#inputs, output: this.#outputs },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function valueInfo(name: string, elemType: DataType, dims: readonly Dim[]): onnxProto.onnx.IValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}
