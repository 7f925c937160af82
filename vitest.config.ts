import { defineConfig } from 'vitest/config';

// Tests start real processes and measure real traffic on a 2-core machine: keep parallelism low
// so that timing-sensitive behaviour tests are not starved of CPU by their neighbours.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: true,
    maxWorkers: 2,
    reporters: ['default'],
  },
});
