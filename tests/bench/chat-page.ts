// Chat benchmark page: the app's page-side LLM client (its llm worker) and a bare transformers.js worker
// side by side, timed identically from the page: request sent -> first streamed token -> reply done.
// Exposed to the driving script as window.chatBench.
import type { ChatMessage, ModelSpec } from '../../src/lib/llm/types';
import { assemblePrompt } from '../../src/lib/persona/prompt';
import { LlmClient } from '../../src/lib/rpc/llm-client';
import { askBareWorker } from './bare-worker-client';
import type { BareReply, BareRequest } from './chat-bare-worker';
import type { PersonaPromptData } from './chat-persona';

export interface RoundTiming {
  ttftMs: number;
  tokens: number;
  tokensPerSecond: number;
  totalMs: number;
}

const app = new LlmClient();
const bare = new Worker(new URL('./chat-bare-worker.ts', import.meta.url), { type: 'module', name: 'chat-bare' });

function timing(started: number, first: number | null, ended: number, tokens: number): RoundTiming {
  if (first === null || tokens < 2) throw new Error(`only ${tokens} tokens were generated`);
  return {
    ttftMs: Math.round(first - started),
    tokens,
    tokensPerSecond: Math.round((((tokens - 1) * 1000) / (ended - first)) * 100) / 100,
    totalMs: Math.round(ended - started),
  };
}

/** One request to the bare worker; `onToken` sees each decode step, resolves on the final reply. */
function askBare(request: BareRequest, onToken: () => void = () => undefined): Promise<BareReply> {
  return askBareWorker<BareReply>(bare, request, onToken);
}

const api = {
  async loadApp(spec: ModelSpec): Promise<number> {
    const result = await app.load(spec, { warmUp: true });
    if (!result.ok) throw new Error(result.error.message);
    return result.value.loadMs;
  },

  async loadBare(modelId: string, localPath: string): Promise<number> {
    const reply = await askBare({ type: 'load', modelId, dtype: 'q8', localPath });
    if (reply.type !== 'loaded') throw new Error(`unexpected ${reply.type}`);
    return reply.ms;
  },

  /** The persona prompt as the chat manager assembles it, counted by the loaded model's tokenizer. */
  async assemble(data: PersonaPromptData) {
    const prompt = await assemblePrompt({ ...data, countTokens: (texts) => app.countTokens(texts) });
    return {
      messages: prompt.messages,
      estimatedTokens: prompt.tokens,
      templatedTokens: await app.countPromptTokens(prompt.messages),
      examples: prompt.usedExampleIds.length,
      keptHistory: prompt.keptHistory,
      systemChars: prompt.messages[0]?.content.length ?? 0,
    };
  },

  async appRound(messages: ChatMessage[], maxNewTokens: number): Promise<RoundTiming & { engineTtftMs: number | null; engineTokensPerSecond: number | null; promptTokens: number | null }> {
    let first: number | null = null;
    const started = performance.now();
    const result = await app.generate(messages, {
      max_tokens: maxNewTokens,
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
      // What the worker itself reports (before comlink and the delta batcher): isolates the transport cost.
      engineTtftMs: g.timeToFirstTokenMs,
      engineTokensPerSecond: g.tokensPerSecond === null ? null : Math.round(g.tokensPerSecond * 100) / 100,
      promptTokens: g.promptTokens,
    };
  },

  async bareRound(messages: ChatMessage[], maxNewTokens: number): Promise<RoundTiming> {
    let first: number | null = null;
    const started = performance.now();
    const reply = await askBare({ type: 'generate', messages, maxNewTokens }, () => {
      first ??= performance.now();
    });
    const ended = performance.now();
    if (reply.type !== 'done') throw new Error(`unexpected ${reply.type}`);
    return timing(started, first, ended, reply.tokens);
  },
};

export type ChatBenchApi = typeof api;
(window as unknown as { chatBench: ChatBenchApi }).chatBench = api;
document.body.dataset['ready'] = 'true';
