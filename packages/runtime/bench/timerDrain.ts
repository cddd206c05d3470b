/**
 * Timer drain benchmark (not a test): does claiming due timers slow down as the drain goes?
 * A new PostgreSQL schema holds BENCH_TIMERS (default 20,000) open cases of the bench SLA flow
 * whose review SLA timer is due (and as many open cases without one). This process runs the
 * timer worker itself, EXFLOW_TIMER_CONCURRENCY (default 4) lanes claiming EXFLOW_TIMER_BATCH
 * (default 10) timers each, until every timer fired, and prints timers/s and CPU per timer (this
 * process, and the PostgreSQL backends of its connections) for the first and the last 10 % of
 * the drain, and `EXPLAIN (ANALYZE, BUFFERS)` of the worker's claim statement after the first
 * batch and at 90 % (run in a transaction that is rolled back; the lanes wait meanwhile).
 * Fired timers' rows leave dead entries in the claim's index that only vacuum removes; this
 * shows whether the claim walks past them. A scan skips such an entry cheaply once an earlier
 * scan found its row dead to every transaction; while a transaction older than the firing is
 * open (a long report, pg_dump, a replica's feedback), it must visit the row each time.
 * BENCH_HOLD_SNAPSHOT=1 holds one open (REPEATABLE READ, on its own connection) for the drain.
 * Run: `npx -y pnpm@10.34.8 bench:timers` (DATABASE_URL, default the local
 * PostgreSQL). The schema is dropped afterwards.
 */
import { createTimerWorker } from '../src/effects/timerWorker.js';
import { createEngine } from '../src/engine/engine.js';
import { openDatabase } from '../src/store/db.js';
import { benchSlaFlow, BENCH_TENANT } from './support/benchTenant.js';
import { postgresCpuMs } from './support/cpuAccount.js';
import { prepareStoredCases } from './support/storedCases.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCHEMA = process.env.BENCH_SCHEMA ?? `bench_timers_${Date.now().toString(36)}`;
const TIMERS = Number(process.env.BENCH_TIMERS ?? 20_000);
const LANES = Number(process.env.EXFLOW_TIMER_CONCURRENCY ?? 4);
const BATCH = Number(process.env.EXFLOW_TIMER_BATCH ?? 10);

console.log(`bench:timerDrain — ${TIMERS.toLocaleString('en')} due timers, ${LANES} lanes × batches of ${BATCH}, schema ${SCHEMA}`);
await prepareStoredCases({
  databaseUrl: DATABASE_URL,
  schema: SCHEMA,
  cases: 2 * TIMERS,
  openCases: 2 * TIMERS,
  dueTimers: TIMERS,
  flow: benchSlaFlow,
  audit: false,
});
const db = openDatabase({ databaseUrl: DATABASE_URL, schema: SCHEMA, poolMax: LANES * BATCH + 3 });

// the worker's last claim statement, to EXPLAIN as it was sent
type Bindings = Parameters<typeof db.raw>[1];
let claim: { sql: string; bindings: Bindings } | undefined;
db.on('query', (q: { sql: string; bindings?: Bindings }) => {
  if (/^\s*(WITH|UPDATE)[\s\S]*claimed_until = now\(\)/.test(q.sql)) claim = { sql: q.sql, bindings: q.bindings ?? [] };
});
async function explainClaim(label: string) {
  if (!claim) return console.log(`  ${label}: no claim statement seen`);
  const trx = await db.transaction();
  try {
    const plan = await trx.raw(`EXPLAIN (ANALYZE, BUFFERS) ${claim.sql.replace(/\$\d+/g, '?')}`, claim.bindings);
    console.log(`  EXPLAIN (ANALYZE, BUFFERS) of the claim, ${label}:`);
    for (const r of plan.rows as { 'QUERY PLAN': string }[]) console.log(`    ${r['QUERY PLAN']}`);
  } finally {
    await trx.rollback();
  }
}

// the transaction a long report would hold: its snapshot keeps every fired timer's row visible to it
const holder = process.env.BENCH_HOLD_SNAPSHOT ? await db.transaction({ isolationLevel: 'repeatable read' }) : undefined;
if (holder) console.log(`  holding a snapshot from before the drain open: ${(await holder('timers').count({ n: '*' }))[0]!.n} timer rows`);

const cpu = () => ({
  fired,
  process: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
  backends: postgresCpuMs()?.own ?? NaN,
  at: performance.now(),
});
const pending = async () => Number((await db('timers').where({ tenant_id: BENCH_TENANT, status: 'pending' }).count({ n: '*' }))[0]!.n);
const due = await pending();
// the generated timers fell due within the last two weeks; this clock is past all of them
const later = () => Date.now() + 2 * 3_600_000;
const worker = createTimerWorker({ db, engine: createEngine({ db }), now: later, batchSize: BATCH, log: (m, c) => console.log(`  ${m} ${JSON.stringify(c)}`) });

let fired = 0;
const marks = new Map<string, ReturnType<typeof cpu>>();
let gate: Promise<void> = Promise.resolve();
const lane = async () => {
  for (;;) {
    await gate;
    const n = await worker.tick();
    if (n === 0) return;
    fired += n;
    if (!marks.has('10%') && fired >= 0.1 * due) marks.set('10%', cpu());
    if (!marks.has('90%') && fired >= 0.9 * due) {
      marks.set('90%', cpu());
      gate = explainClaim('at 90 % fired').then(() => void marks.set('90%', cpu()));
    }
  }
};
await worker.tick().then((n) => void (fired += n));
await explainClaim('after the first batch');
marks.set('start', cpu());
await Promise.all(Array.from({ length: LANES }, lane));
marks.set('end', cpu());
// the EXPLAIN at 90 % is left out of the last 10 %: its mark is taken again after it

const phase = (label: string, from: ReturnType<typeof cpu>, to: ReturnType<typeof cpu>) => {
  const n = to.fired - from.fired;
  console.log(
    `  ${label}: ${n.toLocaleString('en')} timers claimed in ${((to.at - from.at) / 1000).toFixed(1)} s = ${((n * 1000) / (to.at - from.at)).toFixed(0)}/s; ` +
      `CPU per timer: this process ${((to.process - from.process) / n).toFixed(2)} ms, its PostgreSQL backends ${((to.backends - from.backends) / n).toFixed(2)} ms`,
  );
};
const [start, at10, at90, end] = ['start', '10%', '90%', 'end'].map((k) => marks.get(k)!) as [
  ReturnType<typeof cpu>,
  ReturnType<typeof cpu>,
  ReturnType<typeof cpu>,
  ReturnType<typeof cpu>,
];
// claims, not firings: a timer claimed twice (its first firing skipped it) counts twice
console.log(`  claimed ${fired.toLocaleString('en')} times for ${due.toLocaleString('en')} due timers; still pending now ${await pending()}`);
phase('first 10 %', start, at10);
phase('last 10 %', at90, end);
phase('whole drain', start, end);
await holder?.rollback();
await db.raw(`DROP SCHEMA ${SCHEMA} CASCADE`);
await db.destroy();
