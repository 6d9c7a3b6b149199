// `npm run eval -- --engine webllm|cpu-browser`: the evaluation's model calls run in headless Chromium,
// through the app's own llm worker (WebLLM on WebGPU, or transformers.js on WASM) and embed worker. Node
// keeps runFidelityEval; each generate/countTokens/embed is one call into a harness page
// (src/cli/eval-page.html) served by a Vite dev server of this run's own, never part of the app build.
// Invariants: an abort (Ctrl-C) stops the reply in flight, then dispose() closes browser and server;
// every failure in the page reaches node as an AppError with a sentence (never a hang, never a bare string).

import type { Browser, Page } from '@playwright/test';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ViteDevServer } from 'vite';
import type { Dtype as EmbedDtype, ModelSource as EmbedSource } from '../lib/embed/models';
import type { LlmModelSource } from '../lib/llm/catalog';
import type { CpuDtype, LoadProgress } from '../lib/llm/types';
import type { EvalEngines } from '../lib/persona/fidelity-run';
import { AppError } from '../lib/rpc/app-error';
import type { Result } from '../lib/rpc/progress';
import type { EvalPageApi, EvalPageWindow, PageLoaded, PageLoadRequest } from './eval-page-api';

export type BrowserEngine = 'webllm' | 'cpu';

/** Where the page fetches model files: this run's server (`--models`), the hub, or a server laid out like /models/. */
export type BrowserModelSource = { kind: 'local'; dirs: string[] } | { kind: 'hub' } | { kind: 'custom'; baseUrl: string };

export interface BrowserEngineOptions {
  engine: BrowserEngine;
  /** WebLLM: an id of the app's catalog; CPU: a transformers.js model id (folder below transformers/, or hub id). */
  modelId: string;
  /** CPU engine only. */
  dtype: CpuDtype;
  embedModelId: string;
  embedDtype: EmbedDtype;
  source: BrowserModelSource;
  /** Upper bound on the prompt + reply tokens (the model's own window when smaller). */
  contextWindow: number;
  signal?: AbortSignal;
  onStatus?: (message: string) => void;
}

export interface BrowserEngines extends EvalEngines {
  /** What ran the model, as the app names it ("WebGPU - …", "CPU (WASM, …)"). */
  runtime: string;
  loadMs: number;
  dispose(): Promise<void>;
}

type Method = keyof EvalPageApi;
type Reply<M extends Method> = Awaited<ReturnType<EvalPageApi[M]>>;

/** One call into the page; the real one is page.evaluate, the tests use an in-process fake. */
export interface PageChannel {
  call<M extends Method>(method: M, ...args: Parameters<EvalPageApi[M]>): Promise<Reply<M>>;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PAGE_PATH = 'src/cli/eval-page.html';
const HEARTBEAT_MS = 30_000;

function aborted(): AppError {
  return new AppError('aborted', 'The fidelity evaluation was cancelled; no report was made.');
}

function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw AppError.fromJSON(result.error);
}

/** The app's model sources for the page (the LLM catalog's and the embedder's differ in shape). */
export function pageSources(source: BrowserModelSource): { llm: LlmModelSource; embed: EmbedSource } {
  if (source.kind === 'local') return { llm: { kind: 'local' }, embed: { kind: 'local' } };
  if (source.kind === 'hub') return { llm: { kind: 'hub' }, embed: { kind: 'hub' } };
  const base = source.baseUrl.endsWith('/') ? source.baseUrl : `${source.baseUrl}/`;
  // The app's self-hosted layout: mlc/... for WebLLM, transformers/<id>/resolve/main/ for transformers.js.
  return { llm: { kind: 'custom', baseUrl: base }, embed: { kind: 'custom', baseUrl: `${base}transformers/` } };
}

/** One stderr-friendly line per load progress report. */
export function describeLoadProgress(p: LoadProgress): string {
  const pct = (f: number) => `${Math.round(f * 100)}%`;
  switch (p.phase) {
    case 'download': {
      const mb = (b: number) => Math.round(b / 1e6);
      const bytes = p.bytesTotal === null ? `${mb(p.bytesDone)} MB` : `${mb(p.bytesDone)}/${mb(p.bytesTotal)} MB`;
      return `model download ${pct(p.fraction)} (${bytes}${p.etaSeconds === null ? '' : `, ~${Math.round(p.etaSeconds)} s left`})`;
    }
    case 'load':
      return `model load ${pct(p.fraction)}`;
    case 'compile':
      return `model shader compile ${p.done}/${p.total}${p.etaSeconds === null ? '' : ` (~${Math.round(p.etaSeconds)} s left)`}`;
    case 'warm-up':
      return 'model warm-up';
  }
}

