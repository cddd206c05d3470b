import { Decimal } from 'decimal.js';
import type { Invoice, InvoiceParty } from '../invoice/invoice.js';
import { duplicateCheck, type DuplicateParams, type EarlierInvoice } from './duplicateCheck.js';
import { missingPoCheck, type MissingPoParams, type PoHeader } from './missingPoCheck.js';
import { supplierCheck, type BankAccountChange, type SupplierCheckParams, type SupplierMaster } from './supplierCheck.js';
import { taxCheck, type TaxCheckParams, type TaxRate } from './taxCheck.js';
import { threeWayMatch, type MatchPurchaseOrder, type MatchTolerances } from './threeWayMatch.js';

/**
 * Reference data in the shape of a template pack's `reference-data.json` (and of the
 * simulator's editor): suppliers, purchase orders, goods receipts, optionally tax rates and
 * earlier invoices. The runtime keeps the same data in tables; these functions answer the
 * questions its repositories answer, in memory.
 */
export interface ReferenceData {
  suppliers?: { id: string; name: string; taxId?: string; country?: string; bankAccount?: string; bankAccountChangedAt?: string }[];
  purchaseOrders?: {
    poNumber: string;
    supplierId?: string;
    currency: string;
    kind?: 'goods' | 'service';
    businessUnit?: string;
    lines: { lineId: string; description?: string; quantity: string | number; unitPrice: string | number }[];
  }[];
  goodsReceipts?: { id: string; poNumber: string; lineId: string; quantity: string | number }[];
  taxRates?: TaxRate[];
  earlierInvoices?: EarlierInvoice[];
}

/** The purchase order the runtime's `purchaseOrder` query returns: lines with the quantity received so far. */
export function purchaseOrderFrom(reference: ReferenceData, poNumber: string | undefined): (MatchPurchaseOrder & PoHeader) | undefined {
  const po = poNumber ? reference.purchaseOrders?.find((p) => p.poNumber === poNumber) : undefined;
  if (!po) return undefined;
  const receipts = (reference.goodsReceipts ?? []).filter((r) => r.poNumber === po.poNumber);
  return {
    poNumber: po.poNumber,
    supplierId: po.supplierId ?? null,
    currency: po.currency,
    kind: po.kind ?? 'goods',
    lines: [...po.lines]
      .sort((a, b) => a.lineId.localeCompare(b.lineId))
      .map((l) => ({
        lineId: l.lineId,
        quantity: String(l.quantity),
        unitPrice: String(l.unitPrice),
        receivedQuantity: receipts
          .filter((r) => r.lineId === l.lineId)
          .reduce((sum, r) => sum.plus(new Decimal(r.quantity)), new Decimal(0))
          .toString(),
      })),
  };
}

const taxKey = (taxId: string) => taxId.toUpperCase().replace(/[^A-Z0-9]/g, '');

/** The supplier an invoice names, as the runtime finds it: by id, else by tax id, else (without an id) by name. */
export function supplierFrom(reference: ReferenceData, party: Pick<InvoiceParty, 'id' | 'taxId' | 'name'>): SupplierMaster | undefined {
  const all = reference.suppliers ?? [];
  const found =
    (party.id && all.find((s) => s.id === party.id)) ||
    (party.taxId && all.find((s) => s.taxId && taxKey(s.taxId) === taxKey(party.taxId!))) ||
    (!party.id && all.find((s) => s.name.toLowerCase() === party.name.toLowerCase())) ||
    undefined;
  return found && { id: found.id, name: found.name, taxId: found.taxId ?? null, country: found.country ?? null, bankAccount: found.bankAccount ?? null };
}

/** The supplier's bank account history: its current account, a change when `bankAccountChangedAt` says when. */
export function bankAccountHistoryFrom(reference: ReferenceData, supplierId: string): BankAccountChange[] {
  const s = reference.suppliers?.find((x) => x.id === supplierId);
  if (!s?.bankAccount) return [];
  return [{ account: s.bankAccount, validFrom: s.bankAccountChangedAt ?? '1970-01-01T00:00:00Z', change: !!s.bankAccountChangedAt, previousAccount: null }];
}

/**
 * Runs the check a service node calls, the way the runtime's check service does, but with the
 * reference data given instead of the tenant's tables. `undefined` for a service that is not a
 * check (webhook, custom). `today` is YYYY-MM-DD (the supplier check counts days from it).
 * @example runCheck('threeWayMatch', invoice, packReference, { priceTolerancePct: 2 })?.withinTolerance
 */
export function runCheck(
  service: string,
  invoice: Invoice,
  reference: ReferenceData,
  params: Record<string, unknown>,
  today: string,
): Record<string, unknown> | undefined {
  switch (service) {
    case 'threeWayMatch':
      return { ...threeWayMatch(invoice, purchaseOrderFrom(reference, invoice.poNumber), params as MatchTolerances) };
    case 'missingPoCheck':
      return { ...missingPoCheck(invoice, purchaseOrderFrom(reference, invoice.poNumber), params as MissingPoParams) };
    case 'supplierCheck': {
      const master = supplierFrom(reference, invoice.supplier);
      const history = master ? bankAccountHistoryFrom(reference, master.id) : [];
      return { ...supplierCheck(invoice, master, history, params as SupplierCheckParams, today) };
    }
    case 'taxCheck': {
      const country = invoice.supplier.country ?? supplierFrom(reference, invoice.supplier)?.country ?? null;
      const rates = country ? (reference.taxRates ?? []).filter((r) => r.country === country) : [];
      return { ...taxCheck(invoice, { country, rates }, params as TaxCheckParams) };
    }
    case 'duplicateCheck':
      return { ...duplicateCheck(invoice, reference.earlierInvoices ?? [], params as DuplicateParams) };
    default:
      return undefined;
  }
}
