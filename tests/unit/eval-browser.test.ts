// `npm run eval -- --engine webllm|cpu-browser` without a browser: the argument rules, the help text, and
// the node <-> page protocol (src/cli/eval-browser.ts over src/cli/eval-page-api.ts) through a fake
// Playwright page whose evaluate runs the real page function on a JSON round trip, with fake llm/embed
// workers and a fake WebGPU. The real run is measured by hand (slow on a software adapter).
import type { Page } from '@playwright/test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeLoadProgress, pageSources, playwrightChannel, prepareEngines, type BrowserEngineOptions, type PageChannel } from '../../src/cli/eval-browser';
import { main, parseArgs } from '../../src/cli/eval';
import { createEvalPageApi, type PageEmbedRequest, type PageGpu, type PageLlm } from '../../src/cli/eval-page-api';
import { CPU_CATALOG, webLlmCatalog } from '../../src/lib/llm/catalog';
import type { ChatMessage, GenerateOptions, LoadProgress, ModelSpec } from '../../src/lib/llm/types';
import { AppError } from '../../src/lib/rpc/app-error';
import type { Result } from '../../src/lib/rpc/progress';

const ORIGIN = 'http://127.0.0.1:4193';
const RECORDS = [
  {
    model: 'https://huggingface.co/mlc-ai/Qwen2.5-0.5B-Instruct-q4f32_1-MLC',
    model_id: 'Qwen2.5-0.5B-Instruct-q4f32_1-MLC',
    model_lib: 'https://raw.githubusercontent.com/mlc-ai/binary-mlc-llm-libs/main/web-llm-models/v0_2_48/Qwen2-0.5B-Instruct-q4f32_1-ctx4k_cs1k-webgpu.wasm',
    overrides: { context_window_size: 4096 },
  },
  {
    model: 'https://huggingface.co/mlc-ai/Qwen2.5-0.5B-Instruct-q4f16_1-MLC',
    model_id: 'Qwen2.5-0.5B-Instruct-q4f16_1-MLC',
    model_lib: 'https://raw.githubusercontent.com/mlc-ai/binary-mlc-llm-libs/main/web-llm-models/v0_2_48/Qwen2-0.5B-Instruct-q4f16_1-ctx4k_cs1k-webgpu.wasm',
    required_features: ['shader-f16'],
    overrides: { context_window_size: 4096 },
  },
];

/** A fake llm worker client: records what it was asked, answers generate with a text or waits for Stop. */
function fakeLlm(options: { hang?: boolean } = {}) {
  const calls = { loaded: [] as ModelSpec[], generated: [] as { messages: ChatMessage[]; options: GenerateOptions }[], stopped: 0 };
  const llm: PageLlm = {
    catalog: async () => ({ webllm: webLlmCatalog(RECORDS), cpu: [...CPU_CATALOG], gguf: [] }),
    async load(spec, loadOptions) {
      calls.loaded.push(spec);
      loadOptions?.onProgress?.({ phase: 'download', bytesDone: 5e6, bytesTotal: 10e6, fraction: 0.5, etaSeconds: 3 });
      return { ok: true, value: { id: spec.id, label: spec.label, engine: spec.engine, contextWindow: spec.contextWindow, loadMs: 1234, runtime: 'WebGPU - fake' } };
    },
    async generate(messages, generateOptions = {}) {
      calls.generated.push({ messages: [...messages], options: generateOptions });
      if (options.hang === true) {
        await new Promise<void>((resolve) => generateOptions.signal?.addEventListener('abort', () => resolve(), { once: true }));
        calls.stopped++;
        return { ok: true, value: { text: 'partial', finishReason: 'abort', promptTokens: null, completionTokens: 1, timeToFirstTokenMs: 5, tokensPerSecond: null, totalMs: 9 } };
      }
      const last = messages.at(-1)?.content ?? '';
      return { ok: true, value: { text: `re: ${last}`, finishReason: 'stop', promptTokens: 12, completionTokens: 3, timeToFirstTokenMs: 5, tokensPerSecond: 2, totalMs: 9 } };
    },
    countTokens: async (texts) => texts.map((t) => t.split(' ').length),
  };
  return { llm, calls };
}

function fakeGpu(adapter: { features: string[] } | null): PageGpu {
  return {
    requestAdapter: async () => (adapter === null ? null : { features: new Set(adapter.features), info: { vendor: 'google', architecture: 'swiftshader' } }),
  };
}

const embedRequests: PageEmbedRequest[] = [];
const embedder = (fail = false) => ({
  async embedTexts(request: PageEmbedRequest): Promise<Result<Float32Array[]>> {
    embedRequests.push(request);
    if (fail) return { ok: false, error: new AppError('model-missing', 'tokenizer.json was not found').toJSON() };
    return { ok: true, value: request.texts.map((t) => Float32Array.from([t.length, 0.5])) };
  },
});

