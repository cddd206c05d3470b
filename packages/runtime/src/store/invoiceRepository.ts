import type { Invoice, SourceChannel } from '@exflow/shared';
import type { Db } from './db.js';

export interface StoredInvoice {
  id: string;
  invoiceNumber: string;
  supplierName: string;
  channel: SourceChannel;
  receivedAt: string;
  body: Invoice;
}

export interface IdempotentEntry {
  id: string;
  requestHash: string | null;
  response: unknown;
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : (v as string));

export function createInvoiceRepository(db: Db) {
  return {
    /**
     * Inserts an invoice; with an idempotency key already used in this tenant it inserts
     * nothing and returns `false` (a concurrent twin waits for the first to commit).
     */
    async insert(tenantId: string, id: string, invoice: Invoice, channel: SourceChannel, actor: string | null, idempotency?: { key: string; hash: string }): Promise<boolean> {
      const rows = await db('invoices')
        .insert({
          tenant_id: tenantId,
          id,
          invoice_number: invoice.invoiceNumber,
          supplier_id: invoice.supplier.id ?? null,
          supplier_name: invoice.supplier.name,
          po_number: invoice.poNumber ?? null,
          currency: invoice.currency,
          gross_total: invoice.grossTotal,
          channel,
          body: JSON.stringify(invoice),
          received_by: actor,
          idempotency_key: idempotency?.key ?? null,
          request_hash: idempotency?.hash ?? null,
        })
        .onConflict(['tenant_id', 'idempotency_key'])
        .ignore()
        .returning('id');
      return rows.length === 1;
    },

    async byIdempotencyKey(tenantId: string, key: string): Promise<IdempotentEntry | undefined> {
      const row = await db('invoices').where({ tenant_id: tenantId, idempotency_key: key }).first('id', 'request_hash', 'response');
      return row ? { id: row.id, requestHash: row.request_hash, response: row.response } : undefined;
    },

    async saveResponse(tenantId: string, id: string, response: unknown): Promise<void> {
      await db('invoices').where({ tenant_id: tenantId, id }).update({ response: JSON.stringify(response) });
    },

    async get(tenantId: string, id: string): Promise<StoredInvoice | undefined> {
      const row = await db('invoices').where({ tenant_id: tenantId, id }).first();
      return row
        ? { id: row.id, invoiceNumber: row.invoice_number, supplierName: row.supplier_name, channel: row.channel, receivedAt: iso(row.received_at), body: row.body }
        : undefined;
    },

    async body(tenantId: string, id: string): Promise<Invoice | null> {
      const row = await db('invoices').where({ tenant_id: tenantId, id }).first('body');
      return row?.body ?? null;
    },

    async count(tenantId: string): Promise<number> {
      const [{ n }] = await db('invoices').where({ tenant_id: tenantId }).count({ n: '*' });
      return Number(n);
    },
  };
}
