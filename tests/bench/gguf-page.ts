// GGUF benchmark page: the app's page-side LLM client (its llm worker running the GGUF engine) and a bare
// wllama worker side by side, timed identically from the page: request sent -> first streamed token ->
// reply done. Exposed to the driving script as window.ggufBench.
import type { ModelSpec } from '../../src/lib/llm/types';
import { assembleTranscriptPrompt } from '../../src/lib/persona/transcript-prompt';
import { deleteAdapterFile, saveAdapterFile } from '../../src/lib/llm/adapter-files';
import { LlmClient } from '../../src/lib/rpc/llm-client';
import type { PersonaPromptData } from './chat-persona';
import type { BareGgufReply, BareGgufRequest } from './gguf-bare-worker';

export interface RoundTiming {
  ttftMs: number;
  tokens: number;
  tokensPerSecond: number;
  totalMs: number;
}

const app = new LlmClient();
let bare: Worker | null = null;

function timing(started: number, first: number | null, ended: number, tokens: number): RoundTiming {
  if (first === null || tokens < 2) throw new Error(`only ${tokens} tokens were generated`);
  return {
    ttftMs: Math.round(first - started),
    tokens,
    tokensPerSecond: Math.round((((tokens - 1) * 1000) / (ended - first)) * 100) / 100,
    totalMs: Math.round(ended - started),
  };
}

function askBare(request: BareGgufRequest, onToken: () => void = () => undefined): Promise<BareGgufReply> {
  bare ??= new Worker(new URL('./gguf-bare-worker.ts', import.meta.url), { type: 'module', name: 'gguf-bare' });
  const worker = bare;
  return new Promise((resolve, reject) => {
    const listener = (event: MessageEvent<BareGgufReply>) => {
      const reply = event.data;
      if (reply.type === 'token') return onToken();
      worker.removeEventListener('message', listener);
      if (reply.type === 'error') reject(new Error(reply.message));
      else resolve(reply);
    };
    worker.addEventListener('message', listener);
    worker.postMessage(request);
  });
}

const api = {
  isolated(): boolean {
    return crossOriginIsolated;
  },

  async loadApp(spec: ModelSpec): Promise<{ ms: number; runtime: string }> {
    const result = await app.load(spec, { warmUp: true });
    if (!result.ok) throw new Error(result.error.message);
    return { ms: result.value.loadMs, runtime: result.value.runtime };
  },

  /** Fetches a served LoRA GGUF into the app's voice-adapter storage (OPFS); returns its stored name. */
  async storeAdapter(url: string): Promise<string> {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return saveAdapterFile('bench', await response.blob());
  },

  async removeAdapter(name: string): Promise<void> {
    await deleteAdapterFile(name);
  },

  async unloadApp(): Promise<void> {
    await app.unload();
  },

  /** The base-model persona prompt as the chat assembles it, counted by the loaded model's tokenizer. */
  async assembleTranscript(data: PersonaPromptData): Promise<{ prompt: string; stop: string[]; stableTokens: number; totalTokens: number; examples: number; exampleIds: string[] }> {
    const assembled = await assembleTranscriptPrompt({ ...data, countTokens: (texts) => app.countTokens(texts) });
    const [stableTokens = 0] = await app.countTokens([assembled.prompt.slice(0, assembled.stableChars)]);
    return { prompt: assembled.prompt, stop: assembled.stop, stableTokens, totalTokens: assembled.tokens.total, examples: assembled.usedExampleIds.length, exampleIds: assembled.usedExampleIds };
  },

  /** Tokens of the longest line-aligned text both prompts begin with. */
  async sharedTokens(a: string, b: string): Promise<number> {
    let n = 0;
    while (n < a.length && n < b.length && a[n] === b[n]) n++;
    const [tokens = 0] = await app.countTokens([a.slice(0, a.lastIndexOf('\n', n - 1) + 1)]);
    return tokens;
  },

  async appRound(prompt: string, maxTokens: number): Promise<RoundTiming & { engineTokensPerSecond: number | null; promptTokens: number | null }> {
    let first: number | null = null;
    const started = performance.now();
    const result = await app.generate([], {
      completionPrompt: prompt,
      max_tokens: maxTokens,
      ignoreEos: true,
      temperature: 0,
      onDelta: (_delta, n) => {
        if (n > 0) first ??= performance.now();
      },
    });
    const ended = performance.now();
    if (!result.ok) throw new Error(result.error.message);
    const g = result.value;
    return {
      ...timing(started, first, ended, g.completionTokens),
      engineTokensPerSecond: g.tokensPerSecond === null ? null : Math.round(g.tokensPerSecond * 100) / 100,
      promptTokens: g.promptTokens,
    };
  },

  async loadBare(request: Extract<BareGgufRequest, { type: 'load' }>): Promise<{ ms: number; threads: number; multithread: boolean }> {
    const reply = await askBare(request);
    if (reply.type !== 'loaded') throw new Error(`unexpected ${reply.type}`);
    return { ms: reply.ms, threads: reply.threads, multithread: reply.multithread };
  },

  async unloadBare(): Promise<void> {
    await askBare({ type: 'unload' });
    bare?.terminate();
    bare = null;
  },

  async bareRound(prompt: string, maxTokens: number): Promise<RoundTiming> {
    let first: number | null = null;
    const started = performance.now();
    const reply = await askBare({ type: 'generate', prompt, maxTokens }, () => {
      first ??= performance.now();
    });
    const ended = performance.now();
    if (reply.type !== 'done') throw new Error(`unexpected ${reply.type}`);
    return timing(started, first, ended, reply.tokens);
  },
};

export type GgufBenchApi = typeof api;
(window as unknown as { ggufBench: GgufBenchApi }).ggufBench = api;
document.body.dataset['ready'] = 'true';
