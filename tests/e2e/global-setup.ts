// Playwright global setup: writes the tiny GGUF test models (tests/models/gen-gguf.ts) and makes sure the
// WebLLM test weights exist. They are random but shape-faithful
// weights for the real prebuilt Qwen2-0.5B q4f32 model library (309 MB, deterministic, seconds to
// write), generated once into the git-ignored tests/.models/ in the self-hosted layout the app's
// "this site's /models/ folder" source reads, next to copies of the shared config and tokenizer files.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writeTinyGgufs } from '../models/gen-gguf';

const SHARED = new URL('../../../shared/models/', import.meta.url);
const LIB = new URL('mlc/libs/v0_2_48/Qwen2-0.5B-Instruct-q4f32_1-ctx4k_cs1k-webgpu.wasm', SHARED);
const CONFIGS = new URL('mlc/models/Qwen2.5-0.5B-Instruct-q4f32_1-MLC-randomweights/resolve/main/', SHARED);
/** The folder the catalog entry Qwen2.5-0.5B-Instruct-q4f32_1-MLC maps to under /models/. */
export const MLC_WEIGHTS = new URL('../.models/mlc/models/Qwen2.5-0.5B-Instruct-q4f32_1-MLC/resolve/main/', import.meta.url);

/** True when ndarray-cache.json and every shard it lists are present. */
function complete(dir: URL): boolean {
  const index = new URL('ndarray-cache.json', dir);
  if (!existsSync(index)) return false;
  try {
    const records = (JSON.parse(readFileSync(index, 'utf8')) as { records?: { dataPath?: string }[] }).records ?? [];
    return records.length > 0 && records.every((r) => r.dataPath !== undefined && existsSync(new URL(r.dataPath, dir)));
  } catch {
    return false;
  }
}

/** The project's random-weight GGUFs and their index, served as "models on this server" (/models/gguf/). */
export const GGUF_MODELS = new URL('../.models/gguf/', import.meta.url);

export default function globalSetup(): void {
  // Milliseconds to write and deterministic: always rewritten, so they follow the generator.
  writeTinyGgufs(fileURLToPath(GGUF_MODELS));
  const dir = fileURLToPath(MLC_WEIGHTS);
  if (!complete(MLC_WEIGHTS)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const python = process.env.PERSONAYOU_PYTHON ?? '/usr/bin/python3';
    const started = Date.now();
    execFileSync(python, [fileURLToPath(new URL('gen/gen_mlc.py', SHARED)), fileURLToPath(LIB), dir], { stdio: 'inherit' });
    console.log(`global-setup: generated WebLLM test weights in ${Math.round((Date.now() - started) / 1000)} s`);
  }
  for (const name of readdirSync(CONFIGS)) {
    const target = new URL(name, MLC_WEIGHTS);
    if (!existsSync(target)) copyFileSync(new URL(name, CONFIGS), target);
  }
}
