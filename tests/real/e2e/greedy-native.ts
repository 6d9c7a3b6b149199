// The reference side of the greedy comparison: native llama.cpp (node-llama-cpp, the eval CLI's engine)
// decodes a fixed prompt greedily, with the thread count set (its default oversubscribes a small machine)
// and no repeat penalty, and returns the generated token ids with each token's text.
import type { Token } from 'node-llama-cpp';

export interface GreedyTokens {
  promptTokens: number;
  ids: number[];
  pieces: string[];
  text: string;
}

export async function nativeGreedy(modelPath: string, prompt: string, maxTokens: number, threads: number): Promise<GreedyTokens> {
  const lib = await import('node-llama-cpp');
  const llama = await lib.getLlama({ gpu: false, build: 'never', logLevel: lib.LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath });
  try {
    const context = await model.createContext({ contextSize: 512, threads });
    // The text's tokens only: LlamaCompletion puts the model's BOS in front itself (a BOS given here too
    // would be doubled), as llama.cpp's server (wllama) does for a raw completion prompt.
    const input: Token[] = model.tokenize(prompt, false);
    const ids: Token[] = [];
    const completion = new lib.LlamaCompletion({ contextSequence: context.getSequence() });
    const text = await completion.generateCompletion(input, {
      maxTokens,
      temperature: 0,
      repeatPenalty: false,
      onToken: (tokens) => ids.push(...tokens),
    });
    await context.dispose();
    return { promptTokens: input.length + (model.tokens.bos === null ? 0 : 1), ids: ids.map(Number), pieces: ids.map((t) => model.detokenize([t])), text };
  } finally {
    await model.dispose();
    await llama.dispose();
  }
}
