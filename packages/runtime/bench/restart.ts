/**
 * Restart benchmark (not a test, issue 13): how long a runtime process takes to come back with
 * work stored. A PostgreSQL schema holds
 * BENCH_OPEN (default 100,000) generated open cases of the bench flow with an SLA on its review
 * step (review past its SLA → approval), BENCH_TIMERS (default 50,000) of them with their SLA
 * timer already due (BENCH_SCHEMA names the schema; default a new one). The script spawns the
 * built runtime, `node dist/main.js`, as it ships (building it first when dist/ is missing or
 * older than the sources; `BENCH_TSX=1` spawns `node --import tsx src/main.ts` instead, which
 * compiles the TypeScript at start-up), and measures the time from the spawn to `/health`
 * answering 200 (split by the runtime's own start-up log lines), then to every due timer handled
 * (fired, the case moved to approval), the CPU per timer of the drain (the runtime process, the
 * local PostgreSQL's processes, the whole machine) and the process's resident memory (RSS).
 * The runtime's settings come from the environment (e.g. EXFLOW_TIMER_CONCURRENCY, EXFLOW_TIMER_BATCH).
 * Run: `npx -y pnpm@10.34.8 bench:restart` (DATABASE_URL, default the local PostgreSQL).
 * The schema is dropped afterwards (the timers fired), so each run generates it again.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../src/store/db.js';
import { benchSlaFlow as flow, BENCH_TENANT } from './support/benchTenant.js';
import { machineBusyMs, pidCpuMs, postgresCpuMs } from './support/cpuAccount.js';
import { prepareStoredCases } from './support/storedCases.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCHEMA = process.env.BENCH_SCHEMA ?? `bench_restart_${Date.now().toString(36)}`;
const OPEN = Number(process.env.BENCH_OPEN ?? 100_000);
const TIMERS = Number(process.env.BENCH_TIMERS ?? 50_000);
const TSX = Boolean(process.env.BENCH_TSX);
const runtimeDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const sharedDir = resolve(runtimeDir, '../shared');
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

/** Newest modification time of the files under `dir`, ms. */
const newest = (dir: string): number =>
  Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)));
const builtAt = (file: string) => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
};

if (
  !TSX &&
  (builtAt(join(runtimeDir, 'dist/main.js')) < newest(join(runtimeDir, 'src')) || builtAt(join(sharedDir, 'dist/index.js')) < newest(join(sharedDir, 'src')))
) {
  const at = Date.now();
  console.log('bench:restart — building the runtime (dist/ missing or older than src/)');
  execFileSync('npx', ['-y', 'pnpm@10.34.8', '--filter', '@exflow/runtime...', 'build'], { cwd: runtimeDir, stdio: ['ignore', 'ignore', 'inherit'] });
  console.log(`  built in ${((Date.now() - at) / 1000).toFixed(0)} s`);
}
const command = TSX ? ['--import', 'tsx', '--conditions=exflow-source', 'src/main.ts'] : ['dist/main.js'];

const settings = ['EXFLOW_TIMER_CONCURRENCY', 'EXFLOW_TIMER_BATCH', 'EXFLOW_DATABASE_POOL_MAX']
  .filter((k) => process.env[k])
  .map((k) => `${k}=${process.env[k]}`)
  .join(' ');
console.log(
  `bench:restart — ${OPEN.toLocaleString('en')} open cases, ${TIMERS.toLocaleString('en')} due timers, schema ${SCHEMA}; runs \`node ${command.join(' ')}\`${settings ? ` with ${settings}` : ''} (load average ${load()})`,
);
await prepareStoredCases({ databaseUrl: DATABASE_URL, schema: SCHEMA, cases: OPEN, openCases: OPEN, dueTimers: TIMERS, flow, audit: false });
const db = openDatabase({ databaseUrl: DATABASE_URL, schema: SCHEMA });
const pendingDue = async () =>
  Number((await db('timers').where({ tenant_id: BENCH_TENANT, status: 'pending' }).where('due_at', '<=', db.fn.now()).count({ n: '*' }))[0]!.n);
const dueAtStart = await pendingDue();
console.log(`  due timers pending before the start: ${dueAtStart.toLocaleString('en')}`);

