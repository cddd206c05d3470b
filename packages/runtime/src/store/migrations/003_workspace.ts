import type { Knex } from 'knex';

/**
 * The analyst workspace (issue #4): what the inbox lists, filters and sorts on is copied onto
 * the task row when the task opens, so the list is one indexed query; comments with mentions;
 * attachments; a lead flag on users.
 *
 * Priority is an "effective due time", `rank_at`: a task sorts as if it were due earlier by
 * 6 hours per tenfold value at risk (counted from 100) and by 24 hours per priority step above
 * normal (3). Ordering by `rank_at` is ordering by (time left to the SLA − value bonus), with
 * `now()` dropped because it is the same for every row, which is what lets an index serve it.
 * A task without an SLA counts as due 7 days after it opened. See docs/workspace.md.
 */
const statements = [
  `ALTER TABLE tasks
     ADD COLUMN invoice_number text,
     ADD COLUMN supplier_id text,
     ADD COLUMN supplier_name text,
     ADD COLUMN business_unit text,
     ADD COLUMN amount numeric,
     ADD COLUMN currency text,
     ADD COLUMN exception_kind text,
     ADD COLUMN value_at_risk numeric,
     ADD COLUMN rank_at timestamptz`,
  `CREATE FUNCTION task_rank_at(due_at timestamptz, created_at timestamptz, value_at_risk numeric, priority integer) RETURNS timestamptz
     LANGUAGE sql STABLE AS $$
     SELECT coalesce(due_at, created_at + interval '7 days')
       - make_interval(secs => 21600 * log(10, 1 + greatest(coalesce(value_at_risk, 0), 0) / 100)::float8)
       - make_interval(hours => 24 * (3 - priority))
   $$`,
  `CREATE FUNCTION tasks_set_rank() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     NEW.rank_at := task_rank_at(NEW.due_at, NEW.created_at, NEW.value_at_risk, NEW.priority);
     RETURN NEW;
   END $$`,
  `CREATE TRIGGER tasks_rank BEFORE INSERT OR UPDATE OF priority, due_at, value_at_risk ON tasks FOR EACH ROW EXECUTE FUNCTION tasks_set_rank()`,
  // tasks opened before this migration: facts from their invoice, then their rank
  `UPDATE tasks t SET invoice_number = i.invoice_number, supplier_id = i.supplier_id, supplier_name = i.supplier_name,
       business_unit = coalesce(i.body->>'businessUnit', po.business_unit), amount = i.gross_total, currency = i.currency,
       value_at_risk = coalesce(nullif(c.snapshot #>> '{context,vars,match,valueAtRisk}', '')::numeric, i.gross_total),
       exception_kind = c.snapshot #>> '{context,vars,match,findings,0,kind}'
     FROM cases c JOIN invoices i ON i.tenant_id = c.tenant_id AND i.id = c.invoice_id
       LEFT JOIN purchase_orders po ON po.tenant_id = i.tenant_id AND po.po_number = i.po_number
     WHERE c.tenant_id = t.tenant_id AND c.id = t.case_id`,
  `UPDATE tasks SET rank_at = task_rank_at(due_at, created_at, value_at_risk, priority)`,
  `ALTER TABLE tasks ALTER COLUMN rank_at SET NOT NULL`,
  // the inbox's list query: open tasks of a tenant in rank order, all / by assignee / by queue
  `CREATE INDEX tasks_inbox ON tasks (tenant_id, rank_at, id) WHERE status = 'open'`,
  `CREATE INDEX tasks_inbox_assignee ON tasks (tenant_id, assignee, rank_at, id) WHERE status = 'open'`,
  `CREATE INDEX tasks_inbox_queue ON tasks (tenant_id, queue, rank_at, id) WHERE status = 'open'`,
  `ALTER TABLE users ADD COLUMN lead boolean NOT NULL DEFAULT false`,
  `CREATE TABLE comments (
     tenant_id text NOT NULL,
     id text NOT NULL,
     case_id text NOT NULL,
     task_id text,
     author text NOT NULL,
     text text NOT NULL,
     mentions jsonb NOT NULL DEFAULT '[]',
     created_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (tenant_id, id),
     FOREIGN KEY (tenant_id, case_id) REFERENCES cases(tenant_id, id))`,
  `CREATE INDEX comments_case ON comments (tenant_id, case_id, created_at)`,
  `CREATE INDEX comments_mentions ON comments USING gin (mentions)`,
  `CREATE TABLE attachments (
     tenant_id text NOT NULL,
     id text NOT NULL,
     case_id text NOT NULL,
     task_id text,
     filename text NOT NULL,
     content_type text NOT NULL,
     size_bytes integer NOT NULL,
     sha256 text NOT NULL,
     storage text NOT NULL,
     content bytea,
     uploaded_by text NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (tenant_id, id),
     FOREIGN KEY (tenant_id, case_id) REFERENCES cases(tenant_id, id))`,
  `CREATE INDEX attachments_case ON attachments (tenant_id, case_id, created_at)`,
];

export async function up(knex: Knex): Promise<void> {
  for (const sql of statements) await knex.raw(sql);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE attachments');
  await knex.raw('DROP TABLE comments');
  await knex.raw('ALTER TABLE users DROP COLUMN lead');
  await knex.raw('DROP TRIGGER tasks_rank ON tasks');
  await knex.raw('DROP FUNCTION tasks_set_rank()');
  await knex.raw('DROP FUNCTION task_rank_at(timestamptz, timestamptz, numeric, integer)');
  for (const column of [
    'rank_at',
    'value_at_risk',
    'exception_kind',
    'currency',
    'amount',
    'business_unit',
    'supplier_name',
    'supplier_id',
    'invoice_number',
  ]) {
    await knex.raw(`ALTER TABLE tasks DROP COLUMN ${column}`);
  }
}
