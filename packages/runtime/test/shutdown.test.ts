import { afterAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from './support/testServer.js';
import { childRuntimePlace, signInAsDemoAdmin, startChildRuntime, stopGently, type ChildRuntime } from './support/childRuntime.js';
import { httpClient, TEST_TIMEOUT_MS } from './support/http.js';
import { invoiceWithChairPrice } from './support/fixtures.js';

describe.each(testDatabaseKinds())('a gentle stop (SIGTERM) logs nothing that looks like an error, on %s', (database) => {
  const place = childRuntimePlace(database, 'shutdown');
  let child: ChildRuntime | undefined;

  afterAll(async () => {
    if (child && child.process.exitCode === null) await stopGently(child);
    await place.remove();
  });

  it('stops after an intake, exits 0, and writes no error line', { timeout: TEST_TIMEOUT_MS }, async () => {
    child = await startChildRuntime({ ...place.env, EXFLOW_SEED_DEMO: 'true' });
    const token = await signInAsDemoAdmin(child.url);
    // a committed case: its change went out through the broadcaster (on PostgreSQL, as a NOTIFY)
    const posted = await httpClient(child.url, token)('POST', '/api/v1/invoices', invoiceWithChairPrice('STOP-1', '140.00'));
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);

    // on PostgreSQL the Socket.IO adapter's goodbye NOTIFY went out after its pool had ended:
    // "broadcast failed: Cannot use a pool after calling end on the pool" at every stop
    await stopGently(child);
    expect(child.process.exitCode, child.output()).toBe(0);
    const errors = child
      .output()
      .split('\n')
      .filter((line) => /"level":"(error|fatal)"|Cannot use a pool|Error:/.test(line));
    expect(errors).toEqual([]);
  });
});
