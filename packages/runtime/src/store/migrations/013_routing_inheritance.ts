import type { Knex } from 'knex';

// A client tenant routes by its MSP's table (docs/checks.md, "Routing"), so under row-level
// security a tenant may read, never write, the routing row of its MSP. Permissive policies add
// up: this one widens `tenant_isolation` for SELECT only.
const POLICY = `CREATE POLICY routing_from_msp ON routing_tables FOR SELECT USING (tenant_id = (SELECT exflow_current_tenant_parent()))`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(POLICY);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP POLICY IF EXISTS routing_from_msp ON routing_tables');
}
