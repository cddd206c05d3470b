import type { ELK } from 'elkjs/lib/elk-api.js';

let instance: Promise<ELK> | undefined;

/**
 * The ELK engine, in a Web Worker so laying out a large flow never freezes the canvas; on the
 * main thread where workers are unavailable.
 */
export function getElk(): Promise<ELK> {
  instance ??= (async () => {
    if (typeof Worker !== 'undefined') {
      try {
        const [{ default: ElkApi }, { default: ElkWorker }] = await Promise.all([import('elkjs/lib/elk-api.js'), import('elkjs/lib/elk-worker.min.js?worker')]);
        return new ElkApi({ workerFactory: () => new ElkWorker() }) as ELK;
      } catch {
        // fall through to the bundled engine
      }
    }
    const { default: ElkBundled } = await import('elkjs/lib/elk.bundled.js');
    return new ElkBundled() as ELK;
  })();
  return instance;
}
