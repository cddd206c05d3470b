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
  build: { chunkSizeWarningLimit: 1500, sourcemap: process.env.EXFLOW_SOURCEMAP === '1' },
});
