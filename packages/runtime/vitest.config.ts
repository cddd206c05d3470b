import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'runtime',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // ceilings, not budgets: a passing test ends when its work is done, and the suite runs on a
    // loaded machine; waits inside tests poll their condition (test/support/http.ts, PATIENCE_MS)
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
