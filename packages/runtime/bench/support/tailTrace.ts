/**
 * BENCH_TAIL=1 (bench:cases): what the slow cases spent their time on. Per step of a case, the
 * p50 / p99 / max over the phase; and, over the same time, the event loop's delay, the GC
 * pauses, and how long a query waited for a pooled connection (knex's tarn pool).
 */
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import type { Db } from '../../src/store/db.js';

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! : NaN);
const line = (label: string, values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return `    ${label.padEnd(28)} n ${String(s.length).padStart(6)}   p50 ${pct(s, 0.5).toFixed(1).padStart(7)}   p99 ${pct(s, 0.99).toFixed(1).padStart(7)}   max ${(s.at(-1) ?? NaN).toFixed(1).padStart(7)} ms`;
};

interface TarnPool {
  on(event: 'acquireRequest', listener: (eventId: number) => void): void;
  on(event: 'acquireSuccess', listener: (eventId: number) => void): void;
  removeAllListeners(event: string): void;
}

/** Starts tracing; `step(name, ms)` records a step of a case; `stop()` prints what was seen. */
export function startTailTrace(db: Db | undefined) {
  const steps = new Map<string, number[]>();
  const gc: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gc.push(e.duration);
  });
  observer.observe({ entryTypes: ['gc'] });
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const waits: number[] = [];
  const asked = new Map<number, number>();
  // knex starts its pool lazily; it exists once the runtime has run a query
  const pool = (db?.client as { pool?: TarnPool } | undefined)?.pool;
  pool?.on('acquireRequest', (id) => asked.set(id, performance.now()));
  pool?.on('acquireSuccess', (id) => {
    const t = asked.get(id);
    if (t !== undefined) waits.push(performance.now() - t);
    asked.delete(id);
  });
  return {
    step(name: string, ms: number) {
      let list = steps.get(name);
      if (!list) steps.set(name, (list = []));
      list.push(ms);
    },
    stop() {
      observer.disconnect();
      loop.disable();
      pool?.removeAllListeners('acquireRequest');
      pool?.removeAllListeners('acquireSuccess');
      console.log('    where the time went (BENCH_TAIL):');
      for (const [name, values] of steps) console.log(line(`step ${name}`, values));
      console.log(line('pool acquire wait', waits));
      console.log(line('GC pause', gc) + `   total ${gc.reduce((a, b) => a + b, 0).toFixed(0)} ms`);
      const ms = (ns: number) => (ns / 1e6).toFixed(1);
      console.log(`    event loop delay              p50 ${ms(loop.percentile(50))}   p99 ${ms(loop.percentile(99))}   max ${ms(loop.max)} ms`);
    },
  };
}
