import type { Db } from './db.js';

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
    async purchaseOrder(tenantId: string, poNumber: string): Promise<PurchaseOrder | undefined> {
      const po = await db('purchase_orders').where({ tenant_id: tenantId, po_number: poNumber }).first();
      if (!po) return undefined;
      const lines = await db('po_lines as l')
        .leftJoin(
          db('goods_receipts').select('po_number', 'line_id').sum({ received: 'quantity' }).count({ receipts: '*' }).where({ tenant_id: tenantId, po_number: poNumber }).groupBy('po_number', 'line_id').as('r'),
          function () {
            this.on('r.po_number', 'l.po_number').andOn('r.line_id', 'l.line_id');
          },
        )
        .where({ 'l.tenant_id': tenantId, 'l.po_number': poNumber })
        .orderBy('l.line_id')
        .select('l.line_id', 'l.description', 'l.quantity', 'l.unit_price', 'r.received', 'r.receipts');
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

    async upsertSuppliers(tenantId: string, suppliers: SupplierInput[]): Promise<void> {
      if (!suppliers.length) return;
      await db('suppliers')
        .insert(suppliers.map((s) => ({ tenant_id: tenantId, id: s.id, name: s.name, tax_id: s.taxId ?? null, country: s.country ?? null, bank_account: s.bankAccount ?? null, bank_account_changed_at: s.bankAccountChangedAt ?? null })))
        .onConflict(['tenant_id', 'id'])
        .merge();
    },

    /** Inserts or replaces purchase orders with their lines. Call inside a transaction. */
    async upsertPurchaseOrders(tenantId: string, orders: PurchaseOrderInput[]): Promise<void> {
      for (const po of orders) {
        await db('purchase_orders')
          .insert({ tenant_id: tenantId, po_number: po.poNumber, supplier_id: po.supplierId ?? null, currency: po.currency, kind: po.kind ?? 'goods', business_unit: po.businessUnit ?? null })
          .onConflict(['tenant_id', 'po_number'])
          .merge();
        await db('po_lines')
          .insert(po.lines.map((l) => ({ tenant_id: tenantId, po_number: po.poNumber, line_id: l.lineId, description: l.description ?? null, quantity: String(l.quantity), unit_price: String(l.unitPrice) })))
          .onConflict(['tenant_id', 'po_number', 'line_id'])
          .merge();
      }
    },

    async upsertGoodsReceipts(tenantId: string, receipts: GoodsReceiptInput[]): Promise<void> {
      if (!receipts.length) return;
      await db('goods_receipts')
        .insert(receipts.map((r) => ({ tenant_id: tenantId, id: r.id, po_number: r.poNumber, line_id: r.lineId, quantity: String(r.quantity), received_at: r.receivedAt ?? db.fn.now() })))
        .onConflict(['tenant_id', 'id'])
        .merge();
    },
  };
}

export type ReferenceRepository = ReturnType<typeof createReferenceRepository>;
