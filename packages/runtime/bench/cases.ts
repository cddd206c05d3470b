/**
 * End-to-end case benchmark (not a test): the invoice shape of the bpmn-engine comparison —
 * match service → variance gateway → review task → approval task → post service → end — run
 * to its end as users drive it, at 8, 32 and 128 cases in flight, each phase bounded:
 *
 * - Exflow over HTTP on PostgreSQL and on PGlite: post the invoice, wait for the review task
 *   (a Socket.IO `task.changed` message, no polling), claim, complete, wait for the approval
 *   task, claim, complete, wait for the end (`case.changed`);
 * - the same shape in process: `engine.startCase` in a unit of work, then the task work
 *   (claim, complete) and the bus, no HTTP;
 * - bpmn-engine 25 on the same shape, through its public API: `execute`, wait on the user
 *   task, `getState()` written to a PostgreSQL table in one transaction per wait, then
 *   `recover` + `resume` and `signal` for the next step;
 * - a pgbench-style raw rate: 8 clients, `BEGIN; INSERT; UPDATE; COMMIT` per transaction.
 *
 * Run: `npx -y pnpm@10.34.8 bench:cases` (PostgreSQL from DATABASE_URL, default the local
 * one, in throw-away schemas; BENCH_SECONDS per phase, default 10; BENCH_IN_FLIGHT, default
 * "8,32,128"; BENCH_DB=pglite|postgres for one database; BENCH_PEER_ONLY=1 for bpmn-engine and the
 * raw rate alone; BENCH_PHASES=http,process,peer,raw for some phases (e.g. `http` under `--cpu-prof`);
 * BENCH_TRACE=1 prints the step times of the first cases; BENCH_TAIL=1 per phase the p50 / p99 of each
 * step and the event loop's delay, GC pauses and pool waits over it (support/tailTrace.ts); BENCH_STORED=n runs the PostgreSQL phases
 * on a kept schema that already holds n generated cases, for cost as work grows). After each Exflow
 * phase it prints the process's RSS and heap (BENCH_RSS_EVERY=n also every n cases), and after
 * every phase the CPU a case cost (support/cpuAccount.ts).
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { cpus } from 'node:os';
import { Engine as BpmnEngine } from 'bpmn-engine';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import type { Principal } from '../src/auth/roles.js';
import { loadConfig } from '../src/config/config.js';
import { createPublisher } from '../src/engine/eventBus.js';
import { startExflow, type RunningExflow } from '../src/main.js';
import { createTaskWork } from '../src/tasks/taskWork.js';
import { openDatabase, type Db } from '../src/store/db.js';
import { receiveInvoice } from '../src/ingest/intake.js';
import { parseInvoice } from '@exflow/shared';
import { BENCH_TENANT as TENANT, invoiceFor, login, post, setUpBenchTenant } from './support/benchTenant.js';
import { prepareStoredCases } from './support/storedCases.js';
import { type CpuPerCase, describeCpu, startCpuAccount } from './support/cpuAccount.js';
import { startTailTrace } from './support/tailTrace.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const IN_FLIGHT = (process.env.BENCH_IN_FLIGHT ?? '8,32,128').split(',').map(Number);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ONLY = process.env.BENCH_DB;
const WAIT_MS = 60_000;
const STORED = Number(process.env.BENCH_STORED ?? 0);
/** BENCH_RSS_EVERY=n: the process's memory every n cases of a phase (a long phase shows whether it levels off). */
const RSS_EVERY = Number(process.env.BENCH_RSS_EVERY ?? 0);

interface Result {
  perSecond: number;
  p50: number;
  p99: number;
  cases: number;
  failed: number;
  cpu: CpuPerCase & { busyShare?: number };
}

/** The phase's tail trace (BENCH_TAIL=1), while one runs. */
let tail: ReturnType<typeof startTailTrace> | undefined;

/** BENCH_TRACE=1: the time of each step of the first cases; BENCH_TAIL=1: of every case, for the phase's tail trace. */
function stopwatch(n: number) {
  let t = performance.now();
  return (step: string) => {
    const ms = performance.now() - t;
    if (process.env.BENCH_TRACE && n < 3) console.log(`    case ${n}: ${step} +${ms.toFixed(0)} ms`);
    if (n >= 0) tail?.step(step, ms);
    t = performance.now();
  };
}

