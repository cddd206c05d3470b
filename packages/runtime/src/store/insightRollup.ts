import type { Log } from '../logging.js';
import type { Db } from './db.js';
import { CASE_EXCEPTION_KIND, CASE_VALUE_AT_RISK, LEAD_FINDING_KIND } from './insightsSql.js';

/**
 * The insights rollup (migration 020): one `insight_case_facts` row per case with the facts the
 * executive metrics read, so they answer over a million cases without reading snapshots,
 * findings and tasks again (docs/insights.md, "At a million cases").
 *
 * What keeps it true: every transition and claim writes an audit row with the case id, stamped
 * with its transaction's start. A durable job (`createInsightRollupJob`, in every runtime
 * process) reads the case ids of the audit rows stamped since the tenant's mark, keeps those
 * whose case version differs from the one their fact row was made from, makes those rows again
 * and moves the mark to its own start less `OVERLAP_MS` (a transaction that began before then
 * may commit after it). Reads are read-only: they take the rollup with the rows of the cases
 * changed since the mark worked out again (`CURRENT_FACTS`), so they answer what is committed,
 * as the raw SQL does, and find little to work out when the job keeps up. A tenant without a
 * mark has no rollup yet: the job builds it (`rebuild`) and reads use the raw SQL meanwhile.
 * Rows changed by hand in SQL, not through the engine, leave no audit row: `rebuild` the tenant
 * after such a change (the generator of bench/support does).
 */
export const OVERLAP_MS = 30_000;

const FACT_COLUMNS = `tenant_id, case_id, case_version, invoice_id, received_at, definition_id, definition_version, status, outcome, opened_at, closed_at,
  channel, supplier, business_unit, exception_kind, exception, human_tasks, value_at_risk`;

/** The fact rows of the tenant's cases (all, or those of a `c.id …` filter), worked out from the case rows. Bindings: the tenant, then the filter's. */
const FACTS_OF_CASES = (filter: string) => `SELECT c.tenant_id, c.id AS case_id, c.version AS case_version, c.invoice_id, i.received_at, c.definition_id,
    c.definition_version, c.status, c.outcome, c.opened_at, c.closed_at, i.channel, coalesce(i.supplier_id, i.supplier_name) AS supplier,
    coalesce(i.body->>'businessUnit', po.business_unit) AS business_unit, k.kind AS exception_kind,
    k.kind IS NOT NULL AND c.outcome IS DISTINCT FROM 'touchless' AS exception, coalesce(tk.n, 0) AS human_tasks,
    ${CASE_VALUE_AT_RISK('c', 'tk.var')} AS value_at_risk
  FROM cases c
  LEFT JOIN invoices i ON i.tenant_id = c.tenant_id AND i.id = c.invoice_id
  LEFT JOIN purchase_orders po ON po.tenant_id = i.tenant_id AND po.po_number = i.po_number
  LEFT JOIN LATERAL (
    SELECT count(*)::int AS n, max(t.value_at_risk) AS var,
      (array_agg(t.exception_kind ORDER BY t.created_at, t.id) FILTER (WHERE t.exception_kind IS NOT NULL))[1] AS kind
    FROM tasks t WHERE t.tenant_id = c.tenant_id AND t.case_id = c.id) tk ON true
  CROSS JOIN LATERAL (SELECT ${CASE_EXCEPTION_KIND(LEAD_FINDING_KIND('i.findings'), 'c', 'tk.kind', 'tk.n')} AS kind) k
  WHERE c.tenant_id = ? ${filter}`;

/** The facts upserted (a catch-up that read an older version of a case never overwrites a newer row). */
const UPSERT_FACTS = (filter: string) => `INSERT INTO insight_case_facts (${FACT_COLUMNS}) ${FACTS_OF_CASES(filter)}
  ON CONFLICT (tenant_id, case_id) DO UPDATE SET case_version = EXCLUDED.case_version, invoice_id = EXCLUDED.invoice_id,
    received_at = EXCLUDED.received_at, definition_id = EXCLUDED.definition_id, definition_version = EXCLUDED.definition_version,
    status = EXCLUDED.status, outcome = EXCLUDED.outcome, opened_at = EXCLUDED.opened_at, closed_at = EXCLUDED.closed_at,
    channel = EXCLUDED.channel, supplier = EXCLUDED.supplier, business_unit = EXCLUDED.business_unit,
    exception_kind = EXCLUDED.exception_kind, exception = EXCLUDED.exception, human_tasks = EXCLUDED.human_tasks, value_at_risk = EXCLUDED.value_at_risk
  WHERE insight_case_facts.case_version <= EXCLUDED.case_version`;

