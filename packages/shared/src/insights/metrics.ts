import {
  ageBucket,
  bucketOf,
  isException,
  percentile,
  seconds,
  type BucketUnit,
  type CaseFact,
  type InsightData,
  type InvoiceFact,
  type StepVisitFact,
  type TaskFact,
} from './facts.js';

/** What a metric is asked for. Every instant is ISO 8601; the period is `[from, to)`. */
export interface InsightQuery {
  from: string;
  to: string;
  /** The instant ages are measured at (open cases and tasks). */
  now: string;
  groupBy: BucketUnit;
  /** Only rows whose facts match every filter given. */
  filters?: InsightFilters;
  /** Repeat exceptions: how far back an earlier exception counts (default 90 days). */
  windowDays?: number;
}

export interface InsightFilters {
  businessUnit?: string;
  supplier?: string;
  channel?: string;
  /** Case-level filters (ignored by the per-invoice rates' denominators, see docs/insights.md). */
  exceptionKind?: string;
  definitionId?: string;
  definitionVersion?: number;
}

/**
 * One figure: the time bucket (`null` for "as of now" figures), the group within it
 * (`all` when the metric has none), the value, and what it was computed from. `caseIds` are the
 * cases behind the figure (its numerator, or every case counted for a duration or a sum);
 * `invoiceIds` the invoices behind a per-invoice rate's numerator.
 */
export interface MetricRow {
  bucket: string | null;
  group: string;
  value: number | null;
  numerator?: number;
  denominator?: number;
  count?: number;
  p50?: number | null;
  p90?: number | null;
  caseIds: string[];
  invoiceIds?: string[];
}

export const METRICS = [
  'exceptionRate',
  'timeToResolve',
  'approvalAging',
  'repeatExceptions',
  'touchlessRate',
  'cycleTimeByKind',
  'stepDwell',
  'slaBreach',
  'backlog',
  'firstTouch',
  'rework',
  'reassignments',
  'valueAtRisk',
] as const;
export type MetricName = (typeof METRICS)[number];

/** The five executive metrics, in the order the Insights page shows them. */
export const EXECUTIVE_METRICS: readonly MetricName[] = ['exceptionRate', 'timeToResolve', 'approvalAging', 'repeatExceptions', 'touchlessRate'];

const inPeriod = (at: string | null, q: InsightQuery) => at !== null && Date.parse(at) >= Date.parse(q.from) && Date.parse(at) < Date.parse(q.to);

const invoiceMatches = (i: InvoiceFact, f: InsightFilters = {}) =>
  (f.businessUnit === undefined || i.businessUnit === f.businessUnit) &&
  (f.supplier === undefined || i.supplier === f.supplier) &&
  (f.channel === undefined || i.channel === f.channel);

const caseMatches = (c: CaseFact, f: InsightFilters = {}) =>
  (f.businessUnit === undefined || c.businessUnit === f.businessUnit) &&
  (f.supplier === undefined || c.supplier === f.supplier) &&
  (f.channel === undefined || c.channel === f.channel) &&
  (f.exceptionKind === undefined || c.exceptionKind === f.exceptionKind) &&
  (f.definitionId === undefined || c.definitionId === f.definitionId) &&
  (f.definitionVersion === undefined || c.definitionVersion === f.definitionVersion);

/** Groups items by key, keeping the keys' first-seen order. */
function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    out.set(k, [...(out.get(k) ?? []), item]);
  }
  return out;
}

const splitKey = (k: string): [string | null, string] => {
  const [bucket, group] = JSON.parse(k) as [string | null, string];
  return [bucket, group];
};

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Rows in bucket order (an "as of now" bucket first), then group, comparing UTF-16 code units
 * (so age buckets read 0-2d, 3-7d, 8-30d, >30d, and no locale decides the order).
 */
export const sortRows = (rows: MetricRow[]): MetricRow[] =>
  rows.sort(
    (a, b) => (a.bucket === null ? -1 : 0) - (b.bucket === null ? -1 : 0) || byCodeUnits(a.bucket ?? '', b.bucket ?? '') || byCodeUnits(a.group, b.group),
  );

const ratio = (n: number, d: number) => (d === 0 ? null : n / d);

/**
 * A rate over invoices received in the period, by bucket of `receivedAt` (and group).
 * `hit` says whether an invoice is in the numerator and which cases are behind it.
 */