/** Rejects with 'aborted' as soon as the signal aborts, whatever `work` does. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  if (signal.aborted) {
    // Nobody waits for `work` any more: its own failure (the browser closing under it) is expected.
    work.catch(() => undefined);
    return Promise.reject(aborted());
  }
  return new Promise<T>((resolvePromise, reject) => {
    const onAbort = (): void => reject(aborted());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolvePromise(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(signal.aborted ? aborted() : error);
      },
    );
  });
}

/**
 * Checks and loads in the page (WebGPU adapter for WebLLM, the embedding model with one test sentence so a
 * missing embedder fails before the slow LLM load, then the LLM), and returns EvalEngines over the channel.
 */
export async function prepareEngines(
  channel: PageChannel,
  options: Omit<BrowserEngineOptions, 'source'> & { source: BrowserModelSource },
): Promise<Omit<BrowserEngines, 'dispose'>> {
  const { signal } = options;
  const status = options.onStatus ?? (() => undefined);
  const sources = pageSources(options.source);
  if (options.engine === 'webllm') {
    const gpu = unwrap(await untilAborted(channel.call('checkWebGpu', false), signal));
    status(`WebGPU adapter: ${gpu.adapter}`);
  }
  const embedModel = { id: options.embedModelId, dtype: options.embedDtype, dims: null, label: options.embedModelId };
  const embedOnce = async (texts: string[], sig: AbortSignal | undefined): Promise<Float32Array[]> => {
    const result = await untilAborted(channel.call('embed', { model: embedModel, source: sources.embed, texts }), sig);
    if (!result.ok) {
      throw new AppError(result.error.code, `The embedding model "${options.embedModelId}" failed in the browser: ${result.error.message}`);
    }
    return result.value.map((v) => Float32Array.from(v));
  };
  status(`loading embedding model ${options.embedModelId} in the browser …`);
  await embedOnce(['hello'], signal);

  status(`loading language model ${options.modelId} in the browser (${options.engine === 'webllm' ? 'WebLLM' : 'transformers.js, WASM'}) …`);
  const request: PageLoadRequest =
    options.engine === 'webllm'
      ? { engine: 'webllm', model: options.modelId, source: sources.llm, contextWindow: options.contextWindow }
      : { engine: 'cpu', model: options.modelId, dtype: options.dtype, source: sources.llm, contextWindow: options.contextWindow };
  const loadResult = await untilAborted(channel.call('load', request), signal);
  if (!loadResult.ok) throw new AppError(loadResult.error.code, `The language model "${options.modelId}" could not be loaded: ${loadResult.error.message}`);
  const loaded: PageLoaded = loadResult.value;
  status(`model ready in ${Math.round(loaded.loadMs / 100) / 10} s on ${loaded.runtime}`);

  let nextId = 1;
  return {
    modelId: options.engine === 'webllm' ? `webllm:${loaded.id}` : `${options.modelId}@${options.dtype} (browser)`,
    contextWindow: Math.min(options.contextWindow, loaded.contextWindow),
    runtime: loaded.runtime,
    loadMs: loaded.loadMs,
    async generate(messages, generation, sig) {
      const id = nextId++;
      // Stop the reply in the page too: a WebLLM token can take seconds on a software adapter.
      const stop = (): void => {
        channel.call('abort', id).catch(() => undefined);
      };
      sig?.addEventListener('abort', stop, { once: true });
      // A reply can take minutes on a software adapter (prefill of a long prompt): say it is still alive.
      const started = Date.now();
      const heartbeat = setInterval(() => status(`reply ${id} still running (${Math.round((Date.now() - started) / 1000)} s)`), HEARTBEAT_MS);
      try {
        return unwrap(await untilAborted(channel.call('generate', id, messages, generation), sig));
      } finally {
        clearInterval(heartbeat);
        sig?.removeEventListener('abort', stop);
      }
    },
    async countTokens(texts) {
      return unwrap(await untilAborted(channel.call('countTokens', texts), signal));
    },
    embed: (texts, sig) => embedOnce(texts, sig ?? signal),
  };
}

