import {
  clientsAnswerSchema,
  drillAnswerSchema,
  edgeFrequencies,
  EXECUTIVE_METRICS,
  heatmapSchema,
  metricAnswerSchema,
  METRICS,
  summaryAnswerSchema,
  type Heatmap,
  type BucketUnit,
  type ClientSummaryRow,
  type SummaryRow,
  type InsightFilters,
  type InsightQuery,
  type MetricName,
  type MetricRow,
} from '@exflow/shared';
import type { Request, Response } from 'express';
import type { Principal, Role } from '../../auth/roles.js';
import { forbidden, notFound, unprocessable } from '../../errors.js';
import type { Db } from '../../store/db.js';
import { createDefinitionRepository } from '../../store/definitionRepository.js';
import { createHeatmapRepository } from '../../store/heatmapRepository.js';
import { createInboxRepository } from '../../store/inboxRepository.js';
import { createInsightsRepository } from '../../store/insightsRepository.js';
import { param, queryString } from '../params.js';
import { defineRoutes } from '../route.js';

/** Who reads insights: admins, process owners, auditors, and analysts or approvers who lead a team. Not integrations. */
export const INSIGHT_READERS: readonly Role[] = ['platform_admin', 'tenant_admin', 'process_owner', 'auditor', 'analyst', 'approver'];
const WITHOUT_LEAD: readonly Role[] = ['platform_admin', 'tenant_admin', 'process_owner', 'auditor'];

export async function requireInsightReader(db: Db, principal: Principal): Promise<void> {
  if (principal.roles.some((r) => WITHOUT_LEAD.includes(r))) return;
  if ((await createInboxRepository(db).member(principal.tenantId, principal.userId))?.lead) return;
  throw forbidden('Insights are for leads, tenant admins, process owners and auditors; ask a tenant admin to mark you as lead (PUT /team/:userId/lead)');
}

const DAY = 86_400_000;
const UNITS: BucketUnit[] = ['day', 'week', 'month', 'all'];
const badQuery = (name: string, message: string) => unprocessable('invalid-query', `Query parameter "${name}" ${message}`, [{ path: name, message }]);

function readTime(req: Request, name: string): string | undefined {
  const v = queryString(req, name);
  if (v === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(Date.parse(v)))
    throw badQuery(name, `must be an ISO 8601 date or time such as 2026-11-01 or 2026-11-01T00:00:00Z; got "${v}"`);
  return new Date(v).toISOString();
}

function readInt(req: Request, name: string, min: number, max: number): number | undefined {
  const v = queryString(req, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < min || n > max) throw badQuery(name, `must be an integer from ${min} to ${max}; got "${v}"`);
  return n;
}

/** Period (default: the 30 days up to now), bucket unit (default week), filters and window. */
export function readQuery(req: Request): InsightQuery {
  const now = new Date().toISOString();
  const to = readTime(req, 'to') ?? now;
  const from = readTime(req, 'from') ?? new Date(Date.parse(to) - 30 * DAY).toISOString();
  if (Date.parse(from) >= Date.parse(to)) throw badQuery('from', `must be before "to" (${to})`);
  const groupBy = (queryString(req, 'groupBy') ?? 'week') as BucketUnit;
  if (!UNITS.includes(groupBy)) throw badQuery('groupBy', `must be one of ${UNITS.join(', ')}; got "${groupBy}"`);
  const filters: InsightFilters = {};
  for (const name of ['businessUnit', 'supplier', 'channel', 'exceptionKind'] as const) {
    const v = queryString(req, name);
    if (v !== undefined) filters[name] = v;
  }
  const flow = queryString(req, 'flow');
  if (flow !== undefined) filters.definitionId = flow;
  const version = readInt(req, 'version', 1, 1_000_000);
  if (version !== undefined) {
    if (flow === undefined) throw badQuery('version', 'needs "flow" (a version is of one flow)');
    filters.definitionVersion = version;
  }
  return { from, to, now, groupBy, filters, windowDays: readInt(req, 'windowDays', 1, 3650) };
}

