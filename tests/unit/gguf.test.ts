// The pure parts of the GGUF engine: the curated hub catalog, this server's index, picked-file and URL
// entries resolved into specs, the prompt mode read from GGUF metadata, token estimates, the backend
// choice (WebGPU / threaded WASM / one thread), stored file names, and the project's GGUF writer (read
// back with a small independent reader of the GGUF v3 header).
import { describe, expect, it } from 'vitest';
import { assess, chooseGgufBackend, type DeviceFacts, type GpuFacts } from '../../src/lib/llm/capabilities';
import {
  customEntry,
  fileGgufEntry,
  GGUF_CATALOG,
  parseServerGgufIndex,
  quantizationOf,
  resolveSpec,
  serverGgufEntries,
} from '../../src/lib/llm/catalog';
import { estimateTokens, ggufPromptMode, plainTranscript, templateThinks } from '../../src/lib/llm/gguf-meta';
import { isModelDirectory, storedGgufName } from '../../src/lib/llm/gguf-files';
import { parseLlmSettings, serializeLlmSettings } from '../../src/lib/llm/settings';
import { tinyGguf, tinyVocab } from '../model-gen/gguf';

const ORIGIN = 'http://127.0.0.1:4173';

const SWIFTSHADER: GpuFacts = {
  available: true,
  isFallbackAdapter: false,
  vendor: 'google',
  architecture: 'swiftshader',
  description: 'SwiftShader Device (Subzero)',
  shaderF16: false,
  maxStorageBufferBindingSize: 128 << 20,
  maxBufferSize: 256 << 20,
};
const REAL_GPU: GpuFacts = { ...SWIFTSHADER, vendor: 'nvidia', architecture: 'ampere', description: 'NVIDIA GeForce RTX 3060', maxStorageBufferBindingSize: 2 ** 31 };
const NO_GPU: GpuFacts = { ...SWIFTSHADER, available: false, vendor: '', architecture: '', description: '' };

describe('GGUF hub catalog', () => {
  it('lists the requested instruct families, each a Q4_K_M file on the hub with a real size', () => {
    const families = GGUF_CATALOG.map((e) => e.family);
    for (const f of ['Gemma 3 1B', 'Qwen2.5 0.5B', 'Qwen2.5 1.5B', 'Qwen3 0.6B', 'Qwen3 1.7B', 'SmolLM2 360M', 'SmolLM2 1.7B', 'Llama 3.2 1B', 'Llama 3.2 3B']) {
      expect(families).toContain(f);
    }
    for (const e of GGUF_CATALOG) {
      expect(e.quantization).toBe('Q4_K_M');
      expect(e.url).toMatch(/^https:\/\/huggingface\.co\/[\w.-]+\/[\w.-]+-GGUF\/resolve\/main\/[\w.-]+\.gguf$/);
      expect(e.url?.endsWith(`/${e.fileName}`)).toBe(true);
      // Q4_K_M averages 4.5-5.5 bits per weight; small models keep their large embeddings at 6-8 bits.
      const bits = (e.downloadBytes * 8) / e.params;
      expect(bits).toBeGreaterThan(4.3);
      expect(bits).toBeLessThan(8.5);
    }
    expect(new Set(GGUF_CATALOG.map((e) => e.id)).size).toBe(GGUF_CATALOG.length);
  });

  it('resolves an entry to a URL spec whatever the MLC/ONNX model source', () => {
    const entry = GGUF_CATALOG[0];
    if (entry === undefined) throw new Error('empty catalog');
    const spec = resolveSpec(entry, { kind: 'local' }, ORIGIN);
    expect(spec).toMatchObject({ engine: 'gguf', id: entry.id, source: { kind: 'url', url: entry.url } });
  });

  it('reads the quantization from a file name', () => {
    expect(quantizationOf('gemma-3-270m-q4_k_m.gguf')).toBe('Q4_K_M');
    expect(quantizationOf('Qwen3-0.6B-Q8_0.gguf')).toBe('Q8_0');
    expect(quantizationOf('model-IQ4_XS.gguf')).toBe('IQ4_XS');
    expect(quantizationOf('model-f16.gguf')).toBe('F16');
    expect(quantizationOf('tiny-chat.gguf')).toBe('GGUF');
  });
});

