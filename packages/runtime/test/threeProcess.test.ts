import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/store/db.js';
import { childRuntimePlace, killHard, signInAsDemoAdmin, startChildRuntime, stopGently, type ChildRuntime } from './support/childRuntime.js';
import { eventually, httpClient, type HttpResult } from './support/http.js';
import { erpReviewFlow, plainInvoice } from './support/flows.js';
import { startIdempotentReceiver } from './support/idempotentReceiver.js';

const SENDERS = 6;
/** Cases acknowledged before the kill, and after it. */
const BEFORE_KILL = 9;
const AFTER_KILL = 12;

const erpFlow = (receiver: string) => erpReviewFlow(receiver, { key: 'three-process-flow', name: 'Three processes, one killed', queue: 'three' });

// Several runtime processes share one PostgreSQL (docs/scaling.md). PGlite is one process by
// design (its data folder is locked), so there is nothing to spread over or to kill there.
describe.runIf(process.env.DATABASE_URL)('three runtime processes on one PostgreSQL, one killed under load (PostgreSQL only: PGlite is one process)', () => {
  const place = childRuntimePlace('postgres', 'three');
  const env = place.env;
  const children: ChildRuntime[] = [];
  const admin = openDatabase({ databaseUrl: process.env.DATABASE_URL });

  afterAll(async () => {
    for (const child of children) if (child.process.exitCode === null && child.process.signalCode === null) await stopGently(child);
    await admin.destroy();
    await place.remove();
  });

  it('loses nothing: every acknowledged case reaches its end, each ERP call acts once per key, event logs have no gaps', async () => {
    // the receiver answers slowly, so the kill finds ERP calls in flight
    const receiver = await startIdempotentReceiver(300);
    try {
      // the first migrates and seeds; the other two join the same schema
      const first = await startChildRuntime(env);
      children.push(first);
      children.push(
        ...(await Promise.all([startChildRuntime({ ...env, EXFLOW_SEED_DEMO: 'false' }), startChildRuntime({ ...env, EXFLOW_SEED_DEMO: 'false' })])),
      );
      const token = await signInAsDemoAdmin(first.url);
      const setup = httpClient(first.url, token);
      const created = await setup('POST', '/api/v1/definitions', erpFlow(receiver.url));
      expect((await setup('POST', `/api/v1/definitions/${created.body.id}/publish`)).status).toBe(201);

      // A load balancer in miniature: requests go round the live processes; one that fails to
      // connect or is cut off is sent to the next (safe: intake is idempotent by key, and a
      // completion repeated after a cut is answered 409 only because the first one committed).
      // An intake cut off by the kill may have committed on the victim before it could answer
      // (its COMMIT reached PostgreSQL, the process died before the HTTP response left it): sent
      // again, it is rightly answered 200, the replay of that one case, as a client retrying
      // after a lost answer must see. Only a repeated intake may answer 200, and its replay must
      // name the one case opened for that invoice.
      const victim = children[1];
      const live = () => children.filter((c) => c.process.exitCode === null && c.process.signalCode === null);
      let turn = 0;
      const cutOff: string[] = [];
      const replayed: string[] = [];
      const send = async (method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpResult & { repeated: boolean }> => {
        for (let attempt = 0; ; attempt++) {
          const processes = live();
          const target = processes[turn++ % processes.length];
          try {
            return { ...(await httpClient(target.url, token)(method, path, body, headers)), repeated: attempt > 0 };
          } catch (e) {
            if (target !== victim || attempt > 5) throw e;
            cutOff.push(`${method} ${path}`);
          }
        }
      };

      const acknowledged: string[] = [];
      const failures: string[] = [];
      let stop = false;
      let n = 0;
      const sender = async () => {
        while (!stop) {
          const i = n++;
          const made = await send('POST', '/api/v1/invoices?definition=three-process-flow', plainInvoice(`THREE-${i}`), { 'Idempotency-Key': `three-${i}` });
          if (!(made.status === 201 || (made.status === 200 && made.repeated)))
            throw new Error(`intake answered ${made.status} (sent ${made.repeated ? 'again after a cut' : 'once'}): ${JSON.stringify(made.body)}`);
          const caseId = made.body.case.id as string;
          if (made.status === 200) {
            const opened = await send('GET', `/api/v1/cases?invoiceId=${made.body.invoice.id}`);
            if (made.body.invoice.invoiceNumber !== `THREE-${i}` || JSON.stringify(opened.body.map((c: { id: string }) => c.id)) !== JSON.stringify([caseId]))
              throw new Error(
                `the replay of THREE-${i} names case ${caseId}, but its invoice has cases ${JSON.stringify(opened.body)}: ${JSON.stringify(made.body)}`,
              );
            replayed.push(`THREE-${i}`);
          }
          acknowledged.push(caseId);
          const task = await eventually(
            async () => {
              const c = await send('GET', `/api/v1/cases/${caseId}`);
              return c.status === 200 && c.body.tasks[0];
            },
            120_000,
            `the review task of ${caseId}`,
          );
          const done = await send('POST', `/api/v1/tasks/${task.id}/complete`, { outcome: 'ok' });
          if (!(done.status === 200 || (done.status === 409 && done.repeated)))
            throw new Error(`completion answered ${done.status}: ${JSON.stringify(done.body)}`);
        }
      };
      const load = Array.from({ length: SENDERS }, () => sender().catch((e: Error) => void failures.push(e.message)));
      const loadHolds = (count: number) => async () => {
        if (failures.length) throw new Error(`the load failed: ${failures.join('; ')}`);
        return acknowledged.length >= count;
      };

      await eventually(loadHolds(BEFORE_KILL), 120_000, 'load on three processes');
      // kill while ERP calls are open, so the victim likely dies holding one (its lease then runs
      // out and another process makes the call again, with the same key)
      await eventually(async () => receiver.inFlight() >= 2, 120_000, 'ERP calls in flight');
      const inFlight = receiver.inFlight();
      await killHard(victim);
      await eventually(loadHolds(BEFORE_KILL + AFTER_KILL), 120_000, 'load on the two that are left');
      stop = true;
      await Promise.all(load);
      expect(failures).toEqual([]);

      for (const caseId of acknowledged) {
        await eventually(
          async () => {
            const r = await send('GET', `/api/v1/cases/${caseId}`);
            return r.status === 200 && r.body.status === 'resolved';
          },
          120_000,
          `case ${caseId} to reach its end`,
        );
      }

      // each case made one ERP call under one key; a call retried after the kill reused it
      const keys = new Set(receiver.deliveries.map((d) => d.key));
      expect(keys.size).toBe(acknowledged.length);

      // every case's event log runs 1..version without a gap or a repeat, with one ERP answer
      const rows = (
        await admin.raw(
          `SELECT c.id, c.version, array_agg(e.seq ORDER BY e.seq) AS seqs, count(*) FILTER (WHERE e.type = 'service.done')::int AS erp_answers
           FROM ??.cases c JOIN ??.case_events e ON e.tenant_id = c.tenant_id AND e.case_id = c.id
          WHERE c.id = ANY(?) GROUP BY c.id, c.version`,
          [place.schema, place.schema, acknowledged],
        )
      ).rows as { id: string; version: number; seqs: number[]; erp_answers: number }[];
      expect(rows.length).toBe(acknowledged.length);
      for (const row of rows) {
        expect(row.seqs, row.id).toEqual(Array.from({ length: row.version }, (_, i) => i + 1));
        expect(row.erp_answers, row.id).toBe(1);
      }
      console.log(
        `three-process kill: ${acknowledged.length} cases, ${receiver.deliveries.length} ERP deliveries (${receiver.deliveries.length - keys.size} repeats of a key), ${inFlight} in flight at the kill, ${cutOff.length} requests cut off and sent elsewhere, ${replayed.length} intakes answered as replays after a cut (${replayed.join(', ') || 'none'})`,
      );
    } finally {
      await receiver.close();
    }
  }, 480_000);
});
