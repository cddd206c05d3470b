import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';
import { precompress } from './build/precompress.js';

export default defineConfig({
  plugins: [react(), precompress()],
  // @exflow/shared bundled from its TypeScript sources (its `exflow-source` export), so no build of shared is needed first
  resolve: { conditions: ['exflow-source', ...defaultClientConditions] },
  server: { proxy: { '/api': 'http://localhost:3000', '/socket.io': { target: 'http://localhost:3000', ws: true } } },
  // ELK (the auto-layout engine) is 1.4 MB on its own and loads lazily, in a worker
  worker: { format: 'es' },
  build: {
    chunkSizeWarningLimit: 1500,
    sourcemap: process.env.EXFLOW_SOURCEMAP === '1',
    // the manifest lets test/build/routeChunks.test.ts check which chunks each route loads
    manifest: true,
    rolldownOptions: {
      output: {
        // named vendor chunks, each loaded only by the routes that import it (pages are split by
        // React.lazy in App.tsx, WorkspaceApp.tsx and CasePage.tsx)
        codeSplitting: {
          // a group takes only the packages it names; their dependencies (ajv, shared by rjsf and
          // @exflow/shared) stay where the bundler puts them
          includeDependenciesRecursively: false,
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            { name: 'xyflow', test: /node_modules[\\/](@xyflow|d3-[a-z]+|classcat)[\\/]/ },
            { name: 'rjsf', test: /node_modules[\\/](@rjsf|lodash|lodash-es|json-schema-merge-allof|markdown-to-jsx)[\\/]/ },
          ],
        },
      },
    },
  },
});