/** Runs a phase, with its tail trace when BENCH_TAIL is set. */
async function traced<T>(db: Db, phase: () => Promise<T>): Promise<T> {
  tail = process.env.BENCH_TAIL ? startTailTrace(db) : undefined;
  try {
    return await phase();
  } finally {
    tail?.stop();
    tail = undefined;
  }
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! : NaN);

/** `inFlight` drivers each run one case after another until the phase ends; cases/s and latency per case. */
async function closedLoop(inFlight: number, oneCase: (n: number) => Promise<void>): Promise<Result> {
  const end = Date.now() + SECONDS * 1000;
  const latencies: number[] = [];
  let failed = 0;
  let n = 0;
  let firstError: unknown;
  const started = Date.now();
  const cpu = startCpuAccount();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (Date.now() < end) {
        const t = Date.now();
        try {
          await oneCase(n++);
          latencies.push(Date.now() - t);
          if (RSS_EVERY && latencies.length % RSS_EVERY === 0) memory(latencies.length);
        } catch (e) {
          failed++;
          firstError ??= e;
        }
      }
    }),
  );
  if (firstError) console.log(`    (${failed} failed; first: ${(firstError as Error).message})`);
  const elapsed = (Date.now() - started) / 1000;
  const spent = cpu.stop(latencies.length);
  latencies.sort((a, b) => a - b);
  return {
    perSecond: latencies.length / elapsed,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    cases: latencies.length,
    failed,
    cpu: spent,
  };
}

/** Messages that may arrive before anyone waits for them (a task can open before the POST answers). */
function createMailbox() {
  const arrived = new Map<string, unknown>();
  const waiting = new Map<string, (value: unknown) => void>();
  return {
    put(key: string, value: unknown) {
      const w = waiting.get(key);
      if (w) {
        waiting.delete(key);
        w(value);
      } else arrived.set(key, value);
    },
    take<T>(key: string): Promise<T> {
      if (arrived.has(key)) {
        const v = arrived.get(key);
        arrived.delete(key);
        return Promise.resolve(v as T);
      }
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(key);
          reject(new Error(`no ${key} within ${WAIT_MS} ms`));
        }, WAIT_MS);
        waiting.set(key, (v) => {
          clearTimeout(timer);
          resolve(v as T);
        });
      });
    },
  };
}

/** The process's memory after a phase (the runtime and this driver share it), with the cases it has run so far. */
const memory = (ran: number) => {
  const m = process.memoryUsage();
  console.log(`    process RSS ${(m.rss / 2 ** 20).toFixed(0)} MB, heap used ${(m.heapUsed / 2 ** 20).toFixed(0)} MB, after ${ran.toLocaleString('en')} cases`);
};

const report = (label: string, inFlight: number, r: Result) => {
  console.log(
    `${label.padEnd(34)} ${String(inFlight).padStart(4)} in flight  ${r.perSecond.toFixed(1).padStart(7)} cases/s   p50 ${String(r.p50).padStart(5)} ms   p99 ${String(r.p99).padStart(5)} ms   (${r.cases} cases${r.failed ? `, ${r.failed} failed` : ''})`,
  );
  console.log(describeCpu(r.cpu));
};

const principal = (userId: string, roles: Principal['roles']): Principal => ({ userId, tenantId: TENANT, email: `${userId}@bench.test`, name: userId, roles });

