import { normaliseInvoiceNumber, type EarlierInvoice, type Invoice, type SourceChannel, type TriageFinding, type TriageOutcome } from '@exflow/shared';
import type { Knex } from 'knex';
import type { Db } from './db.js';

export interface StoredInvoice {
  id: string;
  invoiceNumber: string;
  supplierName: string;
  channel: SourceChannel;
  receivedAt: string;
  body: Invoice;
  /** What triage found at intake, and what it decided (null for invoices received before triage). */
  findings: TriageFinding[];
  triageOutcome: TriageOutcome | null;
  triage: Record<string, unknown> | null;
}

export interface IdempotentEntry {
  id: string;
  requestHash: string | null;
  response: unknown;
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : (v as string));

/** The columns an invoice's data fills, on intake and on a correction alike. */
const invoiceColumns = (invoice: Invoice) => ({
  invoice_number: invoice.invoiceNumber,
  invoice_number_key: normaliseInvoiceNumber(invoice.invoiceNumber),
  issue_date: invoice.issueDate,
  document_type: invoice.documentType,
  supplier_id: invoice.supplier.id ?? null,
  supplier_name: invoice.supplier.name,
  po_number: invoice.poNumber ?? null,
  currency: invoice.currency,
  gross_total: invoice.grossTotal,
  body: JSON.stringify(invoice),
});

