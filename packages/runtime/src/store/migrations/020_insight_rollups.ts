import type { Knex } from 'knex';

/**
 * Insights at a million cases (issues 12 and 13). `insight_case_facts` holds one row per case:
 * the facts the executive metrics read (docs/insights.md, Facts), worked out once instead of on
 * every request from the case's snapshot, its invoice's findings and its tasks. The rows are kept
 * by `store/insightRollup.ts`: a durable job and every insights read catch up on the cases whose
 * audit rows appeared since `insight_rollup_marks.rolled_up_to` (less an overlap), comparing the
 * case version each row was made from. Indexes serve the periods the metrics filter on.
 */
const statements = [
  `CREATE TABLE insight_case_facts (
     tenant_id text NOT NULL,
     case_id text NOT NULL,
     case_version integer NOT NULL,
     invoice_id text,
     received_at timestamptz,
     definition_id text NOT NULL,
     definition_version integer NOT NULL,
     status text NOT NULL,
     outcome text,
     opened_at timestamptz NOT NULL,
     closed_at timestamptz,
     channel text,
     supplier text,
     business_unit text,
     exception_kind text,
     exception boolean NOT NULL,
     human_tasks integer NOT NULL,
     value_at_risk numeric,
     PRIMARY KEY (tenant_id, case_id),
     FOREIGN KEY (tenant_id, case_id) REFERENCES cases(tenant_id, id))`,
  // each index holds what its metric reads (INCLUDE), so a period is read from the index alone
  `CREATE INDEX insight_case_facts_received ON insight_case_facts (tenant_id, received_at) INCLUDE (invoice_id, case_id, exception, human_tasks, channel)`,
  `CREATE INDEX insight_case_facts_closed ON insight_case_facts (tenant_id, closed_at) INCLUDE (opened_at, case_id, status)
     WHERE exception AND closed_at IS NOT NULL`,
  `CREATE INDEX insight_case_facts_opened ON insight_case_facts (tenant_id, opened_at) INCLUDE (case_id, supplier, exception_kind) WHERE exception`,
  `CREATE INDEX insight_case_facts_repeat ON insight_case_facts (tenant_id, supplier, exception_kind, opened_at) INCLUDE (case_id) WHERE exception`,
  `CREATE TABLE insight_rollup_marks (
     tenant_id text PRIMARY KEY REFERENCES tenants(id),
     rolled_up_to timestamptz NOT NULL,
     built_at timestamptz NOT NULL DEFAULT now())`,
  // the per-invoice rates read the invoices received in the period
  `CREATE INDEX invoices_received ON invoices (tenant_id, received_at) INCLUDE (id, channel)`,
];

export async function up(knex: Knex): Promise<void> {
  for (const sql of statements) await knex.raw(sql);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX invoices_received');
  await knex.raw('DROP TABLE insight_rollup_marks');
  await knex.raw('DROP TABLE insight_case_facts');
}
