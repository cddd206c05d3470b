import type { Knex } from 'knex';

/**
 * Credentials and connectors.
 *
 * - `credentials`: a tenant's secrets for outbound calls, by name; `sealed` is AES-256-GCM
 *   ciphertext (integration/secretBox.ts) and `key_id` names the key that sealed it, so a key
 *   rotation can find and reseal what the old key sealed. The value never leaves but to the
 *   call that uses it; `last_used_at` says when that was.
 * - `connector_settings`: a tenant's configuration of a connector (base URL, which credential,
 *   whether reference data is pulled live through it).
 * - `effects.waiting_for`: what a call that failed and waits for its next attempt waits for
 *   ("ERP"), so the case can say so beside the next retry time (`run_at`).
 * - webhook secrets are sealed in place (the same columns) by the runtime at start, once a key
 *   is known: a migration has no key.
 */
const statements = [
  `CREATE TABLE credentials (
     tenant_id text NOT NULL REFERENCES tenants(id),
     name text NOT NULL,
     type text NOT NULL,
     sealed text NOT NULL,
     key_id text NOT NULL,
     description text,
     created_by text,
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now(),
     last_used_at timestamptz,
     PRIMARY KEY (tenant_id, name),
     CHECK (type IN ('bearer', 'basic', 'secret')))`,
  `CREATE TABLE connector_settings (
     tenant_id text NOT NULL REFERENCES tenants(id),
     connector text NOT NULL,
     config jsonb NOT NULL DEFAULT '{}',
     credential text,
     reference_data text NOT NULL DEFAULT 'loaded',
     updated_by text,
     updated_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (tenant_id, connector),
     CHECK (reference_data IN ('loaded', 'live')))`,
  `ALTER TABLE effects ADD COLUMN waiting_for text`,
];

export async function up(knex: Knex): Promise<void> {
  for (const sql of statements) await knex.raw(sql);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE effects DROP COLUMN waiting_for');
  for (const table of ['connector_settings', 'credentials']) await knex.raw(`DROP TABLE ${table}`);
}
