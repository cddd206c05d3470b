import { effectivePreferences, type ChatFormat, type NotificationKind, type NotificationPreferences } from '@exflow/shared';
import type { Db } from './db.js';
import { newId } from './ids.js';

const iso = (v: unknown) => (v == null ? null : v instanceof Date ? v.toISOString() : new Date(v as string).toISOString());

/** A person who may be told something, with their e-mail preferences. */
export interface Recipient {
  userId: string;
  email: string;
  name: string;
  prefs: NotificationPreferences;
}

/** A tenant's team-chat channel (a Slack or Teams incoming webhook) and the kinds it carries. */
export interface NotificationChannel {
  id: string;
  format: ChatFormat;
  url: string;
  kinds: NotificationKind[];
  createdAt: string;
}

/** One message to send, as the notifier derives it. */
export interface NewNotification {
  tenantId: string;
  dedupeKey: string;
  kind: NotificationKind;
  channel: 'email' | 'chat';
  userId: string | null;
  /** An e-mail address, or the incoming-webhook URL a chat message is posted to. */
  recipient: string;
  caseId: string | null;
  subject: string;
  body: string;
  /** Chat: the JSON to post. */
  payload: Record<string, unknown> | null;
}

export interface NotificationRecord {
  id: string;
  kind: NotificationKind;
  channel: 'email' | 'chat';
  caseId: string | null;
  subject: string;
  body: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

/** A message claimed by a delivery worker. */
export interface ClaimedNotification extends NewNotification {
  id: string;
  attempts: number;
  createdAt: string;
}

/** What the notifier reads: reassignments, mentions, SLA clocks, incidents, people. */
export interface ReassignmentFact {
  tenantId: string;
  auditId: string;
  to: string;
  actor: string | null;
  actorName: string | null;
  taskId: string;
  taskTitle: string | null;
  caseId: string | null;
  invoiceNumber: string | null;
  supplierName: string | null;
  dueAt: string | null;
  createdAt: string;
}

export interface MentionFact {
  tenantId: string;
  commentId: string;
  caseId: string;
  author: string;
  authorName: string | null;
  text: string;
  mentions: string[];
  invoiceNumber: string | null;
  supplierName: string | null;
  createdAt: string;
}

export interface SlaFact {
  tenantId: string;
  taskId: string;
  caseId: string;
  title: string;
  assignee: string | null;
  createdAt: Date;
  dueAt: Date;
  invoiceNumber: string | null;
  supplierName: string | null;
}

export interface IncidentFact {
  tenantId: string;
  incidentId: string;
  caseId: string;
  nodeId: string;
  error: string;
  invoiceNumber: string | null;
  supplierName: string | null;
  raisedAt: string;
}

export interface DigestFacts {
  openTasks: number;
  overdueTasks: number;
  breachedToday: number;
  openIncidents: number;
  oldest: { title: string; caseId: string; dueAt: string | null }[];
}

const toRecipient = (r: any): Recipient => ({ userId: r.id, email: r.email, name: r.name, prefs: effectivePreferences(r.prefs, Boolean(r.is_lead)) });

/** Leads, as the workspace counts them: users flagged lead, and tenant and platform admins. */
const IS_LEAD = `(u.lead OR u.roles @> '["tenant_admin"]'::jsonb OR u.roles @> '["platform_admin"]'::jsonb)`;

const toRecord = (r: any): NotificationRecord => ({
  id: r.id,
  kind: r.kind,
  channel: r.channel,
  caseId: r.case_id,
  subject: r.subject,
  body: r.body,
  status: r.status,
  attempts: r.attempts,
  lastError: r.last_error,
  createdAt: iso(r.created_at)!,
  sentAt: iso(r.sent_at),
});

const toChannel = (r: any): NotificationChannel => ({ id: r.id, format: r.format, url: r.url, kinds: r.kinds, createdAt: iso(r.created_at)! });

/** The invoice a task or case is about, for the words of a message. */
const INVOICE_OF_CASE = `LEFT JOIN cases c ON c.tenant_id = x.tenant_id AND c.id = x.case_id
  LEFT JOIN invoices i ON i.tenant_id = c.tenant_id AND i.id = c.invoice_id`;

/** Preferences, chat channels, the notifier's sources and its outbox (migration 022). */
export function createNotificationRepository(db: Db) {
  return {
    async preferences(tenantId: string, userId: string): Promise<Recipient | undefined> {
      const row = await db('users as u')
        .leftJoin('notification_preferences as p', function () {
          this.on('p.tenant_id', 'u.tenant_id').andOn('p.user_id', 'u.id');
        })
        .where({ 'u.tenant_id': tenantId, 'u.id': userId })
        .first('u.id', 'u.email', 'u.name', db.raw(`${IS_LEAD} AS is_lead`), 'p.prefs');
      return row ? toRecipient(row) : undefined;
    },

    /** Stores a person's whole preferences (the route merges a change into the effective ones first). */
    async setPreferences(tenantId: string, userId: string, prefs: NotificationPreferences): Promise<void> {
      await db.raw(
        `INSERT INTO notification_preferences (tenant_id, user_id, prefs) VALUES (?, ?, ?::jsonb)
         ON CONFLICT (tenant_id, user_id) DO UPDATE SET prefs = excluded.prefs, updated_at = now()`,
        [tenantId, userId, JSON.stringify(prefs)],
      );
    },

    /** Active people of a tenant among `userIds` (or its leads / admins), with their preferences. */
    async recipients(tenantId: string, who: { userIds?: string[]; leads?: boolean; admins?: boolean }): Promise<Recipient[]> {
      const rows = await db.raw(
        `SELECT u.id, u.email, u.name, ${IS_LEAD} AS is_lead, p.prefs FROM users u
         LEFT JOIN notification_preferences p ON p.tenant_id = u.tenant_id AND p.user_id = u.id
         WHERE u.tenant_id = ? AND u.disabled_at IS NULL
           AND (u.id IN (SELECT jsonb_array_elements_text(?::jsonb)) OR (? AND ${IS_LEAD}) OR (? AND (u.roles @> '["tenant_admin"]'::jsonb OR u.roles @> '["platform_admin"]'::jsonb)))
         ORDER BY u.id`,
        [tenantId, JSON.stringify(who.userIds ?? []), Boolean(who.leads), Boolean(who.admins)],
      );
      return rows.rows.map(toRecipient);
    },

    async channels(tenantId: string): Promise<NotificationChannel[]> {
      return (await db('notification_channels').where({ tenant_id: tenantId }).orderBy('created_at')).map(toChannel);
    },

    /** Whether anyone can be told anything by chat (a team channel or a person's own webhook). */
    async anyChat(): Promise<boolean> {
      const rows = await db.raw(
        `SELECT EXISTS (SELECT 1 FROM notification_channels) OR EXISTS (SELECT 1 FROM notification_preferences WHERE prefs->'chatWebhook' IS NOT NULL) AS any`,
      );
      return Boolean(rows.rows[0].any);
    },

    /** Moves every cursor-kept source to now (nothing could be told while no outlet existed). */
    async skipTo(sources: string[]): Promise<void> {
      for (const source of sources)
        await db.raw(`INSERT INTO notifier_cursors (source, read_to) VALUES (?, now()) ON CONFLICT (source) DO UPDATE SET read_to = excluded.read_to`, [
          source,
        ]);
    },

    async addChannel(tenantId: string, c: { format: ChatFormat; url: string; kinds: NotificationKind[]; createdBy: string }): Promise<NotificationChannel> {
      const [row] = await db('notification_channels')
        .insert({ tenant_id: tenantId, id: newId(), format: c.format, url: c.url, kinds: JSON.stringify(c.kinds), created_by: c.createdBy })
        .returning('*');
      return toChannel(row);
    },

    async removeChannel(tenantId: string, id: string): Promise<boolean> {
      return (await db('notification_channels').where({ tenant_id: tenantId, id }).delete()) > 0;
    },

    /** Where `source` was read to, or (first read) `margin` before now. */
    async cursor(source: string, marginMs: number): Promise<{ readTo: Date; now: Date }> {
      const rows = await db.raw(
        `SELECT now() AS now, coalesce((SELECT read_to FROM notifier_cursors WHERE source = ?), now() - (? * interval '1 millisecond')) AS read_to`,
        [source, marginMs],
      );
      return { readTo: new Date(rows.rows[0].read_to), now: new Date(rows.rows[0].now) };
    },

    async advance(source: string, to: Date): Promise<void> {
      await db.raw(
        `INSERT INTO notifier_cursors (source, read_to) VALUES (?, ?)
         ON CONFLICT (source) DO UPDATE SET read_to = greatest(notifier_cursors.read_to, excluded.read_to)`,
        [source, to],
      );
    },

    async reassignmentsSince(since: Date, limit: number): Promise<ReassignmentFact[]> {
      const rows = await db.raw(
        `SELECT a.tenant_id, a.id, a.actor, a.data, a.created_at, x.id AS task_id, x.title, x.case_id, x.due_at,
                actor.name AS actor_name, i.invoice_number, i.supplier_name
         FROM audit a
         JOIN tasks x ON x.tenant_id = a.tenant_id AND x.id = a.entity_id
         ${INVOICE_OF_CASE}
         LEFT JOIN users actor ON actor.tenant_id = a.tenant_id AND actor.id = a.actor
         WHERE a.action = 'task.reassigned' AND a.created_at >= ?
           AND NOT EXISTS (SELECT 1 FROM notifier_marks m WHERE m.tenant_id = a.tenant_id AND m.key = 'taskAssigned:' || a.id)
         ORDER BY a.created_at LIMIT ?`,
        [since, limit],
      );
      return rows.rows.map((r: any) => ({
        tenantId: r.tenant_id,
        auditId: r.id,
        to: r.data?.to,
        actor: r.actor,
        actorName: r.actor_name,
        taskId: r.task_id,
        taskTitle: r.title,
        caseId: r.case_id,
        invoiceNumber: r.invoice_number,
        supplierName: r.supplier_name,
        dueAt: iso(r.due_at),
        createdAt: iso(r.created_at)!,
      }));
    },

    async mentionsSince(since: Date, limit: number): Promise<MentionFact[]> {
      const rows = await db.raw(
        `SELECT x.tenant_id, x.id, x.case_id, x.author, x.text, x.mentions, x.created_at, author.name AS author_name, i.invoice_number, i.supplier_name
         FROM comments x
         ${INVOICE_OF_CASE}
         LEFT JOIN users author ON author.tenant_id = x.tenant_id AND author.id = x.author
         WHERE x.mentions <> '[]'::jsonb AND x.created_at >= ?
           AND NOT EXISTS (SELECT 1 FROM notifier_marks m WHERE m.tenant_id = x.tenant_id AND m.key = 'mention:' || x.id)
         ORDER BY x.created_at LIMIT ?`,
        [since, limit],
      );
      return rows.rows.map((r: any) => ({
        tenantId: r.tenant_id,
        commentId: r.id,
        caseId: r.case_id,
        author: r.author,
        authorName: r.author_name,
        text: r.text,
        mentions: r.mentions,
        invoiceNumber: r.invoice_number,
        supplierName: r.supplier_name,
        createdAt: iso(r.created_at)!,
      }));
    },

    async incidentsSince(since: Date, limit: number): Promise<IncidentFact[]> {
      const rows = await db.raw(
        `SELECT x.tenant_id, x.id, x.case_id, x.node_id, x.error, x.raised_at, i.invoice_number, i.supplier_name
         FROM incidents x
         ${INVOICE_OF_CASE}
         WHERE x.raised_at >= ?
           AND NOT EXISTS (SELECT 1 FROM notifier_marks m WHERE m.tenant_id = x.tenant_id AND m.key = 'incident:' || x.id)
         ORDER BY x.raised_at LIMIT ?`,
        [since, limit],
      );
      return rows.rows.map((r: any) => ({
        tenantId: r.tenant_id,
        incidentId: r.id,
        caseId: r.case_id,
        nodeId: r.node_id,
        error: r.error,
        invoiceNumber: r.invoice_number,
        supplierName: r.supplier_name,
        raisedAt: iso(r.raised_at)!,
      }));
    },

    /**
     * Open tasks that have used 80 % of their SLA window and whose phase for their current due
     * time was not told yet (the `sla:<phase>:<task>:<due>` mark), oldest due first.
     */
    async tasksOnSlaClock(limit: number): Promise<SlaFact[]> {
      const rows = await db.raw(
        `SELECT x.tenant_id, x.id, x.case_id, x.title, x.assignee, x.created_at, x.due_at, i.invoice_number, i.supplier_name
         FROM tasks x
         ${INVOICE_OF_CASE}
         WHERE x.status = 'open' AND x.due_at IS NOT NULL
           AND x.created_at + (x.due_at - x.created_at) * 0.8 <= now()
           AND NOT EXISTS (SELECT 1 FROM notifier_marks m WHERE m.tenant_id = x.tenant_id
                 AND m.key = 'sla:' || CASE WHEN x.due_at <= now() THEN 'slaBreached' ELSE 'slaWarning' END || ':' || x.id || ':' || floor(extract(epoch FROM x.due_at) * 1000)::bigint)
         ORDER BY x.due_at LIMIT ?`,
        [limit],
      );
      return rows.rows.map((r: any) => ({
        tenantId: r.tenant_id,
        taskId: r.id,
        caseId: r.case_id,
        title: r.title,
        assignee: r.assignee,
        createdAt: new Date(r.created_at),
        dueAt: new Date(r.due_at),
        invoiceNumber: r.invoice_number,
        supplierName: r.supplier_name,
      }));
    },

    /** People who want today's digest (leads by default) and have not had it, by tenant. */
    async dueDigests(day: string): Promise<{ tenantId: string; recipient: Recipient }[]> {
      const rows = await db.raw(
        `SELECT u.tenant_id, u.id, u.email, u.name, ${IS_LEAD} AS is_lead, p.prefs FROM users u
         LEFT JOIN notification_preferences p ON p.tenant_id = u.tenant_id AND p.user_id = u.id
         WHERE u.disabled_at IS NULL AND u.roles <> '["integration"]'::jsonb AND coalesce((p.prefs->'email'->>'digest')::boolean, ${IS_LEAD})
           AND NOT EXISTS (SELECT 1 FROM notifier_marks m WHERE m.tenant_id = u.tenant_id AND m.key = 'digest:' || u.id || ':' || ?)
         ORDER BY u.tenant_id, u.id`,
        [day],
      );
      return rows.rows.map((r: any) => ({ tenantId: r.tenant_id, recipient: toRecipient(r) }));
    },

    async digestFacts(tenantId: string): Promise<DigestFacts> {
      const counts = await db.raw(
        `SELECT
           (SELECT count(*) FROM tasks WHERE tenant_id = ? AND status = 'open')::int AS open_tasks,
           (SELECT count(*) FROM tasks WHERE tenant_id = ? AND status = 'open' AND due_at < now())::int AS overdue_tasks,
           (SELECT count(*) FROM tasks WHERE tenant_id = ? AND due_at BETWEEN now() - interval '24 hours' AND now()
              AND (status = 'open' OR completed_at > due_at))::int AS breached_today,
           (SELECT count(*) FROM incidents WHERE tenant_id = ? AND resolved_at IS NULL)::int AS open_incidents`,
        [tenantId, tenantId, tenantId, tenantId],
      );
      const oldest = await db('tasks').where({ tenant_id: tenantId, status: 'open' }).orderBy('rank_at').limit(5).select('title', 'case_id', 'due_at');
      const c = counts.rows[0];
      return {
        openTasks: c.open_tasks,
        overdueTasks: c.overdue_tasks,
        breachedToday: c.breached_today,
        openIncidents: c.open_incidents,
        oldest: oldest.map((t: any) => ({ title: t.title, caseId: t.case_id, dueAt: iso(t.due_at) })),
      };
    },

    /**
     * Adds messages (each once per dedupe key) and the marks that say they were derived, in one
     * transaction: a crash before it leaves both to the next tick, after it neither is repeated.
     */
    async enqueue(messages: NewNotification[], marks: { tenantId: string; key: string }[] = []): Promise<number> {
      if (!messages.length && !marks.length) return 0;
      return db.transaction(async (trx) => {
        let added = 0;
        for (const m of messages) {
          const result = await trx.raw(
            `INSERT INTO notifications (tenant_id, id, dedupe_key, kind, channel, user_id, recipient, case_id, subject, body, payload)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb) ON CONFLICT (tenant_id, dedupe_key) DO NOTHING`,
            [
              m.tenantId,
              newId(),
              m.dedupeKey,
              m.kind,
              m.channel,
              m.userId,
              m.recipient,
              m.caseId,
              m.subject,
              m.body,
              m.payload ? JSON.stringify(m.payload) : null,
            ],
          );
          added += result.rowCount ?? 0;
        }
        for (const mark of marks) await trx.raw(`INSERT INTO notifier_marks (tenant_id, key) VALUES (?, ?) ON CONFLICT DO NOTHING`, [mark.tenantId, mark.key]);
        return added;
      });
    },

    /** Claims due messages for `leaseMs` (FOR UPDATE SKIP LOCKED: any number of workers). */
    async claim(limit: number, leaseMs: number): Promise<ClaimedNotification[]> {
      const rows = await db.raw(
        `WITH due AS (
           SELECT tenant_id, id FROM notifications
           WHERE status = 'pending' AND next_attempt_at <= now() AND (locked_until IS NULL OR locked_until < now())
           ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED)
         UPDATE notifications n SET locked_until = now() + (? * interval '1 millisecond'), attempts = n.attempts + 1
         FROM due WHERE n.tenant_id = due.tenant_id AND n.id = due.id
         RETURNING n.*`,
        [limit, leaseMs],
      );
      return rows.rows.map((r: any) => ({
        id: r.id,
        tenantId: r.tenant_id,
        dedupeKey: r.dedupe_key,
        kind: r.kind,
        channel: r.channel,
        userId: r.user_id,
        recipient: r.recipient,
        caseId: r.case_id,
        subject: r.subject,
        body: r.body,
        payload: r.payload,
        attempts: r.attempts,
        createdAt: iso(r.created_at)!,
      }));
    },

    async sent(n: ClaimedNotification): Promise<void> {
      await db('notifications')
        .where({ tenant_id: n.tenantId, id: n.id })
        .update({ status: 'sent', sent_at: db.fn.now(), locked_until: null, last_error: null });
    },

    async retryLater(n: ClaimedNotification, delayMs: number, error: string): Promise<void> {
      await db.raw(
        `UPDATE notifications SET next_attempt_at = now() + (? * interval '1 millisecond'), last_error = ?, locked_until = NULL WHERE tenant_id = ? AND id = ?`,
        [delayMs, error.slice(0, 1000), n.tenantId, n.id],
      );
    },

    async failed(n: ClaimedNotification, error: string): Promise<void> {
      await db('notifications')
        .where({ tenant_id: n.tenantId, id: n.id })
        .update({ status: 'failed', last_error: error.slice(0, 1000), locked_until: null });
    },

    /** A person's latest messages, newest first. */
    async forUser(tenantId: string, userId: string, limit: number): Promise<NotificationRecord[]> {
      return (await db('notifications').where({ tenant_id: tenantId, user_id: userId }).orderBy('created_at', 'desc').limit(limit)).map(toRecord);
    },

    /** A tenant's latest messages of every channel, newest first (admins). */
    async forTenant(tenantId: string, limit: number): Promise<NotificationRecord[]> {
      return (await db('notifications').where({ tenant_id: tenantId }).orderBy('created_at', 'desc').limit(limit)).map(toRecord);
    },
  };
}
