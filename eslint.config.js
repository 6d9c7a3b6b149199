// Lint: typed async rules (no floating promises) and the module boundaries of the architecture:
// each engine has exactly one importer, and ui/ reaches lib/ only for types.
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';

const engine = (name, owner) => ({
  name,
  message: `Only ${owner} may import ${name} (one adapter per engine).`,
});

export default ts.config(
  { ignores: ['dist/', 'dev-dist/', 'node_modules/', 'test-results/', 'playwright-report/', 'tests/.tmp/', 'tests/.models/'] },
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
    ignores: ['src/lib/store/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [engine('dexie', 'src/lib/store')] }] },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.svelte', 'workers/**/*.ts'],
    ignores: ['src/lib/ingest/zip.ts', 'src/lib/ingest/csv.ts', 'src/lib/store/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            engine('dexie', 'src/lib/store'),
            engine('jszip', 'src/lib/ingest/zip.ts'),
            engine('papaparse', 'src/lib/ingest/csv.ts'),
            engine('voy-search', 'src/lib/search'),
            engine('@huggingface/transformers', 'src/lib/embed'),
            engine('@mlc-ai/web-llm', 'src/lib/llm'),
          ],
        },
      ],
    },
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
