import type { Knex } from 'knex';

/**
 * The AI suggestion step's record (docs/ai.md).
 *
 * - `ai_suggestions`: one row per suggestion the step asked for, with what the gate did with it
 *   (`mode`: auto, prefill or advice) and, once the task is completed, the human's decision
 *   beside it (`human_outcome`, `human_user`, `decided_at`, `agreed`). A step completed by the
 *   system (`auto`) has `decided_by = 'system'` and no human outcome. Agreement rates per
 *   exception kind are read from here.
 * - `ai_alerts`: drift alerts (the agreement rate of a kind over the rolling window fell below
 *   the tenant's threshold), open until an admin acknowledges them; one open alert per kind.
 */
const statements = [
  `CREATE TABLE ai_suggestions (
     tenant_id text NOT NULL,
     id text NOT NULL,
     case_id text NOT NULL,
     step_id text NOT NULL,
     task_id text,
     exception_kind text,
     suggested_outcome text NOT NULL,
     probability double precision NOT NULL,
     alternatives jsonb NOT NULL DEFAULT '[]',
     factors jsonb NOT NULL DEFAULT '[]',
     model_id text NOT NULL,
     threshold double precision NOT NULL,
     mode text NOT NULL,
     reasons jsonb NOT NULL DEFAULT '[]',
     human_outcome text,
     human_user text,
     decided_by text,
     decided_at timestamptz,
     agreed boolean,
     created_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (tenant_id, id),
     FOREIGN KEY (tenant_id, case_id) REFERENCES cases(tenant_id, id),
     CHECK (mode IN ('auto', 'prefill', 'advice')),
     CHECK (probability >= 0 AND probability <= 1))`,
  `CREATE INDEX ai_suggestions_step ON ai_suggestions (tenant_id, case_id, step_id, created_at DESC)`,
  `CREATE INDEX ai_suggestions_decided ON ai_suggestions (tenant_id, exception_kind, decided_at DESC) WHERE agreed IS NOT NULL`,
  `CREATE TABLE ai_alerts (
     tenant_id text NOT NULL REFERENCES tenants(id),
     id text NOT NULL,
     kind text NOT NULL,
     exception_kind text NOT NULL,
     agreement_rate double precision NOT NULL,
     threshold double precision NOT NULL,
     window_size integer NOT NULL,
     message text NOT NULL,
     status text NOT NULL DEFAULT 'open',
     raised_at timestamptz NOT NULL DEFAULT now(),
     acknowledged_by text,
     acknowledged_at timestamptz,
     PRIMARY KEY (tenant_id, id),
     CHECK (status IN ('open', 'acknowledged')))`,
  `CREATE UNIQUE INDEX ai_alerts_one_open ON ai_alerts (tenant_id, kind, exception_kind) WHERE status = 'open'`,
];

export async function up(knex: Knex): Promise<void> {
  for (const sql of statements) await knex.raw(sql);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['ai_alerts', 'ai_suggestions']) await knex.raw(`DROP TABLE ${table}`);
}
