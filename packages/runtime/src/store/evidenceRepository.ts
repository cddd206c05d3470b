import type { Db } from './db.js';

export interface PurchaseOrderEvidence {
  poNumber: string;
  supplierId: string | null;
  currency: string;
  kind: string;
  businessUnit: string | null;
  lines: {
    lineId: string;
    description: string | null;
    quantity: string;
    unitPrice: string;
    receivedQuantity: string;
    receipts: { id: string; quantity: string; receivedAt: string }[];
  }[];
}

export interface SupplierEvidence {
  id: string;
  name: string;
  taxId: string | null;
  country: string | null;
  bankAccount: string | null;
  bankAccountChangedAt: string | null;
}

const iso = (v: unknown) => (v == null ? null : v instanceof Date ? v.toISOString() : String(v));

/** The reference data a case's invoice is judged against, as an analyst reads it. */
export function createEvidenceRepository(db: Db) {
  return {
    async purchaseOrder(tenantId: string, poNumber: string): Promise<PurchaseOrderEvidence | null> {
      const po = await db('purchase_orders').where({ tenant_id: tenantId, po_number: poNumber }).first();
      if (!po) return null;
      const lines = await db('po_lines').where({ tenant_id: tenantId, po_number: poNumber }).orderBy('line_id');
      const receipts = await db('goods_receipts')
        .where({ tenant_id: tenantId, po_number: poNumber })
        .orderBy([{ column: 'received_at' }, { column: 'id' }]);
      return {
        poNumber: po.po_number,
        supplierId: po.supplier_id,
        currency: po.currency,
        kind: po.kind,
        businessUnit: po.business_unit,
        lines: lines.map((l: any) => {
          const mine = receipts.filter((r: any) => r.line_id === l.line_id);
          return {
            lineId: l.line_id,
            description: l.description,
            quantity: String(l.quantity),
            unitPrice: String(l.unit_price),
            receivedQuantity: sumDecimals(mine.map((r: any) => String(r.quantity))),
            receipts: mine.map((r: any) => ({ id: r.id, quantity: String(r.quantity), receivedAt: iso(r.received_at)! })),
          };
        }),
      };
    },

    async supplier(tenantId: string, id: string): Promise<SupplierEvidence | null> {
      const s = await db('suppliers').where({ tenant_id: tenantId, id }).first();
      return s
        ? { id: s.id, name: s.name, taxId: s.tax_id, country: s.country, bankAccount: s.bank_account, bankAccountChangedAt: iso(s.bank_account_changed_at) }
        : null;
    },
  };
}

/** Adds decimal strings exactly (receipt quantities), scaling to the longest fraction. */
function sumDecimals(values: string[]): string {
  if (!values.length) return '0';
  const scale = Math.max(...values.map((v) => (v.split('.')[1] ?? '').length));
  const total = values.reduce((sum, v) => {
    const [int, frac = ''] = v.replace('-', '').split('.');
    const n = BigInt(int + frac.padEnd(scale, '0'));
    return sum + (v.startsWith('-') ? -n : n);
  }, 0n);
  const negative = total < 0n;
  const digits = (negative ? -total : total).toString().padStart(scale + 1, '0');
  const out = scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return negative ? `-${out}` : out;
}
