import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { StepExample, trainStep } from './recommender.js';

type Trained = ReturnType<typeof trainStep>;

/**
 * Starts the training thread. Built (`dist/`), it is plain JavaScript; from the TypeScript
 * sources (tests, `pnpm dev`, the benchmarks) the thread first registers tsx's loader and
 * resolves `@exflow/shared` to its sources, as the process that started it does.
 */
function startThread(workerData: unknown): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(`./trainingThread.${fromSource ? 'ts' : 'js'}`, import.meta.url);
  if (!fromSource) return new Worker(entry, { workerData });
  // tsx's ESM entry (its `require` one only forwards to a file it does not ship in every version)
  const tsx = new URL('dist/esm/api/index.mjs', pathToFileURL(createRequire(import.meta.url).resolve('tsx/package.json'))).href;
  const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { eval: true, workerData, execArgv: ['--conditions=exflow-source'] });
}

/**
 * Trains each step's recommender (docs/ai.md, "Training off the event loop") in a worker
 * thread, so the process keeps answering requests and running cases meanwhile: a random
 * forest over a few hundred decisions takes seconds of CPU. One thread per training run,
 * ended when it answers.
 */
export function trainStepsOffThread(steps: { key: string; examples: StepExample[] }[], minExamples?: number): Promise<Map<string, Trained>> {
  if (!steps.length) return Promise.resolve(new Map());
  return new Promise((resolve, reject) => {
    const worker = startThread({ steps, minExamples });
    let answered = false;
    worker.once('message', (json: string) => {
      answered = true;
      const results = JSON.parse(json) as { key: string; trained: Trained }[];
      resolve(new Map(results.map((r) => [r.key, r.trained])));
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`The AI training thread ended (exit code ${code}) before it answered`));
    });
  });
}
