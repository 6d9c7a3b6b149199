// The random-weight test models and how each is made: real config and tokenizer files from tests/models/
// plus weights from this folder's generators, written into the git-ignored tests/.models/ in the layout the
// app's "this site's /models/ folder" source reads. Each generated folder is complete (its real files are
// copied beside the weights) and carries a stamp: the sha256 of the generators' sources and of the model's
// inputs. A folder whose stamp differs (or is missing, e.g. after an interrupted run) is made anew.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBert, type BertConfig } from './bert';
import { buildLlama, type LlamaConfig } from './llama';
import { writeMlcParams } from './mlc-params';
import { VARIANT_FILE, type Variant } from './onnx-graph';

/** The committed real files (configs, tokenizers, the WebLLM model library). */
export const SOURCE_MODELS = fileURLToPath(new URL('../models/', import.meta.url));
/** Where the complete generated model folders go (git-ignored). */
export const GENERATED_MODELS = fileURLToPath(new URL('../.models/', import.meta.url));
/** Both trees overlaid, as the test model server takes them (PERSONAYOU_TEST_MODELS): the real files first. */
export const SERVED_MODELS = [SOURCE_MODELS, GENERATED_MODELS].join(delimiter);

type Recipe =
  | { kind: 'bert'; variants: Variant[] }
  | { kind: 'llama'; variants: Variant[] }
  | { kind: 'mlc'; library: string };

interface TestModel {
  /** The folder under a models root (same path in tests/models and tests/.models). */
  dir: string;
  recipe: Recipe;
}

const MLC_LIBRARY = 'mlc/libs/v0_2_48/Qwen2-0.5B-Instruct-q4f32_1-ctx4k_cs1k-webgpu.wasm';

export const TEST_MODELS = {
  /** BERT, hidden 32, 2 layers, the real all-MiniLM-L6-v2 tokenizer: the fast embedder of the tests. */
  'tiny-random-bert-minilm-tok': { dir: 'transformers/tiny-random-bert-minilm-tok', recipe: { kind: 'bert', variants: ['fp32', 'q8'] } },
  /** The exact all-MiniLM-L6-v2 shape (384-d, 6 layers): benchmark-grade embedding cost. */
  'all-MiniLM-L6-v2-randomweights': { dir: 'transformers/all-MiniLM-L6-v2-randomweights', recipe: { kind: 'bert', variants: ['q8'] } },
  /** Llama, hidden 32, 2 layers, the real SmolLM2 tokenizer and a ChatML template: the fast CPU chat model. */
  'tiny-random-llama-smollm2-tok': { dir: 'transformers/tiny-random-llama-smollm2-tok', recipe: { kind: 'llama', variants: ['fp32', 'q8'] } },
  /** The exact SmolLM2-135M-Instruct shape: benchmark-grade CPU chat cost. */
  'SmolLM2-135M-Instruct-randomweights': { dir: 'transformers/SmolLM2-135M-Instruct-randomweights', recipe: { kind: 'llama', variants: ['q8'] } },
  /** The catalog's Qwen2.5-0.5B q4f32 for WebLLM: weights for the real prebuilt model library (309 MB). */
  'Qwen2.5-0.5B-Instruct-q4f32_1-MLC': { dir: 'mlc/models/Qwen2.5-0.5B-Instruct-q4f32_1-MLC/resolve/main', recipe: { kind: 'mlc', library: MLC_LIBRARY } },
} satisfies Record<string, TestModel>;

export type TestModelId = keyof typeof TEST_MODELS;

const SEED = 0;
const STAMP = '.generated.json';
/** The sources whose change must remake every generated model. */
const GENERATOR_SOURCES = ['prng.ts', 'onnx-graph.ts', 'bert.ts', 'llama.ts', 'mlc-params.ts', 'test-models.ts'];

