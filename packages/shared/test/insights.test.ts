import { describe, expect, it } from 'vitest';
import {
  ageBucket,
  bucketOf,
  caseExceptionKind,
  computeMetric,
  leadFindingKind,
  percentile,
  type CaseFact,
  type InsightData,
  type InsightQuery,
  type TaskFact,
} from '../src/index.js';

const day = (d: number, h = 0) => new Date(Date.UTC(2026, 10, d, h)).toISOString();
const kase = (id: string, over: Partial<CaseFact>): CaseFact => ({
  id,
  invoiceId: `inv-${id}`,
  definitionId: 'pv',
  definitionVersion: 1,
  status: 'open',
  outcome: null,
  openedAt: day(2),
  closedAt: null,
  channel: 'api',
  supplier: 'SUP-1',
  businessUnit: 'Ops',
  exceptionKind: 'priceVariance',
  valueAtRisk: 100,
  ...over,
});
const task = (id: string, caseId: string, over: Partial<TaskFact> = {}): TaskFact => ({
  id,
  caseId,
  nodeId: 'review',
  queue: 'controller',
  candidateRoles: ['approver'],
  businessUnit: 'Ops',
  status: 'completed',
  createdAt: day(2),
  dueAt: null,
  completedAt: day(3),
  ...over,
});

// a: api, resolved after 1 day by one task; b: email, resolved after 3 days by two tasks (one loop);
// c: api, open approval for 10 days; d: clean, touchless; e: a repeat of a (same supplier, kind)
const data: InsightData = {
  invoices: [
    { id: 'inv-a', channel: 'api', receivedAt: day(2), supplier: 'SUP-1', businessUnit: 'Ops' },
    { id: 'inv-b', channel: 'email', receivedAt: day(2), supplier: 'SUP-2', businessUnit: 'Ops' },
    { id: 'inv-c', channel: 'api', receivedAt: day(5), supplier: 'SUP-3', businessUnit: 'Sales' },
    { id: 'inv-d', channel: 'api', receivedAt: day(5), supplier: 'SUP-3', businessUnit: 'Sales' },
    { id: 'inv-e', channel: 'api', receivedAt: day(12), supplier: 'SUP-1', businessUnit: 'Ops' },
  ],
  cases: [
    kase('a', { status: 'resolved', outcome: 'resolved', closedAt: day(3) }),
    kase('b', { channel: 'email', supplier: 'SUP-2', status: 'resolved', outcome: 'resolved', closedAt: day(5), exceptionKind: 'missingPo', valueAtRisk: 50 }),
    kase('c', { openedAt: day(5), supplier: 'SUP-3', businessUnit: 'Sales', exceptionKind: 'priceVariance', valueAtRisk: 30 }),
    kase('d', {
      openedAt: day(5),
      supplier: 'SUP-3',
      businessUnit: 'Sales',
      status: 'resolved',
      outcome: 'resolved',
      closedAt: day(5),
      exceptionKind: null,
      valueAtRisk: null,
    }),
    kase('e', { openedAt: day(12), status: 'resolved', outcome: 'resolved', closedAt: day(12, 6) }),
  ],
  tasks: [
    task('ta', 'a'),
    task('tb1', 'b', { completedAt: day(3) }),
    task('tb2', 'b', { createdAt: day(3), completedAt: day(5), dueAt: day(4) }),
    task('tc', 'c', { status: 'open', createdAt: day(5), completedAt: null, businessUnit: 'Sales' }),
    task('te', 'e', { createdAt: day(12), completedAt: day(12, 6), dueAt: day(13) }),
  ],
  stepVisits: [
    { caseId: 'b', nodeId: 'review', enteredAt: day(2), leftAt: day(3), visit: 1 },
    { caseId: 'b', nodeId: 'fix', enteredAt: day(3), leftAt: day(3), visit: 1 },
    { caseId: 'b', nodeId: 'review', enteredAt: day(3), leftAt: day(5), visit: 2 },
  ],
  reassignments: [{ caseId: 'c', taskId: 'tc', at: day(6) }],
};
const q: InsightQuery = { from: day(1), to: day(31), now: day(15), groupBy: 'month' };
const only = (metric: Parameters<typeof computeMetric>[0], query = q) => computeMetric(metric, data, query);

