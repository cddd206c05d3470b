import type { Knex } from 'knex';

/**
 * Hosts and networks a platform admin lets outbound calls reach although they are not public
 * (an ERP inside the MSP's network). An entry applies to its tenant and, for an MSP, to its
 * client tenants.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE egress_allow (
     tenant_id text NOT NULL REFERENCES tenants(id),
     id text NOT NULL,
     entry text NOT NULL,
     note text,
     created_by text,
     created_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (tenant_id, id),
     UNIQUE (tenant_id, entry))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE egress_allow');
}
