// Which ONNX Runtime backend runs the embedder: WebGPU only on a real GPU, WASM otherwise.
// A software adapter (SwiftShader, llvmpipe, a "fallback adapter") is ~100x slower than WASM for
// these models, so anything that looks like one is refused; unknown means WASM.

export type Backend = 'wasm' | 'webgpu';

/** What the page/worker could learn about the WebGPU adapter (GPUAdapterInfo plus the fallback flag). */
export interface AdapterFacts {
  available: boolean;
  isFallbackAdapter?: boolean;
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
}

export interface BackendChoice {
  backend: Backend;
  reason: string;
}

const SOFTWARE = ['swiftshader', 'llvmpipe', 'lavapipe', 'softpipe', 'microsoft basic render', 'warp', 'cpu'];

export function chooseBackend(facts: AdapterFacts): BackendChoice {
  if (!facts.available) return { backend: 'wasm', reason: 'WebGPU is not available in this browser.' };
  if (facts.isFallbackAdapter === true) return { backend: 'wasm', reason: 'The WebGPU adapter is a software fallback.' };
  const text = [facts.vendor, facts.architecture, facts.device, facts.description]
    .filter((s): s is string => typeof s === 'string')
    .join(' ')
    .toLowerCase();
  const software = SOFTWARE.find((word) => new RegExp(`\\b${word}\\b`).test(text));
  if (software !== undefined) return { backend: 'wasm', reason: `The WebGPU adapter is software rendering (${software}).` };
  if (text.trim() === '') return { backend: 'wasm', reason: 'The WebGPU adapter does not say what it is.' };
  return { backend: 'webgpu', reason: `WebGPU on ${text.trim()}.` };
}

interface GpuAdapterLike {
  readonly isFallbackAdapter?: boolean;
  readonly info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
}

interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<GpuAdapterLike | null>;
}

/** Asks the browser for its WebGPU adapter (page or worker); never throws. */
export async function probeAdapter(): Promise<AdapterFacts> {
  const gpu = (globalThis.navigator as unknown as { gpu?: GpuLike } | undefined)?.gpu;
  if (gpu === undefined) return { available: false };
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (adapter === null) return { available: false };
    const info = adapter.info ?? {};
    const facts: AdapterFacts = { available: true };
    const fallback = info.isFallbackAdapter ?? adapter.isFallbackAdapter;
    if (fallback !== undefined) facts.isFallbackAdapter = fallback;
    if (info.vendor !== undefined) facts.vendor = info.vendor;
    if (info.architecture !== undefined) facts.architecture = info.architecture;
    if (info.device !== undefined) facts.device = info.device;
    if (info.description !== undefined) facts.description = info.description;
    return facts;
  } catch {
    return { available: false };
  }
}
