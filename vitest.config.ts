import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    testTimeout: 60_000,
    pool: 'forks',
    // Two workers on a 2-core machine: most of the slow tests wait on simulators, NATS and child
    // processes rather than compute, so two files at a time nearly halves the suite's wall time.
    maxWorkers: 2,
  },
});
