import type { Invoice, InvoiceLine } from '../src/index.js';

/** A small schema-shaped invoice for the checks; override what a test is about. */
export function invoice(overrides: Partial<Invoice> = {}, lines?: Partial<InvoiceLine>[]): Invoice {
  const base: Invoice = {
    documentType: 'invoice',
    invoiceNumber: 'INV-2026-0042',
    issueDate: '2026-11-10',
    currency: 'EUR',
    supplier: { id: 'SUP-1', name: 'Acme GmbH', taxId: 'DE123456789', country: 'DE', bankAccount: 'DE89370400440532013000' },
    poNumber: 'PO-1',
    netTotal: '100.00',
    taxTotal: '19.00',
    grossTotal: '119.00',
    lines: [{ lineId: '1', description: 'Widget', quantity: '10', unitPrice: '10.00', netAmount: '100.00', taxRate: '19', taxAmount: '19.00', poLineRef: '1' }],
  };
  // a line given only its net amount bills one unit at that price, so its own arithmetic holds
  const priced = (l: Partial<InvoiceLine>) =>
    l.netAmount !== undefined && l.quantity === undefined && l.unitPrice === undefined ? { quantity: '1', unitPrice: l.netAmount } : {};
  return {
    ...base,
    ...overrides,
    ...(lines ? { lines: lines.map((l, i) => ({ ...base.lines[0]!, lineId: String(i + 1), ...priced(l), ...l })) } : {}),
  };
}
