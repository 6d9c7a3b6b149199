// Where the real models of `npm run models:real` are, and a clear failure when they are not there, plus
// a shortened copy of the large Italian fixture chat (MIT, names anonymized) that runs in minutes.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const GEMMA_GGUF = join(ROOT, '.models/gguf/gemma-3-270m-q4_k_m.gguf');
export const TRANSFORMERS_DIR = join(ROOT, '.models/transformers');
export const MINILM_ID = 'Xenova/all-MiniLM-L6-v2';
export const ITALIAN_CHAT = join(ROOT, 'tests/fixtures/exports/whatsapp/it/nmoya__22_OW_MT_2012_large.txt');

/** Throws (failing the test, not skipping it) when models:real has not been run. */
export function requireRealModels(): void {
  const missing = [GEMMA_GGUF, join(TRANSFORMERS_DIR, MINILM_ID, 'onnx/model_quantized.onnx')].filter((p) => !existsSync(p));
  if (missing.length > 0) throw new Error(`Real model files missing (${missing.join(', ')}): run npm run models:real first.`);
}

/** The first `lines` lines of the Italian chat, written to tests/.tmp (git-ignored); returns its path. */
export async function italianChatHead(lines: number): Promise<string> {
  const text = await readFile(ITALIAN_CHAT, 'utf8');
  const path = join(ROOT, 'tests/.tmp/real', `italian-first-${lines}.txt`);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text.split('\n').slice(0, lines).join('\n'));
  return path;
}
