import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  messageOutcomeSchema,
  messageViewSchema,
  webhookDeliveryListSchema,
  webhookDeliverySchema,
  webhookSubscriptionListSchema,
  webhookSubscriptionSchema,
  webhookSubscriptionWithSecretSchema,
  type WorkflowDefinition,
} from '@exflow/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { createTestClock } from './support/clock.js';
import { invoiceCases } from './support/cases.js';
import { eventually, httpClient, PATIENCE_MS, TEST_TIMEOUT_MS } from './support/http.js';
import { expectWire } from './support/wire.js';

/** start → wait for "goods.received" correlated by PO number → received | (timeout) late. */
function goodsFlow(key: string, timeout: string): WorkflowDefinition {
  return {
    schemaVersion: 1,
    key,
    name: key,
    nodes: [
      { id: 'start', kind: 'start' },
      { id: 'goods', kind: 'waitForMessage', config: { message: 'goods.received', correlationKey: 'invoice.poNumber', timeout, resultVar: 'receipt' } },
      { id: 'received', kind: 'end', config: { outcome: 'resolved' } },
      { id: 'late', kind: 'end', config: { outcome: 'rejected' } },
    ],
    edges: [
      { id: 'e1', source: 'start', target: 'goods' },
      { id: 'e2', source: 'goods', target: 'received', sourcePort: 'out' },
      { id: 'e3', source: 'goods', target: 'late', sourcePort: 'timeout' },
    ],
  };
}

/**
 * A webhook receiver that checks every signature itself, by the Standard Webhooks algorithm
 * (base64 HMAC-SHA256 of "id.timestamp.body" with the secret's bytes), and counts what came.
 */