function invoiceRate(
  data: InsightData,
  q: InsightQuery,
  group: (i: InvoiceFact) => string,
  hit: (i: InvoiceFact, cases: CaseFact[]) => CaseFact[] | null,
): MetricRow[] {
  const casesByInvoice = groupBy(
    data.cases.filter((c) => c.invoiceId !== null),
    (c) => c.invoiceId!,
  );
  const invoices = data.invoices.filter((i) => inPeriod(i.receivedAt, q) && invoiceMatches(i, q.filters));
  const rows: MetricRow[] = [];
  for (const [key, members] of groupBy(invoices, (i) => JSON.stringify([bucketOf(i.receivedAt, q.groupBy), group(i)]))) {
    const [bucket, g] = splitKey(key);
    const hits = members.map((i) => ({ i, cases: hit(i, casesByInvoice.get(i.id) ?? []) })).filter((h) => h.cases !== null);
    rows.push({
      bucket,
      group: g,
      value: ratio(hits.length, members.length),
      numerator: hits.length,
      denominator: members.length,
      caseIds: hits.flatMap((h) => h.cases!.map((c) => c.id)).sort(),
      invoiceIds: hits.map((h) => h.i.id).sort(),
    });
  }
  return sortRows(rows);
}

/** p50/p90 of a duration (seconds) over cases, by bucket and group. */
function durations<T>(
  items: T[],
  bucket: (t: T) => string | null,
  group: (t: T) => string,
  secondsOf: (t: T) => number,
  caseId: (t: T) => string,
): MetricRow[] {
  const rows: MetricRow[] = [];
  for (const [key, members] of groupBy(items, (t) => JSON.stringify([bucket(t), group(t)]))) {
    const [b, g] = splitKey(key);
    const values = members.map(secondsOf);
    const p50 = percentile(values, 0.5);
    rows.push({ bucket: b, group: g, value: p50, p50, p90: percentile(values, 0.9), count: members.length, caseIds: [...new Set(members.map(caseId))].sort() });
  }
  return sortRows(rows);
}

/** A share of cases (numerator ⊆ denominator), by bucket and group. */
function caseShare(cases: CaseFact[], bucket: (c: CaseFact) => string | null, group: (c: CaseFact) => string, hit: (c: CaseFact) => boolean): MetricRow[] {
  const rows: MetricRow[] = [];
  for (const [key, members] of groupBy(cases, (c) => JSON.stringify([bucket(c), group(c)]))) {
    const [b, g] = splitKey(key);
    const hits = members.filter(hit);
    rows.push({
      bucket: b,
      group: g,
      value: ratio(hits.length, members.length),
      numerator: hits.length,
      denominator: members.length,
      caseIds: hits.map((c) => c.id).sort(),
    });
  }
  return sortRows(rows);
}

/**
 * How many times each case came back to a step: per step, the larger of (stays − 1) and
 * (tasks opened there − 1), summed over the case's steps. Tasks catch a loop that returns to
 * a human step within one transition, which the step's stays do not show.
 */
export function returnsByCase(visits: readonly StepVisitFact[], tasks: readonly TaskFact[]): Map<string, number> {
  const perStep = new Map<string, { stays: number; tasks: number }>();
  const at = (caseId: string, nodeId: string) => {
    const key = JSON.stringify([caseId, nodeId]);
    if (!perStep.has(key)) perStep.set(key, { stays: 0, tasks: 0 });
    return perStep.get(key)!;
  };
  for (const v of visits) at(v.caseId, v.nodeId).stays++;
  for (const t of tasks) at(t.caseId, t.nodeId).tasks++;
  const out = new Map<string, number>();
  for (const [key, n] of perStep) {
    const [caseId] = JSON.parse(key) as [string];
    const back = Math.max(n.stays - 1, n.tasks - 1, 0);
    if (back) out.set(caseId, (out.get(caseId) ?? 0) + back);
  }
  return out;
}

