import type { BankAccountChange, SupplierMaster, TaxRate } from '@exflow/shared';
import type { Db } from './db.js';
import { cachedRow, rowKeys } from './rowCache.js';

export interface PurchaseOrderLine {
  lineId: string;
  description: string | null;
  quantity: string;
  unitPrice: string;
  receivedQuantity: string;
}

export interface PurchaseOrder {
  poNumber: string;
  supplierId: string | null;
  currency: string;
  kind: 'goods' | 'service';
  businessUnit: string | null;
  lines: PurchaseOrderLine[];
  hasReceipts: boolean;
}

export interface PurchaseOrderInput {
  poNumber: string;
  supplierId?: string;
  currency: string;
  kind?: 'goods' | 'service';
  businessUnit?: string;
  lines: { lineId: string; description?: string; quantity: string | number; unitPrice: string | number }[];
}

export interface GoodsReceiptInput {
  id: string;
  poNumber: string;
  lineId: string;
  quantity: string | number;
  receivedAt?: string;
}

export interface SupplierInput {
  id: string;
  name: string;
  taxId?: string;
  country?: string;
  bankAccount?: string;
  bankAccountChangedAt?: string;
}

/** Reference data the checks compare invoices with: suppliers, purchase orders, receipts. */
export function createReferenceRepository(db: Db) {
  return {
    /** A purchase order with its lines and what was received of each, in one statement (every intake and 3-way match reads it). */
    async purchaseOrder(tenantId: string, poNumber: string): Promise<PurchaseOrder | undefined> {
      // quantities as text, as a plain select gives them (JSON numbers would drop their scale)
      const { rows } = await db.raw(
        `SELECT po.po_number, po.supplier_id, po.currency, po.kind, po.business_unit,
           coalesce((SELECT json_agg(json_build_object('line_id', l.line_id, 'description', l.description, 'quantity', l.quantity::text,
                      'unit_price', l.unit_price::text, 'received', r.received::text, 'receipts', r.receipts) ORDER BY l.line_id)
             FROM po_lines l
             LEFT JOIN (SELECT line_id, sum(quantity) AS received, count(*) AS receipts FROM goods_receipts
                        WHERE tenant_id = :tenantId AND po_number = :poNumber GROUP BY line_id) r ON r.line_id = l.line_id
             WHERE l.tenant_id = po.tenant_id AND l.po_number = po.po_number), '[]'::json) AS lines
         FROM purchase_orders po WHERE po.tenant_id = :tenantId AND po.po_number = :poNumber`,
        { tenantId, poNumber },
      );
      const po = rows[0];
      if (!po) return undefined;
      const lines = (typeof po.lines === 'string' ? JSON.parse(po.lines) : po.lines) as any[];
      return {
        poNumber: po.po_number,
        supplierId: po.supplier_id,
        currency: po.currency,
        kind: po.kind,
        businessUnit: po.business_unit,
        hasReceipts: lines.some((l: any) => Number(l.receipts ?? 0) > 0),
        lines: lines.map((l: any) => ({
          lineId: l.line_id,
          description: l.description,
          quantity: String(l.quantity),
          unitPrice: String(l.unit_price),
          receivedQuantity: String(l.received ?? '0'),
        })),
      };
    },

    /**
     * Inserts or updates suppliers. A bank account that differs from the stored one (or a
     * first account) is added to the supplier's bank account history, valid from
     * `bankAccountChangedAt` or now; an unchanged account keeps its history and change date.
     */
    async upsertSuppliers(tenantId: string, suppliers: SupplierInput[]): Promise<void> {
      if (!suppliers.length) return;
      const run = async (trx: Db) => {
        const stored = new Map<string, { bank_account: string | null; bank_account_changed_at: Date | string | null }>(
          (
            await trx('suppliers')
              .where({ tenant_id: tenantId })
              .whereIn(
                'id',
                suppliers.map((s) => s.id),
              )
              .forUpdate()
              .select('id', 'bank_account', 'bank_account_changed_at')
          ).map((r: any) => [r.id, r]),
        );
        const now = new Date().toISOString();
        const history: Record<string, unknown>[] = [];
        const rows = suppliers.map((s) => {
          const before = stored.get(s.id);
          const account = s.bankAccount ?? null;
          const changed = account !== null && account !== (before?.bank_account ?? null);
          let changedAt = before?.bank_account_changed_at ?? null;
          if (changed) {
            // a first account is a change only when the sender says when it changed
            const validFrom = s.bankAccountChangedAt ?? now;
            if (before?.bank_account || s.bankAccountChangedAt) changedAt = validFrom;
            history.push({
              tenant_id: tenantId,
              supplier_id: s.id,
              valid_from: validFrom,
              account,
              is_change: !!(before?.bank_account || s.bankAccountChangedAt),
              previous_account: before?.bank_account ?? null,
            });
          }
          return {
            tenant_id: tenantId,
            id: s.id,
            name: s.name,
            tax_id: s.taxId ?? null,
            country: s.country ?? null,
            bank_account: account ?? before?.bank_account ?? null,
            bank_account_changed_at: changedAt,
          };
        });
        // in chunks: PostgreSQL takes at most 65535 parameters per statement
        for (let i = 0; i < rows.length; i += 1000)
          await trx('suppliers')
            .insert(rows.slice(i, i + 1000))
            .onConflict(['tenant_id', 'id'])
            .merge();
        for (let i = 0; i < history.length; i += 1000) {
          await trx('supplier_bank_accounts')
            .insert(history.slice(i, i + 1000))
            .onConflict(['tenant_id', 'supplier_id', 'valid_from', 'account'])
            .ignore();
        }
      };
      await (db.isTransaction ? run(db) : db.transaction(run));
    },

    /** The supplier an invoice names: by id, else by tax id, else by name (case ignored). */
    async findSupplier(tenantId: string, party: { id?: string; taxId?: string; name: string }): Promise<SupplierMaster | undefined> {
      const suppliers = () => db('suppliers').where({ tenant_id: tenantId });
      const row =
        (party.id && (await suppliers().where({ id: party.id }).first())) ||
        (party.taxId &&
          (await suppliers()
            .whereRaw("upper(regexp_replace(tax_id, '[^A-Za-z0-9]', '', 'g')) = ?", [party.taxId.toUpperCase().replace(/[^A-Z0-9]/g, '')])
            .first())) ||
        (!party.id && (await suppliers().whereRaw('lower(name) = lower(?)', [party.name]).first()));
      return row ? { id: row.id, name: row.name, taxId: row.tax_id, country: row.country, bankAccount: row.bank_account } : undefined;
    },

    /** Every bank account the supplier had, oldest first. */
    async bankAccountHistory(tenantId: string, supplierId: string): Promise<BankAccountChange[]> {
      const rows = await db('supplier_bank_accounts').where({ tenant_id: tenantId, supplier_id: supplierId }).orderBy('valid_from');
      return rows.map((r: any) => ({
        account: r.account,
        validFrom: r.valid_from instanceof Date ? r.valid_from.toISOString() : r.valid_from,
        change: r.is_change,
        previousAccount: r.previous_account,
      }));
    },

    /** VAT rates of a country, with their validity. */
    /** A country's VAT rates (from the row cache when it holds them: every intake's triage reads them). */
    async taxRates(country: string): Promise<TaxRate[]> {
      const rates = await cachedRow(db, rowKeys.taxRates(country), async () => {
        const rows = await db('tax_rates')
          .where({ country })
          .select('country', 'rate', db.raw(`to_char(valid_from, 'YYYY-MM-DD') AS valid_from`), db.raw(`to_char(valid_to, 'YYYY-MM-DD') AS valid_to`));
        return rows.map((r: any): TaxRate => ({
          country: r.country,
          rate: String(r.rate),
          validFrom: r.valid_from === '1970-01-01' ? null : r.valid_from,
          validTo: r.valid_to,
        }));
      });
      return rates.map((r) => ({ ...r }));
    },

    /** Which of these (PO, line) pairs do not exist in the tenant. */
    async missingPoLines(tenantId: string, refs: { poNumber: string; lineId: string }[]): Promise<Set<string>> {
      if (!refs.length) return new Set();
      const found = await db('po_lines')
        .where({ tenant_id: tenantId })
        .whereIn(
          ['po_number', 'line_id'],
          refs.map((r) => [r.poNumber, r.lineId]),
        )
        .select('po_number', 'line_id');
      const have = new Set(found.map((r: any) => `${r.po_number}\u0000${r.line_id}`));
      return new Set(refs.map((r) => `${r.poNumber}\u0000${r.lineId}`).filter((k) => !have.has(k)));
    },

    /** Inserts or replaces purchase orders with their lines: all of them or none (in the caller's transaction, or one of its own). */
    async upsertPurchaseOrders(tenantId: string, orders: PurchaseOrderInput[]): Promise<void> {
      const write = async (x: Db) => {
        for (const po of orders) {
          await x('purchase_orders')
            .insert({
              tenant_id: tenantId,
              po_number: po.poNumber,
              supplier_id: po.supplierId ?? null,
              currency: po.currency,
              kind: po.kind ?? 'goods',
              business_unit: po.businessUnit ?? null,
            })
            .onConflict(['tenant_id', 'po_number'])
            .merge();
          await x('po_lines')
            .insert(
              po.lines.map((l) => ({
                tenant_id: tenantId,
                po_number: po.poNumber,
                line_id: l.lineId,
                description: l.description ?? null,
                quantity: String(l.quantity),
                unit_price: String(l.unitPrice),
              })),
            )
            .onConflict(['tenant_id', 'po_number', 'line_id'])
            .merge();
        }
      };
      await (db.isTransaction ? write(db) : db.transaction(write));
    },

    async upsertGoodsReceipts(tenantId: string, receipts: GoodsReceiptInput[]): Promise<void> {
      if (!receipts.length) return;
      for (let i = 0; i < receipts.length; i += 1000) {
        await db('goods_receipts')
          .insert(
            receipts.slice(i, i + 1000).map((r) => ({
              tenant_id: tenantId,
              id: r.id,
              po_number: r.poNumber,
              line_id: r.lineId,
              quantity: String(r.quantity),
              received_at: r.receivedAt ?? db.fn.now(),
            })),
          )
          .onConflict(['tenant_id', 'id'])
          .merge();
      }
    },
  };
}
