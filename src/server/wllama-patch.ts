// The app relies on a maintained patch to @wllama/wllama 3.13.0 (patches/, applied by patch-package):
// it mounts LoRA adapter blobs beside the model shards so llama.cpp can load them. This check runs at
// build, dev-server start and in a unit test, so an upgrade or a clone without the patch fails loudly
// instead of loading models without their voice adapter.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';

export const PATCHED_WLLAMA_VERSION = '3.13.0';
export const WLLAMA_PATCH_MARKER = 'personayou-lora-patch';
const HOW_TO_FIX = `Run \`npx patch-package\` (npm's ignore-scripts is set, so installing does not apply patches/).`;

/** Null when the installed wllama is the patched version, else a sentence saying what is wrong. */
export function wllamaPatchProblem(root: string): string | null {
  const require = createRequire(join(root, 'package.json'));
  let packageDir: string;
  try {
    packageDir = dirname(require.resolve('@wllama/wllama/package.json'));
  } catch {
    return '@wllama/wllama is not installed: run `npm ci`.';
  }
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  if (version !== PATCHED_WLLAMA_VERSION) {
    return `@wllama/wllama is ${version}, but patches/@wllama+wllama+${PATCHED_WLLAMA_VERSION}.patch (LoRA adapter mounting) is for ${PATCHED_WLLAMA_VERSION}: port the patch to the new version (or drop it if upstream mounts adapters now) and update this check.`;
  }
  const code = readFileSync(join(packageDir, 'esm', 'index.js'), 'utf8');
  if (!code.includes(WLLAMA_PATCH_MARKER)) return `@wllama/wllama ${version} is installed without the project's LoRA patch. ${HOW_TO_FIX}`;
  return null;
}

/** Vite plugin: stops the build / dev server when the wllama patch is missing. */
export function wllamaPatchGuard(root = process.cwd()): Plugin {
  return {
    name: 'personayou:wllama-patch-guard',
    buildStart() {
      const problem = wllamaPatchProblem(root);
      if (problem !== null) this.error(problem);
    },
  };
}
