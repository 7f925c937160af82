import { configDefaults, defineConfig } from 'vitest/config';

// Tests start real processes and measure real traffic on a 2-core machine: keep parallelism low
// so that timing-sensitive behaviour tests are not starved of CPU by their neighbours.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests that build images or start a real cluster: `npx vitest run -c vitest.cluster.config.ts`.
    exclude: [...configDefaults.exclude, 'test/cluster/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: true,
    maxWorkers: 2,
    reporters: ['default'],
  },
});
