import { Type, type Static } from '@sinclair/typebox';
import { Count, Id, List, Nullable, OneOf, OpenObject, Text, Timestamp } from './wire.js';

const Seconds = (description: string) => Nullable(Type.Number({ minimum: 0, maximum: 1e12, description }));
const Share = (description: string) => Nullable(Type.Number({ minimum: 0, maximum: 1, description }));

/**
 * The heatmap of one published version of a flow over a period (`GET
 * /insights/flows/:definitionId/versions/:version/heatmap`): per step, how many cases came
 * through, how long they stayed, how many of its tasks broke their SLA and how many cases wait
 * there now; per edge of the definition, how often cases took it.
 */
export const heatmapSchema = Type.Object({
  definitionId: Id(),
  version: Count(),
  period: Type.Object({ from: Timestamp(), to: Timestamp() }),
  nodes: List(
    Type.Object({
      nodeId: Id(),
      cases: Count('Cases that entered the step in the period'),
      visits: Count('Stays that began in the period (a case that came back counts again)'),
      medianDwellSeconds: Seconds('Median of left − entered over the stays that ended in the period'),
      p90DwellSeconds: Seconds('90th percentile of the same'),
      slaTasks: Count('Tasks of the step with a due time completed in the period'),
      slaBreachShare: Share('Of those, the share completed after their due time; null without any'),
      openNow: Count('Open cases (or cases in an incident) waiting in the step now'),
    }),
    2000,
  ),
  edges: List(
    Type.Object({
      edgeId: Id(),
      source: Id(),
      target: Id(),
      count: Count('Times cases took the edge on a move that began in the period'),
    }),
    4000,
  ),
});
export type Heatmap = Static<typeof heatmapSchema>;

const Figure = (description: string) => Type.Number({ minimum: -1e15, maximum: 1e15, description });
const periodSchema = Type.Object({ from: Timestamp(), to: Timestamp() });

/** One figure of a metric on the wire: its bucket and group, value, and what it was computed from. */
export const metricFigureSchema = Type.Object({
  bucket: Nullable(Text(40, 'The time bucket; null for an as-of-now figure')),
  group: Text(500, '`all` when the metric has no groups'),
  value: Nullable(Figure('The figure (a share, seconds, a count or an amount; see docs/insights.md)')),
  numerator: Type.Optional(Figure('What a rate counted')),
  denominator: Type.Optional(Figure('What a rate counted among')),
  count: Type.Optional(Figure('How many cases or tasks a duration or an age is over')),
  p50: Type.Optional(Nullable(Seconds('Median'))),
  p90: Type.Optional(Nullable(Seconds('90th percentile'))),
});
export type MetricFigure = Static<typeof metricFigureSchema>;

/** `GET /insights/metrics/:metric` (as JSON). */
export const metricAnswerSchema = Type.Object({
  metric: Id(),
  period: periodSchema,
  groupBy: Id(),
  filters: OpenObject('The filters applied'),
  rows: List(metricFigureSchema, 100_000),
});
export type MetricAnswer = Static<typeof metricAnswerSchema>;

/** One KPI tile of `GET /insights/summary`: the metric in the period and in the period before. */
export const summaryRowSchema = Type.Object({
  metric: Id(),
  unit: OneOf(['ratio', 'seconds', 'tasks'] as const),
  value: Nullable(Figure('In the period')),
  previous: Nullable(Figure('In the period before (null for a snapshot metric)')),
  numerator: Type.Optional(Figure('What a rate counted')),
  denominator: Type.Optional(Figure('What a rate counted among')),
  count: Type.Optional(Figure('Cases a duration is over')),
  p90: Type.Optional(Nullable(Seconds('90th percentile'))),
  olderThan7Days: Type.Optional(Figure('Approvals waiting more than 7 days')),
});
export type SummaryRow = Static<typeof summaryRowSchema>;

/** `GET /insights/summary` (as JSON). */
export const summaryAnswerSchema = Type.Object({ period: periodSchema, previousPeriod: periodSchema, rows: List(summaryRowSchema, 20) });
export type SummaryAnswer = Static<typeof summaryAnswerSchema>;

/** One KPI tile of one client tenant (`GET /insights/clients`). */
export const clientSummaryRowSchema = Type.Composite([Type.Object({ tenantId: Id(), tenantName: Text(200) }), summaryRowSchema]);
export type ClientSummaryRow = Static<typeof clientSummaryRowSchema>;

/** `GET /insights/clients` (as JSON): an MSP's executive metrics, each client's computed within that client. */
export const clientsAnswerSchema = Type.Object({ period: periodSchema, rows: List(clientSummaryRowSchema, 100_000) });

/** A case behind a figure (`GET /insights/cases`). */
export const drillCaseSchema = Type.Object({
  id: Id(),
  status: Id(),
  outcome: Nullable(Id()),
  definitionId: Id(),
  invoiceId: Nullable(Id()),
  openedAt: Timestamp(),
  closedAt: Nullable(Timestamp()),
});
export type DrillCase = Static<typeof drillCaseSchema>;

/** `GET /insights/cases` (as JSON): the cases, and for per-invoice rates the invoices, behind a figure. */
export const drillAnswerSchema = Type.Object({
  metric: Id(),
  bucket: Nullable(Text(40)),
  group: Nullable(Text(500)),
  invoiceIds: List(Id(), 100_000),
  rows: List(drillCaseSchema, 100_000),
});
export type DrillAnswer = Static<typeof drillAnswerSchema>;
