import { defineConfig } from 'vitest/config';

// tests run on the TypeScript sources of @exflow/shared (its `exflow-source` export), never on a stale dist/
const conditions = ['exflow-source', 'module', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    name: 'runtime',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // ceilings, not budgets: a passing test ends when its work is done, and the suite runs on a
    // loaded machine; waits inside tests poll their condition (test/support/http.ts, PATIENCE_MS)
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