function readMetric(value: string | undefined, name: string): MetricName {
  if (!value || !(METRICS as readonly string[]).includes(value)) throw badQuery(name, `must be one of ${METRICS.join(', ')}; got "${value ?? ''}"`);
  return value as MetricName;
}

/** A cell safe for a spreadsheet: text that a spreadsheet would run as a formula is quoted with a leading '. */
function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let text = Array.isArray(v) ? v.join(' ') : String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(rows: Record<string, unknown>[]): string {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return [columns.join(','), ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(','))].join('\r\n') + '\r\n';
}

const wantsCsv = (req: Request) =>
  queryString(req, 'format') === 'csv' || (req.accepts(['application/json', 'text/csv']) === 'text/csv' && !req.get('accept')?.includes('application/json'));

/** Answers a table as JSON (`{ ...meta, rows }`) or, when asked, as CSV of the rows. */
function sendTable(req: Request, res: Response, name: string, meta: Record<string, unknown>, rows: Record<string, unknown>[]) {
  if (wantsCsv(req)) {
    res.type('text/csv').attachment(`${name}.csv`).send(toCsv(rows));
    return;
  }
  res.json({ ...meta, rows });
}

const withoutIds = ({ caseIds: _c, invoiceIds: _i, ...row }: MetricRow) => row;

/** The headline of a metric over one period: rates summed over their parts, durations as one bucket. */
async function headline(db: Db, tenantId: string, metric: MetricName, q: InsightQuery) {
  const rows = await createInsightsRepository(db).metric(tenantId, metric, { ...q, groupBy: 'all' }, { ids: false });
  const sum = (key: 'numerator' | 'denominator' | 'count' | 'value') => rows.reduce((n, r) => n + (r[key] ?? 0), 0);
  if (metric === 'timeToResolve') return { value: rows[0]?.p50 ?? null, p90: rows[0]?.p90 ?? null, count: rows[0]?.count ?? 0 };
  if (metric === 'approvalAging') {
    const over7 = rows.filter((r) => r.bucket === '8-30d' || r.bucket === '>30d').reduce((n, r) => n + (r.value ?? 0), 0);
    return { value: sum('value'), olderThan7Days: over7 };
  }
  const numerator = sum('numerator');
  const denominator = sum('denominator');
  return { value: denominator ? numerator / denominator : null, numerator, denominator };
}

const UNIT: Partial<Record<MetricName, SummaryRow['unit']>> = { timeToResolve: 'seconds', approvalAging: 'tasks' };

async function summaryRows(db: Db, tenantId: string, q: InsightQuery) {
  const length = Date.parse(q.to) - Date.parse(q.from);
  const previous = { ...q, from: new Date(Date.parse(q.from) - length).toISOString(), to: q.from };
  const rows: SummaryRow[] = [];
  for (const metric of EXECUTIVE_METRICS) {
    const now = await headline(db, tenantId, metric, q);
    // approval aging is a snapshot of what is open now: it has no previous period
    const before = metric === 'approvalAging' ? undefined : await headline(db, tenantId, metric, previous);
    rows.push({ metric, unit: UNIT[metric] ?? 'ratio', ...now, previous: before?.value ?? null });
  }
  return { rows, previous };
}

export const QUERY_DOCS = {
  from: { type: 'string', description: 'Start of the period (ISO 8601, inclusive); default 30 days before "to"' },
  to: { type: 'string', description: 'End of the period (ISO 8601, exclusive); default now' },
  groupBy: { type: 'string', description: 'day, week (default), month, or all (one bucket for the period)' },
  businessUnit: { type: 'string', description: "Only this business unit (the invoice's, else its PO's)" },
  supplier: { type: 'string', description: 'Only this supplier (id, else name)' },
  channel: { type: 'string', description: 'Only invoices of this source channel (api, portal, email, edi, ubl, csv)' },
  exceptionKind: { type: 'string', description: 'Only cases of this exception kind (e.g. priceVariance)' },
  flow: { type: 'string', description: 'Only cases of this flow (definition id)' },
  version: { type: 'integer', minimum: 1, maximum: 1000000, description: 'With flow: only cases on this published version' },
  windowDays: { type: 'integer', minimum: 1, maximum: 3650, description: 'Repeat exceptions: how far back an earlier one counts (default 90)' },
  format: { type: 'string', description: 'csv for a CSV file of the rows (or send Accept: text/csv)' },
} as const;

