import { FEATURE_NAMES } from '@exflow/shared';
import { describe, expect, it } from 'vitest';
import { loadStep, scoreStep, trainStep, type StepExample } from '../src/ai/recommender.js';
import { trainStepsOffThread } from '../src/ai/stepTrainer.js';

/** Decisions where the outcome follows the first feature; four more vary at random, the rest are constant. */
function examples(n: number, seed: number): StepExample[] {
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: n }, () => {
    const vector = FEATURE_NAMES.map((_, j) => (j < 5 ? Math.round(rand() * 20) / 2 : 0));
    return { vector, outcome: vector[0]! < 5 ? 'accept' : 'reject' };
  });
}

describe('training off the event loop', () => {
  it('trains the steps in a worker thread while the event loop keeps turning, to the same model as in process', async () => {
    const steps = [
      { key: 'flow/a', examples: examples(150, 1) },
      { key: 'flow/b', examples: examples(150, 2) },
      { key: 'flow/few', examples: examples(5, 3) },
    ];
    let turns = 0;
    let done = false;
    const training = trainStepsOffThread(steps).finally(() => (done = true));
    // the loop turns while the forests are trained (in process, the synchronous training would hold it)
    const turning = (async () => {
      while (!done) {
        await new Promise((next) => setImmediate(next));
        turns++;
      }
    })();
    const trained = await training;
    await turning;
    expect(turns).toBeGreaterThan(20);
    expect(trained.get('flow/few')).toBeNull();
    const a = trained.get('flow/a')!;
    // seeded: the thread's forest is the one this process would train from the same rows
    expect(a.model).toEqual(JSON.parse(JSON.stringify(trainStep(steps[0]!.examples)!.model)));
    const scored = scoreStep(loadStep(a.model), steps[0]!.examples[0]!.vector);
    expect(scored.outcome).toBe(steps[0]!.examples[0]!.outcome);
  });
});
