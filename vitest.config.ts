import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Each file gets its own temp folders; forks keep process.chdir-free tests isolated.
    pool: 'forks',
  },
});
