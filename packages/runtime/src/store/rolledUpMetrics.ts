import type { InsightFilters, InsightQuery, MetricName } from '@exflow/shared';
import { CURRENT_FACTS } from './insightRollup.js';
import { Sql } from './insightsSql.js';

/**
 * The five executive metrics over the rollup (`insight_case_facts`, store/insightRollup.ts): the
 * same definitions as the raw SQL of insightsRepository.ts, and the same rows (a test compares
 * them on the insights fixtures), but each reads only the rows of its period through an index:
 * the invoices received in it, the cases received, opened or closed in it, the open tasks.
 * `ids: false` leaves out the case and invoice ids behind each figure (the summary tiles need
 * none, and at a million cases they are most of the work).
 */
export const ROLLED_UP_METRICS: ReadonlySet<MetricName> = new Set(['exceptionRate', 'timeToResolve', 'approvalAging', 'repeatExceptions', 'touchlessRate']);

const bucket = (column: string) =>
  `CASE ? ${['day', 'week', 'month'].map((u) => `WHEN '${u}' THEN to_char(date_trunc('${u}', ${column} AT TIME ZONE 'UTC'), 'YYYY-MM-DD')`).join(' ')} ELSE 'all' END`;
const seconds = (from: string, to: string) => `extract(epoch FROM (date_trunc('milliseconds', ${to}) - date_trunc('milliseconds', ${from})))::float8`;
const ageBucket = (age: string) =>
  `CASE WHEN floor(${age} / 86400) <= 2 THEN '0-2d' WHEN floor(${age} / 86400) <= 7 THEN '3-7d' WHEN floor(${age} / 86400) <= 30 THEN '8-30d' ELSE '>30d' END`;
const PERIOD = (column: string) => `${column} >= ?::timestamptz AND ${column} < ?::timestamptz`;

function invoiceWhere(sql: Sql, alias: string, f: InsightFilters): Sql {
  if (f.businessUnit !== undefined) sql.add(`AND ${alias}.business_unit = ?`, f.businessUnit);
  if (f.supplier !== undefined) sql.add(`AND ${alias}.supplier = ?`, f.supplier);
  if (f.channel !== undefined) sql.add(`AND ${alias}.channel = ?`, f.channel);
  return sql;
}

function caseWhere(sql: Sql, alias: string, f: InsightFilters): Sql {
  if (f.exceptionKind !== undefined) sql.add(`AND ${alias}.exception_kind = ?`, f.exceptionKind);
  if (f.definitionId !== undefined) sql.add(`AND ${alias}.definition_id = ?`, f.definitionId);
  if (f.definitionVersion !== undefined) sql.add(`AND ${alias}.definition_version = ?`, f.definitionVersion);
  return sql;
}

/**
 * The per-invoice rates without ids, from counts alone: the invoices received per bucket and
 * channel (an index-only scan), and the distinct invoices among the fact rows of the period
 * (each carries its invoice's received-at and channel) that make a hit. Exception rate: those
 * with an exception case; touchless rate: all but those with a case that asked a person.
 */
function invoiceRateCounts(sql: Sql, tenantId: string, metric: 'exceptionRate' | 'touchlessRate', q: InsightQuery): Sql {
  const f = q.filters ?? {};
  const grp = metric === 'exceptionRate' ? 'channel' : `'all'`;
  sql.add(
    `, received AS (
       SELECT ${bucket('i.received_at')} AS bucket, ${grp === 'channel' ? 'i.channel' : grp} AS grp, count(*)::int AS n
       FROM invoices i ${f.businessUnit !== undefined ? 'LEFT JOIN purchase_orders po ON po.tenant_id = i.tenant_id AND po.po_number = i.po_number' : ''}
       WHERE i.tenant_id = ? AND ${PERIOD('i.received_at')}`,
    q.groupBy,
    tenantId,
    q.from,
    q.to,
  );
  if (f.businessUnit !== undefined) sql.add(`AND coalesce(i.body->>'businessUnit', po.business_unit) = ?`, f.businessUnit);
  if (f.supplier !== undefined) sql.add(`AND coalesce(i.supplier_id, i.supplier_name) = ?`, f.supplier);
  if (f.channel !== undefined) sql.add(`AND i.channel = ?`, f.channel);
  sql.add(
    `GROUP BY 1, 2),
     hits AS (
       SELECT bucket, grp, count(*)::int AS n FROM (
         SELECT DISTINCT ${bucket('f.received_at')} AS bucket, ${grp === 'channel' ? 'f.channel' : grp} AS grp, f.invoice_id
         FROM facts f WHERE f.tenant_id = ? AND ${PERIOD('f.received_at')} AND ${metric === 'exceptionRate' ? 'f.exception' : 'f.human_tasks > 0'}`,
    q.groupBy,
    tenantId,
    q.from,
    q.to,
  );
  invoiceWhere(sql, 'f', f);
  if (metric === 'exceptionRate') caseWhere(sql, 'f', f);
  const numerator = metric === 'exceptionRate' ? 'coalesce(h.n, 0)' : 'r.n - coalesce(h.n, 0)';
  return sql.add(`) d GROUP BY 1, 2)
    SELECT r.bucket, r.grp, ${numerator} AS numerator, r.n AS denominator, (${numerator})::float8 / r.n AS value
    FROM received r LEFT JOIN hits h ON h.bucket = r.bucket AND h.grp = r.grp`);
}

