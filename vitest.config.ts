import { configDefaults, defineConfig } from 'vitest/config';

// Tests that measure real traffic (rates, shares, latencies against deadlines) are run one file at
// a time, after everything else: on a 2-core machine a neighbouring test file starving them for
// CPU turned round 1 `fixed` (898 DEADLINE_EXCEEDED) and round 4 red while every verdict held
// with the machine to themselves. The rest runs two files at a time.
const MEASURING = ['test/scenarios/round-*.test.ts', 'test/service-a-channels.test.ts'];
// Tests that build images or start a real cluster: `npx vitest run -c vitest.cluster.config.ts`.
const EXCLUDED = [...configDefaults.exclude, 'test/cluster/**'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...EXCLUDED, ...MEASURING],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: true,
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'measuring',
          include: MEASURING,
          exclude: EXCLUDED,
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
