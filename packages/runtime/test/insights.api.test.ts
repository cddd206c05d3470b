import {
  clientsAnswerSchema,
  computeMetric,
  EXECUTIVE_METRICS,
  drillAnswerSchema,
  INVOICE_CSV_COLUMNS,
  metricAnswerSchema,
  METRICS,
  summaryAnswerSchema,
  type InsightQuery,
  type MetricRow,
  type WorkflowDefinition,
} from '@exflow/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInsightRollup } from '../src/store/insightRollup.js';
import { createInsightsRepository } from '../src/store/insightsRepository.js';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { invoiceWithChairPrice } from './support/fixtures.js';
import { eventually, httpClient } from './support/http.js';
import { expectWire } from './support/wire.js';

type Call = ReturnType<typeof httpClient>;

/** 3-way match; within tolerance ends at once; else an approver reviews: approve, reject, or send it to an analyst to fix and back. */
const flow: WorkflowDefinition = {
  schemaVersion: 1,
  key: 'ins',
  name: 'Insights test flow',
  nodes: [
    { id: 'start', kind: 'start', config: { trigger: 'false' } },
    { id: 'match', kind: 'threeWayMatch', config: { service: 'threeWayMatch', params: { priceTolerancePct: 2, quantityTolerancePct: 0 }, resultVar: 'match' } },
    { id: 'ok', kind: 'decision', config: { branches: [{ id: 'yes', label: 'within tolerance', condition: 'match.withinTolerance = true' }] } },
    { id: 'auto', kind: 'end', config: { outcome: 'resolved' } },
    {
      id: 'review',
      kind: 'humanTask',
      config: {
        title: 'Review',
        queue: 'controller',
        candidateRoles: ['approver'],
        // an approving step carries the approval marker (publish refuses it otherwise: sod.approval-unmarked)
        approval: { approveOutcomes: ['approve'] },
        outcomes: [
          { id: 'approve', label: 'Approve' },
          { id: 'reject', label: 'Reject' },
          { id: 'rework', label: 'Send back' },
        ],
      },
    },
    { id: 'fix', kind: 'humanTask', config: { title: 'Fix', queue: 'ap-review', candidateRoles: ['analyst'], outcomes: [{ id: 'done', label: 'Done' }] } },
    { id: 'accepted', kind: 'end', config: { outcome: 'resolved' } },
    { id: 'rejected', kind: 'end', config: { outcome: 'rejected' } },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'match' },
    { id: 'e2', source: 'match', target: 'ok', sourcePort: 'done' },
    { id: 'e3', source: 'ok', target: 'auto', sourcePort: 'yes' },
    { id: 'e4', source: 'ok', target: 'review', sourcePort: 'default' },
    { id: 'e5', source: 'review', target: 'accepted', sourcePort: 'approve' },
    { id: 'e6', source: 'review', target: 'rejected', sourcePort: 'reject' },
    { id: 'e7', source: 'review', target: 'fix', sourcePort: 'rework' },
    { id: 'e8', source: 'fix', target: 'review', sourcePort: 'done' },
  ],
};

const csvLine = (cells: Partial<Record<(typeof INVOICE_CSV_COLUMNS)[number], string>>) => INVOICE_CSV_COLUMNS.map((c) => cells[c] ?? '').join(',');
const CSV_F = [
  INVOICE_CSV_COLUMNS.join(','),
  csvLine({
    invoiceNumber: 'INS-F',
    issueDate: '2026-11-20',
    currency: 'EUR',
    supplierId: 'SUP-001',
    supplierName: 'Nordic Office Supplies AB',
    poNumber: 'PO-1001',
    netTotal: '1500.00',
    taxTotal: '375.00',
    grossTotal: '1875.00',
    lineDescription: 'Ergonomic office chair',
    quantity: '10',
    unitPrice: '150.00',
    lineNetAmount: '1500.00',
    taxRate: '25',
    taxAmount: '375.00',
    poLineRef: '1',
  }),
].join('\n');

const at = (day: number, hour: number) => new Date(Date.UTC(2026, 9, day, hour)).toISOString();
const OCTOBER = 'from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z&groupBy=month';

