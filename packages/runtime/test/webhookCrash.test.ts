import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WorkflowDefinition } from '@exflow/shared';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_SECRETS_KEY, testDatabaseKinds } from './support/testServer.js';
import { childRuntimePlace, killHard, signInAsDemoAdmin, startChildRuntime, stopGently, type ChildRuntime } from './support/childRuntime.js';
import { eventually, httpClient, PATIENCE_MS } from './support/http.js';
import { plainInvoice } from './support/flows.js';

const CASES = 12;

/** start → a one-second timer → end: each case makes a case.opened and a case.closed event. */
const timerFlow: WorkflowDefinition = {
  schemaVersion: 1,
  key: 'webhook-crash',
  name: 'Webhook crash drill',
  nodes: [
    { id: 'start', kind: 'start' },
    { id: 'cool', kind: 'timer', config: { duration: 'PT1S' } },
    { id: 'done', kind: 'end', config: { outcome: 'resolved' } },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'cool' },
    { id: 'e2', source: 'cool', target: 'done' },
  ],
};

/**
 * A receiver as the integration guide tells integrators to write one: it verifies every
 * signature with the Standard Webhooks reference library, acts once per `webhook-id` (a repeat is
 * answered 200 and not acted on), and answers slowly so a crash finds deliveries in flight.
 */
async function startVerifyingReceiver(delayMs: number) {
  let secret = '';
  const acted = new Map<string, { type: string; caseId: string }>();
  const received: string[] = [];
  const badSignatures: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const id = String(req.headers['webhook-id']);
      try {
        new Webhook(secret).verify(body, req.headers as Record<string, string>);
      } catch (e) {
        badSignatures.push(`${id}: ${(e as Error).message}`);
        res.writeHead(401).end();
        return;
      }
      received.push(id);
      const event = JSON.parse(body) as { type: string; data: { caseId: string } };
      setTimeout(() => {
        if (!acted.has(id)) acted.set(id, { type: event.type, caseId: event.data.caseId });
        res.writeHead(200).end();
      }, delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    setSecret: (s: string) => (secret = s),
    acted,
    received,
    badSignatures,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

// issue 14's drill: a SIGKILL of the runtime mid-delivery; every event still reaches the receiver, signed, acted on once
describe.each(testDatabaseKinds())('webhook deliveries survive a SIGKILL mid-delivery, on %s', (database) => {
  // webhook secrets are stored sealed: PostgreSQL needs the key (PGlite would generate one)
  const place = childRuntimePlace(database, 'whcrash', { EXFLOW_SECRETS_KEY: TEST_SECRETS_KEY });
  const env = place.env;
  let child: ChildRuntime | undefined;

  afterAll(async () => {
    if (child) await stopGently(child);
    await place.remove();
  });

  it(
    'every case event is delivered after a restart, each with a valid signature, and acted on once',
    async () => {
      const receiver = await startVerifyingReceiver(300);
      try {
        child = await startChildRuntime(env);
        const login = async (url: string) => httpClient(url, await signInAsDemoAdmin(url));
        let api = await login(child.url);
        const created = await api('POST', '/api/v1/definitions', timerFlow);
        expect((await api('POST', `/api/v1/definitions/${created.body.id}/publish`)).status).toBe(201);
        const subscribed = await api('POST', '/api/v1/webhook-subscriptions', { url: receiver.url, eventTypes: ['case.opened', 'case.closed'] });
        expect(subscribed.status).toBe(201);
        receiver.setSecret(subscribed.body.secret);

        const caseIds: string[] = [];
        for (let i = 0; i < CASES; i++) {
          const r = await api('POST', '/api/v1/invoices?definition=webhook-crash', plainInvoice(`WHC-${i}`), { 'Idempotency-Key': `whc-${i}` });
          expect(r.status).toBe(201);
          caseIds.push(r.body.case.id);
        }
        // kill while deliveries are in flight (the receiver holds each for 300 ms)
        await eventually(async () => receiver.received.length >= CASES / 2, PATIENCE_MS, 'deliveries in flight');
        await killHard(child);
        const beforeCrash = receiver.received.length;

        child = await startChildRuntime(env);
        api = await login(child.url);
        const expected = new Set(caseIds.flatMap((id) => [`com.exflow.case.opened:${id}`, `com.exflow.case.closed:${id}`]));
        await eventually(
          async () => new Set([...receiver.acted.values()].map((e) => `${e.type}:${e.caseId}`)).size === expected.size,
          5 * 60_000,
          'every case event to be acted on',
        );
        const log = await eventually(async () => {
          const deliveries = (await api('GET', `/api/v1/webhook-subscriptions/${subscribed.body.id}/deliveries?limit=500`)).body as {
            eventId: string;
            status: string;
          }[];
          return deliveries.length === expected.size && deliveries.every((d) => d.status === 'delivered') && deliveries;
        });

        expect(receiver.badSignatures).toEqual([]);
        expect(new Set([...receiver.acted.values()].map((e) => `${e.type}:${e.caseId}`))).toEqual(expected);
        // one webhook-id per event, the same on every retry: the receiver acted once per event
        expect([...receiver.acted.keys()].sort()).toEqual(log.map((d) => d.eventId).sort());
        const repeats = receiver.received.length - receiver.acted.size;
        console.log(
          `webhook crash drill (${database}): ${beforeCrash} deliveries before the kill, ${receiver.received.length} in all, ${repeats} repeated and not acted on again`,
        );
      } finally {
        await receiver.close();
      }
    },
    12 * 60_000,
  );
});