/** A Playwright page whose evaluate runs the real page function against `window.evalPage`, JSON in and out. */
function fakePage(api: ReturnType<typeof createEvalPageApi>, options: { closed?: boolean } = {}): Page {
  return {
    async evaluate(fn: (arg: unknown) => unknown, arg: unknown) {
      if (options.closed === true) throw new Error('page.evaluate: Target page, context or browser has been closed\nCall log: …');
      vi.stubGlobal('window', { evalPage: api });
      const result: unknown = await fn(JSON.parse(JSON.stringify(arg)));
      return result === undefined ? undefined : (JSON.parse(JSON.stringify(result)) as unknown);
    },
  } as unknown as Page;
}

function setup(deps: { hang?: boolean; gpu?: PageGpu | undefined; embedFails?: boolean } = {}) {
  const { llm, calls } = fakeLlm({ hang: deps.hang ?? false });
  const progress: LoadProgress[] = [];
  const api = createEvalPageApi({
    llm,
    embedder: () => embedder(deps.embedFails ?? false),
    gpu: 'gpu' in deps ? deps.gpu : fakeGpu({ features: [] }),
    origin: ORIGIN,
    onLoadProgress: (p) => progress.push(p),
  });
  const page = fakePage(api);
  return { api, calls, progress, channel: playwrightChannel(page), page };
}

/** The AppError a promise rejects with (fails the test when it resolves or rejects with something else). */
async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const outcome = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(outcome instanceof AppError)) throw new Error(`expected an AppError rejection, got ${String(outcome)}`);
  return outcome;
}

const OPTIONS: BrowserEngineOptions = {
  engine: 'webllm',
  modelId: 'Qwen2.5-0.5B-Instruct-q4f32_1-MLC',
  dtype: 'q8',
  embedModelId: 'tiny-random-bert-minilm-tok',
  embedDtype: 'q8',
  source: { kind: 'local', dirs: ['models'] },
  contextWindow: 2048,
};

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  embedRequests.length = 0;
});

describe('eval arguments for the browser engines', () => {
  const base = ['chat.txt', '--person', 'Alice'];

  it('accepts webllm and cpu-browser, with the catalog default model for webllm', () => {
    const webllm = parseArgs([...base, '--engine', 'webllm', '--models', 'a:b']);
    expect(webllm).toMatchObject({ engine: 'webllm', model: 'Qwen2.5-0.5B-Instruct-q4f32_1-MLC', modelsDir: 'a:b' });
    const cpu = parseArgs([...base, '--engine=cpu-browser', '--remote', '--model', 'tiny']);
    expect(cpu).toMatchObject({ engine: 'cpu-browser', model: 'tiny', remote: true });
    expect(parseArgs([...base, '--models', 'x'])).toMatchObject({ engine: 'cpu', model: 'HuggingFaceTB/SmolLM2-135M-Instruct' });
  });

  it('says where models must come from, and refuses what the browser embedder lacks', () => {
    expect(() => parseArgs([...base, '--engine', 'webllm'])).toThrow(/--engine webllm needs the model files: --models DIR .* or --remote/);
    expect(() => parseArgs([...base, '--engine', 'cpu-browser', '--remote', '--embed-dtype', 'q4'])).toThrow(/--embed-dtype q4/);
    expect(() => parseArgs([...base, '--engine', 'gpu', '--remote'])).toThrow(/--engine must be cpu, gguf, webllm or cpu-browser, not "gpu"/);
    expect(() => parseArgs([...base, '--engine', 'webllm', '--remote', '--adapter', 'a.gguf'])).toThrow(/--adapter, --adapter-scale, --threads and --sampled are for --engine gguf/);
  });

  it('takes a GGUF file, an adapter and explicit threads for --engine gguf', () => {
    const args = parseArgs([...base, '--engine', 'gguf', '--model', 'm.gguf', '--adapter', 'a.gguf', '--threads', '2', '--remote', '--generate', '3', '--tuning']);
    if (args === 'help') throw new Error('help');
    expect(args).toMatchObject({ engine: 'gguf', model: 'm.gguf', adapter: 'a.gguf', adapterScale: 1, threads: 2, generate: 3, tuning: true });
    expect(parseArgs([...base, '--engine', 'gguf', '--adapter', 'a.gguf', '--adapter-scale', '1.5', '--remote'])).toMatchObject({ adapterScale: 1.5 });
    expect(() => parseArgs([...base, '--engine', 'gguf', '--adapter', 'a.gguf', '--adapter-scale', '3', '--remote'])).toThrow(/--adapter-scale must be a number from 0 to 2, not "3"/);
    expect(() => parseArgs([...base, '--engine', 'gguf', '--adapter-scale', '1.5', '--remote'])).toThrow(/--adapter-scale goes with --adapter/);
    expect(() => parseArgs([...base, '--engine', 'gguf', '--remote', '--threads', '0'])).toThrow(/--threads must be a whole number >= 1/);
  });

  it('documents the browser engines in --help, and exits 2 on a bad engine', async () => {
    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    expect(await main(['--help'])).toBe(0);
    expect(out).toMatch(/--engine cpu\|webllm\|cpu-browser\|gguf/);
    expect(out).toMatch(/--adapter FILE/);
    expect(out).toMatch(/headless Chromium/);
    expect(out).toMatch(/Qwen2\.5-0\.5B-Instruct-q4f32_1-MLC/);
    expect(out).toMatch(/DIR\/mlc\/models\/<repo>\/resolve\/main\//);
    let err = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      err += String(chunk);
      return true;
    });
    expect(await main(['chat.txt', '--person', 'A', '--engine', 'tpu'])).toBe(2);
    expect(err).toContain('--engine must be cpu, gguf, webllm or cpu-browser');
  });
});

