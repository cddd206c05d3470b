import type { Db } from './db.js';
import { newId } from './ids.js';

export interface WebhookSubscription {
  id: string;
  url: string;
  eventTypes: string[];
  description: string | null;
  status: 'active' | 'disabled';
  disabledReason: string | null;
  /** Until when the secret before the last rotation still signs too; `null` when none does. */
  previousSecretUntil: string | null;
  createdAt: string;
}

export interface WebhookDelivery {
  id: string;
  subscriptionId: string;
  eventId: string;
  eventType: string;
  subject: string | null;
  data: Record<string, unknown>;
  occurredAt: string;
  status: 'pending' | 'delivered' | 'failed' | 'cancelled';
  attempts: number;
  nextAttemptAt: string;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: string | null;
}

/** A delivery claimed by a worker, with what it needs to send it. */
export interface ClaimedDelivery extends WebhookDelivery {
  tenantId: string;
  url: string;
  /** The secrets that sign it: the current one, and the previous one during a rotation window. */
  secrets: string[];
  firstAttemptAt: string;
}

const iso = (v: unknown) => (v == null ? null : v instanceof Date ? v.toISOString() : (v as string));

const toSubscription = (r: any): WebhookSubscription => ({
  id: r.id,
  url: r.url,
  eventTypes: r.event_types,
  description: r.description,
  status: r.status,
  disabledReason: r.disabled_reason,
  previousSecretUntil: r.previous_secret && new Date(r.previous_secret_until) > new Date() ? iso(r.previous_secret_until) : null,
  createdAt: iso(r.created_at)!,
});

const toDelivery = (r: any): WebhookDelivery => ({
  id: r.id,
  subscriptionId: r.subscription_id,
  eventId: r.event_id,
  eventType: r.event_type,
  subject: r.subject,
  data: r.data,
  occurredAt: iso(r.occurred_at)!,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: iso(r.next_attempt_at)!,
  lastStatus: r.last_status,
  lastError: r.last_error,
  deliveredAt: iso(r.delivered_at),
});

/** Consecutive 410 Gone answers after which a subscription is disabled. */
export const GONE_LIMIT = 3;

