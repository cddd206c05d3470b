import type { Knex } from 'knex';

/**
 * Notifications and sub-flow links (docs/integration.md). Notifications: each person's e-mail preferences, the tenant's team-chat
 * channel, and the outbox of messages the notifier derives from durable facts (a reassignment's
 * audit row, a comment's mentions, a task's SLA clock, an incident, the daily digest). A message
 * is made once per `dedupe_key`, so deriving it again after a crash or in a second process adds
 * nothing; `notifier_cursors` remembers how far each source was read, `notifier_marks` what was told
 * without one.
 */
const statements = [
  `CREATE TABLE notification_preferences (
     tenant_id text NOT NULL,
     user_id text NOT NULL,
     prefs jsonb NOT NULL DEFAULT '{}',
     updated_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (tenant_id, user_id),
     FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, id) ON DELETE CASCADE)`,
  `CREATE TABLE notification_channels (
     tenant_id text NOT NULL REFERENCES tenants(id),
     id text NOT NULL,
     format text NOT NULL CHECK (format IN ('slack', 'teams')),
     url text NOT NULL,
     kinds jsonb NOT NULL,
     created_by text,
     created_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (tenant_id, id))`,
  `CREATE TABLE notifications (
     tenant_id text NOT NULL REFERENCES tenants(id),
     id text NOT NULL,
     dedupe_key text NOT NULL,
     kind text NOT NULL,
     channel text NOT NULL CHECK (channel IN ('email', 'chat')),
     user_id text,
     recipient text NOT NULL,
     case_id text,
     subject text NOT NULL,
     body text NOT NULL,
     payload jsonb,
     status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
     attempts integer NOT NULL DEFAULT 0,
     next_attempt_at timestamptz NOT NULL DEFAULT now(),
     locked_until timestamptz,
     last_error text,
     created_at timestamptz NOT NULL DEFAULT now(),
     sent_at timestamptz,
     PRIMARY KEY (tenant_id, id),
     UNIQUE (tenant_id, dedupe_key))`,
  `CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE status = 'pending'`,
  `CREATE INDEX notifications_user ON notifications (tenant_id, user_id, created_at)`,
  `CREATE TABLE notifier_cursors (
     source text PRIMARY KEY,
     read_to timestamptz NOT NULL)`,
  // facts already told without a cursor (a task's SLA phase for its due time, a day's digest)
  `CREATE TABLE notifier_marks (
     tenant_id text NOT NULL REFERENCES tenants(id),
     key text NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (tenant_id, key))`,
  // sub-flow steps: the child case a parent step opened (once per outbox effect), and whether
  // its completion was told to the parent
  `CREATE TABLE subflow_links (
     tenant_id text NOT NULL,
     child_case_id text NOT NULL,
     parent_case_id text NOT NULL,
     parent_node_id text NOT NULL,
     parent_effect_id text NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now(),
     reported_at timestamptz,
     PRIMARY KEY (tenant_id, child_case_id),
     UNIQUE (tenant_id, parent_effect_id),
     FOREIGN KEY (tenant_id, child_case_id) REFERENCES cases(tenant_id, id),
     FOREIGN KEY (tenant_id, parent_case_id) REFERENCES cases(tenant_id, id))`,
  `CREATE INDEX subflow_links_unreported ON subflow_links (created_at) WHERE reported_at IS NULL`,
  `CREATE INDEX subflow_links_parent ON subflow_links (tenant_id, parent_case_id)`,
  // the sources the notifier reads across tenants, newest first
  `CREATE INDEX audit_reassigned ON audit (created_at) WHERE action = 'task.reassigned'`,
  `CREATE INDEX comments_mentioning ON comments (created_at) WHERE mentions <> '[]'::jsonb`,
  `CREATE INDEX tasks_open_due ON tasks (due_at) WHERE status = 'open' AND due_at IS NOT NULL`,
  `CREATE INDEX incidents_raised ON incidents (raised_at)`,
];

export async function up(knex: Knex): Promise<void> {
  for (const sql of statements) await knex.raw(sql);
}

export async function down(knex: Knex): Promise<void> {
  for (const index of ['audit_reassigned', 'comments_mentioning', 'tasks_open_due', 'incidents_raised']) await knex.raw(`DROP INDEX ${index}`);
  for (const table of ['subflow_links', 'notifier_marks', 'notifier_cursors', 'notifications', 'notification_channels', 'notification_preferences'])
    await knex.raw(`DROP TABLE ${table}`);
}
