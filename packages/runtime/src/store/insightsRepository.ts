import {
  caseExceptionKind,
  leadFindingKind,
  sortMetricRows,
  type InsightData,
  type InsightFilters,
  type InsightQuery,
  type MetricName,
  type MetricRow,
} from '@exflow/shared';
import type { Db } from './db.js';
import { createInsightRollup } from './insightRollup.js';
import { CASE_EXCEPTION_KIND, CASE_VALUE_AT_RISK, LEAD_FINDING_KIND, Sql } from './insightsSql.js';
import { ROLLED_UP_METRICS, rolledUpMetricSql } from './rolledUpMetrics.js';

/**
 * The SQL twins of shared's metric definitions (`computeMetric`, docs/insights.md): the same
 * figures computed in the database, on PostgreSQL and PGlite alike. Every query reads one
 * tenant's rows only. `factsOf` reads the fact rows the pure definitions take, so a test can
 * check that both give the same answer.
 */

/**
 * The CTEs av … sv: the step stays of a tenant's cases (optionally only some, `caseFilter` being
 * an `AND a.case_id …` clause), from the audit rows the engine writes with each transition
 * (`version`, `activeNodes`): a step is entered at the first version it is active and left at
 * the next version it is not; returning later is a new stay (`entered_v`, `left_v`: those case
 * versions, so a stay that ends where another begins is a move between them). One binding: the tenant id.
 */
export const stepStays = (caseFilter = '') => `av AS (
         SELECT DISTINCT ON (a.case_id, (a.data->>'version')::int) a.case_id, (a.data->>'version')::int AS v, a.created_at AS at, a.data->'activeNodes' AS nodes
         FROM audit a
         WHERE a.tenant_id = ? ${caseFilter} AND a.entity = 'case' AND a.case_id IS NOT NULL AND a.data->>'version' IS NOT NULL AND jsonb_typeof(a.data->'activeNodes') = 'array'
         ORDER BY a.case_id, (a.data->>'version')::int, a.seq),
       avn AS (
         SELECT av.case_id, av.v, av.at, lead(av.at) OVER (PARTITION BY av.case_id ORDER BY av.v) AS next_at,
           lead(av.v) OVER (PARTITION BY av.case_id ORDER BY av.v) AS next_v, av.nodes FROM av),
       avs AS (
         SELECT avn.case_id, n.node, avn.v, avn.at, avn.next_at, avn.next_v,
           avn.v - row_number() OVER (PARTITION BY avn.case_id, n.node ORDER BY avn.v) AS island
         FROM avn CROSS JOIN LATERAL jsonb_array_elements_text(avn.nodes) AS n(node)),
       sv AS (
         SELECT case_id, node AS node_id, min(at) AS entered_at, (array_agg(next_at ORDER BY v DESC))[1] AS left_at,
           min(v) AS entered_v, (array_agg(next_v ORDER BY v DESC))[1] AS left_v,
           row_number() OVER (PARTITION BY case_id, node ORDER BY min(v))::int AS visit
         FROM avs GROUP BY case_id, node, island)`;

