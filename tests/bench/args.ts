// Command-line arguments of the benchmarks: `--name N`, a positive whole number, or the default; `--model
// FILE`, a GGUF under the project's .models/ folder (the folder the app's dev server serves models from).

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's git-ignored model folder. */
export const MODELS = fileURLToPath(new URL('../../.models/', import.meta.url));

export function positiveIntArg(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`bad ${name}: expected a positive whole number`);
  return value;
}

/** `--model FILE` as an absolute path, checked to be an existing file under .models/; undefined without it. */
export function modelFileArg(): string | undefined {
  const at = process.argv.indexOf('--model');
  if (at < 0) return undefined;
  const file = resolve(process.argv[at + 1] ?? '');
  if (!file.startsWith(MODELS) || !existsSync(file)) throw new Error(`--model: expected a GGUF file under .models/, got ${file}`);
  return file;
}