describe.each(testDatabaseKinds())('insights over cases the engine ran, on %s', (database) => {
  let server: TestServer;
  let owner: Call;
  let approver: Call;
  let analyst: Call;
  let admin: Call;
  let flowId: string;
  const ids: Record<string, { caseId: string; invoiceId: string }> = {};

  const taskOf = async (caseId: string, nodeId: string) =>
    eventually(
      async () => (await analyst('GET', `/api/v1/tasks?caseId=${caseId}`)).body.find((t: { nodeId: string }) => t.nodeId === nodeId),
      10_000,
      `${nodeId} task of ${caseId}`,
    );

  async function complete(who: Call, caseId: string, nodeId: string, outcome: string) {
    const task = await taskOf(caseId, nodeId);
    expect((await who('POST', `/api/v1/tasks/${task.id}/claim`)).status).toBe(200);
    const done = await who('POST', `/api/v1/tasks/${task.id}/complete`, { outcome, data: {} });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    return task.id as string;
  }

  async function post(name: string, price: string) {
    const posted = await analyst('POST', '/api/v1/invoices?definition=ins', invoiceWithChairPrice(`INS-${name}`, price));
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    ids[name] = { caseId: posted.body.case.id, invoiceId: posted.body.invoice.id };
  }

  /** Puts a case's clocks where the hand computation expects them (the engine stamps now()). */
  async function clock(
    name: string,
    times: { opened: string; closed?: string; tasks?: { node: string; created: string; completed?: string; due?: string | null }[] },
  ) {
    const { caseId, invoiceId } = ids[name];
    await server.db('invoices').where({ id: invoiceId }).update({ received_at: times.opened });
    await server
      .db('cases')
      .where({ id: caseId })
      .update({ opened_at: times.opened, ...(times.closed ? { closed_at: times.closed } : {}) });
    const rows = await server.db('tasks').where({ case_id: caseId }).orderBy('created_at').select('id', 'node_id');
    for (const [i, t] of (times.tasks ?? []).entries()) {
      expect(rows[i].node_id).toBe(t.node);
      await server
        .db('tasks')
        .where({ id: rows[i].id })
        .update({ created_at: t.created, completed_at: t.completed ?? null, due_at: t.due ?? null });
    }
  }

  beforeAll(async () => {
    server = await startTestServer({ database });
    owner = httpClient(server.url, await server.login('owner@demo.exflow'));
    approver = httpClient(server.url, await server.login('approver@demo.exflow'));
    analyst = httpClient(server.url, await server.login('analyst@demo.exflow'));
    admin = httpClient(server.url, await server.login('admin@demo.exflow'));
    const created = await owner('POST', '/api/v1/definitions', flow);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    flowId = created.body.id;
    expect((await owner('POST', `/api/v1/definitions/${flowId}/publish`)).status).toBe(201);

    // A within tolerance (touchless); B approved at once; C sent back once, then approved;
    // D reassigned and left open; E rejected; F through CSV, left open
    await post('A', '120.00');
    for (const [name, price] of [
      ['B', '126.00'],
      ['C', '140.00'],
      ['D', '130.00'],
      ['E', '135.00'],
    ])
      await post(name, price);
    const csv = await analyst('POST', '/api/v1/invoices/csv?definition=ins', CSV_F, { 'content-type': 'text/csv' });
    expect(csv.status, JSON.stringify(csv.body)).toBe(200);
    const f = csv.body.invoices[0];
    ids.F = { caseId: f.caseId, invoiceId: f.invoiceId };
    await eventually(async () => (await analyst('GET', `/api/v1/cases/${ids.A.caseId}`)).body.status === 'resolved', 10_000, 'A resolved');
    await complete(approver, ids.B.caseId, 'review', 'approve');
    await complete(approver, ids.C.caseId, 'review', 'rework');
    await complete(analyst, ids.C.caseId, 'fix', 'done');
    await eventually(
      async () => (await analyst('GET', `/api/v1/tasks?caseId=${ids.C.caseId}`)).body.find((t: { nodeId: string }) => t.nodeId === 'review'),
      10_000,
      'C back in review',
    );
    await complete(approver, ids.C.caseId, 'review', 'approve');
    const d = await taskOf(ids.D.caseId, 'review');
    expect((await approver('POST', `/api/v1/tasks/${d.id}/claim`)).status).toBe(200);
    expect((await admin('POST', `/api/v1/tasks/${d.id}/reassign`, { assignee: 'u-approver2', reason: 'holiday' })).status).toBe(200);
    await complete(approver, ids.E.caseId, 'review', 'reject');
    await taskOf(ids.F.caseId, 'review');

    await clock('A', { opened: at(5, 9), closed: at(5, 9) });
    await clock('B', { opened: at(5, 10), closed: at(6, 10), tasks: [{ node: 'review', created: at(5, 10), completed: at(6, 10), due: at(6, 12) }] });
    await clock('C', {
      opened: at(5, 11),
      closed: at(8, 11),
      tasks: [
        { node: 'review', created: at(5, 11), completed: at(6, 11) },
        { node: 'fix', created: at(6, 11), completed: at(7, 11) },
        { node: 'review', created: at(7, 11), completed: at(8, 11) },
      ],
    });
    await clock('D', { opened: at(5, 12), tasks: [{ node: 'review', created: at(5, 12) }] });
    await clock('E', { opened: at(5, 13), closed: at(5, 19), tasks: [{ node: 'review', created: at(5, 13), completed: at(5, 19), due: at(5, 18) }] });
    await clock('F', { opened: at(6, 10), tasks: [{ node: 'review', created: at(6, 10) }] });
    // the clocks were moved in SQL, not by the engine: the rollup is made again (as after any hand edit)
    await createInsightRollup(server.db).rebuild('demo');
  });
  afterAll(() => server?.stop());

  const metric = async (who: Call, name: string, query = `${OCTOBER}&flow=${flowId}`) => {
    const r = await who('GET', `/api/v1/insights/metrics/${name}?${query}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.rows as MetricRow[];
  };
  const cases = (...names: string[]) => names.map((n) => ids[n].caseId).sort();

  it('computes the five executive metrics as worked out by hand', async () => {
    // exception rate by source: api A–E, exceptions B–E; csv F, an exception
    expect((await metric(owner, 'exceptionRate', OCTOBER)).map((r) => [r.bucket, r.group, r.numerator, r.denominator, r.value])).toEqual([
      ['2026-10-01', 'api', 4, 5, 0.8],
      ['2026-10-01', 'csv', 1, 1, 1],
    ]);
    // time to resolve: E 6 h, B 1 d, C 3 d → median 1 d, p90 1 d + 0.8 × 2 d
    const [ttr] = await metric(owner, 'timeToResolve');
    expect(ttr).toMatchObject({ bucket: '2026-10-01', group: 'all', count: 3, p50: 86_400 });
    expect(ttr.p90).toBeCloseTo(86_400 + 0.8 * 2 * 86_400, 3);
    // approval aging: D and F wait on the controller (Operations, from PO-1001), both since early October
    expect((await metric(owner, 'approvalAging')).map((r) => [r.bucket, r.group, r.value])).toEqual([['>30d', 'controller / Operations', 2]]);
    // repeat: every exception after B is SUP-001 priceVariance again
    expect((await metric(owner, 'repeatExceptions')).map((r) => [r.numerator, r.denominator])).toEqual([[4, 5]]);
    // touchless: only A of the six invoices asked nobody
    expect((await metric(owner, 'touchlessRate', OCTOBER)).map((r) => [r.numerator, r.denominator])).toEqual([[1, 6]]);
  });

  it('computes the operational figures as worked out by hand', async () => {
    expect((await metric(owner, 'cycleTimeByKind')).map((r) => [r.group, r.count, r.p50])).toEqual([['priceVariance', 3, 86_400]]);
    expect((await metric(owner, 'slaBreach')).map((r) => [r.group, r.numerator, r.denominator])).toEqual([['controller', 1, 2]]);
    expect((await metric(owner, 'backlog')).map((r) => [r.bucket, r.value])).toEqual([['>30d', 2]]);
    expect((await metric(owner, 'firstTouch')).map((r) => [r.numerator, r.denominator])).toEqual([[1, 2]]);
    expect((await metric(owner, 'rework')).map((r) => [r.numerator, r.denominator, r.count])).toEqual([[1, 5, 1]]);
    // value at risk: 10 chairs × the price over 120: open D 100 + F 300; settled B 60 + C 200 + E 150
    expect((await metric(owner, 'valueAtRisk')).map((r) => [r.bucket, r.group, r.value])).toEqual([
      [null, 'open', 400],
      ['2026-10-01', 'recovered', 410],
    ]);
    // the audit stamps reassignments and step changes with the real clock
    const today = `from=${new Date(Date.now() - 86_400_000).toISOString()}&to=${new Date(Date.now() + 86_400_000).toISOString()}&groupBy=all&flow=${flowId}`;
    expect((await metric(owner, 'reassignments', today)).map((r) => [r.value, r.numerator])).toEqual([[1, 1]]);
    const dwell = await metric(owner, 'stepDwell', today);
    expect(dwell.find((r) => r.group === 'review')?.count).toBe(4); // B, C twice, E (D and F are still there)
  });

  it('drills from a figure to the cases behind it', async () => {
    const drill = async (q: string) => {
      const r = await owner('GET', `/api/v1/insights/cases?${q}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body;
    };
    const aging = await drill(
      `metric=approvalAging&bucket=${encodeURIComponent('>30d')}&group=${encodeURIComponent('controller / Operations')}&flow=${flowId}`,
    );
    expect(aging.rows.map((c: { id: string }) => c.id).sort()).toEqual(cases('D', 'F'));
    const touchless = await drill(`metric=touchlessRate&${OCTOBER}`);
    expect(touchless.invoiceIds).toEqual([ids.A.invoiceId]);
    expect(touchless.rows.map((c: { id: string }) => c.id)).toEqual([ids.A.caseId]);
    const csvRate = await drill(`metric=exceptionRate&${OCTOBER}&bucket=2026-10-01&group=csv`);
    expect(csvRate.rows.map((c: { id: string }) => c.id)).toEqual([ids.F.caseId]);
  });

  it('gives the same figures as the pure definitions over the same rows', async () => {
    const repo = createInsightsRepository(server.db);
    const now = new Date().toISOString();
    const data = await repo.facts('demo', now);
    for (const q of [
      { from: '2026-10-01T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z', now, groupBy: 'week' },
      {
        from: new Date(Date.now() - 86_400_000).toISOString(),
        to: new Date(Date.now() + 86_400_000).toISOString(),
        now,
        groupBy: 'day',
        filters: { definitionId: flowId },
      },
      { from: '2026-01-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z', now, groupBy: 'all', filters: { channel: 'api', businessUnit: 'Operations' } },
    ] satisfies InsightQuery[]) {
      for (const name of METRICS) {
        const sql = await repo.metric('demo', name, q);
        const pure = computeMetric(name, data, q);
        const round = (rows: MetricRow[]) =>
          rows.map((r) => JSON.parse(JSON.stringify(r, (_k, v) => (typeof v === 'number' ? Math.round(v * 1000) / 1000 : v))));
        expect([name, q.groupBy, round(sql)]).toEqual([name, q.groupBy, round(pure)]);
      }
    }
  });

  it('answers CSV', async () => {
    const r = await fetch(`${server.url}/api/v1/insights/metrics/exceptionRate?${OCTOBER}`, {
      headers: { authorization: `Bearer ${await server.login('owner@demo.exflow')}`, accept: 'text/csv' },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/csv/);
    expect((await r.text()).split('\r\n')).toEqual(['bucket,group,value,numerator,denominator', '2026-10-01,api,0.8,4,5', '2026-10-01,csv,1,1,1', '']);
    const viaQuery = await owner('GET', `/api/v1/insights/summary?${OCTOBER}&format=csv`);
    expect(viaQuery.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(String(viaQuery.body).split('\r\n')[0]).toMatch(/^metric,unit,value/);
  });

  it('answers the summary, every metric and the drill-down as their wire schemas say', async () => {
    const summary = await owner('GET', `/api/v1/insights/summary?${OCTOBER}&flow=${flowId}`);
    expect(summary.body.rows.length).toBeGreaterThan(0);
    expectWire(summaryAnswerSchema, summary.body, 'GET /insights/summary');
    for (const name of METRICS) {
      for (const groupBy of ['month', 'all']) {
        const r = await owner('GET', `/api/v1/insights/metrics/${name}?${OCTOBER.replace('groupBy=month', `groupBy=${groupBy}`)}&flow=${flowId}`);
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        expectWire(metricAnswerSchema, r.body, `GET /insights/metrics/${name} by ${groupBy}`);
      }
    }
    const drill = await owner('GET', `/api/v1/insights/cases?metric=backlog&${OCTOBER}&flow=${flowId}`);
    expect(drill.body.rows.length).toBeGreaterThan(0);
    expectWire(drillAnswerSchema, drill.body, 'GET /insights/cases');
  });

  it('refuses a bad query naming the parameter, and analysts who do not lead', async () => {
    for (const [q, path] of [
      ['groupBy=year', 'groupBy'],
      ['from=yesterday', 'from'],
      ['from=2026-11-02&to=2026-11-01', 'from'],
      ['version=2', 'version'],
      ['windowDays=0', 'windowDays'],
    ]) {
      const r = await owner('GET', `/api/v1/insights/metrics/backlog?${q}`);
      expect([q, r.status, r.body.errors?.[0]?.path]).toEqual([q, 422, path]);
    }
    expect((await owner('GET', '/api/v1/insights/metrics/nonsense')).status).toBe(422);
    expect((await analyst('GET', '/api/v1/insights/summary')).status).toBe(403);
    expect((await admin('PUT', '/api/v1/team/u-analyst/lead', { lead: true })).status).toBe(200);
    expect((await analyst('GET', '/api/v1/insights/summary')).status).toBe(200);
  });

  it('keeps tenants apart: a client sees only its cases, an MSP only its clients', async () => {
    const acme = httpClient(server.url, await server.login('admin@acme.example'));
    const seen = await acme('GET', '/api/v1/insights/metrics/exceptionRate?from=2000-01-01&to=2100-01-01&groupBy=all');
    expect(seen.status).toBe(200);
    expect(seen.body.rows).toEqual([]);
    const drill = await acme('GET', `/api/v1/insights/cases?metric=backlog&flow=${flowId}`);
    expect(drill.body.rows).toEqual([]);
    const north = httpClient(server.url, await server.login('platform@northledger.example'));
    const clients = await north('GET', '/api/v1/insights/clients');
    expect(clients.status, JSON.stringify(clients.body)).toBe(200);
    expectWire(clientsAnswerSchema, clients.body, 'GET /insights/clients');
    expect([...new Set(clients.body.rows.map((r: { tenantId: string }) => r.tenantId))]).toEqual(['acme']);
    expect((await north('GET', '/api/v1/insights/summary', undefined, { 'X-Exflow-Tenant': 'acme' })).status).toBe(200);
    expect((await north('GET', '/api/v1/insights/summary', undefined, { 'X-Exflow-Tenant': 'demo' })).status).toBe(403);
  });

  it("answers the designer's heatmap of the published version: steps, dwell, SLA, open cases and edge frequencies", async () => {
    // the audit stamps step changes with the real clock; the tasks' clocks were set to October
    const today = `from=${new Date(Date.now() - 86_400_000).toISOString()}&to=${new Date(Date.now() + 86_400_000).toISOString()}`;
    const r = await owner('GET', `/api/v1/insights/flows/${flowId}/versions/1/heatmap?${today}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const node = (id: string) => r.body.nodes.find((n: { nodeId: string }) => n.nodeId === id);
    expect(r.body.nodes.map((n: { nodeId: string }) => n.nodeId)).toEqual(flow.nodes.map((n) => n.id));
    // review: B, C (twice), D, E, F; D and F wait there now; fix: C once
    expect(node('review')).toMatchObject({ cases: 5, visits: 6, openNow: 2, slaTasks: 0, slaBreachShare: null });
    expect(node('review').medianDwellSeconds).toBeGreaterThanOrEqual(0);
    expect(node('fix')).toMatchObject({ cases: 1, visits: 1, openNow: 0 });
    expect(node('match')).toMatchObject({ cases: 6, openNow: 0 });
    const edge = Object.fromEntries(r.body.edges.map((e: { edgeId: string; count: number }) => [e.edgeId, e.count]));
    // through the decision "ok": match → review is e2 + e4; A went e2 + e3
    expect(edge).toEqual({ e1: 6, e2: 6, e3: 1, e4: 5, e5: 2, e6: 1, e7: 1, e8: 1 });
    // SLA: B on time and E late, both completed in October
    const october = await owner('GET', `/api/v1/insights/flows/${flowId}/versions/1/heatmap?from=2026-10-01&to=2026-11-01`);
    expect(october.body.nodes.find((n: { nodeId: string }) => n.nodeId === 'review')).toMatchObject({ slaTasks: 2, slaBreachShare: 0.5, cases: 0, openNow: 2 });
    expect((await owner('GET', `/api/v1/insights/flows/${flowId}/versions/9/heatmap`)).status).toBe(404);
    const acme = httpClient(server.url, await server.login('admin@acme.example'));
    expect((await acme('GET', `/api/v1/insights/flows/${flowId}/versions/1/heatmap`)).status).toBe(404);
  });

  // it changes D's invoice: the later tests read figures with it changed
  it("takes a case's exception kind from the findings triage stored with its invoice", async () => {
    // D's task says priceVariance; its invoice's stored findings lead with a suspected duplicate
    const findings = [
      { kind: 'taxLineMismatch', severity: 'warning', valueAtRisk: '5.00', message: 'line tax', check: 'tax', ruleId: 'BR-S-09' },
      { kind: 'suspectedDuplicate', severity: 'high', valueAtRisk: '1250.00', message: 'close to INS-B', check: 'duplicate', ruleId: 'exflow-dup' },
    ];
    await server
      .db('invoices')
      .where({ id: ids.D.invoiceId })
      .update({ findings: JSON.stringify(findings) });
    await createInsightRollup(server.db).rebuild('demo');
    const backlog = async (kind: string) => (await metric(owner, 'backlog', `flow=${flowId}&exceptionKind=${kind}`)).flatMap((r) => r.caseIds ?? []);
    const drill = await owner('GET', `/api/v1/insights/cases?metric=backlog&flow=${flowId}&exceptionKind=suspectedDuplicate`);
    expect(drill.body.rows.map((c: { id: string }) => c.id)).toEqual([ids.D.caseId]);
    expect(await backlog('priceVariance')).toEqual([]);
    const repo = createInsightsRepository(server.db);
    const now = new Date().toISOString();
    const data = await repo.facts('demo', now);
    expect(data.cases.find((c) => c.id === ids.D.caseId)?.exceptionKind).toBe('suspectedDuplicate');
    expect(data.cases.find((c) => c.id === ids.F.caseId)?.exceptionKind).toBe('priceVariance');
    const q: InsightQuery = {
      from: '2026-10-01T00:00:00.000Z',
      to: '2026-11-01T00:00:00.000Z',
      now,
      groupBy: 'all',
      filters: { exceptionKind: 'suspectedDuplicate' },
    };
    for (const name of ['backlog', 'exceptionRate', 'repeatExceptions'] as const)
      expect(await repo.metric('demo', name, q)).toEqual(computeMetric(name, data, q));
  });

  it('answers the executive metrics from the rollup exactly as from the case rows, and keeps the rollup up to date with the engine', async () => {
    const repo = createInsightsRepository(server.db);
    const rollup = createInsightRollup(server.db);
    expect(await rollup.since('demo')).toBeDefined();
    const now = new Date().toISOString();
    const queries: InsightQuery[] = [
      { from: '2026-10-01T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z', now, groupBy: 'week' },
      {
        from: '2026-10-01T00:00:00.000Z',
        to: '2026-11-01T00:00:00.000Z',
        now,
        groupBy: 'day',
        filters: { definitionId: flowId, exceptionKind: 'priceVariance' },
      },
      { from: '2026-01-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z', now, groupBy: 'all', filters: { channel: 'api', businessUnit: 'Operations' } },
      { from: '2026-10-05T10:30:00.000Z', to: '2026-10-06T10:30:00.000Z', now, groupBy: 'month', windowDays: 1, filters: { supplier: 'SUP-001' } },
    ];
    const compare = async () => {
      for (const q of queries)
        for (const name of EXECUTIVE_METRICS) {
          const raw = await repo.metric('demo', name, q, { source: 'raw' });
          expect(raw.length, name).toBeGreaterThan(0);
          expect([name, q, await repo.metric('demo', name, q)]).toEqual([name, q, raw]);
          const withoutIds = (rows: MetricRow[]) => rows.map(({ caseIds: _c, invoiceIds: _i, ...r }) => r);
          expect([name, q, withoutIds(await repo.metric('demo', name, q, { ids: false }))]).toEqual([name, q, withoutIds(raw)]);
        }
    };
    await compare();
    // a case the engine runs after the rollup was built: the next read catches up on it
    await post('G', '131.00');
    await taskOf(ids.G.caseId, 'review');
    const today = { from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 86_400_000).toISOString(), now, groupBy: 'all' as const };
    queries.push(today);
    await compare();
    const [touchless] = await repo.metric('demo', 'touchlessRate', today);
    expect(touchless.invoiceIds).not.toContain(ids.G.invoiceId);
    // the job makes G's row (reads worked it out meanwhile)
    await rollup.catchUp('demo');
    expect((await server.db('insight_case_facts').where({ case_id: ids.G.caseId }).first())?.human_tasks).toBe(1);
    await complete(approver, ids.G.caseId, 'review', 'reject');
    await eventually(async () => (await analyst('GET', `/api/v1/cases/${ids.G.caseId}`)).body.status === 'rejected', 10_000, 'G rejected');
    const [resolved] = await repo.metric('demo', 'timeToResolve', today);
    expect(resolved.caseIds).toContain(ids.G.caseId);
    await compare();
  });
});