describe("this server's GGUF index", () => {
  const index = {
    models: [
      { file: 'gemma-3-270m-q4_k_m.gguf', name: 'Gemma 3 270M', bytes: 253_113_024, sha256: 'a5fd', license: 'Gemma terms', chatTemplate: false },
      { file: 'tiny-chat.gguf', bytes: 1000, chatTemplate: true },
    ],
  };

  it('turns each record into an entry whose URL is in the served folder', () => {
    const entries = serverGgufEntries(parseServerGgufIndex(index), `${ORIGIN}/models/gguf/`);
    expect(entries.map((e) => [e.id, e.label, e.url, e.chatTemplate, e.downloadBytes])).toEqual([
      ['gguf-server:gemma-3-270m-q4_k_m.gguf', 'Gemma 3 270M (on this server)', `${ORIGIN}/models/gguf/gemma-3-270m-q4_k_m.gguf`, false, 253_113_024],
      ['gguf-server:tiny-chat.gguf', 'tiny-chat (on this server)', `${ORIGIN}/models/gguf/tiny-chat.gguf`, true, 1000],
    ]);
    expect(entries[0]?.license).toBe('Gemma terms');
    expect(entries[0]?.note).toContain('base model');
  });

  it('refuses a broken index with a sentence naming the file and the field', () => {
    expect(() => parseServerGgufIndex([])).toThrow('/models/gguf/index.json: expected an object with a "models" array.');
    expect(() => parseServerGgufIndex({ models: [{ file: '../etc/passwd.gguf', bytes: 1 }] })).toThrow('models[0].file must be a plain .gguf file name');
    expect(() => parseServerGgufIndex({ models: [{ file: 'a.gguf', bytes: 0 }] })).toThrow('models[0].bytes must be the file size in bytes');
    expect(() => parseServerGgufIndex({ models: [{ file: 'a.bin', bytes: 5 }] })).toThrow('models[0].file');
  });
});

describe('picked files and GGUF URLs', () => {
  it('a picked file resolves to its stored name in the browser', () => {
    const entry = fileGgufEntry('my-model-Q5_K_M.gguf', 123);
    expect(entry).toMatchObject({ id: 'gguf-file:my-model-Q5_K_M.gguf', origin: 'file', url: null, quantization: 'Q5_K_M', downloadBytes: 123 });
    expect(resolveSpec(entry, { kind: 'hub' }, ORIGIN)).toMatchObject({ engine: 'gguf', source: { kind: 'file', name: 'my-model-Q5_K_M.gguf' } });
  });

  it('stores a plain file name and refuses what is not .gguf', () => {
    expect(storedGgufName('C:\\models\\Llama 3 (8B).Q4_K_M.gguf')).toBe('Llama_3_8B_.Q4_K_M.gguf');
    expect(storedGgufName('/home/me/.ollama/../x.gguf')).toBe('x.gguf');
    expect(() => storedGgufName('model.bin')).toThrow('“model.bin” is not a .gguf file.');
    expect(isModelDirectory('gguf-files')).toBe(true);
    expect(isModelDirectory('cache')).toBe(true);
    expect(isModelDirectory('personal-notes')).toBe(false);
  });

  it('a GGUF URL becomes a custom model that survives the settings round trip', () => {
    const bad = customEntry({ engine: 'gguf', url: 'https://example.org/model.bin', contextWindow: 4096 }, ORIGIN);
    expect(bad).toEqual({ ok: false, message: 'The GGUF URL must be an http(s) address of a .gguf file.' });
    const good = customEntry({ engine: 'gguf', url: '/models/gguf/tiny-chat.gguf', contextWindow: 2048 }, ORIGIN);
    if (!good.ok) throw new Error(good.message);
    expect(good.entry).toMatchObject({ engine: 'gguf', custom: true, url: `${ORIGIN}/models/gguf/tiny-chat.gguf`, label: 'tiny-chat', contextWindow: 2048 });
    const settings = parseLlmSettings(
      serializeLlmSettings({ source: { kind: 'hub' }, selectedId: null, customModels: [{ engine: 'gguf', url: '/models/gguf/tiny-chat.gguf', contextWindow: 2048 }] }),
      ORIGIN,
    );
    expect(settings.customModels).toEqual([{ engine: 'gguf', url: '/models/gguf/tiny-chat.gguf', contextWindow: 2048 }]);
  });
});

describe('prompt mode and token estimates', () => {
  it('prompts through the chat template only when the file has one', () => {
    expect(ggufPromptMode({ 'tokenizer.chat_template': '{% for m in messages %}{{ m.content }}{% endfor %}' })).toBe('chat');
    expect(ggufPromptMode({ 'general.architecture': 'gemma3' })).toBe('transcript');
    expect(ggufPromptMode({ 'tokenizer.chat_template': '  ' })).toBe('transcript');
    expect(templateThinks({ 'tokenizer.chat_template': '{%- if enable_thinking is defined and enable_thinking is false %}' })).toBe(true);
    expect(templateThinks({})).toBe(false);
  });

  it('estimates tokens from UTF-8 bytes, never fewer than a byte-level BPE would need at 3 bytes a token', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('abc')).toBe(1);
    expect(estimateTokens('hello there')).toBe(4);
    expect(estimateTokens('ciao 😀')).toBe(Math.ceil(9 / 3));
  });

  it('renders chat messages as a plain transcript a base model continues', () => {
    expect(plainTranscript([{ role: 'system', content: 'Be brief.' }, { role: 'user', content: ' Hi ' }])).toBe('System: Be brief.\n\nUser: Hi\n\nAssistant:');
  });
});

