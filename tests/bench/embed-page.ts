// Benchmark page: starts the benchmark worker and hands its API to the driving script (window.embedBench).
import { wrap } from 'comlink';
import type { EmbedBenchApi } from './embed-worker';

const worker = new Worker(new URL('./embed-worker.ts', import.meta.url), { type: 'module', name: 'embed-bench' });
(window as unknown as { embedBench: unknown }).embedBench = wrap<EmbedBenchApi>(worker);
document.body.dataset['ready'] = 'true';