/**
 * Computes one metric over fact rows. The definitions (docs/insights.md, DOMAIN.md):
 *
 * - **exceptionRate**: per channel, invoices received in the period that have at least one
 *   exception case ({@link isException}) ÷ invoices received in the period; clock: received-at.
 * - **timeToResolve**: over exception cases closed in the period (any end but open), closed-at −
 *   opened-at in seconds: median (`value`, `p50`) and p90; clock: closed-at.
 * - **approvalAging**: open approval tasks (human tasks whose candidate roles include
 *   `approver`) as of `now`, grouped by role (the task's queue: controller, treasury, …) and
 *   business unit (`role / unit`), bucketed by age (0–2 d, 3–7 d, 8–30 d, > 30 d); `value` is
 *   the count, `p90` unused; the period does not apply.
 * - **repeatExceptions**: exception cases opened in the period whose supplier and exception kind
 *   had another exception case opened in the `windowDays` (90) before it ÷ exception cases opened
 *   in the period; clock: opened-at.
 * - **touchlessRate**: invoices received in the period with no case that opened a human task
 *   (no case at all, or only cases that never asked a person) ÷ invoices received in the period.
 * - **cycleTimeByKind**: timeToResolve grouped by exception kind.
 * - **stepDwell**: over step visits that ended in the period, left − entered in seconds, p50/p90
 *   per step (`definitionId/nodeId`… grouped by node id); clock: left-at.
 * - **slaBreach**: tasks with a due time completed in the period, completed after it ÷ tasks
 *   with a due time completed in the period, per queue; clock: completed-at.
 * - **backlog**: open exception cases as of `now` by age bucket (now − opened-at); `value` is
 *   the count; the period does not apply.
 * - **firstTouch**: resolved exception cases closed in the period whose one and only human task
 *   closed them ÷ resolved exception cases closed in the period that had a human task.
 * - **rework**: exception cases opened in the period that came back to a step
 *   ({@link returnsByCase}) ÷ exception cases opened in the period; `count` is the returns.
 * - **reassignments**: reassignments of tasks of matching cases in the period; `value` is the
 *   count, `numerator` the number of cases; clock: when it happened.
 * - **valueAtRisk**: group `open`: value at risk of open exception cases as of now (bucket
 *   `null`); group `recovered`: of exception cases closed resolved or rejected in the period
 *   (the exposure was settled), by bucket of closed-at; cancelled cases count in neither.
 * @example computeMetric('touchlessRate', data, { from: '2026-11-01', to: '2026-12-01', now: '2026-12-01', groupBy: 'month' })
 */