export const insightsRoutes = defineRoutes([
  {
    method: 'get',
    path: '/insights/summary',
    summary: 'The five executive metrics for the period, each with its value in the period before (KPI tiles)',
    tag: 'insights',
    roles: INSIGHT_READERS,
    query: QUERY_DOCS,
    responses: {
      '200': '{ period, previousPeriod, rows: [{ metric, unit, value, previous, numerator?, denominator? }] }',
      '403': 'An analyst or approver who is not a lead',
      '422': 'A bad query parameter (named in errors[].path)',
    },
    responseSchemas: { '200': summaryAnswerSchema },
    async handler(req, res, ctx) {
      await requireInsightReader(ctx.db, ctx.principal);
      const q = readQuery(req);
      const { rows, previous } = await summaryRows(ctx.db, ctx.principal.tenantId, q);
      sendTable(req, res, 'insights-summary', { period: { from: q.from, to: q.to }, previousPeriod: { from: previous.from, to: previous.to } }, rows);
    },
  },
  {
    method: 'get',
    path: '/insights/metrics/:metric',
    summary:
      'One metric by time bucket and group (exceptionRate, timeToResolve, approvalAging, repeatExceptions, touchlessRate, cycleTimeByKind, stepDwell, slaBreach, backlog, firstTouch, rework, reassignments, valueAtRisk); definitions in docs/insights.md',
    tag: 'insights',
    roles: INSIGHT_READERS,
    query: QUERY_DOCS,
    responses: {
      '200': '{ metric, period, groupBy, rows: [{ bucket, group, value, numerator?, denominator?, count?, p50?, p90? }] }',
      '403': 'An analyst or approver who is not a lead',
      '422': 'An unknown metric or a bad query parameter',
    },
    responseSchemas: { '200': metricAnswerSchema },
    async handler(req, res, ctx) {
      await requireInsightReader(ctx.db, ctx.principal);
      const metric = readMetric(param(req, 'metric'), 'metric');
      const q = readQuery(req);
      // the ids behind each figure are the drill-down's; this answer leaves them out, so it does not collect them
      const rows = await createInsightsRepository(ctx.db).metric(ctx.principal.tenantId, metric, q, { ids: false });
      sendTable(req, res, `insights-${metric}`, { metric, period: { from: q.from, to: q.to }, groupBy: q.groupBy, filters: q.filters }, rows.map(withoutIds));
    },
  },
  {
    method: 'get',
    path: '/insights/cases',
    summary: 'Drill-down: the cases (and, for per-invoice rates, the invoices) behind one figure of a metric',
    tag: 'insights',
    roles: INSIGHT_READERS,
    query: {
      metric: { type: 'string', description: 'The metric (required)' },
      bucket: { type: 'string', description: "The figure's bucket as the metric answered it (omit for all buckets)" },
      group: { type: 'string', description: "The figure's group as the metric answered it (omit for all groups)" },
      ...QUERY_DOCS,
    },
    responses: {
      '200': '{ metric, bucket, group, invoiceIds, rows: [{ id, status, outcome, definitionId, openedAt, closedAt }] }',
      '403': 'An analyst or approver who is not a lead',
      '422': 'A bad query parameter',
    },
    responseSchemas: { '200': drillAnswerSchema },
    async handler(req, res, ctx) {
      await requireInsightReader(ctx.db, ctx.principal);
      const metric = readMetric(queryString(req, 'metric'), 'metric');
      const q = readQuery(req);
      const bucket = queryString(req, 'bucket');
      const group = queryString(req, 'group');
      const figures = (await createInsightsRepository(ctx.db).metric(ctx.principal.tenantId, metric, q)).filter(
        (r) => (bucket === undefined || (r.bucket ?? '') === bucket) && (group === undefined || r.group === group),
      );
      const caseIds = [...new Set(figures.flatMap((r) => r.caseIds))].sort();
      const invoiceIds = [...new Set(figures.flatMap((r) => r.invoiceIds ?? []))].sort();
      const cases = await createInsightsRepository(ctx.db).casesByIds(ctx.principal.tenantId, caseIds);
      sendTable(req, res, `insights-${metric}-cases`, { metric, bucket: bucket ?? null, group: group ?? null, invoiceIds }, cases);
    },
  },
  {
    method: 'get',
    path: '/insights/flows/:definitionId/versions/:version/heatmap',
    summary:
      "The designer's heatmap of a published version: per step, cases, stays, median and p90 dwell, SLA breach share and open cases now; per edge, how often cases took it",
    tag: 'insights',
    roles: INSIGHT_READERS,
    query: { from: QUERY_DOCS.from, to: QUERY_DOCS.to },
    responses: {
      '200': 'The heatmap: { definitionId, version, period, nodes, edges }',
      '403': 'An analyst or approver who is not a lead',
      '404': 'No such published version',
      '422': 'A bad query parameter',
    },
    responseSchemas: { '200': heatmapSchema },
    async handler(req, res, ctx) {
      await requireInsightReader(ctx.db, ctx.principal);
      const q = readQuery(req);
      const definitionId = param(req, 'definitionId');
      const version = Number(param(req, 'version'));
      const stored =
        Number.isInteger(version) && version > 0
          ? await createDefinitionRepository(ctx.db).getVersion(ctx.principal.tenantId, definitionId, version)
          : undefined;
      if (!stored) throw notFound('published version', `${definitionId}@${param(req, 'version')}`);
      const { nodes, transitions } = await createHeatmapRepository(ctx.db).figures(ctx.principal.tenantId, { definitionId, version }, q);
      const byNode = new Map(nodes.map((n) => [n.nodeId, n]));
      const zero = { cases: 0, visits: 0, medianDwellSeconds: null, p90DwellSeconds: null, slaTasks: 0, slaBreachShare: null, openNow: 0 };
      const heatmap: Heatmap = {
        definitionId,
        version,
        period: { from: q.from, to: q.to },
        nodes: stored.definition.nodes.map((n) => byNode.get(n.id) ?? { nodeId: n.id, ...zero }),
        edges: edgeFrequencies(stored.definition, transitions),
      };
      res.json(heatmap);
    },
  },
  {
    method: 'get',
    path: '/insights/clients',
    summary: 'MSPs: the five executive metrics for each client tenant (each computed within that client only)',
    tag: 'insights',
    roles: ['platform_admin'],
    query: QUERY_DOCS,
    responses: { '200': '{ period, rows: [{ tenantId, tenantName, metric, value, previous, ... }] }', '422': 'A bad query parameter' },
    responseSchemas: { '200': clientsAnswerSchema },
    readsTenants: true,
    async handler(req, res, ctx) {
      const q = readQuery(req);
      // the caller's scope shows its own clients only; each client's figures are read in that client's scope
      const msp = ctx.principal.tenantId;
      const clients = await ctx.readAsTenant(msp, (db) => createInsightsRepository(db).clientsOf(msp));
      const rows: ClientSummaryRow[] = [];
      for (const client of clients) {
        const summary = await ctx.readAsTenant(client.id, (db) => summaryRows(db, client.id, q));
        for (const row of summary.rows) rows.push({ tenantId: client.id, tenantName: client.name, ...row });
      }
      sendTable(req, res, 'insights-clients', { period: { from: q.from, to: q.to } }, rows);
    },
  },
]);
