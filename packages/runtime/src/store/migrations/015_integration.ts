import type { Knex } from 'knex';

/**
 * Cases that wait for the outside world, and the outside world told about cases.
 *
 * - `message_subscriptions`: a case waiting at a wait-for-message step, written and removed by
 *   the transition itself (writeTransition), like tasks and timers.
 * - `messages`: inbound messages (API or CloudEvents), unique by (source, message_id) so a
 *   redelivered one is acted on once; one that no case waits for yet is `buffered` until
 *   `expires_at`, and the first case to subscribe claims it in the same statement.
 * - `webhook_subscriptions` / `webhook_deliveries`: outbound Standard Webhooks; deliveries are
 *   an outbox written in the transition's statement and claimed with FOR UPDATE SKIP LOCKED.
 */
const statements = [
  `CREATE TABLE message_subscriptions (
     tenant_id text NOT NULL,
     id text NOT NULL,
     case_id text NOT NULL,
     node_id text NOT NULL,
     message_name text NOT NULL,
     correlation_key text,
     created_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (tenant_id, id),
     FOREIGN KEY (tenant_id, case_id) REFERENCES cases(tenant_id, id))`,
  `CREATE INDEX message_subscriptions_match ON message_subscriptions (tenant_id, message_name, correlation_key)`,
  `CREATE INDEX message_subscriptions_case ON message_subscriptions (tenant_id, case_id)`,
  `CREATE TABLE messages (
     tenant_id text NOT NULL REFERENCES tenants(id),
     id text NOT NULL,
     source text NOT NULL,
     message_id text NOT NULL,
     name text NOT NULL,
     correlation_key text NOT NULL,
     payload jsonb NOT NULL DEFAULT '{}',
     status text NOT NULL DEFAULT 'correlating',
     claimed_case_id text,
     claimed_node_id text,
     delivered_to jsonb NOT NULL DEFAULT '[]',
     received_by text,
     received_at timestamptz NOT NULL DEFAULT now(),
     expires_at timestamptz NOT NULL,
     correlated_at timestamptz,
     PRIMARY KEY (tenant_id, id),
     UNIQUE (tenant_id, source, message_id),
     CHECK (status IN ('correlating', 'buffered', 'claimed', 'correlated', 'expired')))`,
  `CREATE INDEX messages_waiting ON messages (tenant_id, name, correlation_key, received_at) WHERE status IN ('buffered', 'claimed', 'correlating')`,
  `CREATE TABLE webhook_subscriptions (
     tenant_id text NOT NULL REFERENCES tenants(id),
     id text NOT NULL,
     url text NOT NULL,
     event_types jsonb NOT NULL,
     description text,
     secret text NOT NULL,
     previous_secret text,
     previous_secret_until timestamptz,
     status text NOT NULL DEFAULT 'active',
     gone_count integer NOT NULL DEFAULT 0,
     disabled_reason text,
     created_by text,
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (tenant_id, id),
     CHECK (status IN ('active', 'disabled')))`,
  `CREATE TABLE webhook_deliveries (
     tenant_id text NOT NULL,
     id text NOT NULL,
     subscription_id text NOT NULL,
     event_id text NOT NULL,
     event_type text NOT NULL,
     subject text,
     data jsonb NOT NULL,
     occurred_at timestamptz NOT NULL DEFAULT now(),
     status text NOT NULL DEFAULT 'pending',
     attempts integer NOT NULL DEFAULT 0,
     next_attempt_at timestamptz NOT NULL DEFAULT now(),
     locked_until timestamptz,
     first_attempt_at timestamptz,
     last_status integer,
     last_error text,
     delivered_at timestamptz,
     PRIMARY KEY (tenant_id, id),
     UNIQUE (tenant_id, subscription_id, event_id),
     FOREIGN KEY (tenant_id, subscription_id) REFERENCES webhook_subscriptions(tenant_id, id) ON DELETE CASCADE,
     CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled')))`,
  `CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'`,
  `CREATE INDEX webhook_deliveries_log ON webhook_deliveries (tenant_id, subscription_id, occurred_at DESC)`,
];

export async function up(knex: Knex): Promise<void> {
  for (const sql of statements) await knex.raw(sql);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['webhook_deliveries', 'webhook_subscriptions', 'messages', 'message_subscriptions']) await knex.raw(`DROP TABLE ${table}`);
}