export function createInvoiceRepository(db: Db) {
  const repository = {
    /**
     * Inserts an invoice; with an idempotency key already used in this tenant it inserts
     * nothing and returns `false` (a concurrent twin waits for the first to commit).
     */
    async insert(
      tenantId: string,
      id: string,
      invoice: Invoice,
      channel: SourceChannel,
      actor: string | null,
      idempotency?: { key: string; hash: string },
    ): Promise<boolean> {
      const rows = await db('invoices')
        .insert({
          tenant_id: tenantId,
          id,
          ...invoiceColumns(invoice),
          channel,
          received_by: actor,
          idempotency_key: idempotency?.key ?? null,
          request_hash: idempotency?.hash ?? null,
        })
        .onConflict(['tenant_id', 'idempotency_key'])
        .ignore()
        .returning('id');
      return rows.length === 1;
    },

    /** Replaces an invoice's data with a correction and records who made it (segregation of duties reads it). */
    async correct(tenantId: string, id: string, invoice: Invoice, editor: string): Promise<boolean> {
      const rows = await db('invoices')
        .where({ tenant_id: tenantId, id })
        .update({
          ...invoiceColumns(invoice),
          last_edited_by: editor,
        })
        .returning('id');
      return rows.length === 1;
    },

    async byIdempotencyKey(tenantId: string, key: string): Promise<IdempotentEntry | undefined> {
      const row = await db('invoices').where({ tenant_id: tenantId, idempotency_key: key }).first('id', 'request_hash', 'response');
      return row ? { id: row.id, requestHash: row.request_hash, response: row.response } : undefined;
    },

    async saveResponse(tenantId: string, id: string, response: unknown): Promise<void> {
      await db('invoices')
        .where({ tenant_id: tenantId, id })
        .update({ response: JSON.stringify(response) });
    },

    /** Stores triage's findings and verdict with the invoice, and the answer a replay gets. */
    async saveTriage(
      tenantId: string,
      id: string,
      triage: { findings: TriageFinding[]; outcome: TriageOutcome; detail: Record<string, unknown> },
      response: unknown,
    ): Promise<void> {
      await db('invoices')
        .where({ tenant_id: tenantId, id })
        .update({
          findings: JSON.stringify(triage.findings),
          triage_outcome: triage.outcome,
          triage: JSON.stringify(triage.detail),
          response: JSON.stringify(response),
        });
    },

    async get(tenantId: string, id: string): Promise<StoredInvoice | undefined> {
      const row = await db('invoices').where({ tenant_id: tenantId, id }).first();
      return row
        ? {
            id: row.id,
            invoiceNumber: row.invoice_number,
            supplierName: row.supplier_name,
            channel: row.channel,
            receivedAt: iso(row.received_at),
            body: row.body,
            findings: row.findings ?? [],
            triageOutcome: row.triage_outcome ?? null,
            triage: row.triage ?? null,
          }
        : undefined;
    },

    /** Who submitted the invoice and who last corrected it (segregation of duties). */
    async authors(tenantId: string, id: string): Promise<{ receivedBy: string | null; lastEditedBy: string | null } | undefined> {
      const row = await db('invoices').where({ tenant_id: tenantId, id }).first('received_by', 'last_edited_by');
      return row ? { receivedBy: row.received_by ?? null, lastEditedBy: row.last_edited_by ?? null } : undefined;
    },

    /** The bodies of several invoices, by id (what-if replay). */
    async bodies(tenantId: string, ids: string[]): Promise<Map<string, Invoice>> {
      if (!ids.length) return new Map();
      const rows = await db('invoices').where({ tenant_id: tenantId }).whereIn('id', ids).select('id', 'body');
      return new Map(rows.map((r: any) => [r.id as string, r.body as Invoice]));
    },

    async body(tenantId: string, id: string): Promise<Invoice | null> {
      const row = await db('invoices').where({ tenant_id: tenantId, id }).first('body');
      return row?.body ?? null;
    },

    /**
     * Invoices received before the one of `caseId` that could duplicate `invoice`: the same
     * normalised number, or the same gross amount with an issue date within `windowDays`.
     * The duplicate check decides which really are (supplier, document type, edit distance).
     */
    async duplicateCandidates(tenantId: string, caseId: string, invoice: Invoice, windowDays: number, limit = 200): Promise<EarlierInvoice[]> {
      const current = db('cases as c')
        .join('invoices as i', function () {
          this.on('i.tenant_id', 'c.tenant_id').andOn('i.id', 'c.invoice_id');
        })
        .where({ 'c.tenant_id': tenantId, 'c.id': caseId })
        .select('i.received_at', 'i.id');
      return repository.receivedBefore(tenantId, current, invoice, windowDays, limit);
    },

    /** Like `duplicateCandidates`, for the invoice `invoiceId` itself (triage, before it has a case). */
    async duplicateCandidatesOfInvoice(tenantId: string, invoiceId: string, invoice: Invoice, windowDays: number, limit = 200): Promise<EarlierInvoice[]> {
      const current = db('invoices').where({ tenant_id: tenantId, id: invoiceId }).select('received_at', 'id');
      return repository.receivedBefore(tenantId, current, invoice, windowDays, limit);
    },

    /**
     * Invoices received before the one `current` selects (its `received_at, id`; ties broken by
     * id), in the same statement; all of them when it selects none.
     */
    async receivedBefore(tenantId: string, current: Knex.QueryBuilder, invoice: Invoice, windowDays: number, limit: number): Promise<EarlierInvoice[]> {
      const rows = await db('invoices as i')
        .leftJoin('cases as c', function () {
          this.on('c.tenant_id', 'i.tenant_id').andOn('c.invoice_id', 'i.id');
        })
        .where('i.tenant_id', tenantId)
        .where((w) => w.whereNotExists(current.clone()).orWhereRaw('(i.received_at, i.id) < ?', [current.clone()]))
        .where((w) =>
          w
            .where('i.invoice_number_key', normaliseInvoiceNumber(invoice.invoiceNumber))
            .orWhere((x) =>
              x
                .where('i.gross_total', invoice.grossTotal)
                .whereRaw('i.issue_date BETWEEN ?::date - ?::int AND ?::date + ?::int', [invoice.issueDate, windowDays, invoice.issueDate, windowDays]),
            ),
        )
        .orderBy('i.received_at', 'desc')
        .limit(limit)
        .select(
          'i.id',
          'i.invoice_number',
          'i.document_type',
          'i.supplier_id',
          'i.supplier_name',
          'i.currency',
          'i.gross_total',
          'i.received_at',
          'c.id as case_id',
          'c.status as case_status',
        )
        .select(db.raw(`i.body->'supplier'->>'taxId' AS supplier_tax_id, to_char(i.issue_date, 'YYYY-MM-DD') AS issue_day`));
      return rows.map((r: any) => ({
        invoiceId: r.id,
        invoiceNumber: r.invoice_number,
        documentType: r.document_type,
        supplier: { id: r.supplier_id ?? undefined, name: r.supplier_name, taxId: r.supplier_tax_id ?? undefined },
        issueDate: r.issue_day,
        currency: r.currency,
        grossTotal: String(r.gross_total),
        receivedAt: iso(r.received_at),
        caseId: r.case_id ?? null,
        caseStatus: r.case_status ?? null,
      }));
    },

    async count(tenantId: string): Promise<number> {
      const [{ n }] = await db('invoices').where({ tenant_id: tenantId }).count({ n: '*' });
      return Number(n);
    },
  };
  return repository;
}