/** Outbound webhook subscriptions and their delivery outbox (migration 015). Secrets never leave except when made. */
export function createWebhookRepository(db: Db) {
  return {
    async create(
      tenantId: string,
      s: { url: string; eventTypes: string[]; description?: string; secret: string; createdBy: string | null },
    ): Promise<WebhookSubscription> {
      const [row] = await db('webhook_subscriptions')
        .insert({
          tenant_id: tenantId,
          id: newId(),
          url: s.url,
          event_types: JSON.stringify(s.eventTypes),
          description: s.description ?? null,
          secret: s.secret,
          created_by: s.createdBy,
        })
        .returning('*');
      return toSubscription(row);
    },

    async list(tenantId: string): Promise<WebhookSubscription[]> {
      return (await db('webhook_subscriptions').where({ tenant_id: tenantId }).orderBy('created_at')).map(toSubscription);
    },

    async get(tenantId: string, id: string): Promise<WebhookSubscription | undefined> {
      const row = await db('webhook_subscriptions').where({ tenant_id: tenantId, id }).first();
      return row ? toSubscription(row) : undefined;
    },

    async remove(tenantId: string, id: string): Promise<boolean> {
      // the deleted rows, not a count: knex-pglite does not report one
      return (await db('webhook_subscriptions').where({ tenant_id: tenantId, id }).delete().returning('id')).length > 0;
    },

    /** A new secret; the old one keeps signing (a second signature) until `windowMs` from now. */
    async rotate(tenantId: string, id: string, secret: string, windowMs: number): Promise<WebhookSubscription | undefined> {
      const rows = await db.raw(
        `UPDATE webhook_subscriptions SET previous_secret = secret, previous_secret_until = now() + (? * interval '1 millisecond'), secret = ?, updated_at = now()
         WHERE tenant_id = ? AND id = ? RETURNING *`,
        [windowMs, secret, tenantId, id],
      );
      return rows.rows[0] ? toSubscription(rows.rows[0]) : undefined;
    },

    async enable(tenantId: string, id: string): Promise<WebhookSubscription | undefined> {
      const [row] = await db('webhook_subscriptions')
        .where({ tenant_id: tenantId, id })
        .update({ status: 'active', gone_count: 0, disabled_reason: null, updated_at: db.fn.now() })
        .returning('*');
      return row ? toSubscription(row) : undefined;
    },

    async deliveries(tenantId: string, subscriptionId: string, limit: number): Promise<WebhookDelivery[]> {
      const rows = await db('webhook_deliveries')
        .where({ tenant_id: tenantId, subscription_id: subscriptionId })
        .orderBy([
          { column: 'occurred_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(limit);
      return rows.map(toDelivery);
    },

    /** Sends a delivery again (same webhook-id, so a receiver that deduplicates acts once). */
    async replay(tenantId: string, subscriptionId: string, id: string): Promise<WebhookDelivery | undefined> {
      const [row] = await db('webhook_deliveries')
        .where({ tenant_id: tenantId, subscription_id: subscriptionId, id })
        .update({ status: 'pending', attempts: 0, first_attempt_at: null, next_attempt_at: db.fn.now(), locked_until: null })
        .returning('*');
      return row ? toDelivery(row) : undefined;
    },

    /** Claims due deliveries of active subscriptions for `leaseMs` (FOR UPDATE SKIP LOCKED: any number of workers). */
    async claim(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
      const rows = await db.raw(
        `WITH due AS (
           SELECT d.tenant_id, d.id FROM webhook_deliveries d
           WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND (d.locked_until IS NULL OR d.locked_until < now())
           ORDER BY d.next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED)
         UPDATE webhook_deliveries d SET locked_until = now() + (? * interval '1 millisecond'), attempts = d.attempts + 1,
           first_attempt_at = coalesce(d.first_attempt_at, now())
         FROM due, webhook_subscriptions s
         WHERE d.tenant_id = due.tenant_id AND d.id = due.id AND s.tenant_id = d.tenant_id AND s.id = d.subscription_id AND s.status = 'active'
         RETURNING d.*, s.url, s.secret, CASE WHEN s.previous_secret_until > now() THEN s.previous_secret END AS previous_secret`,
        [limit, leaseMs],
      );
      return rows.rows.map((r: any) => ({
        ...toDelivery(r),
        tenantId: r.tenant_id,
        url: r.url,
        secrets: [r.secret, r.previous_secret].filter(Boolean),
        firstAttemptAt: iso(r.first_attempt_at)!,
      }));
    },

    async delivered(d: ClaimedDelivery, status: number): Promise<void> {
      await db('webhook_deliveries')
        .where({ tenant_id: d.tenantId, id: d.id })
        .update({ status: 'delivered', delivered_at: db.fn.now(), last_status: status, last_error: null, locked_until: null });
      await db('webhook_subscriptions').where({ tenant_id: d.tenantId, id: d.subscriptionId }).update({ gone_count: 0 });
    },

    async retryLater(d: ClaimedDelivery, delayMs: number, status: number | null, error: string): Promise<void> {
      await db.raw(
        `UPDATE webhook_deliveries SET next_attempt_at = now() + (? * interval '1 millisecond'), last_status = ?, last_error = ?, locked_until = NULL WHERE tenant_id = ? AND id = ?`,
        [delayMs, status, error.slice(0, 1000), d.tenantId, d.id],
      );
    },

    async failed(d: ClaimedDelivery, status: number | null, error: string): Promise<void> {
      await db('webhook_deliveries')
        .where({ tenant_id: d.tenantId, id: d.id })
        .update({ status: 'failed', last_status: status, last_error: error.slice(0, 1000), locked_until: null });
    },

    /**
     * The receiver answered 410 Gone: the delivery fails, and after {@link GONE_LIMIT} in a row the
     * subscription is disabled and its pending deliveries cancelled. Returns whether it was disabled.
     */
    async gone(d: ClaimedDelivery): Promise<boolean> {
      await this.failed(d, 410, `${d.url} answered 410 Gone`);
      const rows = await db.raw(
        `UPDATE webhook_subscriptions SET gone_count = gone_count + 1,
           status = CASE WHEN gone_count + 1 >= ? THEN 'disabled' ELSE status END,
           disabled_reason = CASE WHEN gone_count + 1 >= ? THEN 'the receiver answered 410 Gone ' || (gone_count + 1) || ' times in a row' ELSE disabled_reason END,
           updated_at = now()
         WHERE tenant_id = ? AND id = ? RETURNING status`,
        [GONE_LIMIT, GONE_LIMIT, d.tenantId, d.subscriptionId],
      );
      const disabled = rows.rows[0]?.status === 'disabled';
      if (disabled)
        await db('webhook_deliveries')
          .where({ tenant_id: d.tenantId, subscription_id: d.subscriptionId, status: 'pending' })
          .update({ status: 'cancelled', locked_until: null });
      return disabled;
    },
  };
}