/** The fact CTEs: inv (invoices, with the leading kind of triage's findings), tk (tasks per case), cf (cases), tf (tasks), sv (step stays), ra (reassignments). */
export function facts(sql: Sql, tenantId: string, now: string): Sql {
  return sql.add(
    `WITH inv AS (
         SELECT i.id, i.channel, i.received_at, coalesce(i.supplier_id, i.supplier_name) AS supplier,
           coalesce(i.body->>'businessUnit', po.business_unit) AS business_unit, ${LEAD_FINDING_KIND('i.findings')} AS finding_kind
         FROM invoices i LEFT JOIN purchase_orders po ON po.tenant_id = i.tenant_id AND po.po_number = i.po_number
         WHERE i.tenant_id = ?),
       tk AS (
         SELECT case_id, count(*)::int AS n, max(value_at_risk) AS var,
           (array_agg(exception_kind ORDER BY created_at, id) FILTER (WHERE exception_kind IS NOT NULL))[1] AS kind
         FROM tasks WHERE tenant_id = ? GROUP BY case_id),
       cf AS (
         SELECT c.id, c.invoice_id, c.definition_id, c.definition_version, c.status, c.outcome, c.opened_at, c.closed_at,
           inv.channel, inv.supplier, inv.business_unit, coalesce(tk.n, 0) AS human_tasks,
           ${CASE_EXCEPTION_KIND('inv.finding_kind', 'c', 'tk.kind', 'tk.n')} AS exception_kind,
           ${CASE_VALUE_AT_RISK('c', 'tk.var')} AS value_at_risk
         FROM cases c LEFT JOIN inv ON inv.id = c.invoice_id LEFT JOIN tk ON tk.case_id = c.id
         WHERE c.tenant_id = ?),
       ex AS (SELECT * FROM cf WHERE exception_kind IS NOT NULL AND outcome IS DISTINCT FROM 'touchless'),
       tf AS (
         SELECT t.id, t.case_id, t.node_id, t.queue, t.candidate_roles, t.business_unit, t.status, t.created_at, t.due_at, t.completed_at
         FROM tasks t WHERE t.tenant_id = ?),
       ${stepStays()},
       ra AS (
         SELECT a.case_id, a.entity_id AS task_id, a.created_at AS at FROM audit a
         WHERE a.tenant_id = ? AND a.action = 'task.reassigned' AND a.case_id IS NOT NULL),
       clock AS (SELECT ?::timestamptz AS now)`,
    tenantId,
    tenantId,
    tenantId,
    tenantId,
    tenantId,
    tenantId,
    now,
  );
}

export function caseWhere(sql: Sql, alias: string, f: InsightFilters, caseLevel = true): Sql {
  if (f.businessUnit !== undefined) sql.add(`AND ${alias}.business_unit = ?`, f.businessUnit);
  if (f.supplier !== undefined) sql.add(`AND ${alias}.supplier = ?`, f.supplier);
  if (f.channel !== undefined) sql.add(`AND ${alias}.channel = ?`, f.channel);
  if (caseLevel) caseOnly(sql, alias, f);
  return sql;
}

function caseOnly(sql: Sql, alias: string, f: InsightFilters): Sql {
  if (f.exceptionKind !== undefined) sql.add(`AND ${alias}.exception_kind = ?`, f.exceptionKind);
  if (f.definitionId !== undefined) sql.add(`AND ${alias}.definition_id = ?`, f.definitionId);
  if (f.definitionVersion !== undefined) sql.add(`AND ${alias}.definition_version = ?`, f.definitionVersion);
  return sql;
}

const bucket = (column: string) =>
  `CASE ? ${['day', 'week', 'month'].map((u) => `WHEN '${u}' THEN to_char(date_trunc('${u}', ${column} AT TIME ZONE 'UTC'), 'YYYY-MM-DD')`).join(' ')} ELSE 'all' END`;
// at millisecond precision, as JavaScript dates hold them (the pure definitions see the same)
const seconds = (from: string, to: string) => `extract(epoch FROM (date_trunc('milliseconds', ${to}) - date_trunc('milliseconds', ${from})))::float8`;
const ageBucket = (age: string) =>
  `CASE WHEN floor(${age} / 86400) <= 2 THEN '0-2d' WHEN floor(${age} / 86400) <= 7 THEN '3-7d' WHEN floor(${age} / 86400) <= 30 THEN '8-30d' ELSE '>30d' END`;
const PERIOD = (column: string) => `${column} >= ?::timestamptz AND ${column} < ?::timestamptz`;
const percentiles = (value: string) =>
  `percentile_cont(0.5) WITHIN GROUP (ORDER BY ${value}) AS p50, percentile_cont(0.9) WITHIN GROUP (ORDER BY ${value}) AS p90, count(*)::int AS count`;

