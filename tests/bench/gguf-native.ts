// Native llama.cpp (node-llama-cpp) on the same GGUF and prompt as the browser rounds of bench:gguf: the
// reference the browser engine is compared to. Threads are always set: llama.cpp's default oversubscribes
// a small machine. Greedy, a fixed number of tokens, timed as the page times its rounds; optionally with a
// LoRA voice adapter loaded onto the model.
import type { RoundTiming } from './gguf-page';

export interface NativeDecode {
  threads: number;
  loadMs: number;
  rounds: RoundTiming[];
}

export async function nativeDecode(modelPath: string, prompt: string, options: { threads: number; maxTokens: number; rounds: number; contextWindow: number; adapter?: string }): Promise<NativeDecode> {
  const lib = await import('node-llama-cpp');
  const llama = await lib.getLlama({ gpu: false, build: 'never', logLevel: lib.LlamaLogLevel.error });
  const loadStarted = performance.now();
  const model = await llama.loadModel({ modelPath });
  const lora = options.adapter === undefined ? {} : { lora: { adapters: [{ filePath: options.adapter, scale: 1 }] } };
  const context = await model.createContext({ contextSize: options.contextWindow, threads: options.threads, sequences: 1, ...lora });
  const loadMs = Math.round(performance.now() - loadStarted);
  const tokens = model.tokenize(prompt, true);
  const rounds: RoundTiming[] = [];
  try {
    // One unmeasured round first, as the browser rounds have.
    for (let round = 0; round <= options.rounds; round++) {
      const sequence = context.getSequence();
      const started = performance.now();
      let first: number | null = null;
      let generated = 0;
      for await (const _token of sequence.evaluate(tokens, { temperature: 0 })) {
        first ??= performance.now();
        if (++generated >= options.maxTokens) break;
      }
      const ended = performance.now();
      await sequence.dispose();
      if (first === null || generated < 2) throw new Error(`native llama.cpp generated only ${generated} tokens`);
      if (round > 0) {
        rounds.push({
          ttftMs: Math.round(first - started),
          tokens: generated,
          tokensPerSecond: Math.round((((generated - 1) * 1000) / (ended - first)) * 100) / 100,
          totalMs: Math.round(ended - started),
        });
      }
    }
  } finally {
    await context.dispose();
    await model.dispose();
  }
  return { threads: options.threads, loadMs, rounds };
}
