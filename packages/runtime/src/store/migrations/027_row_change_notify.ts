import type { Knex } from 'knex';

/**
 * Rows the runtime remembers between requests (store/rowCache.ts) announce their changes: every
 * insert, update or delete NOTIFYs `exflow_rows:<schema>` with the cache key of the row when it
 * commits, whoever made it (another runtime process, or SQL), so every process forgets what it
 * remembered. The key is the trigger's first argument followed by the named columns, joined by
 * `|` (`tenant|<id>`, `delegations|<tenant>|<to_user>`, `taxRates|<country>`,
 * `routing|<tenant>`); an update announces the old row's key and the new one's. (PostgreSQL folds
 * identical notices of one transaction into one.)
 */
const statements = [
  `CREATE FUNCTION row_changed_notify() RETURNS trigger LANGUAGE plpgsql AS $$
   DECLARE r jsonb; k text; i int;
   BEGIN
     FOREACH r IN ARRAY CASE TG_OP WHEN 'INSERT' THEN ARRAY[to_jsonb(NEW)] WHEN 'DELETE' THEN ARRAY[to_jsonb(OLD)]
                                   ELSE ARRAY[to_jsonb(OLD), to_jsonb(NEW)] END LOOP
       k := TG_ARGV[0];
       FOR i IN 1 .. TG_NARGS - 1 LOOP
         k := k || '|' || coalesce(r ->> TG_ARGV[i], '');
       END LOOP;
       PERFORM pg_notify('exflow_rows:' || current_schema(), k);
     END LOOP;
     RETURN NULL;
   END $$`,
  `CREATE TRIGGER tenants_changed_notify AFTER INSERT OR UPDATE OR DELETE ON tenants
   FOR EACH ROW EXECUTE FUNCTION row_changed_notify('tenant', 'id')`,
  `CREATE TRIGGER delegations_changed_notify AFTER INSERT OR UPDATE OR DELETE ON delegations
   FOR EACH ROW EXECUTE FUNCTION row_changed_notify('delegations', 'tenant_id', 'to_user')`,
  `CREATE TRIGGER tax_rates_changed_notify AFTER INSERT OR UPDATE OR DELETE ON tax_rates
   FOR EACH ROW EXECUTE FUNCTION row_changed_notify('taxRates', 'country')`,
  `CREATE TRIGGER routing_tables_changed_notify AFTER INSERT OR UPDATE OR DELETE ON routing_tables
   FOR EACH ROW EXECUTE FUNCTION row_changed_notify('routing', 'tenant_id')`,
];

export async function up(knex: Knex): Promise<void> {
  for (const sql of statements) await knex.raw(sql);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['routing_tables', 'tax_rates', 'delegations', 'tenants']) await knex.raw(`DROP TRIGGER IF EXISTS ${table}_changed_notify ON ${table}`);
  await knex.raw('DROP FUNCTION IF EXISTS row_changed_notify()');
}