/** Starts a whole Exflow (API, Socket.IO, workers at their defaults) with the bench tenant, its users and the flow. */
async function startBenchExflow(databaseUrl?: string) {
  // BENCH_STORED=n: on PostgreSQL, n generated cases (2 % open) already stored, in a kept schema (BENCH_SCHEMA to name it)
  const stored = databaseUrl && STORED > 0 ? (process.env.BENCH_SCHEMA ?? `bench_stored_${STORED}`) : undefined;
  if (stored && databaseUrl) await prepareStoredCases({ databaseUrl, schema: stored, cases: STORED, openCases: Math.round(STORED * 0.02), audit: false });
  const schema = stored ?? (databaseUrl ? `bench_cases_${randomBytes(4).toString('hex')}` : undefined);
  const config = {
    ...loadConfig({
      EXFLOW_RATE_LIMIT_INTAKE: '100000000',
      EXFLOW_RATE_LIMIT_AUTH: '1000',
      EXFLOW_RATE_LIMIT_API: '100000000',
      EXFLOW_DATABASE_POOL_MAX: process.env.EXFLOW_DATABASE_POOL_MAX,
    }),
    port: 0,
    databaseUrl,
    databaseSchema: schema,
    dataDir: '',
    seedDemo: false,
  };
  // the posting call is an outside call: it goes through the outbox and the effect worker
  const running = await startExflow(config, {
    log: () => {},
    services: { erpPost: async ({ idempotencyKey }) => ({ posted: true, reference: idempotencyKey }) },
  });
  const created = stored
    ? { id: (await running.db('definitions').where({ tenant_id: TENANT, key: 'bench-cases' }).first('id')).id }
    : await setUpBenchTenant(running);
  const stop = async () => {
    await running.stop();
    if (schema && !stored) {
      const admin = openDatabase({ databaseUrl });
      await admin.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
      await admin.destroy();
    }
  };
  return { running, stop, definitionId: created.id as string };
}

