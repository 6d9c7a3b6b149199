// `npm run bench:gguf:profile`: where the browser's GGUF decode time goes. Bare wllama (the same worker
// bench:gguf compares the app with) decodes a short prompt in Chromium while the browser's own tracing
// samples every thread with V8's CPU profiler; the WebAssembly functions keep their names, so the JSON
// lists the busiest thread's top functions by share of samples (e.g. the dot-product kernels of each
// quantization type), plus the decode speed of that run. On the real Gemma 3 270M when `npm run
// models:real` has fetched it, else on the tiny test GGUF; --model FILE (under .models/) profiles another.
// Usage: tsx tests/bench/gguf-profile.bench.ts [--threads 1] [--tokens 48] [--model FILE]
import { chromium, type Browser } from '@playwright/test';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { createServer, type ViteDevServer } from 'vite';
import { launchOptions } from '../e2e/browser';
import { writeTinyGgufs } from '../model-gen/gguf';
import type { GgufBenchApi } from './gguf-page';
import { MODELS, modelFileArg, positiveIntArg } from './args';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TEST_MODELS = fileURLToPath(new URL('../.models/', import.meta.url));
const PORT = 4194;
const log = (line: string) => process.stderr.write(`${line}\n`);

const threads = positiveIntArg('--threads', 1);
const tokens = positiveIntArg('--tokens', 48);
const other = modelFileArg();
const real = existsSync(`${MODELS}gguf/gemma-3-270m-q4_k_m.gguf`);
if (other === undefined && !real) writeTinyGgufs(`${TEST_MODELS}gguf/`);
const served = other !== undefined ? other.slice(MODELS.length) : real ? 'gguf/gemma-3-270m-q4_k_m.gguf' : 'gguf/tiny-base.gguf';
const PROMPT = 'A text-message chat between Alex and Sam. One message per line.\n…\nSam: hey are you coming tonight?\nAlex:';

interface TraceEvent {
  name?: string;
  pid?: number;
  tid?: number;
  id?: string;
  args?: { data?: { cpuProfile?: { nodes?: { id: number; callFrame: { functionName?: string; url?: string } }[]; samples?: number[] } } };
}

/** Per profiled thread: samples by function name (V8 sends the profile in chunks of new nodes and samples). */
function samplesByThread(events: TraceEvent[]): Map<string, Map<string, number>> {
  const names = new Map<string, string>();
  const threads = new Map<string, Map<string, number>>();
  for (const e of events) {
    const profile = e.name === 'ProfileChunk' ? e.args?.data?.cpuProfile : undefined;
    if (profile === undefined) continue;
    const key = `${e.pid}:${e.id}`;
    for (const node of profile.nodes ?? []) names.set(`${key}:${node.id}`, node.callFrame.functionName || node.callFrame.url || '(anonymous)');
    const counts = threads.get(key) ?? new Map<string, number>();
    for (const s of profile.samples ?? []) {
      const name = names.get(`${key}:${s}`) ?? '(unknown)';
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    threads.set(key, counts);
  }
  return threads;
}

process.env['PERSONAYOU_TEST_MODELS'] = TEST_MODELS;
const server: ViteDevServer = await createServer({
  root: ROOT,
  logLevel: 'error',
  server: { port: PORT, strictPort: true, host: '127.0.0.1', hmr: false, watch: null },
  optimizeDeps: { entries: ['tests/bench/gguf-bench.html', 'tests/bench/gguf-bare-worker.ts'], include: ['comlink'] },
});
let browser: Browser | undefined;
try {
  await server.listen();
  browser = await chromium.launch({ ...launchOptions(), headless: true });
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${PORT}/tests/bench/gguf-bench.html`);
  await page.waitForFunction(() => document.body.dataset['ready'] === 'true', undefined, { timeout: 120_000 });
  type Bench = { ggufBench: GgufBenchApi };
  log(`loading ${served} in bare wllama, ${threads} thread(s)`);
  await page.evaluate((r) => (window as unknown as Bench).ggufBench.loadBare(r), { type: 'load' as const, url: `http://127.0.0.1:${PORT}/models/${served}`, threads, contextWindow: 2048 });
  await page.evaluate((p) => (window as unknown as Bench).ggufBench.bareRound(p, 8), PROMPT);

  const cdp = await browser.newBrowserCDPSession();
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e: { value: TraceEvent[] }) => events.push(...e.value));
  const complete = new Promise<void>((done) => cdp.on('Tracing.tracingComplete', () => done()));
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: ['disabled-by-default-v8.cpu_profiler', 'v8'], recordMode: 'recordContinuously' }, transferMode: 'ReportEvents' });
  log(`decoding ${tokens} tokens under the profiler`);
  const round = await page.evaluate(([p, n]) => (window as unknown as Bench).ggufBench.bareRound(p, n), [PROMPT, tokens] as const);
  await cdp.send('Tracing.end');
  await complete;

  // The thread that decodes is the busiest one (the page and the worker's JavaScript side mostly idle).
  const busy = [...samplesByThread(events).values()]
    .map((counts) => ({ counts, work: [...counts].filter(([n]) => n !== '(idle)').reduce((a, [, c]) => a + c, 0) }))
    .sort((a, b) => b.work - a.work);
  const top = busy[0];
  if (top === undefined || top.work === 0) throw new Error('the trace holds no CPU profile samples');
  const total = [...top.counts.values()].reduce((a, b) => a + b, 0);
  const functions = [...top.counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15)
    .map(([name, count]) => ({ name, share: Math.round((count / total) * 1000) / 1000 }));
  process.stdout.write(
    `${JSON.stringify(
      {
        bench: 'gguf-profile',
        model: served,
        engine: 'bare wllama 3.13.0 (llama.cpp WebAssembly, SIMD128), CPU only',
        machine: { cpus: os.cpus().length, loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10) },
        threads,
        decode: round,
        busiestThread: { samples: total, functions },
      },
      null,
      2,
    )}\n`,
  );
} finally {
  await browser?.close();
  await server.close();
}
