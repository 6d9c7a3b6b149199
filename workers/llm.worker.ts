// LLM worker shell: runs the model engines (WebLLM on WebGPU, transformers.js on WASM) off the main
// thread. Logic lives in src/lib/llm (testable); this file only wires it to the page. No top-level
// await: the engines are imported lazily inside the calls, so no early message is ever dropped.
import { expose } from 'comlink';
import { createLlmWorkerApi } from '../src/lib/llm/worker-api';

expose(createLlmWorkerApi());
