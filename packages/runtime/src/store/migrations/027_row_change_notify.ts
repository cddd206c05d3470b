import type { Knex } from 'knex';

/**
 * Rows the runtime remembers between requests (store/rowCache.ts: a tenant and its policies, the
 * delegations to a user) announce their changes: every insert, update or delete NOTIFYs
 * `exflow_rows:<schema>` with the cache key of the row (`tenant|<id>`,
 * `delegations|<tenant>|<to_user>`) when it commits, whoever made it (another runtime process,
 * or SQL), so every process forgets what it remembered. (PostgreSQL folds identical notices of
 * one transaction into one; an update notices both the old and the new key.)
 */
const statements = [
  // one function per table: PL/pgSQL resolves a record's fields when it prepares an expression
  `CREATE FUNCTION tenant_changed_notify() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP <> 'INSERT' THEN PERFORM pg_notify('exflow_rows:' || current_schema(), 'tenant|' || OLD.id); END IF;
     IF TG_OP <> 'DELETE' THEN PERFORM pg_notify('exflow_rows:' || current_schema(), 'tenant|' || NEW.id); END IF;
     RETURN NULL;
   END $$`,
  `CREATE FUNCTION delegation_changed_notify() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP <> 'INSERT' THEN PERFORM pg_notify('exflow_rows:' || current_schema(), 'delegations|' || OLD.tenant_id || '|' || OLD.to_user); END IF;
     IF TG_OP <> 'DELETE' THEN PERFORM pg_notify('exflow_rows:' || current_schema(), 'delegations|' || NEW.tenant_id || '|' || NEW.to_user); END IF;
     RETURN NULL;
   END $$`,
  `CREATE TRIGGER tenants_changed_notify AFTER INSERT OR UPDATE OR DELETE ON tenants FOR EACH ROW EXECUTE FUNCTION tenant_changed_notify()`,
  `CREATE TRIGGER delegations_changed_notify AFTER INSERT OR UPDATE OR DELETE ON delegations FOR EACH ROW EXECUTE FUNCTION delegation_changed_notify()`,
];

export async function up(knex: Knex): Promise<void> {
  for (const sql of statements) await knex.raw(sql);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER IF EXISTS delegations_changed_notify ON delegations');
  await knex.raw('DROP TRIGGER IF EXISTS tenants_changed_notify ON tenants');
  await knex.raw('DROP FUNCTION IF EXISTS delegation_changed_notify()');
  await knex.raw('DROP FUNCTION IF EXISTS tenant_changed_notify()');
}
