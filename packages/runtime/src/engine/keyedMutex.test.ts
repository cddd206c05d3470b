import { describe, expect, it } from 'vitest';
import { createKeyedMutex } from './keyedMutex.js';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('keyed mutex', () => {
  it('runs work on one key one at a time, in arrival order', async () => {
    const mutex = createKeyedMutex();
    const gate = deferred();
    const log: string[] = [];
    const first = mutex.run('case-1', async () => {
      log.push('first:start');
      await gate.promise;
      log.push('first:end');
    });
    const second = mutex.run('case-1', async () => {
      log.push('second');
    });
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['first:start']);
    gate.resolve();
    await Promise.all([first, second]);
    expect(log).toEqual(['first:start', 'first:end', 'second']);
  });

  it('lets different keys run at the same time', async () => {
    const mutex = createKeyedMutex();
    const gate = deferred();
    const log: string[] = [];
    const blocked = mutex.run('case-1', async () => {
      await gate.promise;
      log.push('case-1');
    });
    await mutex.run('case-2', async () => {
      log.push('case-2');
    });
    expect(log).toEqual(['case-2']);
    gate.resolve();
    await blocked;
    expect(log).toEqual(['case-2', 'case-1']);
  });

  it('a failure rejects only its own caller; the next work on the key still runs', async () => {
    const mutex = createKeyedMutex();
    const failing = mutex.run('case-1', async () => {
      throw new Error('boom');
    });
    const next = mutex.run('case-1', async () => 'ran');
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ran');
  });
});