/** One executive metric's SELECT over the rollup; its columns are MetricRow's (as metricSelect's). */
export function rolledUpMetricSql(tenantId: string, since: Date, metric: MetricName, q: InsightQuery, ids: boolean): Sql {
  const f = q.filters ?? {};
  const period = [q.from, q.to];
  const sql = new Sql().add(`WITH ${CURRENT_FACTS}`, tenantId, tenantId, since, tenantId, tenantId);
  switch (metric) {
    case 'exceptionRate':
    case 'touchlessRate': {
      if (!ids) return invoiceRateCounts(sql, tenantId, metric, q);
      // the invoices received in the period, and the cases of those invoices that make a hit
      sql.add(
        `, inv AS (
           SELECT i.id, i.channel, i.received_at${f.supplier !== undefined ? ', coalesce(i.supplier_id, i.supplier_name) AS supplier' : ''}
             ${f.businessUnit !== undefined ? `, coalesce(i.body->>'businessUnit', po.business_unit) AS business_unit` : ''}
           FROM invoices i ${f.businessUnit !== undefined ? 'LEFT JOIN purchase_orders po ON po.tenant_id = i.tenant_id AND po.po_number = i.po_number' : ''}
           WHERE i.tenant_id = ? AND ${PERIOD('i.received_at')}),
         cases_of AS (SELECT f.invoice_id, f.case_id, f.exception, f.human_tasks, f.exception_kind, f.definition_id, f.definition_version
           FROM facts f WHERE f.tenant_id = ? AND ${PERIOD('f.received_at')}),`,
        tenantId,
        ...period,
        tenantId,
        ...period,
      );
      if (metric === 'exceptionRate') {
        caseWhere(
          sql.add(`hit AS (SELECT invoice_id, ${ids ? 'array_agg(case_id)' : 'NULL::text[]'} AS case_ids FROM cases_of c WHERE c.exception`),
          'c',
          f,
        ).add(`GROUP BY invoice_id),`);
      } else {
        // one pass over the period's cases, grouped by invoice (a lookup per invoice would scan them all again)
        sql.add(`per_invoice AS (SELECT invoice_id, bool_or(human_tasks > 0) AS asked, array_agg(case_id) AS case_ids FROM cases_of GROUP BY invoice_id),
          hit AS (SELECT i.id AS invoice_id, coalesce(p.case_ids, '{}') AS case_ids FROM inv i LEFT JOIN per_invoice p ON p.invoice_id = i.id
            WHERE NOT coalesce(p.asked, false)),`);
      }
      sql.add(
        `base AS (SELECT ${bucket('inv.received_at')} AS bucket, ${metric === 'exceptionRate' ? 'inv.channel' : `'all'`} AS grp, inv.id,
           hit.invoice_id IS NOT NULL AS hit, hit.case_ids
         FROM inv LEFT JOIN hit ON hit.invoice_id = inv.id WHERE true`,
        q.groupBy,
      );
      invoiceWhere(sql, 'inv', f).add(')');
      return sql.add(`SELECT bucket, grp, count(*) FILTER (WHERE hit)::int AS numerator, count(*)::int AS denominator,
          (count(*) FILTER (WHERE hit))::float8 / count(*) AS value
          ${
            ids
              ? `, coalesce(array_agg(id ORDER BY id) FILTER (WHERE hit), '{}') AS invoice_ids,
                 ARRAY(SELECT DISTINCT x FROM base b2, unnest(b2.case_ids) x WHERE b2.hit AND b2.bucket = base.bucket AND b2.grp = base.grp ORDER BY x) AS case_ids`
              : ''
          }
        FROM base GROUP BY bucket, grp`);
    }
    case 'timeToResolve': {
      const d = seconds('f.opened_at', 'f.closed_at');
      sql.add(
        `SELECT ${bucket('f.closed_at')} AS bucket, 'all' AS grp,
          percentile_cont(0.5) WITHIN GROUP (ORDER BY ${d}) AS p50, percentile_cont(0.9) WITHIN GROUP (ORDER BY ${d}) AS p90, count(*)::int AS count,
          percentile_cont(0.5) WITHIN GROUP (ORDER BY ${d}) AS value ${ids ? ', array_agg(f.case_id ORDER BY f.case_id) AS case_ids' : ''}
        FROM facts f
        WHERE f.tenant_id = ? AND f.exception AND f.closed_at IS NOT NULL AND f.status <> 'open' AND ${PERIOD('f.closed_at')}`,
        q.groupBy,
        tenantId,
        ...period,
      );
      return caseWhere(invoiceWhere(sql, 'f', f), 'f', f).add('GROUP BY 1, 2');
    }
    case 'approvalAging': {
      sql.add(
        `SELECT ${ageBucket(seconds('t.created_at', 'clock.now'))} AS bucket, t.queue || ' / ' || coalesce(t.business_unit, '(none)') AS grp,
          count(*)::int AS value, count(*)::int AS count ${ids ? ', array_agg(DISTINCT t.case_id) AS case_ids' : ''}
        FROM tasks t CROSS JOIN (SELECT ?::timestamptz AS now) clock
        WHERE t.tenant_id = ? AND t.status = 'open' AND t.candidate_roles @> '["approver"]'::jsonb`,
        q.now,
        tenantId,
      );
      // every task's case has its facts: they are read only to filter by them
      if (Object.values(f).some((v) => v !== undefined))
        caseWhere(invoiceWhere(sql.add(`AND EXISTS (SELECT 1 FROM facts f WHERE f.case_id = t.case_id`), 'f', f), 'f', f).add(')');
      return sql.add('GROUP BY 1, 2');
    }
    case 'repeatExceptions': {
      // one ordered pass (no probe per exception, each of which would check the row-level policy again): for every exception
      // opened from windowDays before the period, the latest strictly earlier opening of the same supplier and kind (a frame
      // that ends a microsecond, timestamptz's resolution, before the row: the maximum runs along, where EXCLUDE GROUP would
      // work it out again for every row)
      const windowDays = q.windowDays ?? 90;
      const filtered = Object.values(f).some((v) => v !== undefined);
      sql.add(
        `, w AS (
           SELECT f.case_id, f.supplier, f.opened_at${filtered ? ', f.exception_kind, f.business_unit, f.channel, f.definition_id, f.definition_version' : ''},
             max(f.opened_at) OVER (PARTITION BY f.supplier, f.exception_kind ORDER BY f.opened_at
               RANGE BETWEEN UNBOUNDED PRECEDING AND '1 microsecond'::interval PRECEDING) AS prior_at
           FROM facts f WHERE f.tenant_id = ? AND f.exception AND f.opened_at >= ?::timestamptz - make_interval(days => ?) AND f.opened_at < ?::timestamptz),
         x AS MATERIALIZED (SELECT ${bucket('f.opened_at')} AS bucket, f.case_id,
           f.supplier IS NOT NULL AND f.prior_at >= f.opened_at - make_interval(days => ?) AS hit
           FROM w f WHERE ${PERIOD('f.opened_at')}`,
        tenantId,
        q.from,
        windowDays,
        q.to,
        q.groupBy,
        windowDays,
        ...period,
      );
      caseWhere(invoiceWhere(sql, 'f', f), 'f', f).add(')');
      return sql.add(`SELECT bucket, 'all' AS grp, count(*) FILTER (WHERE hit)::int AS numerator, count(*)::int AS denominator,
          (count(*) FILTER (WHERE hit))::float8 / count(*) AS value
          ${ids ? `, coalesce(array_agg(case_id ORDER BY case_id) FILTER (WHERE hit), '{}') AS case_ids` : ''}
        FROM x GROUP BY 1, 2`);
    }
    default:
      throw new Error(`${metric} is not rolled up`);
  }
}
