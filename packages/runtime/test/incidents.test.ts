import { getNodeKind } from '@exflow/shared';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentServiceError } from '../src/services/registry.js';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { invoiceCases } from './support/cases.js';
import { serviceFlow } from './support/flows.js';
import { eventually, httpClient } from './support/http.js';

// Small intervals through the node's retry policy: the same code path as an hour-long outage.
const quick = { initialInterval: 'PT0.01S', backoffCoefficient: 2, maximumInterval: 'PT0.04S' };

describe.each(testDatabaseKinds())('retry policy as data, and incidents, on %s', (database) => {
  let server: TestServer;
  let owner: ReturnType<typeof httpClient>;
  let analyst: ReturnType<typeof httpClient>;
  const failuresLeft = new Map<string, number>();
  const calls = new Map<string, number>();
  let erpUp = false;

  async function publish(definition: object) {
    const created = await owner('POST', '/api/v1/definitions', definition);
    expect(created.status).toBe(201);
    expect((await owner('POST', `/api/v1/definitions/${created.body.id}/publish`)).status).toBe(201);
    return created.body.id as string;
  }
  const { open, caseWhen } = invoiceCases(() => owner);

  beforeAll(async () => {
    server = await startTestServer({
      database,
      seedDemo: true,
      services: {
        flaky: async ({ invoice }) => {
          const key = invoice!.invoiceNumber;
          calls.set(key, (calls.get(key) ?? 0) + 1);
          const left = failuresLeft.get(key) ?? 0;
          if (left > 0) {
            failuresLeft.set(key, left - 1);
            throw new Error(`ERP unavailable (${left} more)`);
          }
          return { posted: key };
        },
        erp: async ({ invoice }) => {
          const key = invoice!.invoiceNumber;
          calls.set(key, (calls.get(key) ?? 0) + 1);
          if (!erpUp) throw new Error('ERP unavailable');
          return { posted: key };
        },
        rejecting: async ({ invoice }) => {
          calls.set(invoice!.invoiceNumber, (calls.get(invoice!.invoiceNumber) ?? 0) + 1);
          throw new PermanentServiceError('ERP refuses the invoice: unknown cost centre', 'invoice-rejected');
        },
        coded: async ({ invoice }) => {
          calls.set(invoice!.invoiceNumber, (calls.get(invoice!.invoiceNumber) ?? 0) + 1);
          throw Object.assign(new Error('duplicate posting'), { code: 'duplicate' });
        },
      },
    });
    owner = httpClient(server.url, await server.login('admin@demo.exflow'));
    analyst = httpClient(server.url, await server.login('analyst@demo.exflow'));
    await publish(serviceFlow('outage-flow', 'flaky', { retry: { ...quick, maximumAttempts: 20 } }));
    await publish(serviceFlow('rejecting-flow', 'rejecting', { errorEdge: true, retry: { ...quick, maximumAttempts: 20 } }));
    await publish(serviceFlow('coded-flow', 'coded', { errorEdge: true, retry: { ...quick, maximumAttempts: 20, nonRetryableErrors: ['duplicate'] } }));
    await publish(serviceFlow('spent-edge-flow', 'erp', { errorEdge: true, retry: { ...quick, maximumAttempts: 3 } }));
    await publish(serviceFlow('erp-flow', 'erp', { retry: { ...quick, maximumAttempts: 3 } }));
    await publish(serviceFlow('erp-deadline-flow', 'erp', { retry: { ...quick, deadline: 'PT0.3S' } }));
    await publish(serviceFlow('refused-nowhere', 'rejecting', { retry: quick }));
  });
  afterAll(() => server?.stop());

  it('the service node declares its retry policy in its config schema (the inspector form)', async () => {
    const service = getNodeKind('service')!;
    expect(Object.keys((service.configSchema as any).properties.retry.properties).sort()).toEqual([
      'backoffCoefficient',
      'deadline',
      'initialInterval',
      'maximumAttempts',
      'maximumInterval',
      'nonRetryableErrors',
    ]);
    const draft = await owner('POST', '/api/v1/definitions', serviceFlow('bad-retry', 'flaky', { retry: { initialInterval: '1 second' } }));
    const bad = await owner('POST', `/api/v1/definitions/${draft.body.id}/publish`);
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toContain('initialInterval');
  });

  it('rides out an outage longer than the old budget of 5 attempts, then the case continues', async () => {
    failuresLeft.set('OUT-1', 8);
    const caseId = await open('outage-flow', 'OUT-1');
    const c = await caseWhen(caseId, (x) => x.status === 'resolved', 'the case to resolve');
    expect(calls.get('OUT-1')).toBe(9);
    expect(c.effects[0]).toMatchObject({ status: 'done', attempts: 9, retryPolicy: { ...quick, maximumAttempts: 20 } });
    expect(c.context.vars.call).toEqual({ posted: 'OUT-1' });
  });

  it('does not retry an error the service calls non-retryable, nor one whose code the policy lists', async () => {
    const refused = await caseWhen(await open('rejecting-flow', 'NR-1'), (x) => x.status === 'rejected', 'the error edge');
    expect(refused.effects[0]).toMatchObject({ status: 'failed', attempts: 1, lastError: 'ERP refuses the invoice: unknown cost centre' });
    expect(calls.get('NR-1')).toBe(1);
    const coded = await caseWhen(await open('coded-flow', 'NR-2'), (x) => x.status === 'rejected', 'the error edge');
    expect(coded.effects[0]).toMatchObject({ status: 'failed', attempts: 1 });
    expect(calls.get('NR-2')).toBe(1);
  });

  it('takes the error edge when the policy is spent and the node has one (no incident)', async () => {
    const c = await caseWhen(await open('spent-edge-flow', 'EDGE-1'), (x) => x.status === 'rejected', 'the error edge');
    expect(c.effects[0]).toMatchObject({ status: 'failed', attempts: 3 });
    expect((await owner('GET', `/api/v1/incidents?caseId=${c.id}&status=all`)).body).toEqual([]);
  });

  it('a spent policy with no error edge is an incident: listed, broadcast, audited; a successful retry resolves it and the case goes on', async () => {
    erpUp = false;
    const socket = io(server.url, { path: '/socket.io', auth: { token: await server.login('analyst@demo.exflow') }, transports: ['websocket'] });
    const heard: { caseId: string; status: string; type: string }[] = [];
    socket.on('case.changed', (m: { caseId: string; status: string; event: { type: string } }) =>
      heard.push({ caseId: m.caseId, status: m.status, type: m.event.type }),
    );
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    try {
      const caseId = await open('erp-flow', 'INC-1');
      const waiting = await caseWhen(caseId, (x) => x.status === 'incident', 'the incident');
      expect(waiting).toMatchObject({ status: 'incident', outcome: null, activeNodes: ['call'] });
      expect(waiting.effects[0]).toMatchObject({ status: 'failed', attempts: 3, lastError: 'ERP unavailable' });
      expect(calls.get('INC-1')).toBe(3);

      const listed = (await analyst('GET', '/api/v1/incidents')).body;
      const incident = listed.find((i: any) => i.caseId === caseId);
      expect(incident).toMatchObject({
        nodeId: 'call',
        service: 'erp',
        error: 'ERP unavailable',
        reason: 'attempts',
        attempts: 3,
        resolvedAt: null,
        caseStatus: 'incident',
        effectId: waiting.effects[0].id,
      });
      expect((await analyst('GET', `/api/v1/incidents?service=erp&nodeId=call&caseId=${caseId}`)).body).toHaveLength(1);
      expect((await analyst('GET', `/api/v1/incidents?service=nope&caseId=${caseId}`)).body).toHaveLength(0);
      expect((await analyst('GET', '/api/v1/incidents?status=sideways')).status).toBe(422);
      expect((await analyst('GET', '/api/v1/cases?status=incident')).body.map((c: any) => c.id)).toContain(caseId);
      // another tenant sees nothing of it
      const other = await server.issuer.sign({ userId: 'probe-other', tenantId: 'other-tenant', email: 'x@other', name: 'x', roles: ['tenant_admin'] });
      expect((await httpClient(server.url, other)('GET', '/api/v1/incidents?status=all')).body).toEqual([]);
      await eventually(
        async () => heard.some((m) => m.caseId === caseId && m.status === 'incident' && m.type === 'incident.raised'),
        5_000,
        'the incident broadcast',
      );

      // a comment while it waits leaves it in the incident
      expect((await owner('POST', `/api/v1/cases/${caseId}/events`, { type: 'case.comment', text: 'ERP team informed' })).status).toBe(202);
      expect((await owner('GET', `/api/v1/cases/${caseId}`)).body.status).toBe('incident');

      erpUp = true;
      expect((await owner('POST', `/api/v1/cases/${caseId}/effects/${incident.effectId}/retry`)).status).toBe(200);
      const done = await caseWhen(caseId, (x) => x.status === 'resolved', 'the case to go on to its end');
      expect(done.context.vars.call).toEqual({ posted: 'INC-1' });
      expect(done.effects[0]).toMatchObject({ status: 'done', attempts: 4 });
      expect((await analyst('GET', `/api/v1/incidents?caseId=${caseId}`)).body).toEqual([]);
      expect((await analyst('GET', `/api/v1/incidents?caseId=${caseId}&status=resolved`)).body).toEqual([
        expect.objectContaining({ id: incident.id, resolution: 'retried', resolvedAt: expect.any(String) }),
      ]);
      await eventually(async () => heard.some((m) => m.caseId === caseId && m.status === 'resolved'), 5_000, 'the resolution broadcast');

      const trail = ((await owner('GET', `/api/v1/cases/${caseId}/audit`)).body as { action: string }[]).map((a) => a.action);
      expect(trail).toEqual(expect.arrayContaining(['incident.raised', 'effect.retried', 'incident.resolved']));
      expect(trail.indexOf('incident.raised')).toBeLessThan(trail.indexOf('incident.resolved'));
      const history = ((await owner('GET', `/api/v1/cases/${caseId}/events`)).body as { type: string }[]).map((e) => e.type);
      expect(history).toEqual(['case.started', 'incident.raised', 'case.comment', 'service.done']);
    } finally {
      socket.disconnect();
    }
  });

  it('raises an incident when the deadline passes, and at once for a non-retryable error with no error edge', async () => {
    erpUp = false;
    const late = await caseWhen(await open('erp-deadline-flow', 'DL-1'), (x) => x.status === 'incident', 'the incident');
    expect((await owner('GET', `/api/v1/incidents?caseId=${late.id}`)).body).toEqual([expect.objectContaining({ reason: 'deadline' })]);
    const refused = await caseWhen(await open('refused-nowhere', 'NR-3'), (x) => x.status === 'incident', 'the incident');
    expect(refused.effects[0]).toMatchObject({ attempts: 1 });
    expect((await owner('GET', `/api/v1/incidents?caseId=${refused.id}`)).body).toEqual([
      expect.objectContaining({ reason: 'non-retryable', error: 'ERP refuses the invoice: unknown cost centre' }),
    ]);
    // cancelling a case in an incident closes the incident too
    expect((await owner('POST', `/api/v1/cases/${refused.id}/events`, { type: 'case.cancel', reason: 'paid by hand' })).status).toBe(202);
    expect((await owner('GET', `/api/v1/incidents?caseId=${refused.id}&status=resolved`)).body).toEqual([
      expect.objectContaining({ resolution: 'case.cancel' }),
    ]);
  });
});
