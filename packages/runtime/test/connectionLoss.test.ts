import { randomBytes } from 'node:crypto';
import { io } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/store/db.js';
import { CHILD_DRILL_ENV, signInAsDemoAdmin, startChildRuntime, stopGently, type ChildRuntime } from './support/childRuntime.js';
import { eventually, httpClient } from './support/http.js';
import { erpReviewFlow, plainInvoice } from './support/flows.js';
import { startIdempotentReceiver } from './support/idempotentReceiver.js';

const DRILLS = 5;
const WORKERS = 4;

const drillFlow = (receiver: string) => erpReviewFlow(receiver, { key: 'drill-flow', name: 'Connection-loss drill', queue: 'drill' });

// PGlite runs inside the process: it has no connections that a failover or a pooler could cut.
describe.runIf(process.env.DATABASE_URL)(
  'the runtime survives losing its PostgreSQL connections (PostgreSQL only: PGlite is in-process, there is no connection to cut)',
  () => {
    const schema = `drill_${randomBytes(5).toString('hex')}`;
    const appName = `exflow_${schema}`;
    const url = new URL(process.env.DATABASE_URL ?? 'postgres://localhost/test');
    url.searchParams.set('application_name', appName);
    const env = { ...CHILD_DRILL_ENV, DATABASE_URL: url.toString(), DATABASE_SCHEMA: schema };
    const children: ChildRuntime[] = [];
    const admin = openDatabase({ databaseUrl: process.env.DATABASE_URL, applicationName: 'exflow_drill_admin' });

    afterAll(async () => {
      for (const child of children) if (child.process.exitCode === null) await stopGently(child);
      await admin.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
      await admin.destroy();
    });

    const terminateAll = async () =>
      (
        await admin.raw(
          'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = ? AND pid <> pg_backend_pid()',
          [appName],
        )
      ).rows[0].n as number;

    it('stays up under load while its backends are terminated: 2xx or 503 only, no case lost, broadcasts resume', async () => {
      const receiver = await startIdempotentReceiver(20);
      try {
        // A takes the HTTP load; a socket client listens on B, so what it hears crossed LISTEN/NOTIFY
        const a = await startChildRuntime(env);
        children.push(a);
        const b = await startChildRuntime({ ...env, EXFLOW_SEED_DEMO: 'false' });
        children.push(b);
        const login = signInAsDemoAdmin;
        const tokenA = await login(a.url);
        const api = httpClient(a.url, tokenA);
        const created = await api('POST', '/api/v1/definitions', drillFlow(receiver.url));
        expect((await api('POST', `/api/v1/definitions/${created.body.id}/publish`)).status).toBe(201);

        const socket = io(b.url, { path: '/socket.io', auth: { token: await login(b.url) }, transports: ['websocket'] });
        const heard: { caseId: string; type: string }[] = [];
        socket.on('case.changed', (m: { caseId: string; event: { type: string } }) => heard.push({ caseId: m.caseId, type: m.event.type }));
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', () => resolve());
          socket.once('connect_error', reject);
        });

        // Every answer is recorded; a step answered 503 is sent again (the client does what Retry-After asks).
        const answers: { status: number; retry: boolean; path: string }[] = [];
        const failures: string[] = [];
        let transportResets = 0;
        const send = async (method: string, path: string, body?: unknown, headers?: Record<string, string>) => {
          for (let retry = false; ; retry = true) {
            let r;
            try {
              r = await api(method, path, body, headers);
            } catch (e) {
              // A reset or close of an idle keep-alive socket (the server closed it as the client reused it: a race that
              // event-loop lag on a loaded machine widens) is transport, not an answer: sent again while both
              // processes are up. Anything else, or a reset with a process gone, fails the drill.
              const code = (e as { cause?: { code?: string } }).cause?.code;
              if ((code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') && a.process.exitCode === null && b.process.exitCode === null && transportResets < 20) {
                transportResets++;
                continue;
              }
              failures.push(`${method} ${path}: ${(e as Error).message} ${(e as { cause?: Error }).cause?.message ?? ''}`);
              throw e;
            }
            answers.push({ status: r.status, retry, path });
            if (r.status !== 503) return r;
            expect(r.headers.get('retry-after')).toBeTruthy();
            await new Promise((res) => setTimeout(res, 100));
          }
        };
        const acknowledged: string[] = [];
        let stop = false;
        let n = 0;
        const worker = async () => {
          while (!stop) {
            const i = n++;
            const made = await send('POST', '/api/v1/invoices?definition=drill-flow', plainInvoice(`DRILL-${i}`), { 'Idempotency-Key': `drill-${i}` });
            expect(made.status).toBe(201);
            const caseId = made.body.case.id as string;
            acknowledged.push(caseId);
            const task = await eventually(
              async () => {
                const c = await send('GET', `/api/v1/cases/${caseId}`);
                return c.status === 200 && c.body.tasks[0];
              },
              60_000,
              `the review task of ${caseId}`,
            );
            const done = await send('POST', `/api/v1/tasks/${task.id}/complete`, { outcome: 'ok' });
            // a completion answered 503 may have committed: sent again, it finds the task closed
            expect(done.status === 200 || (done.status === 409 && answers.some((x) => x.retry && x.path.includes(task.id)))).toBe(true);
          }
        };
        const load = Array.from({ length: WORKERS }, () => worker().catch((e: Error) => void failures.push(`load: ${e.message}`)));

        let killed = 0;
        for (let drill = 0; drill < DRILLS; drill++) {
          await eventually(
            async () => {
              if (failures.length) throw new Error(`the load failed: ${failures.join('; ')}\n${a.output().slice(-2000)}`);
              return acknowledged.length >= (drill + 1) * 3;
            },
            60_000,
            'load before the next drill',
          );
          killed += await terminateAll();
        }
        stop = true;
        await Promise.all(load);

        expect(killed).toBeGreaterThanOrEqual(DRILLS);
        expect(failures).toEqual([]);
        expect(a.process.exitCode).toBeNull();
        expect(b.process.exitCode).toBeNull();
        const unexpected = answers.filter((x) => !(x.status >= 200 && x.status < 300) && x.status !== 503 && x.status !== 409);
        expect(unexpected).toEqual([]);
        expect(a.output()).not.toContain('unexpected error');

        for (const caseId of acknowledged) {
          const c = await eventually(
            async () => {
              const r = await send('GET', `/api/v1/cases/${caseId}`);
              return r.status === 200 && r.body.status === 'resolved' && r.body;
            },
            60_000,
            `case ${caseId} to reach its end`,
          );
          expect(c.status).toBe('resolved');
        }

        // B listens again: a case opened through A after the drill reaches B's client
        let k = 0;
        await eventually(
          async () => {
            const made = await send('POST', '/api/v1/invoices?definition=drill-flow', plainInvoice(`AFTER-${k}`), { 'Idempotency-Key': `after-${k++}` });
            const until = Date.now() + 1000;
            while (Date.now() < until) {
              if (heard.some((m) => m.caseId === made.body.case?.id && m.type === 'case.started')) return true;
              await new Promise((r) => setTimeout(r, 50));
            }
            return false;
          },
          20_000,
          'a broadcast after the drill',
        );
        socket.disconnect();
        console.log(
          `connection-loss drill: ${killed} backends terminated in ${DRILLS} drills, ${acknowledged.length} cases, ${answers.length} answers, ${answers.filter((x) => x.status === 503).length} of them 503, ${transportResets} idle keep-alive resets sent again`,
        );
      } finally {
        await receiver.close();
      }
    }, 240_000);
  },
);
