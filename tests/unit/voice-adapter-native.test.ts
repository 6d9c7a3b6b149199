// Native llama.cpp (node-llama-cpp, through the trainer's test helper) loads the project's random LoRA
// adapter onto the tiny random base model: greedy output changes with the adapter and is the same on
// every run, and an adapter made for other shapes is refused.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeTinyGgufs } from '../model-gen/gguf';
import { writeTinyLoras, type GeneratedAdapters } from '../model-gen/lora';

const ROOT = join(import.meta.dirname, '..', '..');
const HELPER = join(ROOT, 'trainer', 'tests', 'node', 'llama.ts');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const PROMPT = 'Anna: are you coming tonight?\nBob:';

let dir: string;
let adapters: GeneratedAdapters;

async function complete(adapter?: string): Promise<{ text?: string; error?: string }> {
  const args = [HELPER, '--base', join(dir, 'tiny-base.gguf'), '--prompt', PROMPT, '--tokens', '16', ...(adapter === undefined ? [] : ['--adapter', adapter])];
  try {
    const { stdout } = await promisify(execFile)(TSX, args, { cwd: ROOT });
    return JSON.parse(stdout) as { text: string };
  } catch (error) {
    const stdout = (error as { stdout?: string }).stdout ?? '';
    if (stdout.startsWith('{')) return JSON.parse(stdout) as { error: string };
    throw error;
  }
}

describe('voice adapter on native llama.cpp', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'voice-adapter-'));
    writeTinyGgufs(dir);
    adapters = writeTinyLoras(dir);
  });

  it('changes greedy output, the same way on every run', async () => {
    const base = await complete();
    const first = await complete(adapters.matching);
    const second = await complete(adapters.matching);
    expect(base.text?.length).toBeGreaterThan(0);
    expect(first.text?.length).toBeGreaterThan(0);
    expect(first.text).not.toBe(base.text);
    expect(second.text).toBe(first.text);
  }, 60_000);

  it('refuses an adapter made for a model of other shapes', async () => {
    const result = await complete(adapters.otherShape);
    expect(result.text).toBeUndefined();
    expect(result.error).toContain('tiny-lora-other-shape.gguf');
  }, 30_000);
});
