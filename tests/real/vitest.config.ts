// `npm run test:real`: tests with the real model weights that `npm run models:real` fetches into .models/.
// Kept out of the default vitest run (tests/unit only), which must stay fast and need nothing fetched.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/real/**/*.test.ts'],
    environment: 'node',
    // Real models on a small CPU: minutes, not seconds. One file at a time: they share the cores.
    testTimeout: 30 * 60_000,
    hookTimeout: 10 * 60_000,
    fileParallelism: false,
  },
});
