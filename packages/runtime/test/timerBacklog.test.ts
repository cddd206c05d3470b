import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCH_TENANT } from '../bench/support/benchTenant.js';
import { startPoller, type Poller } from '../src/effects/poller.js';
import { createTimerWorker } from '../src/effects/timerWorker.js';
import { createEngine } from '../src/engine/engine.js';
import { startServerWithDueTimers } from './support/dueTimers.js';
import { testDatabaseKinds, type TestServer } from './support/testServer.js';
import { eventually, PATIENCE_MS, TEST_TIMEOUT_MS } from './support/http.js';

const TIMERS = 500;
const BATCH = 10;
const LANES = 2;
/** The idle poll: far beyond the test, so a drain that waited for one would never finish. */
const NEVER_MS = 3_600_000;

describe.each(testDatabaseKinds())('a backlog of due timers drains without waiting for polls, on %s', { timeout: TEST_TIMEOUT_MS }, (database) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServerWithDueTimers(database, TIMERS);
  });
  afterAll(() => server?.stop());

  it('two workers (two engines, as two processes) claim batches, fan out, run again at once, and fire each timer once', async () => {
    const pending = async () => Number((await server.db('timers').where({ tenant_id: BENCH_TENANT, status: 'pending' }).count({ n: '*' }))[0]!.n);
    expect(await pending()).toBe(TIMERS);
    // the generated timers fall due within the last two weeks; this clock is past all of them
    const later = () => Date.now() + 2 * 3_600_000;
    const errors: unknown[] = [];
    const watched = [0, 1].map(() => ({ ticks: 0, claimed: 0, running: 0, mostAtOnce: 0 }));
    const pollers: Poller[] = watched.map((w) => {
      const worker = createTimerWorker({
        db: server.db,
        engine: createEngine({ db: server.db }),
        now: later,
        batchSize: BATCH,
        leaseMs: 600_000,
        log: (message, context) => errors.push({ message, ...context }),
      });
      const tick = async () => {
        w.ticks++;
        w.mostAtOnce = Math.max(w.mostAtOnce, ++w.running);
        try {
          const n = await worker.tick();
          w.claimed += n;
          return n;
        } finally {
          w.running--;
        }
      };
      return startPoller(tick, NEVER_MS, (e) => errors.push(e), { concurrency: LANES, fanOutAt: BATCH });
    });
    try {
      await eventually(async () => (await pending()) === 0 || errors.length > 0, PATIENCE_MS, 'every due timer fired');
      // each lane stops after a claim that found nothing, not after an idle poll
      await eventually(async () => watched.every((w) => w.running === 0), PATIENCE_MS, 'the lanes to park');
    } finally {
      await Promise.all(pollers.map((p) => p.stop()));
    }

    expect(errors).toEqual([]);
    // once each: one timer.fired per case, each case moved on to approval
    const fired = await server.db('case_events').where({ tenant_id: BENCH_TENANT, type: 'timer.fired' }).select('case_id');
    expect(fired).toHaveLength(TIMERS);
    expect(new Set(fired.map((r) => r.case_id)).size).toBe(TIMERS);
    const timerCases = server.db('timers').where({ tenant_id: BENCH_TENANT }).select('case_id');
    const moved = await server.db('cases').where({ tenant_id: BENCH_TENANT }).whereIn('id', timerCases).select('active_nodes');
    expect(moved).toHaveLength(TIMERS);
    expect(moved.every((c) => JSON.stringify(c.active_nodes) === '["approval"]')).toBe(true);

    // each claim took timers no other claim held (the lease), and the backlog was drained by
    // claims that ran again at once: full batches, a few partial ones at the end, and one empty
    // claim per lane (its last); nothing waited for an idle poll
    expect(watched[0]!.claimed + watched[1]!.claimed).toBe(TIMERS);
    const ticks = watched[0]!.ticks + watched[1]!.ticks;
    expect(ticks).toBeGreaterThanOrEqual(TIMERS / BATCH);
    expect(ticks).toBeLessThanOrEqual(TIMERS / BATCH + (BATCH - 1) + 2 * LANES);
    // a full batch fanned out to the second lane of each worker (PGlite runs a tick's statements
    // without giving the event loop a turn, so there the lanes take turns instead)
    if (database === 'postgres') for (const w of watched) expect(w.mostAtOnce).toBe(LANES);
  });
});
