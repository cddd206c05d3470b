import type { Knex } from 'knex';

/**
 * AI models as versioned data (docs/ai.md): one row per trained model of a tenant, never
 * updated, and one retraining job per tenant whose lease lets any runtime process run it
 * (a process that dies mid-training loses its lease and another takes the job over).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE ai_models (
     tenant_id text NOT NULL REFERENCES tenants(id),
     id text NOT NULL,
     kind text NOT NULL,
     version integer NOT NULL,
     trained_from date,
     trained_to date,
     n integer NOT NULL,
     pooled_from jsonb NOT NULL DEFAULT '[]',
     metrics jsonb NOT NULL DEFAULT '{}',
     calibration jsonb,
     reliability jsonb NOT NULL DEFAULT '[]',
     model jsonb NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (tenant_id, id),
     UNIQUE (tenant_id, kind, version))`);
  await knex.raw(`CREATE TABLE ai_training_jobs (
     tenant_id text NOT NULL REFERENCES tenants(id),
     next_run_at timestamptz NOT NULL DEFAULT now(),
     locked_until timestamptz,
     locked_by text,
     attempts integer NOT NULL DEFAULT 0,
     last_run_at timestamptz,
     last_error text,
     PRIMARY KEY (tenant_id))`);
  await knex.raw(`CREATE INDEX ai_training_jobs_due ON ai_training_jobs (next_run_at)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE ai_training_jobs');
  await knex.raw('DROP TABLE ai_models');
}
