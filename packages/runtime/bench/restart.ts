/**
 * Restart benchmark (not a test, issue 13): how long a runtime process takes to come back with
 * work stored. A PostgreSQL schema holds
 * BENCH_OPEN (default 100,000) generated open cases of the bench flow with an SLA on its review
 * step (review past its SLA → approval), BENCH_TIMERS (default 50,000) of them with their SLA
 * timer already due (BENCH_SCHEMA names the schema; default a new one). The script spawns `node --import tsx src/main.ts` on it and measures the
 * time from the spawn to `/health` answering 200, then to every due timer handled (fired, the
 * case moved to approval), and the process's resident memory (RSS) then.
 * Run: `npx -y pnpm@10.34.8 bench:restart` (DATABASE_URL, default the local PostgreSQL).
 * The schema is dropped afterwards (the timers fired), so each run generates it again.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { openDatabase } from '../src/store/db.js';
import { benchSlaFlow as flow, BENCH_TENANT } from './support/benchTenant.js';
import { prepareStoredCases } from './support/storedCases.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCHEMA = process.env.BENCH_SCHEMA ?? `bench_restart_${Date.now().toString(36)}`;
const OPEN = Number(process.env.BENCH_OPEN ?? 100_000);
const TIMERS = Number(process.env.BENCH_TIMERS ?? 50_000);
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

console.log(`bench:restart — ${OPEN.toLocaleString('en')} open cases, ${TIMERS.toLocaleString('en')} due timers, schema ${SCHEMA} (load average ${load()})`);
await prepareStoredCases({ databaseUrl: DATABASE_URL, schema: SCHEMA, cases: OPEN, openCases: OPEN, dueTimers: TIMERS, flow, audit: false });
const db = openDatabase({ databaseUrl: DATABASE_URL, schema: SCHEMA });
const pendingDue = async () =>
  Number((await db('timers').where({ tenant_id: BENCH_TENANT, status: 'pending' }).where('due_at', '<=', db.fn.now()).count({ n: '*' }))[0]!.n);
console.log(`  due timers pending before the start: ${(await pendingDue()).toLocaleString('en')}`);

const port = 3900 + Math.floor(Math.random() * 90);
const started = Date.now();
const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=exflow-source', 'src/main.ts'], {
  env: { ...process.env, DATABASE_URL, DATABASE_SCHEMA: SCHEMA, PORT: String(port), EXFLOW_SEED_DEMO: 'false' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
try {
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (child.exitCode !== null) throw new Error(`the runtime exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const healthy = Date.now() - started;
  console.log(`  /health 200 after ${(healthy / 1000).toFixed(2)} s (RSS ${rss().toFixed(0)} MB, load average ${load()})`);
  let last = -1;
  for (;;) {
    const left = await pendingDue();
    if (left === 0) break;
    if (left !== last && (Date.now() - started) % 10_000 < 1000)
      console.log(`  ${left.toLocaleString('en')} due timers left after ${((Date.now() - started) / 1000).toFixed(0)} s`);
    last = left;
    await new Promise((r) => setTimeout(r, 500));
  }
  const handled = Date.now() - started;
  console.log(
    `  every due timer handled after ${(handled / 1000).toFixed(1)} s (${(TIMERS / ((handled - healthy) / 1000)).toFixed(0)} timers/s after /health; RSS ${rss().toFixed(0)} MB, load average ${load()})`,
  );
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  // the timers fired and their cases moved on: the next run generates the schema again (BENCH_KEEP=1 keeps it)
  if (!process.env.BENCH_KEEP) await db.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [SCHEMA]);
  await db.destroy();
}