/** The SELECT that computes one metric over the fact CTEs; its columns are MetricRow's. */
function metricSelect(sql: Sql, metric: MetricName, q: InsightQuery): Sql {
  const f = q.filters ?? {};
  const period = [q.from, q.to];
  switch (metric) {
    case 'exceptionRate':
    case 'touchlessRate': {
      const hit =
        metric === 'exceptionRate'
          ? new Sql().add(`EXISTS (SELECT 1 FROM ex WHERE ex.invoice_id = inv.id`)
          : new Sql().add(`NOT EXISTS (SELECT 1 FROM cf WHERE cf.invoice_id = inv.id AND cf.human_tasks > 0)`);
      if (metric === 'exceptionRate') caseOnly(hit, 'ex', f).add(')');
      const caseSet =
        metric === 'exceptionRate'
          ? caseOnly(new Sql().add(`SELECT ex.id FROM ex WHERE ex.invoice_id = inv.id`), 'ex', f)
          : new Sql().add(`SELECT cf.id FROM cf WHERE cf.invoice_id = inv.id`);
      sql.add(`, base AS (SELECT ${bucket('inv.received_at')} AS bucket, ${metric === 'exceptionRate' ? 'inv.channel' : `'all'`} AS grp, inv.id,`, q.groupBy);
      sql.add(`${hit.text} AS hit,`, ...hit.bindings);
      sql.add(`ARRAY(${caseSet.text}) AS case_ids`, ...caseSet.bindings);
      sql.add(`FROM inv WHERE ${PERIOD('inv.received_at')}`, ...period);
      caseWhere(sql, 'inv', f, false);
      return sql.add(`) SELECT bucket, grp, count(*) FILTER (WHERE hit)::int AS numerator, count(*)::int AS denominator,
          (count(*) FILTER (WHERE hit))::float8 / count(*) AS value,
          coalesce(array_agg(id ORDER BY id) FILTER (WHERE hit), '{}') AS invoice_ids,
          ARRAY(SELECT DISTINCT x FROM base b2, unnest(b2.case_ids) x WHERE b2.hit AND b2.bucket = base.bucket AND b2.grp = base.grp ORDER BY x) AS case_ids
        FROM base GROUP BY bucket, grp`);
    }
    case 'timeToResolve':
    case 'cycleTimeByKind': {
      const d = seconds('ex.opened_at', 'ex.closed_at');
      sql.add(
        `SELECT ${bucket('ex.closed_at')} AS bucket, ${metric === 'timeToResolve' ? `'all'` : 'ex.exception_kind'} AS grp, ${percentiles(d)},
          percentile_cont(0.5) WITHIN GROUP (ORDER BY ${d}) AS value, array_agg(ex.id ORDER BY ex.id) AS case_ids
        FROM ex WHERE ex.status <> 'open' AND ${PERIOD('ex.closed_at')}`,
        q.groupBy,
        ...period,
      );
      return caseWhere(sql, 'ex', f).add('GROUP BY 1, 2');
    }
    case 'approvalAging': {
      sql.add(`SELECT ${ageBucket(seconds('tf.created_at', 'clock.now'))} AS bucket, tf.queue || ' / ' || coalesce(tf.business_unit, '(none)') AS grp,
          count(*)::int AS value, count(*)::int AS count, array_agg(DISTINCT tf.case_id) AS case_ids
        FROM tf JOIN cf ON cf.id = tf.case_id CROSS JOIN clock
        WHERE tf.status = 'open' AND tf.candidate_roles @> '["approver"]'::jsonb`);
      return caseWhere(sql, 'cf', f).add('GROUP BY 1, 2');
    }
    case 'repeatExceptions':
    case 'rework': {
      const hit =
        metric === 'repeatExceptions'
          ? new Sql().add(
              `(ex.supplier IS NOT NULL AND EXISTS (SELECT 1 FROM cf e WHERE e.id <> ex.id AND e.exception_kind IS NOT NULL AND e.outcome IS DISTINCT FROM 'touchless'
              AND e.supplier = ex.supplier AND e.exception_kind = ex.exception_kind AND e.opened_at < ex.opened_at AND e.opened_at >= ex.opened_at - make_interval(days => ?)))`,
              q.windowDays ?? 90,
            )
          : new Sql().add(`coalesce(rw.returns, 0) > 0`);
      sql.add(
        `, rws AS (
          SELECT case_id, sum(back)::int AS returns FROM (
            SELECT coalesce(s.case_id, t.case_id) AS case_id, greatest(coalesce(s.n, 0) - 1, coalesce(t.n, 0) - 1, 0) AS back
            FROM (SELECT case_id, node_id, count(*) AS n FROM sv GROUP BY 1, 2) s
            FULL JOIN (SELECT case_id, node_id, count(*) AS n FROM tf GROUP BY 1, 2) t ON t.case_id = s.case_id AND t.node_id = s.node_id) x
          GROUP BY case_id HAVING sum(back) > 0)
        SELECT ${bucket('ex.opened_at')} AS bucket, 'all' AS grp,`,
        q.groupBy,
      );
      sql.add(`count(*) FILTER (WHERE ${hit.text})::int AS numerator,`, ...hit.bindings);
      sql.add(`count(*)::int AS denominator, (count(*) FILTER (WHERE ${hit.text}))::float8 / count(*) AS value,`, ...hit.bindings);
      sql.add(`coalesce(array_agg(ex.id ORDER BY ex.id) FILTER (WHERE ${hit.text}), '{}') AS case_ids`, ...hit.bindings);
      if (metric === 'rework') sql.add(`, coalesce(sum(rw.returns), 0)::int AS count`);
      sql.add(`FROM ex LEFT JOIN rws rw ON rw.case_id = ex.id WHERE ${PERIOD('ex.opened_at')}`, ...period);
      return caseWhere(sql, 'ex', f).add('GROUP BY 1, 2');
    }
    case 'stepDwell': {
      const d = seconds('sv.entered_at', 'sv.left_at');
      sql.add(
        `SELECT ${bucket('sv.left_at')} AS bucket, sv.node_id AS grp, ${percentiles(d)}, percentile_cont(0.5) WITHIN GROUP (ORDER BY ${d}) AS value,
          array_agg(DISTINCT sv.case_id) AS case_ids
        FROM sv JOIN cf ON cf.id = sv.case_id WHERE sv.left_at IS NOT NULL AND ${PERIOD('sv.left_at')}`,
        q.groupBy,
        ...period,
      );
      return caseWhere(sql, 'cf', f).add('GROUP BY 1, 2');
    }
    case 'slaBreach': {
      const late = `tf.completed_at > tf.due_at`;
      sql.add(
        `SELECT ${bucket('tf.completed_at')} AS bucket, tf.queue AS grp, count(*) FILTER (WHERE ${late})::int AS numerator, count(*)::int AS denominator,
          (count(*) FILTER (WHERE ${late}))::float8 / count(*) AS value,
          coalesce(array_agg(DISTINCT tf.case_id) FILTER (WHERE ${late}), '{}') AS case_ids
        FROM tf JOIN cf ON cf.id = tf.case_id WHERE tf.status = 'completed' AND tf.due_at IS NOT NULL AND ${PERIOD('tf.completed_at')}`,
        q.groupBy,
        ...period,
      );
      return caseWhere(sql, 'cf', f).add('GROUP BY 1, 2');
    }
    case 'backlog': {
      sql.add(`SELECT ${ageBucket(seconds('ex.opened_at', 'clock.now'))} AS bucket, 'all' AS grp, count(*)::int AS value, count(*)::int AS count,
          array_agg(ex.id ORDER BY ex.id) AS case_ids
        FROM ex CROSS JOIN clock WHERE ex.status = 'open'`);
      return caseWhere(sql, 'ex', f).add('GROUP BY 1, 2');
    }
    case 'firstTouch': {
      sql.add(
        `SELECT ${bucket('ex.closed_at')} AS bucket, 'all' AS grp, count(*) FILTER (WHERE ex.human_tasks = 1)::int AS numerator, count(*)::int AS denominator,
          (count(*) FILTER (WHERE ex.human_tasks = 1))::float8 / count(*) AS value,
          coalesce(array_agg(ex.id ORDER BY ex.id) FILTER (WHERE ex.human_tasks = 1), '{}') AS case_ids
        FROM ex WHERE ex.status = 'resolved' AND ${PERIOD('ex.closed_at')}
          AND EXISTS (SELECT 1 FROM tf WHERE tf.case_id = ex.id AND tf.status = 'completed')`,
        q.groupBy,
        ...period,
      );
      return caseWhere(sql, 'ex', f).add('GROUP BY 1, 2');
    }
    case 'reassignments': {
      sql.add(
        `SELECT ${bucket('ra.at')} AS bucket, 'all' AS grp, count(*)::int AS value, count(*)::int AS count, count(DISTINCT ra.case_id)::int AS numerator,
          array_agg(DISTINCT ra.case_id) AS case_ids
        FROM ra JOIN cf ON cf.id = ra.case_id WHERE ${PERIOD('ra.at')}`,
        q.groupBy,
        ...period,
      );
      return caseWhere(sql, 'cf', f).add('GROUP BY 1, 2');
    }
    case 'valueAtRisk': {
      sql.add(`SELECT NULL::text AS bucket, 'open' AS grp, coalesce(sum(ex.value_at_risk), 0)::float8 AS value, count(*)::int AS count, array_agg(ex.id ORDER BY ex.id) AS case_ids
        FROM ex WHERE ex.status = 'open'`);
      caseWhere(sql, 'ex', f).add(`HAVING count(*) > 0 UNION ALL`);
      sql.add(
        `SELECT ${bucket('ex.closed_at')}, 'recovered', coalesce(sum(ex.value_at_risk), 0)::float8, count(*)::int, array_agg(ex.id ORDER BY ex.id)
        FROM ex WHERE ex.status IN ('resolved', 'rejected') AND ${PERIOD('ex.closed_at')}`,
        q.groupBy,
        ...period,
      );
      return caseWhere(sql, 'ex', f).add('GROUP BY 1, 2');
    }
  }
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());
const isoOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : iso(v));

