// `npm run bench:embed`: sentences per second of the real transformers.js engine in Chromium, per
// backend and batch size, on the MiniLM-shape test model (384-d, random weights: same cost as the real
// model) over real chat text from the fixtures. Prints one JSON object on stdout; progress on stderr.
// Every batch size embeds the same sample (a seeded shuffle of all fixture sentences, then sorted by
// length as the app's job does, so batches pad little); the budget only caps a size that is too slow.
// Usage: tsx tests/bench/embed.bench.ts [--budget-s 60] [--sentences 256] [--webgpu-budget-s 30]
import os from 'node:os';
import type { Backend } from '../../src/lib/embed/backend';
import type { ModelSpec } from '../../src/lib/embed/models';
import { openBenchPage } from './embed-harness';
import { chatSentences } from './embed-texts';
import type { BatchTiming, EmbedBenchApi } from './embed-worker';

const MODEL: ModelSpec = { id: 'all-MiniLM-L6-v2-randomweights', dtype: 'q8', dims: 384, label: 'MiniLM-L6 shape (random weights)' };
const SIZES = [1, 8, 16, 32, 64];

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`bad ${name}`);
  return value;
}

const budgetMs = arg('--budget-s', 60) * 1000;
const webgpuBudgetMs = arg('--webgpu-budget-s', 30) * 1000;

/** A seeded shuffle (mulberry32): the same sample on every run. */
function sample(all: string[], count: number): string[] {
  let a = 42;
  const rand = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const copy = [...all];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as string, copy[i] as string];
  }
  return copy.slice(0, count).sort((x, y) => x.length - y.length);
}

/** Sentences per second with the default threads over one thread, per batch size. */
function threadSpeedup(many: BatchTiming[] | { skipped: string } | undefined, one: BatchTiming[] | { skipped: string } | undefined): Record<number, number> {
  if (!Array.isArray(many) || !Array.isArray(one)) return {};
  const ratios: Record<number, number> = {};
  for (const m of many) {
    const o = one.find((t) => t.batchSize === m.batchSize);
    if (o !== undefined && o.sentencesPerSecond > 0) ratios[m.batchSize] = Math.round((m.sentencesPerSecond / o.sentencesPerSecond) * 100) / 100;
  }
  return ratios;
}

const texts = sample(chatSentences(100_000), arg('--sentences', 256));
const log = (line: string) => process.stderr.write(`${line}\n`);

const harness = await openBenchPage();
try {
  type Bench = { embedBench: EmbedBenchApi; embedBenchWorker: () => void };
  const adapter = await harness.page.evaluate(() => (window as unknown as Bench).embedBench.adapter());
  log(`adapter: ${JSON.stringify(adapter)}`);
  const run = (backend: Backend, sizes: number[], sample: string[], budget: number, threads?: number): Promise<BatchTiming[]> =>
    harness.page.evaluate(
      ([spec, b, t, s, ms, n]) => (window as unknown as Bench).embedBench.timeBatches(spec, b, t, s, ms, n ?? undefined),
      [MODEL, backend, sample, sizes, budget, threads ?? null] as const,
    );
  const fresh = async (): Promise<void> => {
    // Returns nothing: the new worker's proxy stays in the page.
    await harness.page.evaluate(() => {
      (window as unknown as Bench).embedBenchWorker();
    });
  };
  const results: Record<string, BatchTiming[] | { skipped: string }> = {};
  // The app's default thread count in this (cross-origin isolated) page, then one thread, each in a fresh
  // worker (ORT reads the count once), same sentences and batch sizes: the ratio is the threading gain.
  const defaultThreads = await harness.page.evaluate(() => (window as unknown as Bench).embedBench.threadCount());
  log(`wasm, ${defaultThreads} thread(s) (the default here): ${texts.length} sentences, ${budgetMs} ms per batch size`);
  results['wasm'] = await run('wasm', SIZES, texts, budgetMs);
  await fresh();
  log(`wasm, 1 thread: the same sentences`);
  results['wasm-1-thread'] = await run('wasm', SIZES, texts, budgetMs, 1);
  await fresh();
  if (adapter.facts.available) {
    // Even on a software adapter, measure a little so the "never WebGPU on SwiftShader" rule stays grounded.
    log(`webgpu (${adapter.choice.reason}): ${webgpuBudgetMs} ms per batch size`);
    try {
      // One batch is atomic, so keep them small: a batch of 32 took over three minutes on SwiftShader.
      results['webgpu'] = await run('webgpu', [1, 8], texts.slice(0, 16), webgpuBudgetMs);
    } catch (error) {
      results['webgpu'] = { skipped: error instanceof Error ? error.message : String(error) };
    }
  } else {
    results['webgpu'] = { skipped: 'no WebGPU adapter' };
  }
  const wasm = results['wasm'];
  const best = Array.isArray(wasm) ? wasm.reduce((a, b) => (b.sentencesPerSecond > a.sentencesPerSecond ? b : a)) : null;
  const meanChars = Math.round(texts.reduce((s, t) => s + t.length, 0) / texts.length);
  process.stdout.write(
    `${JSON.stringify(
      {
        bench: 'embed',
        model: MODEL,
        engine: '@huggingface/transformers 4.3.1, onnxruntime-web asyncify build',
        // Load average at the end: other processes on the machine slow the numbers down.
        machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10) },
        adapter,
        corpus: { sentences: texts.length, meanChars, source: 'seeded sample of the shared WhatsApp fixtures (turns and messages), sorted by length' },
        results,
        bestWasmBatchSize: best?.batchSize ?? null,
        threads: { default: defaultThreads, speedupOverOneThread: threadSpeedup(results['wasm'], results['wasm-1-thread']) },
      },
      null,
      2,
    )}\n`,
  );
} finally {
  await harness.close();
}
