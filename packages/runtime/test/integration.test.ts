import type { WorkflowDefinition } from '@exflow/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testDatabaseKinds, type TestServer } from '../src/testing/testServer.js';
import { plainInvoice } from './support/flows.js';
import { eventually, httpClient, PATIENCE_MS, TEST_TIMEOUT_MS } from './support/http.js';

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

const cloudEvent = (id: string, po: string, data: unknown) => ({ specversion: '1.0', id, source: '/erp/goods-receipts', type: 'goods.received', correlationkey: po, datacontenttype: 'application/json', data });

describe.each(testDatabaseKinds())('cases waiting for the outside world, on %s', { timeout: TEST_TIMEOUT_MS }, (database) => {
  let server: TestServer;
  let admin: ReturnType<typeof httpClient>;
  let erp: ReturnType<typeof httpClient>;

  async function publish(definition: WorkflowDefinition) {
    const created = await admin('POST', '/api/v1/definitions', definition);
    expect(created.status).toBe(201);
    expect((await admin('POST', `/api/v1/definitions/${created.body.id}/publish`)).status).toBe(201);
  }

  async function open(flow: string, number: string, poNumber: string) {
    const posted = await admin('POST', `/api/v1/invoices?definition=${flow}`, { ...plainInvoice(number), poNumber });
    expect(posted.status).toBe(201);
    return posted.body.case.id as string;
  }

  const getCase = async (caseId: string) => (await admin('GET', `/api/v1/cases/${caseId}`)).body;
  const closed = (caseId: string) => eventually(async () => ((c) => c.status !== 'open' && c)(await getCase(caseId)), PATIENCE_MS, `case ${caseId} to close`);
  const received = async (caseId: string) => (await admin('GET', `/api/v1/cases/${caseId}/events`)).body.filter((e: { type: string }) => e.type === 'message.received');

  beforeAll(async () => {
    server = await startTestServer({ database, seedDemo: true });
    admin = httpClient(server.url, await server.login('admin@demo.exflow'));
    erp = httpClient(server.url, await server.login('erp@demo.exflow'));
    await publish(goodsFlow('goods-flow', 'P1D'));
    await publish(goodsFlow('goods-quick', 'PT1S'));
  });
  afterAll(() => server?.stop());

  it('a waiting case moves on with the CloudEvent it waits for, acted on once when sent twice', async () => {
    const caseId = await open('goods-flow', 'GR-1', 'PO-100');
    expect(await getCase(caseId)).toMatchObject({ status: 'open', activeNodes: ['goods'] });

    const first = await erp('POST', '/api/v1/cloudevents', cloudEvent('gr-1', 'PO-100', { received: 5 }), { 'content-type': 'application/cloudevents+json' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ duplicate: false, status: 'correlated', deliveredTo: [{ caseId, nodeId: 'goods' }] });

    // the same event again, in binary mode this time: same source and id, so nothing is done again
    const again = await erp('POST', '/api/v1/cloudevents', { received: 5 }, {
      'ce-specversion': '1.0', 'ce-id': 'gr-1', 'ce-source': '/erp/goods-receipts', 'ce-type': 'goods.received', 'ce-correlationkey': 'PO-100',
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ duplicate: true, id: first.body.id });

    const c = await closed(caseId);
    expect(c).toMatchObject({ status: 'resolved', activeNodes: ['received'] });
    expect(c.context.vars.receipt).toEqual({ received: 5 });
    expect(await received(caseId)).toHaveLength(1);

    // had the redelivery been taken for a new message it would be buffered: a case waiting for PO-100 now gets nothing and times out
    const later = await open('goods-quick', 'GR-1b', 'PO-100');
    expect(await closed(later)).toMatchObject({ status: 'rejected', activeNodes: ['late'] });
    expect(await received(later)).toHaveLength(0);
  });

  it('a message that comes before any case waits is buffered, and delivered when a case reaches the step', async () => {
    const early = await erp('POST', '/api/v1/cloudevents', cloudEvent('gr-2', 'PO-200', { received: 7 }), { 'content-type': 'application/cloudevents+json' });
    expect(early.status).toBe(202);
    expect(early.body).toMatchObject({ status: 'buffered', deliveredTo: [] });

    const caseId = await open('goods-flow', 'GR-2', 'PO-200');
    const c = await closed(caseId);
    expect(c).toMatchObject({ status: 'resolved', activeNodes: ['received'] });
    expect(c.context.vars.receipt).toEqual({ received: 7 });
    expect((await erp('GET', `/api/v1/messages/${early.body.id}`)).body).toMatchObject({ status: 'correlated', deliveredTo: [{ caseId, nodeId: 'goods' }] });

    // consumed: a second case for the same PO does not get it again
    const second = await open('goods-quick', 'GR-2b', 'PO-200');
    expect(await closed(second)).toMatchObject({ status: 'rejected', activeNodes: ['late'] });
  });

  it('POST /messages correlates by name and key, to every waiting case; other keys and names wait on', async () => {
    const a = await open('goods-flow', 'GR-3a', 'PO-300');
    const b = await open('goods-flow', 'GR-3b', 'PO-300');
    const other = await open('goods-flow', 'GR-3c', 'PO-301');
    expect((await erp('POST', '/api/v1/messages', { name: 'erp.posted', correlationKey: 'PO-300', ttl: 'PT0S' })).body).toMatchObject({ status: 'expired', deliveredTo: [] });
    const sent = await erp('POST', '/api/v1/messages', { name: 'goods.received', correlationKey: 'PO-300', payload: { lines: 2 }, id: 'm-300' });
    expect(sent.status).toBe(200);
    expect(sent.body.deliveredTo.map((d: { caseId: string }) => d.caseId).sort()).toEqual([a, b].sort());
    for (const id of [a, b]) expect((await closed(id)).context.vars.receipt).toEqual({ lines: 2 });
    expect(await getCase(other)).toMatchObject({ status: 'open', activeNodes: ['goods'] });
    expect((await erp('POST', '/api/v1/messages', { name: 'goods.received', correlationKey: 'PO-300', id: 'm-300' })).body).toMatchObject({ duplicate: true });
  });

  it('refuses bad messages with 4xx naming the field, and changes nothing', async () => {
    const caseId = await open('goods-flow', 'GR-4', 'PO-400');
    const noKey = await erp('POST', '/api/v1/cloudevents', { ...cloudEvent('gr-4', 'PO-400', {}), correlationkey: undefined }, { 'content-type': 'application/cloudevents+json' });
    expect([noKey.status, noKey.body.errors?.[0]?.path]).toEqual([422, '/correlationkey']);
    const noId = await erp('POST', '/api/v1/cloudevents', { ...cloudEvent('x', 'PO-400', {}), id: undefined }, { 'content-type': 'application/cloudevents+json' });
    expect([noId.status, noId.body.errors?.[0]?.path]).toEqual([422, '/id']);
    const badVersion = await erp('POST', '/api/v1/cloudevents', { ...cloudEvent('gr-4', 'PO-400', {}), specversion: '0.3' }, { 'content-type': 'application/cloudevents+json' });
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
    const posted = await admin('POST', '/api/v1/invoices?definition=goods-flow', { ...plainInvoice('GR-9'), poNumber: 'PO-900' });
    const message = (await admin('GET', `/api/v1/messages/${early.body.id}`)).body;
    expect(message).toMatchObject({ status: 'claimed', claimedCaseId: posted.body.case.id, claimedNodeId: 'goods' });
  });
});