function toRow(r: Record<string, unknown>): MetricRow {
  const row: MetricRow = {
    bucket: (r.bucket as string | null) ?? null,
    group: String(r.grp),
    value: num(r.value),
    caseIds: [...((r.case_ids as string[]) ?? [])].sort(),
  };
  for (const key of ['numerator', 'denominator', 'count', 'p50', 'p90'] as const) if (key in r) row[key] = num(r[key]) as number;
  if ('invoice_ids' in r) row.invoiceIds = [...(r.invoice_ids as string[])].sort();
  return row;
}

export interface MetricOptions {
  /** `raw`: from the case rows even when the tenant has a rollup (tests compare both) */
  source?: 'rollup' | 'raw';
  /** false: no case or invoice ids behind the figures (the summary) */
  ids?: boolean;
}

export function createInsightsRepository(db: Db) {
  return {
    /** One metric's rows for one tenant, sorted by bucket then group. */
    /**
     * One metric's rows for one tenant, sorted by bucket then group. The executive metrics read the
     * rollup once the tenant has one (with the cases changed since its mark worked out again, so the
     * answer is the raw SQL's); `source:
     * 'raw'` computes from the case rows; `ids: false` leaves out the cases behind each figure.
     */
    async metric(tenantId: string, metric: MetricName, q: InsightQuery, options: MetricOptions = {}): Promise<MetricRow[]> {
      const since = options.source !== 'raw' && ROLLED_UP_METRICS.has(metric) ? await createInsightRollup(db).since(tenantId) : undefined;
      const sql = since ? rolledUpMetricSql(tenantId, since, metric, q, options.ids !== false) : metricSelect(facts(new Sql(), tenantId, q.now), metric, q);
      const result = await db.raw(sql.text, sql.bindings as any[]);
      return sortMetricRows((result.rows as Record<string, unknown>[]).map(toRow));
    },

    /** The fact rows of one tenant, for the pure definitions (tests compare both). */
    async facts(tenantId: string, now: string): Promise<InsightData> {
      const sql = facts(new Sql(), tenantId, now);
      const read = async (select: string, extra: unknown[] = []) => (await db.raw(`${sql.text} ${select}`, [...sql.bindings, ...extra] as any[])).rows as any[];
      const kinds = await read(
        `SELECT cf.id, jsonb_path_query_first(c.snapshot, 'lax $.context.vars.*.findings[0].kind') #>> '{}' AS finding_kind,
          ARRAY(SELECT exception_kind FROM tasks t WHERE t.tenant_id = c.tenant_id AND t.case_id = c.id ORDER BY created_at, id) AS task_kinds,
          (SELECT i.findings FROM invoices i WHERE i.tenant_id = c.tenant_id AND i.id = c.invoice_id) AS invoice_findings
        FROM cf JOIN cases c ON c.tenant_id = ? AND c.id = cf.id`,
        [tenantId],
      );
      const kindOf = new Map(
        kinds.map((k) => [
          k.id,
          caseExceptionKind({
            invoiceKind: leadFindingKind(k.invoice_findings),
            taskKinds: k.task_kinds,
            findingKind: k.finding_kind,
            humanTasks: k.task_kinds.length,
          }),
        ]),
      );
      return {
        invoices: (await read('SELECT * FROM inv')).map((r) => ({
          id: r.id,
          channel: r.channel,
          receivedAt: iso(r.received_at),
          supplier: r.supplier,
          businessUnit: r.business_unit,
        })),
        cases: (await read('SELECT * FROM cf')).map((r) => ({
          id: r.id,
          invoiceId: r.invoice_id,
          definitionId: r.definition_id,
          definitionVersion: r.definition_version,
          status: r.status,
          outcome: r.outcome,
          openedAt: iso(r.opened_at),
          closedAt: isoOrNull(r.closed_at),
          channel: r.channel,
          supplier: r.supplier,
          businessUnit: r.business_unit,
          exceptionKind: kindOf.get(r.id) ?? null,
          valueAtRisk: num(r.value_at_risk),
        })),
        tasks: (await read('SELECT * FROM tf')).map((r) => ({
          id: r.id,
          caseId: r.case_id,
          nodeId: r.node_id,
          queue: r.queue,
          candidateRoles: r.candidate_roles,
          businessUnit: r.business_unit,
          status: r.status,
          createdAt: iso(r.created_at),
          dueAt: isoOrNull(r.due_at),
          completedAt: isoOrNull(r.completed_at),
        })),
        stepVisits: (await read('SELECT * FROM sv')).map((r) => ({
          caseId: r.case_id,
          nodeId: r.node_id,
          enteredAt: iso(r.entered_at),
          leftAt: isoOrNull(r.left_at),
          visit: r.visit,
        })),
        reassignments: (await read('SELECT * FROM ra')).map((r) => ({ caseId: r.case_id, taskId: r.task_id, at: iso(r.at) })),
      };
    },

    /** Client tenants of an MSP, for the across-clients view. */
    async clientsOf(tenantId: string): Promise<{ id: string; name: string }[]> {
      return db('tenants').where({ parent_id: tenantId }).orderBy('id').select('id', 'name');
    },
    /** The drill-down's cases: those of `ids` that are the tenant's, oldest first (times as the driver reads them). */
    async casesByIds(tenantId: string, ids: string[]): Promise<Record<string, unknown>[]> {
      if (!ids.length) return [];
      return db('cases')
        .where({ tenant_id: tenantId })
        .whereIn('id', ids)
        .orderBy('opened_at')
        .select('id', 'status', 'outcome', 'definition_id as definitionId', 'invoice_id as invoiceId', 'opened_at as openedAt', 'closed_at as closedAt');
    },
  };
}