/** The cases with audit rows stamped since `since` whose fact row is missing or of another version. Bindings: tenant, since, tenant. */
const STALE_CASES = `SELECT c.id FROM (SELECT DISTINCT a.case_id FROM audit a WHERE a.tenant_id = ? AND a.created_at >= ? AND a.case_id IS NOT NULL) touched
  JOIN cases c ON c.tenant_id = ? AND c.id = touched.case_id
  LEFT JOIN insight_case_facts f ON f.tenant_id = c.tenant_id AND f.case_id = c.id
  WHERE f.case_id IS NULL OR f.case_version <> c.version`;

/**
 * The CTEs `fresh` and `facts` (read-only, for the metrics): `facts` is the tenant's rollup with
 * the rows of cases changed since the mark worked out again from the case rows, so a read answers
 * what is committed even between two runs of the job. Bindings: tenant, tenant, since, tenant, tenant.
 */
export const CURRENT_FACTS = `fresh AS MATERIALIZED (${FACTS_OF_CASES(`AND c.id IN (${STALE_CASES})`)}),
  facts AS NOT MATERIALIZED (
    SELECT ${FACT_COLUMNS} FROM insight_case_facts WHERE tenant_id = ? AND case_id NOT IN (SELECT case_id FROM fresh)
    UNION ALL SELECT ${FACT_COLUMNS} FROM fresh)`;

export function createInsightRollup(db: Db) {
  return {
    /** Makes every fact row of the tenant again and sets its mark: after a migration, or rows changed by hand. */
    async rebuild(tenantId: string): Promise<number> {
      const started = await db.raw(`SELECT statement_timestamp() - make_interval(secs => ?::float8 / 1000) AS mark`, [OVERLAP_MS]);
      const result = await db.raw(UPSERT_FACTS(''), [tenantId]);
      // the planner's statistics must know the rows just written before anything joins them by
      // case: until autovacuum analyzes the table (minutes later, or not before a busy spell ends)
      // it plans for the table as it was, and a catch-up joined a million-case tenant's rows in a
      // nested loop for 40 minutes (docs/benchmarks.md, stop 12)
      await db.raw('ANALYZE insight_case_facts');
      await db.raw(
        `INSERT INTO insight_rollup_marks (tenant_id, rolled_up_to, built_at) VALUES (?, ?, now())
         ON CONFLICT (tenant_id) DO UPDATE SET rolled_up_to = EXCLUDED.rolled_up_to, built_at = EXCLUDED.built_at`,
        [tenantId, started.rows[0].mark],
      );
      return result.rowCount ?? 0;
    },

    /** Where reads start looking for changed cases (the mark), or undefined when the tenant has no rollup yet. */
    async since(tenantId: string): Promise<Date | undefined> {
      const mark = await db('insight_rollup_marks').where({ tenant_id: tenantId }).first('rolled_up_to');
      return mark ? new Date(mark.rolled_up_to) : undefined;
    },

    /** Makes again the fact rows of the cases changed since the mark, and moves the mark (the job's work). */
    async catchUp(tenantId: string): Promise<number> {
      const since = await this.since(tenantId);
      if (!since) return 0;
      const next = (await db.raw(`SELECT statement_timestamp() - make_interval(secs => ?::float8 / 1000) AS mark`, [OVERLAP_MS])).rows[0].mark;
      const result = await db.raw(UPSERT_FACTS(`AND c.id IN (${STALE_CASES})`), [tenantId, tenantId, since, tenantId]);
      await db.raw(`UPDATE insight_rollup_marks SET rolled_up_to = greatest(rolled_up_to, ?) WHERE tenant_id = ?`, [next, tenantId]);
      return result.rowCount ?? 0;
    },
  };
}

/** The job: each tick builds the rollup of a tenant that has none, else catches every tenant up. */
export function createInsightRollupJob({ db, log }: { db: Db; log: Log }) {
  const rollup = createInsightRollup(db);
  return {
    async tick(): Promise<number> {
      const tenants: { id: string; built: boolean }[] = (
        await db.raw(`SELECT t.id, m.tenant_id IS NOT NULL AS built FROM tenants t LEFT JOIN insight_rollup_marks m ON m.tenant_id = t.id ORDER BY t.id`)
      ).rows;
      const unbuilt = tenants.find((t) => !t.built);
      if (unbuilt) {
        const started = Date.now();
        const rows = await rollup.rebuild(unbuilt.id);
        if (rows > 10_000) log('insights rollup built', { tenantId: unbuilt.id, cases: rows, ms: Date.now() - started });
        return 1; // more may be waiting: tick again at once
      }
      for (const t of tenants) await rollup.catchUp(t.id);
      return 0;
    },
  };
}
