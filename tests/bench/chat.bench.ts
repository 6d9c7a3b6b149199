// `npm run bench:chat`: time to first token and decode tokens/s of the CPU engine in Chromium, through
// the app's llm worker (LlmClient, as the chat screen uses it) and through a bare transformers.js
// pipeline worker, on the same model and the same assembled persona prompt; their ratio is the app's
// overhead. Rounds alternate app/bare so machine load drifts hit both alike. One JSON object on stdout.
// Usage: tsx tests/bench/chat.bench.ts [--rounds 5] [--tokens 32]
import { chromium, type Browser, type Page } from '@playwright/test';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { createServer, type ViteDevServer } from 'vite';
import type { ModelSpec } from '../../src/lib/llm/types';
import { launchOptions } from '../e2e/browser';
import { ensureTestModels, SERVED_MODELS } from '../model-gen/test-models';
import type { ChatBenchApi, RoundTiming } from './chat-page';
import { personaPromptData, type PersonaPromptData } from './chat-persona';
import { positiveIntArg } from './args';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LOCAL_PATH = '/models/transformers/';
const PORT = 4192;

const rounds = positiveIntArg('--rounds', 5);
const maxNewTokens = positiveIntArg('--tokens', 32);
const log = (line: string) => process.stderr.write(`${line}\n`);

// The benchmark-grade model: the exact SmolLM2-135M-Instruct shape (random weights, real tokenizer and
// template), generated into tests/.models on first use (about 160 MB, seconds).
const modelId = 'SmolLM2-135M-Instruct-randomweights';
ensureTestModels([modelId], { log });
const spec: ModelSpec = { engine: 'cpu', id: `cpu:${modelId}`, label: modelId, modelId, dtype: 'q8', contextWindow: 2048, source: { kind: 'local', path: LOCAL_PATH } };

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const round2 = (x: number) => Math.round(x * 100) / 100;

function summary(timings: RoundTiming[]) {
  return {
    medianTtftMs: median(timings.map((t) => t.ttftMs)),
    medianTokensPerSecond: round2(median(timings.map((t) => t.tokensPerSecond))),
    medianTotalMs: median(timings.map((t) => t.totalMs)),
    rounds: timings,
  };
}

const data: PersonaPromptData & { fixture: string } = await personaPromptData(spec.contextWindow, maxNewTokens);
process.env['PERSONAYOU_TEST_MODELS'] = SERVED_MODELS;
const server: ViteDevServer = await createServer({
  root: ROOT,
  logLevel: 'error',
  // No watching and no HMR: files edited meanwhile must not reload the page mid-measurement.
  server: { port: PORT, strictPort: true, host: '127.0.0.1', hmr: false, watch: null },
  // Scanned up front: a dependency discovered late makes the dev server reload the page mid-run.
  optimizeDeps: { entries: ['tests/bench/chat-bench.html', 'tests/bench/chat-bare-worker.ts', 'workers/llm.worker.ts', 'src/lib/llm/cpu-engine.ts'], include: ['comlink'] },
});
let browser: Browser | undefined;
try {
  await server.listen();
  browser = await chromium.launch({ ...launchOptions(), headless: true });
  const page: Page = await browser.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') log(`[page] ${m.text()}`);
  });
  await page.goto(`http://127.0.0.1:${PORT}/tests/bench/chat-bench.html`);
  await page.waitForFunction(() => document.body.dataset['ready'] === 'true', undefined, { timeout: 120_000 });
  type Bench = { chatBench: ChatBenchApi };

  log(`model ${modelId}: loading through the app's llm worker`);
  const appLoadMs = await page.evaluate((s) => (window as unknown as Bench).chatBench.loadApp(s), spec);
  log('loading the bare pipeline worker');
  const bareLoadMs = await page.evaluate(([id, path]) => (window as unknown as Bench).chatBench.loadBare(id, path), [modelId, LOCAL_PATH] as const);
  const prompt = await page.evaluate((d) => (window as unknown as Bench).chatBench.assemble(d), data);
  log(`prompt: ${prompt.templatedTokens} tokens (chat template included), ${prompt.examples} examples`);

  const appRound = () => page.evaluate(([m, n]) => (window as unknown as Bench).chatBench.appRound(m, n), [prompt.messages, maxNewTokens] as const);
  const bareRound = () => page.evaluate(([m, n]) => (window as unknown as Bench).chatBench.bareRound(m, n), [prompt.messages, maxNewTokens] as const);
  // One unmeasured round each: the first full-length prompt grows ORT's buffers.
  await appRound();
  await bareRound();
  const app: Awaited<ReturnType<typeof appRound>>[] = [];
  const bareTimings: RoundTiming[] = [];
  for (let i = 0; i < rounds; i++) {
    app.push(await appRound());
    bareTimings.push(await bareRound());
    log(`round ${i + 1}/${rounds}: app ttft ${app.at(-1)?.ttftMs} ms, bare ttft ${bareTimings.at(-1)?.ttftMs} ms`);
  }
  const appSummary = summary(app);
  const bareSummary = summary(bareTimings);
  process.stdout.write(
    `${JSON.stringify(
      {
        bench: 'chat',
        model: { id: modelId, dtype: spec.dtype, engine: 'cpu (transformers.js 4.3.1, onnxruntime-web wasm)', weights: 'random, real shape and tokenizer' },
        machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10) },
        prompt: {
          fixture: data.fixture,
          persona: 'most active author, PII masked',
          tokens: prompt.templatedTokens,
          assembledEstimate: prompt.estimatedTokens,
          examples: prompt.examples,
          keptHistory: prompt.keptHistory,
          systemChars: prompt.systemChars,
          enginePromptTokens: app[0]?.promptTokens ?? null,
        },
        settings: { maxNewTokens, minNewTokens: maxNewTokens, greedy: true, rounds, timedFrom: 'page: request sent -> first streamed token -> reply resolved' },
        loadMs: { app: appLoadMs, bare: bareLoadMs },
        app: {
          ...appSummary,
          medianEngineTtftMs: median(app.map((t) => t.engineTtftMs ?? Number.NaN)),
          medianEngineTokensPerSecond: median(app.map((t) => t.engineTokensPerSecond ?? Number.NaN)),
        },
        bare: bareSummary,
        overhead: {
          ttftRatio: round2(appSummary.medianTtftMs / bareSummary.medianTtftMs),
          // >1 means the app decodes slower than the bare engine.
          tokensPerSecondRatio: round2(bareSummary.medianTokensPerSecond / appSummary.medianTokensPerSecond),
          totalRatio: round2(appSummary.medianTotalMs / bareSummary.medianTotalMs),
        },
      },
      null,
      2,
    )}\n`,
  );
} finally {
  await browser?.close();
  await server.close();
}
