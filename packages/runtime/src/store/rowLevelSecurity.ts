import type { Db } from './db.js';

/**
 * Row-level security as the second wall behind the repositories' tenant filter: every table
 * with a tenant_id only shows the rows of the scope's tenant to the application role
 * `exflow_app`, and `tenants` only the tenant itself, its MSP and its clients. The scope's
 * tenant is `exflow_current_tenant()` (migration 008): `exflow.tenant_id` counts only with the
 * proof the owner set beside it (tenantScope.ts), which the application role cannot make.
 * The application role gets no privilege on `signing_keys` (private keys) nor on the secret
 * of the proof. (The owner that runs migrations bypasses RLS, as PostgreSQL intends.)
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
  -- only what is missing is changed: another process may be running on these tables, and
  -- ALTER TABLE / CREATE POLICY / GRANT take locks that could deadlock with its transactions
  FOR t IN SELECT c.table_name FROM information_schema.columns c
           JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name AND tb.table_type = 'BASE TABLE'
           WHERE c.table_schema = current_schema() AND c.column_name = 'tenant_id' LOOP
    IF NOT (SELECT relrowsecurity FROM pg_class WHERE oid = format('%I.%I', current_schema(), t.table_name)::regclass) THEN
      EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t.table_name);
    END IF;
    -- (SELECT ...): evaluated once per statement, not once per row
    IF NOT EXISTS (SELECT 1 FROM pg_policies WHERE schemaname = current_schema() AND tablename = t.table_name AND policyname = 'tenant_isolation') THEN
      EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = (SELECT exflow_current_tenant())) WITH CHECK (tenant_id = (SELECT exflow_current_tenant()))', t.table_name);
    ELSIF NOT EXISTS (SELECT 1 FROM pg_policies WHERE schemaname = current_schema() AND tablename = t.table_name AND policyname = 'tenant_isolation' AND qual LIKE '%exflow_current_tenant()%') THEN
      -- a policy of before migration 008 (it trusted exflow.tenant_id as set)
      EXECUTE format('ALTER POLICY tenant_isolation ON %I USING (tenant_id = (SELECT exflow_current_tenant())) WITH CHECK (tenant_id = (SELECT exflow_current_tenant()))', t.table_name);
    END IF;
  END LOOP;
  IF NOT (SELECT relrowsecurity FROM pg_class WHERE oid = format('%I.tenants', current_schema())::regclass) THEN
    ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_policies WHERE schemaname = current_schema() AND tablename = 'tenants' AND policyname = 'tenant_self') THEN
    CREATE POLICY tenant_self ON tenants USING (id = (SELECT exflow_current_tenant()) OR parent_id = (SELECT exflow_current_tenant()) OR id = (SELECT exflow_current_tenant_parent()));
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'exflow_app') THEN
    IF NOT has_schema_privilege('exflow_app', current_schema(), 'USAGE') THEN
      EXECUTE format('GRANT USAGE ON SCHEMA %I TO exflow_app', current_schema());
    END IF;
    FOR t IN SELECT tablename AS table_name FROM pg_tables WHERE schemaname = current_schema() AND tablename IN ('signing_keys', 'exflow_scope_secret') LOOP
      IF has_table_privilege('exflow_app', format('%I.%I', current_schema(), t.table_name), 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER') THEN
        EXECUTE format('REVOKE ALL ON %I FROM exflow_app', t.table_name);
      END IF;
    END LOOP;
    FOR t IN SELECT tablename AS table_name FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT IN ('signing_keys', 'exflow_scope_secret') LOOP
      IF NOT has_table_privilege('exflow_app', format('%I.%I', current_schema(), t.table_name), 'SELECT, INSERT, UPDATE, DELETE') THEN
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO exflow_app', t.table_name);
      END IF;
    END LOOP;
    FOR t IN SELECT sequencename AS table_name FROM pg_sequences WHERE schemaname = current_schema() LOOP
      IF NOT has_sequence_privilege('exflow_app', format('%I.%I', current_schema(), t.table_name), 'USAGE') THEN
        EXECUTE format('GRANT USAGE ON SEQUENCE %I TO exflow_app', t.table_name);
      END IF;
    END LOOP;
  END IF;
END $$`;

export async function enableRowLevelSecurity(db: Db): Promise<void> {
  await db.raw(RLS_SQL);
}
