import type { Knex } from 'knex';

/**
 * MSP template inheritance.
 *
 * - `template_packs`: packs an MSP uploads (its own flows, validated), versioned: a new upload
 *   of a name is the next version; rows are never changed. Its clients may read them.
 *   `extension_points`: per flow key, the edges on which clients may add their own steps.
 * - `template_layers`: a client's layer on one flow of its MSP's pack: the base it stands on
 *   (MSP, pack, version, flow key), its overrides (JSON merge patches by node id), the client
 *   definition that holds the effective flow, and the report of the last recomputation.
 */
const statements = [
  `CREATE TABLE template_packs (
     tenant_id text NOT NULL REFERENCES tenants(id),
     name text NOT NULL,
     version integer NOT NULL,
     title text NOT NULL,
     flows jsonb NOT NULL,
     extension_points jsonb NOT NULL DEFAULT '{}',
     created_by text,
     created_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (tenant_id, name, version))`,
  `CREATE TABLE template_layers (
     tenant_id text NOT NULL REFERENCES tenants(id),
     flow_key text NOT NULL,
     msp_id text NOT NULL REFERENCES tenants(id),
     pack text NOT NULL,
     base_version integer NOT NULL,
     definition_id text NOT NULL,
     overrides jsonb NOT NULL DEFAULT '{"nodes":{}}',
     report jsonb NOT NULL DEFAULT '[]',
     updated_by text,
     updated_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (tenant_id, flow_key),
     FOREIGN KEY (tenant_id, definition_id) REFERENCES definitions(tenant_id, id))`,
  // a client reads its MSP's packs (the base its layers stand on) under row-level security;
  // tenant_isolation (rowLevelSecurity.ts) still limits writes to the MSP itself
  `CREATE POLICY msp_clients_read ON template_packs FOR SELECT USING (tenant_id = (SELECT exflow_current_tenant_parent()))`,
];

export async function up(knex: Knex): Promise<void> {
  for (const sql of statements) await knex.raw(sql);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS template_layers');
  await knex.raw('DROP TABLE IF EXISTS template_packs');
}
