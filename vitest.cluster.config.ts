import { defineConfig } from 'vitest/config';

// Tests that build the node's images with a real Docker engine or start the real cluster: slow,
// root-only, run on their own (`npx vitest run -c vitest.cluster.config.ts`), one file at a time.
export default defineConfig({
  test: {
    include: ['test/cluster/**/*.test.ts'],
    testTimeout: 30 * 60_000,
    hookTimeout: 30 * 60_000,
    fileParallelism: false,
    maxWorkers: 1,
    reporters: ['default'],
  },
});
