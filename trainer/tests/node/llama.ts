// Test helper for the trainer (run with tsx): greedy completion of a prompt by native llama.cpp
// (node-llama-cpp) on a base GGUF, with or without a LoRA adapter GGUF. Prints {"text"} on success, or
// {"error"} and exit code 1 when llama.cpp refuses the model or the adapter.
import { getLlama, LlamaCompletion } from 'node-llama-cpp';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
}

async function main(): Promise<number> {
  const base = arg('--base');
  const adapter = arg('--adapter');
  const prompt = arg('--prompt') ?? '';
  const tokens = Number(arg('--tokens') ?? '16');
  if (base === undefined) throw new Error('--base is required');
  const llama = await getLlama({ gpu: false, build: 'never', logLevel: 'error' as never });
  try {
    const model = await llama.loadModel({ modelPath: base });
    const context = await model.createContext({
      contextSize: 512,
      threads: 1,
      ...(adapter === undefined ? {} : { lora: { adapters: [{ filePath: adapter, scale: Number(arg('--scale') ?? '1') }] } }),
    });
    const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
    const text = await completion.generateCompletion(prompt, { maxTokens: tokens, temperature: 0 });
    process.stdout.write(JSON.stringify({ text }));
    return 0;
  } catch (error) {
    process.stdout.write(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
    return 1;
  } finally {
    await llama.dispose();
  }
}

process.exitCode = await main();
