import { describe, expect, it } from 'vitest';
import { edgeFrequencies, ocelPage, xesTraces, type EventLogPage } from '../src/index.js';

const page = (n: number, invoiceId = `inv${n}`): EventLogPage => ({
  cases: [
    {
      id: `c${n}`,
      invoiceId,
      definitionId: 'd',
      definitionVersion: 1,
      status: 'resolved',
      outcome: 'resolved',
      exceptionKind: 'priceVariance',
      openedAt: '2026-11-02T10:00:00.000Z',
      closedAt: '2026-11-03T10:00:00.000Z',
    },
  ],
  invoices: [
    {
      id: invoiceId,
      invoiceNumber: 'A<1>&"2"',
      supplier: 'SUP-1',
      supplierName: 'Nordic & Co',
      poNumber: 'PO-1',
      businessUnit: 'Ops',
      currency: 'EUR',
      grossTotal: '1875.00',
      channel: 'api',
      receivedAt: '2026-11-02T09:59:00.000Z',
      findings: [],
    },
  ],
  tasks: [
    {
      id: `t${n}`,
      caseId: `c${n}`,
      nodeId: 'review',
      queue: 'ap <review>',
      status: 'completed',
      outcome: 'ok',
      createdAt: '2026-11-02T10:00:00.000Z',
      claimedAt: ['2026-11-02T11:00:00.000Z'],
      completedAt: '2026-11-03T10:00:00.000Z',
    },
  ],
  stepVisits: [
    { caseId: `c${n}`, nodeId: 'review', visit: 1, enteredAt: '2026-11-02T10:00:00.000Z', leftAt: '2026-11-03T10:00:00.000Z' },
    { caseId: `c${n}`, nodeId: 'done', visit: 1, enteredAt: '2026-11-03T10:00:00.000Z', leftAt: null },
  ],
});

describe('process-mining event log', () => {
  it('writes each object once across pages, and the events of a shared invoice once', () => {
    const seen = new Set<string>();
    const first = ocelPage(page(1, 'shared'), seen);
    const second = ocelPage(page(2, 'shared'), seen);
    expect(first.objects.map((o) => o.type)).toEqual(['supplier', 'purchaseOrder', 'invoice', 'case', 'task']);
    expect(second.objects.map((o) => o.id)).toEqual(['case:c2', 'task:t2']);
    expect(second.events.filter((e) => e.type === 'invoice received')).toEqual([]);
    expect(first.events.find((e) => e.type === 'task completed')?.relationships).toEqual([
      { objectId: 'task:t1', qualifier: 'task' },
      { objectId: 'case:c1', qualifier: 'of case' },
      { objectId: 'invoice:shared', qualifier: 'about invoice' },
    ]);
  });

  it('orders a case’s XES events by time, then as one transaction happens, and escapes XML', () => {
    const p = page(1);
    const xes = xesTraces(p, ocelPage(p, new Set()));
    const activities = [...xes.matchAll(/<string key="concept:name" value="([^"]*)"\/>\n<date/g)].map((m) => m[1]);
    expect(activities).toEqual([
      'case opened',
      'step entered: review',
      'task created: review',
      'task claimed: review',
      'task completed: review',
      'step left: review',
      'step entered: done',
      'case closed',
    ]);
    expect(xes).toContain('<string key="org:group" value="ap &lt;review&gt;"/>');
    expect(xes).not.toMatch(/value="[^"]*(<|>|&(?!(lt|gt|amp|quot|apos);))/);
  });

  it('lays moves between resting steps on the edges through the steps no case rests in', () => {
    const definition = {
      nodes: [
        { id: 'start', kind: 'start' },
        { id: 'match', kind: 'service' },
        { id: 'ok', kind: 'decision' },
        { id: 'auto', kind: 'end' },
        { id: 'review', kind: 'humanTask' },
      ],
      edges: [
        { id: 'e1', source: 'start', target: 'match' },
        { id: 'e2', source: 'match', target: 'ok' },
        { id: 'e3', source: 'ok', target: 'auto' },
        { id: 'e4', source: 'ok', target: 'review' },
        { id: 'e5', source: 'review', target: 'match' },
      ],
    };
    const counts = edgeFrequencies(definition, [
      { source: null, target: 'match', count: 5 },
      { source: 'match', target: 'review', count: 3 },
      { source: 'match', target: 'auto', count: 2 },
      { source: 'review', target: 'match', count: 1 },
      // nothing leads from auto to review: left out
      { source: 'auto', target: 'review', count: 9 },
    ]);
    expect(Object.fromEntries(counts.map((e) => [e.edgeId, e.count]))).toEqual({ e1: 5, e2: 5, e3: 2, e4: 3, e5: 1 });
  });
});
