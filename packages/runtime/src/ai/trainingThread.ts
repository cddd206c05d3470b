import { parentPort, workerData } from 'node:worker_threads';
import { trainStep, type StepExample } from './recommender.js';

/**
 * The worker thread's entry (started by `trainStepsOffThread`): trains each step's forest and
 * posts the results back. CPU-bound work only; it reads no database.
 */
const { steps, minExamples } = workerData as { steps: { key: string; examples: StepExample[] }[]; minExamples?: number };
// as JSON, the form a model row stores: the forest's own toJSON() drops its class instances, which a structured clone would keep as bare objects
parentPort!.postMessage(JSON.stringify(steps.map(({ key, examples }) => ({ key, trained: trainStep(examples, minExamples) }))));
