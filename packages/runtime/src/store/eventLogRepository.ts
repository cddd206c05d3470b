import type { EventLogPage, InsightQuery } from '@exflow/shared';
import type { Db } from './db.js';
import { caseWhere, facts, stepStays } from './insightsRepository.js';
import { Sql } from './insightsSql.js';

/**
 * Reads the rows of a process-mining export (docs/insights.md): which cases it holds, then
 * the cases, invoices, tasks and step stays of a page of them, so the route can stream a log
 * of any size a page at a time. Every query reads one tenant's rows only.
 */

const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());
const isoOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : iso(v));
const marks = (ids: readonly string[]) => ids.map(() => '?').join(', ');

export interface LoggedCase {
  id: string;
  exceptionKind: string | null;
}

export function createEventLogRepository(db: Db) {
  return {
    /**
     * The cases an export holds: opened in the period and matching the filters (as the
     * metrics filter cases), oldest first, with their exception kind.
     */
    async cases(tenantId: string, q: InsightQuery): Promise<LoggedCase[]> {
      const sql = facts(new Sql(), tenantId, q.now).add(
        `SELECT cf.id, cf.exception_kind FROM cf WHERE cf.opened_at >= ?::timestamptz AND cf.opened_at < ?::timestamptz`,
        q.from,
        q.to,
      );
      caseWhere(sql, 'cf', q.filters ?? {}).add('ORDER BY cf.opened_at, cf.id');
      const rows = (await db.raw(sql.text, sql.bindings as any[])).rows as { id: string; exception_kind: string | null }[];
      return rows.map((r) => ({ id: r.id, exceptionKind: r.exception_kind }));
    },

    /** Everything the given cases (one page) touched: their invoices, tasks (with claims) and step stays. */
    async page(tenantId: string, cases: readonly LoggedCase[]): Promise<EventLogPage> {
      if (!cases.length) return { cases: [], invoices: [], tasks: [], stepVisits: [] };
      const ids = cases.map((c) => c.id);
      const kindOf = new Map(cases.map((c) => [c.id, c.exceptionKind]));
      const caseRows: any[] = await db('cases')
        .where({ tenant_id: tenantId })
        .whereIn('id', ids)
        .orderBy([{ column: 'opened_at' }, { column: 'id' }])
        .select('id', 'invoice_id', 'definition_id', 'definition_version', 'status', 'outcome', 'opened_at', 'closed_at');
      const invoiceIds = [...new Set(caseRows.map((c) => c.invoice_id).filter((v): v is string => typeof v === 'string'))];
      const invoices: any[] = invoiceIds.length
        ? (
            await db.raw(
              `SELECT i.id, i.invoice_number, coalesce(i.supplier_id, i.supplier_name) AS supplier, i.supplier_name, i.po_number,
                 coalesce(i.body->>'businessUnit', po.business_unit) AS business_unit, i.currency, i.gross_total::text AS gross_total,
                 i.channel, i.received_at, i.findings
               FROM invoices i LEFT JOIN purchase_orders po ON po.tenant_id = i.tenant_id AND po.po_number = i.po_number
               WHERE i.tenant_id = ? AND i.id IN (${marks(invoiceIds)}) ORDER BY i.received_at, i.id`,
              [tenantId, ...invoiceIds],
            )
          ).rows
        : [];
      const tasks: any[] = (
        await db.raw(
          `SELECT t.id, t.case_id, t.node_id, t.queue, t.status, t.outcome, t.created_at, t.completed_at,
             (SELECT coalesce(json_agg(a.created_at ORDER BY a.seq), '[]'::json) FROM audit a WHERE a.tenant_id = t.tenant_id AND a.action = 'task.claimed' AND a.entity_id = t.id) AS claimed_at
           FROM tasks t WHERE t.tenant_id = ? AND t.case_id IN (${marks(ids)}) ORDER BY t.created_at, t.id`,
          [tenantId, ...ids],
        )
      ).rows;
      const stays: any[] = (
        await db.raw(`WITH ${stepStays(`AND a.case_id IN (${marks(ids)})`)} SELECT * FROM sv ORDER BY case_id, entered_at, node_id`, [tenantId, ...ids])
      ).rows;
      return {
        cases: caseRows.map((c) => ({
          id: c.id,
          invoiceId: c.invoice_id,
          definitionId: c.definition_id,
          definitionVersion: c.definition_version,
          status: c.status,
          outcome: c.outcome,
          exceptionKind: kindOf.get(c.id) ?? null,
          openedAt: iso(c.opened_at),
          closedAt: isoOrNull(c.closed_at),
        })),
        invoices: invoices.map((i) => ({
          id: i.id,
          invoiceNumber: i.invoice_number,
          supplier: i.supplier,
          supplierName: i.supplier_name,
          poNumber: i.po_number,
          businessUnit: i.business_unit,
          currency: i.currency,
          grossTotal: i.gross_total,
          channel: i.channel,
          receivedAt: iso(i.received_at),
          findings: (Array.isArray(i.findings) ? i.findings : []).filter((f: { kind?: unknown }) => f && typeof f.kind === 'string'),
        })),
        tasks: tasks.map((t) => ({
          id: t.id,
          caseId: t.case_id,
          nodeId: t.node_id,
          queue: t.queue,
          status: t.status,
          outcome: t.outcome,
          createdAt: iso(t.created_at),
          claimedAt: ((t.claimed_at as unknown[]) ?? []).map(iso),
          completedAt: isoOrNull(t.completed_at),
        })),
        stepVisits: stays.map((s) => ({ caseId: s.case_id, nodeId: s.node_id, visit: s.visit, enteredAt: iso(s.entered_at), leftAt: isoOrNull(s.left_at) })),
      };
    },
  };
}
