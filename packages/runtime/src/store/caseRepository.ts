import type { CaseStatus } from '@exflow/shared';
import type { Db } from './db.js';
import type { EffectPlan } from '../engine/effectPlan.js';
import { newId } from './ids.js';

/** `incident`: open, but waiting at a step whose call failed past its retry policy (see incidentRepository). */
export type { CaseStatus };

/** Statuses a case can still move on from. */
export const LIVE_STATUSES: readonly CaseStatus[] = ['open', 'incident'];

export interface CaseRecord {
  tenantId: string;
  id: string;
  definitionId: string;
  definitionVersion: number;
  invoiceId: string | null;
  status: CaseStatus;
  outcome: string | null;
  version: number;
  snapshot: { value: unknown; context: Record<string, any>; status: string };
  activeNodes: string[];
  openedAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface CaseEventRecord {
  seq: number;
  type: string;
  payload: Record<string, unknown>;
  actor: string | null;
  createdAt: string;
}

/** Everything one accepted event changes, written by `writeTransition` in one statement. */
export interface TransitionWrite {
  tenantId: string;
  caseId: string;
  /** The version the transition was computed from; 0 when the case is new. */
  expectedVersion: number;
  /** Present only when the case is being created. */
  create?: { definitionId: string; definitionVersion: number; invoiceId: string | null };
  snapshot: unknown;
  status: CaseStatus;
  outcome: string | null;
  activeNodes: string[];
  event: { type: string; payload: Record<string, unknown> };
  actor: string | null;
  plan: EffectPlan;
  /** Incidents raised (the case waits at a failed call) or resolved (the case left their step). */
  incidents?: IncidentWrite;
}

export interface IncidentWrite {
  raise?: { id: string; effectId: string; nodeId: string; service: string | null; error: string; reason: string; attempts: number };
  resolveNodes?: string[];
  resolution?: string;
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : (v as string));

/** A `cases` row as a domain record. */
export function toCase(row: any): CaseRecord {
  return {
    tenantId: row.tenant_id,
    id: row.id,
    definitionId: row.definition_id,
    definitionVersion: row.definition_version,
    invoiceId: row.invoice_id,
    status: row.status,
    outcome: row.outcome,
    version: row.version,
    snapshot: row.snapshot,
    activeNodes: row.active_nodes,
    openedAt: iso(row.opened_at),
    updatedAt: iso(row.updated_at),
    closedAt: row.closed_at ? iso(row.closed_at) : null,
  };
}

export interface CaseFilter {
  status?: string;
  definitionId?: string;
  invoiceId?: string;
  limit?: number;
  /** Opened strictly before this case (id of the last case of the previous page). */
  before?: { openedAt: string; id: string };
}

/** Event types a tenant can subscribe webhooks to (docs/integration.md). */
export const OUTBOUND_EVENT_TYPES = [
  'case.opened',
  'case.changed',
  'case.closed',
  'task.opened',
  'task.completed',
  'incident.raised',
  'message.correlated',
] as const;
export type OutboundEventType = (typeof OUTBOUND_EVENT_TYPES)[number];

/** What a transition tells webhook subscribers: its case event, and the task and incident events in it. */
/** A transition as written: the case's new version, and the work it left for the webhook and message workers. */
export interface WrittenTransition {
  version: number;
  /** Webhook deliveries queued (one per subscription of each of its outbound events). */
  webhooks: number;
  /** Buffered messages the case claimed as it began to wait for them (the message worker delivers them). */
  messages: number;
}

function outboundEvents(w: TransitionWrite): { event_type: OutboundEventType; key: string; data: Record<string, unknown> }[] {
  const closed = !LIVE_STATUSES.includes(w.status);
  const caseData = { status: w.status, outcome: w.outcome, activeNodes: w.activeNodes, event: w.event.type };
  const events: { event_type: OutboundEventType; key: string; data: Record<string, unknown> }[] = [
    w.create
      ? {
          event_type: 'case.opened',
          key: 'case.opened',
          data: { ...caseData, definitionId: w.create.definitionId, definitionVersion: w.create.definitionVersion, invoiceId: w.create.invoiceId },
        }
      : { event_type: 'case.changed', key: 'case.changed', data: caseData },
  ];
  if (closed) events.push({ event_type: 'case.closed', key: 'case.closed', data: caseData });
  for (const t of w.plan.openTasks)
    events.push({
      event_type: 'task.opened',
      key: `task.opened:${t.id}`,
      data: { taskId: t.id, nodeId: t.node_id, queue: t.queue, title: t.title, dueAt: t.due_at },
    });
  if (w.event.type === 'task.completed') {
    const p = w.event.payload;
    events.push({
      event_type: 'task.completed',
      key: 'task.completed',
      data: { taskId: p.taskId ?? null, nodeId: p.nodeId ?? null, outcome: p.outcome ?? null, by: w.actor },
    });
  }
  if (w.event.type === 'message.received') {
    const p = w.event.payload;
    events.push({
      event_type: 'message.correlated',
      key: 'message.correlated',
      data: { nodeId: p.nodeId ?? null, name: p.name ?? null, messageId: p.messageId ?? null },
    });
  }
  const raised = w.incidents?.raise;
  if (raised)
    events.push({
      event_type: 'incident.raised',
      key: 'incident.raised',
      data: { incidentId: raised.id, nodeId: raised.nodeId, service: raised.service, error: raised.error, reason: raised.reason },
    });
  return events;
}

export function createCaseRepository(db: Db) {
  return {
    async get(tenantId: string, id: string): Promise<CaseRecord | undefined> {
      const row = await db('cases').where({ tenant_id: tenantId, id }).first();
      return row ? toCase(row) : undefined;
    },

    /** The case, its row locked until the transaction `db` ends (decisions taken on it see no other writer). */
    async getForUpdate(tenantId: string, id: string): Promise<CaseRecord | undefined> {
      const row = await db('cases').where({ tenant_id: tenantId, id }).forUpdate().first();
      return row ? toCase(row) : undefined;
    },

    async list(tenantId: string, filter: CaseFilter): Promise<CaseRecord[]> {
      const q = db('cases').where({ tenant_id: tenantId });
      if (filter.status) q.andWhere('status', filter.status);
      if (filter.definitionId) q.andWhere('definition_id', filter.definitionId);
      if (filter.invoiceId) q.andWhere('invoice_id', filter.invoiceId);
      if (filter.before) q.andWhereRaw('(opened_at, id) < (?::timestamptz, ?)', [filter.before.openedAt, filter.before.id]);
      const rows = await q
        .orderBy([
          { column: 'opened_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(filter.limit ?? 50);
      return rows.map(toCase);
    },

    /** Cases of a definition that closed in [from, to), oldest first (what-if replay). */
    async closedBetween(tenantId: string, definitionId: string, from: string, to: string, limit: number): Promise<CaseRecord[]> {
      const rows = await db('cases')
        .where({ tenant_id: tenantId, definition_id: definitionId })
        .whereNotIn('status', LIVE_STATUSES as CaseStatus[])
        .andWhere('closed_at', '>=', from)
        .andWhere('closed_at', '<', to)
        .orderBy([
          { column: 'closed_at', order: 'asc' },
          { column: 'id', order: 'asc' },
        ])
        .limit(limit);
      return rows.map(toCase);
    },

    /** The events of several cases, each case's in order. */
    async eventsOfCases(tenantId: string, caseIds: string[]): Promise<Map<string, CaseEventRecord[]>> {
      const byCase = new Map<string, CaseEventRecord[]>(caseIds.map((id) => [id, []]));
      if (!caseIds.length) return byCase;
      const rows = await db('case_events')
        .where({ tenant_id: tenantId })
        .whereIn('case_id', caseIds)
        .orderBy([{ column: 'case_id' }, { column: 'seq' }]);
      for (const r of rows) byCase.get(r.case_id)?.push({ seq: r.seq, type: r.type, payload: r.payload, actor: r.actor, createdAt: iso(r.created_at) });
      return byCase;
    },

    async events(tenantId: string, caseId: string, afterSeq = 0): Promise<CaseEventRecord[]> {
      const rows = await db('case_events').where({ tenant_id: tenantId, case_id: caseId }).andWhere('seq', '>', afterSeq).orderBy('seq');
      return rows.map((r: any) => ({ seq: r.seq, type: r.type, payload: r.payload, actor: r.actor, createdAt: iso(r.created_at) }));
    },

    /**
     * Writes a transition: the case row (insert, or update guarded by the expected version),
     * its event, outbox effects, tasks opened and closed, timers scheduled and cancelled, and
     * the audit row, in ONE statement (data-modifying CTEs), so one round trip and atomic even
     * outside a transaction. Returns the new version and the work queued for the workers, or `null` if the version moved on.
     */
    async writeTransition(w: TransitionWrite): Promise<WrittenTransition | null> {
      const parts: string[] = [];
      const bindings: unknown[] = [];
      const snapshot = JSON.stringify(w.snapshot);
      const active = JSON.stringify(w.activeNodes);
      const closed = !LIVE_STATUSES.includes(w.status);
      if (w.create) {
        parts.push(`c AS (INSERT INTO cases (tenant_id, id, definition_id, definition_version, invoice_id, status, outcome, version, snapshot, active_nodes, closed_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?::jsonb, ?::jsonb, CASE WHEN ? THEN now() END)
          RETURNING tenant_id, id, version, invoice_id)`);
        bindings.push(
          w.tenantId,
          w.caseId,
          w.create.definitionId,
          w.create.definitionVersion,
          w.create.invoiceId,
          w.status,
          w.outcome,
          snapshot,
          active,
          closed,
        );
      } else {
        parts.push(`c AS (UPDATE cases SET snapshot = ?::jsonb, version = version + 1, status = ?, outcome = ?, active_nodes = ?::jsonb,
            updated_at = now(), closed_at = CASE WHEN ? THEN now() ELSE closed_at END
          WHERE tenant_id = ? AND id = ? AND version = ?
          RETURNING tenant_id, id, version, invoice_id)`);
        bindings.push(snapshot, w.status, w.outcome, active, closed, w.tenantId, w.caseId, w.expectedVersion);
      }
      parts.push(`ev AS (INSERT INTO case_events (tenant_id, case_id, seq, type, payload, actor)
        SELECT tenant_id, id, version, ?, ?::jsonb, ? FROM c
        RETURNING case_event_hash(tenant_id, case_id, seq, type, payload, actor, created_at) AS hash)`);
      bindings.push(w.event.type, JSON.stringify(w.event.payload), w.actor);
      // the event's hash rides in the transition's audit row, so the chain covers the event
      parts.push(`au AS (INSERT INTO audit (tenant_id, id, case_id, actor, action, entity, entity_id, data)
        SELECT tenant_id, ?, id, ?, ?, 'case', id, jsonb_build_object('version', version, 'status', ?::text, 'activeNodes', ?::jsonb,
          'event', jsonb_build_object('seq', version, 'hash', ev.hash)) FROM c, ev)`);
      bindings.push(newId(), w.actor, w.event.type, w.status, active);
      const { plan } = w;
      if (plan.closeTaskNodes.length) {
        parts.push(`tc AS (UPDATE tasks t SET status = 'cancelled', completed_at = now() FROM c
          WHERE t.tenant_id = c.tenant_id AND t.case_id = c.id AND t.status = 'open'
            AND t.node_id IN (SELECT jsonb_array_elements_text(?::jsonb)))`);
        bindings.push(JSON.stringify(plan.closeTaskNodes));
      }
      if (plan.cancelTimerNodes.length) {
        parts.push(`mc AS (UPDATE timers m SET status = 'cancelled' FROM c
          WHERE m.tenant_id = c.tenant_id AND m.case_id = c.id AND m.status = 'pending'
            AND m.node_id IN (SELECT jsonb_array_elements_text(?::jsonb)))`);
        bindings.push(JSON.stringify(plan.cancelTimerNodes));
      }
      if (plan.cancelEffectNodes.length) {
        parts.push(`xc AS (UPDATE effects x SET status = 'cancelled', completed_at = now() FROM c
          WHERE x.tenant_id = c.tenant_id AND x.case_id = c.id AND x.status = 'pending'
            AND x.node_id IN (SELECT jsonb_array_elements_text(?::jsonb)))`);
        bindings.push(JSON.stringify(plan.cancelEffectNodes));
      }
      if (plan.effects.length) {
        parts.push(`fx AS (INSERT INTO effects (tenant_id, id, case_id, case_version, node_id, kind, service, params, max_attempts, retry_policy, on_failure)
          SELECT c.tenant_id, x.id, c.id, c.version, x.node_id, x.kind, x.service, x.params, x.max_attempts, x.retry_policy, x.on_failure
          FROM c, jsonb_to_recordset(?::jsonb) AS x(id text, node_id text, kind text, service text, params jsonb, max_attempts int, retry_policy jsonb, on_failure text))`);
        bindings.push(JSON.stringify(plan.effects));
      }
      if (plan.openTasks.length) {
        // what the inbox lists, filters and sorts on is copied onto the task here (its rank is
        // set by the tasks_rank trigger, migration 003), so listing never joins
        parts.push(`tk AS (INSERT INTO tasks (tenant_id, id, case_id, node_id, title, queue, candidate_roles, instructions, form, outcomes, priority, due_at,
            invoice_number, supplier_id, supplier_name, business_unit, amount, currency, exception_kind, value_at_risk)
          SELECT c.tenant_id, x.id, c.id, x.node_id, x.title, x.queue, x.candidate_roles, x.instructions, x.form, x.outcomes, x.priority, x.due_at,
            i.invoice_number, i.supplier_id, i.supplier_name, coalesce(i.body->>'businessUnit', po.business_unit), i.gross_total, i.currency,
            x.exception_kind, coalesce(x.value_at_risk, i.gross_total)
          FROM c CROSS JOIN jsonb_to_recordset(?::jsonb) AS x(id text, node_id text, title text, queue text, candidate_roles jsonb,
            instructions text, form jsonb, outcomes jsonb, priority int, due_at timestamptz, exception_kind text, value_at_risk numeric)
          LEFT JOIN invoices i ON i.tenant_id = c.tenant_id AND i.id = c.invoice_id
          LEFT JOIN purchase_orders po ON po.tenant_id = i.tenant_id AND po.po_number = i.po_number)`);
        bindings.push(JSON.stringify(plan.openTasks));
      }
      if (plan.timers.length) {
        parts.push(`tm AS (INSERT INTO timers (tenant_id, id, case_id, node_id, timer_id, due_at)
          SELECT c.tenant_id, x.id, c.id, x.node_id, x.timer_id, x.due_at
          FROM c, jsonb_to_recordset(?::jsonb) AS x(id text, node_id text, timer_id text, due_at timestamptz))`);
        bindings.push(JSON.stringify(plan.timers));
      }
      if (plan.unsubscribeNodes.length) {
        parts.push(`su AS (DELETE FROM message_subscriptions s USING c
          WHERE s.tenant_id = c.tenant_id AND s.case_id = c.id AND s.node_id IN (SELECT jsonb_array_elements_text(?::jsonb)))`);
        bindings.push(JSON.stringify(plan.unsubscribeNodes));
      }
      if (plan.subscriptions.length) {
        const subscriptions = JSON.stringify(plan.subscriptions);
        parts.push(`ss AS (INSERT INTO message_subscriptions (tenant_id, id, case_id, node_id, message_name, correlation_key)
          SELECT c.tenant_id, x.id, c.id, x.node_id, x.message_name, x.correlation_key
          FROM c, jsonb_to_recordset(?::jsonb) AS x(id text, node_id text, message_name text, correlation_key text))`);
        // a message that came before the case waited is claimed here, in the same statement;
        // the message worker then delivers it as message.received (messageCorrelation.ts)
        parts.push(`sb AS (UPDATE messages m SET status = 'claimed', claimed_case_id = c.id, claimed_node_id = x.node_id
          FROM c, jsonb_to_recordset(?::jsonb) AS x(node_id text, message_name text, correlation_key text)
          WHERE m.tenant_id = c.tenant_id AND m.id = (SELECT b.id FROM messages b
            WHERE b.tenant_id = c.tenant_id AND b.name = x.message_name AND b.correlation_key = x.correlation_key
              AND b.status = 'buffered' AND b.expires_at > now()
            ORDER BY b.received_at, b.id LIMIT 1 FOR UPDATE SKIP LOCKED)
          RETURNING 1)`);
        bindings.push(subscriptions, subscriptions);
      }
      const outbound = outboundEvents(w);
      if (outbound.length) {
        // Standard Webhooks outbox: one delivery per active subscription of the event's type
        parts.push(`wd AS (INSERT INTO webhook_deliveries (tenant_id, id, subscription_id, event_id, event_type, subject, data)
          SELECT c.tenant_id, gen_random_uuid()::text, s.id, c.id || ':' || c.version || ':' || x.key, x.event_type, c.id,
            x.data || jsonb_build_object('caseId', c.id, 'version', c.version)
          FROM c CROSS JOIN jsonb_to_recordset(?::jsonb) AS x(event_type text, key text, data jsonb)
          JOIN webhook_subscriptions s ON s.tenant_id = c.tenant_id AND s.status = 'active' AND s.event_types @> jsonb_build_array(x.event_type)
          RETURNING 1)`);
        bindings.push(JSON.stringify(outbound));
      }
      const raise = w.incidents?.raise;
      if (raise) {
        // a retried call that fails again past its policy reopens the same incident
        parts.push(`ir AS (INSERT INTO incidents (tenant_id, id, case_id, effect_id, node_id, service, error, reason, attempts)
          SELECT tenant_id, ?, id, ?, ?, ?, ?, ?, ? FROM c
          ON CONFLICT (tenant_id, effect_id) DO UPDATE SET error = EXCLUDED.error, reason = EXCLUDED.reason, attempts = EXCLUDED.attempts,
            updated_at = now(), resolved_at = NULL, resolution = NULL)`);
        bindings.push(raise.id, raise.effectId, raise.nodeId, raise.service, raise.error, raise.reason, raise.attempts);
      }
      if (w.incidents?.resolveNodes?.length) {
        parts.push(`iv AS (UPDATE incidents i SET resolved_at = now(), updated_at = now(), resolution = ? FROM c
          WHERE i.tenant_id = c.tenant_id AND i.case_id = c.id AND i.resolved_at IS NULL
            AND i.node_id IN (SELECT jsonb_array_elements_text(?::jsonb)))`);
        bindings.push(w.incidents.resolution ?? 'resolved', JSON.stringify(w.incidents.resolveNodes));
      }
      // what the workers are to be woken for: webhook deliveries queued, buffered messages claimed
      const webhooks = outbound.length ? '(SELECT count(*) FROM wd)' : '0';
      const messages = plan.subscriptions.length ? '(SELECT count(*) FROM sb)' : '0';
      const result = await db.raw(`WITH ${parts.join(',\n')} SELECT version, ${webhooks} AS webhooks, ${messages} AS messages FROM c`, bindings as any[]);
      const rows = result.rows as { version: number; webhooks: number | string; messages: number | string }[];
      return rows.length ? { version: rows[0].version, webhooks: Number(rows[0].webhooks), messages: Number(rows[0].messages) } : null;
    },
  };
}
