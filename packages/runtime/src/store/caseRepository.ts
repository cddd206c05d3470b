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

function toCase(row: any): CaseRecord {
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

export function createCaseRepository(db: Db) {
  return {
    async get(tenantId: string, id: string): Promise<CaseRecord | undefined> {
      const row = await db('cases').where({ tenant_id: tenantId, id }).first();
      return row ? toCase(row) : undefined;
    },

    async list(tenantId: string, filter: CaseFilter): Promise<CaseRecord[]> {
      const q = db('cases').where({ tenant_id: tenantId });
      if (filter.status) q.andWhere('status', filter.status);
      if (filter.definitionId) q.andWhere('definition_id', filter.definitionId);
      if (filter.invoiceId) q.andWhere('invoice_id', filter.invoiceId);
      if (filter.before) q.andWhereRaw('(opened_at, id) < (?::timestamptz, ?)', [filter.before.openedAt, filter.before.id]);
      const rows = await q.orderBy([{ column: 'opened_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(filter.limit ?? 50);
      return rows.map(toCase);
    },

    async events(tenantId: string, caseId: string, afterSeq = 0): Promise<CaseEventRecord[]> {
      const rows = await db('case_events').where({ tenant_id: tenantId, case_id: caseId }).andWhere('seq', '>', afterSeq).orderBy('seq');
      return rows.map((r: any) => ({ seq: r.seq, type: r.type, payload: r.payload, actor: r.actor, createdAt: iso(r.created_at) }));
    },

    /**
     * Writes a transition: the case row (insert, or update guarded by the expected version),
     * its event, outbox effects, tasks opened and closed, timers scheduled and cancelled, and
     * the audit row, in ONE statement (data-modifying CTEs), so one round trip and atomic even
     * outside a transaction. Returns the new version, or `null` if the version moved on.
     */
    async writeTransition(w: TransitionWrite): Promise<number | null> {
      const parts: string[] = [];
      const bindings: unknown[] = [];
      const snapshot = JSON.stringify(w.snapshot);
      const active = JSON.stringify(w.activeNodes);
      const closed = !LIVE_STATUSES.includes(w.status);
      if (w.create) {
        parts.push(`c AS (INSERT INTO cases (tenant_id, id, definition_id, definition_version, invoice_id, status, outcome, version, snapshot, active_nodes, closed_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?::jsonb, ?::jsonb, CASE WHEN ? THEN now() END)
          RETURNING tenant_id, id, version, invoice_id)`);
        bindings.push(w.tenantId, w.caseId, w.create.definitionId, w.create.definitionVersion, w.create.invoiceId, w.status, w.outcome, snapshot, active, closed);
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
      const result = await db.raw(`WITH ${parts.join(',\n')} SELECT version FROM c`, bindings as any[]);
      const rows = result.rows as { version: number }[];
      return rows.length ? rows[0].version : null;
    },
  };
}

export type CaseRepository = ReturnType<typeof createCaseRepository>;
