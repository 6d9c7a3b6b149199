// Benchmark page: starts the benchmark worker and hands its API to the driving script (window.embedBench).
// ONNX Runtime reads its thread count once per worker, so `embedBenchWorker()` starts a fresh one.
import { wrap } from 'comlink';
import type { EmbedBenchApi } from './embed-worker';

const start = () => wrap<EmbedBenchApi>(new Worker(new URL('./embed-worker.ts', import.meta.url), { type: 'module', name: 'embed-bench' }));
const page = window as unknown as { embedBench: unknown; embedBenchWorker: unknown };
page.embedBench = start();
page.embedBenchWorker = () => (page.embedBench = start());
document.body.dataset['ready'] = 'true';