const port = 3900 + Math.floor(Math.random() * 90);
// the runtime's connections carry the schema's name, so the drain's PostgreSQL backends can be told apart
const runtimeUrl = new URL(DATABASE_URL);
runtimeUrl.searchParams.set('application_name', SCHEMA);
const started = Date.now();
const child = spawn(process.execPath, command, {
  cwd: runtimeDir,
  env: { ...process.env, DATABASE_URL: runtimeUrl.toString(), DATABASE_SCHEMA: SCHEMA, PORT: String(port), EXFLOW_SEED_DEMO: 'false' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
// the runtime's start-up milestones (ms since its process started) and its error lines
const milestones = new Map<string, number>();
let errors = 0;
createInterface({ input: child.stdout! }).on('line', (line) => {
  let entry: { message?: string; level?: string; sinceStartMs?: number };
  try {
    entry = JSON.parse(line);
  } catch {
    return;
  }
  if (typeof entry.sinceStartMs === 'number' && entry.message) milestones.set(entry.message, entry.sinceStartMs);
  if (entry.level === 'error' && ++errors <= 3) console.log(`  runtime error: ${line.slice(0, 300)}`);
});
/**
 * What the runtime's backends do during the drain, sampled with each count of what is left:
 * their states and wait events (`pg_stat_activity`), and their own CPU time (from /proc), so
 * the PostgreSQL CPU per timer leaves out the other work on the same server.
 */
const backends = {
  samples: 0,
  seen: new Map<string, number>(),
  statements: new Map<string, number>(),
  cpuAtStart: new Map<number, number>(),
  cpuLast: new Map<number, number>(),
};
async function sampleBackends() {
  const rows = (
    await db.raw(
      `SELECT pid, state, wait_event_type, wait_event, left(regexp_replace(query, '\\s+', ' ', 'g'), 70) AS query
     FROM pg_stat_activity WHERE application_name = ? AND pid <> pg_backend_pid()`,
      [SCHEMA],
    )
  ).rows as { pid: number; state: string | null; wait_event_type: string | null; wait_event: string | null; query: string }[];
  backends.samples++;
  for (const r of rows) {
    const what = `${r.state ?? '?'}${r.wait_event ? ` (${r.wait_event_type}: ${r.wait_event})` : ''}`;
    backends.seen.set(what, (backends.seen.get(what) ?? 0) + 1);
    if (r.state === 'active') backends.statements.set(r.query, (backends.statements.get(r.query) ?? 0) + 1);
    const cpu = pidCpuMs(r.pid);
    if (cpu === undefined) continue;
    if (!backends.cpuAtStart.has(r.pid)) backends.cpuAtStart.set(r.pid, backends.samples === 1 ? cpu : 0);
    backends.cpuLast.set(r.pid, cpu);
  }
}
const backendCpuMs = () => [...backends.cpuLast].reduce((n, [pid, cpu]) => n + cpu - (backends.cpuAtStart.get(pid) ?? 0), 0);

const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
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
  // the process's own CPU time to here depends far less on the machine's load than the wall time
  console.log(
    `  /health 200 after ${s(healthy)} (the runtime's CPU until then ${s(pidCpuMs(child.pid!) ?? NaN)}; RSS ${rss().toFixed(0)} MB, load average ${load()})`,
  );
  const at = (m: string) => milestones.get(m);
  const split = [
    ['modules loaded', at('starting')],
    ['migrations done', at('database migrated')],
    ['listening', at('listening')],
    ['workers started', at('workers started')],
  ].filter((e): e is [string, number] => e[1] !== undefined);
  if (split.length) console.log(`  start-up (the runtime's log, since its process started): ${split.map(([m, ms]) => `${m} ${s(ms)}`).join(', ')}`);

  const cpu = { runtime: pidCpuMs(child.pid!), postgres: postgresCpuMs()?.all, machine: machineBusyMs() };
  const left0 = await pendingDue();
  await sampleBackends();
  const drainFrom = Date.now();
  let said = drainFrom;
  for (;;) {
    const left = await pendingDue();
    if (left === 0) break;
    await sampleBackends();
    if (child.exitCode !== null) throw new Error(`the runtime exited with ${child.exitCode}`);
    if (Date.now() - said >= 30_000) {
      said = Date.now();
      console.log(`  ${left.toLocaleString('en')} due timers left after ${((Date.now() - started) / 1000).toFixed(0)} s (load average ${load()})`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const handled = Date.now() - started;
  const per = (now: number | undefined, then: number | undefined) =>
    now !== undefined && then !== undefined && left0 > 0 ? ((now - then) / left0).toFixed(1) : '?';
  await sampleBackends();
  const cpuLine =
    `runtime ${per(pidCpuMs(child.pid!), cpu.runtime)} ms, its PostgreSQL backends ${per(backendCpuMs(), 0)} ms ` +
    `(every PostgreSQL process ${per(postgresCpuMs()?.all, cpu.postgres)} ms), whole machine ${per(machineBusyMs(), cpu.machine)} ms`;
  console.log(
    `  every due timer handled after ${(handled / 1000).toFixed(1)} s: ${left0.toLocaleString('en')} in ${s(Date.now() - drainFrom)} after /health, ` +
      `${(left0 / ((Date.now() - drainFrom) / 1000)).toFixed(0)} timers/s; CPU per timer: ${cpuLine}; RSS ${rss().toFixed(0)} MB, load average ${load()}` +
      (errors ? `; ${errors} error lines` : ''),
  );
  const total = [...backends.seen.values()].reduce((a, b) => a + b, 0);
  console.log(
    `  the runtime's backends during the drain (${backends.samples} samples, ${(total / backends.samples).toFixed(1)} connections on average): ` +
      [...backends.seen]
        .sort((a, b) => b[1] - a[1])
        .filter(([, n]) => n / total >= 0.01)
        .map(([what, n]) => `${what} ${((100 * n) / total).toFixed(0)} %`)
        .join(', '),
  );
  const active = [...backends.statements.values()].reduce((a, b) => a + b, 0);
  console.log(`  statements the runtime's backends were seen running (${active} sightings):`);
  for (const [query, n] of [...backends.statements].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`    ${((100 * n) / active).toFixed(0)} % ${query}`);
} finally {
  child.kill('SIGTERM');
  if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
  // the timers fired and their cases moved on: the next run generates the schema again (BENCH_KEEP=1 keeps it)
  if (!process.env.BENCH_KEEP) await db.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [SCHEMA]);
  await db.destroy();
}
