import type { Db } from './db.js';
import { newId } from './ids.js';

export type MessageStatus = 'correlating' | 'buffered' | 'claimed' | 'correlated' | 'expired';

export interface MessageRecord {
  tenantId: string;
  id: string;
  source: string;
  messageId: string;
  name: string;
  correlationKey: string;
  payload: unknown;
  status: MessageStatus;
  claimedCaseId: string | null;
  claimedNodeId: string | null;
  deliveredTo: { caseId: string; nodeId: string }[];
  receivedAt: string;
  expiresAt: string;
}

export interface MessageWrite {
  source: string;
  messageId: string;
  name: string;
  correlationKey: string;
  payload: unknown;
  ttlMs: number;
  receivedBy: string | null;
}

export interface WaitingSubscription {
  caseId: string;
  nodeId: string;
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : (v as string));

const toMessage = (r: any): MessageRecord => ({
  tenantId: r.tenant_id,
  id: r.id,
  source: r.source,
  messageId: r.message_id,
  name: r.name,
  correlationKey: r.correlation_key,
  payload: r.payload,
  status: r.status,
  claimedCaseId: r.claimed_case_id,
  claimedNodeId: r.claimed_node_id,
  deliveredTo: r.delivered_to ?? [],
  receivedAt: iso(r.received_at),
  expiresAt: iso(r.expires_at),
});

/** Inbound messages and the cases waiting for them (migration 015). */
export function createMessageRepository(db: Db) {
  return {
    /**
     * Records a message as `correlating`; a second one with the same (source, id) is not
     * recorded again: `created` is false and the first one is returned.
     */
    async receive(tenantId: string, m: MessageWrite): Promise<{ created: boolean; message: MessageRecord }> {
      const inserted = await db.raw(
        `INSERT INTO messages (tenant_id, id, source, message_id, name, correlation_key, payload, received_by, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?, now() + (? * interval '1 millisecond'))
         ON CONFLICT (tenant_id, source, message_id) DO NOTHING RETURNING *`,
        [tenantId, newId(), m.source, m.messageId, m.name, m.correlationKey, JSON.stringify(m.payload ?? null), m.receivedBy, m.ttlMs],
      );
      if (inserted.rows.length) return { created: true, message: toMessage(inserted.rows[0]) };
      const existing = await db('messages').where({ tenant_id: tenantId, source: m.source, message_id: m.messageId }).first();
      return { created: false, message: toMessage(existing) };
    },

    async get(tenantId: string, id: string): Promise<MessageRecord | undefined> {
      const row = await db('messages').where({ tenant_id: tenantId, id }).first();
      return row ? toMessage(row) : undefined;
    },

    /** The cases of the tenant waiting for this message name and correlation value. */
    async waiting(tenantId: string, name: string, correlationKey: string): Promise<WaitingSubscription[]> {
      const rows = await db('message_subscriptions')
        .where({ tenant_id: tenantId, message_name: name, correlation_key: correlationKey })
        .orderBy('created_at')
        .limit(1000);
      return rows.map((r: any) => ({ caseId: r.case_id, nodeId: r.node_id }));
    },

    /**
     * Ends the correlation on arrival: `correlated` when it reached a case, else `buffered` until
     * it expires (a TTL of 0: `expired` at once). Only a message still `correlating` changes.
     */
    async settle(tenantId: string, id: string, deliveredTo: WaitingSubscription[]): Promise<MessageRecord> {
      const rows = await db.raw(
        `UPDATE messages SET delivered_to = ?::jsonb,
           status = CASE WHEN ? THEN 'correlated' WHEN expires_at > now() THEN 'buffered' ELSE 'expired' END,
           correlated_at = CASE WHEN ? THEN now() END
         WHERE tenant_id = ? AND id = ? AND status = 'correlating' RETURNING *`,
        [JSON.stringify(deliveredTo), deliveredTo.length > 0, deliveredTo.length > 0, tenantId, id],
      );
      return rows.rows.length ? toMessage(rows.rows[0]) : (await this.get(tenantId, id))!;
    },

    /**
     * The fallback for races (a case began waiting while a message was being correlated) and
     * for crashes: buffered messages that a waiting case matches are claimed for it, and messages
     * left `correlating` for a minute are buffered again. Returns how many it claimed.
     */
    async sweep(limit: number): Promise<number> {
      await db.raw(`UPDATE messages SET status = 'buffered' WHERE status = 'correlating' AND received_at < now() - interval '1 minute'`);
      await db.raw(`UPDATE messages SET status = 'expired' WHERE status = 'buffered' AND expires_at <= now()`);
      const claimed = await db.raw(
        `WITH pick AS (
           SELECT DISTINCT ON (b.tenant_id, b.id) b.tenant_id, b.id, s.case_id, s.node_id
           FROM messages b JOIN message_subscriptions s
             ON s.tenant_id = b.tenant_id AND s.message_name = b.name AND s.correlation_key = b.correlation_key
           WHERE b.status = 'buffered' AND b.expires_at > now()
           ORDER BY b.tenant_id, b.id, s.created_at LIMIT ?)
         UPDATE messages m SET status = 'claimed', claimed_case_id = pick.case_id, claimed_node_id = pick.node_id
         FROM pick WHERE m.tenant_id = pick.tenant_id AND m.id = pick.id AND m.status = 'buffered' RETURNING m.id`,
        [limit],
      );
      return claimed.rows.length;
    },

    /** Messages claimed by a case that began waiting for them, still to deliver. */
    async claimed(limit: number): Promise<MessageRecord[]> {
      const rows = await db('messages').where('status', 'claimed').orderBy('received_at').limit(limit);
      return rows.map(toMessage);
    },

    /** Marks a claimed message delivered to its case; `false` if another worker did. */
    async delivered(m: MessageRecord): Promise<boolean> {
      const rows = await db.raw(
        `UPDATE messages SET status = 'correlated', correlated_at = now(), delivered_to = delivered_to || jsonb_build_array(jsonb_build_object('caseId', claimed_case_id, 'nodeId', claimed_node_id))
         WHERE tenant_id = ? AND id = ? AND status = 'claimed' AND claimed_case_id = ? RETURNING id`,
        [m.tenantId, m.id, m.claimedCaseId],
      );
      return rows.rows.length > 0;
    },

    /** The case that claimed it no longer waits (its timeout fired first): buffered again for another. */
    async release(m: MessageRecord): Promise<void> {
      await db('messages')
        .where({ tenant_id: m.tenantId, id: m.id, status: 'claimed' })
        .update({ status: 'buffered', claimed_case_id: null, claimed_node_id: null });
    },

    async subscriptionsOf(tenantId: string, caseId: string): Promise<{ nodeId: string; message: string; correlationKey: string | null }[]> {
      const rows = await db('message_subscriptions').where({ tenant_id: tenantId, case_id: caseId }).orderBy('created_at');
      return rows.map((r: any) => ({ nodeId: r.node_id, message: r.message_name, correlationKey: r.correlation_key }));
    },
  };
}