export function computeMetric(metric: MetricName, data: InsightData, q: InsightQuery): MetricRow[] {
  const f = q.filters ?? {};
  const cases = data.cases.filter((c) => caseMatches(c, f));
  const exceptions = cases.filter(isException);
  const caseIds = new Set(cases.map((c) => c.id));
  const tasks = data.tasks.filter((t) => caseIds.has(t.caseId));
  const byId = new Map(cases.map((c) => [c.id, c]));
  switch (metric) {
    case 'exceptionRate': {
      const caseFilter = (c: CaseFact) =>
        caseMatches(c, { exceptionKind: f.exceptionKind, definitionId: f.definitionId, definitionVersion: f.definitionVersion });
      return invoiceRate(
        data,
        q,
        (i) => i.channel,
        (_i, cs) => {
          const hits = cs.filter((c) => isException(c) && caseFilter(c));
          return hits.length ? hits : null;
        },
      );
    }
    case 'touchlessRate': {
      const asked = new Set(data.tasks.map((t) => t.caseId));
      return invoiceRate(
        data,
        q,
        () => 'all',
        (_i, cs) => (cs.some((c) => asked.has(c.id)) ? null : cs),
      );
    }
    case 'timeToResolve':
    case 'cycleTimeByKind': {
      const closed = exceptions.filter((c) => c.status !== 'open' && inPeriod(c.closedAt, q));
      return durations(
        closed,
        (c) => bucketOf(c.closedAt!, q.groupBy),
        (c) => (metric === 'timeToResolve' ? 'all' : c.exceptionKind!),
        (c) => seconds(c.openedAt, c.closedAt!),
        (c) => c.id,
      );
    }
    case 'approvalAging': {
      const open = tasks.filter((t) => t.status === 'open' && t.candidateRoles.includes('approver') && byId.has(t.caseId));
      const rows: MetricRow[] = [];
      for (const [key, members] of groupBy(open, (t) =>
        JSON.stringify([ageBucket(seconds(t.createdAt, q.now)), `${t.queue} / ${t.businessUnit ?? '(none)'}`]),
      )) {
        const [b, g] = splitKey(key);
        rows.push({ bucket: b, group: g, value: members.length, count: members.length, caseIds: [...new Set(members.map((t) => t.caseId))].sort() });
      }
      return sortRows(rows);
    }
    case 'repeatExceptions': {
      const window = (q.windowDays ?? 90) * 86_400_000;
      const all = data.cases.filter(isException);
      const opened = exceptions.filter((c) => inPeriod(c.openedAt, q));
      return caseShare(
        opened,
        (c) => bucketOf(c.openedAt, q.groupBy),
        () => 'all',
        (c) =>
          c.supplier !== null &&
          all.some(
            (e) =>
              e.id !== c.id &&
              e.supplier === c.supplier &&
              e.exceptionKind === c.exceptionKind &&
              Date.parse(e.openedAt) < Date.parse(c.openedAt) &&
              Date.parse(e.openedAt) >= Date.parse(c.openedAt) - window,
          ),
      );
    }
    case 'stepDwell': {
      const visits = data.stepVisits.filter((v) => v.leftAt !== null && inPeriod(v.leftAt, q) && caseIds.has(v.caseId));
      return durations(
        visits,
        (v) => bucketOf(v.leftAt!, q.groupBy),
        (v) => v.nodeId,
        (v) => seconds(v.enteredAt, v.leftAt!),
        (v) => v.caseId,
      );
    }
    case 'slaBreach': {
      const done = tasks.filter((t) => t.status === 'completed' && t.dueAt !== null && inPeriod(t.completedAt, q));
      const rows: MetricRow[] = [];
      for (const [key, members] of groupBy(done, (t) => JSON.stringify([bucketOf(t.completedAt!, q.groupBy), t.queue]))) {
        const [b, g] = splitKey(key);
        const late = members.filter((t) => Date.parse(t.completedAt!) > Date.parse(t.dueAt!));
        rows.push({
          bucket: b,
          group: g,
          value: ratio(late.length, members.length),
          numerator: late.length,
          denominator: members.length,
          caseIds: [...new Set(late.map((t) => t.caseId))].sort(),
        });
      }
      return sortRows(rows);
    }
    case 'backlog': {
      const open = exceptions.filter((c) => c.status === 'open');
      const rows: MetricRow[] = [];
      for (const [b, members] of groupBy(open, (c) => ageBucket(seconds(c.openedAt, q.now)))) {
        rows.push({ bucket: b, group: 'all', value: members.length, count: members.length, caseIds: members.map((c) => c.id).sort() });
      }
      return sortRows(rows);
    }
    case 'firstTouch': {
      const tasksOf = groupBy(tasks, (t) => t.caseId);
      const resolved = exceptions.filter(
        (c) => c.status === 'resolved' && inPeriod(c.closedAt, q) && (tasksOf.get(c.id) ?? []).some((t) => t.status === 'completed'),
      );
      return caseShare(
        resolved,
        (c) => bucketOf(c.closedAt!, q.groupBy),
        () => 'all',
        (c) => tasksOf.get(c.id)!.length === 1,
      );
    }
    case 'rework': {
      const returns = returnsByCase(data.stepVisits, data.tasks);
      const opened = exceptions.filter((c) => inPeriod(c.openedAt, q));
      return caseShare(
        opened,
        (c) => bucketOf(c.openedAt, q.groupBy),
        () => 'all',
        (c) => (returns.get(c.id) ?? 0) > 0,
      ).map((row) => ({
        ...row,
        count: row.caseIds.reduce((n, id) => n + returns.get(id)!, 0),
      }));
    }
    case 'reassignments': {
      const moves = data.reassignments.filter((r) => inPeriod(r.at, q) && caseIds.has(r.caseId));
      const rows: MetricRow[] = [];
      for (const [b, members] of groupBy(moves, (r) => bucketOf(r.at, q.groupBy))) {
        const ids = [...new Set(members.map((r) => r.caseId))].sort();
        rows.push({ bucket: b, group: 'all', value: members.length, count: members.length, numerator: ids.length, caseIds: ids });
      }
      return sortRows(rows);
    }
    case 'valueAtRisk': {
      const sum = (cs: CaseFact[]) => cs.reduce((n, c) => n + (c.valueAtRisk ?? 0), 0);
      const open = exceptions.filter((c) => c.status === 'open');
      const rows: MetricRow[] = open.length
        ? [{ bucket: null, group: 'open', value: sum(open), count: open.length, caseIds: open.map((c) => c.id).sort() }]
        : [];
      const settled = exceptions.filter((c) => (c.status === 'resolved' || c.status === 'rejected') && inPeriod(c.closedAt, q));
      for (const [b, members] of groupBy(settled, (c) => bucketOf(c.closedAt!, q.groupBy))) {
        rows.push({ bucket: b, group: 'recovered', value: sum(members), count: members.length, caseIds: members.map((c) => c.id).sort() });
      }
      return sortRows(rows);
    }
  }
}
