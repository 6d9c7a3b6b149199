// `npm run bench:gguf`: decode tokens/s of the GGUF engine in Chromium through the app's llm worker
// (LlmClient -> worker-api -> wllama-engine, as the chat uses it) and through a bare wllama worker, on the
// same model, prompt, threads and llama.cpp settings; their ratio is the app's overhead. Then 1 vs 2
// threads, and llama.cpp settings that may move decode speed (flash attention, batch sizes); native
// llama.cpp (node-llama-cpp) on the same file and prompt as the reference; and the time to first token of
// a full persona prompt, then of the next message in the same chat (the stable start of the prompt stays
// in the KV cache), next to that next prompt on an empty cache. On the real
// Gemma 3 270M when .models/gguf/gemma-3-270m-q4_k_m.gguf exists (npm run models:real), else on the
// project's tiny random GGUF. Rounds alternate app/bare so machine load drifts hit both alike. One JSON
// object on stdout, progress on stderr.
// With --adapter FILE (a LoRA GGUF for the model), decode with the adapter is measured against without it,
// natively (node-llama-cpp) and through the app (the adapter stored in OPFS and loaded with the model).
// --model FILE measures another GGUF kept under .models/ (e.g. the same weights in another quantization type);
// --decode-only skips the persona prompt and the llama.cpp settings; --persona-only measures only the persona prompt.
// Usage: tsx tests/bench/gguf.bench.ts [--rounds 3] [--tokens 64] [--no-variants] [--decode-only | --persona-only] [--tiny] [--model FILE] [--adapter FILE]
import { chromium, type Browser, type Page } from '@playwright/test';
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import os from 'node:os';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type ViteDevServer } from 'vite';
import type { GgufTuning, ModelSpec } from '../../src/lib/llm/types';
import { launchOptions } from '../e2e/browser';
import { writeTinyGgufs } from '../model-gen/gguf';
import { personaPromptData } from './chat-persona';
import { nativeDecode } from './gguf-native';
import type { GgufBenchApi, RoundTiming } from './gguf-page';
import { MODELS, modelFileArg, positiveIntArg } from './args';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const REAL = fileURLToPath(new URL('../../.models/gguf/gemma-3-270m-q4_k_m.gguf', import.meta.url));
const TEST_MODELS = fileURLToPath(new URL('../.models/', import.meta.url));
const PORT = 4193;

const rounds = positiveIntArg('--rounds', 3);
const maxTokens = positiveIntArg('--tokens', 64);
const variants = !process.argv.includes('--no-variants');
const log = (line: string) => process.stderr.write(`${line}\n`);

const other = modelFileArg();
const decodeOnly = process.argv.includes('--decode-only');
const personaOnly = process.argv.includes('--persona-only');
const real = other !== undefined || (existsSync(REAL) && !process.argv.includes('--tiny'));
if (!real) writeTinyGgufs(`${TEST_MODELS}gguf/`);
/** The measured file on disk and its path under the served /models/. */
const modelPath = other ?? (real ? REAL : `${TEST_MODELS}gguf/tiny-base.gguf`);
const servedPath = other !== undefined ? other.slice(MODELS.length) : real ? 'gguf/gemma-3-270m-q4_k_m.gguf' : 'gguf/tiny-base.gguf';
const file = servedPath.split('/').at(-1) ?? servedPath;
const modelUrl = `http://127.0.0.1:${PORT}/models/${servedPath}`;
const contextWindow = 2048;
// A short persona transcript, as the base-model prompt mode writes it.
const PROMPT =
  'A text-message chat between Alex and Sam. One message per line.\n…\nSam: hey are you coming tonight?\nAlex: yes! what time?\nSam: 8, at the usual place\nAlex: perfect, I will bring the cards\nSam: what time does the game start?\nAlex:';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const round2 = (x: number) => Math.round(x * 100) / 100;

function spec(tuning: GgufTuning): ModelSpec {
  return { engine: 'gguf', id: 'bench', label: file, source: { kind: 'url', url: modelUrl }, contextWindow, tuning: { cpuOnly: true, ...tuning } };
}