describe('metric definitions', () => {
  it('buckets, percentiles and ages like PostgreSQL', () => {
    expect(bucketOf('2026-11-26T15:00:00Z', 'week')).toBe('2026-11-23');
    expect(bucketOf('2026-11-23T00:00:00Z', 'week')).toBe('2026-11-23');
    expect(bucketOf('2026-11-22T23:59:59Z', 'week')).toBe('2026-11-16');
    expect(bucketOf('2026-11-26T15:00:00Z', 'month')).toBe('2026-11-01');
    expect(percentile([10, 20, 30, 40], 0.9)).toBeCloseTo(37);
    expect(percentile([5], 0.5)).toBe(5);
    expect(percentile([], 0.5)).toBeNull();
    expect([0, 2.9, 3, 7.9, 8, 30.5, 31].map((d) => ageBucket(d * 86_400))).toEqual(['0-2d', '0-2d', '3-7d', '3-7d', '8-30d', '8-30d', '>30d']);
    expect(caseExceptionKind({ taskKinds: [null, 'priceVariance'], findingKind: 'missingPo', humanTasks: 2 })).toBe('priceVariance');
    expect(caseExceptionKind({ taskKinds: [], findingKind: null, humanTasks: 1 })).toBe('unclassified');
    expect(caseExceptionKind({ taskKinds: [], findingKind: null, humanTasks: 0 })).toBeNull();
    // triage's stored findings come first: they hold for the whole case, a task only for its step
    expect(caseExceptionKind({ invoiceKind: 'duplicateInvoice', taskKinds: ['priceVariance'], findingKind: 'missingPo', humanTasks: 1 })).toBe(
      'duplicateInvoice',
    );
  });

  it('leads with the finding triage stored that puts the most money at risk', () => {
    expect(
      leadFindingKind([
        { kind: 'taxLineMismatch', valueAtRisk: '5' },
        { kind: 'priceVariance', valueAtRisk: '60' },
      ]),
    ).toBe('priceVariance');
    // same money: the more severe, then the riskier kind, then the first
    expect(
      leadFindingKind([
        { kind: 'priceVariance', valueAtRisk: '60', severity: 'warning' },
        { kind: 'quantityVariance', valueAtRisk: '60.00', severity: 'high' },
      ]),
    ).toBe('quantityVariance');
    expect(
      leadFindingKind([
        { kind: 'arithmeticError', valueAtRisk: '0' },
        { kind: 'missingPo', valueAtRisk: '0' },
      ]),
    ).toBe('missingPo');
    expect(leadFindingKind([{ kind: 'custom', valueAtRisk: 'n/a' }, { kind: 'other' }])).toBe('custom');
    expect(leadFindingKind([])).toBeNull();
    expect(leadFindingKind('not an array')).toBeNull();
    expect(leadFindingKind([null, { kind: 3 }])).toBeNull();
  });

  it('exception rate by source: invoices with an exception case ÷ invoices, per channel', () => {
    expect(only('exceptionRate').map((r) => [r.group, r.numerator, r.denominator, r.caseIds])).toEqual([
      ['api', 3, 4, ['a', 'c', 'e']],
      ['email', 1, 1, ['b']],
    ]);
    // the case filters narrow the numerator only
    expect(only('exceptionRate', { ...q, filters: { exceptionKind: 'missingPo' } }).map((r) => [r.group, r.numerator, r.denominator])).toEqual([
      ['api', 0, 4],
      ['email', 1, 1],
    ]);
  });

  it('time to resolve: median and p90 of closed − opened over closed exception cases', () => {
    const [row] = only('timeToResolve');
    // a: 1 d, b: 3 d, e: 6 h
    expect(row).toMatchObject({ group: 'all', count: 3, p50: 86_400, caseIds: ['a', 'b', 'e'] });
    expect(row.p90).toBeCloseTo(86_400 + 0.8 * 2 * 86_400);
    expect(only('cycleTimeByKind').map((r) => [r.group, r.p50])).toEqual([
      ['missingPo', 3 * 86_400],
      ['priceVariance', (86_400 + 6 * 3600) / 2],
    ]);
  });

  it('approval aging: open approver tasks by role and business unit, in age buckets', () => {
    expect(only('approvalAging').map((r) => [r.bucket, r.group, r.value, r.caseIds])).toEqual([['8-30d', 'controller / Sales', 1, ['c']]]);
  });

  it('repeat exceptions: same supplier and kind within the window before', () => {
    expect(only('repeatExceptions').map((r) => [r.numerator, r.denominator, r.caseIds])).toEqual([[1, 4, ['e']]]);
    expect(only('repeatExceptions', { ...q, windowDays: 5 }).map((r) => r.numerator)).toEqual([0]);
  });

  it('touchless: invoices with no case that asked a person ÷ invoices', () => {
    expect(only('touchlessRate').map((r) => [r.numerator, r.denominator, r.invoiceIds])).toEqual([[1, 5, ['inv-d']]]);
  });

  it('the operational figures', () => {
    expect(only('slaBreach').map((r) => [r.group, r.numerator, r.denominator])).toEqual([['controller', 1, 2]]);
    expect(only('backlog').map((r) => [r.bucket, r.value])).toEqual([['8-30d', 1]]);
    expect(only('firstTouch').map((r) => [r.numerator, r.denominator, r.caseIds])).toEqual([[2, 3, ['a', 'e']]]);
    expect(only('rework').map((r) => [r.numerator, r.denominator, r.count])).toEqual([[1, 4, 1]]);
    expect(only('reassignments').map((r) => [r.value, r.caseIds])).toEqual([[1, ['c']]]);
    expect(only('valueAtRisk').map((r) => [r.bucket, r.group, r.value])).toEqual([
      [null, 'open', 30],
      ['2026-11-01', 'recovered', 250],
    ]);
    expect(only('stepDwell').map((r) => [r.group, r.count, r.p50])).toEqual([
      ['fix', 1, 0],
      ['review', 2, 1.5 * 86_400],
    ]);
  });
});