function startReceiver() {
  const secrets: string[] = [];
  const received: { id: string; type: string; subject: string; path: string; signedWith: number[] }[] = [];
  let unsigned = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const id = String(req.headers['webhook-id']);
      const timestamp = String(req.headers['webhook-timestamp']);
      const signatures = String(req.headers['webhook-signature'] ?? '').split(' ');
      const signedWith = secrets.flatMap((secret, i) => {
        const expected = createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64'))
          .update(`${id}.${timestamp}.${body}`)
          .digest('base64');
        return signatures.includes(`v1,${expected}`) ? [i] : [];
      });
      const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) < 300;
      if (!signedWith.length || !fresh) {
        unsigned++;
        res.writeHead(401).end();
        return;
      }
      const event = JSON.parse(body);
      received.push({ id, type: event.type, subject: event.subject, path: req.url ?? '', signedWith });
      res.writeHead(req.url === '/gone' ? 410 : 200).end();
    });
  });
  return {
    secrets,
    received,
    unsigned: () => unsigned,
    listen: () => new Promise<string>((ready) => server.listen(0, '127.0.0.1', () => ready(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))),
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

const cloudEvent = (id: string, po: string, data: unknown) => ({
  specversion: '1.0',
  id,
  source: '/erp/goods-receipts',
  type: 'goods.received',
  correlationkey: po,
  datacontenttype: 'application/json',
  data,
});

describe.each(testDatabaseKinds())('cases waiting for the outside world, on %s', { timeout: TEST_TIMEOUT_MS }, (database) => {
  let server: TestServer;
  let admin: ReturnType<typeof httpClient>;
  let erp: ReturnType<typeof httpClient>;
  const receiver = startReceiver();
  let receiverUrl: string;
  let subscriptionId: string;
  // message timeouts fall due on this clock: a test advances it instead of waiting
  const clock = createTestClock();

  async function publish(definition: WorkflowDefinition) {
    const created = await admin('POST', '/api/v1/definitions', definition);
    expect(created.status).toBe(201);
    expect((await admin('POST', `/api/v1/definitions/${created.body.id}/publish`)).status).toBe(201);
  }

  // every case opened here: the webhook checks count the deliveries each one caused
  const { open, opened } = invoiceCases(() => admin);

  const getCase = async (caseId: string) => (await admin('GET', `/api/v1/cases/${caseId}`)).body;
  const closed = (caseId: string) => eventually(async () => ((c) => c.status !== 'open' && c)(await getCase(caseId)), PATIENCE_MS, `case ${caseId} to close`);
  const received = async (caseId: string) =>
    (await admin('GET', `/api/v1/cases/${caseId}/events`)).body.filter((e: { type: string }) => e.type === 'message.received');

  beforeAll(async () => {
    receiverUrl = await receiver.listen();
    server = await startTestServer({ database, seedDemo: true, egressAllow: ['127.0.0.1'], now: clock.now });
    admin = httpClient(server.url, await server.login('admin@demo.exflow'));
    erp = httpClient(server.url, await server.login('erp@demo.exflow'));
    const subscribed = await admin('POST', '/api/v1/webhook-subscriptions', {
      url: `${receiverUrl}/hook`,
      eventTypes: ['case.opened', 'case.closed', 'message.correlated'],
    });
    expect(subscribed.status).toBe(201);
    expect(subscribed.body.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    expectWire(webhookSubscriptionWithSecretSchema, subscribed.body, 'POST /webhook-subscriptions');
    receiver.secrets.push(subscribed.body.secret);
    subscriptionId = subscribed.body.id;
    await publish(goodsFlow('goods-flow', 'P1D'));
    await publish(goodsFlow('goods-quick', 'PT1H'));
  });
  afterAll(async () => {
    await server?.stop();
    await receiver.close();
  });

  it('a waiting case moves on with the CloudEvent it waits for, acted on once when sent twice', async () => {
    const caseId = await open('goods-flow', 'GR-1', 'PO-100');
    expect(await getCase(caseId)).toMatchObject({ status: 'open', activeNodes: ['goods'] });

    const first = await erp('POST', '/api/v1/cloudevents', cloudEvent('gr-1', 'PO-100', { received: 5 }), { 'content-type': 'application/cloudevents+json' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ duplicate: false, status: 'correlated', deliveredTo: [{ caseId, nodeId: 'goods' }] });
    expectWire(messageOutcomeSchema, first.body, 'POST /cloudevents (200)');

    // the same event again, in binary mode this time: same source and id, so nothing is done again
    const again = await erp(
      'POST',
      '/api/v1/cloudevents',
      { received: 5 },
      {
        'ce-specversion': '1.0',
        'ce-id': 'gr-1',
        'ce-source': '/erp/goods-receipts',
        'ce-type': 'goods.received',
        'ce-correlationkey': 'PO-100',
      },
    );
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ duplicate: true, id: first.body.id });

    const c = await closed(caseId);
    expect(c).toMatchObject({ status: 'resolved', activeNodes: ['received'] });
    expect(c.context.vars.receipt).toEqual({ received: 5 });
    expect(await received(caseId)).toHaveLength(1);

    // had the redelivery been taken for a new message it would be buffered: a case waiting for PO-100 now gets nothing and times out
    const later = await open('goods-quick', 'GR-1b', 'PO-100');
    expect(await getCase(later)).toMatchObject({ status: 'open', activeNodes: ['goods'] });
    clock.advance('PT1H');
    expect(await closed(later)).toMatchObject({ status: 'rejected', activeNodes: ['late'] });
    expect(await received(later)).toHaveLength(0);
  });

  it('a message that comes before any case waits is buffered, and delivered when a case reaches the step', async () => {
    const early = await erp('POST', '/api/v1/cloudevents', cloudEvent('gr-2', 'PO-200', { received: 7 }), { 'content-type': 'application/cloudevents+json' });
    expect(early.status).toBe(202);
    expect(early.body).toMatchObject({ status: 'buffered', deliveredTo: [] });
    expectWire(messageOutcomeSchema, early.body, 'POST /cloudevents (202)');

    const caseId = await open('goods-flow', 'GR-2', 'PO-200');
    const c = await closed(caseId);
    expect(c).toMatchObject({ status: 'resolved', activeNodes: ['received'] });
    expect(c.context.vars.receipt).toEqual({ received: 7 });
    const message = (await erp('GET', `/api/v1/messages/${early.body.id}`)).body;
    expect(message).toMatchObject({ status: 'correlated', deliveredTo: [{ caseId, nodeId: 'goods' }] });
    expectWire(messageViewSchema, message, 'GET /messages/:id');

    // consumed: a second case for the same PO does not get it again
    const second = await open('goods-quick', 'GR-2b', 'PO-200');
    expect(await getCase(second)).toMatchObject({ status: 'open', activeNodes: ['goods'] });
    clock.advance('PT1H');
    expect(await closed(second)).toMatchObject({ status: 'rejected', activeNodes: ['late'] });
  });

  it('POST /messages correlates by name and key, to every waiting case; other keys and names wait on', async () => {
    const a = await open('goods-flow', 'GR-3a', 'PO-300');
    const b = await open('goods-flow', 'GR-3b', 'PO-300');
    const other = await open('goods-flow', 'GR-3c', 'PO-301');
    expect((await erp('POST', '/api/v1/messages', { name: 'erp.posted', correlationKey: 'PO-300', ttl: 'PT0S' })).body).toMatchObject({
      status: 'expired',
      deliveredTo: [],
    });
    const sent = await erp('POST', '/api/v1/messages', { name: 'goods.received', correlationKey: 'PO-300', payload: { lines: 2 }, id: 'm-300' });
    expect(sent.status).toBe(200);
    expectWire(messageOutcomeSchema, sent.body, 'POST /messages');
    expect(sent.body.deliveredTo.map((d: { caseId: string }) => d.caseId).sort()).toEqual([a, b].sort());
    for (const id of [a, b]) expect((await closed(id)).context.vars.receipt).toEqual({ lines: 2 });
    expect(await getCase(other)).toMatchObject({ status: 'open', activeNodes: ['goods'] });
    expect((await erp('POST', '/api/v1/messages', { name: 'goods.received', correlationKey: 'PO-300', id: 'm-300' })).body).toMatchObject({ duplicate: true });
  });

  it('refuses bad messages with 4xx naming the field, and changes nothing', async () => {
    const caseId = await open('goods-flow', 'GR-4', 'PO-400');
    const noKey = await erp(
      'POST',
      '/api/v1/cloudevents',
      { ...cloudEvent('gr-4', 'PO-400', {}), correlationkey: undefined },
      { 'content-type': 'application/cloudevents+json' },
    );
    expect([noKey.status, noKey.body.errors?.[0]?.path]).toEqual([422, '/correlationkey']);
    const noId = await erp(
      'POST',
      '/api/v1/cloudevents',
      { ...cloudEvent('x', 'PO-400', {}), id: undefined },
      { 'content-type': 'application/cloudevents+json' },
    );
    expect([noId.status, noId.body.errors?.[0]?.path]).toEqual([422, '/id']);
    const badVersion = await erp(
      'POST',
      '/api/v1/cloudevents',
      { ...cloudEvent('gr-4', 'PO-400', {}), specversion: '0.3' },
      { 'content-type': 'application/cloudevents+json' },
    );
    expect(badVersion.status).toBe(422);
    const notCe = await erp('POST', '/api/v1/cloudevents', { hello: 1 });
    expect(notCe.status).toBe(415);
    const badTtl = await erp('POST', '/api/v1/messages', { name: 'goods.received', correlationKey: 'PO-400', ttl: 'forever' });
    expect([badTtl.status, badTtl.body.errors?.[0]?.path]).toEqual([422, '/ttl']);
    const noName = await erp('POST', '/api/v1/messages', { correlationKey: 'PO-400' });
    expect(noName.status).toBe(422);
    expect(await getCase(caseId)).toMatchObject({ status: 'open', activeNodes: ['goods'] });
    expect(await received(caseId)).toHaveLength(0);
    const analyst = httpClient(server.url, await server.login('analyst@demo.exflow'));
    expect((await analyst('POST', '/api/v1/messages', { name: 'goods.received', correlationKey: 'PO-400' })).status).toBe(403);
  });

  it('tells the webhook receiver every event once, signed (Standard Webhooks), and rotates, replays and gives up on 410', async () => {
    const closedCases = [];
    for (const id of opened) if ((await getCase(id)).status !== 'open') closedCases.push(id);
    const expected = opened.length + closedCases.length + (await Promise.all(opened.map(received))).flat().length;
    // the demo's own seeded cases may go on meanwhile: counted are the cases of these tests
    const hook = () => receiver.received.filter((r) => r.path === '/hook');
    const ours = () => hook().filter((r) => opened.includes(r.subject));
    await eventually(async () => ours().length >= expected, PATIENCE_MS, `${expected} webhook deliveries`);
    const ids = hook().map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length); // each event once
    expect(receiver.unsigned()).toBe(0);
    for (const id of opened) expect(hook().filter((r) => r.subject === id && r.type === 'com.exflow.case.opened')).toHaveLength(1);
    for (const id of closedCases) expect(hook().filter((r) => r.subject === id && r.type === 'com.exflow.case.closed')).toHaveLength(1);
    const log = (await admin('GET', `/api/v1/webhook-subscriptions/${subscriptionId}/deliveries?limit=500`)).body;
    expectWire(webhookDeliveryListSchema, log, 'GET /webhook-subscriptions/:id/deliveries');
    expectWire(webhookSubscriptionListSchema, (await admin('GET', '/api/v1/webhook-subscriptions')).body, 'GET /webhook-subscriptions');
    expect(log.filter((d: { status: string; subject: string }) => d.status === 'delivered' && opened.includes(d.subject))).toHaveLength(expected);
    expect(ours()).toHaveLength(expected);
    expect((await admin('GET', '/api/v1/webhook-subscriptions')).body.find((s: { id: string }) => s.id === subscriptionId)).not.toHaveProperty('secret');

    // rotation: the new secret signs at once, the old one too during the window
    const rotated = await admin('POST', `/api/v1/webhook-subscriptions/${subscriptionId}/rotate-secret`, { windowHours: 1 });
    expect(rotated.status).toBe(200);
    expectWire(webhookSubscriptionWithSecretSchema, rotated.body, 'POST /webhook-subscriptions/:id/rotate-secret');
    receiver.secrets.push(rotated.body.secret);
    const afterRotation = await open('goods-flow', 'GR-5', 'PO-500');
    const signed = await eventually(async () => hook().find((r) => r.subject === afterRotation), PATIENCE_MS, 'a delivery after rotation');
    expect(signed.signedWith).toEqual([0, 1]);

    // replay: the same webhook-id again
    const first = log.at(-1);
    const replayed = await admin('POST', `/api/v1/webhook-subscriptions/${subscriptionId}/deliveries/${first.id}/replay`);
    expect(replayed.status).toBe(202);
    expectWire(webhookDeliverySchema, replayed.body, 'POST /webhook-subscriptions/:id/deliveries/:deliveryId/replay');
    await eventually(async () => hook().filter((r) => r.id === first.eventId).length === 2, PATIENCE_MS, 'the replayed delivery');

    // a receiver answering 410 Gone: the subscription is disabled after three
    const gone = await admin('POST', '/api/v1/webhook-subscriptions', { url: `${receiverUrl}/gone`, eventTypes: ['case.opened'] });
    receiver.secrets.push(gone.body.secret);
    for (const n of [1, 2, 3, 4]) await open('goods-flow', `GR-6${n}`, `PO-60${n}`);
    const disabled = await eventually(
      async () =>
        ((s) => s.status === 'disabled' && s)((await admin('GET', '/api/v1/webhook-subscriptions')).body.find((s: { id: string }) => s.id === gone.body.id)),
      PATIENCE_MS,
      'the gone subscription to be disabled',
    );
    expect(disabled.disabledReason).toContain('410');
    // deliveries already under way when it was disabled may still arrive; none is made after
    const goneCount = receiver.received.filter((r) => r.path === '/gone').length;
    expect(goneCount).toBeGreaterThanOrEqual(3);
    const afterDisabled = await open('goods-flow', 'GR-7', 'PO-700');
    await eventually(async () => hook().some((r) => r.subject === afterDisabled), PATIENCE_MS, 'the main receiver to hear of the next case');
    expect(receiver.received.filter((r) => r.path === '/gone')).toHaveLength(goneCount);

    const bad = await admin('POST', '/api/v1/webhook-subscriptions', { url: `${receiverUrl}/hook`, eventTypes: ['case.exploded'] });
    expect(bad.status).toBe(422);
    const enabled = await admin('POST', `/api/v1/webhook-subscriptions/${gone.body.id}/enable`);
    expect([enabled.status, enabled.body.status, enabled.body.disabledReason]).toEqual([200, 'active', null]);
    expectWire(webhookSubscriptionSchema, enabled.body, 'POST /webhook-subscriptions/:id/enable');
  });
});

describe.each(testDatabaseKinds())('a buffered message is claimed in the transition that starts the wait, on %s', { timeout: TEST_TIMEOUT_MS }, (database) => {
  let server: TestServer;
  afterAll(() => server?.stop());

  it('claims it in the same statement (no worker runs here to do it later)', async () => {
    server = await startTestServer({ database, seedDemo: true, workers: false });
    const admin = httpClient(server.url, await server.login('admin@demo.exflow'));
    const created = await admin('POST', '/api/v1/definitions', goodsFlow('goods-flow', 'P1D'));
    expect((await admin('POST', `/api/v1/definitions/${created.body.id}/publish`)).status).toBe(201);
    const early = await admin('POST', '/api/v1/messages', { name: 'goods.received', correlationKey: 'PO-900', payload: { ok: true } });
    expect(early.body.status).toBe('buffered');
    const caseId = await invoiceCases(() => admin).open('goods-flow', 'GR-9', 'PO-900');
    const message = (await admin('GET', `/api/v1/messages/${early.body.id}`)).body;
    expect(message).toMatchObject({ status: 'claimed', claimedCaseId: caseId, claimedNodeId: 'goods' });
  });
});
