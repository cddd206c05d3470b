/**
 * Insights benchmark (not a test): the five executive metrics over a million cases on
 * PostgreSQL (issue 12). The cases are generated through SQL in the shape the engine writes
 * (bench/support/generateCases.ts: 2 % open, the rest closed over the last 365 days) into a
 * schema that is kept (BENCH_SCHEMA, default `bench_insights_1m`) and reused by the next run;
 * the rollup (migration 020) is built once with them and timed (support/storedCases.ts). Then, for each metric, the median of
 * BENCH_RUNS (default 7) runs after a warm one of:
 *
 * - the repository call the API makes, in the read-only tenant scope (row-level security on):
 *   the last 30 days by week without case ids (the summary tiles), with case ids (the metric
 *   route and the drill-down), and the whole year by month without ids;
 * - `GET /api/v1/insights/summary` over HTTP (all five, each with its period before) and
 *   `GET /api/v1/insights/metrics/:metric`, from a whole Exflow on the same schema;
 *
 * and prints `EXPLAIN (ANALYZE, BUFFERS)` of each metric's query over the last 30 days.
 * Run: `npx -y pnpm@10.34.8 bench:insights` (DATABASE_URL, default the local PostgreSQL;
 * BENCH_CASES, default 1,000,000; BENCH_RAW=1 also times the raw SQL without the rollup).
 */
import { EXECUTIVE_METRICS, type InsightQuery, type MetricName } from '@exflow/shared';
import { loadConfig } from '../src/config/config.js';
import { startExflow } from '../src/main.js';
import { openDatabase, migrate, type Db } from '../src/store/db.js';
import { createInsightRollup } from '../src/store/insightRollup.js';
import { createInsightsRepository, type MetricOptions } from '../src/store/insightsRepository.js';
import { rolledUpMetricSql } from '../src/store/rolledUpMetrics.js';
import { withTenantScope } from '../src/store/tenantScope.js';
import { BENCH_TENANT, login } from './support/benchTenant.js';
import { prepareStoredCases } from './support/storedCases.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCHEMA = process.env.BENCH_SCHEMA ?? 'bench_insights_1m';
const CASES = Number(process.env.BENCH_CASES ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const TARGET_MS = 500;
const DAY = 86_400_000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(work: () => Promise<unknown>): Promise<number> {
  await work(); // warm
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await work();
    times.push(performance.now() - t);
  }
  return median(times);
}

const uptime = async () =>
  (await import('node:os'))
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
const ms = (x: number) => `${x.toFixed(0).padStart(6)} ms`;

console.log(`bench:insights — ${CASES.toLocaleString('en')} cases on PostgreSQL, schema ${SCHEMA} (load average ${await uptime()})`);
const started = Date.now();
await prepareStoredCases({ databaseUrl: DATABASE_URL, schema: SCHEMA, cases: CASES, openCases: Math.round(CASES * 0.02), audit: false });
const db: Db = openDatabase({ databaseUrl: DATABASE_URL, schema: SCHEMA });
await migrate(db, SCHEMA);
const rollup = createInsightRollup(db);
const counts = (await db.raw(`SELECT count(*)::int AS cases FROM cases WHERE tenant_id = ?`, [BENCH_TENANT])).rows[0];
// prepareStoredCases built the rollup with the cases (and timed it); catch up on later runs' cases
await rollup.catchUp(BENCH_TENANT);
console.log(`  ${counts.cases.toLocaleString('en')} cases ready after ${((Date.now() - started) / 1000).toFixed(0)} s (load average ${await uptime()})\n`);

const now = new Date();
const last30: InsightQuery = { from: new Date(now.getTime() - 30 * DAY).toISOString(), to: now.toISOString(), now: now.toISOString(), groupBy: 'week' };
const year: InsightQuery = { from: new Date(now.getTime() - 366 * DAY).toISOString(), to: now.toISOString(), now: now.toISOString(), groupBy: 'month' };

/** The repository call in the read-only tenant scope, as a GET route makes it. */
const scoped = (metric: MetricName, q: InsightQuery, options: MetricOptions) => () =>
  withTenantScope(db, BENCH_TENANT, (trx) => createInsightsRepository(trx).metric(BENCH_TENANT, metric, q, options));

console.log('metric               30 days, no ids   30 days, with ids   365 days, no ids   (median of ' + RUNS + ')');
const worst: number[] = [];
for (const metric of EXECUTIVE_METRICS) {
  const a = await timed(scoped(metric, last30, { ids: false }));
  const b = await timed(scoped(metric, last30, {}));
  const c = await timed(scoped(metric, year, { ids: false }));
  worst.push(a, c);
  console.log(`${metric.padEnd(20)} ${ms(a)}          ${ms(b)}          ${ms(c)}`);
}
if (process.env.BENCH_RAW) {
  for (const metric of EXECUTIVE_METRICS) {
    const t = performance.now();
    await withTenantScope(db, BENCH_TENANT, (trx) => createInsightsRepository(trx).metric(BENCH_TENANT, metric, last30, { ids: false, source: 'raw' }));
    console.log(`${metric.padEnd(20)} raw SQL, 30 days, one run: ${ms(performance.now() - t)}`);
  }
}

// the API over HTTP: a whole Exflow on the same schema
const config = {
  ...loadConfig({ EXFLOW_RATE_LIMIT_API: '100000000', EXFLOW_RATE_LIMIT_AUTH: '1000' }),
  port: 0,
  databaseUrl: DATABASE_URL,
  databaseSchema: SCHEMA,
  dataDir: '',
  seedDemo: false,
};
const running = await startExflow(config, { log: () => {} });
try {
  const token = await login(running, 'owner@bench.test');
  const get = (path: string) => async () => {
    const r = await fetch(`${running.url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (!r.ok) throw new Error(`${path} answered ${r.status}: ${await r.text()}`);
    await r.text();
  };
  console.log(`\nHTTP (default period: the last 30 days)`);
  console.log(`GET /insights/summary (five metrics and their periods before): ${ms(await timed(get('/insights/summary')))}`);
  for (const metric of EXECUTIVE_METRICS) console.log(`GET /insights/metrics/${metric.padEnd(18)} ${ms(await timed(get(`/insights/metrics/${metric}`)))}`);
  console.log(
    `runtime process RSS on this schema after these requests: ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB (bench and runtime share the process)`,
  );
} finally {
  await running.stop();
}

console.log(`\nEXPLAIN (ANALYZE, BUFFERS), last 30 days, no ids:`);
const since = (await rollup.since(BENCH_TENANT))!;
for (const metric of EXECUTIVE_METRICS) {
  const sql = rolledUpMetricSql(BENCH_TENANT, since, metric, last30, false);
  const plan = await db.raw(`EXPLAIN (ANALYZE, BUFFERS) ${sql.text}`, sql.bindings as any[]);
  console.log(`\n--- ${metric}`);
  for (const row of plan.rows as { 'QUERY PLAN': string }[]) console.log(row['QUERY PLAN']);
}
console.log(
  `\nSlowest of the five: ${Math.max(...worst).toFixed(0)} ms (target ${TARGET_MS} ms each, 30 days and 365 days, no ids); load average ${await uptime()}`,
);
await db.destroy();
