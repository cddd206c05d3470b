import { defineConfig } from 'vitest/config';

// tests run on the TypeScript sources of @exflow/shared (its `exflow-source` export), never on a stale dist/
const conditions = ['exflow-source', 'module', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    name: 'shared',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
