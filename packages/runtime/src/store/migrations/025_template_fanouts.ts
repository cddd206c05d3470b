import type { Knex } from 'knex';

/**
 * The durable fan-out of a template pack version to an MSP's clients (docs/templates.md).
 *
 * - `template_fanouts`: one publication of a pack version (the MSP is `tenant_id`).
 * - `template_fanout_clients`: one row per client, claimed by any runtime process with a lease
 *   (`locked_until`; a process that dies leaves it to run out, and another takes the row over).
 *   `report` is the per-flow report as far as the work went: each flow is published and its
 *   migrations are recorded in the same transactions that do them, so a take-over carries on
 *   where the dead process stopped instead of doing anything twice.
 */
const statements = [
  `CREATE TABLE template_fanouts (
     tenant_id text NOT NULL REFERENCES tenants(id),
     id text NOT NULL,
     pack text NOT NULL,
     version integer NOT NULL,
     created_by text,
     created_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (tenant_id, id),
     FOREIGN KEY (tenant_id, pack, version) REFERENCES template_packs(tenant_id, name, version))`,
  `CREATE TABLE template_fanout_clients (
     tenant_id text NOT NULL,
     fanout_id text NOT NULL,
     client_id text NOT NULL REFERENCES tenants(id),
     position integer NOT NULL,
     status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
     report jsonb NOT NULL DEFAULT '[]',
     attempts integer NOT NULL DEFAULT 0,
     locked_until timestamptz,
     locked_by text,
     last_error text,
     finished_at timestamptz,
     PRIMARY KEY (tenant_id, fanout_id, client_id),
     FOREIGN KEY (tenant_id, fanout_id) REFERENCES template_fanouts(tenant_id, id))`,
  `CREATE INDEX template_fanout_clients_pending ON template_fanout_clients (fanout_id, position) WHERE status = 'pending'`,
];

export async function up(knex: Knex): Promise<void> {
  for (const sql of statements) await knex.raw(sql);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS template_fanout_clients');
  await knex.raw('DROP TABLE IF EXISTS template_fanouts');
}
