import type { Knex } from 'knex';

/**
 * Retry policy as data on each effect, and incidents: a case whose call failed past its retry
 * policy, with no error edge to take, waits at that step until someone retries the call.
 */
export async function up(knex: Knex): Promise<void> {
  // existing rows keep the old behaviour: a spent effect sends service.failed
  await knex.raw(`ALTER TABLE effects
    ADD COLUMN retry_policy jsonb,
    ADD COLUMN on_failure text NOT NULL DEFAULT 'error-edge',
    ADD COLUMN policy_started_at timestamptz,
    ADD COLUMN policy_attempts_base integer NOT NULL DEFAULT 0`);
  await knex.raw(`CREATE TABLE incidents (
     tenant_id text NOT NULL,
     id text NOT NULL,
     case_id text NOT NULL,
     effect_id text NOT NULL,
     node_id text NOT NULL,
     service text,
     error text NOT NULL,
     reason text NOT NULL,
     attempts integer NOT NULL,
     raised_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now(),
     resolved_at timestamptz,
     resolution text,
     PRIMARY KEY (tenant_id, id),
     UNIQUE (tenant_id, effect_id),
     FOREIGN KEY (tenant_id, case_id) REFERENCES cases(tenant_id, id),
     FOREIGN KEY (tenant_id, effect_id) REFERENCES effects(tenant_id, id))`);
  await knex.raw(`CREATE INDEX incidents_open ON incidents (tenant_id, raised_at) WHERE resolved_at IS NULL`);
  await knex.raw(`CREATE INDEX incidents_case ON incidents (tenant_id, case_id)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE incidents');
  await knex.raw('ALTER TABLE effects DROP COLUMN retry_policy, DROP COLUMN on_failure, DROP COLUMN policy_started_at, DROP COLUMN policy_attempts_base');
}
