// Lint: typed async rules (no floating promises) and the module boundaries of the architecture:
// each engine has exactly one importer, and ui/ reaches lib/ only for types.
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';

// Each engine has exactly one adapter: the files (or folders) allowed to import it, relative to the repo.
const ENGINE_OWNERS = {
  dexie: ['src/lib/store/'],
  jszip: ['src/lib/ingest/zip.ts'],
  papaparse: ['src/lib/ingest/csv.ts'],
  // The approximate index bench:search measures the exact scan against (the app does not ship it).
  'voy-search': ['tests/bench/voy-index.ts'],
  // src/cli/eval-engines.ts: the node adapter of `npm run eval` (the app's adapters import ORT's wasm with Vite `?url`).
  '@huggingface/transformers': ['src/lib/embed/', 'src/lib/llm/cpu-engine.ts', 'src/cli/eval-engines.ts'],
  '@mlc-ai/web-llm': ['src/lib/llm/webllm-engine.ts'],
  // bench:gguf compares the app's engine with bare wllama in its own worker.
  '@wllama/wllama': ['src/lib/llm/wllama-engine.ts', 'tests/bench/gguf-bare-worker.ts'],
  // Native llama.cpp (a devDependency: never in the app): `npm run eval --engine gguf`, and the trainer's
  // tests, which load a trained adapter onto its base.
  'node-llama-cpp': ['src/cli/eval-gguf.ts', 'trainer/tests/node/llama.ts'],
  // PNG chunk framing (character cards): one adapter for read and write.
  'png-chunks-extract': ['src/lib/persona/png-card.ts'],
  'png-chunks-encode': ['src/lib/persona/png-card.ts'],
  'png-chunk-text': ['src/lib/persona/png-card.ts'],
  // Not an engine, but its configuration (jitless, for the CSP) must be set before any schema runs.
  zod: ['src/lib/zod.ts'],
};

/** Reports an import (static, dynamic or type-only) of an engine from a file that is not its adapter. */
const engineOwners = {
  meta: { type: 'problem', schema: [] },
  create(context) {
    const file = context.filename.slice(import.meta.dirname.length + 1).replaceAll('\\', '/');
    const check = (node, source) => {
      if (typeof source !== 'string') return;
      const engine = Object.keys(ENGINE_OWNERS).find((name) => source === name || source.startsWith(`${name}/`));
      if (engine === undefined) return;
      const owners = ENGINE_OWNERS[engine];
      if (owners.some((owner) => (owner.endsWith('/') ? file.startsWith(owner) : file === owner))) return;
      context.report({ node, message: `Only ${owners.join(' and ')} may import ${engine} (one adapter per engine).` });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => check(node, node.source.type === 'Literal' ? node.source.value : undefined),
      ExportNamedDeclaration: (node) => check(node, node.source?.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      TSImportType: (node) => check(node, node.argument?.literal?.value ?? node.argument?.value),
    };
  },
};

export default ts.config(
  { ignores: ['dist/', 'dist-*/', 'dev-dist/', 'node_modules/', 'test-results*/', 'playwright-report/', 'tests/.tmp/', 'tests/.models/', '.models/', 'trainer/.venv/', 'tests/e2e/served/'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.browser, ...globals.node },
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js', 'svelte.config.js', 'tests/e2e/ensure-browser.mjs'] },
        extraFileExtensions: ['.svelte'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser } },
  },
  {
    files: ['**/*.ts', '**/*.svelte'],
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.svelte', 'workers/**/*.ts'],
    plugins: { boundaries: { rules: { 'engine-owners': engineOwners } } },
    rules: { 'boundaries/engine-owners': 'error' },
  },
  {
    // Components render and delegate: they reach lib/ for types only, everything else goes through app/.
    files: ['src/ui/**/*.svelte', 'src/ui/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/lib/**'], allowTypeImports: true, message: 'ui/ imports app/ and types only.' }] },
      ],
    },
  },
  {
    // Pure modules: no DOM storage, no network, no workers.
    files: ['src/lib/ingest/**/*.ts', 'src/lib/persona/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', 'indexedDB', 'fetch', 'XMLHttpRequest', 'Worker', 'document', 'window', 'localStorage'],
    },
  },
);