/** A channel over a Playwright page holding the harness; a closed or crashed page becomes an AppError. */
export function playwrightChannel(page: Page, signal?: AbortSignal): PageChannel {
  return {
    async call<M extends Method>(method: M, ...args: Parameters<EvalPageApi[M]>): Promise<Reply<M>> {
      try {
        const value: unknown = await page.evaluate(
          ([m, a]) => {
            const api = (window as unknown as EvalPageWindow).evalPage as unknown as Record<string, (...xs: unknown[]) => unknown>;
            return api[m]?.(...a);
          },
          [method, args as unknown[]] as const,
        );
        return value as Reply<M>;
      } catch (error) {
        if (signal?.aborted === true) throw aborted();
        const detail = error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
        throw new AppError('browser-crashed', `The browser page running the model stopped (${detail}).`);
      }
    },
  };
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

/** The harness server: the page, the app's workers, and `dirs` at /models/ with real 404s. */
async function startServer(dirs: string[]): Promise<{ server: ViteDevServer; url: string }> {
  const { createServer } = await import('vite');
  const { serveModels } = await import('../server/serve-models');
  const port = await freePort();
  const models = dirs.length === 0 ? null : serveModels(dirs.map((d) => resolve(d)));
  const server = await createServer({
    // Self-contained: not the app's vite.config.ts (no PWA, no Svelte), so eval never touches the app build.
    configFile: false,
    root: ROOT,
    cacheDir: 'node_modules/.vite-eval',
    logLevel: 'error',
    plugins: models === null ? [] : [models],
    worker: { format: 'es' },
    // No watching and no HMR: files edited meanwhile must not reload the page mid-run.
    server: { port, strictPort: true, host: '127.0.0.1', hmr: false, watch: null },
    // Scanned up front: a dependency discovered late makes the dev server reload the page mid-run.
    optimizeDeps: {
      entries: [PAGE_PATH, 'workers/llm.worker.ts', 'workers/embed.worker.ts'],
      include: ['comlink', '@huggingface/transformers', '@mlc-ai/web-llm'],
    },
  });
  await server.listen();
  return { server, url: `http://127.0.0.1:${port}/` };
}

/** Starts the server and headless Chromium, loads the models in the page, and returns the engines. */
export async function createBrowserEngines(options: BrowserEngineOptions): Promise<BrowserEngines> {
  const status = options.onStatus ?? (() => undefined);
  const { chromium } = await import('@playwright/test');
  const { launchOptions } = await import('../../tests/e2e/browser');
  let server: ViteDevServer | null = null;
  let browser: Browser | null = null;
  const dispose = async (): Promise<void> => {
    await browser?.close().catch(() => undefined);
    browser = null;
    await server?.close().catch(() => undefined);
    server = null;
  };
  try {
    const started = await startServer(options.source.kind === 'local' ? options.source.dirs : []);
    server = started.server;
    status('starting headless Chromium …');
    // SIGINT is ours: the run aborts, stops the reply in flight, then closes the browser itself.
    browser = await chromium.launch({ ...launchOptions(), headless: true, handleSIGINT: false });
    const page = await browser.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') status(`[page] ${m.text()}`);
    });
    let lastLine = '';
    let lastAt = 0;
    await page.exposeFunction('evalLoadProgress', (p: LoadProgress) => {
      const line = describeLoadProgress(p);
      const now = Date.now();
      // A new phase and a phase's end always print, otherwise at most one line every 2 s; never a repeat.
      const end = ('fraction' in p && p.fraction >= 1) || (p.phase === 'compile' && p.done >= p.total);
      if (line === lastLine || (!end && line.split(' ')[1] === lastLine.split(' ')[1] && now - lastAt < 2000)) return;
      lastLine = line;
      lastAt = now;
      status(line);
    });
    await untilAborted(page.goto(`${started.url}${PAGE_PATH}`), options.signal);
    await untilAborted(page.waitForFunction(() => document.body.dataset['ready'] === 'true', undefined, { timeout: 180_000 }), options.signal);
    const engines = await prepareEngines(playwrightChannel(page, options.signal), options);
    return { ...engines, dispose };
  } catch (error) {
    await dispose();
    if (options.signal?.aborted === true) throw aborted();
    if (error instanceof AppError) throw error;
    const detail = error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
    throw new AppError('browser-failed', `Headless Chromium could not run the evaluation page (${detail}).`);
  }
}