function readJson<T>(path: string): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (error) {
    throw new Error(`${path}: cannot read it as JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** The model's real files (copied as they are), sorted. */
function sourceFiles(model: TestModel, sourceRoot: string): string[] {
  const dir = join(sourceRoot, model.dir);
  if (!existsSync(dir)) throw new Error(`test model source folder ${dir} is missing`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(dir, e.name))
    .sort();
}

/** sha256 over the generators, the recipe and every input file: equal stamps mean equal outputs. */
function stampOf(model: TestModel, sourceRoot: string): string {
  const hash = createHash('sha256');
  const here = fileURLToPath(new URL('.', import.meta.url));
  for (const name of GENERATOR_SOURCES) hash.update(name).update(readFileSync(join(here, name)));
  hash.update(JSON.stringify({ recipe: model.recipe, seed: SEED }));
  const inputs = sourceFiles(model, sourceRoot);
  if (model.recipe.kind === 'mlc') inputs.push(join(sourceRoot, model.recipe.library));
  for (const path of inputs) hash.update(basename(path)).update(readFileSync(path));
  return hash.digest('hex');
}

/** Writes the generated files of `model` into `outDir`; returns their names. */
function generate(model: TestModel, sourceRoot: string, outDir: string): string[] {
  const { recipe } = model;
  const config = join(sourceRoot, model.dir, 'config.json');
  if (recipe.kind === 'mlc') {
    const library = join(sourceRoot, recipe.library);
    return writeMlcParams(readFileSync(library), library, outDir, SEED);
  }
  mkdirSync(join(outDir, 'onnx'), { recursive: true });
  return recipe.variants.map((variant) => {
    const bytes = recipe.kind === 'bert' ? buildBert(readJson<BertConfig>(config), variant, SEED) : buildLlama(readJson<LlamaConfig>(config), variant, SEED);
    const name = `onnx/${VARIANT_FILE[variant]}`;
    writeFileSync(join(outDir, name), bytes);
    return name;
  });
}

interface Stamp {
  stamp: string;
  copied: string[];
  generated: string[];
}

/** True when the folder's stamp is `stamp` and every file it lists is there. */
function isCurrent(outDir: string, stamp: string): boolean {
  const path = join(outDir, STAMP);
  if (!existsSync(path)) return false;
  let written: Partial<Stamp>;
  try {
    written = readJson<Partial<Stamp>>(path);
  } catch {
    return false; // a torn or hand-edited stamp: make the folder anew
  }
  const files = [...(written.copied ?? []), ...(written.generated ?? [])];
  return written.stamp === stamp && files.length > 0 && files.every((name) => existsSync(join(outDir, name)));
}

export interface EnsureOptions {
  /** Where the real files are (tests/models). */
  sourceRoot?: string;
  /** Where the complete model folders go (tests/.models). */
  outRoot?: string;
  log?: (line: string) => void;
}

/** Makes each named model's folder under `outRoot` complete and current; returns the ids it had to (re)make. */
export function ensureTestModels(ids: readonly TestModelId[], options: EnsureOptions = {}): TestModelId[] {
  const sourceRoot = options.sourceRoot ?? SOURCE_MODELS;
  const outRoot = options.outRoot ?? GENERATED_MODELS;
  const made: TestModelId[] = [];
  for (const id of ids) {
    const model: TestModel = TEST_MODELS[id];
    const outDir = join(outRoot, model.dir);
    const stamp = stampOf(model, sourceRoot);
    if (isCurrent(outDir, stamp)) continue;
    const started = Date.now();
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    const copied = sourceFiles(model, sourceRoot).map((path) => {
      copyFileSync(path, join(outDir, basename(path)));
      return basename(path);
    });
    const generated = generate(model, sourceRoot, outDir);
    // Written last: a folder without it (an interrupted run) is never taken as complete.
    const written: Stamp = { stamp, copied, generated };
    writeFileSync(join(outDir, STAMP), `${JSON.stringify(written, null, 1)}\n`);
    options.log?.(`test models: made ${id} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    made.push(id);
  }
  return made;
}

/** The complete folder of a test model under `outRoot` (after ensureTestModels). */
export function testModelDir(id: TestModelId, outRoot = GENERATED_MODELS): string {
  return join(outRoot, TEST_MODELS[id].dir);
}
