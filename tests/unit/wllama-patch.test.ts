// The maintained patch to @wllama/wllama (patches/@wllama+wllama+3.13.0.patch): the installed file must
// be the patched 3.13.0, mount adapter blobs beside the model shards and pass their mounted paths to
// llama.cpp. Fails when an upgrade or an install without patch-package drops the patch.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PATCHED_WLLAMA_VERSION, WLLAMA_PATCH_MARKER, wllamaPatchProblem } from '../../src/server/wllama-patch';

const ROOT = join(import.meta.dirname, '..', '..');
const wllamaDir = dirname(createRequire(join(ROOT, 'package.json')).resolve('@wllama/wllama/package.json'));

describe('wllama LoRA patch', () => {
  it('is applied to the installed wllama 3.13.0', () => {
    expect(wllamaPatchProblem(ROOT)).toBeNull();
    const code = readFileSync(join(wllamaDir, 'esm', 'index.js'), 'utf8');
    expect(code).toContain(WLLAMA_PATCH_MARKER);
    // The adapter blobs are mounted together with the model files ...
    expect(code).toContain('yield this.proxy.moduleInit([...modelFiles.all, ...loraFiles.filter((f) => f !== null)]);');
    // ... under their own names, and llama.cpp is given the mounted paths.
    expect(code).toContain('name: `lora-${i + 1}.gguf`');
    expect(code).toContain('loraFiles[i] ? `models/${loraFiles[i].name}` : a.path');
    const types = readFileSync(join(wllamaDir, 'esm', 'types', 'types.d.ts'), 'utf8');
    expect(types).toContain('blob: Blob;');
  });

  it('says what is wrong with an unpatched copy or another version', () => {
    const root = mkdtempSync(join(tmpdir(), 'wllama-patch-'));
    writeFileSync(join(root, 'package.json'), '{}');
    const copy = join(root, 'node_modules', '@wllama', 'wllama');
    mkdirSync(join(copy, 'esm'), { recursive: true });
    const manifest = JSON.parse(readFileSync(join(wllamaDir, 'package.json'), 'utf8')) as { version: string };
    cpSync(join(wllamaDir, 'package.json'), join(copy, 'package.json'));
    writeFileSync(join(copy, 'esm', 'index.js'), 'yield this.proxy.moduleInit(modelFiles.all);');
    expect(manifest.version).toBe(PATCHED_WLLAMA_VERSION);
    expect(wllamaPatchProblem(root)).toMatch(/without the project's LoRA patch.*npx patch-package/);
    writeFileSync(join(copy, 'package.json'), JSON.stringify({ ...manifest, version: '3.14.0' }));
    expect(wllamaPatchProblem(root)).toMatch(/is 3\.14\.0, but patches\/@wllama\+wllama\+3\.13\.0\.patch/);
  });
});