/** BENCH_QUERIES=1: the SQL statements 20 cases cost, one at a time, per case and by statement (and, on PostgreSQL, every query of every pg client). */
async function countQueries(running: RunningExflow, oneCase: (n: number) => Promise<void>, databaseUrl?: string) {
  for (let i = 0; i < 3; i++) await oneCase(-1 - i); // warm
  const counts = new Map<string, number>();
  const count = (q: { sql: string }) => {
    const key = q.sql.replace(/\s+/g, ' ').slice(0, 110);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  // every query any pg client of this process sends (knex's pool, the broadcast pool's NOTIFYs, the wake-up NOTIFYs)
  const clientQuery = pg.Client.prototype.query;
  let roundTrips = 0;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    roundTrips++;
    return (clientQuery as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof clientQuery;
  running.db.on('query', count);
  const cases = 20;
  const backends = startCpuAccount();
  const cpu = process.cpuUsage();
  const wall = performance.now();
  for (let i = 0; i < cases; i++) await oneCase(-100 - i);
  const used = process.cpuUsage(cpu);
  const took = performance.now() - wall;
  const spent = backends.stop(cases);
  running.db.off('query', count);
  pg.Client.prototype.query = clientQuery;
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  // this process's CPU (the runtime, the bench's clients and the idle workers' polls), per case run alone
  console.log(
    `    one case alone: ${(took / cases).toFixed(0)} ms wall, ${((used.user + used.system) / 1000 / cases).toFixed(1)} ms CPU of this process` +
      (spent.ownBackendsMs !== undefined ? `, ${spent.ownBackendsMs.toFixed(1)} ms of its own PostgreSQL backends` : ''),
  );
  if (roundTrips) console.log(`    ${(roundTrips / cases).toFixed(1)} queries per case from all pg clients (knex, broadcasts, wake-ups)`);
  console.log(`    ${(total / cases).toFixed(1)} statements per case through knex:`);
  for (const [sql, n] of [...counts].sort((a, b) => b[1] - a[1])) console.log(`    ${(n / cases).toFixed(2).padStart(6)}  ${sql}`);
  if (databaseUrl) {
    // the named statements of one pooled connection (store/db.ts): a statement planned anew on each call shows custom plans only
    const { rows } = await running.db.raw(
      `SELECT generic_plans, custom_plans, left(regexp_replace(statement, '\\s+', ' ', 'g'), 90) AS text FROM pg_prepared_statements WHERE name LIKE 'exflow\\_%' ORDER BY generic_plans + custom_plans DESC LIMIT 25`,
    );
    console.log(`    prepared statements of one pooled connection (generic plans, custom plans):`);
    for (const r of rows as { generic_plans: number; custom_plans: number; text: string }[])
      console.log(`    ${String(r.generic_plans).padStart(5)} ${String(r.custom_plans).padStart(5)}  ${r.text}`);
  }
}

/** Exflow driven over its REST API, waiting on Socket.IO messages. */
async function exflowOverHttp(name: string, databaseUrl?: string) {
  const { running, stop } = await startBenchExflow(databaseUrl);
  const sockets: Socket[] = [];
  try {
    const erp = await login(running, 'erp@bench.test');
    const analyst = await login(running, 'analyst@bench.test');
    const approver = await login(running, 'approver@bench.test');
    const mail = createMailbox();
    const connect = async (token: string, room: string) => {
      const socket = io(running.url, { path: '/socket.io', auth: { token }, transports: ['websocket'] });
      sockets.push(socket);
      await new Promise<void>((ready, fail) => {
        socket.once('connect', ready);
        socket.once('connect_error', fail);
      });
      const joined = await socket.emitWithAck('join', { room });
      if (!joined.ok) throw new Error(`join ${room}: ${joined.error}`);
      socket.on('task.changed', (m: { change: string; caseId: string; taskId: string; queue: string }) => {
        if (m.change === 'opened') mail.put(`${m.queue}|${m.caseId}`, m.taskId);
      });
      return socket;
    };
    // the analyst's socket is in the tenant room: every case.changed of the tenant reaches it
    const analystSocket = await connect(analyst, 'queue:bench-review');
    analystSocket.on('case.changed', (m: { caseId: string; status: string }) => {
      if (m.status !== 'open') mail.put(`end|${m.caseId}`, m.status);
    });
    await connect(approver, 'queue:bench-approval');
    const oneCase = async (n: number) => {
      const lap = stopwatch(n);
      const posted = await post(running, erp, '/invoices?definition=bench-cases', invoiceFor(n));
      const caseId = posted.case.id as string;
      lap('post');
      const review = await mail.take<string>(`bench-review|${caseId}`);
      lap('review opened');
      await post(running, analyst, `/tasks/${review}/claim`, {});
      lap('review claimed');
      await post(running, analyst, `/tasks/${review}/complete`, { outcome: 'accept' });
      lap('review done');
      const approval = await mail.take<string>(`bench-approval|${caseId}`);
      lap('approval opened');
      await post(running, approver, `/tasks/${approval}/claim`, {});
      lap('approval claimed');
      await post(running, approver, `/tasks/${approval}/complete`, { outcome: 'approve' });
      lap('approval done');
      const status = await mail.take<string>(`end|${caseId}`);
      lap('end');
      if (status !== 'resolved') throw new Error(`case ${caseId} ended ${status}`);
    };
    if (process.env.BENCH_QUERIES) await countQueries(running, oneCase, databaseUrl);
    const results = new Map<number, Result>();
    for (const inFlight of IN_FLIGHT) {
      const r = await traced(running.db, () => closedLoop(inFlight, oneCase));
      results.set(inFlight, r);
      report(`Exflow over HTTP, ${name}`, inFlight, r);
      memory([...results.values()].reduce((sum, x) => sum + x.cases, 0));
    }
    return results;
  } finally {
    for (const s of sockets) s.close();
    await stop();
  }
}

/** The same shape in process: engine, task work and bus, no HTTP. */
async function exflowInProcess(name: string, databaseUrl?: string) {
  const { running, stop } = await startBenchExflow(databaseUrl);
  try {
    const mail = createMailbox();
    const off = running.bus.on('case.changed', (c) => {
      for (const t of c.tasksOpened) mail.put(`${t.nodeId}|${c.caseId}`, t.id);
      if (c.status !== 'open') mail.put(`end|${c.caseId}`, c.status);
    });
    const tasks = createTaskWork({ db: running.db, engine: running.engine, realtime: createPublisher(running.bus) });
    const analyst = principal('bench-analyst', ['analyst']);
    const approver = principal('bench-approver', ['approver']);
    const erp = principal('bench-erp', ['integration']);
    const oneCase = async (n: number) => {
      const parsed = parseInvoice(invoiceFor(n));
      if (!parsed.ok) throw new Error('bench invoice invalid');
      const lap = stopwatch(n);
      const received = await receiveInvoice(running.db, running.engine, erp, {
        invoice: parsed.invoice,
        channel: 'api',
        requestHash: String(n),
        definitionKey: 'bench-cases',
      });
      const change = { caseId: received.body.case!.id };
      lap('intake');
      const review = await mail.take<string>(`review|${change.caseId}`);
      await tasks.claim(analyst, review);
      lap('review claimed');
      await tasks.complete(analyst, review, 'accept', {});
      lap('review completed');
      const approval = await mail.take<string>(`approval|${change.caseId}`);
      await tasks.claim(approver, approval);
      await tasks.complete(approver, approval, 'approve', {});
      lap('approval done');
      const status = await mail.take<string>(`end|${change.caseId}`);
      lap('end');
      if (status !== 'resolved') throw new Error(`case ${change.caseId} ended ${status}`);
    };
    const results = new Map<number, Result>();
    for (const inFlight of IN_FLIGHT) {
      const r = await traced(running.db, () => closedLoop(inFlight, oneCase));
      results.set(inFlight, r);
      report(`Exflow in process, ${name}`, inFlight, r);
      memory([...results.values()].reduce((sum, x) => sum + x.cases, 0));
    }
    off();
    return results;
  } finally {
    await stop();
  }
}

const bpmnSource = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" targetNamespace="bench">
  <process id="invoice" isExecutable="true">
    <startEvent id="start" />
    <sequenceFlow id="f1" sourceRef="start" targetRef="match" />
    <serviceTask id="match" implementation="\${environment.services.match}" />
    <sequenceFlow id="f2" sourceRef="match" targetRef="variance" />
    <exclusiveGateway id="variance" default="fover" />
    <sequenceFlow id="fok" sourceRef="variance" targetRef="post">
      <conditionExpression xsi:type="tFormalExpression">\${environment.variables.withinTolerance}</conditionExpression>
    </sequenceFlow>
    <sequenceFlow id="fover" sourceRef="variance" targetRef="review" />
    <userTask id="review" />
    <sequenceFlow id="f3" sourceRef="review" targetRef="approval" />
    <userTask id="approval" />
    <sequenceFlow id="f4" sourceRef="approval" targetRef="post" />
    <serviceTask id="post" implementation="\${environment.services.post}" />
    <sequenceFlow id="f5" sourceRef="post" targetRef="end" />
    <endEvent id="end" />
  </process>
</definitions>`;

/** bpmn-engine 25 on the same shape, every wait persisted to PostgreSQL in one transaction. */
async function bpmnEngineOnPostgres(pool: pg.Pool) {
  await pool.query('CREATE TABLE bench_bpmn_po (id text PRIMARY KEY, body jsonb NOT NULL)');
  await pool.query('CREATE TABLE bench_bpmn_state (id text PRIMARY KEY, state jsonb NOT NULL, waiting_at text, claimed_by text, version int NOT NULL)');
  await pool.query(`INSERT INTO bench_bpmn_po VALUES ('PO-1001', '{"lines":[{"id":"1","unitPrice":"250.00"},{"id":"2","unitPrice":"300.00"}]}')`);
  const services = {
    // the match reads the PO, as Exflow's does, and finds the chair price 5 % over
    match(scope: { environment: { variables: Record<string, unknown> } }, callback: (err: Error | null, result?: unknown) => void) {
      pool.query('SELECT body FROM bench_bpmn_po WHERE id = $1', ['PO-1001']).then(
        (r) => {
          const po = r.rows[0].body as { lines: { unitPrice: string }[] };
          const variancePct = ((262.5 - Number(po.lines[0]!.unitPrice)) / Number(po.lines[0]!.unitPrice)) * 100;
          scope.environment.variables.withinTolerance = variancePct <= 2;
          callback(null, { variancePct });
        },
        (e: Error) => callback(e),
      );
    },
    post(_scope: unknown, callback: (err: Error | null, result?: unknown) => void) {
      setImmediate(() => callback(null, { posted: true }));
    },
  };
  const save = async (id: string, state: unknown, waitingAt: string | null, version: number) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      if (version === 1)
        await client.query('INSERT INTO bench_bpmn_state (id, state, waiting_at, version) VALUES ($1, $2, $3, 1)', [id, JSON.stringify(state), waitingAt]);
      else
        await client.query('UPDATE bench_bpmn_state SET state = $2, waiting_at = $3, claimed_by = NULL, version = $4 WHERE id = $1 AND version = $4 - 1', [
          id,
          JSON.stringify(state),
          waitingAt,
          version,
        ]);
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  };
  const waitAt = (listener: EventEmitter, id: string) =>
    new Promise<void>((resolve) => {
      const on = (api: { id: string }) => {
        if (api.id !== id) return;
        listener.off('wait', on);
        resolve();
      };
      listener.on('wait', on);
    });
  /** Loads the state, recovers and resumes the engine, signals the waiting user task. */
  const signal = async (id: string, taskId: string, next: string | 'end', version: number) => {
    const { rows } = await pool.query('SELECT state, waiting_at FROM bench_bpmn_state WHERE id = $1', [id]);
    if (rows[0].waiting_at !== taskId) throw new Error(`bpmn case ${id} waits at ${rows[0].waiting_at}, not ${taskId}`);
    const listener = new EventEmitter();
    const engine = new BpmnEngine({ services }).recover(rows[0].state);
    const reached = next === 'end' ? engine.waitFor('end') : waitAt(listener, next);
    const execution = await engine.resume({ listener });
    const task = execution.getPostponed().find((a) => a.id === taskId);
    if (!task) throw new Error(`bpmn case ${id} has no postponed ${taskId}`);
    task.signal();
    await reached;
    await save(id, await engine.getState(), next === 'end' ? null : next, version);
    if (next !== 'end') await engine.stop(); // a completed engine has nothing to stop
  };
  const claim = async (id: string, user: string) => {
    const r = await pool.query('UPDATE bench_bpmn_state SET claimed_by = $2 WHERE id = $1 AND claimed_by IS NULL', [id, user]);
    if (r.rowCount !== 1) throw new Error(`claim of ${id} refused`);
  };
  const oneCase = async () => {
    const id = randomBytes(8).toString('hex');
    const listener = new EventEmitter();
    const engine = new BpmnEngine({ name: id, source: bpmnSource, services, variables: {} });
    const atReview = waitAt(listener, 'review');
    await engine.execute({ listener });
    await atReview;
    await save(id, await engine.getState(), 'review', 1);
    await engine.stop();
    await claim(id, 'analyst');
    await signal(id, 'review', 'approval', 2);
    await claim(id, 'approver');
    await signal(id, 'approval', 'end', 3);
  };
  const results = new Map<number, Result>();
  for (const inFlight of IN_FLIGHT) {
    const r = await closedLoop(inFlight, oneCase);
    results.set(inFlight, r);
    report('bpmn-engine 25 + PostgreSQL', inFlight, r);
  }
  return results;
}

/** pgbench-style: 8 clients, each transaction `BEGIN; INSERT; UPDATE; COMMIT`. */
async function rawRate(name: string, db: Db): Promise<number> {
  await db.raw('CREATE TABLE IF NOT EXISTS bench_raw_tx (id text PRIMARY KEY, n integer NOT NULL)');
  const end = Date.now() + SECONDS * 1000;
  let done = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (Date.now() < end) {
        const id = randomBytes(8).toString('hex');
        await db.transaction(async (trx) => {
          await trx.raw('INSERT INTO bench_raw_tx (id, n) VALUES (?, 0)', [id]);
          await trx.raw('UPDATE bench_raw_tx SET n = n + 1 WHERE id = ?', [id]);
        });
        done++;
      }
    }),
  );
  const rate = done / ((Date.now() - started) / 1000);
  console.log(`${`raw INSERT+UPDATE transactions, ${name}`.padEnd(34)}    8 clients    ${rate.toFixed(0).padStart(7)} tx/s`);
  return rate;
}

async function withSchema<T>(work: (db: Db, pool: pg.Pool) => Promise<T>): Promise<T> {
  const schema = `bench_peer_${randomBytes(4).toString('hex')}`;
  const admin = openDatabase({ databaseUrl: DATABASE_URL });
  await admin.raw('CREATE SCHEMA ??', [schema]);
  const db = openDatabase({ databaseUrl: DATABASE_URL, schema });
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 10, options: `-c search_path=${schema}` });
  try {
    return await work(db, pool);
  } finally {
    await pool.end();
    await db.destroy();
    await admin.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
    await admin.destroy();
  }
}

const ratio = (a: number | undefined, b: number | undefined) => (a && b ? `${(a / b).toFixed(2)}×` : 'n/a');

console.log(`Cases to their end, ${SECONDS} s per phase, in flight ${IN_FLIGHT.join(' / ')}; shape: match → variance → review → approval → post → end`);
const postgres = ONLY !== 'pglite';
const pglite = ONLY !== 'postgres';
const PHASES = (process.env.BENCH_PHASES ?? (process.env.BENCH_PEER_ONLY ? 'peer,raw' : 'http,process,peer,raw')).split(',');
const phase = (name: string) => PHASES.includes(name);
const httpPg =
  postgres && phase('http')
    ? await exflowOverHttp('PostgreSQL', DATABASE_URL).catch((e) => (console.log(`Exflow over HTTP on PostgreSQL skipped: ${(e as Error).message}`), undefined))
    : undefined;
const httpLite = pglite && phase('http') ? await exflowOverHttp('PGlite') : undefined;
const procPg =
  postgres && phase('process')
    ? await exflowInProcess('PostgreSQL', DATABASE_URL).catch(
        (e) => (console.log(`Exflow in process on PostgreSQL skipped: ${(e as Error).message}`), undefined),
      )
    : undefined;
const procLite = pglite && phase('process') ? await exflowInProcess('PGlite') : undefined;
const peer =
  postgres && phase('peer')
    ? await withSchema((_db, pool) => bpmnEngineOnPostgres(pool)).catch((e) => (console.log(`bpmn-engine skipped: ${(e as Error).message}`), undefined))
    : undefined;
const rawPg = postgres && phase('raw') ? await withSchema((db) => rawRate('PostgreSQL', db)).catch(() => undefined) : undefined;
let rawLite: number | undefined;
if (pglite && phase('raw')) {
  const lite = openDatabase({});
  rawLite = await rawRate('PGlite', lite);
  await lite.destroy();
}
console.log('\nRatios (same run):');
for (const inFlight of IN_FLIGHT) {
  const p = peer?.get(inFlight)?.perSecond;
  console.log(
    `  ${String(inFlight).padStart(3)} in flight: Exflow HTTP/PostgreSQL ÷ bpmn-engine+pg ${ratio(httpPg?.get(inFlight)?.perSecond, p)}, Exflow HTTP/PGlite ÷ bpmn-engine+pg ${ratio(httpLite?.get(inFlight)?.perSecond, p)}, Exflow in process/PostgreSQL ÷ bpmn-engine+pg ${ratio(procPg?.get(inFlight)?.perSecond, p)}, Exflow in process/PGlite ÷ bpmn-engine+pg ${ratio(procLite?.get(inFlight)?.perSecond, p)}`,
  );
}
const raw8 = (r: Map<number, Result> | undefined, tx: number | undefined) =>
  r?.get(8) && tx ? `${((1000 * r.get(8)!.perSecond) / tx).toFixed(1)} cases per 1,000 raw tx` : 'n/a';
console.log(
  `  at 8 in flight against the raw rate: Exflow HTTP/PostgreSQL ${raw8(httpPg, rawPg)}, bpmn-engine+pg ${raw8(peer, rawPg)}, Exflow HTTP/PGlite ${raw8(httpLite, rawLite)}`,
);
const p99 = httpPg?.get(8)?.p99;
console.log(
  `  target: Exflow HTTP at 8 in flight ≥ 4× bpmn-engine+pg (${ratio(httpPg?.get(8)?.perSecond, peer?.get(8)?.perSecond)}), p99 < 250 ms (${p99 ?? 'n/a'} ms)`,
);
const cpu8 = (r: Map<number, Result> | undefined) => r?.get(8)?.cpu.machineMs;
const ceiling = (ms: number | undefined) =>
  ms ? `${ms.toFixed(1)} ms (at most ${((cpus().length * 1000) / ms).toFixed(0)} cases/s on ${cpus().length} cores)` : 'n/a';
console.log(
  `  whole-machine CPU per case at 8 in flight: Exflow HTTP/PostgreSQL ${ceiling(cpu8(httpPg))}, Exflow in process/PostgreSQL ${ceiling(cpu8(procPg))}, bpmn-engine+pg ${ceiling(cpu8(peer))}`,
);
process.exit(0);
