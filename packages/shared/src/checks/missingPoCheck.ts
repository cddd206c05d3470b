import type { Invoice } from '../invoice/invoice.js';
import { largestValueAtRisk, type Finding } from './finding.js';
import { Money } from './money.js';

/** The purchase order as the missing-PO check needs it. */
export interface PoHeader {
  poNumber: string;
  supplierId: string | null;
  currency: string;
  kind: 'goods' | 'service';
}

export interface MissingPoParams {
  /** Invoices without a PO up to this gross amount are accepted as non-PO spend. Default 0. */
  nonPoLimit?: number;
}

export type MissingPoReason = 'noPoNumber' | 'poNotFound' | 'supplierMismatch' | 'currencyMismatch';

export interface MissingPoResult {
  ok: boolean;
  poNumber: string | null;
  poFound: boolean;
  /** Why the invoice has no usable PO, or null when it has one (or is accepted non-PO spend). */
  reason: MissingPoReason | null;
  /** No PO number, and the gross amount is within the non-PO limit. */
  nonPoSpend: boolean;
  /** The most money any one finding puts at risk (decimal string); "0" when there is none. */
  valueAtRisk: string;
  findings: Finding[];
}

/**
 * Checks that the invoice names a purchase order that exists, belongs to the invoice's
 * supplier and is in the invoice's currency (DOMAIN.md, missing PO). Amounts in other
 * currencies are refused, not converted. Small invoices without a PO pass as non-PO spend up to
 * `nonPoLimit` (gross, in the invoice currency).
 * @example missingPoCheck(invoice, undefined, { nonPoLimit: 250 }).reason // 'noPoNumber'
 */
export function missingPoCheck(invoice: Invoice, po: PoHeader | undefined, params: MissingPoParams = {}): MissingPoResult {
  const poNumber = invoice.poNumber ?? null;
  const fail = (reason: MissingPoReason, finding: Finding): MissingPoResult => ({
    ok: false,
    poNumber,
    poFound: !!po,
    reason,
    nonPoSpend: false,
    valueAtRisk: largestValueAtRisk([finding]),
    findings: [finding],
  });
  if (!poNumber) {
    if (new Money(invoice.grossTotal).abs().lte(params.nonPoLimit ?? 0))
      return { ok: true, poNumber, poFound: false, reason: null, nonPoSpend: true, valueAtRisk: '0', findings: [] };
    return fail('noPoNumber', {
      kind: 'missingPo',
      severity: 'high',
      message: `Invoice ${invoice.invoiceNumber} names no purchase order and is over the non-PO limit of ${params.nonPoLimit ?? 0}`,
      valueAtRisk: invoice.grossTotal,
    });
  }
  if (!po)
    return fail('poNotFound', {
      kind: 'missingPo',
      severity: 'high',
      message: `Purchase order ${poNumber} named on invoice ${invoice.invoiceNumber} does not exist`,
      valueAtRisk: invoice.grossTotal,
    });
  if (po.supplierId && invoice.supplier.id && po.supplierId !== invoice.supplier.id) {
    return fail('supplierMismatch', {
      kind: 'poSupplierMismatch',
      severity: 'high',
      message: `Purchase order ${poNumber} is for supplier ${po.supplierId}, the invoice is from ${invoice.supplier.id}`,
      valueAtRisk: invoice.grossTotal,
    });
  }
  if (po.currency !== invoice.currency) {
    return fail('currencyMismatch', {
      kind: 'currencyMismatch',
      severity: 'high',
      message: `Invoice is in ${invoice.currency}, purchase order ${poNumber} in ${po.currency}; amounts are not converted`,
      valueAtRisk: invoice.grossTotal,
    });
  }
  return { ok: true, poNumber, poFound: true, reason: null, nonPoSpend: false, valueAtRisk: '0', findings: [] };
}
