// Whether a LoRA adapter GGUF (a "voice adapter" made by `npm run train`) fits a GGUF model, decided
// from both files' headers alone: the adapter's general.type / adapter.type, the architecture, the
// block count, and each lora_a / lora_b pair against the weight it adapts. Pure. Invariants: every
// refusal is one sentence that names the adapter file and says what does not match.

import type { GgufHeader } from './gguf-header';

export interface AdapterFacts {
  architecture: string;
  /** Adapted weights (lora_a/lora_b pairs). */
  tensors: number;
  rank: number;
  alpha: number | null;
}

export class AdapterMismatchError extends Error {
  readonly code = 'adapter-mismatch';
  constructor(message: string) {
    super(message);
    this.name = 'AdapterMismatchError';
  }
}

const shape = (dims: readonly number[]) => dims.join('×');

/** Throws AdapterMismatchError when the adapter does not fit the model; else what it adapts. */
export function checkAdapterFits(adapter: GgufHeader, adapterName: string, model: GgufHeader, modelName: string): AdapterFacts {
  const refuse = (what: string): never => {
    throw new AdapterMismatchError(`“${adapterName}” does not fit “${modelName}”: ${what}`);
  };
  const kind = adapter.metadata['general.type'];
  if (kind !== 'adapter') {
    throw new AdapterMismatchError(
      `“${adapterName}” is not a LoRA adapter (its general.type is ${typeof kind === 'string' ? `“${kind}”` : 'missing'}): pick the .gguf that \`npm run train\` wrote.`,
    );
  }
  const adapterType = adapter.metadata['adapter.type'];
  if (adapterType !== 'lora') throw new AdapterMismatchError(`“${adapterName}” is a ${String(adapterType)} adapter; only LoRA adapters are supported.`);
  const architecture = String(adapter.metadata['general.architecture'] ?? '');
  const modelArchitecture = String(model.metadata['general.architecture'] ?? '');
  if (architecture !== modelArchitecture) refuse(`the adapter is for a “${architecture || 'unknown'}” model, the model is “${modelArchitecture || 'unknown'}”.`);
  const blocks = Number(model.metadata[`${modelArchitecture}.block_count`] ?? NaN);
  const weights = new Map(model.tensors.map((t) => [t.name, t.dims]));
  const parts = new Map(adapter.tensors.map((t) => [t.name, t.dims]));
  let rank = 0;
  let pairs = 0;
  for (const [name, a] of parts) {
    if (!name.endsWith('.lora_a')) continue;
    const base = name.slice(0, -'.lora_a'.length);
    const b = parts.get(`${base}.lora_b`);
    if (b === undefined) refuse(`${base} has lora_a but no lora_b.`);
    const block = /^blk\.(\d+)\./.exec(base);
    if (block !== null && Number.isFinite(blocks) && Number(block[1]) >= blocks) refuse(`it adapts block ${block[1]}, but the model has ${blocks} blocks.`);
    const weight = weights.get(base);
    if (weight === undefined) refuse(`the model has no weight ${base}.`);
    const [inputs, outputs] = [weight?.[0] ?? 0, weight?.[1] ?? 1];
    // lora_a is [in, r] and lora_b [r, out] in GGUF order; the product must be the weight's [in, out].
    const [aIn, aRank] = [a[0], a[1]];
    const [bRank, bOut] = [b?.[0], b?.[1]];
    if (aIn !== inputs || bOut !== outputs || aRank !== bRank) {
      refuse(`${base} is ${shape([inputs, outputs])} in the model, but the adapter's parts are ${shape(a)} and ${shape(b ?? [])} (made for a model of another size?).`);
    }
    rank = Math.max(rank, aRank ?? 0);
    pairs++;
  }
  if (pairs === 0) throw new AdapterMismatchError(`“${adapterName}” holds no LoRA weights (no *.lora_a / *.lora_b tensors).`);
  const alpha = adapter.metadata['adapter.lora.alpha'];
  return { architecture, tensors: pairs, rank, alpha: typeof alpha === 'number' ? alpha : null };
}