process.env['PERSONAYOU_TEST_MODELS'] = TEST_MODELS;
const server: ViteDevServer = await createServer({
  root: ROOT,
  logLevel: 'error',
  server: { port: PORT, strictPort: true, host: '127.0.0.1', hmr: false, watch: null },
  optimizeDeps: { entries: ['tests/bench/gguf-bench.html', 'tests/bench/gguf-bare-worker.ts', 'workers/llm.worker.ts', 'src/lib/llm/wllama-engine.ts'], include: ['comlink'] },
});
let browser: Browser | undefined;
try {
  await server.listen();
  browser = await chromium.launch({ ...launchOptions(), headless: true });
  const page: Page = await browser.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') log(`[page] ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) log(`[page] ${r.status()} ${r.url()}`);
  });
  await page.goto(`http://127.0.0.1:${PORT}/tests/bench/gguf-bench.html`);
  await page.waitForFunction(() => document.body.dataset['ready'] === 'true', undefined, { timeout: 120_000 });
  type Bench = { ggufBench: GgufBenchApi };
  const isolated = await page.evaluate(() => (window as unknown as Bench).ggufBench.isolated());
  if (!isolated) throw new Error('the bench page is not cross-origin isolated: the dev server must send COOP/COEP for threads');

  const appRound = () => page.evaluate(([p, n]) => (window as unknown as Bench).ggufBench.appRound(p, n), [PROMPT, maxTokens] as const);
  const bareRound = () => page.evaluate(([p, n]) => (window as unknown as Bench).ggufBench.bareRound(p, n), [PROMPT, maxTokens] as const);

  /** App and bare on the same settings, alternating; one unmeasured round each first. */
  async function compare(threads: number, tuning: GgufTuning = {}) {
    log(`${threads} thread(s) ${JSON.stringify(tuning)}: loading app and bare`);
    const appLoad = await page.evaluate((s) => (window as unknown as Bench).ggufBench.loadApp(s), spec({ threads, ...tuning }));
    const bareLoad = await page.evaluate(
      (r) => (window as unknown as Bench).ggufBench.loadBare(r),
      { type: 'load' as const, url: modelUrl, threads, contextWindow, ...(tuning.flashAttn === undefined ? {} : { flashAttn: tuning.flashAttn }), ...(tuning.nBatch === undefined ? {} : { nBatch: tuning.nBatch }), ...(tuning.nUbatch === undefined ? {} : { nUbatch: tuning.nUbatch }) },
    );
    await appRound();
    await bareRound();
    const app: Awaited<ReturnType<typeof appRound>>[] = [];
    const bare: RoundTiming[] = [];
    for (let i = 0; i < rounds; i++) {
      app.push(await appRound());
      bare.push(await bareRound());
      log(`  round ${i + 1}/${rounds}: app ${app.at(-1)?.tokensPerSecond} tok/s, bare ${bare.at(-1)?.tokensPerSecond} tok/s`);
    }
    await page.evaluate(() => (window as unknown as Bench).ggufBench.unloadApp());
    await page.evaluate(() => (window as unknown as Bench).ggufBench.unloadBare());
    const appTps = round2(median(app.map((t) => t.tokensPerSecond)));
    const bareTps = round2(median(bare.map((t) => t.tokensPerSecond)));
    return {
      threads,
      tuning,
      runtime: appLoad.runtime,
      bareThreads: bareLoad.threads,
      loadMs: { app: appLoad.ms, bare: bareLoad.ms },
      app: { medianTokensPerSecond: appTps, medianTtftMs: median(app.map((t) => t.ttftMs)), medianEngineTokensPerSecond: median(app.map((t) => t.engineTokensPerSecond ?? Number.NaN)), promptTokens: app[0]?.promptTokens ?? null },
      bare: { medianTokensPerSecond: bareTps, medianTtftMs: median(bare.map((t) => t.ttftMs)) },
      // >= 0.95 is the goal: the app decodes at least 95% as fast as bare wllama.
      appOverBare: round2(appTps / bareTps),
    };
  }

  /**
   * A full persona prompt (the base-model transcript the chat sends), then the next message of the same
   * chat: the persona answered, the person wrote again, and retrieval brought other examples (four of the
   * eight replaced by others). As in the chat, the next prompt carries the first one's examples in place
   * and adds the best new ones after them. The next prompt is also timed on an empty cache.
   */
  async function personaTtft(threads: number) {
    const { otherExamples, ...data } = await personaPromptData(contextWindow, maxTokens);
    const load = () => page.evaluate((s) => (window as unknown as Bench).ggufBench.loadApp(s), spec({ threads }));
    const unload = () => page.evaluate(() => (window as unknown as Bench).ggufBench.unloadApp());
    const run = (prompt: string) => page.evaluate(([p, n]) => (window as unknown as Bench).ggufBench.appRound(p, n), [prompt, 8] as const);
    await load();
    const firstPrompt = await page.evaluate((d) => (window as unknown as Bench).ggufBench.assembleTranscript(d), data);
    const byId = new Map(data.examples.map((e) => [e.pair.id, e.pair]));
    const next = {
      ...data,
      examples: [...otherExamples, ...data.examples.slice(0, 4)],
      history: [...data.history, { role: 'assistant' as const, content: 'si ci sono' }, { role: 'user' as const, content: 'perfetto! a che ora ci vediamo allora?' }],
      carriedExamples: firstPrompt.exampleIds.flatMap((id) => byId.get(id) ?? []),
    };
    const nextAssembled = await page.evaluate((d) => (window as unknown as Bench).ggufBench.assembleTranscript(d), next);
    const sharedTokens = await page.evaluate(([a, b]) => (window as unknown as Bench).ggufBench.sharedTokens(a, b), [firstPrompt.prompt, nextAssembled.prompt] as const);
    const nextPrompt = { ...nextAssembled, sharedTokens };
    await unload();
    const first: number[] = [];
    const following: number[] = [];
    const followingCold: number[] = [];
    for (let i = 0; i < rounds; i++) {
      await load();
      first.push((await run(firstPrompt.prompt)).ttftMs);
      following.push((await run(nextPrompt.prompt)).ttftMs);
      await unload();
      await load();
      followingCold.push((await run(nextPrompt.prompt)).ttftMs);
      await unload();
      log(`  persona prompt round ${i + 1}/${rounds}: first ${first.at(-1)} ms, next ${following.at(-1)} ms, next on an empty cache ${followingCold.at(-1)} ms`);
    }
    return {
      threads,
      fixture: data.fixture,
      firstPrompt: { tokens: firstPrompt.totalTokens, stableTokens: firstPrompt.stableTokens, examples: firstPrompt.examples, medianTtftMs: median(first) },
      nextPrompt: {
        tokens: nextPrompt.totalTokens,
        stableTokens: nextPrompt.stableTokens,
        examples: nextPrompt.examples,
        // Tokens of the next prompt that the first one began with (what the KV cache can keep).
        sharedWithFirstTokens: nextPrompt.sharedTokens,
        medianTtftMs: median(following),
        medianTtftOnEmptyCacheMs: median(followingCold),
      },
      // <= 0.5 is the goal: the next message re-reads only what changed.
      nextOverFirst: round2(median(following) / median(first)),
    };
  }

  /** The adapter in the app's storage, as a persona's voice adapter is kept; returns its stored name. */
  async function storeAdapterInApp(adapterPath: string): Promise<string> {
    const served = `bench/${basename(adapterPath)}`;
    mkdirSync(`${MODELS}bench`, { recursive: true });
    copyFileSync(adapterPath, `${MODELS}${served}`);
    return page.evaluate((url) => (window as unknown as Bench).ggufBench.storeAdapter(url), `http://127.0.0.1:${PORT}/models/${served}`);
  }

  /**
   * Decode through the app with the adapter (stored in OPFS and loaded with the model, as a persona's voice
   * adapter is) against without it, on the same threads; loads alternate so machine load hits both alike.
   */
  async function adapterInApp(adapterPath: string, stored: string, threads: number) {
    const withIt: number[] = [];
    const without: number[] = [];
    for (let i = 0; i < rounds; i++) {
      for (const on of [false, true]) {
        const voiceAdapter = on ? { file: stored, label: basename(adapterPath), scale: 1 } : undefined;
        await page.evaluate((s) => (window as unknown as Bench).ggufBench.loadApp(s), { ...spec({ threads }), ...(voiceAdapter === undefined ? {} : { voiceAdapter }) });
        await appRound();
        const t = (await appRound()).tokensPerSecond;
        (on ? withIt : without).push(t);
        await page.evaluate(() => (window as unknown as Bench).ggufBench.unloadApp());
      }
      log(`  ${threads} thread(s) round ${i + 1}/${rounds}: without ${without.at(-1)} tok/s, with the adapter ${withIt.at(-1)} tok/s`);
    }
    const w = round2(median(withIt));
    const wo = round2(median(without));
    // >= 0.9 is the goal: an adapter costs at most a tenth of decode speed.
    return { threads, withoutTokensPerSecond: wo, withTokensPerSecond: w, overWithout: round2(w / wo) };
  }

  if (personaOnly) {
    log('persona prompt: time to first token, first and next message (2 threads)');
    process.stdout.write(`${JSON.stringify({ bench: 'gguf', model: file, machine: { loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10) }, personaPrompt: await personaTtft(2) }, null, 2)}\n`);
    await browser.close();
    await server.close();
    process.exit(0);
  }
  const one = await compare(1);
  const two = await compare(2);
  log('native llama.cpp: 1 and 2 threads');
  const nativeRuns = [];
  for (const threads of [1, 2]) {
    const native = await nativeDecode(modelPath, PROMPT, { threads, maxTokens, rounds, contextWindow });
    nativeRuns.push({ threads, loadMs: native.loadMs, medianTokensPerSecond: round2(median(native.rounds.map((r) => r.tokensPerSecond))), medianTtftMs: median(native.rounds.map((r) => r.ttftMs)) });
  }
  const adapterAt = process.argv.indexOf('--adapter');
  const adapter = adapterAt >= 0 ? process.argv[adapterAt + 1] : undefined;
  let withAdapter: { file: string; threads: number; medianTokensPerSecond: number; overWithout: number } | null = null;
  let appWithAdapter: Awaited<ReturnType<typeof adapterInApp>>[] | null = null;
  if (adapter !== undefined) {
    if (!existsSync(adapter)) throw new Error(`--adapter: no file at ${adapter}`);
    log('native llama.cpp with the voice adapter: 1 thread');
    const native = await nativeDecode(modelPath, PROMPT, { threads: 1, maxTokens, rounds, contextWindow, adapter });
    const tps = round2(median(native.rounds.map((r) => r.tokensPerSecond)));
    // >= 0.9 is the goal: an adapter costs at most a tenth of decode speed.
    withAdapter = { file: adapter.split('/').at(-1) ?? adapter, threads: 1, medianTokensPerSecond: tps, overWithout: round2(tps / (nativeRuns[0]?.medianTokensPerSecond ?? Number.NaN)) };
    log('the app with and without the voice adapter: 1 and 2 threads');
    const stored = await storeAdapterInApp(adapter);
    appWithAdapter = [await adapterInApp(adapter, stored, 1), await adapterInApp(adapter, stored, 2)];
    await page.evaluate((name) => (window as unknown as Bench).ggufBench.removeAdapter(name), stored);
  }
  if (!decodeOnly) log('persona prompt: time to first token, first and next message (2 threads)');
  const persona = decodeOnly ? null : await personaTtft(2);
  const tried: Awaited<ReturnType<typeof compare>>[] = [];
  if (variants && !decodeOnly) {
    for (const tuning of [{ flashAttn: true }, { nBatch: 512, nUbatch: 512 }, { nBatch: 64, nUbatch: 64 }] satisfies GgufTuning[]) tried.push(await compare(2, tuning));
  }
  process.stdout.write(
    `${JSON.stringify(
      {
        bench: 'gguf',
        model: { file, bytes: statSync(modelPath).size, weights: other !== undefined ? 'the GGUF given with --model' : real ? 'real (Gemma 3 270M, base, Q4_K_M)' : 'random (tiny test llama)' },
        engine: 'wllama 3.13.0 (llama.cpp b12211, JSPI build), CPU only, cross-origin isolated',
        machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10) },
        settings: { maxTokens, ignoreEos: true, greedy: true, rounds, contextWindow, timedFrom: 'page: first streamed token -> reply resolved' },
        threads: { one, two, twoOverOne: round2(two.app.medianTokensPerSecond / one.app.medianTokensPerSecond) },
        native: {
          engine: 'node-llama-cpp 3.22.1 (native llama.cpp, CPU)',
          runs: nativeRuns,
          withAdapter,
          // The browser's decode speed as a share of native on the same threads (the issue's anchor: 0.16 on one thread).
          appOverNative: { oneThread: round2(one.app.medianTokensPerSecond / (nativeRuns[0]?.medianTokensPerSecond ?? Number.NaN)), twoThreads: round2(two.app.medianTokensPerSecond / (nativeRuns[1]?.medianTokensPerSecond ?? Number.NaN)) },
        },
        appWithAdapter,
        personaPrompt: persona,
        variantsAt2Threads: tried,
      },
      null,
      2,
    )}\n`,
  );
} finally {
  await browser?.close();
  await server.close();
}
