import { generateCases } from '../../bench/support/generateCases.js';
import { BENCH_TENANT, benchSlaFlow, setUpBenchTenant } from '../../bench/support/benchTenant.js';
import { startTestServer, type TestDatabaseKind, type TestServer } from './testServer.js';

/**
 * A test server without workers of its own (the test runs the timer workers it watches), whose
 * bench tenant has `dueTimers` open cases waiting in review with their SLA timer due, among twice
 * as many open cases (the restart bench's shape).
 */
export async function startServerWithDueTimers(database: TestDatabaseKind, dueTimers: number): Promise<TestServer> {
  const server = await startTestServer({ database, seedDemo: false, workers: false });
  const definitionId = (await setUpBenchTenant(server, benchSlaFlow)).id;
  await generateCases(server.db, {
    tenantId: BENCH_TENANT,
    definitionId,
    definitionVersion: 1,
    cases: 2 * dueTimers,
    openCases: 2 * dueTimers,
    dueTimers,
    audit: false,
    chunk: 250,
  });
  return server;
}
