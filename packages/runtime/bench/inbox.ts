/**
 * Inbox benchmark (not a test): with 10,000 open tasks in the database, how long the inbox's
 * first page takes from the API, and the plan of the list query. On in-memory PGlite and on
 * PostgreSQL (DATABASE_URL, default the local one, in a throw-away schema).
 * Run: `npx -y pnpm@10.34.8 bench:inbox` (BENCH_TASKS to change the 10,000, BENCH_DB=pglite|postgres for one).
 */
import { startTestServer, type TestDatabaseKind, type TestServer } from '../test/support/testServer.js';
import { createInboxRepository, type InboxFilter } from '../src/store/inboxRepository.js';

const TASKS = Number(process.env.BENCH_TASKS ?? 10_000);
const TASKS_PER_CASE = 5;
const RUNS = 30;
const TARGET_MS = 300;
process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';

/** 10,000 open tasks over 2,000 cases of the demo tenant, in the mix a busy AP team has. */
async function fill(server: TestServer): Promise<void> {
  const db = server.db;
  const { definition_id: definitionId } = await db('definition_versions').where({ tenant_id: 'demo' }).first('definition_id');
  const cases = Math.ceil(TASKS / TASKS_PER_CASE);
  await db.raw(
    `INSERT INTO cases (tenant_id, id, definition_id, definition_version, status, version, snapshot, active_nodes)
     SELECT 'demo', 'bench-case-' || g, ?, 1, 'open', 1, '{"value": "procurementReview", "context": {}, "status": "active"}'::jsonb, '["procurementReview"]'::jsonb
     FROM generate_series(1, ?) g`,
    [definitionId, cases],
  );
  // deterministic spread: queues, candidate roles, holders, suppliers, business units, kinds, amounts, SLAs
  await db.raw(
    `INSERT INTO tasks (tenant_id, id, case_id, node_id, title, queue, candidate_roles, outcomes, priority, assignee, due_at, created_at,
       invoice_number, supplier_id, supplier_name, business_unit, amount, currency, exception_kind, value_at_risk)
     SELECT 'demo', 'bench-task-' || g, 'bench-case-' || ((g - 1) / ${TASKS_PER_CASE} + 1), 'procurementReview', 'Review exception',
       (ARRAY['procurement', 'controller', 'ap-review', 'tax', 'vendor-master'])[g % 5 + 1],
       (ARRAY['["analyst","approver"]', '["approver"]', '["analyst"]', '[]', '["analyst","approver"]'])[g % 5 + 1]::jsonb,
       '[{"id":"accept"},{"id":"reject"}]'::jsonb,
       1 + g % 5,
       CASE WHEN g % 10 < 3 THEN (ARRAY['u-analyst', 'u-analyst2', 'u-approver'])[g % 3 + 1] END,
       now() + ((g * 7919) % 10080 - 2880) * interval '1 minute',
       now() - ((g * 104729) % 4320) * interval '1 minute',
       'INV-' || g, 'SUP-' || lpad((g % 50)::text, 3, '0'), 'Supplier ' || (g % 50), 'BU-' || (g % 8),
       round(((g * 7907) % 500000)::numeric / 10, 2), 'EUR',
       (ARRAY['priceVariance', 'quantityVariance', 'missingGoodsReceipt', 'missingPo', 'duplicate', 'taxMismatch', 'bankAccountChanged'])[g % 7 + 1],
       round(((g * 6151) % 200000)::numeric / 10, 2)
     FROM generate_series(1, ?) g`,
    [TASKS],
  );
  await db.raw('ANALYZE tasks');
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function measure(server: TestServer, token: string, path: string) {
  const get = async () => {
    const r = await fetch(`${server.url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    return r.json() as Promise<{ items?: unknown[] }>;
  };
  const first = await time(get);
  const runs: number[] = [];
  let items = 0;
  for (let i = 0; i < RUNS; i++) runs.push(await time(async () => (items = (await get()).items?.length ?? 0)));
  runs.sort((a, b) => a - b);
  const p95 = percentile(runs, 95);
  console.log(
    `  ${path.padEnd(62)} ${String(items).padStart(3)} rows  first ${first.toFixed(1).padStart(6)} ms  median ${percentile(runs, 50).toFixed(1).padStart(5)} ms  p95 ${p95.toFixed(1).padStart(5)} ms  ${p95 < TARGET_MS && first < TARGET_MS ? 'ok' : `OVER ${TARGET_MS} ms`}`,
  );
}

async function run(database: TestDatabaseKind) {
  const server = await startTestServer({ database, workers: false });
  try {
    await fill(server);
    const open = Number((await server.db('tasks').where({ status: 'open' }).count({ n: '*' }))[0].n);
    console.log(`\n${database}: ${open} open tasks`);
    const analyst = await server.login('analyst@demo.exflow');
    const admin = await server.login('admin@demo.exflow');
    await measure(server, analyst, '/inbox?view=unclaimed');
    await measure(server, analyst, '/inbox?view=mine');
    await measure(server, analyst, '/inbox?view=unclaimed&queue=procurement');
    await measure(server, analyst, '/inbox?view=unclaimed&supplier=SUP-007&amountMin=1000');
    await measure(server, analyst, '/inbox?view=unclaimed&exceptionKind=missingPo&businessUnit=BU-3');
    await measure(server, admin, '/inbox?view=team');
    await measure(server, analyst, '/inbox/summary');

    const views: [string, InboxFilter][] = [
      ['the unclaimed view', { view: 'unclaimed', userId: 'u-analyst', roles: ['analyst'], limit: 50 }],
      ['your own tasks (view=mine)', { view: 'mine', userId: 'u-analyst', roles: ['analyst'], limit: 50 }],
    ];
    for (const [name, filter] of views) {
      const { sql, bindings } = createInboxRepository(server.db).listQuery('demo', filter).toSQL();
      const options = database === 'postgres' ? 'ANALYZE, BUFFERS' : 'ANALYZE';
      const plan = await server.db.raw(`EXPLAIN (${options}) ${sql}`, bindings as any[]);
      console.log(`\n  EXPLAIN (${options}) of the first page of ${name}:\n`);
      for (const row of plan.rows) console.log(`    ${row['QUERY PLAN']}`);
    }
  } finally {
    await server.stop();
  }
}

const only = process.env.BENCH_DB as TestDatabaseKind | undefined;
for (const database of only ? [only] : (['pglite', 'postgres'] as const)) await run(database);
