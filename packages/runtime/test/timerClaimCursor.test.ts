import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCH_TENANT } from '../bench/support/benchTenant.js';
import { createTimerWorker } from '../src/effects/timerWorker.js';
import { createEngine } from '../src/engine/engine.js';
import { createTimerRepository } from '../src/store/timerRepository.js';
import { startServerWithDueTimers } from './support/dueTimers.js';
import { testDatabaseKinds, type TestServer } from './support/testServer.js';
import { TEST_TIMEOUT_MS } from './support/http.js';

const BATCH = 10;

describe.each(testDatabaseKinds())('the timer claim resumes after its last full batch, on %s', { timeout: TEST_TIMEOUT_MS }, (database) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServerWithDueTimers(database, 3 * BATCH);
  });
  afterAll(() => server?.stop());

  it('passes over the fired timers while batches come full, comes back for a lease that ran out behind it, and fires each timer once', async () => {
    const db = server.db;
    const inClaimOrder = (
      await db('timers')
        .where({ tenant_id: BENCH_TENANT, status: 'pending' })
        .orderBy([{ column: 'due_at' }, { column: 'id' }])
        .select('id')
    ).map((r) => r.id as string);
    expect(inClaimOrder).toHaveLength(3 * BATCH);
    const [first, second, third] = [0, 1, 2].map((i) => inClaimOrder.slice(i * BATCH, (i + 1) * BATCH));
    const fired = async () => new Set((await db('timers').where({ tenant_id: BENCH_TENANT, status: 'fired' }).select('id')).map((r) => r.id as string));
    // the generated timers fall due within the last two weeks; this clock is past all of them
    const later = () => Date.now() + 2 * 3_600_000;
    const errors: unknown[] = [];
    const worker = createTimerWorker({
      db,
      engine: createEngine({ db }),
      now: later,
      batchSize: BATCH,
      leaseMs: 600_000,
      log: (m, c) => errors.push({ m, ...c }),
    });

    // a process claims the soonest batch and dies before firing it
    const dead = await createTimerRepository(db).claim(BATCH, new Date(later()), 600_000);
    expect(dead.timers.map((t) => t.id)).toEqual(first);

    // the worker takes the next batch (the dead process's lease holds the first)
    expect(await worker.tick()).toBe(BATCH);
    expect([...(await fired())].sort()).toEqual([...second!].sort());

    // the dead process's lease runs out; the worker's batches still come full, so it carries on
    // after the last timer it claimed instead of walking again from the soonest
    await db('timers')
      .where({ tenant_id: BENCH_TENANT })
      .whereIn('id', first!)
      .update({ claimed_until: db.raw(`now() - interval '1 second'`) });
    expect(await worker.tick()).toBe(BATCH);
    expect((await fired()).size).toBe(2 * BATCH);
    for (const id of third!) expect((await fired()).has(id)).toBe(true);

    // nothing is left past the cursor: the same tick goes back to the soonest and takes the first batch
    expect(await worker.tick()).toBe(BATCH);
    expect((await fired()).size).toBe(3 * BATCH);
    // and then nothing is due, so the lane may park
    expect(await worker.tick()).toBe(0);

    expect(errors).toEqual([]);
    // once each: one timer.fired per case
    const events = await db('case_events').where({ tenant_id: BENCH_TENANT, type: 'timer.fired' }).select('case_id');
    expect(events).toHaveLength(3 * BATCH);
    expect(new Set(events.map((r) => r.case_id)).size).toBe(3 * BATCH);
  });
});
