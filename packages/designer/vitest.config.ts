import { defineConfig } from 'vitest/config';

// tests run on the TypeScript sources of @exflow/shared (its `exflow-source` export), never on a stale dist/
const conditions = ['exflow-source', 'module', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    name: 'designer',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    passWithNoTests: true,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ['test/globalSetup.ts'],
  },
});