describe('GGUF backend choice', () => {
  it('uses WebGPU only on a real adapter', () => {
    expect(chooseGgufBackend(REAL_GPU, true, 8)).toEqual({ kind: 'webgpu', threads: 4, label: 'WebGPU - nvidia ampere' });
    expect(chooseGgufBackend(SWIFTSHADER, true, 2).kind).toBe('wasm-threads');
    expect(chooseGgufBackend({ ...REAL_GPU, isFallbackAdapter: true }, true, 2).kind).toBe('wasm-threads');
  });

  it('uses threads only when cross-origin isolated, one per core up to 4', () => {
    expect(chooseGgufBackend(NO_GPU, true, 2)).toEqual({ kind: 'wasm-threads', threads: 2, label: 'CPU (WebAssembly, 2 threads)' });
    expect(chooseGgufBackend(NO_GPU, true, 16).threads).toBe(4);
    expect(chooseGgufBackend(NO_GPU, false, 16)).toEqual({ kind: 'wasm-single', threads: 1, label: 'CPU (WebAssembly, 1 thread, not cross-origin isolated)' });
    expect(chooseGgufBackend(NO_GPU, true, 1)).toEqual({ kind: 'wasm-single', threads: 1, label: 'CPU (WebAssembly, 1 thread)' });
    // A requested thread count (the benchmark) is capped by what the device allows.
    expect(chooseGgufBackend(NO_GPU, true, 2, 1).threads).toBe(1);
    expect(chooseGgufBackend(NO_GPU, true, 2, 8).threads).toBe(2);
    expect(chooseGgufBackend(NO_GPU, false, 2, 2).threads).toBe(1);
  });

  it('warns about a large GGUF without a real GPU, not a small one', () => {
    const facts: DeviceFacts = { gpu: SWIFTSHADER, deviceMemoryGB: 8, hardwareConcurrency: 2, storage: { quota: 1e11, usage: 0 }, persisted: false };
    const big = GGUF_CATALOG.find((e) => e.family === 'Llama 3.2 3B');
    const small = GGUF_CATALOG.find((e) => e.family === 'SmolLM2 360M');
    if (big === undefined || small === undefined) throw new Error('catalog changed');
    expect(assess(big, facts).status).toBe('warn');
    expect(assess(small, facts).status).toBe('ok');
    expect(assess(big, { ...facts, gpu: REAL_GPU }).status).toBe('ok');
    expect(assess(small, { ...facts, storage: { quota: 1e8, usage: 0 } }).status).toBe('blocked');
  });
});

/** An independent reader of the GGUF v3 header and KV section (enough to check the writer). */
function readGguf(bytes: Buffer): { version: number; tensors: number; kv: Map<string, unknown> } {
  let at = 0;
  const u32 = () => ((at += 4), bytes.readUInt32LE(at - 4));
  const u64 = () => ((at += 8), Number(bytes.readBigUInt64LE(at - 8)));
  const str = () => {
    const n = u64();
    at += n;
    return bytes.toString('utf8', at - n, at);
  };
  const value = (type: number): unknown => {
    switch (type) {
      case 4:
        return u32();
      case 5:
        return ((at += 4), bytes.readInt32LE(at - 4));
      case 6:
        return ((at += 4), bytes.readFloatLE(at - 4));
      case 7:
        return bytes[at++] === 1;
      case 8:
        return str();
      case 9: {
        const inner = u32();
        return Array.from({ length: u64() }, () => value(inner));
      }
      default:
        throw new Error(`type ${type}`);
    }
  };
  if (bytes.toString('ascii', 0, 4) !== 'GGUF') throw new Error('magic');
  at = 4;
  const version = u32();
  const tensors = u64();
  const count = u64();
  const kv = new Map<string, unknown>();
  for (let i = 0; i < count; i++) {
    const key = str();
    kv.set(key, value(u32()));
  }
  return { version, tensors, kv };
}

describe('the tiny GGUF writer', () => {
  it('writes a GGUF v3 llama with a tokenizer, and a chat template only in the chat variant', () => {
    const chat = readGguf(tinyGguf({ chatTemplate: true }));
    const base = readGguf(tinyGguf({ chatTemplate: false }));
    expect(chat.version).toBe(3);
    expect(chat.tensors).toBe(2 + 2 * 9 + 1);
    expect(chat.kv.get('general.architecture')).toBe('llama');
    expect(chat.kv.get('tokenizer.ggml.model')).toBe('gpt2');
    const vocab = tinyVocab();
    expect(chat.kv.get('tokenizer.ggml.tokens')).toEqual(vocab.tokens);
    expect((chat.kv.get('tokenizer.ggml.merges') as string[]).every((m) => vocab.tokens.includes(m.replace(' ', '')))).toBe(true);
    expect(ggufPromptMode(Object.fromEntries([...chat.kv].map(([k, v]) => [k, String(v)])))).toBe('chat');
    expect(base.kv.has('tokenizer.chat_template')).toBe(false);
  });

  it('is deterministic, and the seed changes the weights', () => {
    expect(tinyGguf({ chatTemplate: false }).equals(tinyGguf({ chatTemplate: false }))).toBe(true);
    expect(tinyGguf({ chatTemplate: false, seed: 7 }).equals(tinyGguf({ chatTemplate: false }))).toBe(false);
  });
});
