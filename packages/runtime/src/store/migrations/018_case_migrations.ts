import type { Knex } from 'knex';

/**
 * Running-case migration (docs/migration.md): a plan from one published version of a flow to
 * another, its batches, and per case the state before and after the move, so a batch can be
 * rolled back exactly.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE case_migrations (
     tenant_id text NOT NULL,
     id text NOT NULL,
     definition_id text NOT NULL,
     from_version integer NOT NULL,
     to_version integer NOT NULL,
     mapping jsonb NOT NULL,
     unmapped jsonb NOT NULL DEFAULT '[]',
     batch_size integer NOT NULL,
     created_by text,
     created_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (tenant_id, id),
     FOREIGN KEY (tenant_id, definition_id, from_version) REFERENCES definition_versions(tenant_id, definition_id, version),
     FOREIGN KEY (tenant_id, definition_id, to_version) REFERENCES definition_versions(tenant_id, definition_id, version))`);
  await knex.raw(`CREATE TABLE case_migration_batches (
     tenant_id text NOT NULL,
     migration_id text NOT NULL,
     n integer NOT NULL,
     status text NOT NULL DEFAULT 'pending',
     applied_at timestamptz,
     applied_by text,
     rolled_back_at timestamptz,
     rolled_back_by text,
     PRIMARY KEY (tenant_id, migration_id, n),
     FOREIGN KEY (tenant_id, migration_id) REFERENCES case_migrations(tenant_id, id))`);
  // batch 0 holds the cases the plan found blocked; they are never applied
  await knex.raw(`CREATE TABLE case_migration_items (
     tenant_id text NOT NULL,
     migration_id text NOT NULL,
     case_id text NOT NULL,
     batch integer NOT NULL,
     status text NOT NULL DEFAULT 'pending',
     reason text,
     expected_version integer NOT NULL,
     before jsonb,
     after jsonb,
     updated_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (tenant_id, migration_id, case_id),
     FOREIGN KEY (tenant_id, migration_id) REFERENCES case_migrations(tenant_id, id),
     FOREIGN KEY (tenant_id, case_id) REFERENCES cases(tenant_id, id))`);
  await knex.raw(`CREATE INDEX case_migration_items_batch ON case_migration_items (tenant_id, migration_id, batch)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE case_migration_items');
  await knex.raw('DROP TABLE case_migration_batches');
  await knex.raw('DROP TABLE case_migrations');
}
