import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    testTimeout: 60_000,
    pool: 'forks',
    // One file at a time: the multi-process NATS and live-venue tests are timing-sensitive, and two
    // files at a time on a 2-core machine made them flaky (a missed heartbeat, a late warm-up).
    maxWorkers: 1,
  },
});
