import type { Db } from './db.js';

/**
 * Row-level security as the second wall behind the repositories' tenant filter: every table
 * with a tenant_id only shows the rows of `exflow.tenant_id` to the application role
 * `exflow_app`. (The owner that runs migrations bypasses RLS, as PostgreSQL intends.)
 *
 * Run after every migration (idempotent), so tables added by any migration are covered.
 */
const RLS_SQL = `DO $$
DECLARE t record;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'exflow_app') THEN
    BEGIN
      CREATE ROLE exflow_app NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    WHEN insufficient_privilege THEN
      RAISE NOTICE 'cannot create role exflow_app; row-level security policies are created without it';
    END;
  END IF;
  FOR t IN SELECT c.table_name FROM information_schema.columns c
           JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name AND tb.table_type = 'BASE TABLE'
           WHERE c.table_schema = current_schema() AND c.column_name = 'tenant_id' LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t.table_name);
    EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %I', t.table_name);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = current_setting(''exflow.tenant_id'', true)) WITH CHECK (tenant_id = current_setting(''exflow.tenant_id'', true))', t.table_name);
  END LOOP;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'exflow_app') THEN
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO exflow_app', current_schema());
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO exflow_app', current_schema());
    EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA %I TO exflow_app', current_schema());
  END IF;
END $$`;


export async function enableRowLevelSecurity(db: Db): Promise<void> {
  await db.raw(RLS_SQL);
}