describe('model sources and progress lines', () => {
  it('maps --models, --remote and --remote-host to the app sources', () => {
    expect(pageSources({ kind: 'local', dirs: ['x'] })).toEqual({ llm: { kind: 'local' }, embed: { kind: 'local' } });
    expect(pageSources({ kind: 'hub' })).toEqual({ llm: { kind: 'hub' }, embed: { kind: 'hub' } });
    expect(pageSources({ kind: 'custom', baseUrl: 'https://models.example/m' })).toEqual({
      llm: { kind: 'custom', baseUrl: 'https://models.example/m/' },
      embed: { kind: 'custom', baseUrl: 'https://models.example/m/transformers/' },
    });
  });

  it('prints load progress with numbers', () => {
    expect(describeLoadProgress({ phase: 'download', bytesDone: 154e6, bytesTotal: 309e6, fraction: 0.5, etaSeconds: 12.4 })).toBe('model download 50% (154/309 MB, ~12 s left)');
    expect(describeLoadProgress({ phase: 'compile', fraction: 0.3, done: 3, total: 10, etaSeconds: null })).toBe('model shader compile 3/10');
    expect(describeLoadProgress({ phase: 'load', fraction: 1 })).toBe('model load 100%');
  });
});

describe('the node <-> page protocol (fake page and workers)', () => {
  it('checks WebGPU, loads the catalog model from the served /models/ folder, then generates, counts and embeds', async () => {
    const { channel, calls, progress } = setup();
    const status: string[] = [];
    const engines = await prepareEngines(channel, { ...OPTIONS, onStatus: (m) => status.push(m) });
    expect(status[0]).toBe('WebGPU adapter: google swiftshader');
    expect(status.at(-1)).toBe('model ready in 1.2 s on WebGPU - fake');
    // The embedder was tried before the slow model load, from the same source.
    expect(embedRequests[0]).toMatchObject({ texts: ['hello'], source: { kind: 'local' }, model: { id: 'tiny-random-bert-minilm-tok', dtype: 'q8' } });
    const spec = calls.loaded[0];
    expect(spec?.engine).toBe('webllm');
    if (spec?.engine !== 'webllm') return;
    expect(spec.modelUrl).toBe(`${ORIGIN}/models/mlc/models/Qwen2.5-0.5B-Instruct-q4f32_1-MLC/resolve/main/`);
    expect(spec.modelLibUrl).toBe(`${ORIGIN}/models/mlc/libs/v0_2_48/Qwen2-0.5B-Instruct-q4f32_1-ctx4k_cs1k-webgpu.wasm`);
    expect(progress).toHaveLength(1);
    // The smaller of the asked window and the model's.
    expect(engines.contextWindow).toBe(2048);
    expect(engines.modelId).toBe('webllm:Qwen2.5-0.5B-Instruct-q4f32_1-MLC');

    const messages: ChatMessage[] = [{ role: 'system', content: 'be Alice' }, { role: 'user', content: 'hi there' }];
    expect(await engines.generate(messages, { temperature: 0, max_tokens: 2, seed: 1 })).toBe('re: hi there');
    expect(calls.generated[0]?.messages).toEqual(messages);
    expect(calls.generated[0]?.options).toMatchObject({ temperature: 0, max_tokens: 2, seed: 1 });
    expect(await engines.countTokens(['a b c', 'd'])).toEqual([3, 1]);
    const vectors = await engines.embed(['abc', 'hello!']);
    expect(vectors.map((v) => v instanceof Float32Array)).toEqual([true, true]);
    expect(vectors.map((v) => Array.from(v))).toEqual([[3, 0.5], [6, 0.5]]);
  });

  it('without a WebGPU adapter says so and suggests the CPU engine, before loading anything', async () => {
    for (const gpu of [fakeGpu(null), undefined]) {
      const { channel, calls } = setup({ gpu });
      const error = await rejection(prepareEngines(channel, OPTIONS));
      expect(error.code).toBe('no-webgpu');
      expect(error.message).toMatch(/WebGPU.*--engine cpu/);
      expect(calls.loaded).toHaveLength(0);
    }
  });

  it('names the catalog ids for an unknown model, and refuses f16 builds on an adapter without shader-f16', async () => {
    const unknown = setup();
    const error = await rejection(prepareEngines(unknown.channel, { ...OPTIONS, modelId: 'Qwen9-0.1B' }));
    expect(error).toMatchObject({ code: 'unknown-model' });
    expect(error.message).toContain('"Qwen9-0.1B" is not in the app\'s WebLLM catalog');
    expect(error.message).toContain('Qwen2.5-0.5B-Instruct-q4f32_1-MLC');
    const f16 = setup();
    const f16Error = await rejection(prepareEngines(f16.channel, { ...OPTIONS, modelId: 'Qwen2.5-0.5B-Instruct-q4f16_1-MLC' }));
    expect(f16Error).toMatchObject({ code: 'shader-f16-unsupported' });
    expect(f16.calls.loaded).toHaveLength(0);
  });

  it('fails early with the embedding model named when it cannot load', async () => {
    const { channel, calls } = setup({ embedFails: true });
    const error = await rejection(prepareEngines(channel, OPTIONS));
    expect(error).toMatchObject({ code: 'model-missing' });
    expect(error.message).toBe('The embedding model "tiny-random-bert-minilm-tok" failed in the browser: tokenizer.json was not found');
    expect(calls.loaded).toHaveLength(0);
  });

  it('loads an unlisted CPU model from the served transformers/ folder, no WebGPU needed', async () => {
    const { channel, calls } = setup({ gpu: undefined });
    const engines = await prepareEngines(channel, { ...OPTIONS, engine: 'cpu', modelId: 'tiny-random-llama-smollm2-tok', contextWindow: 1024 });
    expect(calls.loaded[0]).toMatchObject({ engine: 'cpu', modelId: 'tiny-random-llama-smollm2-tok', dtype: 'q8', contextWindow: 1024, source: { kind: 'local', path: '/models/transformers/' } });
    expect(engines.modelId).toBe('tiny-random-llama-smollm2-tok@q8 (browser)');
  });

  it('an abort stops the reply in the page and rejects with code aborted', async () => {
    const { channel, calls } = setup({ hang: true });
    const engines = await prepareEngines(channel, OPTIONS);
    const controller = new AbortController();
    const reply = rejection(engines.generate([{ role: 'user', content: 'hi' }], { max_tokens: 2 }, controller.signal));
    await vi.waitFor(() => expect(calls.generated).toHaveLength(1));
    controller.abort();
    expect(await reply).toMatchObject({ code: 'aborted' });
    // The page saw the Stop (its generate's signal fired) rather than decoding on after node gave up.
    await vi.waitFor(() => expect(calls.stopped).toBe(1));
  });

  it('a run cancelled before it starts rejects aborted and leaves no stray rejection behind', async () => {
    const { channel, calls } = setup();
    const controller = new AbortController();
    controller.abort();
    expect(await rejection(prepareEngines(channel, { ...OPTIONS, signal: controller.signal }))).toMatchObject({ code: 'aborted' });
    expect(calls.loaded).toHaveLength(0);
  });

  it('a page call after the browser closed is an AppError, or aborted when the run was cancelled', async () => {
    const { api } = setup();
    const closed = fakePage(api, { closed: true });
    const crashed = await rejection(playwrightChannel(closed).call('countTokens', ['x']));
    expect(crashed).toMatchObject({ code: 'browser-crashed', message: 'The browser page running the model stopped (page.evaluate: Target page, context or browser has been closed).' });
    const controller = new AbortController();
    controller.abort();
    const cancelled = await rejection(playwrightChannel(closed, controller.signal).call('countTokens', ['x']));
    expect(cancelled).toMatchObject({ code: 'aborted' });
  });

  it('a page failure in generate comes back as the page error (code and sentence kept)', async () => {
    const { api } = setup();
    // Nothing loaded yet: the page refuses to generate.
    const channel: PageChannel = playwrightChannel(fakePage(api));
    const result = await channel.call('generate', 1, [{ role: 'user', content: 'x' }], {});
    expect(result).toEqual({ ok: false, error: { name: 'AppError', code: 'no-model', message: 'No model is loaded in the eval page.' } });
  });
});
